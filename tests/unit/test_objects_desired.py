"""Desired-state objects: planned with one HEAD, content compared by digest, metadata updated in place."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pydantic import ValidationError

from awsstate import (
    BucketEncryption,
    InMemoryProvider,
    ObjectPlan,
    RecordingProvider,
    S3ObjectDesired,
    S3Objects,
    StalePlanError,
)
from awsstate.objects.digest import LocalContent, etag_of, multipart_etag_of
from awsstate.objects.values import MIB, ObjectInfo, TransferSettings
from tests.objects_support import BUCKET, buckets, objects_on, stored

KEY = "config/settings.json"


@pytest.fixture
def setup(memory: InMemoryProvider) -> tuple[RecordingProvider, S3Objects]:
    buckets(memory)
    return objects_on(memory)


def _desired(**fields: object) -> S3ObjectDesired:
    return S3ObjectDesired(bucket=BUCKET, key=KEY, **{"text": '{"debug": false}', **fields})


def test_a_new_object_is_one_put_and_a_converged_one_plans_with_one_head_and_no_write(setup) -> None:
    recorder, objects = setup
    desired = _desired(cache_control="max-age=300", metadata={"team": "web"}, tags={"env": "prod"})
    plan = objects.plan(desired)
    assert [a.type for a in plan.actions] == ["put"]
    objects.apply(desired)
    recorder.clear()
    again = objects.plan(desired)
    assert not again.changed and str(again).endswith("no changes")
    assert [c.operation for c in recorder.calls] == ["read_object_head", "read_object_tags"]
    recorder.clear()
    assert not objects.apply(desired.model_copy(update={"tags": None})).changed
    assert [c.operation for c in recorder.calls] == ["read_object_head"]


def test_changed_content_is_a_replace_and_keeps_unmanaged_settings_and_tags(setup, world) -> None:
    _, objects = setup
    objects.apply(_desired())
    objects.update_metadata(KEY, cache_control="no-store")              # out of band: unmanaged here
    objects.provider.write_object_tags(objects._ref(BUCKET), KEY, {"keep": "me"})
    changed = _desired(text='{"debug": true} ')
    plan = objects.plan(changed)
    assert [a.type for a in plan.actions] == ["replace"] and "content differs" in str(plan)
    objects.apply(changed)
    info = objects.head(KEY)
    assert stored(world)[KEY] == b'{"debug": true} ' and info.cache_control == "no-store"
    assert objects.tags(BUCKET, KEY) == {"keep": "me"}
    assert info.content_type == "application/json"


def test_a_metadata_only_change_is_an_in_place_update_not_a_re_upload(setup) -> None:
    recorder, objects = setup
    objects.apply(_desired(cache_control="max-age=60"))
    etag = objects.head(KEY).etag
    changed = _desired(cache_control="max-age=3600", content_type="application/json; charset=utf-8")
    plan = objects.plan(changed)
    assert [a.type for a in plan.actions] == ["update_metadata"]
    assert plan.actions[0].changes["cache_control"] == ("max-age=60", "max-age=3600")
    recorder.clear()
    objects.apply(changed)
    assert [c.operation for c in recorder.writes] == ["copy_object"]
    info = objects.head(KEY)
    assert info.etag == etag and info.cache_control == "max-age=3600"
    assert info.sha256 == hashlib.sha256(b'{"debug": false}').hexdigest()
    assert not objects.plan(changed).changed


def test_tags_are_their_own_update(setup) -> None:
    recorder, objects = setup
    objects.apply(_desired(tags={"a": "1"}))
    plan = objects.plan(_desired(tags={"a": "2"}))
    assert [a.type for a in plan.actions] == ["update_tags"]
    recorder.clear()
    objects.apply(plan)
    assert [c.operation for c in recorder.writes] == ["write_object_tags"]


def test_absent_deletes_only_what_exists(setup, world) -> None:
    _, objects = setup
    objects.apply(_desired())
    assert [a.type for a in objects.plan(_desired(state="absent")).actions] == ["delete"]
    objects.apply(_desired(state="absent"))
    assert KEY not in stored(world)
    assert not objects.plan(S3ObjectDesired(bucket=BUCKET, key=KEY, state="absent")).changed


def test_sse_kms_etags_are_not_md5_and_content_is_compared_by_the_recorded_hash(memory: InMemoryProvider) -> None:
    buckets(memory, BUCKET, encryption=BucketEncryption.sse_kms("alias/data"))
    _, objects = objects_on(memory)
    desired = _desired()
    objects.apply(desired)
    info = objects.head(KEY)
    assert info.sse == "aws:kms" and info.etag != hashlib.md5(b'{"debug": false}').hexdigest()
    assert not objects.plan(desired).changed, "the recorded SHA-256 proves the content unchanged"
    assert objects.plan(_desired(text='{"debug": true}')).actions[0].type == "replace"


def test_an_object_without_an_md5_etag_or_a_hash_is_replaced_once_then_stable(memory: InMemoryProvider) -> None:
    buckets(memory, BUCKET, encryption=BucketEncryption.sse_kms())
    _, objects = objects_on(memory)
    store = memory.world.contents("s3_bucket", BUCKET)
    body = b'{"debug": false}'
    store.put_object(KEY, body, head=ObjectInfo(bucket=BUCKET, key=KEY, size=len(body), etag="0" * 32, sse="aws:kms"))
    plan = objects.plan(_desired())
    assert plan.actions[0].type == "replace" and "cannot be compared" in plan.actions[0].reason
    objects.apply(plan)
    assert not objects.plan(_desired()).changed


def test_a_multipart_object_is_compared_by_the_etag_computed_locally(memory: InMemoryProvider, tmp_path: Path) -> None:
    buckets(memory)
    transfer = TransferSettings(multipart_threshold=5 * MIB, part_size=5 * MIB)
    objects = S3Objects(memory, transfer=transfer, progress=False)
    data = bytes(range(256)) * (11 * MIB // 256)
    (tmp_path / "big.bin").write_bytes(data)
    desired = S3ObjectDesired(bucket=BUCKET, key="big.bin", source=tmp_path / "big.bin")
    objects.apply(desired)
    info = objects.head(f"s3://{BUCKET}/big.bin")
    assert info.etag == multipart_etag_of(data, 5 * MIB) == etag_of(data, transfer) and info.etag.endswith("-3")
    assert LocalContent.of(tmp_path / "big.bin").matches_etag(info.etag, transfer) is True
    memory.world.contents("s3_bucket", BUCKET).heads["big.bin"] = ObjectInfo(
        bucket=BUCKET, key="big.bin", size=len(data), etag=info.etag, sha256=None)
    assert not objects.plan(desired).changed, "no recorded hash needed: the multipart ETag matches"


def test_an_etag_of_another_part_size_cannot_decide_and_the_recorded_hash_does(memory: InMemoryProvider) -> None:
    buckets(memory)
    objects = S3Objects(memory, progress=False)
    data = b"x" * (20 * MIB)
    other = multipart_etag_of(data, 5 * MIB)  # another tool's part size: 4 parts, awsstate's gives 3
    local = LocalContent.of(data)
    assert local.matches_etag(other, TransferSettings()) is None
    store = memory.world.contents("s3_bucket", BUCKET)
    sha = hashlib.sha256(data).hexdigest()
    store.put_object("big", data, head=ObjectInfo(bucket=BUCKET, key="big", size=len(data), etag=other, sha256=sha))
    assert not objects.plan(S3ObjectDesired(bucket=BUCKET, key="big", source=data)).changed


def test_a_plan_round_trips_through_json_and_a_stale_one_is_refused(setup) -> None:
    _, objects = setup
    objects.apply(_desired())
    plan = objects.plan(_desired(cache_control="no-cache"))
    again = ObjectPlan.model_validate_json(plan.model_dump_json())
    assert again.actions[0].settings == plan.actions[0].settings
    objects.write(KEY, b"someone else's content")
    with pytest.raises(StalePlanError, match="changed since the plan"):
        objects.apply(again)


def test_bad_input_names_the_field_before_any_call(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="key"):
        S3ObjectDesired(bucket=BUCKET, key="k" * 1025, text="x")
    with pytest.raises(ValidationError, match="source"):
        S3ObjectDesired(bucket=BUCKET, key="k", source=tmp_path / "missing.txt")
    with pytest.raises(ValidationError, match="metadata"):
        S3ObjectDesired(bucket=BUCKET, key="k", text="x", metadata={"x-y z": "1"})
    with pytest.raises(ValidationError, match="source / text"):
        S3ObjectDesired(bucket=BUCKET, key="k")
    with pytest.raises(ValidationError, match="kms_key_id"):
        S3ObjectDesired(bucket=BUCKET, key="k", text="x", kms_key_id="alias/a")
    with pytest.raises(ValidationError, match="tags"):
        S3ObjectDesired(bucket=BUCKET, key="k", text="x", tags={str(i): "v" for i in range(11)})
    with pytest.raises(ValidationError, match="bucket"):
        S3ObjectDesired(bucket="Not_A_Bucket", key="k", text="x")
