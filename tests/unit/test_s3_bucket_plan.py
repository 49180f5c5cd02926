"""Plan tables for s3_bucket on the in-memory provider: observed + desired -> expected actions."""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import BucketEncryption, InMemoryProvider, PublicAccessBlock, S3BucketDesired, S3BucketManager
from awsstate.canonical import Json

NAME = "plan-table-bucket"
ALL_ON = {"block_public_acls": True, "ignore_public_acls": True, "block_public_policy": True,
          "restrict_public_buckets": True}
ALL_OFF = {key: False for key in ALL_ON}


def _existing(memory: InMemoryProvider, **aspects: Json) -> None:
    """A bucket as AWS creates it in eu-west-1, then with ``aspects`` changed out-of-band."""
    memory.create(S3BucketManager.spec.ref(NAME, "eu-west-1"), {"region": "eu-west-1"})
    for aspect, value in aspects.items():
        memory.world.set_aspect("s3_bucket", NAME, aspect, value)


# (id, observed aspects on an existing bucket, desired fields, expected [(aspect, after)])
UPDATE_TABLE: list[tuple[str, dict[str, Json], dict[str, Any], list[tuple[str, Json]]]] = [
    ("nothing-managed-nothing-planned", {"versioning": "Suspended"}, {}, []),
    ("versioning-on", {}, {"versioning": True}, [("versioning", "Enabled")]),
    ("versioning-off-on-never-enabled-bucket-is-satisfied", {}, {"versioning": False}, []),
    ("versioning-off-on-enabled-bucket-suspends", {"versioning": "Enabled"}, {"versioning": False},
     [("versioning", "Suspended")]),
    ("versioning-already-enabled", {"versioning": "Enabled"}, {"versioning": True}, []),
    ("tags-added", {}, {"tags": {"env": "dev"}}, [("tags", {"env": "dev"})]),
    ("tags-extra-user-tag-removed", {"tags": {"env": "dev", "old": "x"}}, {"tags": {"env": "dev"}},
     [("tags", {"env": "dev"})]),
    ("tags-equal-in-other-order", {"tags": {"b": "2", "a": "1"}}, {"tags": {"a": "1", "b": "2"}}, []),
    ("tags-number-equals-string", {"tags": {"n": "7"}}, {"tags": {"n": 7}}, []),
    ("tags-aws-keys-kept-and-not-a-diff", {"tags": {"aws:cloudformation:stack-name": "s", "env": "dev"}},
     {"tags": {"env": "dev"}}, []),
    ("tags-empty-removes-user-tags-keeps-aws", {"tags": {"aws:cloudformation:stack-name": "s", "env": "dev"}},
     {"tags": {}}, [("tags", {"aws:cloudformation:stack-name": "s"})]),
    ("pab-true-on-new-bucket-already-satisfied", {}, {"block_public_access": True}, []),
    ("pab-true-after-removal", {"block_public_access": None}, {"block_public_access": True},
     [("block_public_access", ALL_ON)]),
    ("pab-false-when-none-configured-is-satisfied", {"block_public_access": None}, {"block_public_access": False}, []),
    ("pab-partial-model", {}, {"block_public_access": PublicAccessBlock(block_public_policy=False)},
     [("block_public_access", {**ALL_ON, "block_public_policy": False})]),
    ("encryption-default-sse-s3-satisfied", {}, {"encryption": BucketEncryption.sse_s3()}, []),
    ("encryption-missing-config-means-sse-s3", {"encryption": None}, {"encryption": BucketEncryption.sse_s3()}, []),
    ("encryption-to-kms", {}, {"encryption": BucketEncryption.sse_kms("alias/data")},
     [("encryption", {"algorithm": "aws:kms", "kms_key_id": "alias/data", "bucket_key_enabled": True})]),
]


@pytest.mark.parametrize(("observed", "fields", "expected"), [row[1:] for row in UPDATE_TABLE],
                         ids=[row[0] for row in UPDATE_TABLE])
def test_update_plan_table(
    memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any], expected: list[tuple[str, Json]]
) -> None:
    _existing(memory, **observed)
    plan = S3BucketManager(provider=memory).plan(S3BucketDesired(name=NAME, region="eu-west-1", **fields))
    assert [(a.aspect, a.after) for a in plan.actions] == expected
    assert all(a.type == "update" for a in plan.actions)


def test_create_plan_writes_only_what_a_new_bucket_lacks(memory: InMemoryProvider) -> None:
    desired = S3BucketDesired(name=NAME, region="ca-central-1", tags={"env": "dev"}, versioning=False,
                              block_public_access=True, encryption=BucketEncryption.sse_s3())
    plan = S3BucketManager(provider=memory).plan(desired)
    assert [(a.type, a.aspect) for a in plan.actions] == [
        ("create", None), ("update", "tags"),
        # versioning=False and SSE-S3 are what every new bucket has: no write. The public access
        # block is written because emulators (moto) do not apply AWS's default.
        ("update", "block_public_access"),
    ]
    assert plan.actions[0].after == {"region": "ca-central-1"}


def test_region_change_is_planned_as_replace_with_its_reason(memory: InMemoryProvider) -> None:
    _existing(memory)
    plan = S3BucketManager(provider=memory).plan(S3BucketDesired(name=NAME, region="us-west-2", versioning=True))
    assert plan.actions[0].type == "replace"
    assert "region is fixed at creation: eu-west-1 -> us-west-2" in plan.actions[0].details
    assert [a.aspect for a in plan.actions[1:]] == ["versioning"]


def test_unset_region_accepts_the_bucket_wherever_it_is(memory: InMemoryProvider) -> None:
    _existing(memory, versioning="Enabled")
    plan = S3BucketManager(provider=memory).plan(S3BucketDesired(name=NAME, versioning=True))
    assert not plan.changed
    assert plan.region == "eu-west-1"


def test_plan_never_writes(recorder: Any) -> None:
    S3BucketManager(provider=recorder).plan(S3BucketDesired(name=NAME, region="eu-west-1", versioning=True))
    assert recorder.writes == []
    assert [c.operation for c in recorder.calls] == ["read_existence"]


def test_plan_reads_only_the_managed_aspects(memory: InMemoryProvider, recorder: Any) -> None:
    _existing(memory)
    S3BucketManager(provider=recorder).plan(S3BucketDesired(name=NAME, region="eu-west-1", versioning=True))
    calls = [(c.operation, c.aspect) for c in recorder.calls]
    assert calls == [("read_existence", None), ("read_aspect", "versioning")]
