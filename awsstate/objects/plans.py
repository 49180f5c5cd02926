"""Plans for S3 objects, as data: what an object or a sync would change, before anything is written.

An :class:`ObjectAction` is one write: ``put`` (a new object), ``replace`` (new content for an
existing key), ``update_metadata`` (an in-place CopyObject that replaces the metadata, the content
untouched), ``update_tags`` (PutObjectTagging) or ``delete``. An :class:`ObjectPlan` is one
desired object; a :class:`SyncPlan` is a bucket prefix against a local tree, and says what the
plan cost (LIST and HEAD requests) and how much it found unchanged. ``str(plan)`` renders them:

```text
s3 sync ./site -> s3://my-site/static/: 3 change(s) (1,000 listed in 1 LIST request, 0 HEAD; 997 unchanged)
  + put static/new.css (1.2 KiB)
  ~ replace static/index.html (4.0 KiB): content differs
  - delete static/old.js
```
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from awsstate.objects.digest import LocalContent
from awsstate.objects.values import ObjectInfo, ObjectSettings, object_url

__all__ = ["ActionType", "ObjectAction", "ObjectPlan", "SyncPlan", "human_size"]

ActionType = Literal["put", "replace", "update_metadata", "update_tags", "delete"]

_SYMBOLS = {"put": "+", "replace": "~", "update_metadata": "~", "update_tags": "~", "delete": "-"}


def human_size(size: int) -> str:
    """``1.2 KiB``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


class ObjectAction(BaseModel):
    """One planned write to one object.

    ``changes`` maps each setting that differs to ``[before, after]`` (``content`` for new
    content); ``source`` names the local file (or manifest entry) an upload reads, and
    ``sha256`` its content hash when the plan computed it.
    """

    model_config = ConfigDict(frozen=True)

    type: ActionType
    """What the write is."""
    bucket: str
    """The bucket."""
    key: str
    """The object's key."""
    size: int | None = None
    """The bytes an upload sends."""
    source: str | None = None
    """The local file (or manifest entry) an upload reads."""
    sha256: str | None = None
    """The upload's content hash (hex), recorded in the object's metadata."""
    observed_etag: str | None = None
    """The object's ETag when planned (``None``: there was none); ``apply(plan)`` refuses a
    plan whose objects changed since."""
    settings: ObjectSettings | None = None
    """What an upload or metadata update sets (``None`` for deletes and tag updates)."""
    tags: dict[str, str] | None = None
    """The tags an upload or tag update sets (``None``: left as they are, or none for a new object)."""
    changes: dict[str, tuple[Any, Any]] = Field(default_factory=dict)
    """``{setting: (before, after)}``."""
    reason: str = ""
    """Why, in words."""

    _content: LocalContent | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        """Equal when every field is: the content carried in hand is not part of the plan (its JSON has none)."""
        if not isinstance(other, ObjectAction):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((self.type, self.bucket, self.key, self.observed_etag, self.sha256))

    @property
    def symbol(self) -> str:
        """``+``, ``~`` or ``-``."""
        return _SYMBOLS[self.type]

    @property
    def url(self) -> str:
        """``s3://bucket/key``."""
        return object_url(self.bucket, self.key)

    @property
    def writes_content(self) -> bool:
        """True for uploads (``put``, ``replace``)."""
        return self.type in ("put", "replace")

    def with_content(self, content: LocalContent | None) -> ObjectAction:
        """This action, carrying the content an upload sends (kept in hand, not in JSON)."""
        self._content = content
        return self

    @property
    def content(self) -> LocalContent | None:
        """The content an upload sends (``None`` for a plan read back from JSON: apply re-reads ``source``)."""
        return self._content

    @property
    def details(self) -> str:
        """One line: the key, the size, what changes."""
        size = f" ({human_size(self.size)})" if self.size is not None and self.writes_content else ""
        changed = "; ".join(f"{name}: {before!r} -> {after!r}" for name, (before, after) in self.changes.items()
                            if name != "content")
        why = changed or self.reason
        return f"{self.type} {self.key}{size}" + (f": {why}" if why else "")

    def __str__(self) -> str:
        return f"{self.symbol} {self.details}"


class ObjectPlan(BaseModel):
    """The plan of one desired object: what HEAD found (``observed``) and the ``actions``."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["s3_object"] = "s3_object"
    """What this plan is of (tells plans apart in a stack plan's JSON)."""
    bucket: str
    """The bucket."""
    key: str
    """The object's key."""
    region: str | None = None
    """The bucket's region, as the desired object names it (``None``: the provider's default)."""
    observed: ObjectInfo | None = None
    """The object as HEAD read it (``None``: there is none)."""
    actions: tuple[ObjectAction, ...] = ()
    """The writes apply makes, in order."""

    @property
    def changed(self) -> bool:
        """Whether apply would write."""
        return bool(self.actions)

    def __str__(self) -> str:
        head = f"s3 object {object_url(self.bucket, self.key)}"
        if not self.actions:
            return f"{head}: no changes"
        return "\n".join([f"{head}: {len(self.actions)} change(s)", *(f"  {a}" for a in self.actions)])


class SyncPlan(BaseModel):
    """The plan of a sync: the writes that make the bucket prefix hold exactly the source.

    ``listed`` objects were found under the prefix in ``list_requests`` LIST requests; ``heads``
    HEAD requests were needed where a listed ETag could not prove the content unchanged;
    ``unchanged`` objects need nothing. Deletes are only ever planned with ``delete=True``.
    """

    model_config = ConfigDict(frozen=True)

    kind: Literal["s3_sync"] = "s3_sync"
    """What this plan is of (tells plans apart in a stack plan's JSON)."""
    bucket: str
    """The bucket."""
    prefix: str
    """The key prefix the source is the truth for."""
    region: str | None = None
    """The bucket's region, as the desired sync names it (``None``: the provider's default)."""
    source: str
    """The local directory (or ``(manifest)``)."""
    actions: tuple[ObjectAction, ...] = ()
    """The writes, uploads first and deletes last."""
    local_files: int = 0
    """Files in the source (after include/exclude)."""
    listed: int = 0
    """Objects listed under the prefix (after include/exclude)."""
    list_requests: int = 0
    """LIST requests the plan made."""
    heads: int = 0
    """HEAD requests the plan made."""
    unchanged: int = 0
    """Objects that already match."""

    @property
    def changed(self) -> bool:
        """Whether apply would write."""
        return bool(self.actions)

    def of_type(self, *types: ActionType) -> list[ObjectAction]:
        """The actions of these types."""
        return [action for action in self.actions if action.type in types]

    @property
    def upload_bytes(self) -> int:
        """The bytes the uploads send."""
        return sum(action.size or 0 for action in self.actions if action.writes_content)

    def __str__(self) -> str:
        cost = (f"{self.listed:,} listed in {self.list_requests} LIST request(s), {self.heads} HEAD; "
                f"{self.unchanged:,} unchanged")
        head = f"s3 sync {self.source} -> {object_url(self.bucket, self.prefix)}"
        if not self.actions:
            return f"{head}: no changes ({cost})"
        return "\n".join([f"{head}: {len(self.actions)} change(s) ({cost})", *(f"  {a}" for a in self.actions)])
