"""Fault benchmark: every kind converges within five applies while half of all requests fail.

``python benchmarks/faults.py [--rate 0.5] [--applies 5] [--quota]`` (or ``make bench-faults``).

For every fault kind on the wire (:mod:`tests.wire`: throttling, a bare HTTP 500, a bare 503, a
dropped connection, a lost answer that botocore re-sends) and every kind in the shared examples,
``full`` is applied through an ``AwsProvider`` on moto in-process whose requests fail at ``rate``
(seeded), up to ``applies`` times, until a plan is empty, for ``resources`` resources of each kind.
One provider (one set of long-lived clients) serves all the applies of a fault kind, as one
process would. Printed: a table of applies
needed per (fault, kind), ``-`` for "not converged"; figures in ``benchmarks/results/faults.json``.

``--quota`` keeps botocore's retry quota (awsstate disables it): the quota is shared by every call
a client makes (each retried failure costs 14 tokens of 500, a clean success gives back 1), so at
a 50 % fault rate it is spent after a few dozen calls, and from then on no call is retried at all.
Botocore's backoff sleeps are skipped (recorded) so that the run takes seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGION = "eu-west-1"


def converge(manager: Any, desired: Any, faults: Any, *, applies: int) -> dict[str, Any]:
    """Apply ``desired`` until a plan is empty (at most ``applies`` times)."""
    from awsstate import AwsStateError

    errors: list[str] = []
    for attempt in range(1, applies + 1):
        try:
            manager.apply(desired)
            faults.enabled = False  # the check itself is not faulted
            try:
                done = not manager.plan(desired).changed
            finally:
                faults.enabled = True
        except AwsStateError as error:
            errors.append(type(error).__name__)
            continue
        if done:
            return {"applies": attempt, "errors": errors}
    return {"applies": None, "errors": errors}


def run(*, rate: float, applies: int, quota: bool, resources: int = 5, seed: int = 0
        ) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """For each fault kind, one long-lived provider converges ``resources`` of every kind (botocore's
    backoff sleeps are skipped for the run)."""
    import botocore.endpoint

    slept: list[float] = []
    real_time = botocore.endpoint.time
    botocore.endpoint.time = types.SimpleNamespace(sleep=slept.append)  # type: ignore[assignment]
    try:
        return _run_all(rate=rate, applies=applies, quota=quota, resources=resources, seed=seed)
    finally:
        botocore.endpoint.time = real_time  # type: ignore[assignment]


def _run_all(*, rate: float, applies: int, quota: bool, resources: int, seed: int
             ) -> dict[str, dict[str, list[dict[str, Any]]]]:
    import boto3
    from moto import mock_aws

    from awsstate.providers.aws import AwsProvider
    from awsstate.testing import FakeClock
    from tests.examples import EXAMPLES
    from tests.wire import PROVEN_KINDS, WIRE_FAULTS, WireFaults

    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for fault in WIRE_FAULTS:
        with mock_aws(config={"core": {"reset_boto3_session": False}}):
            session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                            region_name="us-east-1")
            faults = WireFaults(fault, rate=rate, seed=seed).register(session)
            provider = AwsProvider(session, region="us-east-1", retry_quota=quota)
            for number in range(resources):
                for kind in PROVEN_KINDS:
                    example = EXAMPLES[kind]
                    manager = example.manager(provider=provider, clock=FakeClock())
                    desired = example.full(example.name(f"bench{number}"), REGION)
                    outcome = converge(manager, desired, faults, applies=applies)
                    results.setdefault(fault, {}).setdefault(kind, []).append(outcome)
            results[fault]["_requests"] = [{"requests": faults.requests, "faulted": len(faults.faulted)}]
    return results


def table(results: dict[str, dict[str, list[dict[str, Any]]]]) -> str:
    """Applies needed per (fault, kind): the worst resource; ``-`` when one did not converge."""
    kinds = sorted(k for k in next(iter(results.values())) if not k.startswith("_"))
    lines = [f"{'fault':<18}" + "".join(f"{k:>16}" for k in kinds)]
    for fault, by_kind in results.items():
        cells = []
        for kind in kinds:
            runs = by_kind[kind]
            worst = None if any(r["applies"] is None for r in runs) else max(r["applies"] for r in runs)
            cells.append(f"{'-' if worst is None else worst:>16}")
        lines.append(f"{fault:<18}" + "".join(cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=0.5)
    parser.add_argument("--applies", type=int, default=5)
    parser.add_argument("--resources", type=int, default=5, help="resources of each kind per fault kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quota", action="store_true", help="keep botocore's retry quota (the old behaviour)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "faults.json")
    args = parser.parse_args()
    results = run(rate=args.rate, applies=args.applies, quota=args.quota, resources=args.resources, seed=args.seed)
    print(f"applies to converge at a {args.rate:.0%} fault rate (at most {args.applies}; '-': not converged; "
          f"botocore retry quota {'on' if args.quota else 'off'}; worst of {args.resources} resources per kind, "
          "one long-lived provider per fault kind)")
    print(table(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"rate": args.rate, "applies": args.applies, "quota": args.quota,
                                       "results": results}, indent=2))


if __name__ == "__main__":
    main()
