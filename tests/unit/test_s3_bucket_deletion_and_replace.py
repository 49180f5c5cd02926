"""The bucket's own lifecycle on the in-memory provider: absent, force_destroy, replace, stale plans."""

from __future__ import annotations

import pytest

from awsstate import InMemoryProvider, RecordingProvider, ReplaceAction, S3BucketDesired, S3BucketManager
from awsstate.errors import InvalidRequestError, StalePlanError, UnsafeChangeError
from awsstate.plan import Plan
from awsstate.resources.s3_bucket import ObjectLock

NAME = "lifecycle-of-a-bucket"


def _manager(provider: InMemoryProvider | RecordingProvider) -> S3BucketManager:
    return S3BucketManager(provider=provider)


def test_absent_deletes_an_empty_bucket(memory: InMemoryProvider) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1"))
    result = manager.apply(S3BucketDesired(name=NAME, state="absent"))
    assert [a.type for a in result.actions] == ["delete"]
    assert memory.world.find("s3_bucket", NAME) is None


def test_absent_on_a_missing_bucket_is_a_no_op(recorder: RecordingProvider) -> None:
    result = _manager(recorder).apply(S3BucketDesired(name=NAME, state="absent"))
    assert not result.changed
    assert recorder.writes == []


def test_absent_refuses_a_non_empty_bucket_and_leaves_it_intact(memory: InMemoryProvider) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1"))
    memory.world.contents("s3_bucket", NAME).put_object("keep/me.txt", b"data")
    with pytest.raises(InvalidRequestError) as caught:
        manager.apply(S3BucketDesired(name=NAME, state="absent"))
    assert caught.value.code == "BucketNotEmpty"
    assert "force_destroy" in str(caught.value)
    assert memory.world.contents("s3_bucket", NAME).objects == {"keep/me.txt": b"data"}


def test_old_versions_and_delete_markers_alone_keep_a_bucket_non_empty(memory: InMemoryProvider) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1", versioning=True))
    memory.world.contents("s3_bucket", NAME).put_object("a", b"1")
    memory.world.contents("s3_bucket", NAME).put_object("a", b"2")
    memory.world.contents("s3_bucket", NAME).delete_object("a")
    record = memory.world.require("s3_bucket", NAME)
    assert record.contents.objects == {} and len(record.contents.versions) == 3
    with pytest.raises(InvalidRequestError, match="not empty"):
        manager.delete(NAME)
    assert memory.world.find("s3_bucket", NAME) is not None


def test_force_destroy_removes_every_version_then_the_bucket(memory: InMemoryProvider) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1", versioning=True))
    for body in (b"1", b"2"):
        memory.world.contents("s3_bucket", NAME).put_object("a", body)
    memory.world.contents("s3_bucket", NAME).delete_object("a")
    memory.world.contents("s3_bucket", NAME).put_object("b", b"x")
    plan = manager.plan(S3BucketDesired(name=NAME, state="absent", force_destroy=True))
    assert "delete, and every object version and delete marker in it (force_destroy)" in str(plan)
    manager.apply(plan)
    assert memory.world.find("s3_bucket", NAME) is None


def test_manager_delete_with_force_destroy(memory: InMemoryProvider) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1"))
    memory.world.contents("s3_bucket", NAME).put_object("k")
    assert manager.delete(NAME, force_destroy=True).changed
    assert manager.get(NAME) is None


def test_region_change_is_a_replace_that_apply_refuses_unless_allowed(recorder: RecordingProvider) -> None:
    manager = _manager(recorder)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1"))
    moved = S3BucketDesired(name=NAME, region="us-west-2")
    plan = manager.plan(moved)
    assert plan.actions[0].type == "replace"
    assert "region is fixed at creation: eu-west-1 -> us-west-2" in plan.actions[0].details
    recorder.clear()
    with pytest.raises(UnsafeChangeError, match="allow_replace"):
        manager.apply(moved)
    assert recorder.writes == []


def test_replace_never_destroys_objects_without_force_destroy(memory: InMemoryProvider) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1"))
    memory.world.contents("s3_bucket", NAME).put_object("precious")
    with pytest.raises(InvalidRequestError, match="not empty"):
        manager.apply(S3BucketDesired(name=NAME, region="us-west-2"), allow_replace=True)
    record = memory.world.require("s3_bucket", NAME)
    assert record.region == "eu-west-1" and "precious" in record.contents.objects


