"""How a DynamoDB table's settings compare and merge (canonical values, as providers return them).

Canonical aspect values:

* key attributes: ``{"name", "type"}``;
* ``billing``: ``{"mode": "PROVISIONED", "read_capacity", "write_capacity"}`` or
  ``{"mode": "PAY_PER_REQUEST", "max_read_request_units", "max_write_request_units"}`` (``None``: no maximum);
* ``global_secondary_indexes``: members sorted by name, ``{"name", "hash_key", "range_key",
  "projection", "non_key_attributes" (sorted), "read_capacity", "write_capacity"}`` (capacities
  ``None`` on an on-demand table);
* ``local_secondary_indexes``: members sorted by name, ``{"name", "range_key", "projection",
  "non_key_attributes"}``;
* ``stream``: the view type or ``None``; ``ttl``: the attribute name or ``None``;
* ``point_in_time_recovery``: ``{"enabled": False}`` or ``{"enabled": True, "recovery_period_in_days"}``;
* ``encryption``: ``{"type"}`` plus ``"kms_key_arn"`` for a customer managed key;
* ``resource_policy``: the document or ``None``; ``tags``: ``{"key": "value"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json, canonical_json
from awsstate.policies import canonical_policy
from awsstate.resources.dynamodb_table.indexes import GlobalSecondaryIndex, KeyAttribute, LocalSecondaryIndex
from awsstate.resources.dynamodb_table.values import DEFAULT_RECOVERY_DAYS, PointInTimeRecovery, TableBilling
from awsstate.resources.settings import MemberMerge, overlay, settings_value

__all__ = [
    "billing_merge",
    "billing_shape",
    "billing_value",
    "check_billing",
    "check_global_indexes",
    "conflicts",
    "global_indexes_merge",
    "global_indexes_value",
    "index_set_normal",
    "key_value",
    "local_indexes_replace",
    "local_indexes_value",
    "pitr_merge",
    "pitr_shape",
    "pitr_value",
    "policy_normal",
    "table_range_key_value",
]

_NEW_BILLING: dict[str, Json] = {"mode": "PROVISIONED"}
_NEW_PITR: dict[str, Json] = {"enabled": False}


def key_value(key: KeyAttribute | None) -> Json:
    """A key attribute's canonical value (``None``: no such key)."""
    return {"name": key.name, "type": key.type} if key is not None else None


def table_range_key_value(key: KeyAttribute | bool | None) -> Json:
    """The ``table_range_key`` create-only setting: the sort key, or ``None`` for none."""
    return key_value(key) if isinstance(key, KeyAttribute) else None


# -- billing ----------------------------------------------------------------------------------

def billing_shape(value: Json) -> Json:
    """The billing value with exactly its mode's sub-fields (what AWS reports for that mode)."""
    if not isinstance(value, dict):
        return None
    mode = value.get("mode") or "PROVISIONED"
    if mode == "PAY_PER_REQUEST":
        return {"mode": mode, "max_read_request_units": value.get("max_read_request_units"),
                "max_write_request_units": value.get("max_write_request_units")}
    return {"mode": mode, "read_capacity": value.get("read_capacity"), "write_capacity": value.get("write_capacity")}


def billing_value(value: TableBilling) -> Json:
    """The sub-fields given."""
    return settings_value(value)


def billing_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    """Unset sub-fields keep the table's; a new table is ``PROVISIONED`` (AWS's default)."""
    return billing_shape(overlay(wanted, observed, _NEW_BILLING))


