"""What the in-memory fake needs for S3 buckets: their objects, and the writes AWS refuses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json, is_aws_tag
from awsstate.resources.s3_bucket.access import object_lock_replace_reason
from awsstate.resources.s3_bucket.rules import PUBLIC_ACLS, is_public_policy

__all__ = ["BucketContents", "check_acl", "check_object_lock", "check_policy_write", "check_tags",
           "check_versioning", "created_with"]


class BucketContents:
    """The objects of one fake bucket: current objects, and noncurrent versions and delete
    markers when the bucket is versioned (as on AWS, a replaced or deleted object then stays)."""

    def __init__(self, aspects: Mapping[str, Json]) -> None:
        self._aspects = aspects  # the bucket's live aspect values: versioning decides what stays
        self.objects: dict[str, bytes] = {}
        self.versions: list[tuple[str, str]] = []
        # Per current object: its metadata (an awsstate.objects.values.ObjectInfo; absent for an
        # object put without, whose metadata the fake derives from its bytes) and its tags.
        self.heads: dict[str, Any] = {}
        self.tags: dict[str, dict[str, str]] = {}

    def __repr__(self) -> str:
        return f"BucketContents(objects={len(self.objects)}, versions={len(self.versions)})"

    def _versioned(self) -> bool:
        return self._aspects.get("versioning") == "Enabled"

    @property
    def aspects(self) -> Mapping[str, Json]:
        """The bucket's live aspect values (its default encryption decides how new objects are encrypted)."""
        return self._aspects

    def put_object(self, key: str, body: bytes = b"", *, head: Any = None,
                   tags: Mapping[str, str] | None = None) -> None:
        """Put an object; in a versioned bucket the object it replaces stays as a noncurrent version.

        ``head`` is its metadata (an ``ObjectInfo``; default: derived from the bytes), ``tags`` its tags.
        """
        if key in self.objects and self._versioned():
            self.versions.append((key, f"v{len(self.versions) + 1}"))
        self.objects[key] = body
        self.heads.pop(key, None)
        if head is not None:
            self.heads[key] = head
        self.tags[key] = dict(tags or {})

    def delete_object(self, key: str) -> None:
        """Delete an object; in a versioned bucket this leaves its version and a delete marker."""
        if self._versioned():
            if key in self.objects:
                self.versions.append((key, f"v{len(self.versions) + 1}"))
            self.versions.append((key, f"marker{len(self.versions) + 1}"))
        self.objects.pop(key, None)
        self.heads.pop(key, None)
        self.tags.pop(key, None)

    def summary(self) -> str | None:
        """``None`` when empty; else how many objects, versions and delete markers it holds."""
        if not self.objects and not self.versions:
            return None
        return (f"{len(self.objects)} object(s), {len(self.versions)} other version(s) and delete marker(s)")

    def clear(self) -> None:
        """Delete every object version and delete marker."""
        self.objects.clear()
        self.versions.clear()
        self.heads.clear()
        self.tags.clear()


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


def _blocks(aspects: Mapping[str, Json], flag: str) -> bool:
    block = aspects.get("block_public_access")
    return isinstance(block, dict) and block.get(flag) is True


def check_policy_write(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    """S3 refuses a public policy while public policies are blocked (AWS: 403 AccessDenied)."""
    if is_public_policy(new) and _blocks(aspects, "block_public_policy"):
        return ("Access Denied: public policies are blocked by the BlockPublicPolicy block public access setting "
                "(policy vs block_public_access.block_public_policy)")
    return None


def check_acl(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    """S3 refuses a public ACL under BlockPublicAcls, and any ACL but private under BucketOwnerEnforced."""
    if new != "private" and aspects.get("object_ownership") == "BucketOwnerEnforced":
        return "AccessControlListNotSupported: The bucket does not allow ACLs (acl vs object_ownership)"
    if new in PUBLIC_ACLS and _blocks(aspects, "block_public_acls"):
        return ("Access Denied: public ACLs are blocked by the BlockPublicAcls block public access setting "
                "(acl vs block_public_access.block_public_acls)")
    return None


def check_versioning(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    """S3 never suspends versioning on a bucket with Object Lock (AWS: InvalidBucketState)."""
    lock = aspects.get("object_lock")
    if new == "Suspended" and isinstance(lock, dict) and lock.get("enabled"):
        return ("InvalidBucketState: An Object Lock configuration is present on this bucket, so the versioning "
                "state cannot be changed (versioning vs object_lock)")
    return None


def created_with(params: Mapping[str, Json]) -> dict[str, Json]:
    """What CreateBucket sets besides its parameters: Object Lock at creation enables versioning."""
    lock = params.get("object_lock")
    return {"versioning": "Enabled"} if isinstance(lock, dict) and lock.get("enabled") else {}
