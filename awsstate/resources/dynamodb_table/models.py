"""The DynamoDB table's user-facing model, with DynamoDB's own rules (checked before any call)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ValidationInfo, field_validator

from awsstate.policies.fields import check_resource_policy, policy_text
from awsstate.resources.dynamodb_table.indexes import (
    MAX_LOCAL_INDEXES,
    MAX_PROJECTED_ATTRIBUTES,
    AttributeName,
    GlobalSecondaryIndex,
    KeyAttribute,
    LocalSecondaryIndex,
    TableName,
)
from awsstate.resources.dynamodb_table.values import PointInTimeRecovery, TableBilling, TableEncryption
from awsstate.resources.validation import Region, Tags
from awsstate.spec import DesiredModel

__all__ = ["MAX_POLICY_BYTES", "DynamodbTableDesired", "ResourcePolicy", "StreamViewType", "TableClass"]

MAX_POLICY_BYTES = 20 * 1024
"""DynamoDB's limit on a resource-based policy (20 KB)."""

StreamViewType = Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]
"""What each stream record holds: the keys, the new item, the old item, or both."""
TableClass = Literal["STANDARD", "STANDARD_INFREQUENT_ACCESS"]
"""``STANDARD`` (AWS's default) or ``STANDARD_INFREQUENT_ACCESS`` (cheaper storage, dearer requests)."""


def _pitr(value: object) -> object:
    return {"enabled": value} if isinstance(value, bool) else value


ResourcePolicy = Annotated[dict[str, Any], BeforeValidator(policy_text), AfterValidator(partial(
    check_resource_policy, what="resource policy", service="DynamoDB", limit=MAX_POLICY_BYTES, unit="bytes"))]
"""A resource-based policy as a mapping or JSON text; every statement needs a Principal. ``{}``: none."""


class DynamodbTableDesired(DesiredModel):
    """A DynamoDB table as you want it. Every field but ``name`` is optional; creating a table
    needs ``hash_key`` and ``billing``.

    A field left unset (``None``) is unmanaged: awsstate never reads or changes it.
    """

    name: TableName
    """The table name, unique per account and region."""
    region: Region | None = None
    """Where the table lives; unset: the provider's default region."""
    hash_key: KeyAttribute | None = None
    """The partition key (name and type). Fixed at creation: a change is planned as a replace."""
    range_key: KeyAttribute | None = None
    """The sort key; with ``hash_key`` given, ``None`` means "no sort key". Fixed at creation."""
    billing: TableBilling | None = None
    """On-demand or provisioned capacity (``TableBilling.on_demand()``, ``.provisioned(...)``)."""
    global_secondary_indexes: list[GlobalSecondaryIndex] | None = None
    """The table's global secondary indexes, by name: missing ones are created, others deleted,
    capacities updated (one index change at a time, as AWS requires). ``()``: none."""
    purge_global_secondary_indexes: bool = True
    """``True``: the indexes listed are the complete set. ``False``: only add or update them."""
    local_secondary_indexes: list[LocalSecondaryIndex] | None = None
    """Local secondary indexes (at most 5). Fixed at creation: a change is planned as a replace.
    ``()``: none."""
    stream: StreamViewType | Literal[False] | None = None
    """DynamoDB Streams: the view type of each record; ``False``: no stream. Changing the view type
    disables the stream and enables a new one (a new stream ARN)."""
    ttl: AttributeName | Literal[False] | None = None
    """Time to live: the attribute holding each item's expiry (epoch seconds); ``False``: off.
    AWS allows one TTL change per hour."""
    point_in_time_recovery: Annotated[PointInTimeRecovery, BeforeValidator(_pitr)] | None = None
    """Continuous backups: ``True``, ``False`` or ``PointInTimeRecovery(enabled=..., recovery_period_in_days=...)``."""
    encryption: TableEncryption | None = None
    """Encryption at rest: AWS-owned key (the default), the AWS managed key, or your own key."""
    table_class: TableClass | None = None
    """``STANDARD`` or ``STANDARD_INFREQUENT_ACCESS``."""
    deletion_protection: bool | None = None
    """``True``: AWS refuses to delete the table (``state="absent"`` then fails naming this setting)."""
    resource_policy: ResourcePolicy | None = None
    """The table's resource-based policy (a mapping or JSON text), compared by meaning; ``{}``: none."""
    tags: Tags | None = None
    """The complete set of user tags: tags not listed are removed; ``{}`` removes all."""
    purge_tags: bool = True
    """``True``: ``tags`` is the complete set. ``False``: only add or update the tags listed."""

    @property
    def table_range_key(self) -> KeyAttribute | Literal[False] | None:
        """The sort key as the key schema manages it: ``False`` for "none" once ``hash_key`` is given."""
        if self.hash_key is None:
            return None
        return self.range_key if self.range_key is not None else False

    @field_validator("range_key")
    @classmethod
    def _range_key_with_hash_key(cls, value: KeyAttribute | None, info: ValidationInfo) -> KeyAttribute | None:
        if value is None or "hash_key" not in info.data:
            return value
        hash_key = info.data["hash_key"]
        if hash_key is None:
            raise ValueError("range_key needs hash_key: the key schema is given whole")
        if hash_key.name == value.name:
            raise ValueError("range_key must differ from hash_key")
        return value

    @field_validator("global_secondary_indexes")
    @classmethod
    def _global_indexes(cls, value: list[GlobalSecondaryIndex] | None,
                        info: ValidationInfo) -> list[GlobalSecondaryIndex] | None:
        if not value:
            return value
        _check_names_and_types(value, info.data)
        billing = info.data.get("billing")
        if isinstance(billing, TableBilling) and billing.given("mode") and billing.mode == "PAY_PER_REQUEST":
            provisioned = [i.name for i in value if i.read_capacity is not None or i.write_capacity is not None]
            if provisioned:
                raise ValueError(f"{', '.join(provisioned)}: the indexes of an on-demand (PAY_PER_REQUEST) table have "
                                 "no read/write capacity")
        return value

    @field_validator("local_secondary_indexes")
    @classmethod
    def _local_indexes(cls, value: list[LocalSecondaryIndex] | None,
                       info: ValidationInfo) -> list[LocalSecondaryIndex] | None:
        if not value:
            return value
        if len(value) > MAX_LOCAL_INDEXES:
            raise ValueError(f"{len(value)} local secondary indexes; DynamoDB allows at most {MAX_LOCAL_INDEXES}")
        if "hash_key" not in info.data or "range_key" not in info.data:
            return value  # the key schema failed its own validation
        hash_key, range_key = info.data["hash_key"], info.data["range_key"]
        if hash_key is None:
            raise ValueError("local secondary indexes need hash_key and range_key: a local index shares the table's "
                             "partition key, and only a table with a sort key can have one")
        if range_key is None:
            raise ValueError("local secondary indexes need a table with a sort key (range_key)")
        for index in value:
            if index.hash_key is not None and index.hash_key != hash_key:
                raise ValueError(f"index {index.name!r}: a local index's partition key is the table's "
                                 f"({hash_key.name!r}), not {index.hash_key.name!r}")
            if index.range_key.name == hash_key.name:
                raise ValueError(f"index {index.name!r}: the sort key must differ from the partition key")
        _check_names_and_types(value, info.data)
        return value


