"""Comparing what is in S3 with what is wanted: content by digest, settings field by field. Pure.

**Content** (:func:`content_matches`), from the strongest evidence S3 gives:

1. the ETag, when it is an MD5 digest: the object is not SSE-KMS or SSE-C encrypted, and it is
   single-part (the MD5 of the content) or multipart with the part count awsstate's part size
   gives (computed locally, see :class:`~awsstate.objects.digest.LocalContent`). S3 computes it:
   it cannot be stale;
2. otherwise (SSE-KMS, another tool's part size) the SHA-256 awsstate recorded in the object's
   metadata when it uploaded it, or S3's own SHA-256 checksum;
3. otherwise it cannot tell (``None``): the caller re-uploads, which records a hash for next time.

**Settings** (:func:`settings_changes`): each managed field (not ``None``) against what HEAD
read. AWS encrypts every object (SSE-S3 when nothing else is asked), so an object reported
without encryption (moto) satisfies ``sse="AES256"``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from awsstate.objects.digest import LocalContent
from awsstate.objects.values import ObjectInfo, ObjectSettings, TransferSettings

__all__ = ["WantedSettings", "content_matches", "kms_key_matches", "settings_changes"]

_OPAQUE_ETAG_SSE = frozenset({"aws:kms", "aws:kms:dsse"})


@dataclass(frozen=True, slots=True)
class WantedSettings:
    """The settings a desired object or sync manages (``None``: unmanaged; ``cache_control=""``: none)."""

    content_type: str | None = None
    metadata: Mapping[str, str] | None = None
    cache_control: str | None = None
    storage_class: str | None = None
    sse: str | None = None
    kms_key_id: str | None = None

    def merged(self, observed: ObjectInfo | None, *, guessed_type: str | None, sha256: str | None) -> ObjectSettings:
        """What a write sets: the managed fields, and for the others what ``observed`` has (kept)."""
        keep = observed
        return ObjectSettings(
            content_type=self.content_type or (keep.content_type if keep else None) or guessed_type,
            metadata=dict(self.metadata if self.metadata is not None else (keep.metadata if keep else {})),
            cache_control=(self.cache_control or None) if self.cache_control is not None else
            (keep.cache_control if keep else None),
            storage_class=self.storage_class or (keep.storage_class if keep else None),
            sse=self.sse or (keep.sse if keep else None),
            kms_key_id=self.kms_key_id or (keep.kms_key_id if keep and self.sse in (None, keep.sse) else None),
            sha256=sha256,
        )


def content_matches(info: ObjectInfo, local: LocalContent, transfer: TransferSettings) -> bool | None:
    """Whether the object ``info`` holds exactly ``local``'s content (``None``: cannot tell)."""
    if info.size != local.size:
        return False
    if info.sse not in _OPAQUE_ETAG_SSE:
        verdict = local.matches_etag(info.etag, transfer)
        if verdict is not None:
            return verdict
    if info.sha256:
        return info.sha256 == local.sha256
    if info.checksum_sha256 and "-" not in info.checksum_sha256:
        return info.checksum_sha256 == base64.b64encode(bytes.fromhex(local.sha256)).decode()
    return None


def kms_key_matches(observed: str | None, wanted: str) -> bool:
    """Whether the KMS key S3 reports (an ARN) is ``wanted`` (an ARN or key id; an alias cannot be
    compared without asking KMS, and is taken as matching)."""
    if wanted.startswith("alias/") or ":alias/" in wanted:
        return True
    if observed is None:
        return False
    return observed == wanted or observed.endswith(f"/{wanted}")


def _none_if_empty(value: str | None) -> str | None:
    return value or None


def settings_changes(wanted: WantedSettings, info: ObjectInfo) -> dict[str, tuple[Any, Any]]:
    """``{field: (observed, wanted)}`` for each managed setting that differs."""
    changes: dict[str, tuple[Any, Any]] = {}
    if wanted.content_type is not None and wanted.content_type != info.content_type:
        changes["content_type"] = (info.content_type, wanted.content_type)
    if wanted.cache_control is not None and _none_if_empty(wanted.cache_control) != info.cache_control:
        changes["cache_control"] = (info.cache_control, _none_if_empty(wanted.cache_control))
    if wanted.metadata is not None and dict(wanted.metadata) != dict(info.metadata):
        changes["metadata"] = (dict(info.metadata), dict(wanted.metadata))
    if wanted.storage_class is not None and wanted.storage_class != info.storage_class:
        changes["storage_class"] = (info.storage_class, wanted.storage_class)
    if wanted.sse is not None and wanted.sse != (info.sse or "AES256"):
        changes["sse"] = (info.sse or "AES256", wanted.sse)
    if wanted.kms_key_id is not None and not kms_key_matches(info.kms_key_id, wanted.kms_key_id):
        changes["kms_key_id"] = (info.kms_key_id, wanted.kms_key_id)
    return changes
