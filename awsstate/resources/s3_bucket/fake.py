"""What the in-memory fake needs for S3 buckets: their objects, and the writes AWS refuses."""

from __future__ import annotations

from collections.abc import Mapping

from awsstate.canonical import Json, is_aws_tag
from awsstate.resources.s3_bucket.access import object_lock_replace_reason

__all__ = ["BucketContents", "check_object_lock", "check_tags", "created_with"]


class BucketContents:
    """The objects of one fake bucket: current objects, and noncurrent versions and delete
    markers when the bucket is versioned (as on AWS, a replaced or deleted object then stays)."""

    def __init__(self, aspects: Mapping[str, Json]) -> None:
        self._aspects = aspects  # the bucket's live aspect values: versioning decides what stays
        self.objects: dict[str, bytes] = {}
        self.versions: list[tuple[str, str]] = []

    def __repr__(self) -> str:
        return f"BucketContents(objects={len(self.objects)}, versions={len(self.versions)})"

    def _versioned(self) -> bool:
        return self._aspects.get("versioning") == "Enabled"

    def put_object(self, key: str, body: bytes = b"") -> None:
        """Put an object; in a versioned bucket the object it replaces stays as a noncurrent version."""
        if key in self.objects and self._versioned():
            self.versions.append((key, f"v{len(self.versions) + 1}"))
        self.objects[key] = body

    def delete_object(self, key: str) -> None:
        """Delete an object; in a versioned bucket this leaves its version and a delete marker."""
        if self._versioned():
            if key in self.objects:
                self.versions.append((key, f"v{len(self.versions) + 1}"))
            self.versions.append((key, f"marker{len(self.versions) + 1}"))
        self.objects.pop(key, None)

    def summary(self) -> str | None:
        """``None`` when empty; else how many objects, versions and delete markers it holds."""
        if not self.objects and not self.versions:
            return None
        return (f"{len(self.objects)} object(s), {len(self.versions)} other version(s) and delete marker(s)")

    def clear(self) -> None:
        """Delete every object version and delete marker."""
        self.objects.clear()
        self.versions.clear()


def _system_tags(tags: Json) -> dict[str, Json]:
    return {k: v for k, v in tags.items() if is_aws_tag(k)} if isinstance(tags, dict) else {}


def check_tags(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    """S3 refuses a tag write that adds, changes or drops an ``aws:`` tag."""
    if _system_tags(new) != _system_tags(current):
        return "System tags (aws:) cannot be added, changed or removed by the requester"
    return None


def check_object_lock(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    """S3 never turns object lock off, and turns it on only on a versioned bucket."""
    was_on = isinstance(current, dict) and current.get("enabled")
    if isinstance(new, dict) and new.get("enabled") and not was_on and aspects.get("versioning") != "Enabled":
        return "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"
    return object_lock_replace_reason(current, new)


def created_with(params: Mapping[str, Json]) -> dict[str, Json]:
    """What CreateBucket sets besides its parameters: Object Lock at creation enables versioning."""
    lock = params.get("object_lock")
    return {"versioning": "Enabled"} if isinstance(lock, dict) and lock.get("enabled") else {}
