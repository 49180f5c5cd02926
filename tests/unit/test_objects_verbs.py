"""The object verbs on the in-memory provider: what users expect from an S3 helper, counted call by call."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from pydantic import ValidationError

from awsstate import (
    FaultInjectingProvider,
    InMemoryProvider,
    NotFoundError,
    NotSupportedError,
    ObjectName,
    ProviderError,
    RecordingProvider,
    S3Objects,
    SourceError,
    WrappingProvider,
)
from awsstate.kinds import kind_spec
from awsstate.objects.values import ListRequest
from awsstate.providers.base import Existence, Provider, Receipt
from awsstate.spec import ResourceRef
from awsstate.testing import FakeClock
from tests.objects_support import BUCKET, OTHER, buckets, objects_on, stored


@pytest.fixture
def setup(memory: InMemoryProvider) -> tuple[RecordingProvider, S3Objects]:
    buckets(memory)
    return objects_on(memory)


def test_write_then_read_round_trips_bytes_and_metadata_with_one_request_each(setup) -> None:
    recorder, objects = setup
    info = objects.write("docs/readme.md", b"# hello", metadata={"Owner": "docs-team"}, cache_control="no-cache")
    assert info.content_type == "text/markdown" and info.metadata == {"owner": "docs-team"}
    assert info.sha256 == hashlib.sha256(b"# hello").hexdigest()
    body, read = objects.read_bytes("docs/readme.md")
    assert body == b"# hello" and read.etag == hashlib.md5(b"# hello").hexdigest()
    assert read.cache_control == "no-cache" and read.metadata == {"owner": "docs-team"}
    assert [(c.operation, c.access, c.key) for c in recorder.calls] == [
        ("write_object", "write", "docs/readme.md"), ("read_object", "read", "docs/readme.md")]


def test_content_type_is_guessed_from_the_name_unless_given(setup) -> None:
    _, objects = setup
    assert objects.write("a/page.html", b"<p>").content_type == "text/html"
    assert objects.write("a/data.bin2", b"x").content_type is None
    assert objects.head("a/data.bin2").content_type == "binary/octet-stream"  # S3's default
    assert objects.write("a/page2.html", b"<p>", content_type="text/plain").content_type == "text/plain"


def test_write_takes_a_path_or_a_file_object(setup, tmp_path: Path) -> None:
    _, objects = setup
    (tmp_path / "report.csv").write_text("a,b\n1,2\n")
    assert objects.write("r/report.csv", tmp_path / "report.csv").content_type == "text/csv"
    objects.write("r/stream", io.BytesIO(b"streamed"))
    assert objects.read_bytes("r/stream")[0] == b"streamed"


def test_read_to_a_path_or_a_stream_returns_the_metadata(setup, tmp_path: Path) -> None:
    _, objects = setup
    objects.write("k.txt", b"content", metadata={"a": "1"})
    info = objects.read("k.txt", tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_bytes() == b"content" and info.metadata == {"a": "1"}
    sink = io.BytesIO()
    assert objects.read("k.txt", sink).size == 7 and sink.getvalue() == b"content"


def test_exists_and_head_are_one_head_each(setup) -> None:
    recorder, objects = setup
    assert not objects.exists("missing")
    objects.write("present", b"1")
    recorder.clear()
    assert objects.exists("present") and objects.head("present").size == 1
    assert [c.operation for c in recorder.calls] == ["read_object_head", "read_object_head"]


def test_copy_copies_metadata_unless_replaced_keeping_what_is_not_given(setup) -> None:
    recorder, objects = setup
    objects.write("src.json", b"{}", metadata={"a": "1"}, cache_control="max-age=5")
    recorder.clear()
    objects.copy("src.json", f"s3://{OTHER}/copy.json")
    copied = objects.head(f"s3://{OTHER}/copy.json")
    assert copied.metadata == {"a": "1"} and copied.content_type == "application/json"
    assert [c.operation for c in recorder.calls][:1] == ["copy_object"]
    objects.copy("src.json", "renamed.json", metadata={"b": "2"})
    renamed = objects.head("renamed.json")
    assert renamed.metadata == {"b": "2"} and renamed.content_type == "application/json"
    assert renamed.cache_control == "max-age=5" and renamed.sha256 == hashlib.sha256(b"{}").hexdigest()


def test_update_metadata_replaces_in_place_and_keeps_content_type_content_and_hash(setup, world) -> None:
    recorder, objects = setup
    objects.write("site/app.js", b"let x = 1", metadata={"v": "1"})
    before = objects.head("site/app.js")
    recorder.clear()
    after = objects.update_metadata("site/app.js", metadata={"v": "2"}, cache_control="max-age=60")
    assert [c.operation for c in recorder.calls] == ["read_object_head", "copy_object"]
    now = objects.head("site/app.js")
    assert now.metadata == {"v": "2"} and now.cache_control == "max-age=60" and after.metadata == {"v": "2"}
    assert now.content_type == before.content_type == "text/javascript"
    assert now.etag == before.etag and now.sha256 == before.sha256
    assert stored(world)["site/app.js"] == b"let x = 1"
    objects.update_metadata("site/app.js", content_type="application/javascript")
    assert objects.head("site/app.js").metadata == {"v": "2"}


def test_delete_is_idempotent_and_list_is_paginated_one_list_per_thousand(setup) -> None:
    recorder, objects = setup
    for index in range(2500):
        objects.write(f"many/{index:05d}", b"")
    objects.write("other/x", b"")
    recorder.clear()
    keys = [s.key for s in objects.list("many/")]
    assert keys == [f"many/{index:05d}" for index in range(2500)]
    assert [c.operation for c in recorder.calls] == ["list_objects"] * 3
    objects.delete("many/00000")
    objects.delete("many/00000")
    assert not objects.exists("many/00000")


def test_names_are_keys_in_the_default_bucket_urls_or_object_names(setup) -> None:
    _, objects = setup
    objects.write(ObjectName(bucket=OTHER, key="n1"), b"1")
    objects.write((OTHER, "n2"), b"2")
    objects.write(f"s3://{OTHER}/n3", b"3")
    assert sorted(s.key for s in objects.list(bucket=OTHER)) == ["n1", "n2", "n3"]
    assert str(ObjectName.parse("s3://b-ucket/a/b")) == "s3://b-ucket/a/b"
    with pytest.raises(ValueError, match="no bucket given"):
        S3Objects(InMemoryProvider()).write("key-only", b"")


def test_errors_name_the_bucket_and_the_key_and_say_what_to_do(setup) -> None:
    _, objects = setup
    with pytest.raises(NotFoundError) as caught:
        objects.read_bytes("no/such/key")
    assert caught.value.code == "NoSuchKey" and f"s3://{BUCKET}/no/such/key" in str(caught.value)
    assert "check the key" in str(caught.value)
    with pytest.raises(NotFoundError) as missing:
        objects.write("s3://never-created-bucket/k", b"x")
    message = str(missing.value)
    assert "s3://never-created-bucket/k" in message and "NoSuchBucket" in message and "create it first" in message
    assert objects.clock.slept, "a missing bucket is waited for (a bucket just created may lag), then reported"


def test_injected_faults_on_object_calls_name_the_key(setup, memory: InMemoryProvider) -> None:
    faulty = FaultInjectingProvider(memory, fail_on=lambda c: c.operation == "write_object")
    objects = S3Objects(faulty, bucket=BUCKET, clock=FakeClock())
    with pytest.raises(ProviderError) as caught:
        objects.write("faulted/key", b"x")
    assert f"s3://{BUCKET}/faulted/key" in str(caught.value) and caught.value.code == "Throttling"
    assert faulty.injected[0].call.key == "faulted/key" and "key 'faulted/key'" in str(faulty.injected[0].call)


def test_a_key_over_1024_bytes_and_bad_metadata_fail_before_any_call(setup, tmp_path: Path) -> None:
    recorder, objects = setup
    with pytest.raises(ValidationError, match="1024"):
        objects.write("k" * 1025, b"x")
    with pytest.raises(ValidationError, match="metadata"):
        objects.write("k", b"x", metadata={"bad key": "v"})
    with pytest.raises(ValidationError, match="metadata"):
        objects.write("k", b"x", metadata={"k": "caf\u00e9"})
    with pytest.raises(ValidationError, match="reserved"):
        objects.write("k", b"x", metadata={"awsstate-sha256": "forged"})
    with pytest.raises(ValidationError, match="cache_control"):
        objects.write("k", b"x", cache_control="a\nb")
    with pytest.raises(SourceError, match="does not exist"):
        objects.write("k", tmp_path / "nothing-here")
    assert recorder.calls == []


def test_object_calls_are_recorded_with_their_access_class(setup) -> None:
    recorder, objects = setup
    objects.write("a", b"1")
    objects.head("a")
    objects.copy("a", "b")
    objects.tags(BUCKET, "a")
    list(objects.list())
    objects.delete("b")
    assert [(c.operation, c.access) for c in recorder.calls] == [
        ("write_object", "write"), ("read_object_head", "read"), ("copy_object", "write"),
        ("read_object_tags", "read"), ("list_objects", "read"), ("delete_object", "write")]


class _Minimal(Provider):
    """A third-party provider written before object calls existed."""

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        return None

    def read_aspect(self, ref: ResourceRef, aspect: str) -> None:
        return None

    def create(self, ref, params) -> Receipt:
        return Receipt()

    def write_aspect(self, ref, aspect, value) -> Receipt:
        return Receipt()

    def delete(self, ref, *, force: bool = False) -> Receipt:
        return Receipt()


def test_a_provider_without_object_calls_keeps_working_and_says_not_supported() -> None:
    ref = kind_spec("s3_bucket").ref("some-bucket")
    with pytest.raises(NotSupportedError, match="does not serve S3 objects"):
        _Minimal().list_objects(ref, ListRequest())
    wrapped = WrappingProvider(_Minimal())
    with pytest.raises(NotSupportedError):
        S3Objects(wrapped, bucket="some-bucket", clock=FakeClock()).head("k")
    assert _Minimal().read_existence(ref) is None
