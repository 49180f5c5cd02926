"""DynamoDB's wire format for tables: DescribeTable answers to canonical values, and back to requests.

Pure functions (no calls), used by :mod:`awsstate.providers.aws.dynamodb_table`. The canonical
values are described in :mod:`awsstate.resources.dynamodb_table.semantics`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json
from awsstate.providers.aws.tags import tag_list

__all__ = [
    "attribute_definitions",
    "billing",
    "billing_update",
    "busy",
    "create_request",
    "existence",
    "global_indexes",
    "index_keys",
    "next_index_change",
    "sse",
    "stream_change",
]


def _key(name: str | None, types: Mapping[str, str]) -> Json:
    return {"name": name, "type": types.get(name)} if name else None


def _key_schema(elements: list[dict[str, Any]], types: Mapping[str, str]) -> tuple[Json, Json]:
    keys = {e.get("KeyType"): e.get("AttributeName") for e in elements}
    return _key(keys.get("HASH"), types), _key(keys.get("RANGE"), types)


def _types(table: Mapping[str, Any]) -> dict[str, str]:
    return {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions") or []}


def _projection(index: Mapping[str, Any]) -> dict[str, Any]:
    projection = index.get("Projection") or {}
    return {"projection": projection.get("ProjectionType") or "ALL",
            "non_key_attributes": sorted(projection.get("NonKeyAttributes") or [])}


def _mode(table: Mapping[str, Any]) -> str:
    # AWS reports no billing summary for a table that was always provisioned.
    return str((table.get("BillingModeSummary") or {}).get("BillingMode") or "PROVISIONED")


def _capacity(thing: Mapping[str, Any], on_demand: bool) -> dict[str, Json]:
    if on_demand:  # AWS reports 0 once a table is on demand (moto keeps the old numbers)
        return {"read_capacity": None, "write_capacity": None}
    throughput = thing.get("ProvisionedThroughput") or {}
    return {"read_capacity": throughput.get("ReadCapacityUnits") or None,
            "write_capacity": throughput.get("WriteCapacityUnits") or None}


def _maximum(value: Any) -> Json:
    return value if isinstance(value, int) and value > 0 else None  # -1 (or nothing): no maximum


def billing(table: Mapping[str, Any]) -> dict[str, Json]:
    """The canonical billing of a DescribeTable answer."""
    mode = _mode(table)
    if mode == "PAY_PER_REQUEST":
        limits = table.get("OnDemandThroughput") or {}
        return {"mode": mode, "max_read_request_units": _maximum(limits.get("MaxReadRequestUnits")),
                "max_write_request_units": _maximum(limits.get("MaxWriteRequestUnits"))}
    return {"mode": mode, **_capacity(table, False)}


def _by_name(member: Mapping[str, Any]) -> str:
    return str(member["name"])


def global_indexes(table: Mapping[str, Any]) -> list[Any]:
    """The canonical global secondary indexes of a DescribeTable answer, sorted by name."""
    types, on_demand = _types(table), _mode(table) == "PAY_PER_REQUEST"
    members: list[dict[str, Any]] = []
    for index in table.get("GlobalSecondaryIndexes") or []:
        hash_key, range_key = _key_schema(index.get("KeySchema") or [], types)
        members.append({"name": index["IndexName"], "hash_key": hash_key, "range_key": range_key, **_projection(index),
                        **_capacity(index, on_demand)})
    return sorted(members, key=_by_name)


def _local_indexes(table: Mapping[str, Any]) -> list[Any]:
    types = _types(table)
    members: list[dict[str, Any]] = [
        {"name": i["IndexName"], "range_key": _key_schema(i.get("KeySchema") or [], types)[1], **_projection(i)}
        for i in table.get("LocalSecondaryIndexes") or []]
    return sorted(members, key=_by_name)


def _busy_indexes(table: Mapping[str, Any]) -> list[str]:
    return [f"index {i['IndexName']} {i['IndexStatus']}" for i in table.get("GlobalSecondaryIndexes") or []
            if i.get("IndexStatus", "ACTIVE") != "ACTIVE"]


def busy(table: Mapping[str, Any]) -> list[str]:
    """What keeps the table from taking another change (its status, indexes being built); ``[]``: ready."""
    status = table.get("TableStatus")
    return ([] if status == "ACTIVE" else [f"table {status}"]) + _busy_indexes(table)


def existence(table: Mapping[str, Any], region: str | None) -> dict[str, Any]:
    """The attributes and carried aspects of a DescribeTable answer."""
    hash_key, range_key = _key_schema(table.get("KeySchema") or [], _types(table))
    stream = table.get("StreamSpecification") or {}
    return {
        "region": region, "arn": table.get("TableArn"), "status": table.get("TableStatus"),
        "busy_indexes": _busy_indexes(table), "hash_key": hash_key, "range_key": range_key,
        "billing": billing(table), "global_secondary_indexes": global_indexes(table),
        "local_secondary_indexes": _local_indexes(table),
        "stream": stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        # AWS reports no class summary for a table that was always STANDARD.
        "table_class": (table.get("TableClassSummary") or {}).get("TableClass") or "STANDARD",
        "deletion_protection": bool(table.get("DeletionProtectionEnabled")),
    }


def _key_elements(hash_key: Json, range_key: Json) -> list[dict[str, str]]:
    keys = [{"AttributeName": str(hash_key["name"]), "KeyType": "HASH"}] if isinstance(hash_key, dict) else []
    if isinstance(range_key, dict):
        keys.append({"AttributeName": str(range_key["name"]), "KeyType": "RANGE"})
    return keys


def _projection_param(member: Mapping[str, Json]) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": member.get("projection") or "ALL"}
    attributes = member.get("non_key_attributes")
    if isinstance(attributes, list) and attributes:
        projection["NonKeyAttributes"] = list(attributes)
    return projection


def _throughput(value: Mapping[str, Json]) -> dict[str, Any] | None:
    read, write = value.get("read_capacity"), value.get("write_capacity")
    return {"ReadCapacityUnits": read, "WriteCapacityUnits": write} if read and write else None


def _gsi_param(member: Mapping[str, Json], provisioned: bool) -> dict[str, Any]:
    index: dict[str, Any] = {"IndexName": member["name"], "KeySchema": _key_elements(member.get("hash_key"),
                                                                                     member.get("range_key")),
                             "Projection": _projection_param(member)}
    if provisioned:
        throughput = _throughput(member)
        if throughput is None:
            raise ValueError(f"index {member['name']}: a new index on a provisioned table needs read_capacity and "
                             "write_capacity (or give the table's billing capacities)")
        index["ProvisionedThroughput"] = throughput
    return index


def attribute_definitions(*keys: Json) -> list[dict[str, str]]:
    """One AttributeDefinitions entry per key attribute named (each once, typed)."""
    found: dict[str, str] = {}
    for key in keys:
        if isinstance(key, dict) and key.get("name") and key.get("type"):
            found.setdefault(str(key["name"]), str(key["type"]))
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in sorted(found.items())]


def index_keys(members: Any) -> list[Json]:
    """The key attributes of a list of canonical index members."""
    keys: list[Json] = []
    for member in members if isinstance(members, list) else []:
        if isinstance(member, dict):
            keys.extend([member.get("hash_key"), member.get("range_key")])
    return keys


def sse(value: Json) -> dict[str, Any]:
    """The SSESpecification of a canonical encryption value."""
    kind = value.get("type") if isinstance(value, dict) else "AWS_OWNED"
    if kind == "AWS_OWNED":
        return {"Enabled": False}
    spec: dict[str, Any] = {"Enabled": True, "SSEType": "KMS"}
    if kind == "CUSTOMER_MANAGED" and isinstance(value, dict):
        spec["KMSMasterKeyId"] = value.get("kms_key_arn")
    return spec


def _maxima(value: Mapping[str, Json]) -> dict[str, Any]:
    read, write = value.get("max_read_request_units"), value.get("max_write_request_units")
    return {"MaxReadRequestUnits": read or -1, "MaxWriteRequestUnits": write or -1}


def create_request(name: str, params: Mapping[str, Json]) -> dict[str, Any]:
    """The CreateTable request carrying ``params`` (``KindSpec.create_params``); ``ValueError`` when incomplete."""
    hash_key, range_key = params.get("hash_key"), params.get("range_key")
    plan = params.get("billing")
    if not isinstance(hash_key, dict) or not isinstance(plan, dict):
        raise ValueError("a new table needs hash_key and billing")
    gsis, lsis = _members(params.get("global_secondary_indexes")), _members(params.get("local_secondary_indexes"))
    provisioned = plan.get("mode") != "PAY_PER_REQUEST"
    request: dict[str, Any] = {
        "TableName": name, "KeySchema": _key_elements(hash_key, range_key),
        "AttributeDefinitions": attribute_definitions(hash_key, range_key, *index_keys(gsis), *index_keys(lsis)),
        "BillingMode": "PROVISIONED" if provisioned else "PAY_PER_REQUEST",
    }
    if provisioned:
        throughput = _throughput(plan)
        if throughput is None:
            raise ValueError("a PROVISIONED table needs read_capacity and write_capacity")
        request["ProvisionedThroughput"] = throughput
    elif plan.get("max_read_request_units") or plan.get("max_write_request_units"):
        request["OnDemandThroughput"] = _maxima(plan)
    if gsis:
        request["GlobalSecondaryIndexes"] = [_gsi_param(m, provisioned) for m in gsis]
    if lsis:
        request["LocalSecondaryIndexes"] = [
            {"IndexName": m["name"], "KeySchema": _key_elements(hash_key, m["range_key"]),
             "Projection": _projection_param(m)} for m in lsis]
    if params.get("stream"):
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": params["stream"]}
    encryption = params.get("encryption")
    if isinstance(encryption, dict) and encryption.get("type") != "AWS_OWNED":
        request["SSESpecification"] = sse(encryption)
    if params.get("table_class"):
        request["TableClass"] = params["table_class"]
    if "deletion_protection" in params:
        request["DeletionProtectionEnabled"] = bool(params["deletion_protection"])
    tags = params.get("tags")
    if isinstance(tags, dict) and tags:
        request["Tags"] = tag_list(tags)
    return request


def billing_update(table: Mapping[str, Any], value: Json) -> dict[str, Any]:
    """The UpdateTable parameters that give the table ``value``'s billing (``{}``: it has it)."""
    if not isinstance(value, dict):
        return {}
    current = billing(table)
    params: dict[str, Any] = {}
    mode = value.get("mode") or "PROVISIONED"
    if mode != current["mode"]:
        params["BillingMode"] = mode
    if mode == "PROVISIONED":
        throughput = _throughput(value)
        if throughput is None:
            raise ValueError("a PROVISIONED table needs read_capacity and write_capacity")
        if params or (value.get("read_capacity"), value.get("write_capacity")) != (
                current.get("read_capacity"), current.get("write_capacity")):
            params["ProvisionedThroughput"] = throughput
        if "BillingMode" in params and table.get("GlobalSecondaryIndexes"):
            # AWS: a table becoming provisioned needs capacity for every index in the same request.
            params["GlobalSecondaryIndexUpdates"] = [
                {"Update": {"IndexName": i["IndexName"], "ProvisionedThroughput": throughput}}
                for i in table["GlobalSecondaryIndexes"]]
    elif (value.get("max_read_request_units"), value.get("max_write_request_units")) != (
            current.get("max_read_request_units"), current.get("max_write_request_units")):
        params["OnDemandThroughput"] = _maxima(value)
    return params


