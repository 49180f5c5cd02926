"""The object verbs users expect, and the front door of desired objects and sync: :class:`S3Objects`.

::

    objects = S3Objects(bucket="my-bucket")                 # AwsProvider; or provider=InMemoryProvider()
    objects.write("reports/q1.csv", Path("q1.csv"), metadata={"owner": "finance"})
    body, info = objects.read_bytes("reports/q1.csv")
    objects.update_metadata("reports/q1.csv", cache_control="max-age=60")   # in place, content untouched
    plan = objects.plan(S3SyncDesired(bucket="my-bucket", prefix="site/", source="build/", delete=True))
    objects.apply(plan)

Names are keys in the default bucket, ``s3://bucket/key`` strings, or :class:`ObjectName`.
Every call goes through the provider interface (so the in-memory fake serves it and the
recording provider counts it), and every error is an awsstate error naming the bucket and key.
A bucket that was just created may not be visible at once: a call that finds no bucket is
retried with backoff within ``settle`` (10 s by default), then fails saying so.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO, TypeVar, overload

from pydantic import BaseModel, ConfigDict

from awsstate.engine.clock import Clock, Deadline, SettlePolicy, SystemClock
from awsstate.errors import NotFoundError, ProviderError, StalePlanError
from awsstate.objects.desired import S3ObjectDesired, guess_content_type, plan_object
from awsstate.objects.execute import Progress, run_actions
from awsstate.objects.names import ObjectName
from awsstate.objects.plans import ObjectAction, ObjectPlan, SyncPlan
from awsstate.objects.requests import content_of, header_settings, replaced_settings
from awsstate.objects.sync import iterate_pages, plan_sync
from awsstate.objects.syncmodel import S3SyncDesired
from awsstate.objects.values import (
    CopyRequest,
    ListRequest,
    ObjectInfo,
    ObjectPage,
    ObjectSettings,
    ObjectSummary,
    ObjectWritten,
    ReadRequest,
    TransferSettings,
    WriteRequest,
    name_object,
)
from awsstate.providers.base import Provider
from awsstate.spec import ResourceRef

__all__ = ["ApplyObjectsResult", "S3Objects"]

_LANES = 3  # large objects uploaded at once by one apply

T = TypeVar("T")
R = TypeVar("R")
Name = str | ObjectName | tuple[str, str]


class ApplyObjectsResult(BaseModel):
    """What an object or sync apply did: ``changed``, the ``plan``, and the ``actions`` done."""

    model_config = ConfigDict(frozen=True)

    changed: bool
    plan: ObjectPlan | SyncPlan
    actions: tuple[ObjectAction, ...]

    def __str__(self) -> str:
        return f"{len(self.actions)} action(s) done of: {self.plan}"


class S3Objects:
    """S3 objects through one provider: the verbs, and plan/apply of desired objects and syncs.

    Args:
        provider: the backend (default: :class:`~awsstate.providers.aws.AwsProvider`, created on first use).
        bucket: the default bucket, for names given as bare keys.
        region: the region of the buckets called (default: the provider's).
        transfer: multipart threshold, part size and per-object concurrency of large transfers.
        concurrency: objects transferred at once by apply (default: the provider's ``parallel_reads``:
            16 on AWS, 1 on the in-memory fake).
        settle: how long a call that finds no bucket is retried (a bucket just created).
        clock: time source (tests pass a fake clock).
        progress: show progress on stderr (``None``: when it is a terminal).
    """

    def __init__(self, provider: Provider | None = None, *, bucket: str | None = None, region: str | None = None,
                 transfer: TransferSettings | None = None, concurrency: int | None = None,
                 settle: SettlePolicy | None = None, clock: Clock | None = None,
                 progress: bool | None = None) -> None:
        if concurrency is not None and concurrency < 1:
            raise ValueError(f"concurrency: must be at least 1, not {concurrency}")
        self._provider = provider
        self.bucket = ObjectName(bucket=bucket, key="x").bucket if bucket is not None else None
        self.region = region
        self.transfer = transfer or TransferSettings()
        self._concurrency = concurrency
        self.settle = settle or SettlePolicy(timeout=10.0)
        self.clock: Clock = clock or SystemClock()
        self.progress = progress

    def __repr__(self) -> str:
        return f"S3Objects(provider={self._provider!r}, bucket={self.bucket!r})"

    @property
    def provider(self) -> Provider:
        """The backend."""
        if self._provider is None:
            from awsstate.providers.aws import AwsProvider  # boto3 is imported only on demand

            self._provider = AwsProvider(region=self.region)
        return self._provider

    @property
    def concurrency(self) -> int:
        """Objects transferred at once by apply."""
        return self._concurrency or max(1, self.provider.parallel_reads)

    # -- plumbing -----------------------------------------------------------------------------

    def _ref(self, bucket: str, region: str | None = None) -> ResourceRef:
        from awsstate.kinds import kind_spec

        return kind_spec("s3_bucket").ref(bucket, region or self.region)

    def _name(self, name: Name) -> ObjectName:
        if isinstance(name, ObjectName):
            return name
        if isinstance(name, tuple):
            return ObjectName(bucket=name[0], key=name[1])
        return ObjectName.parse(name, self.bucket)

    def _call(self, bucket: str, key: str | None, region: str | None, fn: Callable[[ResourceRef], T]) -> T:
        """One provider call, errors naming the object; retried while the bucket is not visible yet."""
        deadline: Deadline | None = None
        while True:
            try:
                return fn(self._ref(bucket, region))
            except NotFoundError as error:
                if error.code != "NoSuchBucket":
                    name_object(error, bucket, key)
                    raise
                deadline = deadline or Deadline(self.clock, self.settle)
                if deadline.expired():
                    error.hint = (f"The bucket does not exist (awsstate waited {deadline.waited:.1f}s in case it was "
                                  "just created): create it first, or check its name and region.")
                    name_object(error, bucket, key)
                    raise
                deadline.pause("s3_bucket", bucket, "bucket visible")
            except ProviderError as error:
                name_object(error, bucket, key)
                raise

    def _map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        if self.concurrency <= 1 or len(items) <= 1:
            return [fn(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(items))) as pool:
            return list(pool.map(fn, items))

    def tags(self, bucket: str, key: str, region: str | None = None) -> dict[str, str]:
        """The object's tags (GetObjectTagging)."""
        return self._call(bucket, key, region, lambda ref: self.provider.read_object_tags(ref, key))

    # -- the verbs ----------------------------------------------------------------------------

    def head(self, name: Name, region: str | None = None) -> ObjectInfo | None:
        """The object's metadata (one HEAD), or ``None`` when there is no such object."""
        return self._head(self._name(name), region)

    def _head(self, name: ObjectName, region: str | None = None) -> ObjectInfo | None:
        return self._call(name.bucket, name.key, region, lambda ref: self.provider.read_object_head(ref, name.key))

    def exists(self, name: Name) -> bool:
        """Whether the object exists (one HEAD; :meth:`head` returns its metadata too)."""
        return self._head(self._name(name)) is not None

    def write(self, name: Name, source: bytes | str | Path | BinaryIO, *, content_type: str | None = None,
              metadata: Mapping[str, str] | None = None, cache_control: str | None = None,
              storage_class: str | None = None, sse: str | None = None, kms_key_id: str | None = None,
              tags: Mapping[str, str] | None = None) -> ObjectInfo:
        """Upload ``source`` (bytes, a path, or a readable binary file) to the object.

        The content type is guessed from the key unless given; awsstate records the content's
        SHA-256 in the metadata. Large content goes through the managed (multipart) transfer.
        """
        target = self._name(name)
        settings = header_settings(content_type, metadata, cache_control, storage_class, sse, kms_key_id, tags,
                             default_type=guess_content_type(source.name if isinstance(source, Path) else target.key))
        content = content_of(source)
        if not self.transfer.multipart(content.size):
            content = content.loaded()  # one read: hashed and sent from memory
        settings = dataclasses.replace(settings, sha256=content.sha256)
        request = WriteRequest(body=content.source, size=content.size, settings=settings, transfer=self.transfer)
        written = self._call(target.bucket, target.key, None,
                             lambda ref: self.provider.write_object(ref, target.key, request))
        return ObjectInfo(bucket=target.bucket, key=target.key, size=content.size,
                          etag=written.etag or content.upload_etag(self.transfer), content_type=settings.content_type,
                          metadata=dict(settings.metadata), cache_control=settings.cache_control,
                          storage_class=settings.storage_class or "STANDARD", sse=settings.sse,
                          kms_key_id=settings.kms_key_id, version_id=written.version_id, sha256=content.sha256)

    def read(self, name: Name, to: str | Path | BinaryIO) -> ObjectInfo:
        """Download the object to a local path (written whole, then renamed) or a writable binary file."""
        target = self._name(name)
        sink: Path | BinaryIO = Path(to) if isinstance(to, str | Path) else to
        request = ReadRequest(sink=sink, transfer=self.transfer)
        return self._call(target.bucket, target.key, None,
                          lambda ref: self.provider.read_object(ref, target.key, request)).info

    def read_bytes(self, name: Name) -> tuple[bytes, ObjectInfo]:
        """The object's content in memory, and its metadata (one GET)."""
        target = self._name(name)
        read = self._call(target.bucket, target.key, None,
                          lambda ref: self.provider.read_object(ref, target.key, ReadRequest(transfer=self.transfer)))
        return read.body or b"", read.info

    def copy(self, source: Name, destination: Name, *, content_type: str | None = None,
             metadata: Mapping[str, str] | None = None, cache_control: str | None = None,
             storage_class: str | None = None) -> ObjectWritten:
        """Server-side copy (same or another bucket). Metadata is copied unless ``metadata``,
        ``content_type`` or ``cache_control`` is given: then it is replaced, and the settings not
        given are kept from the source (one more HEAD)."""
        src, dst = self._name(source), self._name(destination)
        replace = metadata is not None or content_type is not None or cache_control is not None
        settings = None
        size = None
        if replace:
            info = self._head(src)
            if info is None:
                raise name_object(NotFoundError("does not exist", operation="HeadObject", code="NoSuchKey"),
                                  src.bucket, src.key)
            settings = replaced_settings(info, content_type, metadata, cache_control, storage_class)
            size = info.size
        request = CopyRequest(src.bucket, src.key, settings=settings, size=size, storage_class=storage_class)
        return self._call(dst.bucket, dst.key, None, lambda ref: self.provider.copy_object(ref, dst.key, request))

    def update_metadata(self, name: Name, *, metadata: Mapping[str, str] | None = None,
                        content_type: str | None = None, cache_control: str | None = None,
                        storage_class: str | None = None) -> ObjectInfo:
        """Replace the object's metadata in place (one HEAD, one CopyObject with REPLACE): the content,
        the content type, cache control, storage class, encryption and awsstate's content hash are
        kept unless given."""
        target = self._name(name)
        info = self._head(target)
        if info is None:
            raise name_object(NotFoundError("does not exist", operation="HeadObject", code="NoSuchKey"),
                              target.bucket, target.key)
        settings = replaced_settings(info, content_type, metadata, cache_control, storage_class)
        request = CopyRequest(target.bucket, target.key, settings=settings, size=info.size)
        written = self._call(target.bucket, target.key, None,
                             lambda ref: self.provider.copy_object(ref, target.key, request))
        return dataclasses.replace(info, content_type=settings.content_type, metadata=dict(settings.metadata),
                                   cache_control=settings.cache_control,
                                   storage_class=settings.storage_class or info.storage_class,
                                   etag=written.etag or info.etag, version_id=written.version_id or info.version_id)

    def delete(self, name: Name) -> None:
        """Delete the object (no error when there is none, as on S3)."""
        target = self._name(name)
        self._call(target.bucket, target.key, None, lambda ref: self.provider.delete_object(ref, target.key))

    def list(self, prefix: str = "", *, bucket: str | None = None) -> Iterator[ObjectSummary]:
        """Every object under ``prefix`` in key order, lazily: one LIST request per 1,000 objects."""
        name = ObjectName.parse(f"s3://{bucket}/x" if bucket else "x", self.bucket)
        return iterate_pages(_Reader(self), name.bucket, prefix, None)

    # -- desired state ------------------------------------------------------------------------

    @overload
    def plan(self, desired: S3ObjectDesired, *, new_bucket: bool = False) -> ObjectPlan: ...

    @overload
    def plan(self, desired: S3SyncDesired, *, new_bucket: bool = False) -> SyncPlan: ...

    def plan(self, desired: S3ObjectDesired | S3SyncDesired, *, new_bucket: bool = False) -> ObjectPlan | SyncPlan:
        """What apply would write: reads only (HEAD for an object; LISTs, and HEADs only where an ETag
        cannot decide, for a sync). Raises ``UnsafeChangeError`` for deletes a sync's guards refuse.

        ``new_bucket``: the bucket does not exist yet (a stack creates it first), so there is nothing
        to read: no call, every object a ``put``.
        """
        reader: _Reader | _Empty = _Empty() if new_bucket else _Reader(self)
        if isinstance(desired, S3SyncDesired):
            plan = plan_sync(desired, reader, self.transfer, self._map)
            return plan.model_copy(update={"list_requests": 0}) if new_bucket else plan
        return plan_object(desired, reader, self.transfer)

    def apply(self, desired: S3ObjectDesired | S3SyncDesired | ObjectPlan | SyncPlan) -> ApplyObjectsResult:
        """Converge: plan (or, for a plan, check it is still what S3 holds), then make its writes.

        An interrupted apply is resumed by applying again: only what is still missing is written.
        """
        if isinstance(desired, ObjectPlan | SyncPlan):
            plan = desired
            self._check_fresh(plan)
        else:
            plan = self.plan(desired)
        total = sum(a.size or 0 for a in plan.actions if a.writes_content)
        label = "" if isinstance(plan, ObjectPlan) else f"{plan.source} -> s3://{plan.bucket}/{plan.prefix}  "
        progress = Progress(len(plan.actions), total, show=self.progress if isinstance(plan, SyncPlan) else False,
                            label=label)
        transfer = self.transfer

        def heavy(action: ObjectAction) -> bool:
            return action.writes_content and transfer.multipart(action.size or 0)

        # Large objects upload a few at a time, sharing max_concurrency parts in flight: pipelined like
        # one managed transfer, without flooding the endpoint (the part size, hence the ETag, is unchanged).
        lanes = max(1, min(_LANES, sum(map(heavy, plan.actions))))
        shared = dataclasses.replace(transfer, max_concurrency=max(1, math.ceil(transfer.max_concurrency / lanes)))
        done = run_actions(plan.actions, lambda a: self._perform(a, shared if heavy(a) else transfer, plan.region),
                           concurrency=self.concurrency, progress=progress, heavy=heavy, heavy_concurrency=lanes)
        return ApplyObjectsResult(changed=bool(done), plan=plan, actions=tuple(done))

    def _check_fresh(self, plan: ObjectPlan | SyncPlan) -> None:
        if isinstance(plan, ObjectPlan):
            info = self._head(ObjectName(bucket=plan.bucket, key=plan.key), plan.region)
            now = {plan.key: info.etag if info else None}
        else:
            now = {s.key: s.etag for s in iterate_pages(_Reader(self), plan.bucket, plan.prefix, plan.region)}
        changed = {a.key: (a.observed_etag, now.get(a.key)) for a in plan.actions if now.get(a.key) != a.observed_etag}
        if changed:
            raise StalePlanError("s3_object", f"s3://{plan.bucket}/", changed)

    def _perform(self, action: ObjectAction, transfer: TransferSettings, region: str | None) -> None:
        bucket, key = action.bucket, action.key
        provider = self.provider
        if action.writes_content:
            content = action.content or content_of(Path(action.source or ""))
            if not transfer.multipart(content.size):
                content = content.loaded()  # one read: hashed and sent from memory
            sha256 = content.sha256
            if action.sha256 and sha256 != action.sha256:
                raise StalePlanError("s3_object", action.url, {"content": (action.sha256, sha256)})
            settings = dataclasses.replace(action.settings or ObjectSettings(), sha256=sha256, tags=action.tags)
            request = WriteRequest(body=content.source, size=content.size, settings=settings, transfer=transfer)
            self._call(bucket, key, region, lambda ref: provider.write_object(ref, key, request))
        elif action.type == "update_metadata":
            storage = action.changes.get("storage_class", (None, None))[1]
            copy = CopyRequest(bucket, key, settings=action.settings, size=action.size, storage_class=storage)
            self._call(bucket, key, region, lambda ref: provider.copy_object(ref, key, copy))
        elif action.type == "update_tags":
            self._call(bucket, key, region, lambda ref: provider.write_object_tags(ref, key, action.tags or {}))
        else:
            self._call(bucket, key, region, lambda ref: provider.delete_object(ref, key))


class _Reader:
    """The planners' view of the verbs (see :class:`~awsstate.objects.sync.Lister`)."""

    def __init__(self, objects: S3Objects) -> None:
        self.objects = objects

    def list_page(self, bucket: str, prefix: str, token: str | None, region: str | None) -> ObjectPage:
        provider = self.objects.provider
        request = ListRequest(prefix, token)
        return self.objects._call(bucket, None, region, lambda ref: provider.list_objects(ref, request))

    def head(self, bucket: str, key: str, region: str | None) -> ObjectInfo | None:
        return self.objects._head(ObjectName(bucket=bucket, key=key), region)

    def tags(self, bucket: str, key: str, region: str | None) -> dict[str, str]:
        return self.objects.tags(bucket, key, region)


class _Empty:
    """The planners' view of a bucket that does not exist yet: empty, without a call."""

    def list_page(self, bucket: str, prefix: str, token: str | None, region: str | None) -> ObjectPage:
        return ObjectPage(objects=())

    def head(self, bucket: str, key: str, region: str | None) -> ObjectInfo | None:
        return None

    def tags(self, bucket: str, key: str, region: str | None) -> dict[str, str]:
        return {}

