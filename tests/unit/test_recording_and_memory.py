"""The recording provider records every call as data; the in-memory fake behaves like AWS."""

from __future__ import annotations

import json

import pytest

from awsstate import (
    AccessDeniedError,
    AlreadyExistsError,
    InMemoryProvider,
    InvalidRequestError,
    NameTakenError,
    NotFoundError,
    RecordingProvider,
    S3BucketDesired,
    S3BucketManager,
)
from awsstate.kinds import kind_spec
from awsstate.spec import ResourceRef

REF = ResourceRef(kind_spec("s3_bucket"), "memory-bucket", "eu-west-1")


def test_every_call_is_recorded_with_access_and_outcome(recorder: RecordingProvider) -> None:
    recorder.read_existence(REF)
    recorder.create(REF, {"region": "eu-west-1"})
    recorder.write_aspect(REF, "versioning", "Enabled")
    with pytest.raises(NotFoundError):
        recorder.read_aspect(ResourceRef(kind_spec("s3_bucket"), "missing-bucket", "eu-west-1"), "tags")
    assert [(c.operation, c.access, c.outcome) for c in recorder.calls] == [
        ("read_existence", "read", "ok"), ("create", "write", "ok"), ("write_aspect", "write", "ok"),
        ("read_aspect", "read", "NotFoundError"),
    ]
    assert len(recorder.reads) == 2 and len(recorder.writes) == 2
    lines = [json.loads(line) for line in recorder.to_jsonl().splitlines()]
    assert lines[2] == {**lines[2], "operation": "write_aspect", "aspect": "versioning", "kind": "s3_bucket",
                        "name": "memory-bucket", "region": "eu-west-1", "access": "write", "outcome": "ok"}
    assert all(line["duration_ms"] >= 0 for line in lines)


def test_session_collects_only_the_calls_inside_it(recorder: RecordingProvider) -> None:
    recorder.read_existence(REF)
    with recorder.session() as calls:
        recorder.read_existence(REF)
    assert len(calls) == 1 and len(recorder.calls) == 2


def test_new_bucket_has_the_aws_defaults(memory: InMemoryProvider) -> None:
    memory.create(REF, {"region": "eu-west-1"})
    assert memory.read_aspect(REF, "encryption") == {"algorithm": "AES256", "kms_key_id": None,
                                                     "bucket_key_enabled": False}
    assert memory.read_aspect(REF, "block_public_access") == {
        "block_public_acls": True, "ignore_public_acls": True, "block_public_policy": True,
        "restrict_public_buckets": True}
    assert memory.read_aspect(REF, "versioning") == "Disabled"
    assert memory.read_existence(REF) == {"region": "eu-west-1", "arn": "arn:aws:s3:::memory-bucket"}


def test_bucket_names_are_global_and_creating_your_own_again_says_so(memory: InMemoryProvider) -> None:
    memory.create(REF, {"region": "eu-west-1"})
    with pytest.raises(AlreadyExistsError) as caught:
        memory.create(ResourceRef(kind_spec("s3_bucket"), "memory-bucket", "us-east-1"), {"region": "us-east-1"})
    assert not isinstance(caught.value, NameTakenError)


def test_a_name_owned_by_another_account_is_taken_and_unreadable(memory: InMemoryProvider) -> None:
    memory.world.claim(kind_spec("s3_bucket"), "someone-elses")
    manager = S3BucketManager(provider=memory)
    with pytest.raises(AccessDeniedError, match="belongs to another account"):
        manager.plan(S3BucketDesired(name="someone-elses"))
    with pytest.raises(NameTakenError) as caught:
        memory.create(ResourceRef(kind_spec("s3_bucket"), "someone-elses", "us-east-1"), {"region": "us-east-1"})
    assert "Choose another name" in str(caught.value)
    assert "s3_bucket 'someone-elses'" in str(caught.value)
    with pytest.raises(AccessDeniedError, match="belongs to another account"):  # each aspect read, too
        memory.read_aspect(ResourceRef(kind_spec("s3_bucket"), "someone-elses", "us-east-1"), "versioning")


def test_system_tags_cannot_be_dropped_or_added(memory: InMemoryProvider) -> None:
    memory.create(REF, {"region": "eu-west-1"})
    memory.world.set_aspect("s3_bucket", REF.name, "tags", {"aws:cloudformation:stack-name": "s"})
    with pytest.raises(InvalidRequestError, match="System tags"):
        memory.write_aspect(REF, "tags", {"env": "dev"})
    with pytest.raises(InvalidRequestError, match="System tags"):
        memory.write_aspect(REF, "tags", {"aws:cloudformation:stack-name": "s", "aws:new": "x"})
    memory.write_aspect(REF, "tags", {"aws:cloudformation:stack-name": "s", "env": "dev"})


def test_manager_keeps_system_tags_when_it_replaces_user_tags(memory: InMemoryProvider) -> None:
    memory.create(REF, {"region": "eu-west-1"})
    memory.world.set_aspect("s3_bucket", REF.name, "tags", {"aws:cloudformation:stack-name": "s", "old": "1"})
    S3BucketManager(provider=memory).apply(S3BucketDesired(name=REF.name, tags={"env": "dev"}))
    assert memory.read_aspect(REF, "tags") == {"aws:cloudformation:stack-name": "s", "env": "dev"}


def test_world_refuses_unknown_aspects_and_missing_resources(memory: InMemoryProvider) -> None:
    with pytest.raises(LookupError):
        memory.world.set_aspect("s3_bucket", "nope-nope", "versioning", "Enabled")
    memory.create(REF, {"region": "eu-west-1"})
    with pytest.raises(KeyError, match="no aspect 'versionning'"):
        memory.world.set_aspect("s3_bucket", REF.name, "versionning", "Enabled")


def test_providers_have_helpful_reprs(memory: InMemoryProvider) -> None:
    assert repr(memory) == "InMemoryProvider(region='us-east-1', world=World(account_id='123456789012', resources=0))"
    assert repr(RecordingProvider(memory)).startswith("RecordingProvider(InMemoryProvider(")
