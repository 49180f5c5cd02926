"""Settings S3 refuses together: refused before any write, naming both fields; the fake refuses as AWS does.

* both in the desired model: pydantic's ValidationError, before any call;
* one known from the plan (the bucket is new, so AWS's default applies; or the other setting is
  managed and was read): an InvalidRequestError from the plan, before any write;
* neither known (the other setting is unmanaged): AWS refuses the write; the in-memory fake
  refuses it exactly so (its checks see every aspect of the bucket), with an error naming both.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import (
    InMemoryProvider,
    InvalidRequestError,
    PublicAccessBlock,
    RecordingProvider,
    S3BucketDesired,
    S3BucketManager,
)
from awsstate.resources.s3_bucket import ObjectLock
from awsstate.resources.s3_bucket.rules import is_public_policy

NAME = "rules-bucket"
REGION = "eu-west-1"
PUBLIC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                  "Resource": f"arn:aws:s3:::{NAME}/*"}]}
PINNED = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{NAME}/*",
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}]}


def _manager(provider: Any) -> S3BucketManager:
    return S3BucketManager(provider=provider)


@pytest.mark.parametrize(("fields", "names"), [
    ({"policy": PUBLIC, "block_public_access": True}, ("policy", "block_public_policy")),
    ({"policy": PUBLIC, "block_public_access": PublicAccessBlock(block_public_policy=True)},
     ("policy", "block_public_policy")),
    ({"acl": "public-read", "object_ownership": "ObjectWriter", "block_public_access": True},
     ("acl", "block_public_acls")),
    ({"acl": "authenticated-read", "object_ownership": "BucketOwnerEnforced"}, ("acl", "object_ownership")),
    ({"versioning": False, "object_lock": True}, ("versioning", "object_lock")),
], ids=["public-policy-blocked", "public-policy-blocked-by-one-flag", "public-acl-blocked", "acl-under-enforced",
        "suspend-versioning-with-lock"])
def test_both_settings_in_the_model_are_a_validation_error_naming_both(fields: dict[str, Any],
                                                                       names: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError) as caught:
        S3BucketDesired(name=NAME, region=REGION, **fields)
    assert all(name in str(caught.value) for name in names), str(caught.value)


def test_a_policy_pinned_to_an_organization_is_not_public() -> None:
    assert is_public_policy(PUBLIC) and not is_public_policy(PINNED)
    S3BucketDesired(name=NAME, region=REGION, policy=PINNED, block_public_access=True)


@pytest.mark.parametrize("fields", [
    {"policy": PUBLIC},
    {"acl": "public-read", "object_ownership": "ObjectWriter"},
    {"acl": "log-delivery-write"},
], ids=["public-policy-on-a-new-bucket", "public-acl-on-a-new-bucket", "acl-on-a-new-bucket-is-enforced"])
def test_on_a_new_bucket_aws_defaults_count_and_the_plan_refuses_before_any_write(fields: dict[str, Any]) -> None:
    recorder = RecordingProvider(InMemoryProvider())
    with pytest.raises(InvalidRequestError) as caught:
        _manager(recorder).apply(S3BucketDesired(name=NAME, region=REGION, **fields))
    assert recorder.writes == []
    text = str(caught.value)
    assert "AWS's default" in text or "block_public_access" in text, text
    assert any(name in text for name in fields)


def test_opening_the_block_in_the_same_apply_is_allowed(memory: InMemoryProvider) -> None:
    desired = S3BucketDesired(name=NAME, region=REGION, policy=PUBLIC,
                              block_public_access=PublicAccessBlock(block_public_policy=False,
                                                                    restrict_public_buckets=False))
    assert _manager(memory).apply(desired).changed
    assert not _manager(memory).plan(desired).changed


def test_an_unset_flag_read_from_the_bucket_counts(memory: InMemoryProvider) -> None:
    _manager(memory).apply(S3BucketDesired(name=NAME, region=REGION))  # AWS's default: every flag on
    recorder = RecordingProvider(memory)
    with pytest.raises(InvalidRequestError, match="block_public_policy"):
        _manager(recorder).plan(S3BucketDesired(name=NAME, region=REGION, policy=PUBLIC,
                                                block_public_access=PublicAccessBlock(block_public_acls=True)))
    assert recorder.writes == []


@pytest.mark.parametrize(("prepare", "fields", "names"), [
    ({}, {"policy": PUBLIC}, ("policy", "block_public_policy")),
    ({"object_ownership": "ObjectWriter"}, {"acl": "public-read"}, ("acl", "block_public_acls")),
    ({}, {"acl": "public-read"}, ("acl", "object_ownership")),
    ({"versioning": True, "object_lock": True}, {"versioning": False}, ("versioning", "object_lock")),
], ids=["public-policy", "public-acl", "acl-under-enforced", "suspend-versioning"])
def test_with_the_other_setting_unmanaged_the_fake_refuses_the_write_as_aws_does(
    memory: InMemoryProvider, prepare: dict[str, Any], fields: dict[str, Any], names: tuple[str, ...]
) -> None:
    _manager(memory).apply(S3BucketDesired(name=NAME, region=REGION, **prepare))
    with pytest.raises(InvalidRequestError) as caught:
        _manager(memory).apply(S3BucketDesired(name=NAME, region=REGION, **fields))
    assert all(name in str(caught.value) for name in names), str(caught.value)


def test_suspending_versioning_on_a_bucket_created_with_object_lock_is_refused(memory: InMemoryProvider) -> None:
    _manager(memory).apply(S3BucketDesired(name=NAME, region=REGION, object_lock=ObjectLock()))
    with pytest.raises(InvalidRequestError, match="object_lock"):
        _manager(memory).apply(S3BucketDesired(name=NAME, region=REGION, versioning=False))
