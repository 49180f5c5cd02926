"""The desired state of a bucket prefix: :class:`S3SyncDesired` (a local directory or manifest is the truth).

Every object under ``prefix`` (that the include/exclude globs keep) should be exactly a file of
``source`` at the same relative path, with the settings given here. What a sync may delete is
bounded three ways: deletes are planned only with ``delete=True``; never when the source has no
file in scope; and never more than ``max_delete_fraction`` of the objects listed, unless
``force_delete=True``. A source directory that does not exist is always an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from awsstate.objects.compare import WantedSettings
from awsstate.objects.names import BucketOrRef, CacheControl, ContentType, Metadata, Sse, StorageClass, validate_key
from awsstate.objects.tree import Filter
from awsstate.resources.identifiers import validate_kms_key_id
from awsstate.resources.validation import Region

__all__ = ["S3SyncDesired"]


class S3SyncDesired(BaseModel):
    """A bucket prefix whose objects are exactly the files of ``source``.

    Settings left ``None`` are not managed on existing objects; uploads set what is given here
    (and a content type guessed from each file's name when ``content_type`` is unset).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    bucket: BucketOrRef
    """The bucket, by name: it must exist (create it with ``S3BucketManager``), or in a
    :class:`~awsstate.stack.Stack`, ``bucket.ref.name`` of a bucket in the stack (planned and applied after it)."""
    prefix: str = ""
    """The key prefix the source is the truth for; a ``/`` is added when missing (``static`` is ``static/``)."""
    source: Path | dict[str, bytes | Path]
    """A local directory (a ``str`` is a path), or a manifest: relative key -> bytes or a file."""
    region: Region | None = None
    """The bucket's region (unset: the provider's default; S3 redirects a wrong one, at a cost)."""
    delete: bool = False
    """Delete objects under the prefix that the source does not have. Off by default."""
    force_delete: bool = False
    """Allow the deletes that the guards refuse: with a source that has no file in scope, or more
    than ``max_delete_fraction`` of the listed objects."""
    max_delete_fraction: float = Field(default=0.5, gt=0.0, le=1.0)
    """The largest share of the listed objects one sync may delete without ``force_delete``."""
    include: tuple[str, ...] = ()
    """Globs of relative paths in scope (empty: every file)."""
    exclude: tuple[str, ...] = ()
    """Globs of relative paths out of scope: never uploaded, and never deleted remotely."""
    content_type: ContentType | None = None
    """One content type for every file (unset: guessed from each name)."""
    metadata: Metadata | None = None
    """User metadata for every object; compared on existing objects only with ``verify_metadata``."""
    cache_control: CacheControl | None = None
    """``Cache-Control`` for every object; ``""``: none."""
    storage_class: StorageClass | None = None
    """The storage class of every object (the listing shows it: compared on every sync)."""
    sse: Sse | None = None
    """Server-side encryption of uploads."""
    kms_key_id: str | None = None
    """The KMS key of uploads with ``sse="aws:kms"``."""
    verify_metadata: bool = False
    """Also compare content type, cache control, metadata and encryption of objects whose content
    is unchanged: one HEAD per object (a LIST does not return metadata). Differences are planned
    as in-place metadata updates."""
    follow_symlinks: bool = True
    """Upload what symbolic links point to (loops are refused); ``False``: skip links."""

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = Path(value)
        if isinstance(value, Path):
            if not value.exists():
                raise ValueError(f"{value} does not exist")
            if not value.is_dir():
                raise ValueError(f"{value} is not a directory (sync a directory; write one file with S3Objects.write)")
        elif isinstance(value, Mapping):
            value = {str(k): (Path(v) if isinstance(v, str) else v) for k, v in value.items()}
            for relative in value:
                if not relative or relative.startswith("/") or relative.endswith("/"):
                    raise ValueError(f"manifest key {relative!r}: a relative key, not empty, not starting or ending "
                                     "with '/'")
        return value

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if value.startswith("/"):
            raise ValueError(f"{value!r}: S3 keys do not start with '/'")
        if value and not value.endswith("/"):
            value += "/"
        if value:
            validate_key(value)
        return value

    @field_validator("kms_key_id")
    @classmethod
    def _kms(cls, value: str | None) -> str | None:
        return None if value is None else validate_kms_key_id(value)

    @model_validator(mode="after")
    def _consistent(self) -> S3SyncDesired:
        if self.kms_key_id is not None and self.sse not in ("aws:kms", "aws:kms:dsse"):
            raise ValueError("kms_key_id: needs sse='aws:kms' (or 'aws:kms:dsse')")
        return self

    @property
    def filter(self) -> Filter:
        """The include/exclude globs."""
        return Filter(self.include, self.exclude)

    @property
    def source_label(self) -> str:
        """The source, for plans and messages."""
        return str(self.source) if isinstance(self.source, Path) else "(manifest)"

    def wanted(self, *, with_metadata: bool) -> WantedSettings:
        """The settings compared on existing objects (metadata-like ones only when verifying)."""
        if not with_metadata:
            return WantedSettings(storage_class=self.storage_class)
        return WantedSettings(content_type=self.content_type, metadata=self.metadata, cache_control=self.cache_control,
                              storage_class=self.storage_class, sse=self.sse, kms_key_id=self.kms_key_id)
