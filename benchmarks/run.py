"""awsstate benchmarks: ``make bench`` (or ``python benchmarks/run.py [--quick]``).

Measures, for every kind in the shared examples (tests/examples):

1. requests per no-op plan of the ``full`` example, and per single-drift converge, against a
   moto server on 127.0.0.1 (counted at the server, from its access log);
2. library plans per second on the in-memory provider, no latency (the engine's own cost);
3. wall time and peak memory for planning N S3 buckets (1,000; ``--quick``: 100) on the in-memory
   provider with a simulated 50 ms per call, one after the other (real sleeps);
4. start-up time of ``import awsstate`` (median of fresh interpreters, minus bare start-up).

Prints a table and writes ``benchmarks/results/latest.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import logging
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


def import_time(runs: int) -> dict[str, float]:
    """Median wall time of ``python -c 'import awsstate'`` and of a bare interpreter, in ms."""
    def median(code: str) -> float:
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    bare = median("pass")
    full = median("import awsstate")
    return {"import_awsstate_ms": round(full, 1), "bare_interpreter_ms": round(bare, 1),
            "import_cost_ms": round(full - bare, 1)}


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
            ref = ResourceRef(kind, desired.name, REGION if manager.spec.regional else None)
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


def plans_per_second(examples: dict[str, Any], seconds: float) -> dict[str, dict[str, float]]:
    """No-op plans of ``full`` per second on the in-memory provider, per kind."""
    from awsstate import InMemoryProvider, RecordingProvider

    results = {}
    for kind, example in examples.items():
        memory = InMemoryProvider(region="us-east-1")
        manager = example.manager(provider=memory)
        desired = example.full(example.name("bench"), REGION)
        manager.apply(desired)
        recorder = RecordingProvider(memory)
        example.manager(provider=recorder).plan(desired)
        count, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            manager.plan(desired)
            count += 1
        results[kind] = {"plans_per_second": round(count / elapsed), "calls_per_plan": len(recorder.calls)}
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
    http = http_requests(examples)
    speed = plans_per_second(examples, seconds=0.3 if args.quick else 1.0)
    floor = buckets * args.latency_ms / 1000
    print(f"planning {buckets} buckets at {args.latency_ms:g} ms per call (at least {floor:.0f} s)", file=sys.stderr)
    many = many_buckets(EXAMPLES["s3_bucket"], buckets, args.latency_ms / 1000)

    print(_table("Requests at a moto server (counted at the server)",
                 ["kind", "managed aspects", "no-op plan", "budget", "single-drift converge", "drifted aspect"],
                 [[k, r["managed_aspects"], r["noop_plan_requests"], r["managed_aspects"] + 1,
                   r.get("drift_converge_requests", "-"), r.get("drift_aspect", "-")] for k, r in http.items()]))
    print()
    print(_table("No-op plans of the full example, in-memory provider, no latency",
                 ["kind", "plans/s", "provider calls per plan"],
                 [[k, r["plans_per_second"], r["calls_per_plan"]] for k, r in speed.items()]))
    print()
    print(_table(f"Planning {many['resources']} existing S3 buckets, sequential, "
                 f"{many['latency_ms_per_call']:g} ms per call",
                 ["calls", "floor (calls x latency)", "wall", "overhead per plan", "peak traced memory"],
                 [[many["calls"], f"{many['floor_s']} s", f"{many['wall_s']} s",
                   f"{many['overhead_ms_per_plan']} ms", f"{many['peak_traced_mib']} MiB"]]))
    print()
    print(_table("Start-up", ["import awsstate", "bare interpreter", "cost of the import"],
                 [[f"{startup['import_awsstate_ms']} ms", f"{startup['bare_interpreter_ms']} ms",
                   f"{startup['import_cost_ms']} ms"]]))

    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {"quick": args.quick, "python": platform.python_version(), "platform": platform.platform(),
              "moto_server_requests": http, "in_memory_plans": speed, "many_buckets": many, "startup": startup}
    args.output.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(f"\nwritten to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")


if __name__ == "__main__":
    main()
