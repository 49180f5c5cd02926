"""Merge modes and the settings added with them, on AwsProvider-on-moto (see tests/unit/test_merge_modes.py).

moto deviations are strict xfails naming the behaviour (S3 inventory listing and removal).
"""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import (
    IamPolicyDesired,
    IamPolicyManager,
    IamRoleDesired,
    IamRoleManager,
    RecordingProvider,
    S3BucketDesired,
    S3BucketManager,
    SnsTopicDesired,
    SnsTopicManager,
    Subscription,
)
from awsstate.kinds import kind_spec
from awsstate.providers.aws import AwsProvider
from awsstate.resources.s3_bucket import InventoryConfiguration
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES
from tests.examples.iam_role import READ_LOGS, TRUST_LAMBDA, WRITE_LOGS

REGION = "eu-west-1"
QUEUE = f"arn:aws:sqs:{REGION}:123456789012:"
TAGGED = [kind for kind in sorted(EXAMPLES) if "tags" in kind_spec(kind).aspect_names]


@pytest.mark.parametrize("kind", TAGGED)
def test_purge_tags_false_leaves_other_tags_on_moto(aws: AwsProvider, kind: str, token: str) -> None:
    example = EXAMPLES[kind]
    manager = example.manager(provider=aws, clock=FakeClock())
    name = example.name(token)
    base = example.minimal(name, REGION)
    manager.apply(base.model_copy(update={"tags": {"keep": "me", "env": "dev"}}))
    manager.apply(base.model_copy(update={"tags": {"env": "prod"}, "purge_tags": False}))
    assert manager.get(name, REGION).tags == {"env": "prod", "keep": "me"}


def test_role_purge_flags_on_moto(aws: AwsProvider, boto_clients: Any) -> None:
    policies = IamPolicyManager(provider=aws)
    for name in ("first", "second"):
        policies.apply(IamPolicyDesired(name=name, document=READ_LOGS))
    first, second = (f"arn:aws:iam::123456789012:policy/{n}" for n in ("first", "second"))
    manager = IamRoleManager(provider=aws)
    manager.apply(IamRoleDesired(name="merge-role", trust_policy=TRUST_LAMBDA, inline_policies={"read": READ_LOGS},
                                 managed_policy_arns=[first]))
    keep = IamRoleDesired(name="merge-role", trust_policy=TRUST_LAMBDA, inline_policies={"write": WRITE_LOGS},
                          purge_inline_policies=False, managed_policy_arns=[second], purge_managed_policy_arns=False)
    manager.apply(keep)
    role = manager.get("merge-role")
    assert set(role.inline_policies) == {"read", "write"} and role.managed_policy_arns == [first, second]
    assert not manager.plan(keep).changed


def test_purge_subscriptions_false_on_moto(aws: AwsProvider) -> None:
    manager = SnsTopicManager(provider=aws)
    manager.apply(SnsTopicDesired(name="merge-topic", region=REGION,
                                  subscriptions=[Subscription(protocol="sqs", endpoint=QUEUE + "a")]))
    manager.apply(SnsTopicDesired(name="merge-topic", region=REGION, purge_subscriptions=False,
                                  subscriptions=[Subscription(protocol="sqs", endpoint=QUEUE + "b")]))
    assert [s.endpoint for s in manager.get("merge-topic", REGION).subscriptions] == [QUEUE + "a", QUEUE + "b"]


def test_object_ownership_false_deletes_the_ownership_controls(aws: AwsProvider, boto_clients: Any) -> None:
    manager = S3BucketManager(provider=aws, clock=FakeClock())
    manager.apply(S3BucketDesired(name="merge-bucket", region=REGION, object_ownership="BucketOwnerEnforced"))
    manager.apply(S3BucketDesired(name="merge-bucket", region=REGION, object_ownership=False))
    s3 = boto_clients("s3", REGION)
    with pytest.raises(s3.exceptions.ClientError, match="OwnershipControlsNotFoundError"):
        s3.get_bucket_ownership_controls(Bucket="merge-bucket")
    assert not manager.plan(S3BucketDesired(name="merge-bucket", region=REGION, object_ownership=False)).changed


def test_fifo_topic_content_based_deduplication_on_moto(aws: AwsProvider, boto_clients: Any) -> None:
    manager = SnsTopicManager(provider=aws)
    desired = SnsTopicDesired(name="merge-topic.fifo", region=REGION, content_based_deduplication=True)
    manager.apply(desired)
    assert not manager.plan(desired).changed
    manager.apply(desired.model_copy(update={"content_based_deduplication": False}))
    assert manager.get("merge-topic.fifo", REGION).content_based_deduplication is False


