"""DynamoDB key attributes and secondary indexes, by DynamoDB's own rules.

Names: a table or index name is 3-255 characters of ``[a-zA-Z0-9_.-]``; a key attribute name is
1-255 characters. A key attribute is scalar: ``S`` (string), ``N`` (number) or ``B`` (binary).
An index projects ``ALL`` attributes, ``KEYS_ONLY``, or ``INCLUDE`` with 1-20 non-key
attributes (at most 100 across all of a table's indexes). A table has at most 5 local secondary
indexes; they share the table's partition key and need a table with a sort key.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "MAX_LOCAL_INDEXES",
    "MAX_UNITS",
    "MAX_NON_KEY_ATTRIBUTES",
    "MAX_PROJECTED_ATTRIBUTES",
    "AttributeName",
    "AttributeType",
    "GlobalSecondaryIndex",
    "IndexName",
    "KeyAttribute",
    "LocalSecondaryIndex",
    "ProjectionType",
    "TableName",
    "validate_table_name",
]

MAX_LOCAL_INDEXES = 5
"""DynamoDB's limit on local secondary indexes per table (not adjustable)."""
MAX_NON_KEY_ATTRIBUTES = 20
"""Non-key attributes one index may project (``INCLUDE``)."""
MAX_PROJECTED_ATTRIBUTES = 100
"""Non-key attributes projected by all of a table's indexes together."""
MAX_UNITS = 2**31 - 1
"""The most capacity (or request) units awsstate accepts: far above any quota (40,000 by default,
adjustable), it catches a slipped digit before any call."""
MAX_NAME = 255
_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}\Z")

AttributeType = Literal["S", "N", "B"]
"""A key attribute's scalar type: ``S`` string, ``N`` number, ``B`` binary."""
ProjectionType = Literal["ALL", "KEYS_ONLY", "INCLUDE"]
"""What an index copies from the table: every attribute, the keys only, or the keys and ``non_key_attributes``."""


def _named(what: str) -> Any:
    def check(name: str) -> str:
        if not 3 <= len(name) <= MAX_NAME:
            raise ValueError(f"{what} name {name[:40]!r} is {len(name)} characters; it must be 3 to {MAX_NAME}")
        if not _NAME.match(name):
            raise ValueError(f"{what} name {name!r} may contain only letters, digits and _ . -")
        return name

    return check


validate_table_name = _named("table")
"""Return a table name if DynamoDB accepts it: 3-255 characters of ``[a-zA-Z0-9_.-]``."""


def _attribute_name(name: str) -> str:
    if not 1 <= len(name) <= MAX_NAME:
        raise ValueError(f"key attribute name {name[:40]!r} is {len(name)} characters; it must be 1 to {MAX_NAME}")
    return name


TableName = Annotated[str, AfterValidator(validate_table_name)]
"""A table name: 3-255 characters of ``[a-zA-Z0-9_.-]``, unique per account and region."""
IndexName = Annotated[str, AfterValidator(_named("index"))]
"""An index name: 3-255 characters of ``[a-zA-Z0-9_.-]``, unique within its table."""
AttributeName = Annotated[str, AfterValidator(_attribute_name)]
"""A key (or projected) attribute name: 1-255 characters."""


class KeyAttribute(BaseModel):
    """A key attribute, given whole: its ``name`` and scalar ``type``.

    ``KeyAttribute(name="pk", type="S")``, ``{"name": "pk", "type": "S"}`` or the pair ``("pk", "S")``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: AttributeName
    """The attribute's name."""
    type: AttributeType
    """``S`` (string), ``N`` (number) or ``B`` (binary)."""

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: Any) -> Any:
        if isinstance(value, tuple | list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return {"name": value[0], "type": value[1]}
        return value


def _check_projection(projection: str, non_key_attributes: list[str]) -> None:
    if projection == "INCLUDE":
        if not 1 <= len(non_key_attributes) <= MAX_NON_KEY_ATTRIBUTES:
            raise ValueError(f"projection 'INCLUDE' needs 1 to {MAX_NON_KEY_ATTRIBUTES} non_key_attributes")
        if len(set(non_key_attributes)) != len(non_key_attributes):
            raise ValueError("non_key_attributes must not repeat a name")
    elif non_key_attributes:
        raise ValueError(f"non_key_attributes need projection 'INCLUDE', not {projection!r}")


class GlobalSecondaryIndex(BaseModel):
    """A global secondary index: a member of the table's index set, keyed by ``name``.

    Its key schema and projection define the index and are given whole (changing either
    re-creates the index). ``read_capacity`` / ``write_capacity`` left unset keep the index's
    (say, under auto scaling); a new index on a provisioned table without them gets the
    table's ``billing`` capacities.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: IndexName
    """The index name, unique within the table (local indexes included)."""
    hash_key: KeyAttribute
    """The index's partition key."""
    range_key: KeyAttribute | None = None
    """The index's sort key; ``None``: none."""
    projection: ProjectionType
    """``ALL``, ``KEYS_ONLY`` or ``INCLUDE`` (with ``non_key_attributes``)."""
    non_key_attributes: list[AttributeName] = Field(default_factory=list)
    """With ``INCLUDE``: the 1-20 other attributes the index copies (order does not matter)."""
    read_capacity: int | None = Field(default=None, ge=1, le=MAX_UNITS)
    """Provisioned tables only: the index's read capacity units; unset: unmanaged."""
    write_capacity: int | None = Field(default=None, ge=1, le=MAX_UNITS)
    """Provisioned tables only: the index's write capacity units; unset: unmanaged."""

    @model_validator(mode="after")
    def _consistent(self) -> GlobalSecondaryIndex:
        _check_projection(self.projection, self.non_key_attributes)
        if self.range_key is not None and self.range_key.name == self.hash_key.name:
            raise ValueError(f"index {self.name!r}: the sort key must differ from the partition key")
        return self


class LocalSecondaryIndex(BaseModel):
    """A local secondary index, given whole: fixed at the table's creation (a change is a replace).

    It shares the table's partition key (``hash_key``, if given, must be the table's) and sorts
    by its own ``range_key``; only a table with a sort key can have local indexes.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: IndexName
    """The index name, unique within the table (global indexes included)."""
    range_key: KeyAttribute
    """The index's sort key."""
    projection: ProjectionType
    """``ALL``, ``KEYS_ONLY`` or ``INCLUDE`` (with ``non_key_attributes``)."""
    non_key_attributes: list[AttributeName] = Field(default_factory=list)
    """With ``INCLUDE``: the 1-20 other attributes the index copies (order does not matter)."""
    hash_key: KeyAttribute | None = None
    """Optional: the table's partition key (a local index cannot have another)."""

    @model_validator(mode="after")
    def _consistent(self) -> LocalSecondaryIndex:
        _check_projection(self.projection, self.non_key_attributes)
        if self.hash_key is not None and self.hash_key.name == self.range_key.name:
            raise ValueError(f"index {self.name!r}: the sort key must differ from the partition key")
        return self
