"""Plan tables for the S3 bucket's configuration aspects on the in-memory provider.

Each row: what an existing bucket holds (canonical values, set out-of-band) + desired fields ->
the exact updates planned. Semantic equality rows plan nothing: AWS's rewrites never show as a diff.
"""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import InMemoryProvider, InvalidRequestError, RecordingProvider, S3BucketDesired, S3BucketManager
from awsstate.canonical import Json
from awsstate.resources.s3_bucket import (
    BucketNotifications,
    CorsRule,
    LifecycleRule,
    NotificationTarget,
    ObjectLock,
)
from awsstate.resources.s3_bucket.lifecycle import lifecycle_after, lifecycle_value
from tests.examples.s3_bucket import everything

NAME = "config-table-bucket"
ARN = f"arn:aws:s3:::{NAME}"
POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:GetObject"], "Resource": [f"{ARN}/*"],
     "Condition": {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}},
    {"Sid": "B", "Effect": "Deny", "Principal": "*", "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy"],
     "Resource": ARN},
]}
# The same policy as AWS might return it: statements reordered, single items unwrapped, "*" principal.
POLICY_REWRITTEN = {"Version": "2012-10-17", "Statement": [
    {"Sid": "B", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": ["s3:PutBucketPolicy", "s3:DeleteBucket"],
     "Resource": [ARN]},
    {"Sid": "A", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{ARN}/*",
     "Condition": {"StringEquals": {"aws:PrincipalAccount": ["123456789012"]}}},
]}
QUEUE = "arn:aws:sqs:eu-west-1:123456789012:events"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:alerts"


def _existing(memory: InMemoryProvider, **aspects: Json) -> None:
    memory.create(S3BucketManager.spec.ref(NAME, "eu-west-1"), {"region": "eu-west-1"})
    memory.create(S3BucketManager.spec.ref("log-bucket", "eu-west-1"), {"region": "eu-west-1"})  # logging target
    for aspect, value in aspects.items():
        memory.world.set_aspect("s3_bucket", NAME, aspect, value)


RULE_ID = lifecycle_after(lifecycle_value([LifecycleRule(prefix="tmp/", expiration_days=1)]), [])[0]["id"]

# (id, observed aspects, desired fields, expected [(aspect, after)])
TABLE: list[tuple[str, dict[str, Json], dict[str, Any], list[tuple[str, Json]]]] = [
    # policy
    ("policy-set", {}, {"policy": POLICY}, [("policy", POLICY)]),
    ("policy-json-text-equals-dict", {"policy": POLICY}, {"policy": __import__("json").dumps(POLICY)}, []),
    ("policy-rewritten-by-aws-is-equal", {"policy": POLICY_REWRITTEN}, {"policy": POLICY}, []),
    ("policy-default-version", {"policy": {"Version": "2008-10-17", "Statement": POLICY["Statement"]}},
     {"policy": {"Statement": POLICY["Statement"]}}, []),
    ("policy-empty-dict-removes", {"policy": POLICY}, {"policy": {}}, [("policy", None)]),
    ("policy-empty-string-removes", {"policy": POLICY}, {"policy": ""}, [("policy", None)]),
    ("policy-empty-when-none-is-satisfied", {}, {"policy": {}}, []),
    # tags merge mode
    ("tags-merge-adds-and-keeps-others", {"tags": {"team": "a", "env": "dev"}},
     {"tags": {"env": "prod"}, "purge_tags": False}, [("tags", {"env": "prod", "team": "a"})]),
    ("tags-merge-nothing-to-do", {"tags": {"team": "a", "env": "dev"}}, {"tags": {"env": "dev"}, "purge_tags": False},
     []),
    ("tags-purge-removes-others", {"tags": {"team": "a", "env": "dev"}}, {"tags": {"env": "dev"}},
     [("tags", {"env": "dev"})]),
    # lifecycle
    ("lifecycle-id-derived-when-unset", {}, {"lifecycle_rules": [LifecycleRule(prefix="tmp/", expiration_days=1)]},
     [("lifecycle_rules", [{"id": RULE_ID, "status": "Enabled", "prefix": "tmp/", "expiration_days": 1}])]),
    ("lifecycle-aws-generated-id-adopted", {"lifecycle_rules": [
        {"id": "Zm9vYmFy", "status": "Enabled", "prefix": "tmp/", "expiration_days": 1}]},
     {"lifecycle_rules": [LifecycleRule(prefix="tmp/", expiration_days=1)]}, []),
    ("lifecycle-rule-order-ignored", {"lifecycle_rules": [
        {"id": "b", "status": "Enabled", "expiration_days": 2},
        {"id": "a", "status": "Enabled", "expiration_days": 1}]},
     {"lifecycle_rules": [LifecycleRule(id="a", expiration_days=1), LifecycleRule(id="b", expiration_days=2)]}, []),
    ("lifecycle-empty-prefix-is-no-filter", {"lifecycle_rules": [
        {"id": "a", "status": "Enabled", "prefix": "", "expiration_days": 1}]},
     {"lifecycle_rules": [LifecycleRule(id="a", expiration_days=1)]}, []),
    ("lifecycle-days-changed", {"lifecycle_rules": [{"id": "a", "status": "Enabled", "expiration_days": 1}]},
     {"lifecycle_rules": [LifecycleRule(id="a", expiration_days=2)]},
     [("lifecycle_rules", [{"id": "a", "status": "Enabled", "expiration_days": 2}])]),
    ("lifecycle-empty-removes", {"lifecycle_rules": [{"id": "a", "status": "Enabled", "expiration_days": 1}]},
     {"lifecycle_rules": []}, [("lifecycle_rules", [])]),
    # CORS
    ("cors-set", {}, {"cors_rules": [CorsRule(allowed_methods=["GET"], allowed_origins=["*"])]},
     [("cors_rules", [{"allowed_methods": ["GET"], "allowed_origins": ["*"]}])]),
    ("cors-method-order-ignored", {"cors_rules": [{"allowed_methods": ["PUT", "GET"], "allowed_origins": ["*"]}]},
     {"cors_rules": [CorsRule(allowed_methods=["GET", "PUT"], allowed_origins=["*"])]}, []),
    ("cors-rule-order-matters", {"cors_rules": [
        {"allowed_methods": ["GET"], "allowed_origins": ["a"]},
        {"allowed_methods": ["GET"], "allowed_origins": ["b"]}]},
     {"cors_rules": [CorsRule(allowed_methods=["GET"], allowed_origins=["b"]),
                     CorsRule(allowed_methods=["GET"], allowed_origins=["a"])]},
     [("cors_rules", [{"allowed_methods": ["GET"], "allowed_origins": ["b"]},
                      {"allowed_methods": ["GET"], "allowed_origins": ["a"]}])]),
    ("cors-empty-removes", {"cors_rules": [{"allowed_methods": ["GET"], "allowed_origins": ["*"]}]},
     {"cors_rules": []}, [("cors_rules", [])]),
    # website
    ("website-set", {}, {"website": {"index_document": "index.html"}}, [("website", {"index_document": "index.html"})]),
    ("website-redirect-all", {"website": {"index_document": "index.html"}},
     {"website": {"redirect_all_requests_to": {"host_name": "example.com", "protocol": "https"}}},
     [("website", {"redirect_all_requests_to": {"host_name": "example.com", "protocol": "https"}})]),
    ("website-false-removes", {"website": {"index_document": "index.html"}}, {"website": False}, [("website", None)]),
    ("website-empty-dict-removes", {"website": {"index_document": "index.html"}}, {"website": {}},
     [("website", None)]),
    # ownership, ACL, logging
    ("ownership-new-bucket-enforced", {}, {"object_ownership": "BucketOwnerEnforced"}, []),
    ("ownership-to-preferred", {}, {"object_ownership": "BucketOwnerPreferred"},
     [("object_ownership", "BucketOwnerPreferred")]),
    ("acl-private-is-default", {}, {"acl": "private"}, []),
    ("acl-custom-grants-to-canned", {"acl": "custom", "object_ownership": "ObjectWriter"},
     {"acl": "log-delivery-write", "object_ownership": "ObjectWriter"}, [("acl", "log-delivery-write")]),
    ("logging-on", {}, {"logging": {"target_bucket": "log-bucket", "target_prefix": "x/"}},
     [("logging", {"target_bucket": "log-bucket", "target_prefix": "x/"})]),
    ("logging-prefix-defaults-to-empty", {"logging": {"target_bucket": "log-bucket"}},
     {"logging": {"target_bucket": "log-bucket"}}, []),
    ("logging-false-turns-off", {"logging": {"target_bucket": "log-bucket", "target_prefix": ""}},
     {"logging": False}, [("logging", None)]),
    # object lock
    ("object-lock-zero-days-read-as-unset", {"object_lock": {"enabled": True, "mode": "GOVERNANCE", "days": 0,
                                                             "years": 2}},
     {"versioning": True, "object_lock": {"mode": "GOVERNANCE", "years": 2}}, [("versioning", "Enabled")]),
    ("object-lock-retention-changed", {"versioning": "Enabled", "object_lock": {"enabled": True}},
     {"object_lock": {"mode": "GOVERNANCE", "days": 5}},
     [("object_lock", {"enabled": True, "mode": "GOVERNANCE", "days": 5})]),
    # booleans
    ("acceleration-on", {}, {"transfer_acceleration": True}, [("transfer_acceleration", True)]),
    ("acceleration-off-is-default", {}, {"transfer_acceleration": False}, []),
    ("requester-pays-on", {}, {"requester_pays": True}, [("requester_pays", True)]),
    ("requester-pays-off", {"requester_pays": True}, {"requester_pays": False}, [("requester_pays", False)]),
    # notifications
    ("notifications-id-adopted", {"notifications": {"eventbridge": False, "targets": [
        {"id": "generated-by-aws", "arn": QUEUE, "events": ["s3:ObjectRemoved:*", "s3:ObjectCreated:*"]}]}},
     {"notifications": BucketNotifications(targets=[NotificationTarget(
         arn=QUEUE, events=["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])])}, []),
    ("notifications-eventbridge-on", {}, {"notifications": {"eventbridge": True}},
     [("notifications", {"eventbridge": True, "targets": []})]),
    ("notifications-empty-removes", {"notifications": {"eventbridge": True, "targets": [
        {"id": "t", "arn": TOPIC, "events": ["s3:ObjectCreated:*"]}]}}, {"notifications": {}},
     [("notifications", {"eventbridge": False, "targets": []})]),
]


@pytest.mark.parametrize(("observed", "fields", "expected"), [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_configuration_plan_table(
    memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any], expected: list[tuple[str, Json]]
) -> None:
    _existing(memory, **observed)
    manager = S3BucketManager(provider=memory)
    desired = S3BucketDesired(name=NAME, region="eu-west-1", **fields)
    plan = manager.plan(desired)
    assert [(a.aspect, a.after) for a in plan.actions] == expected, str(plan)
    manager.apply(plan)
    assert not manager.plan(desired).changed


def test_logging_to_a_bucket_that_does_not_exist_is_refused_as_aws_does(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=memory)
    with pytest.raises(InvalidRequestError, match="no-such-log-bucket does not exist") as refused:
        manager.apply(S3BucketDesired(name=NAME, region="eu-west-1", logging={"target_bucket": "no-such-log-bucket"}))
    assert refused.value.code == "InvalidTargetBucketForLogging" and refused.value.aspect == "logging"
    assert "correct the name in logging" in str(refused.value)


def test_a_notification_target_without_id_gets_a_stable_one_that_reads_back_equal(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=memory)
    desired = S3BucketDesired(name=NAME, region="eu-west-1", notifications={
        "targets": [{"arn": QUEUE, "events": ["s3:ObjectCreated:*"], "prefix": "in/"}]})
    first = manager.plan(desired).actions[-1].after
    assert first == manager.plan(desired).actions[-1].after  # derived from content, not random
    manager.apply(desired)
    assert not manager.plan(desired).changed


def test_removed_policy_is_verified_as_removed_not_reported_as_failure(recorder: RecordingProvider) -> None:
    manager = S3BucketManager(provider=recorder)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1", policy=POLICY))
    result = manager.apply(S3BucketDesired(name=NAME, region="eu-west-1", policy={}))
    assert result.changed and result.observed is not None and result.observed.policy is None
    assert [(c.operation, c.aspect) for c in recorder.calls if c.operation == "read_aspect"][-1] == (
        "read_aspect", "policy")  # the removal was read back


def test_every_aspect_creates_converges_and_reapplies_with_zero_writes(recorder: RecordingProvider) -> None:
    manager = S3BucketManager(provider=recorder)
    desired = everything(NAME, "eu-west-1")
    assert len(S3BucketManager.spec.managed(desired)) == len(S3BucketManager.spec.aspects)
    manager.apply(desired)
    recorder.clear()
    again = manager.apply(desired)
    assert not again.changed, str(again.plan)
    assert recorder.writes == []
    assert len(recorder.reads) == len(S3BucketManager.spec.aspects) + 1


DRIFT: dict[str, Json] = {
    "tags": {"env": "hacked"},
    "versioning": "Suspended",
    "block_public_access": {"block_public_acls": False, "ignore_public_acls": False, "block_public_policy": False,
                            "restrict_public_buckets": False},
    "encryption": {"algorithm": "aws:kms", "kms_key_id": None, "bucket_key_enabled": True},
    "object_lock": {"enabled": True, "mode": "COMPLIANCE", "days": 9},
    "object_ownership": "ObjectWriter",
    "acl": "public-read",
    "policy": None,
    "logging": None,
    "lifecycle_rules": [],
    "cors_rules": [{"allowed_methods": ["DELETE"], "allowed_origins": ["*"]}],
    "website": {"redirect_all_requests_to": {"host_name": "evil.example"}},
    "transfer_acceleration": False,
    "requester_pays": False,
    "notifications": {"eventbridge": False, "targets": []},
    "inventory_configurations": [],
}


def test_every_aspect_drifted_is_converged_with_one_write_each(memory: InMemoryProvider) -> None:
    assert set(DRIFT) == {a.name for a in S3BucketManager.spec.aspects}
    recorder = RecordingProvider(memory)
    manager = S3BucketManager(provider=recorder)
    # The retention is given, so that it is managed (ObjectLock() would leave it as the bucket has it).
    desired = everything(NAME, "eu-west-1").model_copy(update={"object_lock": ObjectLock(mode="GOVERNANCE", days=1)})
    manager.apply(desired)
    for aspect, value in DRIFT.items():
        memory.world.set_aspect("s3_bucket", NAME, aspect, value)
    plan = manager.plan(desired)
    assert sorted(plan.aspects) == sorted(DRIFT)
    recorder.clear()
    manager.apply(plan)
    assert sorted(c.aspect or "" for c in recorder.writes) == sorted(DRIFT)
    assert not manager.plan(desired).changed


def test_unset_aspects_are_never_read(recorder: RecordingProvider) -> None:
    manager = S3BucketManager(provider=recorder)
    manager.apply(everything(NAME, "eu-west-1"))
    recorder.clear()
    manager.plan(S3BucketDesired(name=NAME, lifecycle_rules=[]))
    assert [c.aspect for c in recorder.reads] == [None, "lifecycle_rules"]
