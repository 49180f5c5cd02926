"""Directory sync as desired state: never misses an edit, never deletes by accident, costs only LISTs when unchanged."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import structlog
from pydantic import ValidationError

from awsstate import (
    BucketEncryption,
    InMemoryProvider,
    RecordingProvider,
    S3Objects,
    S3SyncDesired,
    SourceError,
    SyncPlan,
    UnsafeChangeError,
)
from awsstate.objects.execute import Progress
from awsstate.objects.tree import Filter
from tests.objects_support import BUCKET, buckets, edit_keeping_size_and_mtime, objects_on, stored, tree

FILES = {"index.html": "<h1>home</h1>", "css/site.css": "body{}", "js/app.js": "run()", "img/logo.svg": "<svg/>"}


@pytest.fixture
def setup(memory: InMemoryProvider) -> tuple[RecordingProvider, S3Objects]:
    buckets(memory)
    return objects_on(memory)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tree(tmp_path / "site", FILES)


def _sync(source: Path | dict[str, bytes | Path], **fields: object) -> S3SyncDesired:
    return S3SyncDesired(bucket=BUCKET, prefix="static", source=source, **fields)


def test_a_first_sync_puts_every_file_with_a_guessed_content_type(setup, world, site: Path) -> None:
    _, objects = setup
    plan = objects.plan(_sync(site))
    assert sorted(a.key for a in plan.of_type("put")) == sorted(f"static/{k}" for k in FILES)
    assert plan.list_requests == 1 and plan.heads == 0
    objects.apply(plan)
    assert stored(world) == {f"static/{k}": v.encode() for k, v in FILES.items()}
    assert objects.head("static/css/site.css").content_type == "text/css"
    assert objects.head("static/index.html").sha256 is not None


def test_an_unchanged_re_sync_costs_only_the_list_requests(setup) -> None:
    recorder, objects = setup
    manifest: dict[str, bytes | Path] = {f"f/{i:05d}.txt": f"file {i}".encode() for i in range(2500)}
    objects.apply(_sync(manifest))
    recorder.clear()
    plan = objects.plan(_sync(manifest))
    assert not plan.changed and plan.unchanged == 2500
    assert [c.operation for c in recorder.calls] == ["list_objects"] * 3, "⌈2500/1000⌉ LISTs, no HEAD/GET/PUT"
    recorder.clear()
    assert not objects.apply(_sync(manifest)).changed and recorder.writes == []


def test_a_same_size_edit_with_an_old_mtime_is_caught(setup, world, site: Path) -> None:
    recorder, objects = setup
    objects.apply(_sync(site))
    edit_keeping_size_and_mtime(site / "js/app.js", b"RUN()")
    recorder.clear()
    plan = objects.plan(_sync(site))
    assert [(a.type, a.key) for a in plan.actions] == [("replace", "static/js/app.js")]
    assert "content differs" in str(plan)
    objects.apply(plan)
    assert stored(world)["static/js/app.js"] == b"RUN()"


def test_a_size_change_is_a_replace_without_any_head(setup, site: Path) -> None:
    recorder, objects = setup
    objects.apply(_sync(site))
    (site / "index.html").write_text("<h1>home, longer</h1>")
    recorder.clear()
    plan = objects.plan(_sync(site))
    assert [a.type for a in plan.actions] == ["replace"] and plan.heads == 0
    assert [c.operation for c in recorder.calls] == ["list_objects"]


def test_deletes_only_with_delete_true_and_never_outside_the_scope(setup, world, site: Path) -> None:
    _, objects = setup
    objects.apply(_sync(site))
    for key in ("static/old.js", "static/keep.tmp", "elsewhere/bystander.txt", "static/"):
        world.contents("s3_bucket", BUCKET).put_object(key, b"")
    assert not objects.plan(_sync(site, exclude=("*.tmp",))).changed, "no delete without delete=True"
    plan = objects.plan(_sync(site, delete=True, exclude=("*.tmp",)))
    assert [(a.type, a.key) for a in plan.actions] == [("delete", "static/old.js")]
    objects.apply(plan)
    assert {"static/keep.tmp", "elsewhere/bystander.txt", "static/"} <= set(stored(world))
    assert "static/old.js" not in stored(world)


def test_a_delete_with_an_empty_source_is_refused_and_nothing_is_deleted(setup, world, site: Path, tmp_path) -> None:
    recorder, objects = setup
    objects.apply(_sync(site))
    empty = tmp_path / "empty"
    empty.mkdir()
    before = stored(world)
    recorder.clear()
    with pytest.raises(UnsafeChangeError, match="no file in scope") as caught:
        objects.apply(_sync(empty, delete=True))
    assert "force_delete=True" in str(caught.value) and "Nothing was written" in str(caught.value)
    assert recorder.writes == [] and stored(world) == before
    world.contents("s3_bucket", BUCKET).put_object("static/manual.pdf", b"%PDF")
    with pytest.raises(UnsafeChangeError, match="no file in scope"):
        objects.plan(_sync(site, delete=True, include=("*.pdf",)))  # globs that match no local file
    objects.apply(_sync(empty, delete=True, force_delete=True))
    assert stored(world) == {}


def test_a_missing_source_is_an_error_before_any_call(setup, site: Path, tmp_path: Path) -> None:
    recorder, objects = setup
    with pytest.raises(ValidationError, match="does not exist"):
        _sync(tmp_path / "not-mounted", delete=True)
    desired = _sync(site, delete=True)
    site.rename(tmp_path / "moved")
    with pytest.raises(SourceError, match="does not exist"):
        objects.plan(desired)
    assert recorder.calls == []


def test_deleting_more_than_the_max_fraction_is_refused_unless_forced(setup, world, tmp_path: Path) -> None:
    _, objects = setup
    for index in range(10):
        world.contents("s3_bucket", BUCKET).put_object(f"static/{index}.txt", b"old")
    source = tree(tmp_path / "few", {f"{index}.txt": "old" for index in range(4)})
    with pytest.raises(UnsafeChangeError, match="6 of the 10"):
        objects.plan(_sync(source, delete=True))
    assert len(objects.plan(_sync(source, delete=True, max_delete_fraction=0.6)).of_type("delete")) == 6
    assert len(objects.plan(_sync(source, delete=True, force_delete=True)).of_type("delete")) == 6


def test_the_storage_class_is_compared_from_the_listing_and_changed_in_place(setup, site: Path) -> None:
    recorder, objects = setup
    objects.apply(_sync(site))
    recorder.clear()
    plan = objects.plan(_sync(site, storage_class="STANDARD_IA"))
    assert {a.type for a in plan.actions} == {"update_metadata"} and plan.heads == 0
    objects.apply(plan)
    assert {c.operation for c in recorder.writes} == {"copy_object"}
    assert objects.head("static/index.html").content_type == "text/html", "metadata kept by the copy"
    assert not objects.plan(_sync(site, storage_class="STANDARD_IA")).changed


def test_verify_metadata_heads_each_object_and_plans_metadata_only_updates(setup, site: Path) -> None:
    recorder, objects = setup
    objects.apply(_sync(site))
    recorder.clear()
    assert not objects.plan(_sync(site)).changed
    plan = objects.plan(_sync(site, verify_metadata=True, cache_control="max-age=600", metadata={"build": "7"}))
    assert len(plan.of_type("update_metadata")) == len(FILES) and plan.heads == len(FILES)
    objects.apply(plan)
    info = objects.head("static/js/app.js")
    assert info.cache_control == "max-age=600" and info.metadata == {"build": "7"} and info.sha256
    verified = _sync(site, verify_metadata=True, cache_control="max-age=600", metadata={"build": "7"})
    assert not objects.plan(verified).changed


def test_an_sse_kms_bucket_is_verified_by_head_and_never_re_uploaded(memory: InMemoryProvider, site: Path) -> None:
    buckets(memory, BUCKET, encryption=BucketEncryption.sse_kms("alias/site"))
    recorder, objects = objects_on(memory)
    objects.apply(_sync(site))
    recorder.clear()
    plan = objects.plan(_sync(site))
    assert not plan.changed and plan.heads == len(FILES), "the ETag of SSE-KMS objects is not a digest"
    edit_keeping_size_and_mtime(site / "js/app.js", b"RUN()")
    assert [a.key for a in objects.plan(_sync(site)).actions] == ["static/js/app.js"]


def test_include_and_exclude_globs() -> None:
    keep = Filter(include=("**/*.html", "css/*"), exclude=("drafts/**", "*.tmp"))
    assert keep("index.html") and keep("a/b/page.html") and keep("css/site.css")
    assert not keep("css/sub/deep.css") and not keep("drafts/x.html") and not keep("js/app.js")
    assert not Filter(exclude=("*.tmp",))("a/b/c.tmp") and Filter(exclude=("[!a]*",))("abc")


def test_a_symlink_loop_a_special_file_and_a_too_long_key_fail_before_any_call(setup, tmp_path: Path) -> None:
    recorder, objects = setup
    looped = tree(tmp_path / "looped", {"a/file.txt": "x"})
    os.symlink(looped, looped / "a" / "back")
    with pytest.raises(SourceError, match="symbolic link loop"):
        objects.plan(_sync(looped))
    fifo = tree(tmp_path / "fifo", {"ok.txt": "x"})
    os.mkfifo(fifo / "pipe")
    with pytest.raises(SourceError, match="not a regular file"):
        objects.plan(_sync(fifo))
    assert not objects.plan(_sync(fifo, exclude=("pipe",), follow_symlinks=False)).of_type("delete")
    long_name = tree(tmp_path / "long", {"d" * 200 + "/" + "f" * 200 + "/" + "g" * 200 + "/" + "h" * 250: "x"})
    nested = long_name / ("d" * 200) / ("f" * 200) / ("g" * 200)
    os.rename(nested, long_name / ("d" * 200) / ("f" * 200) / ("G" * 250))
    with pytest.raises(SourceError, match="1024"):
        objects.plan(S3SyncDesired(bucket=BUCKET, prefix="p" * 200, source=long_name))
    os.symlink(tmp_path / "nowhere", fifo / "dangling")
    with pytest.raises(SourceError, match="dangling"):
        objects.plan(_sync(fifo, exclude=("pipe",)))
    assert [c for c in recorder.calls if c.operation != "list_objects"] == []


def test_an_interrupted_apply_resumes_with_only_what_is_missing(memory: InMemoryProvider) -> None:
    from awsstate import FaultInjectingProvider, ThrottledError

    buckets(memory)
    manifest: dict[str, bytes | Path] = {f"{i:02d}.txt": f"v{i}".encode() for i in range(10)}
    faulty = FaultInjectingProvider(
        memory, fail_on=lambda c: c.operation == "write_object" and c.key == "static/06.txt", error="throttled")
    with pytest.raises(ThrottledError) as caught:
        S3Objects(faulty, progress=False).apply(_sync(manifest))
    assert len(caught.value.completed) == 6
    recorder = RecordingProvider(memory)
    S3Objects(recorder, progress=False).apply(_sync(manifest))
    assert [c.key for c in recorder.writes] == [f"static/{i:02d}.txt" for i in range(6, 10)]


def test_a_saved_plan_applies_from_json_and_a_stale_one_is_refused(setup, world, site: Path) -> None:
    _, objects = setup
    objects.apply(_sync(site))
    (site / "index.html").write_text("<h1>new home</h1>")
    saved = objects.plan(_sync(site, delete=True)).model_dump_json()
    objects.apply(SyncPlan.model_validate_json(saved))
    assert stored(world)["static/index.html"] == b"<h1>new home</h1>"
    (site / "index.html").write_text("<h1>newer home!</h1>")
    stale = SyncPlan.model_validate_json(objects.plan(_sync(site)).model_dump_json())
    world.contents("s3_bucket", BUCKET).put_object("static/index.html", b"someone else")
    from awsstate import StalePlanError

    with pytest.raises(StalePlanError):
        objects.apply(stale)


def test_progress_draws_on_a_terminal_and_logs_events_otherwise(setup, site: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    progress = Progress(2, 10, stream=screen)
    assert progress.show and not Progress(1, 1, stream=io.StringIO()).show
    _, objects = setup
    with structlog.testing.capture_logs() as events:
        objects.apply(_sync(site))
    names = [e["event"] for e in events]
    assert names.count("object.applied") == len(FILES) and names[-1] == "sync.done"
    applied = next(e for e in events if e["event"] == "object.applied")
    assert applied["bucket"] == BUCKET and applied["action"] == "put"
