"""Shared set-up of the S3 object and sync suites: a world with buckets, the verbs on it, small trees."""

from __future__ import annotations

import os
from pathlib import Path

from awsstate import InMemoryProvider, RecordingProvider, S3BucketDesired, S3BucketManager, World
from awsstate.objects.verbs import S3Objects
from awsstate.testing import FakeClock

BUCKET = "objects-test-bucket"
OTHER = "objects-other-bucket"


def buckets(memory: InMemoryProvider, *names: str, **settings: object) -> None:
    """Create buckets in the fake world (out of band of what is being tested)."""
    for name in names or (BUCKET, OTHER):
        S3BucketManager(provider=memory, clock=FakeClock()).apply(S3BucketDesired(name=name, **settings))


def objects_on(memory: InMemoryProvider) -> tuple[RecordingProvider, S3Objects]:
    """The verbs on a recorded in-memory provider, default bucket BUCKET, fake clock."""
    recorder = RecordingProvider(memory)
    return recorder, S3Objects(recorder, bucket=BUCKET, clock=FakeClock(), progress=False)


def stored(world: World, bucket: str = BUCKET) -> dict[str, bytes]:
    """The objects of a fake bucket, key -> bytes."""
    return dict(world.contents("s3_bucket", bucket).objects)


def tree(root: Path, files: dict[str, bytes | str]) -> Path:
    """Write ``files`` (relative path -> content) under ``root``."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def edit_keeping_size_and_mtime(path: Path, content: bytes) -> None:
    """Replace a file's content with as many bytes, and put its old modification time back."""
    before = path.stat()
    assert len(content) == before.st_size
    path.write_bytes(content)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns
