"""S3 inventory configurations: the user model, AWS's rules, and the canonical value's semantics.

Canonical value of the ``inventory_configurations`` aspect: a list of flat snake_case objects
(the fields of :class:`InventoryConfiguration`, unset ones left out, ``optional_fields`` sorted).
``[]`` means none. They form a set keyed by ``id`` (``purge_inventory_configurations=False`` only
ensures the ones given); each one is given whole.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from awsstate.canonical import Json, canonical_json, canonical_set
from awsstate.resources.s3_bucket.naming import validate_bucket_name
from awsstate.resources.settings import member_merge

__all__ = ["INVENTORY_FIELDS", "MAX_INVENTORY_CONFIGURATIONS", "InventoryConfiguration", "inventory_merge",
           "inventory_normal", "inventory_value"]

MAX_INVENTORY_CONFIGURATIONS = 1000
INVENTORY_FIELDS = frozenset({
    "Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded", "ReplicationStatus",
    "EncryptionStatus", "ObjectLockRetainUntilDate", "ObjectLockMode", "ObjectLockLegalHoldStatus",
    "IntelligentTieringAccessTier", "BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList",
    "ObjectOwner",
})
"""The optional fields an inventory report can list (AWS's ``OptionalFields`` values)."""
_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}\Z")
_ACCOUNT = re.compile(r"^\d{12}\Z")


class InventoryConfiguration(BaseModel):
    """One inventory report of the bucket's objects, written daily or weekly to another bucket.

    A member of a set keyed by ``id``: it is given whole (a field left unset has AWS's default).
    The destination bucket must let S3 write to it (a bucket policy for ``s3.amazonaws.com``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    """The configuration's id (1-64 letters, digits, ``.``, ``_``, ``-``), unique in the bucket."""
    destination_bucket: str
    """The bucket the reports are written to (its name)."""
    destination_prefix: str | None = Field(default=None, min_length=1, max_length=512)
    """Key prefix of the reports."""
    destination_account_id: str | None = None
    """The account that owns the destination bucket (checked by S3 when given)."""
    format: Literal["CSV", "ORC", "Parquet"] = "CSV"
    """The report format."""
    optional_fields: list[str] = Field(default_factory=list)
    """Extra fields of each object listed (``Size``, ``ETag``, ``StorageClass`` ...); order does not matter."""
    included_object_versions: Literal["All", "Current"] = "Current"
    """List every object version (``All``) or only current ones."""
    schedule: Literal["Daily", "Weekly"] = "Daily"
    """How often a report is written."""
    prefix: str | None = Field(default=None, min_length=1, max_length=1024)
    """Only objects whose keys start with this."""
    enabled: bool = True
    """Whether reports are written."""

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"inventory id {value!r} must be 1-64 letters, digits, '.', '_' or '-'")
        return value

    @field_validator("destination_account_id")
    @classmethod
    def _account(cls, value: str | None) -> str | None:
        if value is not None and not _ACCOUNT.match(value):
            raise ValueError(f"destination_account_id {value!r} must be a 12-digit account id")
        return value

    @field_validator("destination_bucket")
    @classmethod
    def _bucket(cls, value: str) -> str:
        return validate_bucket_name(value)

    @field_validator("optional_fields")
    @classmethod
    def _known_fields(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - INVENTORY_FIELDS)
        if unknown:
            raise ValueError(f"unknown inventory field(s) {unknown}; known: {', '.join(sorted(INVENTORY_FIELDS))}")
        return value


def inventory_value(value: list[InventoryConfiguration]) -> Json:
    """The canonical value of the user's inventory configurations."""
    out: list[Json] = []
    for item in value:
        entry: dict[str, Any] = item.model_dump(mode="json", exclude_none=True)
        entry["optional_fields"] = canonical_set(item.optional_fields)
        out.append(entry)
    return sorted(out, key=lambda e: str(e["id"]) if isinstance(e, dict) else "")


def _id(entry: Json) -> str:
    return str(entry.get("id")) if isinstance(entry, dict) else ""


def _sorted(value: Json) -> Json:
    return sorted(value, key=_id) if isinstance(value, list) else []


inventory_merge = member_merge("inventory_configurations", key=_id, finish=_sorted)
"""The set of configurations after apply (``purge_inventory_configurations`` honoured)."""

_DEFAULTS: dict[str, Json] = {"format": "CSV", "included_object_versions": "Current", "schedule": "Daily",
                              "enabled": True, "optional_fields": []}


def inventory_normal(value: Json) -> object:
    """Semantic form: sorted by id; AWS's defaults filled in; optional fields as a set."""
    entries = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, dict):
            continue
        normal = {**_DEFAULTS, **{k: v for k, v in entry.items() if v is not None}}
        fields = normal.get("optional_fields")
        normal["optional_fields"] = canonical_set(fields if isinstance(fields, list) else [])
        entries.append(normal)
    return sorted(entries, key=canonical_json)