def test_a_roles_own_instance_profile_on_moto(aws: AwsProvider, boto_clients: Any) -> None:
    iam = boto_clients("iam", None)
    recorder = RecordingProvider(aws)
    manager = IamRoleManager(provider=recorder)
    desired = IamRoleDesired(name="merge-role", path="/ec2/", trust_policy=TRUST_LAMBDA, instance_profile=True)
    manager.apply(desired)
    profile = iam.get_instance_profile(InstanceProfileName="merge-role")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["merge-role"] and profile["Path"] == "/ec2/"
    assert not manager.plan(desired).changed
    manager.delete("merge-role")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_instance_profile(InstanceProfileName="merge-role")


def test_other_instance_profiles_on_moto(aws: AwsProvider, boto_clients: Any) -> None:
    iam = boto_clients("iam", None)
    iam.create_instance_profile(InstanceProfileName="shared-web")
    manager = IamRoleManager(provider=aws)
    desired = IamRoleDesired(name="merge-role", trust_policy=TRUST_LAMBDA, instance_profiles=["shared-web"])
    manager.apply(desired)
    roles = iam.get_instance_profile(InstanceProfileName="shared-web")["InstanceProfile"]["Roles"]
    assert [r["RoleName"] for r in roles] == ["merge-role"]
    assert not manager.plan(desired).changed
    iam.create_instance_profile(InstanceProfileName="shared-batch")
    kept = desired.model_copy(update={"instance_profiles": ["shared-batch"], "purge_instance_profiles": False})
    manager.apply(kept)
    for profile in ("shared-web", "shared-batch"):
        roles = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
        assert [r["RoleName"] for r in roles] == ["merge-role"], profile
    assert not manager.plan(kept).changed
    manager.apply(desired.model_copy(update={"instance_profiles": []}))
    for profile in ("shared-web", "shared-batch"):
        assert iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"] == [], profile


INVENTORY = InventoryConfiguration(id="daily", destination_bucket="merge-bucket", format="CSV",
                                   optional_fields=["Size", "ETag"], included_object_versions="Current")


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 keeps IncludedObjectVersions 'All' whatever was put, and "
                                       "ListBucketInventoryConfigurations reports OptionalFields as ['Field']")
def test_inventory_configuration_round_trips_on_moto(aws: AwsProvider) -> None:
    manager = S3BucketManager(provider=aws, clock=FakeClock())
    desired = S3BucketDesired(name="merge-bucket", region=REGION, inventory_configurations=[INVENTORY])
    manager.apply(desired)
    assert not manager.plan(desired).changed


def test_inventory_configuration_is_put_on_moto(aws: AwsProvider, boto_clients: Any) -> None:
    # Written without settling: moto's listing would never read it back (see the xfail above).
    manager = S3BucketManager(provider=aws, clock=FakeClock())
    manager.apply(S3BucketDesired(name="merge-bucket", region=REGION))
    desired = S3BucketDesired(name="merge-bucket", region=REGION, inventory_configurations=[INVENTORY])
    (action,) = manager.plan(desired).actions
    aws.write_aspect(kind_spec("s3_bucket").ref("merge-bucket", REGION), "inventory_configurations", action.after)
    got = boto_clients("s3", REGION).get_bucket_inventory_configuration(Bucket="merge-bucket", Id="daily")
    config = got["InventoryConfiguration"]
    assert sorted(config["OptionalFields"]) == ["ETag", "Size"] and config["Schedule"] == {"Frequency": "Daily"}
    assert config["Destination"]["S3BucketDestination"]["Bucket"] == "arn:aws:s3:::merge-bucket"


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 routes DeleteBucketInventoryConfiguration to DeleteBucket, "
                                       "which deletes the (empty) bucket itself")
def test_inventory_configuration_is_removed_on_moto(aws: AwsProvider, boto_clients: Any) -> None:
    manager = S3BucketManager(provider=aws, clock=FakeClock())
    manager.apply(S3BucketDesired(name="merge-bucket", region=REGION, inventory_configurations=[INVENTORY]))
    manager.apply(S3BucketDesired(name="merge-bucket", region=REGION, inventory_configurations=[]))
    listed = boto_clients("s3", REGION).list_bucket_inventory_configurations(Bucket="merge-bucket")
    assert listed.get("InventoryConfigurationList", []) == []