def _definition(member: Mapping[str, Json]) -> tuple[Any, ...]:
    attributes = member.get("non_key_attributes")
    return (member.get("hash_key"), member.get("range_key"), member.get("projection"),
            sorted(str(a) for a in attributes) if isinstance(attributes, list) else [])


def next_index_change(table: Mapping[str, Any], wanted: list[Json]) -> dict[str, Any] | None:
    """The next single change (Delete, Create or Update) that moves the table's global indexes
    towards ``wanted``: deletes first (an index whose keys or projection change is deleted, then
    created again), then creates, then capacity updates. ``None``: nothing left to change."""
    have = {str(m["name"]): m for m in global_indexes(table) if isinstance(m, dict)}
    want = {str(m["name"]): m for m in wanted if isinstance(m, dict)}
    provisioned = _mode(table) == "PROVISIONED"
    for name, member in sorted(have.items()):
        if name not in want or _definition(member) != _definition(want[name]):
            return {"Delete": {"IndexName": name}}
    for name, member in sorted(want.items()):
        if name not in have:
            return {"Create": _gsi_param(member, provisioned)}
    for name, member in sorted(want.items()):
        merged = {**member, **{k: member.get(k) or have[name].get(k) for k in ("read_capacity", "write_capacity")}}
        throughput = _throughput(merged)
        if provisioned and throughput and _throughput(have[name]) != throughput:
            return {"Update": {"IndexName": name, "ProvisionedThroughput": throughput}}
    return None


def stream_change(table: Mapping[str, Any], value: Json) -> dict[str, Any] | None:
    """The next StreamSpecification towards ``value`` (a view type changes by disabling first)."""
    stream = table.get("StreamSpecification") or {}
    current = stream.get("StreamViewType") if stream.get("StreamEnabled") else None
    if current == value:
        return None
    if current is not None:
        return {"StreamEnabled": False}
    return {"StreamEnabled": True, "StreamViewType": value}


def _members(value: Json) -> list[dict[str, Json]]:
    """The index definitions of a create parameter (a list of objects; absent: none)."""
    return [member for member in value if isinstance(member, dict)] if isinstance(value, list) else []
