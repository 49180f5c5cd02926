"""S3 lifecycle rules: the user model, AWS's limits, and the canonical value's semantics.

Canonical value of the ``lifecycle_rules`` aspect: a list of flat snake_case rule objects, the
fields of :class:`LifecycleRule` with unset ones left out (``date`` fields as ``"YYYY-MM-DD"``).
``[]`` means no lifecycle configuration. Rule order does not matter to S3 (every rule applies),
so rules compare as a set keyed by id.

AWS gives a rule without an ``ID`` a generated one. So that a rule written without an id does not
differ forever from what AWS reads back, the rule adopts the id of an existing rule with the same
content, or else gets a stable id derived from its content (``awsstate-<hash>``).
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from awsstate.canonical import Json, canonical_json
from awsstate.resources.validation import Tags

__all__ = [
    "INT32_MAX",
    "INT64_MAX",
    "MAX_LIFECYCLE_RULES",
    "LifecycleRule",
    "NoncurrentTransition",
    "StorageClass",
    "Transition",
    "lifecycle_after",
    "lifecycle_normal",
    "lifecycle_value",
]

MAX_LIFECYCLE_RULES = 1000
INT32_MAX = 2**31 - 1
"""The largest day count S3's API takes (an ``Integer``)."""
INT64_MAX = 2**63 - 1
"""The largest object size S3's API takes (a ``Long``)."""
StorageClass = Literal["GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR"]
"""Storage classes a lifecycle transition can move objects to."""
_MIN_DAYS_IA = 30  # AWS refuses transitions to the IA classes before 30 days


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Transition(_Frozen):
    """Move current object versions to another storage class after ``days`` or on ``date``."""

    storage_class: StorageClass
    """The storage class to move objects to."""
    days: int | None = Field(default=None, ge=0, le=INT32_MAX)
    """Days after creation (``0`` is allowed for GLACIER, INTELLIGENT_TIERING ...)."""
    date: datetime.date | None = None
    """The day (midnight UTC) on which objects move."""

    @model_validator(mode="after")
    def _days_xor_date(self) -> Transition:
        if (self.days is None) == (self.date is None):
            raise ValueError("a transition needs exactly one of days and date")
        if self.storage_class in ("STANDARD_IA", "ONEZONE_IA") and self.days is not None and self.days < _MIN_DAYS_IA:
            raise ValueError(f"transitions to {self.storage_class} need days >= {_MIN_DAYS_IA}")
        return self


class NoncurrentTransition(_Frozen):
    """Move noncurrent versions to another storage class ``noncurrent_days`` after they become noncurrent."""

    storage_class: StorageClass
    """The storage class to move versions to."""
    noncurrent_days: int = Field(ge=1, le=INT32_MAX)
    """Days after the version became noncurrent."""
    newer_noncurrent_versions: int | None = Field(default=None, ge=1, le=100)
    """Keep this many newer noncurrent versions out of the transition."""


