"""Planning a directory sync with LIST requests only, and still catching every content change.

**How an unchanged tree costs only ⌈N/1000⌉ LIST requests.** A LIST returns, for each object,
its key, size, ETag and storage class, but no metadata. awsstate reads every local file (it never
trusts a modification time: an edit that keeps the size and the old mtime is still an edit) and
computes, from its bytes, the ETag S3 would give it: the MD5 of the content for an object
uploaded in one request, or for a multipart object the MD5 of its parts' MD5s, for the part size
awsstate's uploads use (the same :class:`~awsstate.objects.values.TransferSettings`). When the
listed ETag equals the local one, the content is the same: S3 computed that ETag from the bytes
it holds, so it cannot be stale. No HEAD, no GET, no PUT.

**When the ETag cannot prove it.** An object of the same size whose ETag differs is either
changed, or its ETag is not an MD5 of its content (SSE-KMS objects; multipart uploads made by
another tool with another part size). Then, and only then, one HEAD reads the object's metadata:
if it is SSE-KMS or multipart-of-another-size, the SHA-256 awsstate recorded when it uploaded the
object (or S3's own SHA-256 checksum) decides; otherwise the differing MD5 already proved the
change. A size difference needs no HEAD. So a bucket whose objects are SSE-KMS encrypted costs
one HEAD per object per sync: the honest price of an ETag that is not a digest.

**Metadata** is not in a listing: the storage class is (and is compared on every sync); content
type, cache control, user metadata and encryption of unchanged objects are compared only with
``verify_metadata=True`` (one HEAD per object), and planned as in-place metadata updates.

**Deletes** (only with ``delete=True``) come last, after every upload succeeded, and are refused
(:class:`~awsstate.errors.UnsafeChangeError`, nothing written) when the source has no file in
scope or when they exceed ``max_delete_fraction`` of the listed objects, unless ``force_delete``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from awsstate.errors import UnsafeChangeError
from awsstate.objects.compare import content_matches, settings_changes
from awsstate.objects.desired import guess_content_type
from awsstate.objects.names import concrete_bucket, validate_key
from awsstate.objects.plans import ObjectAction, SyncPlan
from awsstate.objects.syncmodel import S3SyncDesired
from awsstate.objects.tree import LocalEntry, read_manifest, walk
from awsstate.objects.values import ObjectInfo, ObjectPage, ObjectSettings, ObjectSummary, SourceError, TransferSettings

__all__ = ["Lister", "local_entries", "plan_sync"]

T = TypeVar("T")
R = TypeVar("R")


class Lister(Protocol):
    """What planning needs from the verbs: LIST pages and HEADs (the bucket's lag handled there)."""

    def list_page(self, bucket: str, prefix: str, token: str | None, region: str | None) -> ObjectPage:
        """One LIST request."""
        ...

    def head(self, bucket: str, key: str, region: str | None) -> ObjectInfo | None:
        """HeadObject."""
        ...


Mapper = Callable[[Callable[[T], R], Sequence[T]], list[R]]
"""Runs a function over items (concurrently, in the verbs), returning results in order."""


def local_entries(desired: S3SyncDesired) -> list[LocalEntry]:
    """The source's files in scope, with their keys checked (before any call)."""
    if isinstance(desired.source, Path):
        entries = walk(desired.source, desired.filter, follow_symlinks=desired.follow_symlinks)
    else:
        entries = read_manifest(desired.source, desired.filter)
    for entry in entries:
        try:
            validate_key(desired.prefix + entry.relative)
        except ValueError as error:
            raise SourceError(f"{entry.content.label}: {error}") from None
    return entries


def _listing(desired: S3SyncDesired, lister: Lister) -> tuple[dict[str, ObjectSummary], int]:
    keep = desired.filter
    remote: dict[str, ObjectSummary] = {}
    token: str | None = None
    requests = 0
    while True:
        page = lister.list_page(desired.bucket, desired.prefix, token, desired.region)
        requests += 1
        for summary in page.objects:
            relative = summary.key[len(desired.prefix):]
            if summary.key.endswith("/") and summary.size == 0:
                continue  # a "folder" marker made by a console: never a file, never deleted
            if keep(relative):
                remote[summary.key] = summary
        token = page.next_token
        if not token:
            return remote, requests


@dataclass
class _Pending:
    entry: LocalEntry
    key: str
    summary: ObjectSummary
    verdict: bool | None = None
    info: ObjectInfo | None = None


def _upload_settings(desired: S3SyncDesired, entry: LocalEntry) -> ObjectSettings:
    return ObjectSettings(content_type=desired.content_type or guess_content_type(entry.relative),
                          metadata=dict(desired.metadata or {}), cache_control=desired.cache_control or None,
                          storage_class=desired.storage_class, sse=desired.sse, kms_key_id=desired.kms_key_id)


def _path_or_label(entry: LocalEntry) -> str:
    """What an upload names: the file (a saved plan reads it again), else the manifest entry."""
    source = entry.content.source
    return str(source) if isinstance(source, Path) else entry.content.label


def _upload(desired: S3SyncDesired, entry: LocalEntry, key: str, summary: ObjectSummary | None,
            reason: str) -> ObjectAction:
    action = ObjectAction(type="put" if summary is None else "replace", bucket=desired.bucket, key=key,
                          size=entry.content.size, source=_path_or_label(entry),
                          observed_etag=summary.etag if summary else None,
                          settings=_upload_settings(desired, entry), reason=reason)
    return action.with_content(entry.content)


def _verified(desired: S3SyncDesired, item: _Pending, transfer: TransferSettings) -> list[ObjectAction]:
    """The actions for one object whose size matches, once its ETag (and maybe a HEAD) has spoken."""
    entry, key, summary, info = item.entry, item.key, item.summary, item.info
    if info is not None:
        same = content_matches(info, entry.content, transfer)
        if not same:
            why = "content differs" if same is False else "content cannot be compared (no MD5 ETag or recorded hash)"
            return [_upload(desired, entry, key, summary, why)]
        changes = settings_changes(desired.wanted(with_metadata=True), info)
        if not changes:
            return []
        settings = desired.wanted(with_metadata=True).merged(info, guessed_type=None,
                                                              sha256=info.sha256 or entry.content.sha256)
        return [ObjectAction(type="update_metadata", bucket=desired.bucket, key=key, size=info.size,
                             observed_etag=summary.etag, settings=settings, changes=changes)]
    if desired.storage_class is not None and desired.storage_class != summary.storage_class:
        # The listing shows the storage class: an in-place copy changes it, metadata kept as it is.
        return [ObjectAction(type="update_metadata", bucket=desired.bucket, key=key, size=summary.size,
                             observed_etag=summary.etag, settings=None,
                             changes={"storage_class": (summary.storage_class, desired.storage_class)})]
    return []


def plan_sync(desired: S3SyncDesired, lister: Lister, transfer: TransferSettings, mapper: Mapper[Any, Any]) -> SyncPlan:
    """The plan of ``desired``: the local walk first (errors before any call), then the LISTs, then
    local digests of same-size files (concurrently), then HEADs only where an ETag cannot decide."""
    concrete_bucket(desired.bucket)
    entries = local_entries(desired)
    remote, requests = _listing(desired, lister)
    listed = len(remote)
    uploads: list[ObjectAction] = []
    pending: list[_Pending] = []
    for entry in entries:
        key = desired.prefix + entry.relative
        summary = remote.pop(key, None)
        if summary is None:
            uploads.append(_upload(desired, entry, key, None, "new object"))
        elif summary.size != entry.content.size:
            uploads.append(_upload(desired, entry, key, summary, f"size {summary.size} -> {entry.content.size}"))
        else:
            pending.append(_Pending(entry, key, summary))

    def check(item: _Pending) -> _Pending:
        item.verdict = item.entry.content.matches_etag(item.summary.etag, transfer)
        if item.verdict is not True or desired.verify_metadata:
            item.info = lister.head(desired.bucket, item.key, desired.region)
            if item.info is None:  # deleted since it was listed: upload it
                item.verdict = False
        return item

    heads = 0
    for item in mapper(check, pending):
        if item.info is None and item.verdict is False:
            uploads.append(_upload(desired, item.entry, item.key, None, "deleted since listed"))
            heads += 1
            continue
        heads += item.info is not None
        uploads.extend(_verified(desired, item, transfer))
    deletes = [ObjectAction(type="delete", bucket=desired.bucket, key=key, observed_etag=summary.etag,
                            size=summary.size, reason="not in the source")
               for key, summary in sorted(remote.items())] if desired.delete else []
    _guard(desired, entries, deletes, listed)
    uploads.sort(key=lambda action: action.key.encode("utf-8", "surrogateescape"))
    changed = {action.key for action in uploads}
    return SyncPlan(bucket=desired.bucket, prefix=desired.prefix, region=desired.region, source=desired.source_label,
                    actions=(*uploads, *deletes), local_files=len(entries), listed=listed, list_requests=requests,
                    heads=heads, unchanged=len(entries) - len(changed))


def _guard(desired: S3SyncDesired, entries: list[LocalEntry], deletes: list[ObjectAction], listed: int) -> None:
    if not deletes or desired.force_delete:
        return
    where = f"s3://{desired.bucket}/{desired.prefix}"
    if not entries:
        raise UnsafeChangeError(
            "s3_sync", where,
            f"the source {desired.source_label} has no file in scope, so delete=True would delete all "
            f"{len(deletes)} object(s) under the prefix (an empty or unmounted source wipes a destination)",
            "Check the source and the include/exclude globs; to empty the prefix on purpose, pass force_delete=True.")
    share = len(deletes) / max(listed, 1)
    if share > desired.max_delete_fraction:
        raise UnsafeChangeError(
            "s3_sync", where,
            f"the plan would delete {len(deletes)} of the {listed} object(s) listed ({share:.0%}), more than "
            f"max_delete_fraction={desired.max_delete_fraction:g}",
            "Check the source; to allow it, raise max_delete_fraction or pass force_delete=True.")


def iterate_pages(lister: Lister, bucket: str, prefix: str, region: str | None) -> Iterator[ObjectSummary]:
    """Every object under ``prefix``, one LIST request per page, lazily."""
    token: str | None = None
    while True:
        page = lister.list_page(bucket, prefix, token, region)
        yield from page.objects
        token = page.next_token
        if not token:
            return
