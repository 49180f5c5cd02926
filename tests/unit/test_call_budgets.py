"""Call budgets, for every kind in the shared examples, counted by the recording provider.

* a no-op plan reads at most one call per managed aspect plus one (existence), and never writes;
* re-applying a converged resource writes nothing;
* each drifted aspect costs exactly one write, and nothing else is written;
* a create writes the create call plus one write per aspect a new resource does not already have;
* a plan never writes, whatever the state (missing, drifted, update, absent).

The same no-op budget is checked at a moto server over HTTP in tests/acceptance/test_http_budgets.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import InMemoryProvider, RecordingProvider
from awsstate.kinds import kind_spec, kinds
from awsstate.spec import DesiredModel
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES, KindExamples

REGION = "eu-west-1"

KINDS = sorted(EXAMPLES)
DRIFTS = [pytest.param(kind, aspect, id=f"{kind}-{aspect}") for kind in KINDS for aspect in EXAMPLES[kind].drift]


@pytest.fixture(params=KINDS)
def example(request: pytest.FixtureRequest) -> KindExamples:
    return EXAMPLES[request.param]


def _manager(example: KindExamples, recorder: RecordingProvider) -> Any:
    return example.manager(provider=recorder, clock=FakeClock())


def _managed(example: KindExamples, desired: DesiredModel) -> int:
    return len(example.manager.spec.managed(desired))


# -- the examples cover every aspect -------------------------------------------------------------

def test_every_registered_kind_is_in_the_shared_examples() -> None:
    assert set(kinds()) == set(EXAMPLES)


def test_full_example_manages_every_aspect_except_the_reasoned_exclusions(example: KindExamples) -> None:
    spec = kind_spec(example.kind)
    full = example.full(example.name("guard"), REGION)
    unmanaged = {a.name for a in spec.aspects} - {a.name for a in spec.managed(full)}
    assert unmanaged == set(example.full_excludes), (
        f"{example.kind}: full leaves {sorted(unmanaged)} unset; set them in full, or list each in "
        "full_excludes with the reason")
    for aspect, reason in example.full_excludes.items():
        spec.aspect(aspect)
        assert len(reason) > 20, f"{example.kind}.{aspect}: give a real reason for leaving it out of full"


def test_drift_and_update_touch_only_aspects_full_manages(example: KindExamples) -> None:
    spec = kind_spec(example.kind)
    managed = {a.name for a in spec.managed(example.full(example.name("guard"), REGION))}
    assert example.drift and set(example.drift) <= managed
    assert example.update_aspects and set(example.update_aspects) <= managed


# -- budgets -------------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["minimal", "full", "update"])
def test_no_op_plan_reads_at_most_one_call_per_managed_aspect_plus_existence_and_never_writes(
    example: KindExamples, recorder: RecordingProvider, variant: str, token: str
) -> None:
    desired = getattr(example, variant)(example.name(token), REGION)
    manager = _manager(example, recorder)
    manager.apply(desired)
    recorder.clear()
    plan = manager.plan(desired)
    assert not plan.changed, str(plan)
    assert recorder.writes == []
    assert len(recorder.reads) <= _managed(example, desired) + 1, [str(c) for c in recorder.reads]
    assert [c.operation for c in recorder.reads].count("read_existence") == 1


def test_reapply_of_a_converged_resource_writes_nothing(
    example: KindExamples, recorder: RecordingProvider, token: str
) -> None:
    desired = example.full(example.name(token), REGION)
    manager = _manager(example, recorder)
    manager.apply(desired)
    recorder.clear()
    result = manager.apply(desired)
    assert not result.changed and result.actions == ()
    assert recorder.writes == []
    assert len(recorder.reads) <= _managed(example, desired) + 1


def test_create_writes_the_create_plus_one_write_per_aspect_a_new_resource_lacks(
    example: KindExamples, recorder: RecordingProvider, token: str
) -> None:
    desired = example.full(example.name(token), REGION)
    manager = _manager(example, recorder)
    plan = manager.plan(desired)
    recorder.clear()
    result = manager.apply(desired)
    updates = [a.aspect for a in plan.actions if a.type == "update"]
    assert [c.operation for c in recorder.writes] == ["create"] + ["write_aspect"] * len(updates)
    assert [c.aspect for c in recorder.writes[1:]] == updates
    # plan: existence; settle: existence after the create, then one read back per written aspect
    assert len(recorder.reads) <= 2 + len(updates), [str(c) for c in recorder.reads]
    assert result.changed and not manager.plan(desired).changed


@pytest.mark.parametrize(("kind", "aspect"), DRIFTS)
def test_one_drifted_aspect_costs_exactly_one_write(
    kind: str, aspect: str, memory: InMemoryProvider, recorder: RecordingProvider, token: str
) -> None:
    example = EXAMPLES[kind]
    desired = example.full(example.name(token), REGION)
    manager = _manager(example, recorder)
    manager.apply(desired)
    memory.world.set_aspect(kind, desired.name, aspect, example.drift[aspect], region=REGION)
    recorder.clear()
    plan = manager.plan(desired)
    assert plan.aspects == (aspect,), str(plan)
    assert recorder.writes == [], "plan must never write"
    recorder.clear()
    manager.apply(desired)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", aspect)]
    # the apply's own plan, plus one read back of the written aspect
    assert len(recorder.reads) <= _managed(example, desired) + 2, [str(c) for c in recorder.reads]
    assert not manager.plan(desired).changed


def test_every_drifted_aspect_at_once_costs_one_write_each(
    example: KindExamples, memory: InMemoryProvider, recorder: RecordingProvider, token: str
) -> None:
    desired = example.full(example.name(token), REGION)
    manager = _manager(example, recorder)
    manager.apply(desired)
    for aspect, value in example.drift.items():
        memory.world.set_aspect(example.kind, desired.name, aspect, value, region=REGION)
    recorder.clear()
    manager.apply(desired)
    assert sorted(c.aspect or c.operation for c in recorder.writes) == sorted(example.drift)
    assert len(recorder.reads) <= _managed(example, desired) + 1 + len(example.drift)


def test_plan_never_writes_whatever_the_state(
    example: KindExamples, memory: InMemoryProvider, recorder: RecordingProvider, token: str
) -> None:
    name = example.name(token)
    manager = _manager(example, recorder)
    plans = [manager.plan(example.full(name, REGION)), manager.plan(example.minimal(name, REGION))]
    _manager(example, RecordingProvider(memory)).apply(example.full(name, REGION))
    plans.append(manager.plan(example.update(name, REGION)))
    for aspect, value in example.drift.items():
        memory.world.set_aspect(example.kind, name, aspect, value, region=REGION)
    plans.append(manager.plan(example.full(name, REGION)))
    plans.append(manager.plan(example.full(name, REGION).model_copy(update={"state": "absent"})))
    assert all(plan.changed for plan in plans)
    assert recorder.writes == []