class LifecycleRule(_Frozen):
    """One lifecycle rule. Set a filter (or none: the whole bucket) and at least one action."""

    id: str | None = Field(default=None, min_length=1, max_length=255)
    """The rule's id (unique in the bucket). Unset: adopted from an identical existing rule, or
    derived from the rule's content (AWS would otherwise generate one)."""
    status: Literal["Enabled", "Disabled"] = "Enabled"
    """Whether the rule is applied."""
    prefix: str | None = Field(default=None, max_length=1024)
    """Filter: only keys starting with this prefix (``""`` or unset: every key)."""
    tags: Tags | None = None
    """Filter: only objects carrying all these tags."""
    object_size_greater_than: int | None = Field(default=None, ge=0, le=INT64_MAX)
    """Filter: only objects larger than this many bytes."""
    object_size_less_than: int | None = Field(default=None, ge=1, le=INT64_MAX)
    """Filter: only objects smaller than this many bytes."""
    expiration_days: int | None = Field(default=None, ge=1, le=INT32_MAX)
    """Expire current versions this many days after creation."""
    expiration_date: datetime.date | None = None
    """Expire current versions on this day (midnight UTC)."""
    expired_object_delete_marker: bool | None = None
    """Remove delete markers that have no noncurrent versions left."""
    transitions: list[Transition] | None = None
    """Storage class transitions of current versions."""
    noncurrent_expiration_days: int | None = Field(default=None, ge=1, le=INT32_MAX)
    """Delete noncurrent versions this many days after they become noncurrent."""
    newer_noncurrent_versions: int | None = Field(default=None, ge=1, le=100)
    """With ``noncurrent_expiration_days``: keep this many newer noncurrent versions."""
    noncurrent_transitions: list[NoncurrentTransition] | None = None
    """Storage class transitions of noncurrent versions."""
    abort_incomplete_multipart_upload_days: int | None = Field(default=None, ge=1, le=INT32_MAX)
    """Abort multipart uploads still incomplete this many days after they started."""

    @model_validator(mode="after")
    def _consistent(self) -> LifecycleRule:
        actions = (self.expiration_days, self.expiration_date, self.expired_object_delete_marker, self.transitions,
                   self.noncurrent_expiration_days, self.noncurrent_transitions,
                   self.abort_incomplete_multipart_upload_days)
        if all(a is None or a == [] for a in actions):
            raise ValueError("a lifecycle rule needs at least one action (expiration, transition, noncurrent "
                             "version rule or abort_incomplete_multipart_upload_days)")
        if self.expiration_days is not None and self.expiration_date is not None:
            raise ValueError("expiration_days and expiration_date are exclusive")
        if self.expired_object_delete_marker and (self.expiration_days or self.expiration_date):
            raise ValueError("expired_object_delete_marker cannot be combined with expiration_days or expiration_date")
        if self.expired_object_delete_marker and self.tags:
            raise ValueError("expired_object_delete_marker cannot be used with a tag filter")
        if self.abort_incomplete_multipart_upload_days is not None and self.tags:
            raise ValueError("abort_incomplete_multipart_upload_days cannot be used with a tag filter")
        if self.newer_noncurrent_versions is not None and self.noncurrent_expiration_days is None:
            raise ValueError("newer_noncurrent_versions needs noncurrent_expiration_days")
        low, high = self.object_size_greater_than, self.object_size_less_than
        if low is not None and high is not None and low >= high:
            raise ValueError("object_size_greater_than must be less than object_size_less_than")
        return self


def lifecycle_value(rules: list[LifecycleRule]) -> Json:
    """The canonical value of the user's rules (ids not yet assigned)."""
    return [rule.model_dump(mode="json", exclude_none=True) for rule in rules]


def _content(rule: Json) -> dict[str, Json]:
    """A rule's meaning, without its id: what decides whether two rules are the same."""
    normal = _normal_rule(rule)
    normal.pop("id", None)
    return normal


def _normal_rule(rule: Json) -> dict[str, Json]:
    if not isinstance(rule, dict):
        return {}
    out: dict[str, Json] = {}
    for key, value in rule.items():
        if value is None or value == [] or value == {} or (key == "prefix" and value == ""):
            continue  # an empty filter part is no filter
        if key == "expired_object_delete_marker" and value is False:
            continue
        if key in ("transitions", "noncurrent_transitions") and isinstance(value, list):
            items: list[Json] = [{k: v for k, v in item.items() if v is not None}
                                 for item in value if isinstance(item, dict)]
            value = sorted(items, key=canonical_json)
        out[key] = value
    out.setdefault("status", "Enabled")
    return out


def lifecycle_normal(value: Json) -> object:
    """Semantic form: rules without empty parts, sorted by id (rule order means nothing to S3)."""
    rules = value if isinstance(value, list) else []
    return sorted((_normal_rule(rule) for rule in rules), key=canonical_json)


def stable_id(prefix: str, content: Json) -> str:
    """A short id derived from content: the same content always gets the same id."""
    return f"{prefix}-{hashlib.sha256(canonical_json(content).encode()).hexdigest()[:16]}"


def lifecycle_after(wanted: Json, observed: Json) -> Json:
    """The rules to hold: the user's, each rule without an id given the id AWS would keep."""
    rules = wanted if isinstance(wanted, list) else []
    existing = [r for r in observed if isinstance(r, dict)] if isinstance(observed, list) else []
    taken = {r.get("id") for r in rules if isinstance(r, dict) and r.get("id")}
    result: list[Json] = []
    for rule in rules:
        if not isinstance(rule, dict) or rule.get("id"):
            result.append(rule)
            continue
        content = _content(rule)
        match = next((r.get("id") for r in existing
                      if r.get("id") not in taken and _content(r) == content), None)
        rule_id = match if isinstance(match, str) else stable_id("awsstate", content)
        taken.add(rule_id)
        result.append({"id": rule_id, **rule})
    return result
