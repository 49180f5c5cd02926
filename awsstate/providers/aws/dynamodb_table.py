"""DynamoDB tables on AWS (the wire format is in :mod:`awsstate.providers.aws.dynamodb_table_wire`).

Requests per provider call:

* ``read_existence``: one DescribeTable (keys, billing, indexes, stream, class, deletion protection);
* ``read_aspect``: ttl: DescribeTimeToLive; point-in-time recovery: DescribeContinuousBackups;
  encryption: DescribeTable, plus a KMS DescribeKey of ``alias/aws/dynamodb`` when a KMS key is in
  use (to tell the AWS managed key from yours); resource policy: GetResourcePolicy; tags:
  ListTagsOfResource (paginated);
* ``create``: one CreateTable with the keys, billing, indexes, stream, encryption, class, deletion
  protection and tags;
* ``write_aspect``: billing, class, encryption, deletion protection: one UpdateTable (billing
  reads the table first, to send only what changes). Global indexes and the stream: a
  DescribeTable, then one change per UpdateTable (as AWS requires), re-reading the table between
  them; while the table is busy (an index building) the write says so, and apply waits for the
  table to be ready before it writes again, within the settle budget. ttl: DescribeTimeToLive,
  then UpdateTimeToLive (off, then on, to move it to another attribute); point-in-time recovery:
  UpdateContinuousBackups; policy: Put or DeleteResourcePolicy; tags: ListTagsOfResource, then
  TagResource and/or UntagResource;
* ``delete``: DescribeTable (a protected table is refused naming ``deletion_protection``), then DeleteTable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from awsstate.canonical import Json
from awsstate.errors import AlreadyExistsError, InvalidRequestError, NotFoundError, ProviderError
from awsstate.providers.aws.calls import ABSENT
from awsstate.providers.aws.dynamodb_table_wire import (
    attribute_definitions,
    billing_update,
    busy,
    create_request,
    existence,
    index_keys,
    next_index_change,
    sse,
    stream_change,
)
from awsstate.providers.aws.handler import AspectIO, AwsHandler, receipt
from awsstate.providers.aws.tags import TagApi
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["HANDLER", "DynamodbTableHandler"]

# moto answers a missing table with "ResourceNotFound" (no "Exception") in its TTL calls.
_MISSING = {"ResourceNotFoundException", "TableNotFoundException", "ResourceNotFound"}
_BACKUPS_UNAVAILABLE = "ContinuousBackupsUnavailableException"
_MANAGED_KEY = "alias/aws/dynamodb"
_BUSY_HINT = ("DynamoDB makes one change at a time: apply waits for the table within the settle budget "
              "(SettlePolicy(timeout=...): index builds can take minutes); if that ran out, apply again.")
_TTL_HINT = ("DynamoDB allows one time-to-live change per table per hour (and a disabled TTL cannot be enabled "
             "again within that hour): apply again later.")


def _invalid(ref: ResourceRef, message: str, operation: str, aspect: str | None = None) -> InvalidRequestError:
    return InvalidRequestError(message, kind=ref.kind, name=ref.name, aspect=aspect, operation=operation)


def _read_encryption(h: DynamodbTableHandler, ref: ResourceRef) -> Json:
    description = h.table(ref).get("SSEDescription") or {}
    if description.get("Status") not in ("ENABLED", "ENABLING", "UPDATING"):
        return {"type": "AWS_OWNED"}  # no SSEDescription: DynamoDB's own key
    arn = description.get("KMSMasterKeyArn")
    managed = h.call(ref, "describe_key", service="kms", absent={"NotFoundException"}, KeyId=_MANAGED_KEY)
    if managed is not ABSENT and managed.get("KeyMetadata", {}).get("Arn") == arn:
        return {"type": "AWS_MANAGED"}
    return {"type": "CUSTOMER_MANAGED", "kms_key_arn": arn}


def _write_billing(h: DynamodbTableHandler, ref: ResourceRef, value: Json) -> Any:
    try:
        params = billing_update(h.table(ref), value)
    except ValueError as problem:
        raise _invalid(ref, str(problem), "UpdateTable", "billing") from None
    return h.update(ref, **params) if params else Receipt()


def _write_global_indexes(h: DynamodbTableHandler, ref: ResourceRef, value: Json) -> Any:
    wanted = value if isinstance(value, list) else []
    done: Any = Receipt()
    while True:  # one index change per UpdateTable, each once the table is ready for it
        table = h.ready_table(ref)
        try:
            change = next_index_change(table, wanted)
        except ValueError as problem:
            raise _invalid(ref, str(problem), "UpdateTable", "global_secondary_indexes") from None
        if change is None:
            return done
        params: dict[str, Any] = {"GlobalSecondaryIndexUpdates": [change]}
        if "Create" in change:  # every key in use, typed (AWS merges them; an emulator may replace the list)
            parsed = existence(table, ref.region)
            params["AttributeDefinitions"] = attribute_definitions(
                *index_keys([{"hash_key": parsed["hash_key"], "range_key": parsed["range_key"]}]),
                *index_keys(parsed["global_secondary_indexes"]), *index_keys(parsed["local_secondary_indexes"]),
                *index_keys([m for m in wanted if isinstance(m, dict) and m.get("name") ==
                             change["Create"]["IndexName"]]))
        done = h.update(ref, **params)


def _write_stream(h: DynamodbTableHandler, ref: ResourceRef, value: Json) -> Any:
    done: Any = Receipt()
    while (change := stream_change(h.ready_table(ref), value)) is not None:
        done = h.update(ref, StreamSpecification=change)  # a new view type: disable, then enable
    return done


def _refuse_local_indexes(h: DynamodbTableHandler, ref: ResourceRef, value: Json) -> Any:
    raise _invalid(ref, "local secondary indexes exist only as the table was created (a change is planned as a "
                        "replace)", "UpdateTable", "local_secondary_indexes")


def _ttl_status(h: DynamodbTableHandler, ref: ResourceRef) -> dict[str, Any]:
    response = h.call(ref, "describe_time_to_live", absent=_MISSING, TableName=ref.name)
    if response is ABSENT:
        raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, operation="DescribeTimeToLive")
    return dict(response.get("TimeToLiveDescription") or {})


def _read_ttl(h: DynamodbTableHandler, ref: ResourceRef) -> Json:
    status = _ttl_status(h, ref)
    return status.get("AttributeName") if status.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") else None


def _write_ttl(h: DynamodbTableHandler, ref: ResourceRef, value: Json) -> Any:
    current = _read_ttl(h, ref)
    done: Any = Receipt()
    if current == value:
        return done
    if current is not None:  # off first: DynamoDB moves TTL to another attribute no other way
        done = h.dcall(ref, "update_time_to_live", TableName=ref.name,
                       TimeToLiveSpecification={"Enabled": False, "AttributeName": current})
    if value is not None:
        try:
            done = h.dcall(ref, "update_time_to_live", TableName=ref.name,
                           TimeToLiveSpecification={"Enabled": True, "AttributeName": value})
        except InvalidRequestError as error:
            error.hint = _TTL_HINT + (" Time to live is now off." if current is not None else "")
            raise
    return done


def _read_pitr(h: DynamodbTableHandler, ref: ResourceRef) -> Json:
    response = h.dcall(ref, "describe_continuous_backups", TableName=ref.name)
    found = (response.get("ContinuousBackupsDescription") or {}).get("PointInTimeRecoveryDescription") or {}
    if found.get("PointInTimeRecoveryStatus") != "ENABLED":
        return {"enabled": False}
    return {"enabled": True, "recovery_period_in_days": found.get("RecoveryPeriodInDays") or 35}


def _write_pitr(h: DynamodbTableHandler, ref: ResourceRef, value: Json) -> Any:
    wanted = value if isinstance(value, dict) else {}
    spec: dict[str, Any] = {"PointInTimeRecoveryEnabled": bool(wanted.get("enabled"))}
    if wanted.get("enabled") and wanted.get("recovery_period_in_days"):
        spec["RecoveryPeriodInDays"] = wanted["recovery_period_in_days"]
    return h.dcall(ref, "update_continuous_backups", TableName=ref.name, PointInTimeRecoverySpecification=spec)


def _read_policy(h: DynamodbTableHandler, ref: ResourceRef) -> Json:
    response = h.dcall(ref, "get_resource_policy", absent={"PolicyNotFoundException"}, ResourceArn=h.arn(ref))
    if response is ABSENT or not response.get("Policy"):
        return None
    document = json.loads(response["Policy"])
    return document if isinstance(document, dict) and document else None


def _write_policy(h: DynamodbTableHandler, ref: ResourceRef, value: Json) -> Any:
    if isinstance(value, dict) and value:
        return h.dcall(ref, "put_resource_policy", ResourceArn=h.arn(ref), Policy=json.dumps(value))
    try:
        return h.dcall(ref, "delete_resource_policy", absent={"PolicyNotFoundException"}, ResourceArn=h.arn(ref))
    except NotFoundError:
        if h.describe(ref) is None:
            raise
        return Receipt()  # moto answers "no policy" as a missing resource: there is none, as wanted


def _busy_error(ref: ResourceRef, what: str, operation: str) -> ProviderError:
    return ProviderError(f"the table is busy ({what})", kind=ref.kind, name=ref.name, operation=operation,
                         code="ResourceInUseException", hint=_BUSY_HINT)


class DynamodbTableHandler(AwsHandler):
    """The boto3 side of ``dynamodb_table``."""

    service = "dynamodb"
    TAGGED_TYPE = "dynamodb:table"

    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]] = {
        "billing": AspectIO(write=_write_billing),
        "global_secondary_indexes": AspectIO(write=_write_global_indexes),
        "local_secondary_indexes": AspectIO(write=_refuse_local_indexes),
        "stream": AspectIO(write=_write_stream),
        "table_class": AspectIO(write=lambda h, ref, value: h.update(ref, TableClass=value)),
        "encryption": AspectIO(read=_read_encryption,
                               write=lambda h, ref, value: h.update(ref, SSESpecification=sse(value))),
        "deletion_protection": AspectIO(write=lambda h, ref, value: h.update(
            ref, DeletionProtectionEnabled=bool(value))),
        "ttl": AspectIO(read=_read_ttl, write=_write_ttl),
        "point_in_time_recovery": AspectIO(read=_read_pitr, write=_write_pitr),
        "resource_policy": AspectIO(read=_read_policy, write=_write_policy),
        "tags": TagApi(list="list_tags_of_resource", tag="tag_resource", untag="untag_resource", shape="list",
                       list_key="Tags", tag_param="Tags", untag_param="TagKeys", paginated=True,
                       target=lambda h, ref: {"ResourceArn": h.arn(ref)}).aspect(),
    }

    def name_of(self, arn: str) -> str:
        """The table name in its ARN (``...:table/<name>``)."""
        return arn.split(":table/", 1)[-1]

    def arn(self, ref: ResourceRef) -> str:
        """The table's ARN, built from the caller's account (looked up once per provider)."""
        partition, account = self.clients.account(ref)
        return f"arn:{partition}:dynamodb:{ref.region}:{account}:table/{ref.name}"

    def dcall(self, ref: ResourceRef, method: str, **params: Any) -> Any:
        """One DynamoDB request; every "no such table" answer is a NotFoundError, and so is "continuous
        backups not available yet" (DynamoDB enables them a little after creating a table)."""
        try:
            return self.call(ref, method, **params)
        except ProviderError as error:
            if isinstance(error, NotFoundError) or error.code not in (*_MISSING, _BACKUPS_UNAVAILABLE):
                raise
            message = "does not exist" if error.code in _MISSING else f"not ready yet: {error.message}"
            raise NotFoundError(message, kind=ref.kind, name=ref.name, aspect=error.aspect, operation=error.operation,
                                code=error.code, request_id=error.request_id) from error

    def describe(self, ref: ResourceRef) -> dict[str, Any] | None:
        """One DescribeTable (``None``: no such table)."""
        response = self.call(ref, "describe_table", absent=_MISSING, TableName=ref.name)
        return None if response is ABSENT else dict(response["Table"])

    def table(self, ref: ResourceRef) -> dict[str, Any]:
        """DescribeTable of a table that must exist."""
        found = self.describe(ref)
        if found is None:
            raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, operation="DescribeTable",
                                code="ResourceNotFoundException")
        return found

    def ready_table(self, ref: ResourceRef) -> dict[str, Any]:
        """DescribeTable of a table ready for a change; a busy one raises (apply waits, then writes again)."""
        found = self.table(ref)
        blocking = busy(found)
        if blocking:
            raise _busy_error(ref, ", ".join(blocking), "UpdateTable")
        return found

    def update(self, ref: ResourceRef, **params: Any) -> Any:
        """One UpdateTable."""
        return self.dcall(ref, "update_table", TableName=ref.name, **params)

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """DescribeTable: attributes plus the aspects it carries."""
        table = self.describe(ref)
        return None if table is None else existence(table, ref.region)

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """One CreateTable with everything it can carry."""
        try:
            request = create_request(ref.name, params)
        except ValueError as problem:
            raise _invalid(ref, str(problem), "CreateTable") from None
        try:
            return receipt(self.call(ref, "create_table", **request))
        except ProviderError as error:
            if error.code != "ResourceInUseException":
                raise
            found = self.describe(ref)
            if found is not None and found.get("TableStatus") == "DELETING":
                raise _busy_error(ref, "a table of this name is still being deleted", "CreateTable") from error
            raise AlreadyExistsError(error.message, kind=ref.kind, name=ref.name, operation="CreateTable",
                                     code=error.code, request_id=error.request_id) from error

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """One DeleteTable (every item goes with it); refused while deletion protection is on."""
        table = self.describe(ref)
        if table is None or table.get("TableStatus") == "DELETING":
            return Receipt()  # gone, or going (an earlier attempt whose answer was lost)
        if table.get("DeletionProtectionEnabled"):
            raise InvalidRequestError(
                "the table has deletion protection enabled: set deletion_protection=False and apply, then delete it",
                kind=ref.kind, name=ref.name, aspect="deletion_protection", operation="DeleteTable", hint="")
        return receipt(self.dcall(ref, "delete_table", TableName=ref.name))


HANDLER = DynamodbTableHandler
