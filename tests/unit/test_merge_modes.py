"""Merge modes, the same on every kind, and the settings added with them (in memory).

* ``purge_tags`` on every kind with tags; ``purge_<aspect>`` on every set-valued aspect (one
  naming pattern, one implementation: :func:`awsstate.resources.settings.member_merge`);
* S3 ownership controls removable, S3 inventory configurations, SNS FIFO content-based
  deduplication, an IAM role's own instance profile and its other instance profiles.
"""

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
    S3BucketDesired,
    S3BucketManager,
    SnsTopicDesired,
    SnsTopicManager,
    Subscription,
)
from awsstate.kinds import KINDS, kind_spec
from awsstate.resources.s3_bucket import InventoryConfiguration, LifecycleRule
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES
from tests.examples.iam_role import READ_LOGS, TRUST_LAMBDA, WRITE_LOGS

REGION = "eu-west-1"
QUEUE = f"arn:aws:sqs:{REGION}:123456789012:"


def test_every_set_valued_aspect_has_its_purge_flag_and_every_purge_flag_its_aspect() -> None:
    for kind in KINDS:
        spec = kind_spec(kind)
        fields = spec.desired_model.model_fields
        flagged = {a.merge.purge_field: a.name for a in spec.aspects if hasattr(a.merge, "purge_field")}
        for flag, aspect in flagged.items():
            assert flag == f"purge_{aspect}", f"{kind}.{aspect}: one naming pattern, purge_<aspect>"
            assert flag in fields and fields[flag].default is True, f"{kind} has no {flag} (default True)"
        purges = {name for name in fields if name.startswith("purge_")}
        assert purges == set(flagged), f"{kind}: purge flags {sorted(purges)} vs set-valued aspects {flagged}"
    assert {"tags"} <= {a.name for a in kind_spec("sqs_queue").aspects}


TAGGED = [kind for kind in sorted(EXAMPLES) if "tags" in kind_spec(kind).aspect_names]


@pytest.mark.parametrize("kind", TAGGED)
def test_purge_tags_false_ensures_the_keys_given_and_leaves_the_others(kind: str) -> None:
    example = EXAMPLES[kind]
    provider = InMemoryProvider(region="us-east-1")
    manager = example.manager(provider=provider, clock=FakeClock())
    name = example.name("purge")
    base = example.minimal(name, REGION)
    manager.apply(base.model_copy(update={"tags": {"keep": "me", "env": "dev"}}))
    only = base.model_copy(update={"tags": {"env": "prod"}, "purge_tags": False})
    assert [a.after for a in manager.plan(only).actions] == [{"env": "prod", "keep": "me"}]
    manager.apply(only)
    assert manager.get(name, REGION).tags == {"env": "prod", "keep": "me"}
    manager.apply(base.model_copy(update={"tags": {"env": "prod"}}))  # purge_tags=True (the default)
    assert manager.get(name, REGION).tags == {"env": "prod"}


def _role(**fields: Any) -> IamRoleDesired:
    return IamRoleDesired(name="merge-role", trust_policy=TRUST_LAMBDA, **fields)


def _policies(provider: InMemoryProvider) -> list[str]:
    manager = IamPolicyManager(provider=provider)
    for name in ("first", "second"):
        manager.apply(IamPolicyDesired(name=name, document=READ_LOGS))
    return ["arn:aws:iam::123456789012:policy/first", "arn:aws:iam::123456789012:policy/second"]


def test_role_set_valued_aspects_honour_their_purge_flags(memory: InMemoryProvider) -> None:
    first, second = _policies(memory)
    manager = IamRoleManager(provider=memory)
    manager.apply(_role(inline_policies={"read": READ_LOGS}, managed_policy_arns=[first]))
    keep = _role(inline_policies={"write": WRITE_LOGS}, purge_inline_policies=False,
                 managed_policy_arns=[second], purge_managed_policy_arns=False)
    manager.apply(keep)
    role = manager.get("merge-role")
    assert set(role.inline_policies) == {"read", "write"} and role.managed_policy_arns == [first, second]
    assert not manager.plan(keep).changed
    manager.apply(_role(inline_policies={"write": WRITE_LOGS}, managed_policy_arns=[second]))
    role = manager.get("merge-role")
    assert set(role.inline_policies) == {"write"} and role.managed_policy_arns == [second]


def test_role_instance_profiles_honour_purge_instance_profiles(memory: InMemoryProvider) -> None:
    manager = IamRoleManager(provider=memory)
    manager.apply(_role(instance_profiles=["web", "batch"]))
    kept = _role(instance_profiles=["batch", "jobs"], purge_instance_profiles=False)
    assert str(manager.plan(kept)).splitlines()[1:] == [
        '  ~ iam_role merge-role: instance_profiles: ["batch", "web"] -> ["batch", "jobs", "web"]']
    manager.apply(kept)
    assert manager.get("merge-role").instance_profiles == ["batch", "jobs", "web"]
    assert not manager.plan(kept).changed
    manager.apply(_role(instance_profiles=["jobs"]))  # purge_instance_profiles=True (default): the complete set
    assert manager.get("merge-role").instance_profiles == ["jobs"]


