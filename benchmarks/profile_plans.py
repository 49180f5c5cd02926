"""Profile the engine's own cost: N no-op plans of the S3 ``everything`` example on the in-memory provider.

``python -m cProfile -s cumulative benchmarks/profile_plans.py [N]`` (N defaults to 2,000), or
``python benchmarks/profile_plans.py [N] --top 15`` to profile the plan loop alone (no imports, no set-up)
and print its top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared examples live in tests/examples


def setup() -> tuple[Any, Any]:
    """A manager on the in-memory provider and the S3 ``everything`` example, applied and planned once."""
    import structlog

    from awsstate import InMemoryProvider, S3BucketManager
    from tests.examples.s3_bucket import everything

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    manager = S3BucketManager(provider=InMemoryProvider(region="us-east-1"))
    desired = everything("awsstate-bench-profile", "eu-west-1")
    manager.apply(desired)
    manager.plan(desired)  # warm: first-use imports and caches
    return manager, desired


def plans(manager: Any, desired: Any, count: int) -> float:
    """Plan the converged example ``count`` times; plans per second."""
    started = time.perf_counter()
    for _ in range(count):
        manager.plan(desired)
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=2000)
    parser.add_argument("--top", type=int, help="profile in-process and print this many functions by cumulative time")
    args = parser.parse_args()
    manager, desired = setup()
    if args.top is None:
        print(f"{plans(manager, desired, args.count):,.0f} plans/s")
        return
    profile = cProfile.Profile()  # the plan loop only, not the imports and set-up
    rate = profile.runcall(plans, manager, desired, args.count)
    print(f"{rate:,.0f} plans/s under the profiler")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
