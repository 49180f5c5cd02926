"""A bucket, an object and a directory sync in one stack, through AwsProvider on moto in-process and
on the in-memory fake alike: planned without object calls while the bucket is new, applied after it,
then a no-op (one HEAD per object, one LIST per sync), a same-size edit found and replaced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from awsstate import InMemoryProvider, RecordingProvider, S3BucketDesired, S3ObjectDesired, S3SyncDesired, Stack
from awsstate.objects.values import MIB
from awsstate.objects.verbs import S3Objects
from awsstate.testing import FakeClock
from tests.objects_support import edit_keeping_size_and_mtime, tree

REGION = "eu-west-1"
BUCKET = "stack-content-moto"
OBJECT_CALLS = {"read_object_head", "read_object_tags", "list_objects", "write_object", "copy_object",
                "write_object_tags", "delete_object"}


@pytest.fixture(params=["memory", "moto"])
def recorder(request: pytest.FixtureRequest) -> RecordingProvider:
    provider: Any = InMemoryProvider(region="us-east-1") if request.param == "memory" \
        else request.getfixturevalue("aws")
    return RecordingProvider(provider)


def _object_calls(recorder: RecordingProvider) -> list[str]:
    return sorted(c.operation for c in recorder.calls if c.operation in OBJECT_CALLS)


def test_a_bucket_an_object_and_a_sync_converge_in_one_stack(recorder: RecordingProvider, tmp_path: Path) -> None:
    root = tree(tmp_path / "site", {"index.html": "<h1>hi</h1>", "static/a.css": "a{}", "static/b.js": "let b",
                                    "static/big.bin": b"\x01" * (9 * MIB)})  # over the 8 MiB threshold: multipart
    site = S3BucketDesired(name=BUCKET, region=REGION, versioning=True)
    index = S3ObjectDesired(bucket=site.ref.name, key="index.html", source=root / "index.html",
                            metadata={"owner": "web"})
    static = S3SyncDesired(bucket=site.ref.name, prefix="static", source=root / "static", delete=True)
    stack = Stack("content", [index, static, site], provider=recorder, clock=FakeClock())

    plan = stack.plan()
    assert plan.order == ("s3_bucket.stack-content-moto", "s3_object.stack-content-moto/index.html",
                          "s3_sync.stack-content-moto/static/")
    assert _object_calls(recorder) == []  # the bucket is new: nothing to read in it
    result = stack.apply(plan)
    assert result.ok and len(result.done) == 3, str(result)
    objects = S3Objects(recorder, progress=False)
    assert [s.key for s in objects.list(bucket=BUCKET)] == ["index.html", "static/a.css", "static/b.js",
                                                            "static/big.bin"]
    assert all(c.region == REGION for c in recorder.calls if c.operation == "write_object")

    recorder.clear()
    again = stack.plan()
    assert not again.changed, str(again)
    # One HEAD for the object, one LIST for the sync; the multipart ETag is matched locally, no HEAD for it.
    assert _object_calls(recorder) == ["list_objects", "read_object_head"]

    edit_keeping_size_and_mtime(root / "static" / "a.css", b"b{}")
    drift = stack.plan()
    assert [(a.type, a.key) for a in drift.plans["s3_sync.stack-content-moto/static/"].actions] == [
        ("replace", "static/a.css")]
    stack.apply(drift)
    assert objects.read_bytes(f"s3://{BUCKET}/static/a.css")[0] == b"b{}"
    assert not stack.plan().changed