def check_billing(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    """In-memory fake: AWS refuses a provisioned table without both capacities."""
    if isinstance(new, dict) and new.get("mode") == "PROVISIONED" and (
            not new.get("read_capacity") or not new.get("write_capacity")):
        return "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
    return None


# -- global secondary indexes -----------------------------------------------------------------

def _index_common(index: GlobalSecondaryIndex | LocalSecondaryIndex) -> dict[str, Any]:
    return {"name": index.name, "range_key": key_value(index.range_key), "projection": index.projection,
            "non_key_attributes": sorted(index.non_key_attributes)}


def global_indexes_value(value: list[GlobalSecondaryIndex]) -> list[Any]:
    """Members sorted by name; a capacity left unset is ``None`` (unmanaged: the merge keeps the index's)."""
    members: list[dict[str, Any]] = [
        {**_index_common(i), "hash_key": key_value(i.hash_key), "read_capacity": i.read_capacity,
         "write_capacity": i.write_capacity} for i in value]
    return sorted(members, key=_name)


def _name(member: Json) -> str:
    return str(member.get("name")) if isinstance(member, dict) else ""


def _keep_capacity(wanted: Json, observed: Json) -> Json:
    if not isinstance(wanted, dict) or not isinstance(observed, dict):
        return wanted
    merged = dict(wanted)
    for key in ("read_capacity", "write_capacity"):
        if merged.get(key) is None:
            merged[key] = observed.get(key)
    return merged


def _new_index_capacity(desired: Any) -> dict[str, Json]:
    billing = getattr(desired, "billing", None)
    if (isinstance(billing, TableBilling) and billing.given("mode") and billing.mode == "PROVISIONED"
            and billing.read_capacity is not None and billing.write_capacity is not None):
        return {"read_capacity": billing.read_capacity, "write_capacity": billing.write_capacity}
    return {}


class _IndexMerge(MemberMerge):
    """The index set after apply (``purge_global_secondary_indexes``); an existing index keeps the
    capacities it is not given, a new one on a provisioned table gets the table's ``billing`` ones."""

    def __call__(self, wanted: Json, observed: Json, desired: Any) -> Json:
        merged = super().__call__(wanted, observed, desired)
        existing = {_name(m) for m in observed} if isinstance(observed, list) else set()
        fill = _new_index_capacity(desired)
        result = []
        for member in merged if isinstance(merged, list) else []:
            if isinstance(member, dict) and _name(member) not in existing and fill:
                member = {**member, **{k: member.get(k) or v for k, v in fill.items()}}
            result.append(member)
        return sorted(result, key=_name)


global_indexes_merge = _IndexMerge("global_secondary_indexes", key=_name, combine=_keep_capacity)


def index_set_normal(value: Json) -> object:
    """An index set compared by name, attribute lists as sets; no indexes equals ``[]``."""
    if not isinstance(value, list):
        return ()
    normal = []
    for member in value:
        if isinstance(member, dict):
            attributes = member.get("non_key_attributes")
            names: list[Json] = [*sorted(str(a) for a in attributes)] if isinstance(attributes, list) else []
            member = {**member, "non_key_attributes": names}
        normal.append(canonical_json(member))
    return tuple(sorted(normal))


def check_global_indexes(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    """In-memory fake: what AWS refuses of an index set (capacity that does not fit the billing mode)."""
    billing = aspects.get("billing")
    mode = billing.get("mode") if isinstance(billing, dict) else None
    existing = {_name(m) for m in current} if isinstance(current, list) else set()
    for member in new if isinstance(new, list) else []:
        if not isinstance(member, dict):
            continue
        capacity = member.get("read_capacity") is not None or member.get("write_capacity") is not None
        if mode == "PAY_PER_REQUEST" and capacity:
            return f"index {_name(member)}: ProvisionedThroughput should not be specified for an on-demand table"
        if mode == "PROVISIONED" and _name(member) not in existing and not (
                member.get("read_capacity") and member.get("write_capacity")):
            return f"index {_name(member)}: a provisioned table's new index needs ProvisionedThroughput"
    return None


# -- local secondary indexes ------------------------------------------------------------------

def local_indexes_value(value: list[LocalSecondaryIndex]) -> list[Any]:
    """Members sorted by name (the partition key is the table's, so it is not part of them)."""
    return sorted((_index_common(i) for i in value), key=_name)


def local_indexes_replace(observed: Json, after: Json) -> str | None:
    """Local indexes exist only as the table was created: any change is a replace."""
    if index_set_normal(observed) == index_set_normal(after):
        return None
    have = ", ".join(_name(m) for m in observed) if isinstance(observed, list) and observed else "none"
    want = ", ".join(_name(m) for m in after) if isinstance(after, list) and after else "none"
    return f"local secondary indexes are fixed at creation ({have} -> {want})"


# -- point-in-time recovery, policy ----------------------------------------------------------

def pitr_shape(value: Json) -> Json:
    """``{"enabled": False}`` or ``{"enabled": True, "recovery_period_in_days": n}``."""
    if not isinstance(value, dict) or not value.get("enabled"):
        return {"enabled": False}
    return {"enabled": True, "recovery_period_in_days": value.get("recovery_period_in_days") or DEFAULT_RECOVERY_DAYS}


def pitr_value(value: PointInTimeRecovery) -> Json:
    """The sub-fields given."""
    return settings_value(value)


def pitr_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    """Unset sub-fields keep the table's; a new table has it off."""
    return pitr_shape(overlay(wanted, observed, _NEW_PITR))


def policy_normal(value: Json) -> object:
    """A resource policy compared by meaning; no policy equals ``{}``."""
    return canonical_policy(value) if isinstance(value, dict) and value else None


def conflicts(desired: Any, values: Mapping[str, Json]) -> str | None:
    """Settings AWS refuses together, found before any write."""
    billing = values.get("billing")
    if (isinstance(billing, dict) and billing.get("mode") == "PROVISIONED" and getattr(desired, "billing", None)
            and (billing.get("read_capacity") is None or billing.get("write_capacity") is None)):
        return ("billing: a PROVISIONED table needs read_capacity and write_capacity (it has none yet: give both, "
                "or use TableBilling.on_demand())")
    return None