def test_sns_subscriptions_honour_purge_subscriptions(memory: InMemoryProvider) -> None:
    manager = SnsTopicManager(provider=memory)
    manager.apply(SnsTopicDesired(name="merge-topic", region=REGION,
                                  subscriptions=[Subscription(protocol="sqs", endpoint=QUEUE + "a")]))
    added = SnsTopicDesired(name="merge-topic", region=REGION, purge_subscriptions=False,
                            subscriptions=[Subscription(protocol="sqs", endpoint=QUEUE + "b")])
    manager.apply(added)
    endpoints = [s.endpoint for s in manager.get("merge-topic", REGION).subscriptions]
    assert endpoints == [QUEUE + "a", QUEUE + "b"]
    assert not manager.plan(added).changed


INVENTORY = InventoryConfiguration(id="daily", destination_bucket="merge-reports", optional_fields=["Size"])


def test_lifecycle_rules_and_inventory_configurations_honour_their_purge_flags(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=memory)
    rule = LifecycleRule(id="old", prefix="old/", expiration_days=30)
    manager.apply(S3BucketDesired(name="merge-bucket", region=REGION, lifecycle_rules=[rule],
                                  inventory_configurations=[INVENTORY]))
    more = S3BucketDesired(
        name="merge-bucket", region=REGION, purge_lifecycle_rules=False, purge_inventory_configurations=False,
        lifecycle_rules=[LifecycleRule(id="new", prefix="new/", expiration_days=7)],
        inventory_configurations=[INVENTORY.model_copy(update={"id": "weekly", "schedule": "Weekly"})])
    manager.apply(more)
    bucket = manager.get("merge-bucket", REGION)
    assert sorted(r["id"] for r in bucket.lifecycle_rules) == ["new", "old"]
    assert [c["id"] for c in bucket.inventory_configurations] == ["daily", "weekly"]
    assert not manager.plan(more).changed
    manager.apply(S3BucketDesired(name="merge-bucket", region=REGION, inventory_configurations=[]))
    assert manager.get("merge-bucket", REGION).inventory_configurations == []


def test_inventory_ids_are_unique_and_fields_known() -> None:
    with pytest.raises(ValidationError, match="unique"):
        S3BucketDesired(name="merge-bucket", inventory_configurations=[INVENTORY, INVENTORY])
    with pytest.raises(ValidationError, match="optional_fields"):
        InventoryConfiguration(id="x", destination_bucket="merge-reports", optional_fields=["Colour"])


def test_object_ownership_false_removes_the_ownership_controls(recorder: RecordingProvider) -> None:
    manager = S3BucketManager(provider=recorder)
    manager.apply(S3BucketDesired(name="merge-bucket", region=REGION))  # AWS's default: BucketOwnerEnforced
    removed = S3BucketDesired(name="merge-bucket", region=REGION, object_ownership=False)
    plan = manager.plan(removed)
    assert [(a.aspect, a.after) for a in plan.actions] == [("object_ownership", None)]
    manager.apply(plan)
    assert manager.get("merge-bucket", REGION).object_ownership is None
    assert not manager.plan(removed).changed
    assert manager.export("merge-bucket", REGION).object_ownership is False


def test_fifo_topic_content_based_deduplication(recorder: RecordingProvider) -> None:
    manager = SnsTopicManager(provider=recorder)
    desired = SnsTopicDesired(name="merge-topic.fifo", region=REGION, content_based_deduplication=True)
    create = manager.plan(desired).actions[0]
    assert create.params["content_based_deduplication"] is True, "set by the create call itself"
    manager.apply(desired)
    assert manager.get("merge-topic.fifo", REGION).content_based_deduplication is True
    assert not manager.plan(desired).changed
    with pytest.raises(ValidationError, match="content_based_deduplication"):
        SnsTopicDesired(name="standard-topic", content_based_deduplication=True)


def test_a_roles_own_instance_profile_is_created_and_deleted_with_it(recorder: RecordingProvider,
                                                                      memory: InMemoryProvider) -> None:
    manager = IamRoleManager(provider=recorder)
    desired = _role(instance_profile=True)
    assert "instance_profile" in manager.plan(desired).aspects
    manager.apply(desired)
    assert manager.get("merge-role").instance_profile is True
    assert not manager.plan(desired).changed
    manager.apply(_role(instance_profile=False))
    assert manager.get("merge-role").instance_profile is False


def test_an_unset_instance_profile_costs_no_call(recorder: RecordingProvider) -> None:
    manager = IamRoleManager(provider=recorder)
    manager.apply(_role(description="no profile"))
    manager.plan(_role(description="no profile"))
    assert not [c for c in recorder.calls if c.aspect in ("instance_profile", "instance_profiles")]
