"""The values S3 object calls carry across the provider interface, and the errors that name an object.

These are plain frozen dataclasses (cheap: a listing page holds a thousand of them), shared by the
in-memory fake, the AWS provider and the user-facing verbs. Nothing here talks to a backend.

* :class:`ObjectInfo`: an object's metadata, as HEAD or GET returns it;
* :class:`ObjectSummary` / :class:`ObjectPage`: one page of a listing (one LIST request);
* :class:`ObjectSettings`: what a write or an in-place metadata update sets;
* :class:`WriteRequest`, :class:`ReadRequest`, :class:`CopyRequest`, :class:`ListRequest`: the
  requests of the object calls (see :mod:`awsstate.objects.calls`);
* :class:`TransferSettings`: when an upload goes multipart, with which part size and concurrency.
  The part size also decides the multipart ETag awsstate computes locally to compare content.

awsstate records the SHA-256 of the content it uploads in the object's user metadata under
:data:`SHA256_METADATA` (``x-amz-meta-awsstate-sha256``); :class:`ObjectInfo` shows it as
``sha256`` and keeps it out of ``metadata``. User metadata keys starting with ``awsstate-`` are
reserved for it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from awsstate.errors import AwsStateError, ProviderError

__all__ = [
    "MIB",
    "OBJECT_KIND",
    "RESERVED_PREFIX",
    "SHA256_METADATA",
    "Body",
    "CopyRequest",
    "ListRequest",
    "ObjectInfo",
    "ObjectPage",
    "ObjectRead",
    "ObjectSettings",
    "ObjectSummary",
    "ObjectWritten",
    "ReadRequest",
    "SourceError",
    "TransferSettings",
    "WriteRequest",
    "name_object",
    "object_url",
]

MIB = 1024 * 1024
SHA256_METADATA = "awsstate-sha256"
"""The user-metadata key under which awsstate records the SHA-256 (hex) of the content it uploads."""
RESERVED_PREFIX = "awsstate-"
OBJECT_KIND = "s3_object"
"""The ``kind`` errors about one object carry (their ``name`` is ``s3://bucket/key``)."""

_MIN_PART = 5 * MIB
_MAX_PART = 5 * 1024 * MIB
_MAX_PARTS = 10_000

Body = bytes | Path | BinaryIO
"""What a write uploads: bytes in memory, a local file, or a readable binary file object."""


def object_url(bucket: str, key: str) -> str:
    """``s3://bucket/key``."""
    return f"s3://{bucket}/{key}"


class SourceError(AwsStateError):
    """A local source that cannot be used as given: a path that does not exist, a file that cannot
    be read, a symlink loop in a tree, a file whose key would be too long. Raised before any call
    (or, for a file that vanished after the plan, before the write that needed it)."""


_HINTS = {
    "NoSuchKey": "No object has this key: check the key (list(prefix) shows what is there).",
    "NoSuchBucket": "The bucket does not exist: create it first (S3BucketManager), or check its name.",
    "404": "Neither the bucket nor the key may exist: check both.",
    "NotFound": "Neither the bucket nor the key may exist: check both.",
    "PreconditionFailed": "The object changed while awsstate was writing it: plan again.",
}


def name_object(error: ProviderError, bucket: str, key: str | None) -> ProviderError:
    """Make ``error`` name the object it is about (``s3_object 's3://bucket/key'``) and say what to do.

    Errors that already name an object are returned as they are. A listing error (``key=None``)
    names the bucket.
    """
    if error.kind == OBJECT_KIND:
        return error
    error.kind = OBJECT_KIND if key is not None else "s3_bucket"
    error.name = object_url(bucket, key) if key is not None else bucket
    hint = _HINTS.get(error.code)
    if hint and (key is not None or error.code == "NoSuchBucket"):
        error.hint = hint
    return error


@dataclass(frozen=True, slots=True)
class TransferSettings:
    """How uploads and downloads of large objects go (boto3's managed transfer).

    Attributes:
        multipart_threshold: objects of at least this many bytes are uploaded in parts.
        part_size: the size of each part (the last may be smaller), 5 MiB to 5 GiB. S3's ETag
            of a multipart object depends on it: awsstate computes the same ETag locally for its
            own part size, so content is compared without downloading.
        max_concurrency: parts in flight at once for one object (an apply that uploads several large
            objects together shares them between the objects in flight).
    """

    multipart_threshold: int = 8 * MIB
    part_size: int = 8 * MIB
    max_concurrency: int = 10

    def __post_init__(self) -> None:
        if self.multipart_threshold < 1:
            raise ValueError(f"multipart_threshold: must be at least 1 byte, not {self.multipart_threshold}")
        if not _MIN_PART <= self.part_size <= _MAX_PART:
            raise ValueError(f"part_size: S3 parts are 5 MiB to 5 GiB, not {self.part_size} bytes")
        if self.max_concurrency < 1:
            raise ValueError(f"max_concurrency: must be at least 1, not {self.max_concurrency}")

    def multipart(self, size: int) -> bool:
        """Whether an object of ``size`` bytes is uploaded in parts."""
        return size >= self.multipart_threshold

    def part_size_for(self, size: int) -> int:
        """The part size an upload of ``size`` bytes really uses: doubled until it needs at most
        10,000 parts (what boto3's managed transfer does, so local ETags match)."""
        part = self.part_size
        while math.ceil(size / part) > _MAX_PARTS:
            part *= 2
        return min(max(part, _MIN_PART), _MAX_PART)


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """One object's metadata, as HEAD or GET returns it.

    ``etag`` is without quotes. ``metadata`` is the user metadata (keys lower-case, as S3 stores
    them) without awsstate's own keys; ``sha256`` is the content hash awsstate recorded when it
    uploaded the object (``None`` for objects written by other tools). ``storage_class`` is
    ``STANDARD`` when S3 does not say. ``checksum_sha256`` is S3's own checksum (base64), when
    the object has one.
    """

    bucket: str
    key: str
    size: int
    etag: str
    content_type: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    cache_control: str | None = None
    storage_class: str = "STANDARD"
    sse: str | None = None
    kms_key_id: str | None = None
    last_modified: datetime | None = None
    version_id: str | None = None
    sha256: str | None = None
    checksum_sha256: str | None = None

    @property
    def url(self) -> str:
        """``s3://bucket/key``."""
        return object_url(self.bucket, self.key)


@dataclass(frozen=True, slots=True)
class ObjectSummary:
    """One entry of a listing: what LIST returns (no user metadata: S3 does not list it)."""

    key: str
    size: int
    etag: str
    storage_class: str = "STANDARD"
    last_modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class ObjectPage:
    """One page of a listing (one LIST request), in S3's key order; ``next_token`` continues it."""

    objects: tuple[ObjectSummary, ...]
    next_token: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectSettings:
    """What a write (or an in-place metadata update) sets on an object.

    ``None`` leaves a header out (S3's default: no cache control, ``STANDARD``, the bucket's
    default encryption; a content type of ``binary/octet-stream``). ``tags`` (when not ``None``)
    are set with the upload. ``sha256`` is recorded in the metadata under :data:`SHA256_METADATA`.
    """

    content_type: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    cache_control: str | None = None
    storage_class: str | None = None
    sse: str | None = None
    kms_key_id: str | None = None
    tags: Mapping[str, str] | None = None
    sha256: str | None = None

    def user_metadata(self) -> dict[str, str]:
        """The metadata as sent: the user's, plus awsstate's content hash when known."""
        sent = dict(self.metadata)
        if self.sha256:
            sent[SHA256_METADATA] = self.sha256
        return sent


@dataclass(frozen=True, slots=True)
class WriteRequest:
    """An upload: the ``body``, its ``size`` in bytes, the settings, and the transfer settings."""

    body: Body = field(repr=False)
    size: int
    settings: ObjectSettings = field(default_factory=ObjectSettings)
    transfer: TransferSettings = field(default_factory=TransferSettings)


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """A download into ``sink`` (a local path, a writable binary file, or ``None``: into memory)."""

    sink: Path | BinaryIO | None = field(default=None, repr=False)
    transfer: TransferSettings = field(default_factory=TransferSettings)


@dataclass(frozen=True, slots=True)
class ObjectRead:
    """What a read returns: the metadata, and the content when it was read into memory."""

    info: ObjectInfo
    body: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class CopyRequest:
    """A server-side copy from ``source_bucket``/``source_key``.

    ``settings=None`` copies the source's metadata (S3's ``COPY`` directive); settings replace it
    (``REPLACE``): every header not given is then dropped, so callers fill them in first.
    ``size`` (when known) lets copies over 5 GiB go through the managed multipart copy. A copy onto
    itself changes only what it is given (S3 refuses one that changes nothing).
    """

    source_bucket: str
    source_key: str
    settings: ObjectSettings | None = None
    size: int | None = None
    storage_class: str | None = None
    """With ``settings=None``: the copy's storage class (metadata still copied)."""


@dataclass(frozen=True, slots=True)
class ListRequest:
    """One LIST request: keys under ``prefix``, continuing from ``token``, at most ``max_keys``."""

    prefix: str = ""
    token: str | None = None
    max_keys: int = 1000


@dataclass(frozen=True, slots=True)
class ObjectWritten:
    """What a write or copy returns: the new ETag (when the backend said), version id and request id."""

    etag: str | None = None
    version_id: str | None = None
    request_id: str | None = None
