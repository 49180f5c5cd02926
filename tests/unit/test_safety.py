"""Safety: what a replace would lose is carried over (and the plan says so); every verb checks its
name before any call; JSON documents in string attributes compare by meaning. In memory; the same
on moto in tests/integration/test_safety_aws.py."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import (
    IamPolicyDesired,
    IamPolicyManager,
    IamRoleDesired,
    IamRoleManager,
    InMemoryProvider,
    RecordingProvider,
    ReplaceAction,
    SnsTopicDesired,
    SnsTopicManager,
)
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES
from tests.examples.iam_role import READ_LOGS, TRUST_LAMBDA

REGION = "eu-west-1"
POLICY_ARN = "arn:aws:iam::123456789012:policy/carried"


def carried_role_scenario(provider: Any) -> IamRoleManager:
    """A role with attached and inline policies, its own instance profile and tags, none of them managed below."""
    IamPolicyManager(provider=provider).apply(IamPolicyDesired(name="carried", document=READ_LOGS))
    manager = IamRoleManager(provider=provider, clock=FakeClock())
    manager.apply(IamRoleDesired(name="carry-role", trust_policy=TRUST_LAMBDA, description="keep me",
                                 inline_policies={"read": READ_LOGS}, managed_policy_arns=[POLICY_ARN],
                                 instance_profile=True, tags={"team": "a"}))
    return manager


CARRIED = ("description", "tags", "inline_policies", "managed_policy_arns", "instance_profile")


def check_carried_over(manager: IamRoleManager) -> None:
    moved = IamRoleDesired(name="carry-role", path="/moved/", trust_policy=TRUST_LAMBDA)
    plan = manager.plan(moved)
    replace = plan.actions[0]
    assert isinstance(replace, ReplaceAction)
    assert set(CARRIED) <= set(replace.carried_over), replace.carried_over
    text = str(plan)
    assert POLICY_ARN in text and '"read"' in text and "instance_profile: set true" in text, text
    manager.apply(plan, allow_replace=True)
    role = manager.get("carry-role")
    assert role.path == "/moved/" and role.arn.endswith(":role/moved/carry-role")
    assert role.managed_policy_arns == [POLICY_ARN] and set(role.inline_policies) == {"read"}
    assert role.instance_profile is True and role.description == "keep me" and role.tags == {"team": "a"}
    assert not manager.plan(moved).changed


def test_a_role_replace_carries_over_what_the_model_does_not_manage_and_the_plan_lists_it(
    memory: InMemoryProvider
) -> None:
    check_carried_over(carried_role_scenario(memory))


def test_what_the_model_manages_is_not_carried_but_written_as_given(memory: InMemoryProvider) -> None:
    manager = carried_role_scenario(memory)
    plan = manager.plan(IamRoleDesired(name="carry-role", path="/moved/", trust_policy=TRUST_LAMBDA,
                                       managed_policy_arns=[], inline_policies={}))
    writes = {a.aspect: a.after for a in plan.actions if a.aspect}
    assert "managed_policy_arns" not in writes and "inline_policies" not in writes, "[] / {}: a new role has none"


def test_a_plan_without_replace_reads_nothing_unmanaged(memory: InMemoryProvider) -> None:
    carried_role_scenario(memory)
    recorder = RecordingProvider(memory)
    IamRoleManager(provider=recorder).plan(IamRoleDesired(name="carry-role", description="x"))
    assert [c.aspect for c in recorder.reads] == [None]


BAD_NAMES = ["", "bad name", "name\n", "arn:aws:sns:us-east-1:999999999999:x", "x" * 600, "with/slash?"]


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
@pytest.mark.parametrize("verb", ["get", "export", "plan_delete", "delete"])
def test_every_verb_refuses_a_name_the_kind_refuses_before_any_call(kind: str, verb: str) -> None:
    example = EXAMPLES[kind]
    recorder = RecordingProvider(InMemoryProvider())
    manager = example.manager(provider=recorder, clock=FakeClock())
    refused = 0
    for name in BAD_NAMES:
        try:
            example.minimal(name, REGION)
        except ValidationError:
            refused += 1
            with pytest.raises(ValidationError) as caught:
                getattr(manager, verb)(name)
            assert any(error["loc"][:1] == ("name",) for error in caught.value.errors()), caught.value
    assert refused >= 3 and recorder.calls == []


@pytest.mark.parametrize("kind", [k for k in sorted(EXAMPLES) if EXAMPLES[k].manager.spec.regional])
def test_every_verb_refuses_an_unknown_region_before_any_call(kind: str) -> None:
    example = EXAMPLES[kind]
    recorder = RecordingProvider(InMemoryProvider())
    with pytest.raises(ValidationError, match="region"):
        example.manager(provider=recorder).get(example.name("ok"), "moon-east-1")
    assert recorder.calls == []


def test_a_delivery_policy_with_numbers_as_strings_equals_one_with_numbers(memory: InMemoryProvider) -> None:
    manager = SnsTopicManager(provider=memory)
    desired = SnsTopicDesired(name="delivery", region=REGION, delivery_policy={
        "http": {"defaultHealthyRetryPolicy": {"numRetries": 20, "minDelayTarget": 1.0, "backoffFunction": "linear"},
                 "disableSubscriptionOverrides": False}})
    manager.apply(desired)
    memory.world.set_aspect("sns_topic", "delivery", "delivery_policy", {  # as AWS hands it back
        "http": {"defaultHealthyRetryPolicy": {"numRetries": "20", "minDelayTarget": "1", "backoffFunction": "linear"},
                 "disableSubscriptionOverrides": "false"}}, region=REGION)
    assert not manager.plan(desired).changed
    memory.world.set_aspect("sns_topic", "delivery", "delivery_policy",
                            {"http": {"defaultHealthyRetryPolicy": {"numRetries": "21"}}}, region=REGION)
    assert manager.plan(desired).aspects == ("delivery_policy",)
