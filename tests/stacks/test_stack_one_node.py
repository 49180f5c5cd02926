"""A manager's plan and apply behave as a one-node stack, for every kind's minimal and full examples.

The only thing a stack adds is its ownership tag ``awsstate:stack=<name>`` (every kind has tags
today): with tags managed it joins them, with tags unmanaged it is ensured alone
(``purge_tags=False``). So, against the same resource:

* the stack's plan of ``desired`` is exactly the manager's plan of ``owned(desired, stack)``, and
  costs the same reads;
* it agrees with the manager's plan of ``desired`` itself on every aspect but the tags, and on the
  tags but for that one tag, whether nothing exists yet, the resource has drifted, or the manager
  (not the stack) converged it;
* applying through the stack leaves the resource as the manager's apply does, plus the tag.
"""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import InMemoryProvider, Plan, RecordingProvider, Stack, UpdateAction
from awsstate.canonical import Json
from awsstate.models import DesiredModel
from awsstate.stack import OWNER_TAG
from awsstate.stack.resolve import owned
from tests.examples import EXAMPLES, KindExamples
from tests.stacks.shapes import REGION

STACK = "one-node"
CASES = [pytest.param(kind, variant, id=f"{kind}-{variant}") for kind in sorted(EXAMPLES)
         for variant in ("minimal", "full")]


def _desired(kind: str, variant: str, token: str) -> tuple[KindExamples, DesiredModel]:
    example = EXAMPLES[kind]
    maker = example.minimal if variant == "minimal" else example.full
    return example, maker(example.name(token), REGION)


def _stack_plan(desired: DesiredModel, provider: Any) -> Plan:
    plan = Stack(STACK, [desired], provider=provider).plan()
    key = f"{desired.kind_spec.kind}.{desired.name}"
    assert plan.order == (key,) and plan.unknown == {} and plan.depends_on == {key: ()}
    return plan.plans[key]


def _untagged(value: Json) -> Json:
    """Tags without the ownership tag; no tags at all when it was the only one."""
    if not isinstance(value, dict):
        return value
    rest = {k: v for k, v in value.items() if k != OWNER_TAG}
    return rest or None


def _changes(plan: Plan) -> list[dict[str, Any]]:
    """The plan's actions as data, with the ownership tag taken out (an action left empty dropped)."""
    changes = []
    for action in plan.actions:
        data = action.model_dump(mode="json")
        if data.get("aspect") == "tags":
            data["before"], data["after"] = _untagged(data.get("before")), _untagged(data.get("after"))
            if data["before"] == data["after"]:
                continue
        if isinstance(data.get("params"), dict) and "tags" in data["params"]:
            data["params"] = {**data["params"], "tags": _untagged(data["params"]["tags"])}
            if data["params"]["tags"] is None:
                del data["params"]["tags"]
        changes.append(data)
    return changes


def _agree(manager_plan: Plan, stack_plan: Plan) -> None:
    assert _changes(stack_plan) == _changes(manager_plan), f"manager:\n{manager_plan}\nstack:\n{stack_plan}"

    def per_aspect(plan: Plan) -> dict[str, tuple[Json, Json]]:
        updates = [a for a in plan.actions if isinstance(a, UpdateAction) and a.aspect != "tags"]
        return {a.aspect: (a.before, a.after) for a in updates}

    assert per_aspect(stack_plan) == per_aspect(manager_plan)
    if not _changes(stack_plan):  # nothing to write but the tag: changed only to ensure the tag
        assert not stack_plan.changed or [a.aspect for a in stack_plan.actions] == ["tags"], "only the tag to ensure"


def _drift(example: KindExamples, provider: InMemoryProvider, name: str) -> None:
    for aspect, value in example.drift.items():
        provider.world.set_aspect(example.kind, name, aspect, value, region=REGION)


@pytest.mark.parametrize(("kind", "variant"), CASES)
def test_a_one_node_stack_plans_what_the_manager_plans_with_the_ownership_tag(kind: str, variant: str) -> None:
    example, desired = _desired(kind, variant, "onenode")
    provider = InMemoryProvider(region=REGION)
    manager = example.manager(provider)
    for stage in ("nothing exists", "converged by the stack", "drifted"):
        if stage == "converged by the stack":
            Stack(STACK, [desired], provider=provider).apply()
        elif stage == "drifted":
            _drift(example, provider, desired.name)
        stack_recorder = RecordingProvider(provider)
        stack_plan = _stack_plan(desired, stack_recorder)
        manager_recorder = RecordingProvider(provider)
        manager_plan = example.manager(manager_recorder).plan(owned(desired, STACK))
        assert stack_plan.model_dump(mode="json") == manager_plan.model_dump(mode="json"), stage
        assert stack_plan.changed == manager_plan.changed, stage
        assert [str(c) for c in stack_recorder.calls] == [str(c) for c in manager_recorder.calls], \
            f"{stage}: a one-node stack reads what its manager reads, no more"
        _agree(manager.plan(desired), stack_plan)
        if stage == "converged by the stack":
            assert not stack_plan.changed


@pytest.mark.parametrize(("kind", "variant"), CASES)
def test_after_the_manager_converged_a_resource_the_stack_only_adds_its_tag(kind: str, variant: str) -> None:
    example, desired = _desired(kind, variant, "mgrfirst")
    provider = InMemoryProvider(region=REGION)
    manager = example.manager(provider)
    manager.apply(desired)
    assert not manager.plan(desired).changed
    stack_plan = _stack_plan(desired, provider)
    assert stack_plan.changed, "the ownership tag is missing"
    assert [(a.type, getattr(a, "aspect", None)) for a in stack_plan.actions] == [("update", "tags")]
    assert _changes(stack_plan) == []
    _drift(example, provider, desired.name)
    _agree(manager.plan(desired), _stack_plan(desired, provider))


@pytest.mark.parametrize(("kind", "variant"), CASES)
def test_applying_a_one_node_stack_leaves_what_the_manager_leaves_plus_the_tag(kind: str, variant: str) -> None:
    example, desired = _desired(kind, variant, "applied")
    by_manager = InMemoryProvider(region=REGION)
    by_stack = InMemoryProvider(region=REGION)
    manager_result = example.manager(by_manager).apply(desired)
    stack_result = Stack(STACK, [desired], provider=by_stack).apply()
    key = f"{kind}.{desired.name}"
    assert stack_result.done == [key] and stack_result.outcomes[key].actions == len(
        Stack(STACK, [desired], provider=InMemoryProvider(region=REGION)).plan().plans[key].actions)
    assert manager_result.changed
    left_by_manager = by_manager.world.require(kind, desired.name, REGION).aspects
    left_by_stack = by_stack.world.require(kind, desired.name, REGION).aspects
    assert left_by_stack.get("tags", {}).get(OWNER_TAG) == STACK
    assert {**left_by_stack, "tags": _untagged(left_by_stack.get("tags"))} == \
        {**left_by_manager, "tags": _untagged(left_by_manager.get("tags"))}
    assert not example.manager(by_stack).plan(owned(desired, STACK)).changed
    assert not Stack(STACK, [desired], provider=by_stack).plan().changed
