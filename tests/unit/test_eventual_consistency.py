"""Eventual consistency, for every kind: apply settles inside the budget, never writes twice, and
names the aspect when the budget runs out.

The lag comes from the in-memory provider's :class:`awsstate.EventualConsistency` option (NotFound
for the first calls after a create, the previous value for the first reads after a write), counted
in calls, so each case is deterministic; a fake clock makes the backoff instant and measurable.
"""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import (
    ConvergenceError,
    EventualConsistency,
    InMemoryProvider,
    NotFoundError,
    RecordingProvider,
    SettlePolicy,
    World,
)
from awsstate.kinds import kind_spec
from awsstate.spec import ResourceRef
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES, KindExamples

REGION = "eu-west-1"
# The lag is counted per aspect read; the manager re-reads every pending aspect each round, so a create
# that writes a dozen aspects, each stale for 3 reads, settles in a few rounds: the default 60 s budget.
BUDGET = SettlePolicy(timeout=60.0, initial_delay=0.25, max_delay=2.0)
DRIFTS = [pytest.param(kind, aspect, id=f"{kind}-{aspect}")
          for kind in sorted(EXAMPLES) for aspect in EXAMPLES[kind].drift]


@pytest.fixture(params=sorted(EXAMPLES))
def example(request: pytest.FixtureRequest) -> KindExamples:
    return EXAMPLES[request.param]


def _lagging(world: World, **lag: int) -> RecordingProvider:
    return RecordingProvider(InMemoryProvider(world, region="us-east-1", consistency=EventualConsistency(**lag)))


def _manager(example: KindExamples, provider: Any, clock: FakeClock, settle: SettlePolicy = BUDGET) -> Any:
    return example.manager(provider=provider, clock=clock, settle=settle)


def _clean_writes(example: KindExamples, name: str) -> list[tuple[str, str | None]]:
    recorder = RecordingProvider(InMemoryProvider(region="us-east-1"))
    example.manager(provider=recorder, clock=FakeClock()).apply(example.full(name, REGION))
    return [(c.operation, c.aspect) for c in recorder.writes]


# -- the option itself ---------------------------------------------------------------------------

def test_a_new_resource_reads_as_missing_for_the_configured_number_of_calls() -> None:
    provider = InMemoryProvider(consistency=EventualConsistency(missing_after_create=2))
    ref = ResourceRef(kind_spec("s3_bucket"), "lagging-bucket", "us-east-1")
    provider.create(ref, {})
    assert provider.read_existence(ref) is None
    with pytest.raises(NotFoundError, match="eventual consistency"):
        provider.read_aspect(ref, "versioning")
    assert provider.read_existence(ref) is not None


def test_a_written_aspect_reads_back_its_old_value_for_the_configured_number_of_reads() -> None:
    provider = InMemoryProvider(consistency=EventualConsistency(stale_reads=2))
    ref = ResourceRef(kind_spec("s3_bucket"), "lagging-bucket", "us-east-1")
    provider.create(ref, {})
    before = provider.read_aspect(ref, "versioning")
    provider.write_aspect(ref, "versioning", "Enabled")
    assert [provider.read_aspect(ref, "versioning") for _ in range(3)] == [before, before, "Enabled"]
    assert provider.world.require("s3_bucket", "lagging-bucket").aspects["versioning"] == "Enabled"


def test_negative_lags_are_refused() -> None:
    with pytest.raises(ValueError):
        EventualConsistency(stale_reads=-1)


# -- every kind ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lag", [
    {"missing_after_create": 3}, {"stale_reads": 3}, {"missing_after_create": 2, "stale_reads": 2},
], ids=["missing-after-create", "stale-reads", "both"])
def test_create_settles_inside_the_budget_with_exactly_the_writes_of_a_consistent_backend(
    example: KindExamples, lag: dict[str, int], world: World, clock: FakeClock, token: str
) -> None:
    name = example.name(token)
    provider = _lagging(world, **lag)
    result = _manager(example, provider, clock).apply(example.full(name, REGION))
    assert result.changed
    assert [(c.operation, c.aspect) for c in provider.writes if c.outcome == "ok"] == _clean_writes(example, name)
    assert [c.operation for c in provider.calls].count("create") == 1, "a lagging read never re-creates"
    assert "delete" not in [c.operation for c in provider.calls]
    assert clock.now <= BUDGET.timeout
    assert not _manager(example, provider, clock).plan(example.full(name, REGION)).changed


def _converged_then_drifted(kind: str, aspect: str, world: World, token: str) -> tuple[KindExamples, Any]:
    """The kind's ``full`` example applied on a consistent world, then ``aspect`` drifted out-of-band."""
    example = EXAMPLES[kind]
    desired = example.full(example.name(token), REGION)
    example.manager(provider=InMemoryProvider(world, region="us-east-1")).apply(desired)
    world.set_aspect(kind, desired.name, aspect, example.drift[aspect], region=REGION)
    return example, desired


@pytest.mark.parametrize(("kind", "aspect"), DRIFTS)
def test_stale_read_back_of_a_reverted_drift_settles_without_a_second_write(
    kind: str, aspect: str, world: World, clock: FakeClock, token: str
) -> None:
    example, desired = _converged_then_drifted(kind, aspect, world, token)
    provider = _lagging(world, stale_reads=3)
    _manager(example, provider, clock).apply(desired)
    assert [(c.operation, c.aspect) for c in provider.writes] == [("write_aspect", aspect)]
    assert len(clock.slept) == 3, "one backoff per stale read"
    assert clock.slept == sorted(clock.slept), "backoff grows"


@pytest.mark.parametrize(("kind", "aspect"), DRIFTS)
def test_a_setting_that_never_reads_back_raises_convergence_error_naming_the_aspect(
    kind: str, aspect: str, world: World, clock: FakeClock, token: str
) -> None:
    example, desired = _converged_then_drifted(kind, aspect, world, token)
    provider = _lagging(world, stale_reads=10_000)
    with pytest.raises(ConvergenceError) as caught:
        _manager(example, provider, clock, SettlePolicy(timeout=5.0)).apply(desired)
    assert caught.value.aspect == aspect
    assert aspect in str(caught.value) and desired.name in str(caught.value)
    assert clock.now == pytest.approx(5.0)
    assert [(c.operation, c.aspect) for c in provider.writes] == [("write_aspect", aspect)], "waiting never writes"


def test_a_resource_that_never_appears_raises_an_error_naming_it_and_is_never_created_twice(
    example: KindExamples, world: World, clock: FakeClock, token: str
) -> None:
    desired = example.full(example.name(token), REGION)
    provider = _lagging(world, missing_after_create=10_000)
    with pytest.raises(ConvergenceError) as caught:
        _manager(example, provider, clock, SettlePolicy(timeout=5.0)).apply(desired)
    assert desired.name in str(caught.value)
    first_call_after_create = provider.calls[2]  # plan's existence read, the create, then this
    assert caught.value.aspect == (first_call_after_create.aspect or "existence")
    assert [c.operation for c in provider.calls].count("create") == 1
    assert "delete" not in [c.operation for c in provider.calls]
