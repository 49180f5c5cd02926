"""Storage class, encryption, transfer concurrency and sync progress of S3 objects, on the in-memory provider.

The same storage-class and encryption scenarios run against moto in
tests/integration/s3/test_s3_objects_settings_aws.py; this file adds what only the fake can show
cheaply (out-of-band changes, every call counted) and the parts that need no backend at all.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from awsstate import (
    InMemoryProvider,
    RecordingProvider,
    S3ObjectDesired,
    S3Objects,
    S3SyncDesired,
    TransferSettings,
    World,
)
from awsstate.objects.execute import Progress
from awsstate.objects.plans import ObjectAction, human_size
from awsstate.objects.values import MIB
from awsstate.testing import FakeClock
from tests.objects_support import BUCKET, buckets, objects_on, stored, tree

KEY = "reports/q1.csv"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
FILES: dict[str, bytes | str] = {"index.html": "<h1>home</h1>", "css/site.css": "body{}", "js/app.js": "run()",
                                  "img/logo.svg": "<svg/>"}
Setup = tuple[RecordingProvider, S3Objects]
LINE = re.compile(r"(?P<done>\d+)/(?P<total>\d+) files  (?P<sent>[\d.]+ (?:B|KiB|MiB|GiB))/"
                  r"(?P<all>[\d.]+ (?:B|KiB|MiB|GiB))  (?P<rate>[\d.]+ (?:B|KiB|MiB|GiB))/s")


@pytest.fixture
def setup(memory: InMemoryProvider) -> Setup:
    buckets(memory)
    return objects_on(memory)


def _desired(**fields: object) -> S3ObjectDesired:
    return S3ObjectDesired.model_validate({"bucket": BUCKET, "key": KEY, "text": "a,b\n1,2\n", **fields})


class _Terminal(io.StringIO):
    """A stream that says it is a terminal (what Progress checks to decide whether to draw)."""

    def isatty(self) -> bool:
        return True


# -- write: what the stored object reports back ----------------------------------------------------

def test_write_with_a_storage_class_is_what_head_and_the_listing_report(setup: Setup) -> None:
    recorder, objects = setup
    written = objects.write(KEY, b"a,b\n", storage_class="STANDARD_IA")
    assert written.storage_class == "STANDARD_IA"
    assert recorder.calls[-1].operation == "write_object"
    assert recorder.calls[-1].key == KEY
    head = objects.head(KEY)
    assert head is not None and head.storage_class == "STANDARD_IA" and objects.exists(KEY)
    assert [(s.key, s.storage_class) for s in objects.list("reports/")] == [(KEY, "STANDARD_IA")]
    plain = objects.head(objects.write("plain.txt", b"x").key)
    assert plain is not None and plain.storage_class == "STANDARD"  # S3's default


@pytest.mark.parametrize(("sse", "kms_key_id"), [("AES256", None), ("aws:kms", KEY_ARN), ("aws:kms:dsse", KEY_ARN)])
def test_write_with_encryption_is_what_head_and_the_returned_info_report(setup: Setup, sse: str,
                                                                         kms_key_id: str | None) -> None:
    _, objects = setup
    written = objects.write(KEY, b"secret", sse=sse, kms_key_id=kms_key_id)
    head = objects.head(KEY)
    assert head is not None
    assert (written.sse, written.kms_key_id) == (head.sse, head.kms_key_id) == (sse, kms_key_id)
    assert head.sha256 == hashlib.sha256(b"secret").hexdigest()


def test_a_kms_key_without_sse_kms_and_a_bad_storage_class_fail_before_any_call(setup: Setup) -> None:
    recorder, objects = setup
    with pytest.raises(ValueError, match="kms_key_id"):
        objects.write(KEY, b"x", sse="AES256", kms_key_id=KEY_ARN)
    with pytest.raises(ValueError, match="storage_class"):
        objects.write(KEY, b"x", storage_class="FAST")
    with pytest.raises(ValueError, match="sse"):
        objects.write(KEY, b"x", sse="aws:rot13")
    assert recorder.calls == []


def test_update_metadata_changing_only_the_storage_class_keeps_the_encryption_and_the_content(
        setup: Setup, world: World) -> None:
    recorder, objects = setup
    objects.write(KEY, b"a,b\n", sse="aws:kms", kms_key_id=KEY_ARN, metadata={"owner": "finance"})
    recorder.clear()
    objects.update_metadata(KEY, storage_class="ONEZONE_IA")
    assert [c.operation for c in recorder.writes] == ["copy_object"]
    head = objects.head(KEY)
    assert head is not None and head.storage_class == "ONEZONE_IA"
    assert (head.sse, head.kms_key_id, dict(head.metadata)) == ("aws:kms", KEY_ARN, {"owner": "finance"})
    assert stored(world)[KEY] == b"a,b\n"


# -- desired objects: created with them, changed in place, unmanaged when unset ----------------------

def test_a_desired_storage_class_and_encryption_are_set_by_the_create_and_then_plan_empty(setup: Setup) -> None:
    recorder, objects = setup
    desired = _desired(storage_class="STANDARD_IA", sse="aws:kms", kms_key_id=KEY_ARN)
    plan = objects.plan(desired)
    (put,) = plan.actions
    assert put.type == "put" and put.settings is not None
    assert (put.settings.storage_class, put.settings.sse, put.settings.kms_key_id) == ("STANDARD_IA", "aws:kms",
                                                                                      KEY_ARN)
    objects.apply(plan)
    head = objects.head(KEY)
    assert head is not None and (head.storage_class, head.sse, head.kms_key_id) == ("STANDARD_IA", "aws:kms", KEY_ARN)
    recorder.clear()
    assert not objects.plan(desired).changed
    assert [c.operation for c in recorder.calls] == ["read_object_head"]


def test_a_changed_storage_class_is_one_in_place_copy_and_never_a_re_upload(setup: Setup, world: World) -> None:
    recorder, objects = setup
    objects.apply(_desired(storage_class="STANDARD", metadata={"owner": "finance"}, cache_control="max-age=60"))
    before = objects.head(KEY)
    assert before is not None
    changed = _desired(storage_class="GLACIER_IR", metadata={"owner": "finance"}, cache_control="max-age=60")
    plan = objects.plan(changed)
    assert [(a.type, a.changes) for a in plan.actions] == [
        ("update_metadata", {"storage_class": ("STANDARD", "GLACIER_IR")})]
    assert "storage_class: 'STANDARD' -> 'GLACIER_IR'" in str(plan)
    recorder.clear()
    objects.apply(plan)
    assert [c.operation for c in recorder.writes] == ["copy_object"], "in place: no write_object (upload)"
    after = objects.head(KEY)
    assert after is not None and after.storage_class == "GLACIER_IR"
    assert (after.etag, after.sha256, after.content_type) == (before.etag, before.sha256, before.content_type)
    assert (dict(after.metadata), after.cache_control) == ({"owner": "finance"}, "max-age=60")
    assert stored(world)[KEY] == b"a,b\n1,2\n"
    assert not objects.plan(changed).changed


def test_an_unset_storage_class_is_unmanaged_and_kept_when_the_content_is_replaced(
        setup: Setup, memory: InMemoryProvider) -> None:
    recorder, objects = setup
    desired = _desired()
    objects.apply(desired)
    S3Objects(memory, bucket=BUCKET, clock=FakeClock(), progress=False).update_metadata(
        KEY, storage_class="STANDARD_IA")  # out of band
    recorder.clear()
    assert not objects.plan(desired).changed
    assert recorder.writes == []
    assert not objects.apply(desired).changed
    new_content = _desired(text="a,b\n3,4\n")
    assert [a.type for a in objects.plan(new_content).actions] == ["replace"]
    objects.apply(new_content)
    head = objects.head(KEY)
    assert head is not None and head.storage_class == "STANDARD_IA", "an unmanaged setting survives a re-upload"


def test_a_managed_storage_class_reverts_an_out_of_band_change(setup: Setup, memory: InMemoryProvider) -> None:
    _, objects = setup
    desired = _desired(storage_class="STANDARD")
    objects.apply(desired)
    S3Objects(memory, bucket=BUCKET, clock=FakeClock(), progress=False).update_metadata(
        KEY, storage_class="STANDARD_IA")
    plan = objects.plan(desired)
    assert [(a.type, a.changes) for a in plan.actions] == [
        ("update_metadata", {"storage_class": ("STANDARD_IA", "STANDARD")})]


# -- transfer settings -------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0, -1])
def test_a_max_concurrency_below_one_is_refused_naming_the_setting(value: int) -> None:
    with pytest.raises(ValueError, match=rf"max_concurrency: must be at least 1, not {value}"):
        TransferSettings(max_concurrency=value)


def test_a_max_concurrency_of_one_shared_by_several_large_uploads_still_uploads_them_all(
        memory: InMemoryProvider) -> None:
    buckets(memory)
    transfer = TransferSettings(multipart_threshold=5 * MIB, part_size=5 * MIB, max_concurrency=1)
    objects = S3Objects(memory, bucket=BUCKET, transfer=transfer, clock=FakeClock(), progress=False)
    manifest: dict[str, bytes | Path] = {f"big/{i}.bin": bytes([i]) * (5 * MIB + 1 + i) for i in range(3)}
    result = objects.apply(S3SyncDesired(bucket=BUCKET, prefix="data", source=manifest))
    assert sorted(a.key for a in result.actions) == [f"data/big/{i}.bin" for i in range(3)]
    heads = [objects.head(f"data/big/{i}.bin") for i in range(3)]
    assert all(head is not None and head.etag.endswith("-2") for head in heads), "each in two parts"


# -- progress ------------------------------------------------------------------------------------------

def test_a_sync_on_a_terminal_draws_files_bytes_and_a_rate(memory: InMemoryProvider, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    buckets(memory)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    site = tree(tmp_path / "site", FILES)
    objects = S3Objects(memory, bucket=BUCKET, clock=FakeClock())  # progress=None: when stderr is a terminal
    objects.apply(S3SyncDesired(bucket=BUCKET, prefix="static", source=site))
    drawn = terminal.getvalue()
    assert drawn.startswith("\r") and drawn.endswith("\n"), repr(drawn)
    last = drawn.rstrip("\n").rsplit("\r", 1)[-1]
    assert last.startswith(f"{site} -> s3://{BUCKET}/static/  "), last
    match = LINE.search(last)
    assert match is not None, last
    total = sum(len(v) for v in FILES.values())
    assert (match["done"], match["total"]) == ("4", "4")
    assert (match["sent"], match["all"]) == (human_size(total), human_size(total))


@pytest.mark.parametrize(("progress", "stream"), [(False, _Terminal), (None, io.StringIO)],
                         ids=["off-on-a-terminal", "default-not-a-terminal"])
def test_without_progress_nothing_is_drawn_and_sync_done_carries_files_bytes_and_seconds(
        memory: InMemoryProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, progress: bool | None,
        stream: type[io.StringIO]) -> None:
    buckets(memory)
    quiet = stream()
    monkeypatch.setattr(sys, "stderr", quiet)
    site = tree(tmp_path / "site", FILES)
    objects = S3Objects(memory, bucket=BUCKET, clock=FakeClock(), progress=progress)
    with capture_logs() as logs:
        objects.apply(S3SyncDesired(bucket=BUCKET, prefix="static", source=site))
    assert quiet.getvalue() == ""
    (done,) = [e for e in logs if e["event"] == "sync.done"]
    assert done["files"] == 4 and done["bytes"] == sum(len(v) for v in FILES.values())
    assert isinstance(done["seconds"], float | int) and done["seconds"] >= 0
    assert len([e for e in logs if e["event"] == "object.applied"]) == 4


def test_progress_draws_on_the_stream_it_is_given_when_that_is_a_terminal() -> None:
    terminal = _Terminal()
    progress = Progress(2, 3 * MIB, stream=terminal)
    assert progress.show
    progress.done(ObjectAction(type="put", bucket=BUCKET, key="a", size=MIB), 0.01)
    progress.done(ObjectAction(type="put", bucket=BUCKET, key="b", size=2 * MIB), 0.01)
    progress.finish()
    last = terminal.getvalue().rstrip("\n").rsplit("\r", 1)[-1]
    match = LINE.fullmatch(last)
    assert match is not None, last
    assert (match["done"], match["total"], match["sent"], match["all"]) == ("2", "2", "3.0 MiB", "3.0 MiB")
    assert not Progress(1, 1, stream=io.StringIO()).show