def test_replace_with_force_destroy_empties_the_old_bucket_and_recreates_it(memory: InMemoryProvider) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1"))
    memory.world.contents("s3_bucket", NAME).put_object("old")
    desired = S3BucketDesired(name=NAME, region="us-west-2", versioning=True, force_destroy=True)
    plan = manager.plan(desired)
    replace = plan.actions[0]
    assert isinstance(replace, ReplaceAction) and replace.from_region == "eu-west-1" and replace.force
    assert replace.region == "us-west-2" and replace.params == {"region": "us-west-2"}
    assert "every object version and delete marker in it will be deleted with it (force_destroy)" in str(plan)
    manager.apply(desired, allow_replace=True)
    record = memory.world.require("s3_bucket", NAME)
    assert record.attributes["region"] == "us-west-2"
    assert record.contents.objects == {} and record.aspects["versioning"] == "Enabled"
    assert not manager.plan(desired).changed


def test_turning_object_lock_off_is_planned_as_a_replace(memory: InMemoryProvider) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1", versioning=True, object_lock=True))
    plan = manager.plan(S3BucketDesired(name=NAME, region="eu-west-1", object_lock=False))
    assert plan.actions[0].type == "replace"
    assert "object_lock: object lock cannot be disabled once enabled" in plan.actions[0].details
    with pytest.raises(UnsafeChangeError):
        manager.apply(plan)
    applied = manager.apply(S3BucketDesired(name=NAME, region="eu-west-1", object_lock=False), allow_replace=True)
    assert applied.changed
    assert memory.world.require("s3_bucket", NAME).aspects["object_lock"] == {"enabled": False}


def test_enabling_object_lock_on_an_existing_bucket_is_one_update(memory: InMemoryProvider) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1", versioning=True))
    desired = S3BucketDesired(name=NAME, region="eu-west-1", versioning=True,
                              object_lock=ObjectLock(mode="COMPLIANCE", years=1))
    plan = manager.plan(desired)
    assert [(a.type, a.aspect, a.after) for a in plan.actions] == [
        ("update", "object_lock", {"enabled": True, "mode": "COMPLIANCE", "years": 1})]
    manager.apply(plan)
    assert not manager.plan(desired).changed


# -- plans computed earlier -------------------------------------------------------------------

FULL = S3BucketDesired(name=NAME, region="eu-west-1", versioning=True, tags={"env": "dev"},
                       cors_rules=[{"allowed_methods": ["GET"], "allowed_origins": ["*"]}],
                       policy={"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket",
                                              "Resource": f"arn:aws:s3:::{NAME}"}]})


@pytest.mark.parametrize("round_trip", [False, True], ids=["plan-object", "plan-json-round-trip"])
def test_a_plan_applies_as_computed(memory: InMemoryProvider, round_trip: bool) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1"))
    plan = manager.plan(FULL)
    if round_trip:
        plan = Plan.model_validate_json(plan.model_dump_json())
    assert manager.apply(plan).changed
    assert not manager.plan(FULL).changed


@pytest.mark.parametrize("round_trip", [False, True], ids=["plan-object", "plan-json-round-trip"])
@pytest.mark.parametrize(("aspect", "drifted"), [
    ("tags", {"env": "prod"}),
    ("cors_rules", [{"allowed_methods": ["PUT"], "allowed_origins": ["https://other.example"]}]),
    ("policy", {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                               "Resource": f"arn:aws:s3:::{NAME}/*"}]}),
    ("versioning", "Suspended"),
])
def test_a_stale_plan_is_refused_and_writes_nothing(
    memory: InMemoryProvider, round_trip: bool, aspect: str, drifted: object
) -> None:
    recorder = RecordingProvider(memory)
    manager = _manager(recorder)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1"))
    plan = manager.plan(FULL)
    if round_trip:
        plan = Plan.model_validate_json(plan.model_dump_json())
    memory.world.set_aspect("s3_bucket", NAME, aspect, drifted)
    recorder.clear()
    with pytest.raises(StalePlanError) as caught:
        manager.apply(plan)
    assert aspect in str(caught.value)
    assert recorder.writes == []


def test_a_plan_is_not_stale_when_only_unread_aspects_changed(memory: InMemoryProvider) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1"))
    plan = Plan.model_validate_json(manager.plan(S3BucketDesired(name=NAME, tags={"a": "1"})).model_dump_json())
    memory.world.set_aspect("s3_bucket", NAME, "website", {"index_document": "index.html"})
    assert manager.apply(plan).changed


def test_a_plan_for_a_bucket_deleted_since_is_stale(memory: InMemoryProvider) -> None:
    manager = _manager(memory)
    manager.apply(S3BucketDesired(name=NAME, region="eu-west-1"))
    plan = manager.plan(FULL)
    manager.delete(NAME)
    with pytest.raises(StalePlanError):
        manager.apply(plan)
    assert memory.world.find("s3_bucket", NAME) is None
