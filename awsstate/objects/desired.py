"""Desired-state S3 objects: :class:`S3ObjectDesired`, planned with one HEAD and never a download.

A plan reads the object's metadata (one HEAD; plus GetObjectTagging when ``tags`` is managed,
or when new content must carry unmanaged tags over) and compares:

* content by digest (:func:`~awsstate.objects.compare.content_matches`): the ETag when it is an
  MD5 (single part, or multipart at awsstate's part size, computed locally), else the SHA-256
  awsstate recorded in the metadata or S3's checksum. New content is a ``replace`` (one upload
  that also sets every managed setting, and keeps the unmanaged ones as they were);
* settings field by field: a difference with the same content is an ``update_metadata`` (one
  in-place CopyObject with the full header set), never a re-upload; tags are ``update_tags``.

As everywhere in awsstate, a field left ``None`` is unmanaged; ``state="absent"`` deletes.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from awsstate.objects.compare import WantedSettings, content_matches, settings_changes
from awsstate.objects.digest import LocalContent
from awsstate.objects.names import (
    BucketOrRef,
    CacheControl,
    ContentType,
    Metadata,
    ObjectKey,
    Sse,
    StorageClass,
    concrete_bucket,
)
from awsstate.objects.plans import ObjectAction, ObjectPlan
from awsstate.objects.values import ObjectInfo, TransferSettings
from awsstate.resources.identifiers import validate_kms_key_id
from awsstate.resources.validation import Region, validate_tags

__all__ = ["ObjectReader", "S3ObjectDesired", "guess_content_type", "plan_object"]

MAX_OBJECT_TAGS = 10


def guess_content_type(name: str) -> str | None:
    """The content type for a file called ``name`` (``None`` when unknown: S3 then says binary/octet-stream)."""
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed


def _path_or_bytes(value: Any) -> Any:
    if isinstance(value, str):
        return Path(value)
    return value


class S3ObjectDesired(BaseModel):
    """An S3 object as you want it: its content (``source`` or ``text``) and the settings you manage.

    Every setting left ``None`` is unmanaged: never compared, and kept as it is when the content is
    replaced. ``content_type`` unset is guessed from the key on upload (and then left alone).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    bucket: BucketOrRef
    """The bucket, by name: it must exist (create it with ``S3BucketManager``), or in a
    :class:`~awsstate.stack.Stack`, ``bucket.ref.name`` of a bucket in the stack (planned and applied after it)."""
    key: ObjectKey
    """The object's key (1 to 1,024 bytes of UTF-8)."""
    region: Region | None = None
    """The bucket's region (unset: the provider's default; S3 redirects a wrong one, at a cost)."""
    source: Path | bytes | None = None
    """The content: a local file (a ``str`` is a path) or bytes."""
    text: str | None = None
    """The content as text (stored as UTF-8), instead of ``source``."""
    content_type: ContentType | None = None
    """``Content-Type``. Unset: guessed from the key when uploaded, then unmanaged."""
    metadata: Metadata | None = None
    """User metadata (``x-amz-meta-*``): the complete set; ``{}``: none. Keys are stored lower-case."""
    cache_control: CacheControl | None = None
    """``Cache-Control``; ``""``: none."""
    tags: dict[str, str] | None = None
    """The object's tags (at most 10): the complete set; ``{}``: none."""
    storage_class: StorageClass | None = None
    """The storage class (``STANDARD``, ``STANDARD_IA``, ...)."""
    sse: Sse | None = None
    """Server-side encryption: ``AES256`` (SSE-S3), ``aws:kms`` or ``aws:kms:dsse``."""
    kms_key_id: str | None = None
    """The KMS key for ``sse="aws:kms"`` (an ARN, key id or alias; unset: the bucket's or AWS's default)."""
    state: Literal["present", "absent"] = "present"
    """``present``: converge to this model. ``absent``: delete the object if it exists."""

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, value: Any) -> Any:
        value = _path_or_bytes(value)
        if isinstance(value, Path):
            if not value.exists():
                raise ValueError(f"{value} does not exist")
            if not value.is_file():
                raise ValueError(f"{value} is not a regular file")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return None if value is None else validate_tags(value, max_tags=MAX_OBJECT_TAGS)

    @field_validator("kms_key_id")
    @classmethod
    def _kms(cls, value: str | None) -> str | None:
        return None if value is None else validate_kms_key_id(value)

    @model_validator(mode="after")
    def _consistent(self) -> S3ObjectDesired:
        if self.state == "present" and (self.source is None) == (self.text is None):
            raise ValueError("source / text: give exactly one of them (the object's content)")
        if self.kms_key_id is not None and self.sse not in ("aws:kms", "aws:kms:dsse"):
            raise ValueError("kms_key_id: needs sse='aws:kms' (or 'aws:kms:dsse')")
        return self

    def content(self) -> LocalContent:
        """The content to upload."""
        if self.text is not None:
            return LocalContent.of(self.text.encode("utf-8"), label="text")
        assert self.source is not None
        return LocalContent.of(self.source)

    def wanted(self) -> WantedSettings:
        """The settings this model manages."""
        return WantedSettings(content_type=self.content_type, metadata=self.metadata,
                              cache_control=self.cache_control, storage_class=self.storage_class, sse=self.sse,
                              kms_key_id=self.kms_key_id)

    def guessed_type(self) -> str | None:
        """The content type an upload sets when ``content_type`` is unset."""
        return guess_content_type(self.source.name if isinstance(self.source, Path) else self.key)


