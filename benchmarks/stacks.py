"""Stack benchmarks (``python benchmarks/stacks.py [--quick]``, also run by ``make bench``).

Printed beside their bounds, never asserted:

1. N existing buckets planned as one stack at 50 ms per call, at parallelism 10 and 100, against
   ``requests x 50 ms / parallelism`` (goal: within 1.2x);
2. a ~200-resource mixed stack with three levels of references at 50 ms per call: create, no-op
   plan and apply of a changed stack, each against its critical-path bound: the longest chain of
   resources through the dependency graph, or the total work divided by the parallelism,
   whichever is larger, where a resource's work alone is its round trips (its calls, those that
   overlap counted once, as one plan's concurrent aspect reads are) x 50 ms (goal: within 1.3x);
3. engine overhead: a no-op plan of 1,000 in-memory resources (goal: <= 0.5 s), and the peak memory
   of planning 10,000 (goal: <= 200 MiB);
4. a 100-resource stack plan against a moto server, sequential (parallelism 1) and parallel (10).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from awsstate import InMemoryProvider, RecordingProvider, S3BucketDesired, Stack  # noqa: E402
from awsstate.models import DesiredModel  # noqa: E402
from awsstate.providers.base import ProviderCall, WrappingProvider  # noqa: E402
from awsstate.testing import FakeClock  # noqa: E402
from benchmarks.latency import DelayedProvider  # noqa: E402
from tests.stacks.shapes import mixed  # noqa: E402

REGION = "eu-west-1"
LATENCY = 0.05
T = TypeVar("T")


def _stack(resources: list[DesiredModel], provider: Any, parallelism: int) -> Stack:
    return Stack("bench", resources, provider=provider, parallelism=parallelism, clock=FakeClock())


def buckets(count: int) -> list[dict[str, Any]]:
    """N existing buckets planned at 50 ms per call, at parallelism 10 and 100."""
    resources: list[DesiredModel] = [S3BucketDesired(name=f"bench-{i:05d}", region=REGION) for i in range(count)]
    memory = InMemoryProvider(region=REGION)
    _stack(resources, memory, 10).apply()
    rows = []
    for parallelism in (10, 100):
        recorder = RecordingProvider(DelayedProvider(memory, LATENCY))
        started = time.perf_counter()
        plan = _stack(resources, recorder, parallelism).plan()
        wall = time.perf_counter() - started
        bound = len(recorder.calls) * LATENCY / parallelism
        rows.append({"resources": count, "parallelism": parallelism, "requests": len(recorder.calls),
                     "wall_s": round(wall, 2), "bound_s": round(bound, 2), "ratio": round(wall / bound, 2),
                     "goal": 1.2, "changed": plan.changed})
    return rows


class Timed(WrappingProvider):
    """Records when each call of each resource started and ended."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self._lock = threading.Lock()

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return proceed()
        finally:
            with self._lock:
                self.spans[f"{call.kind}.{call.name}"].append((started, time.perf_counter()))

    def alone(self, latency: float) -> dict[str, float]:
        """Each resource's time alone: its round trips (calls that overlap count once, as the
        concurrent aspect reads of one plan do) times the latency."""
        times = {}
        for key, spans in self.spans.items():
            trips, end = 0, -1.0
            for start, stop in sorted(spans):
                if start >= end:
                    trips += 1
                end = max(end, stop)
            times[key] = trips * latency
        return times


def _bound(plan: Any, times: dict[str, float], parallelism: int) -> float:
    longest: dict[str, float] = {}
    for key in plan.order:
        longest[key] = times.get(key, 0.0) + max((longest[d] for d in plan.depends_on.get(key, ())), default=0.0)
    return max(max(longest.values(), default=0.0), sum(times.values()) / parallelism)


