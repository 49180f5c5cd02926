"""The in-memory fake's S3 objects: the object calls of :class:`~awsstate.providers.memory.InMemoryProvider`.

Objects live in each bucket's declared contents (:class:`~awsstate.resources.s3_bucket.fake.BucketContents`:
bytes, metadata and tags per key, noncurrent versions in versioned buckets). The fake follows S3,
including where moto differs:

* the ETag is the MD5 of the content for a single-part upload, the MD5 of the parts' MD5s plus
  ``-N`` for a multipart one (the request's part size), and **not an MD5** for SSE-KMS objects
  (an object takes the bucket's default encryption when the write names none);
* listings are in UTF-8 byte order, 1,000 keys a page; a delete of a missing key succeeds;
* an in-place copy that changes nothing is refused; a copy without a storage class is STANDARD;
* a missing bucket is ``NoSuchBucket``, a missing key ``NoSuchKey``; right after a bucket's
  create, the lag of :class:`~awsstate.providers.consistency.EventualConsistency` applies.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import os
import tempfile
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from awsstate.errors import InvalidRequestError, NotFoundError
from awsstate.objects.calls import ObjectCalls
from awsstate.objects.digest import etag_of
from awsstate.objects.names import MAX_KEY_BYTES
from awsstate.objects.values import (
    CopyRequest,
    ListRequest,
    ObjectInfo,
    ObjectPage,
    ObjectRead,
    ObjectSummary,
    ObjectWritten,
    ReadRequest,
    SourceError,
    WriteRequest,
    name_object,
)
from awsstate.providers.base import Receipt
from awsstate.resources.identifiers import arn_partition
from awsstate.spec import ResourceRef

__all__ = ["InMemoryObjects"]

_KMS = frozenset({"aws:kms", "aws:kms:dsse"})
_versions = itertools.count(1)


def _missing_key(ref: ResourceRef, key: str, operation: str) -> NotFoundError:
    return NotFoundError("The specified key does not exist.", kind=ref.kind, name=ref.name, operation=operation,
                         code="NoSuchKey")


def _body(request: WriteRequest, label: str) -> bytes:
    body = request.body
    try:
        data = body if isinstance(body, bytes) else Path(body).read_bytes() if isinstance(body, Path) else body.read()
    except OSError as error:
        raise SourceError(f"{label}: cannot be read ({error.strerror or error})") from None
    if len(data) != request.size:
        raise SourceError(f"{label}: {request.size} bytes when planned, {len(data)} now; plan again")
    return data


def _checksum(sha256: str | None, request: WriteRequest) -> str | None:
    # awsstate sends the SHA-256 as the checksum of a single-part upload; S3 keeps it (multipart: per part).
    if sha256 is None or request.transfer.multipart(request.size):
        return None
    return base64.b64encode(bytes.fromhex(sha256)).decode()


class InMemoryObjects(ObjectCalls):
    """The object calls of the in-memory provider (see the module docstring)."""

    if TYPE_CHECKING:  # InMemoryProvider's
        world: Any

        @property
        def default_region(self) -> str | None:
            """The provider's default region."""

        def _own(self, ref: ResourceRef, operation: str, aspect: str | None = None, *,
                 lagging: bool = True) -> Any:
            """The record of a resource of this account (raises ``NotFoundError``)."""

    def _store(self, ref: ResourceRef, operation: str, key: str | None) -> Any:
        try:
            record = self._own(ref, operation)
        except NotFoundError as error:
            raise name_object(NotFoundError("The specified bucket does not exist", kind=ref.kind, name=ref.name,
                                            operation=operation, code="NoSuchBucket"), ref.name, key) from error
        return record.contents

    def _info(self, store: Any, bucket: str, key: str) -> ObjectInfo:
        info: ObjectInfo | None = store.heads.get(key)
        if info is None:  # put out-of-band without metadata (a test's put_object): what S3 would say
            body = store.objects[key]
            info = ObjectInfo(bucket=bucket, key=key, size=len(body),
                              etag=hashlib.md5(body, usedforsecurity=False).hexdigest(),
                              content_type="binary/octet-stream", sse="AES256")
        return info

    def _encryption(self, ref: ResourceRef, store: Any, sse: str | None, kms_key_id: str | None
                    ) -> tuple[str, str | None]:
        if sse is not None:
            return sse, self._key_arn(ref, kms_key_id) if sse in _KMS else None
        default = store.aspects.get("encryption")
        if isinstance(default, dict) and default.get("algorithm") in _KMS:
            key = default.get("kms_key_id")
            return str(default["algorithm"]), str(key) if key else None
        return "AES256", None

    def _key_arn(self, ref: ResourceRef, key_id: str | None) -> str | None:
        # S3 reports the ARN of the key an object is encrypted with, however the write named it (a bare id).
        if key_id is None or key_id.startswith(("arn:", "alias/")):
            return key_id
        region = ref.region or self.default_region
        return f"arn:{arn_partition(region)}:kms:{region}:{self.world.account_id}:key/{key_id}"

    def read_object_head(self, ref: ResourceRef, key: str) -> ObjectInfo | None:
        """HeadObject."""
        with self.world.lock:
            store = self._store(ref, "HeadObject", key)
            return self._info(store, ref.name, key) if key in store.objects else None

    def read_object(self, ref: ResourceRef, key: str, request: ReadRequest) -> ObjectRead:
        """GetObject, into the request's sink or memory."""
        with self.world.lock:
            store = self._store(ref, "GetObject", key)
            if key not in store.objects:
                raise name_object(_missing_key(ref, key, "GetObject"), ref.name, key)
            body, info = store.objects[key], self._info(store, ref.name, key)
        sink = request.sink
        if sink is None:
            return ObjectRead(info, body)
        if isinstance(sink, Path):
            handle, temporary = tempfile.mkstemp(dir=sink.parent, prefix=f".{sink.name}.")
            with os.fdopen(handle, "wb") as out:
                out.write(body)
            os.replace(temporary, sink)
        else:
            sink.write(body)
        return ObjectRead(info)

    def read_object_tags(self, ref: ResourceRef, key: str) -> dict[str, str]:
        """GetObjectTagging."""
        with self.world.lock:
            store = self._store(ref, "GetObjectTagging", key)
            if key not in store.objects:
                raise name_object(_missing_key(ref, key, "GetObjectTagging"), ref.name, key)
            return dict(store.tags.get(key, {}))

    def list_objects(self, ref: ResourceRef, request: ListRequest) -> ObjectPage:
        """One ListObjectsV2 page: keys under the prefix in UTF-8 byte order, after the token."""
        with self.world.lock:
            store = self._store(ref, "ListObjectsV2", None)
            after = (request.token or "").encode("utf-8")
            keys = sorted((k for k in store.objects if k.startswith(request.prefix)), key=lambda k: k.encode("utf-8"))
            keys = [k for k in keys if k.encode("utf-8") > after]
            page = keys[:request.max_keys]
            summaries = []
            for key in page:
                info = self._info(store, ref.name, key)
                summaries.append(ObjectSummary(key, info.size, info.etag, info.storage_class, info.last_modified))
            more = len(keys) > request.max_keys
            return ObjectPage(tuple(summaries), page[-1] if more else None)

    def write_object(self, ref: ResourceRef, key: str, request: WriteRequest) -> ObjectWritten:
        """PutObject (or a multipart upload: the ETag says so)."""
        if len(key.encode("utf-8")) > MAX_KEY_BYTES:
            raise name_object(InvalidRequestError("Your key is too long", kind=ref.kind, name=ref.name,
                                                  operation="PutObject", code="KeyTooLongError"), ref.name, key)
        data = _body(request, f"s3://{ref.name}/{key}")
        settings = request.settings
        with self.world.lock:
            store = self._store(ref, "PutObject", key)
            sse, kms = self._encryption(ref, store, settings.sse, settings.kms_key_id)
            etag = (hashlib.md5(uuid.uuid4().bytes, usedforsecurity=False).hexdigest() if sse in _KMS
                    else etag_of(data, request.transfer))
            version = f"v{next(_versions)}" if store.aspects.get("versioning") == "Enabled" else None
            info = ObjectInfo(bucket=ref.name, key=key, size=len(data), etag=etag, content_type=settings.content_type
                              or "binary/octet-stream", metadata=dict(settings.metadata),
                              cache_control=settings.cache_control, storage_class=settings.storage_class or "STANDARD",
                              sse=sse, kms_key_id=kms, last_modified=datetime.now(UTC), version_id=version,
                              sha256=settings.sha256, checksum_sha256=_checksum(settings.sha256, request))
            store.put_object(key, data, head=info, tags=settings.tags)
        return ObjectWritten(etag=etag, version_id=version)

    def copy_object(self, ref: ResourceRef, key: str, request: CopyRequest) -> ObjectWritten:
        """CopyObject: metadata copied (``settings=None``) or replaced; tags copied."""
        with self.world.lock:
            target = self._store(ref, "CopyObject", key)
            source = target if request.source_bucket == ref.name else \
                self._store(ref.spec.ref(request.source_bucket, ref.region), "CopyObject", request.source_key)
            if request.source_key not in source.objects:
                raise name_object(_missing_key(ref, request.source_key, "CopyObject"), request.source_bucket,
                                  request.source_key)
            was = self._info(source, request.source_bucket, request.source_key)
            settings = request.settings
            storage = (settings.storage_class if settings else None) or request.storage_class or "STANDARD"
            in_place = source is target and request.source_key == key
            if in_place and settings is None and storage == was.storage_class:
                raise name_object(InvalidRequestError(
                    "This copy request is illegal because it is trying to copy an object to itself without changing "
                    "the object's metadata, storage class, website redirect location or encryption attributes.",
                    kind=ref.kind, name=ref.name, operation="CopyObject", code="InvalidRequest"), ref.name, key)
            sse, kms = self._encryption(ref, target, settings.sse if settings else None,
                                        settings.kms_key_id if settings else None)
            body = source.objects[request.source_key]
            etag = (hashlib.md5(uuid.uuid4().bytes, usedforsecurity=False).hexdigest() if sse in _KMS
                    else hashlib.md5(body, usedforsecurity=False).hexdigest() if was.sse in _KMS else was.etag)
            fields: Mapping[str, Any] = ({"content_type": settings.content_type or "binary/octet-stream",
                                          "metadata": dict(settings.metadata), "cache_control": settings.cache_control,
                                          "sha256": settings.sha256} if settings is not None else
                                         {"content_type": was.content_type, "metadata": dict(was.metadata),
                                          "cache_control": was.cache_control, "sha256": was.sha256})
            version = f"v{next(_versions)}" if target.aspects.get("versioning") == "Enabled" else None
            info = ObjectInfo(bucket=ref.name, key=key, size=len(body), etag=etag, storage_class=storage, sse=sse,
                              kms_key_id=kms, last_modified=datetime.now(UTC), version_id=version, **fields)
            target.put_object(key, body, head=info, tags=source.tags.get(request.source_key, {}))
        return ObjectWritten(etag=etag, version_id=version)

    def delete_object(self, ref: ResourceRef, key: str) -> Receipt:
        """DeleteObject (a missing key is not an error)."""
        with self.world.lock:
            self._store(ref, "DeleteObject", key).delete_object(key)
        return Receipt()

    def write_object_tags(self, ref: ResourceRef, key: str, tags: Mapping[str, str]) -> Receipt:
        """PutObjectTagging."""
        with self.world.lock:
            store = self._store(ref, "PutObjectTagging", key)
            if key not in store.objects:
                raise name_object(_missing_key(ref, key, "PutObjectTagging"), ref.name, key)
            store.tags[key] = dict(tags)
        return Receipt()