def _keys_of(index: GlobalSecondaryIndex | LocalSecondaryIndex) -> Iterator[tuple[str, KeyAttribute]]:
    for part in ("hash_key", "range_key"):
        key = getattr(index, part)
        if key is not None:
            yield f"index {index.name!r} {part}", key


def _check_names_and_types(indexes: Sequence[GlobalSecondaryIndex] | Sequence[LocalSecondaryIndex],
                           data: dict[str, Any]) -> None:
    """Index names unique in the table, each attribute of one type, at most 100 projected attributes."""
    others: tuple[GlobalSecondaryIndex | LocalSecondaryIndex, ...] = ()
    if indexes and isinstance(indexes[0], LocalSecondaryIndex):
        others = tuple(data.get("global_secondary_indexes") or ())
    everything = (*others, *indexes)
    names = [index.name for index in everything]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"index names must be unique within the table (global and local): {', '.join(repeated)}")
    keys: list[tuple[str, KeyAttribute]] = [(part, data[part]) for part in ("hash_key", "range_key")
                                            if isinstance(data.get(part), KeyAttribute)]
    for index in everything:
        keys.extend(_keys_of(index))
    types: dict[str, tuple[str, str]] = {}
    for where, key in keys:
        seen = types.setdefault(key.name, (key.type, where))
        if seen[0] != key.type:
            raise ValueError(f"attribute {key.name!r} is type {seen[0]} as {seen[1]} but {key.type} as {where}: a "
                             "table defines each attribute once")
    projected = sum(len(index.non_key_attributes) for index in everything)
    if projected > MAX_PROJECTED_ATTRIBUTES:
        raise ValueError(f"the indexes project {projected} non-key attributes; DynamoDB allows at most "
                         f"{MAX_PROJECTED_ATTRIBUTES} per table")
