"""The DynamoDB table kind: its aspects, their semantics, and its manager.

Call budget. DescribeTable returns the key schema, billing, indexes, stream, table class and
deletion protection, so those are carried by the existence read; time to live
(DescribeTimeToLive), point-in-time recovery (DescribeContinuousBackups), encryption
(DescribeTable, plus one KMS DescribeKey to tell the AWS managed key from yours), the resource
policy (GetResourcePolicy) and tags (ListTagsOfResource) are one read each, only when managed.
CreateTable carries the keys, billing, both index sets, stream, encryption, class, deletion
protection and tags; time to live, point-in-time recovery and the policy are one write each after it.

Readiness: a table is usable once ``ACTIVE`` with every global index ``ACTIVE`` (``ready``); apply
waits for it after a create, and a write DynamoDB refuses while the table is busy waits for it
too, within the readiness budget (``settle.waiting`` events): 30 minutes unless the settle policy
says otherwise, as index builds on a large table take that long (Terraform's create timeout too).
A table being deleted counts as gone.
Semantics of each value: :mod:`awsstate.resources.dynamodb_table.semantics`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json
from awsstate.manager import Manager
from awsstate.resources.common import carried, tags_aspect
from awsstate.resources.dynamodb_table.indexes import KeyAttribute
from awsstate.resources.dynamodb_table.models import DynamodbTableDesired
from awsstate.resources.dynamodb_table.semantics import (
    billing_merge,
    billing_shape,
    billing_value,
    check_billing,
    check_global_indexes,
    conflicts,
    global_indexes_merge,
    global_indexes_value,
    index_set_normal,
    key_value,
    local_indexes_replace,
    local_indexes_value,
    pitr_merge,
    pitr_shape,
    pitr_value,
    policy_normal,
    table_range_key_value,
)
from awsstate.resources.identifiers import arn_partition
from awsstate.spec import Aspect, Attribute, Contents, CreateOnly, Fake, KindSpec

__all__ = ["DYNAMODB_TABLE", "DynamodbTableManager", "DynamodbTableObserved"]

_DELETE_PROTECTED = ("the table has deletion protection enabled: set deletion_protection=False and apply, then "
                     "delete it")


def _derive(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {"region": region, "arn": f"arn:{arn_partition(region)}:dynamodb:{region}:{account_id}:table/{name}",
            "status": "ACTIVE", "busy_indexes": []}


READY_TIMEOUT = 1800.0
"""Seconds apply waits for a table or index being built to become ACTIVE (``SettlePolicy.ready_timeout``)."""


def _ready(attributes: Mapping[str, Json]) -> bool:
    return attributes.get("status") == "ACTIVE" and not attributes.get("busy_indexes")


def _gone(attributes: Mapping[str, Json]) -> bool:
    return attributes.get("status") == "DELETING"


def _refuse_protected(aspects: Mapping[str, Json]) -> tuple[str, str] | None:
    return ("deletion_protection", _DELETE_PROTECTED) if aspects.get("deletion_protection") else None


def _none_is_false(value: Json) -> Any:
    return False if value is None else value


DYNAMODB_TABLE = KindSpec(
    kind="dynamodb_table",
    describe="DynamoDB table",
    desired_model=DynamodbTableDesired,
    scope="region",
    regional=True,
    attributes=(
        Attribute("region", "Where the table lives."),
        Attribute("arn", "The table's ARN."),
        Attribute("status", "CREATING, UPDATING, ACTIVE or DELETING (AWS's TableStatus).", derivable=False),
        Attribute("hash_key", "The partition key.", KeyAttribute, derivable=False),
        Attribute("range_key", "The sort key, if any.", KeyAttribute, derivable=False),
    ),
    derive=_derive,
    create_only=(
        CreateOnly(field="hash_key", attribute="hash_key", to_value=key_value,
                   doc="The partition key (name and type): fixed at creation."),
        CreateOnly(field="table_range_key", attribute="range_key", export="range_key", to_value=table_range_key_value,
                   doc="The sort key, or none: fixed at creation."),
    ),
    required_on_create=("hash_key", "billing"),
    ready=_ready,
    ready_timeout=READY_TIMEOUT,
    gone=_gone,
    contents=Contents(describe="every item in the table", always=True),
    conflicts=conflicts,
    fake=Fake(
        defaults={"billing": None, "global_secondary_indexes": [], "local_secondary_indexes": [], "stream": None,
                  "table_class": "STANDARD", "encryption": {"type": "AWS_OWNED"}, "deletion_protection": False,
                  "ttl": None, "point_in_time_recovery": {"enabled": False}, "resource_policy": None, "tags": {}},
        checks={"billing": check_billing, "global_secondary_indexes": check_global_indexes},
        refuse_delete=_refuse_protected,
    ),
    aspects=(
        carried("billing", "Billing mode and capacity.", dict[str, Any], to_value=billing_value, merge=billing_merge,
                normalize=billing_shape),
        carried("global_secondary_indexes", "Global secondary indexes (a set keyed by name).", list[dict[str, Any]],
                to_value=global_indexes_value, merge=global_indexes_merge, normalize=index_set_normal),
        carried("local_secondary_indexes", "Local secondary indexes (fixed at creation).", list[dict[str, Any]],
                to_value=local_indexes_value, normalize=index_set_normal, replace_if=local_indexes_replace),
        carried("stream", "DynamoDB Streams view type (None: no stream).", str,
                to_value=lambda value: value or None, to_field=_none_is_false),
        carried("table_class", "Table class.", str),
        Aspect(name="encryption", doc="Encryption at rest (whose KMS key).", type=dict[str, Any], in_create=True),
        carried("deletion_protection", "Whether AWS refuses to delete the table.", bool, normalize=bool),
        Aspect(name="ttl", doc="Time to live attribute (None: off).", type=str, to_value=lambda value: value or None,
               to_field=_none_is_false, new_value=None),
        Aspect(name="point_in_time_recovery", doc="Point-in-time recovery (continuous backups).", type=dict[str, Any],
               to_value=pitr_value, merge=pitr_merge, normalize=pitr_shape, new_value={"enabled": False}),
        Aspect(name="resource_policy", doc="Resource-based policy (semantic comparison).", type=dict[str, Any],
               to_value=lambda value: value or None, to_field=lambda value: value or {}, normalize=policy_normal,
               new_value=None),
        tags_aspect(in_create=True),
    ),
)


class DynamodbTableManager(Manager[DynamodbTableDesired]):
    """Plans and applies :class:`DynamodbTableDesired` state.

    >>> from awsstate import InMemoryProvider, TableBilling
    >>> manager = DynamodbTableManager(provider=InMemoryProvider())
    >>> table = DynamodbTableDesired(name="doc-orders", hash_key=("pk", "S"), billing=TableBilling.on_demand())
    >>> manager.apply(table).changed
    True
    >>> manager.plan(table).changed
    False
    """

    spec = DYNAMODB_TABLE


DynamodbTableObserved = DYNAMODB_TABLE.observed_model
"""A DynamoDB table as read (generated from :data:`DYNAMODB_TABLE`)."""