def mixed_stack(count: int, parallelism: int = 10) -> list[dict[str, Any]]:
    """Create, no-op plan and changed apply of a mixed stack at 50 ms per call, against critical-path bounds."""
    resources = mixed(count)
    rows = []
    memory = InMemoryProvider(region=REGION)
    for step in ("create", "plan", "apply"):
        timed = Timed(DelayedProvider(memory, LATENCY))
        if step == "apply":
            resources = [r.model_copy(update={"tags": {"unit": "changed"}}) if r.kind_spec.kind == "s3_bucket" else r
                         for r in resources]
        plan = _stack(resources, DelayedProvider(memory, LATENCY), parallelism).plan()
        stack = _stack(resources, timed, parallelism)
        started = time.perf_counter()
        if step == "plan":
            plan = stack.plan()
        else:
            stack.apply(plan)
        wall = time.perf_counter() - started
        bound = _bound(plan, timed.alone(LATENCY), parallelism)
        rows.append({"step": step, "resources": len(resources), "parallelism": parallelism,
                     "wall_s": round(wall, 2), "bound_s": round(bound, 2), "ratio": round(wall / bound, 2),
                     "goal": 1.3})
    return rows


def overhead(count: int, big: int) -> dict[str, Any]:
    """An in-memory no-op plan of ``count`` resources; peak memory planning ``big`` resources."""
    memory = InMemoryProvider(region=REGION)
    resources: list[DesiredModel] = [S3BucketDesired(name=f"over-{i:05d}", region=REGION) for i in range(count)]
    _stack(resources, memory, 10).apply()
    started = time.perf_counter()
    _stack(resources, memory, 10).plan()
    wall = time.perf_counter() - started
    many: list[DesiredModel] = [S3BucketDesired(name=f"mem-{i:05d}", region=REGION) for i in range(big)]
    tracemalloc.start()
    _stack(many, InMemoryProvider(region=REGION), 10).plan()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"noop_resources": count, "noop_plan_s": round(wall, 3), "noop_goal_s": 0.5,
            "memory_resources": big, "peak_mib": round(peak, 1), "memory_goal_mib": 200}


def moto_server(count: int) -> dict[str, Any]:
    """A ``count``-resource stack plan against a moto server, sequential and parallel."""
    import boto3

    from awsstate.providers.aws import AwsProvider
    from awsstate.testing import MotoServer

    resources: list[DesiredModel] = [S3BucketDesired(name=f"moto-{i:04d}", region=REGION) for i in range(count)]
    with MotoServer() as server:
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
        provider = AwsProvider(session, region="us-east-1", endpoint_url=server.url, max_attempts=2)
        _stack(resources, provider, 10).apply()
        row: dict[str, Any] = {"resources": count}
        for parallelism in (1, 10):
            server.clear_requests()
            started = time.perf_counter()
            _stack(resources, provider, parallelism).plan()
            row[f"parallelism_{parallelism}_s"] = round(time.perf_counter() - started, 2)
            row["requests"] = len(server.requests())
        return row


def _print(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{title}")
    if not rows:
        return
    keys = list(rows[0])
    widths = [max(len(k), *(len(str(r[k])) for r in rows)) for k in keys]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths, strict=True)))
    for row in rows:
        print("  ".join(str(row[k]).ljust(w) for k, w in zip(keys, widths, strict=True)))


def run(quick: bool) -> dict[str, Any]:
    """Every stack figure (``quick``: smaller sizes)."""
    results = {
        "buckets": buckets(200 if quick else 1000),
        "mixed": mixed_stack(56 if quick else 203),
        "overhead": overhead(1000, 2000 if quick else 10000),
        "moto_server": moto_server(30 if quick else 100),
    }
    _print("Existing buckets planned as one stack, 50 ms per call (bound: requests x 50 ms / parallelism; goal 1.2x)",
           results["buckets"])
    _print("Mixed stack, three levels of references, 50 ms per call (bound: critical path; goal 1.3x)",
           results["mixed"])
    _print("Engine overhead, in memory (goals: no-op plan <= 0.5 s, peak <= 200 MiB)", [results["overhead"]])
    _print("Stack plan against a moto server, sequential vs parallel", [results["moto_server"]])
    return results


def main() -> None:
    """``python benchmarks/stacks.py [--quick]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    results = run(args.quick)
    out = ROOT / "benchmarks" / "results" / "stacks.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