class ObjectReader(Protocol):
    """What planning needs from the verbs: one HEAD and one tag read (the bucket's lag handled there)."""

    def head(self, bucket: str, key: str, region: str | None) -> ObjectInfo | None:
        """HeadObject."""
        ...

    def tags(self, bucket: str, key: str, region: str | None) -> dict[str, str]:
        """GetObjectTagging."""
        ...


def plan_object(desired: S3ObjectDesired, reader: ObjectReader, transfer: TransferSettings) -> ObjectPlan:
    """The plan for ``desired``: one HEAD, a tag read when needed, and local digests (pure otherwise)."""
    bucket, key = concrete_bucket(desired.bucket), desired.key
    info = reader.head(bucket, key, desired.region)
    if desired.state == "absent":
        deletes = () if info is None else (ObjectAction(type="delete", bucket=bucket, key=key,
                                                        observed_etag=info.etag, reason="state is absent"),)
        return ObjectPlan(bucket=bucket, key=key, region=desired.region, observed=info, actions=deletes)
    local = desired.content()
    wanted = desired.wanted()
    if info is None:
        settings = wanted.merged(None, guessed_type=desired.guessed_type(), sha256=local.sha256)
        put = ObjectAction(type="put", bucket=bucket, key=key, size=local.size, source=local.label,
                           sha256=local.sha256, settings=settings, tags=desired.tags, reason="new object")
        return ObjectPlan(bucket=bucket, key=key, region=desired.region, observed=None,
                          actions=(put.with_content(local),))
    actions: list[ObjectAction] = []
    observed_tags = reader.tags(bucket, key, desired.region) if desired.tags is not None else None
    same = content_matches(info, local, transfer)
    if not same:
        tags = desired.tags if desired.tags is not None else reader.tags(bucket, key, desired.region)
        settings = wanted.merged(info, guessed_type=desired.guessed_type(), sha256=local.sha256)
        reason = "content differs" if same is False else "content cannot be compared (no MD5 ETag or recorded hash)"
        actions.append(ObjectAction(type="replace", bucket=bucket, key=key, size=local.size, source=local.label,
                                    sha256=local.sha256, observed_etag=info.etag, settings=settings, tags=tags,
                                    changes={"content": (info.etag, None), **settings_changes(wanted, info)},
                                    reason=reason).with_content(local))
        return ObjectPlan(bucket=bucket, key=key, region=desired.region, observed=info, actions=tuple(actions))
    changes = settings_changes(wanted, info)
    if changes:
        settings = wanted.merged(info, guessed_type=None, sha256=info.sha256 or local.sha256)
        actions.append(ObjectAction(type="update_metadata", bucket=bucket, key=key, observed_etag=info.etag,
                                    settings=settings, changes=changes, size=info.size))
    if desired.tags is not None and observed_tags != desired.tags:
        actions.append(ObjectAction(type="update_tags", bucket=bucket, key=key, observed_etag=info.etag,
                                    tags=desired.tags, changes={"tags": (observed_tags, desired.tags)}))
    return ObjectPlan(bucket=bucket, key=key, region=desired.region, observed=info, actions=tuple(actions))
