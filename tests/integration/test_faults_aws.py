"""The fault sweep on AwsProvider-on-moto: a fault at any call leaves nothing one more apply cannot fix.

The same sweep as tests/unit/test_faults.py (every kind, the create / drift / update scenarios,
throttling before a call, an HTTP 500 after it took effect, a crash before or after, and a lost
answer whose call is sent again), with the provider calls going through boto3 to moto in-process.
End states are compared as read back (every aspect ``get`` reads, plus an IAM policy's versions)
with those of a clean run in a fresh moto.

The kinds are :data:`tests.wire.PROVEN_KINDS`. ``make test`` runs a seeded sample (:data:`SAMPLE`
cases, every kind and every fault present); ``make faults-moto`` (``AWSSTATE_FAULT_SWEEP=full``, or
``AWSSTATE_FULL_SWEEP=1`` as for the other sweeps) runs every call number of every case.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import pytest
from moto import mock_aws

from awsstate import AwsStateError, FaultInjectingProvider, RecordingProvider, SimulatedCrash
from awsstate.providers.aws import AwsProvider
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES, KindExamples
from tests.harness_stats import STATS
from tests.integration.conftest import SESSION
from tests.wire import PROVEN_KINDS

REGION = "eu-west-1"
MODES = [("throttled", "before"), ("server_error", "after"), ("crash", "before"), ("crash", "after"),
         ("drop_response", "after")]
SCENARIOS = ("create", "drift", "update")
FULL = os.environ.get("AWSSTATE_FAULT_SWEEP") == "full" or bool(os.environ.get("AWSSTATE_FULL_SWEEP"))
SAMPLE = 40
"""Cases in the sampled sweep, the guaranteed ones included (each draws its call number at random, seeded)."""


@contextmanager
def _moto() -> Iterator[AwsProvider]:
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        yield AwsProvider(SESSION, region="us-east-1", max_attempts=1)


def _clients(service: str, region: str | None) -> Any:
    return SESSION.client(service, region_name=region)


def _converge(example: KindExamples, provider: Any, desired: Any) -> None:
    example.manager(provider=provider, clock=FakeClock()).apply(desired)


def _prepare(example: KindExamples, provider: AwsProvider, scenario: str, name: str) -> None:
    _converge(example, provider, example.minimal(example.name("bystander"), REGION))
    if scenario in ("drift", "update"):
        _converge(example, provider, example.full(name, REGION))
    if scenario == "drift":
        example.drift_boto3(_clients, name, REGION)


def _desired(example: KindExamples, scenario: str, name: str) -> Any:
    return (example.update if scenario == "update" else example.full)(name, REGION)


def _snapshot(example: KindExamples, provider: AwsProvider, names: tuple[str, ...]) -> dict[str, Any]:
    manager = example.manager(provider=provider, clock=FakeClock())
    state: dict[str, Any] = {}
    for name in names:
        observed = manager.get(name, REGION)
        # Attributes the service assigns (a KMS key's id) differ between the two worlds compared: left out.
        assigned = {a.name for a in example.manager.spec.attributes if not a.derivable}
        state[name] = None if observed is None else observed.model_dump(mode="json", exclude=assigned)
        if example.kind == "iam_policy" and observed is not None:
            versions = _clients("iam", None).list_policy_versions(PolicyArn=observed.arn)["Versions"]
            state[f"{name} versions"] = len(versions)
    return state


@cache
def _reference(kind: str, scenario: str) -> tuple[int, dict[str, Any]]:
    """(provider calls of a clean apply, the end state), in a fresh moto."""
    example = EXAMPLES[kind]
    name = example.name("faulty")
    with _moto() as provider:
        _prepare(example, provider, scenario, name)
        counter = FaultInjectingProvider(provider)
        _converge(example, counter, _desired(example, scenario, name))
        return counter.calls, _snapshot(example, provider, (name, example.name("bystander")))


def _cases() -> list[Any]:
    cases = [(kind, scenario, error, when, None) for kind in PROVEN_KINDS for scenario in SCENARIOS
             for error, when in MODES]
    if not FULL:  # every kind and every fault at least once, the rest drawn (seeded)
        shuffled = random.Random(20261201).sample(cases, len(cases))
        kinds = sorted(PROVEN_KINDS)
        picked = [next(c for c in shuffled if c[0] == kinds[i % len(kinds)] and c[2:4] == MODES[i % len(MODES)])
                  for i in range(max(len(kinds), len(MODES)))]
        cases = picked + [c for c in shuffled if c not in picked][: max(0, SAMPLE - len(picked))]
    return [pytest.param(*case, id=f"{case[0]}-{case[1]}-{case[2]}-{case[3]}") for case in cases]


@pytest.mark.faults
@pytest.mark.parametrize(("kind", "scenario", "error", "when", "number"), _cases())
def test_after_a_fault_at_a_call_on_moto_one_more_apply_converges_to_the_clean_state(
    kind: str, scenario: str, error: Any, when: Any, number: int | None
) -> None:
    example = EXAMPLES[kind]
    calls, expected = _reference(kind, scenario)
    numbers = range(1, calls + 1) if FULL else [random.Random(f"{kind}{scenario}{error}{when}").randint(1, calls)]
    for n in numbers:
        _one(example, scenario, error, when, n, expected)


def _one(example: KindExamples, scenario: str, error: Any, when: Any, n: int, expected: dict[str, Any]) -> None:
    name = example.name("faulty")
    with _moto() as provider:
        _prepare(example, provider, scenario, name)
        existed = scenario != "create"
        recorder = RecordingProvider(provider)
        faulty = FaultInjectingProvider(recorder, fail_on=n, error=error, when=when)
        desired = _desired(example, scenario, name)
        try:
            example.manager(provider=faulty, clock=FakeClock()).apply(desired)
        except SimulatedCrash:
            assert error == "crash"
        except AwsStateError as failure:
            assert error not in ("crash", "drop_response"), f"call {n}: a {error} surfaced as {failure!r}"
            assert example.kind in str(failure) and name in str(failure), f"unclear error: {failure}"
        else:
            assert error == "drop_response", f"the fault at call {n} ({faulty.injected}) did not stop the apply"
        assert len(faulty.injected) == 1
        STATS.add("faults injected on moto", example.kind)

        rerun = example.manager(provider=recorder, clock=FakeClock())
        rerun.apply(desired)
        assert not rerun.plan(desired).changed, f"call {n} ({error} {when}): not converged after one more apply"
        resent = 1 if error == "drop_response" and faulty.injected[0].call.operation == "create" else 0
        creates = [c for c in recorder.calls if c.operation == "create"]
        assert len(creates) == (0 if existed else 1 + resent), f"call {n}: created more than once: {creates}"
        assert [c for c in recorder.calls if c.operation == "delete"] == []
        assert _snapshot(example, provider, (name, example.name("bystander"))) == expected, \
            f"call {n} ({error} {when}): the end state differs from a clean run's"
        STATS.add("faults survived on moto", example.kind)
