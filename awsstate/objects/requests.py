"""What the verbs send, built from their arguments by the desired models' own rules (so bad input
fails before any call, naming the field): the content to upload and the header settings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from awsstate.objects.desired import S3ObjectDesired
from awsstate.objects.digest import LocalContent
from awsstate.objects.names import validate_header, validate_metadata
from awsstate.objects.values import ObjectInfo, ObjectSettings, SourceError

__all__ = ["content_of", "header_settings", "replaced_settings"]


def content_of(source: bytes | str | Path | BinaryIO) -> LocalContent:
    """The content of a write: bytes, a regular file (by path) or what a file object reads."""
    if isinstance(source, bytes):
        return LocalContent.of(source)
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise SourceError(f"source: {path} does not exist or is not a regular file")
        return LocalContent.of(path)
    return LocalContent.of(source.read())


def header_settings(content_type: str | None, metadata: Mapping[str, str] | None, cache_control: str | None,
                    storage_class: str | None, sse: str | None, kms_key_id: str | None,
                    tags: Mapping[str, str] | None, *, default_type: str | None) -> ObjectSettings:
    """What a write sets, checked by :class:`S3ObjectDesired`'s rules (``default_type``: when none is given)."""
    probe = S3ObjectDesired.model_validate({
        "bucket": "probe-bucket", "key": "probe", "text": "", "content_type": content_type,
        "metadata": dict(metadata) if metadata is not None else None, "cache_control": cache_control,
        "storage_class": storage_class, "sse": sse, "kms_key_id": kms_key_id,
        "tags": dict(tags) if tags is not None else None})
    return ObjectSettings(content_type=probe.content_type or default_type, metadata=probe.metadata or {},
                          cache_control=probe.cache_control or None, storage_class=probe.storage_class,
                          sse=probe.sse, kms_key_id=probe.kms_key_id, tags=probe.tags)


def replaced_settings(info: ObjectInfo, content_type: str | None, metadata: Mapping[str, str] | None,
                      cache_control: str | None, storage_class: str | None) -> ObjectSettings:
    """What a copy or metadata update sets: what is given, and for the rest what ``info`` has."""
    return ObjectSettings(
        content_type=validate_header(content_type, "content_type") if content_type is not None else info.content_type,
        metadata=validate_metadata(metadata) if metadata is not None else dict(info.metadata),
        cache_control=(validate_header(cache_control, "cache_control") or None) if cache_control is not None
        else info.cache_control,
        storage_class=storage_class or info.storage_class, sse=info.sse, kms_key_id=info.kms_key_id,
        sha256=info.sha256)
