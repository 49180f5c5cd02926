"""awsstate benchmarks: ``make bench`` (or ``python benchmarks/run.py [--quick]``).

Measures, for every kind in the shared examples (tests/examples), and prints each figure beside its bound:

1. requests per no-op plan of the ``full`` example, and per single-drift converge, against a
   moto server on 127.0.0.1 (counted at the server, from its access log); bound: managed aspects + 1;
2. single-resource plan latency: a no-op plan of the fullest example (``everything`` where the kind's
   example module has one, else ``full``) on the in-memory provider with a simulated 50 ms per call
   and a networked provider's ``parallel_reads`` (median of a few plans), beside the goal of 2.2 round
   trips (existence, then the other aspects concurrently) and the sequential floor, calls x latency;
3. library plans per second of the fullest example on the in-memory provider, no latency (the
   engine's own cost); goal for S3: >= 5,000/s;
4. wall time and peak memory for planning N S3 buckets (1,000; ``--quick``: 100) on the in-memory
   provider with a simulated 50 ms per call, one after the other (real sleeps);
5. start-up: ``import awsstate`` and ``from awsstate import S3BucketManager, S3BucketDesired`` in
   fresh interpreters (medians: whole interpreter minus bare start-up, and the import statement
   alone timed in-process); goal for ``import awsstate``: <= 120 ms uncontended.

Figures are printed, never asserted (wall-clock depends on the machine and its load). Prints a
table and writes ``benchmarks/results/latest.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared examples live in tests/examples

REGION = "eu-west-1"
LATENCY_GOAL_ROUND_TRIPS = 2.2  # existence, then every other aspect at once (and a little engine time)
S3_PLANS_PER_SECOND_GOAL = 5000
IMPORT_GOAL_MS = 120.0
IMPORTS = {"import awsstate": "import awsstate",
           "from awsstate import S3BucketManager, S3BucketDesired":
               "from awsstate import S3BucketManager, S3BucketDesired"}


def import_time(runs: int) -> dict[str, Any]:
    """Medians over fresh interpreters, in ms: bare start-up; per import statement the whole
    interpreter, that minus bare start-up, and the statement alone (perf_counter in-process)."""
    timed = "import time as _t; _s = _t.perf_counter(); {}; print((_t.perf_counter() - _s) * 1000)"

    def sample(code: str) -> tuple[float, float]:
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True)
        return (time.perf_counter() - started) * 1000, float(out.stdout or 0)

    bare = statistics.median(sample("print(0)")[0] for _ in range(runs))
    results: dict[str, Any] = {"bare_interpreter_ms": round(bare, 1), "runs": runs}
    for label, statement in IMPORTS.items():
        walls, inside = zip(*(sample(timed.format(statement)) for _ in range(runs)), strict=True)
        wall = statistics.median(walls)
        results[label] = {"interpreter_ms": round(wall, 1), "cost_ms": round(wall - bare, 1),
                          "in_process_ms": round(statistics.median(inside), 1)}
    first = results["import awsstate"]  # the v1 keys, for comparisons with older results
    results.update(import_awsstate_ms=first["interpreter_ms"], import_cost_ms=first["cost_ms"])
    return results


def fullest(kind: str, example: Any) -> tuple[str, Any]:
    """The example setting the most aspects: the kind module's ``everything`` if it has one, else ``full``."""
    module = importlib.import_module(f"tests.examples.{kind}")
    everything = getattr(module, "everything", None)
    return ("everything", everything) if callable(everything) else ("full", example.full)


