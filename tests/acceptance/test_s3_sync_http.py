"""Acceptance over real HTTP: a sync's requests counted at a moto server, from its own access log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from awsstate import S3BucketDesired, S3BucketManager, S3Objects, S3SyncDesired, UnsafeChangeError
from awsstate.testing import FakeClock, MotoServer
from tests.acceptance.conftest import Target
from tests.harness_stats import STATS
from tests.objects_support import edit_keeping_size_and_mtime, tree

pytestmark = pytest.mark.acceptance

FILES = 1100  # two LIST pages


@pytest.fixture
def bucket(target: Target) -> Iterator[str]:
    name = f"awsstate-sync-{target.token('accept')}"
    manager = S3BucketManager(provider=target.provider, clock=FakeClock())
    manager.apply(S3BucketDesired(name=name, region=target.region))
    yield name
    if target.label == "aws":
        manager.delete(name, force_destroy=True)


def _setup(target: Target, tmp_path: Path, bucket: str, files: int) -> tuple[S3Objects, S3SyncDesired, Path]:
    site = tree(tmp_path / "site", {f"d{i % 7}/f{i:05d}.txt": f"content of file {i:05d}" for i in range(files)})
    objects = S3Objects(target.provider, region=target.region, clock=FakeClock(), progress=False)
    return objects, S3SyncDesired(bucket=bucket, region=target.region, prefix="site", source=site, delete=True), site


def _requests(server: MotoServer | None) -> list[str]:
    return server.requests() if server is not None else []


def test_an_unchanged_re_sync_is_two_list_requests_at_the_server_and_a_same_size_edit_is_caught(
        target: Target, tmp_path: Path, bucket: str) -> None:
    objects, desired, site = _setup(target, tmp_path, bucket, FILES)
    objects.apply(desired)
    if target.server is not None:
        target.server.clear_requests()
    plan = objects.plan(desired)
    assert not plan.changed and plan.list_requests == 2
    seen = _requests(target.server)
    if target.server is not None:
        assert len(seen) == 2 and all(r.startswith("GET /") and "list-type=2" in r for r in seen), seen
        STATS.add(f"no-op re-sync requests ({FILES:,} files)", "s3_sync", len(seen))
    edit_keeping_size_and_mtime(site / "d3/f00003.txt", b"CONTENT OF FILE 00003")
    edited = objects.plan(desired)
    assert [(a.type, a.key) for a in edited.actions] == [("replace", "site/d3/f00003.txt")]
    objects.apply(edited)
    assert not objects.plan(desired).changed


def test_a_delete_with_an_empty_source_is_refused_and_nothing_is_deleted(
        target: Target, tmp_path: Path, bucket: str) -> None:
    objects, desired, _ = _setup(target, tmp_path, bucket, 40)
    objects.apply(desired)
    (tmp_path / "empty").mkdir()
    if target.server is not None:
        target.server.clear_requests()
    with pytest.raises(UnsafeChangeError, match="no file in scope"):
        objects.apply(desired.model_copy(update={"source": tmp_path / "empty"}))
    assert all(r.startswith("GET ") for r in _requests(target.server))
    assert sum(1 for _ in objects.list("site/", bucket=desired.bucket)) == 40
