"""Who may do what with a bucket, and what it keeps: policy, canned ACL, object ownership,
server access logging and object lock. User models, AWS's rules, canonical values.

Canonical values:

* ``policy``: the policy document as a JSON object, or ``None`` (no policy). Compared with
  :func:`awsstate.canonical.canonical_policy` (statement order, single item vs list, ``"*"`` vs
  ``{"AWS": "*"}``, default ``Version`` ...).
* ``acl``: the canned ACL the bucket's grants amount to, or ``"custom"`` for grants no canned
  ACL gives.
* ``object_ownership``: ``BucketOwnerEnforced``, ``BucketOwnerPreferred`` or ``ObjectWriter``
  (a bucket with no ownership controls behaves as ``ObjectWriter``).
* ``logging``: ``{"target_bucket", "target_prefix"}`` or ``None`` (logging off).
* ``object_lock``: ``{"enabled": bool}`` plus ``mode`` and ``days`` or ``years`` for a default
  retention.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from awsstate.canonical import Json
from awsstate.policies import PolicyDocumentError, canonical_policy, parse_policy, validate_policy
from awsstate.refs import allow_ref
from awsstate.resources.s3_bucket.naming import validate_bucket_name
from awsstate.resources.settings import Settings, overlay

__all__ = [
    "MAX_POLICY_SIZE",
    "BucketLogging",
    "CannedAcl",
    "ObjectLock",
    "ObjectOwnership",
    "check_policy",
    "logging_merge",
    "logging_normal",
    "object_lock_merge",
    "object_lock_normal",
    "object_lock_replace_reason",
    "object_lock_value",
    "policy_normal",
    "policy_value",
]

MAX_POLICY_SIZE = 20 * 1024  # bytes; AWS's limit for a bucket policy
CannedAcl = Literal["private", "public-read", "public-read-write", "authenticated-read", "log-delivery-write"]
"""The canned ACLs that apply to buckets."""
ObjectOwnership = Literal["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]
"""Object ownership: ``BucketOwnerEnforced`` disables ACLs (AWS's default for new buckets)."""


def _resources(statement: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for key in ("Resource", "NotResource"):
        value = statement.get(key)
        found.extend([value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)])
    return found


def check_policy(value: str | Mapping[str, Any], bucket: str) -> dict[str, Json] | None:
    """Validate a bucket policy as S3 would: structure, principals, size, and that every resource is
    this bucket or objects in it. Returns the document (``None`` for an empty one)."""
    if (isinstance(value, str) and not value.strip()) or (isinstance(value, Mapping) and not value):
        return None
    try:
        document = validate_policy(value, require_principal=True, max_size=MAX_POLICY_SIZE)
    except PolicyDocumentError as error:
        raise ValueError(str(error)) from None
    statements = document["Statement"]
    for index, statement in enumerate(statements if isinstance(statements, list) else [statements], start=1):
        for resource in _resources(statement if isinstance(statement, dict) else {}):
            tail = resource.split(":::", 1)[-1] if resource.startswith("arn:") else ""
            if not resource.startswith(("arn:aws:s3:::", "arn:aws-cn:s3:::", "arn:aws-us-gov:s3:::")) or not (
                    tail == bucket or tail.startswith(f"{bucket}/")):
                raise ValueError(f"statement {index}: resource {resource!r} is not bucket {bucket!r} or an object "
                                 "in it (S3 rejects such a policy: 'Policy has invalid resource')")
    return document


def policy_value(value: str | Mapping[str, Any]) -> Json:
    """The canonical value of a policy given as JSON text or a mapping (``None`` when empty)."""
    if (isinstance(value, str) and not value.strip()) or (isinstance(value, Mapping) and not value):
        return None
    return parse_policy(value)


def policy_normal(value: Json) -> object:
    """Semantic form of a policy (``None`` for none)."""
    if not isinstance(value, dict | str):
        return None
    return canonical_policy(value)


class BucketLogging(Settings):
    """Server access logging: where S3 writes the bucket's access logs.

    The target bucket must let S3 log delivery write to it: a bucket policy allowing the service
    principal ``logging.s3.amazonaws.com`` ``s3:PutObject`` (or, with ACLs enabled, the
    ``log-delivery-write`` canned ACL). It may be this bucket itself. ``target_prefix`` left
    unset keeps the prefix logging has (``""`` when logging is off).
    """

    target_bucket: str
    """The bucket that receives the logs (same region and account)."""
    target_prefix: str = Field(default="", max_length=1024)
    """Key prefix of the log objects (``logs/``)."""

    @field_validator("target_bucket")
    @classmethod
    def _bucket_name(cls, value: str) -> str:
        return allow_ref(validate_bucket_name, kinds=("s3_bucket",), attributes=("name",))(value)

    @field_validator("target_prefix")
    @classmethod
    def _printable(cls, value: str) -> str:
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise ValueError("target_prefix must not contain control characters")
        return value


def logging_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    """Logging to hold: an unset ``target_prefix`` keeps the prefix logging has."""
    if not isinstance(wanted, dict):
        return None
    return overlay(wanted, observed, {"target_prefix": ""})


def logging_normal(value: Json) -> object:
    """Semantic form: ``None`` when off; the prefix defaults to ``""``."""
    if not isinstance(value, dict) or not value.get("target_bucket"):
        return None
    return {"target_bucket": value["target_bucket"], "target_prefix": value.get("target_prefix") or ""}


class ObjectLock(Settings):
    """S3 Object Lock, and the default retention of new object versions.

    Object Lock is enabled when the bucket is created, or later on a versioned bucket (one
    PutObjectLockConfiguration call). It cannot be disabled once enabled: asking for that is
    planned as a replacement of the bucket. The default retention (``mode`` with ``days`` or
    ``years``) is one setting: left unset (``ObjectLock()``, ``object_lock=True``) it keeps the
    bucket's retention; ``mode=None`` removes it.
    """

    enabled: bool = True
    """Whether Object Lock is on."""
    mode: Literal["GOVERNANCE", "COMPLIANCE"] | None = None
    """Default retention mode for new object versions (unset: no default retention)."""
    days: int | None = Field(default=None, ge=1, le=36500)
    """Default retention in days (exclusive with ``years``)."""
    years: int | None = Field(default=None, ge=1, le=100)
    """Default retention in years (exclusive with ``days``)."""

    @model_validator(mode="after")
    def _retention(self) -> ObjectLock:
        if self.mode is None and (self.days is not None or self.years is not None):
            raise ValueError("days/years need a retention mode (GOVERNANCE or COMPLIANCE)")
        if self.mode is not None and (self.days is None) == (self.years is None):
            raise ValueError("a default retention needs exactly one of days and years")
        if not self.enabled and self.mode is not None:
            raise ValueError("a default retention needs enabled=True")
        return self


_RETENTION = ("mode", "days", "years")


def object_lock_value(value: ObjectLock) -> Json:
    """The canonical value of the user's object lock: the retention only when it was given."""
    if not value.enabled:
        return {"enabled": False}
    out: dict[str, Json] = {"enabled": True}
    if value.given(*_RETENTION):
        out.update({key: getattr(value, key) for key in _RETENTION})
    return out


def object_lock_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    """Object lock to hold: an unmanaged retention keeps the bucket's (``mode`` absent from ``wanted``)."""
    if not isinstance(wanted, dict) or not wanted.get("enabled"):
        return wanted
    source = wanted if "mode" in wanted else observed if isinstance(observed, dict) and observed.get("enabled") else {}
    retention = {key: source[key] for key in _RETENTION if source.get(key) not in (None, 0)}
    return {"enabled": True, **retention}


def object_lock_normal(value: Json) -> object:
    """Semantic form: ``{"enabled": False}`` when off; zero days/years (as moto reports) dropped."""
    if not isinstance(value, dict) or not value.get("enabled"):
        return {"enabled": False}
    return {k: v for k, v in value.items() if v not in (None, 0)}


def object_lock_replace_reason(before: Json, after: Json) -> str | None:
    """Why a change of object lock needs a new bucket: it can never be turned off."""
    if isinstance(before, dict) and before.get("enabled") and not (isinstance(after, dict) and after.get("enabled")):
        return "object lock cannot be disabled once enabled"
    return None