def http_requests(examples: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Requests a moto server receives for a no-op plan and a single-drift converge, per kind."""
    import boto3

    from awsstate.providers.aws import AwsProvider
    from awsstate.spec import ResourceRef
    from awsstate.testing import FakeClock, MotoServer

    results: dict[str, dict[str, Any]] = {}
    with MotoServer() as server:
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")

        def provider() -> AwsProvider:
            return AwsProvider(session, region="us-east-1", endpoint_url=server.url, max_attempts=1)

        for kind, example in examples.items():
            server.reset()
            manager = example.manager(provider=provider(), clock=FakeClock())
            desired = example.full(example.name("bench"), REGION)
            manager.apply(desired)
            manager.plan(desired)  # warm: clients, cached account id
            server.clear_requests()
            noop = manager.plan(desired)
            noop_requests = len(server.requests())
            row: dict[str, Any] = {"managed_aspects": len(manager.spec.managed(desired)),
                                   "noop_plan_requests": noop_requests, "noop_plan_changed": noop.changed}
            ref = ResourceRef(manager.spec, desired.name, REGION if manager.spec.regional else None)
            for aspect, value in example.drift.items():  # the first aspect that drifts alone on moto
                provider().write_aspect(ref, aspect, value)
                if manager.plan(desired).aspects == (aspect,):
                    server.clear_requests()
                    manager.apply(desired)
                    row.update(drift_aspect=aspect, drift_converge_requests=len(server.requests()))
                    break
                manager.apply(desired)
            results[kind] = row
    return results


def plans_per_second(examples: dict[str, Any], seconds: float) -> dict[str, dict[str, Any]]:
    """No-op plans of the fullest example per second on the in-memory provider, per kind."""
    from awsstate import InMemoryProvider, RecordingProvider

    results = {}
    for kind, example in examples.items():
        label, make = fullest(kind, example)
        memory = InMemoryProvider(region="us-east-1")
        manager = example.manager(provider=memory)
        desired = make(example.name("bench"), REGION)
        manager.apply(desired)
        recorder = RecordingProvider(memory)
        example.manager(provider=recorder).plan(desired)
        count, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            manager.plan(desired)
            count += 1
        results[kind] = {"example": label, "plans_per_second": round(count / elapsed),
                         "calls_per_plan": len(recorder.calls)}
    return results


def single_plan_latency(examples: dict[str, Any], latency: float, runs: int) -> dict[str, dict[str, Any]]:
    """Median wall time of one no-op plan of the fullest example, each provider call taking ``latency`` s."""
    from awsstate import InMemoryProvider, RecordingProvider
    from benchmarks.latency import DelayedProvider

    results = {}
    for kind, example in examples.items():
        label, make = fullest(kind, example)
        memory = InMemoryProvider(region="us-east-1")
        desired = make(example.name("latency"), REGION)
        example.manager(provider=memory).apply(desired)
        delayed = DelayedProvider(memory, latency)
        recorder = RecordingProvider(delayed)
        manager = example.manager(provider=recorder)
        manager.plan(desired)  # warm: first-use imports and caches
        samples, calls, changed = [], set(), False
        for _ in range(runs):
            recorder.clear()
            started = time.perf_counter()
            changed |= manager.plan(desired).changed
            samples.append(time.perf_counter() - started)
            calls.add(len(recorder.calls))
        median = statistics.median(samples)
        results[kind] = {"example": label, "managed_aspects": len(manager.spec.managed(desired)),
                         "calls": max(calls), "parallel_reads": delayed.parallel_reads,
                         "median_ms": round(median * 1000, 1), "min_ms": round(min(samples) * 1000, 1),
                         "max_ms": round(max(samples) * 1000, 1), "round_trips": round(median / latency, 2),
                         "goal_ms": round(LATENCY_GOAL_ROUND_TRIPS * latency * 1000, 1),
                         "sequential_floor_ms": round(max(calls) * latency * 1000, 1), "runs": runs,
                         "changed": changed}
    return results


def many_buckets(example: Any, count: int, latency: float) -> dict[str, Any]:
    """Plan ``count`` existing buckets one after the other, each provider call taking ``latency`` s."""
    from awsstate import InMemoryProvider, RecordingProvider
    from benchmarks.latency import DelayedProvider

    memory = InMemoryProvider(region="us-east-1")
    names = [example.name(f"many{index:05d}") for index in range(count)]
    for name in names:
        example.manager(provider=memory).apply(example.minimal(name, REGION))
    recorder = RecordingProvider(DelayedProvider(memory, latency))
    manager = example.manager(provider=recorder)
    desired = [example.minimal(name, REGION) for name in names]
    tracemalloc.start()
    started = time.perf_counter()
    changed = sum(manager.plan(d).changed for d in desired)
    wall = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"resources": count, "latency_ms_per_call": latency * 1000, "calls": len(recorder.calls),
            "floor_s": round(len(recorder.calls) * latency, 2), "wall_s": round(wall, 2),
            "overhead_ms_per_plan": round((wall - len(recorder.calls) * latency) / count * 1000, 3),
            "peak_traced_mib": round(peak / 2**20, 2), "changed": changed}


def _table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [title, line.format(*header), line.format(*("-" * w for w in widths))]
    out.extend(line.format(*map(str, row)) for row in rows)
    return "\n".join(out)


def _verdict(met: bool) -> str:
    return "ok" if met else "MISSED"


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 buckets instead of 1,000, shorter loops")
    parser.add_argument("--buckets", type=int, help="how many buckets to plan with simulated latency")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="simulated latency per provider call")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json")
    args = parser.parse_args()
    buckets = args.buckets or (100 if args.quick else 1000)

    startup = import_time(runs=5 if args.quick else 11)  # before this process imports anything of awsstate
    # An application may configure logging (the library never does): keep only warnings, so the figures
    # measure the library and not the console.
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    from tests.examples import EXAMPLES

    examples = dict(sorted(EXAMPLES.items()))
    latency = args.latency_ms / 1000
    http = http_requests(examples)
    single = single_plan_latency(examples, latency, runs=3 if args.quick else 7)
    speed = plans_per_second(examples, seconds=0.3 if args.quick else 1.0)
    floor = buckets * latency
    print(f"planning {buckets} buckets at {args.latency_ms:g} ms per call (at least {floor:.0f} s)", file=sys.stderr)
    many = many_buckets(EXAMPLES["s3_bucket"], buckets, latency)

    print(_table("Requests at a moto server (counted at the server), no-op plan of the full example",
                 ["kind", "managed aspects", "no-op plan", "bound (aspects + 1)", "", "single-drift converge",
                  "drifted aspect"],
                 [[k, r["managed_aspects"], r["noop_plan_requests"], r["managed_aspects"] + 1,
                   _verdict(r["noop_plan_requests"] <= r["managed_aspects"] + 1),
                   r.get("drift_converge_requests", "-"), r.get("drift_aspect", "-")] for k, r in http.items()]))
    print()
    goal_ms = LATENCY_GOAL_ROUND_TRIPS * args.latency_ms
    goal = f"<= {LATENCY_GOAL_ROUND_TRIPS:g} x {args.latency_ms:g} ms = {goal_ms:g} ms"
    print(_table(f"Single-resource no-op plan, fullest example, {args.latency_ms:g} ms per call "
                 f"(median of {next(iter(single.values()))['runs']})",
                 ["kind", "example", "managed aspects", "calls", "parallel reads", "median", "min..max",
                  "round trips", "goal", "", "sequential floor (calls x latency)"],
                 [[k, r["example"], r["managed_aspects"], r["calls"], r["parallel_reads"], f"{r['median_ms']} ms",
                   f"{r['min_ms']}..{r['max_ms']} ms", r["round_trips"], goal, _verdict(r["median_ms"] <= r["goal_ms"]),
                   f"{r['sequential_floor_ms']:g} ms"] for k, r in single.items()]))
    print()
    print(_table("No-op plans of the fullest example, in-memory provider, no latency",
                 ["kind", "example", "plans/s", "goal", "", "provider calls per plan"],
                 [[k, r["example"], f"{r['plans_per_second']:,}",
                   f">= {S3_PLANS_PER_SECOND_GOAL:,}/s" if k == "s3_bucket" else "-",
                   _verdict(r["plans_per_second"] >= S3_PLANS_PER_SECOND_GOAL) if k == "s3_bucket" else "",
                   r["calls_per_plan"]] for k, r in speed.items()]))
    print()
    print(_table(f"Planning {many['resources']} existing S3 buckets, sequential, "
                 f"{many['latency_ms_per_call']:g} ms per call",
                 ["calls", "floor (calls x latency)", "wall", "overhead per plan", "peak traced memory"],
                 [[many["calls"], f"{many['floor_s']} s", f"{many['wall_s']} s",
                   f"{many['overhead_ms_per_plan']} ms", f"{many['peak_traced_mib']} MiB"]]))
    print()
    print(_table(f"Start-up (median of {startup['runs']} fresh interpreters; bare interpreter "
                 f"{startup['bare_interpreter_ms']} ms)",
                 ["statement", "interpreter", "minus bare start-up", "statement alone (in-process)", "goal", ""],
                 [[label, f"{startup[label]['interpreter_ms']} ms", f"{startup[label]['cost_ms']} ms",
                   f"{startup[label]['in_process_ms']} ms",
                   f"<= {IMPORT_GOAL_MS:g} ms" if label == "import awsstate" else "-",
                   _verdict(startup[label]["in_process_ms"] <= IMPORT_GOAL_MS) if label == "import awsstate" else ""]
                  for label in IMPORTS]))
    print("(goals are for an uncontended machine; load average at the end of the run: "
          f"{_load()})")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {"quick": args.quick, "python": platform.python_version(), "platform": platform.platform(),
              "moto_server_requests": http, "single_plan_latency": single, "in_memory_plans": speed,
              "many_buckets": many, "startup": startup}
    args.output.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(f"\nwritten to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")


if __name__ == "__main__":
    main()
