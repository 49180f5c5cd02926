"""Fault injection: a failure at any call of an apply leaves nothing that one more apply cannot converge.

First the wrapper itself (:class:`awsstate.FaultInjectingProvider`), then the sweep: for every kind
in the shared examples, every scenario (create from nothing, converge a drift, update), every call
number ``N`` of a clean run of that scenario and every fault (throttling before the call, an HTTP
500 whose call took effect, a crash before the call, a crash after it took effect):

* the faulty apply raises a clear awsstate error (or, for a crash, stops with ``SimulatedCrash``);
  a lost answer whose call is sent again (``drop_response``) must not even fail it: every call is
  safe to repeat (a create that finds what it makes, a write of what is there, a delete of nothing);
* one more apply, with no faults, converges, and a plan after it is empty;
* the end state is exactly the state of a clean run (every aspect and attribute);
* the resource was created exactly once, nothing was deleted, and a bystander resource of the
  same kind is untouched.

Each case runs on the in-memory provider with a fake clock, so the whole sweep takes seconds. The
counts of faults injected and survived are printed at the end of the test run.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from awsstate import (
    AwsStateError,
    FaultInjectingProvider,
    InMemoryProvider,
    ProviderError,
    RecordingProvider,
    SimulatedCrash,
    ThrottledError,
    World,
)
from awsstate.kinds import kind_spec
from awsstate.providers.faults import FaultCall
from awsstate.spec import DesiredModel, ResourceRef
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES, KindExamples
from tests.harness_stats import STATS

REGION = "eu-west-1"


# -- the wrapper ---------------------------------------------------------------------------------

def _bucket(provider: Any) -> Any:
    from awsstate import S3BucketDesired, S3BucketManager

    return S3BucketManager(provider=provider, clock=FakeClock()), S3BucketDesired(
        name="fault-wrapper-test", region=REGION, versioning=True, tags={"env": "dev"})


def test_the_nth_call_fails_with_a_throttling_error_naming_the_call(memory: InMemoryProvider) -> None:
    faulty = FaultInjectingProvider(memory, fail_on=2)
    manager, desired = _bucket(faulty)
    with pytest.raises(ThrottledError) as caught:
        manager.apply(desired)
    assert caught.value.kind == "s3_bucket" and caught.value.name == desired.name
    assert caught.value.operation == "create" and caught.value.code == "Throttling"
    assert [f.call.number for f in faulty.injected] == [2]
    assert memory.world.find("s3_bucket", desired.name) is None, "before: the call was not made"


def test_after_means_the_call_took_effect_but_its_answer_was_lost(memory: InMemoryProvider) -> None:
    faulty = FaultInjectingProvider(memory, fail_on=lambda c: c.operation == "create", error="server_error",
                                    when="after")
    manager, desired = _bucket(faulty)
    with pytest.raises(ProviderError, match="HTTP 500") as caught:
        manager.apply(desired)
    assert caught.value.code == "InternalError"
    assert memory.world.find("s3_bucket", desired.name) is not None


def test_a_crash_is_not_an_ordinary_error_and_nothing_catches_it(memory: InMemoryProvider) -> None:
    faulty = FaultInjectingProvider(memory, fail_on=3, error="crash")
    manager, desired = _bucket(faulty)
    with pytest.raises(SimulatedCrash) as caught:
        try:
            manager.apply(desired)
        except Exception:  # pragma: no cover - the point: a crash must not land here
            pytest.fail("SimulatedCrash was caught as an ordinary exception")
    assert not isinstance(caught.value, Exception)
    assert caught.value.call.number == 3


def test_predicates_collections_and_limits_choose_the_failing_calls(memory: InMemoryProvider) -> None:
    ref = ResourceRef(kind_spec("s3_bucket"), "nothing-here", REGION)
    faulty = FaultInjectingProvider(memory, fail_on={1, 3}, error=RuntimeError("boom"))
    results = []
    for _ in range(4):
        try:
            results.append(faulty.read_existence(ref))
        except RuntimeError:
            results.append("failed")
    assert results == ["failed", None, "failed", None]
    limited = FaultInjectingProvider(memory, fail_on=lambda c: c.access == "read", limit=1)
    with pytest.raises(ThrottledError):
        limited.read_existence(ref)
    assert limited.read_existence(ref) is None


def test_a_custom_error_factory_gets_the_call() -> None:
    seen: list[FaultCall] = []

    def factory(call: FaultCall) -> BaseException:
        seen.append(call)
        return KeyboardInterrupt()

    faulty = FaultInjectingProvider(InMemoryProvider(), fail_on=1, error=factory)
    with pytest.raises(KeyboardInterrupt):
        faulty.read_aspect(ResourceRef(kind_spec("s3_bucket"), "b", REGION), "tags")
    assert str(seen[0]) == "read_aspect tags s3_bucket b" and seen[0].access == "read"


def test_a_dropped_response_makes_the_call_twice_and_answers_with_the_second(memory: InMemoryProvider) -> None:
    recorder = RecordingProvider(memory)
    faulty = FaultInjectingProvider(recorder, fail_on=lambda c: c.operation == "create", error="drop_response")
    manager, desired = _bucket(faulty)
    assert manager.apply(desired).changed, "a create found already made by its first sending is a success"
    assert [c.operation for c in recorder.calls].count("create") == 2
    assert len(faulty.injected) == 1 and "sent again" in str(faulty.injected[0].error)
    assert not manager.plan(desired).changed


def test_unknown_fault_kinds_and_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        FaultInjectingProvider(InMemoryProvider(), fail_on=1, error="flaky")
    with pytest.raises(ValueError, match="when must be"):
        FaultInjectingProvider(InMemoryProvider(), fail_on=1, when="during")


pytest_plugins = ["pytester"]


def test_the_users_fixture_wraps_the_recording_provider(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["awsstate.testing.fixtures"]')
    pytester.makepyfile(test_user="""
import pytest
from awsstate import S3BucketDesired, S3BucketManager, ThrottledError

def test_retry(awsstate_faults, awsstate_provider):
    desired = S3BucketDesired(name="users-bucket", versioning=True)
    with pytest.raises(ThrottledError):
        S3BucketManager(provider=awsstate_faults(fail_on=2)).apply(desired)
    assert S3BucketManager(provider=awsstate_provider).apply(desired).changed
    assert [c.operation for c in awsstate_provider.writes].count("create") == 1
""")
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


# -- the sweep -----------------------------------------------------------------------------------

MODES = [("throttled", "before"), ("server_error", "after"), ("crash", "before"), ("crash", "after")]
LOST = ("drop_response", "after")
"""The answer to a call that took effect is lost and the call sent again: apply must not even fail."""


@dataclass(frozen=True)
class Scenario:
    """How to prepare a world, and what to apply to it."""

    label: str
    prepare: Callable[[KindExamples, InMemoryProvider, str], None]
    desired: Callable[[KindExamples, str], DesiredModel]


def _converge(example: KindExamples, provider: InMemoryProvider, desired: DesiredModel) -> None:
    example.manager(provider=provider, clock=FakeClock()).apply(desired)


def _prepare_drift(example: KindExamples, provider: InMemoryProvider, name: str) -> None:
    _converge(example, provider, example.full(name, REGION))
    for aspect, value in example.drift.items():
        provider.world.set_aspect(example.kind, name, aspect, value, region=REGION)


SCENARIOS = {
    "create": Scenario("create", lambda example, provider, name: None, lambda e, n: e.full(n, REGION)),
    "drift": Scenario("drift", _prepare_drift, lambda e, n: e.full(n, REGION)),
    "update": Scenario("update", lambda e, p, n: _converge(e, p, e.full(n, REGION)), lambda e, n: e.update(n, REGION)),
}


@dataclass
class Setup:
    world: World
    memory: InMemoryProvider
    name: str
    bystander: str


def _setup(example: KindExamples, scenario: Scenario) -> Setup:
    world = World()
    memory = InMemoryProvider(world, region="us-east-1")
    bystander = example.name("bystander")
    _converge(example, memory, example.minimal(bystander, REGION))
    name = example.name("faulty")
    scenario.prepare(example, memory, name)
    return Setup(world, memory, name, bystander)


def _snapshot(world: World) -> dict[tuple[str, str], Any]:
    return {(r.kind, r.name): copy.deepcopy((r.region, r.attributes, r.aspects)) for r in world.records()}


def _clean_run(example: KindExamples, scenario: Scenario) -> tuple[int, dict[tuple[str, str], Any]]:
    setup = _setup(example, scenario)
    counter = FaultInjectingProvider(setup.memory)  # never fails: counts the calls
    example.manager(provider=counter, clock=FakeClock()).apply(scenario.desired(example, setup.name))
    return counter.calls, _snapshot(setup.world)


REFERENCE = {(kind, label): _clean_run(EXAMPLES[kind], SCENARIOS[label]) for kind in sorted(EXAMPLES)
             for label in SCENARIOS}
"""(kind, scenario) -> (calls in a clean apply, the world after it)."""

CASES = [
    pytest.param(kind, label, error, when, n, id=f"{kind}-{label}-{error}-{when}-call{n:02d}")
    for (kind, label), (calls, _) in REFERENCE.items()
    for n in range(1, calls + 1)
    for error, when in [*MODES, LOST]
]


@pytest.mark.faults
@pytest.mark.parametrize(("kind", "label", "error", "when", "n"), CASES)
def test_after_a_fault_at_any_call_one_more_apply_converges_to_the_clean_state(
    kind: str, label: str, error: Any, when: Any, n: int
) -> None:
    example, scenario = EXAMPLES[kind], SCENARIOS[label]
    setup = _setup(example, scenario)
    desired = scenario.desired(example, setup.name)
    before = _snapshot(setup.world)
    recorder = RecordingProvider(setup.memory)  # under the injector: sees only calls that reached the backend
    faulty = FaultInjectingProvider(recorder, fail_on=n, error=error, when=when)

    try:
        example.manager(provider=faulty, clock=FakeClock()).apply(desired)
    except SimulatedCrash:
        assert error == "crash"
    except AwsStateError as failure:
        assert error not in ("crash", "drop_response"), f"a {error} surfaced as {failure!r}"
        assert kind in str(failure) and setup.name in str(failure), f"unclear error: {failure}"
    else:
        assert error == "drop_response", f"the fault at call {n} ({faulty.injected}) did not stop the apply"
    assert len(faulty.injected) == 1
    STATS.add("faults injected", kind)

    rerun = example.manager(provider=recorder, clock=FakeClock())
    rerun.apply(desired)
    after = rerun.plan(desired)
    assert not after.changed, f"not converged after one more apply:\n{after}"
    resent = 1 if error == "drop_response" and faulty.injected[0].call.operation == "create" else 0
    creates = [c for c in recorder.calls if c.operation == "create"]
    assert len(creates) == (0 if (kind, setup.name) in before else 1 + resent), f"created more than once: {creates}"
    assert [c for c in recorder.calls if c.operation == "delete"] == []
    recorder.clear()
    assert not rerun.apply(desired).changed and recorder.writes == []

    expected = REFERENCE[(kind, label)][1]
    assert _snapshot(setup.world) == expected, "the end state differs from a clean run's"
    assert _snapshot(setup.world)[(kind, setup.bystander)] == before[(kind, setup.bystander)]
    STATS.add("faults survived", kind)
