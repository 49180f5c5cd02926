"""AwsProvider specifics for DynamoDB tables, against moto in-process.

Requests are counted from the ``aws.call`` log events (one per boto3 call); what an UpdateTable
carries is seen by a ``before-call`` hook on the provider's own client. Where moto 5.2.5 differs
from AWS the test is written as AWS behaves and marked as a strict xfail naming moto's behaviour.
moto makes every table and index ACTIVE at once; the waiting is shown by making moto's index
report CREATING until the apply's clock has slept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from structlog.testing import capture_logs

from awsstate import (
    ConvergenceError,
    DynamodbTableDesired,
    DynamodbTableManager,
    InvalidRequestError,
    NotFoundError,
    ProviderError,
    TableBilling,
    TableEncryption,
)
from awsstate.providers.aws import AwsProvider
from awsstate.resources.dynamodb_table.kind import DYNAMODB_TABLE
from awsstate.testing import FakeClock
from tests.examples.dynamodb_table import BY_CREATED, BY_CUSTOMER, BY_STATUS, policy

REGION = "us-east-1"
ACCOUNT = "123456789012"
NAME = "int-orders"
KEYS: dict[str, Any] = {"hash_key": ("pk", "S"), "range_key": ("sk", "S")}
PROVISIONED = TableBilling.provisioned(read_capacity=5, write_capacity=5)


def _calls(logs: Sequence[Mapping[str, Any]]) -> list[str]:
    return [e["operation"] for e in logs if e["event"] == "aws.call"]


@contextmanager
def _requests(aws: AwsProvider, operation: str) -> Iterator[list[dict[str, Any]]]:
    """The parameters of every ``operation`` request the provider's DynamoDB client sends meanwhile."""
    seen: list[dict[str, Any]] = []

    def hook(params: dict[str, Any], **_: Any) -> None:
        seen.append(dict(params))

    events = aws.client("dynamodb", REGION).meta.events
    events.register(f"provide-client-params.dynamodb.{operation}", hook)
    try:
        yield seen
    finally:
        events.unregister(f"provide-client-params.dynamodb.{operation}", hook)


def _table(**fields: Any) -> DynamodbTableDesired:
    return DynamodbTableDesired(name=NAME, region=REGION, **{**KEYS, "billing": PROVISIONED, **fields})


def _describe(boto_clients: Any) -> dict[str, Any]:
    return dict(boto_clients("dynamodb", REGION).describe_table(TableName=NAME)["Table"])


def test_create_is_one_create_table_carrying_everything_it_can(aws: AwsProvider, boto_clients: Any) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    desired = _table(global_secondary_indexes=[BY_STATUS], local_secondary_indexes=[BY_CREATED], stream="NEW_IMAGE",
                     ttl="expires_at", point_in_time_recovery=True, encryption=TableEncryption.aws_managed(),
                     deletion_protection=False, resource_policy=policy(NAME, REGION), tags={"env": "dev"})
    with capture_logs() as logs, _requests(aws, "CreateTable") as creates:
        manager.apply(desired)
    operations = _calls(logs)
    assert operations.count("CreateTable") == 1 and operations[:2] == ["DescribeTable", "CreateTable"]
    assert {"UpdateTimeToLive", "UpdateContinuousBackups", "PutResourcePolicy"} <= set(operations)
    assert "UpdateTable" not in operations and "TagResource" not in operations
    request = creates[0]
    assert request["BillingMode"] == "PROVISIONED" and request["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    assert request["SSESpecification"] == {"Enabled": True, "SSEType": "KMS"} and request["Tags"]
    assert {a["AttributeName"] for a in request["AttributeDefinitions"]} == {"pk", "sk", "status", "created"}
    table = _describe(boto_clients)
    assert table["LocalSecondaryIndexes"][0]["IndexName"] == "by-created"
    assert table["GlobalSecondaryIndexes"][0]["Projection"] == {"ProjectionType": "INCLUDE",
                                                                "NonKeyAttributes": ["total"]}
    observed = manager.get(NAME, REGION)
    assert observed is not None and observed.encryption == {"type": "AWS_MANAGED"}
    assert observed.hash_key.name == "pk" and observed.status == "ACTIVE"
    assert not manager.plan(desired).changed


def test_each_index_change_is_its_own_update_table_and_the_key_types_survive(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table(global_secondary_indexes=[BY_STATUS]))
    reprojected = BY_STATUS.model_copy(update={"projection": "KEYS_ONLY", "non_key_attributes": []})
    desired = _table(global_secondary_indexes=[reprojected, BY_CUSTOMER.model_copy(update={"read_capacity": 2})])
    with _requests(aws, "UpdateTable") as updates:
        manager.apply(desired)
    changes = [u["GlobalSecondaryIndexUpdates"] for u in updates]
    assert [list(c[0]) for c in changes] == [["Delete"], ["Create"], ["Create"]]
    assert all(len(c) == 1 for c in changes), "one index change per UpdateTable, as AWS requires"
    created = [u for u in updates if "Create" in u["GlobalSecondaryIndexUpdates"][0]]
    # every key in use is defined again: AWS merges the list, moto replaces it
    assert all({"pk", "sk"} <= {a["AttributeName"] for a in u["AttributeDefinitions"]} for u in created)
    assert created[0]["GlobalSecondaryIndexUpdates"][0]["Create"]["ProvisionedThroughput"] == {
        "ReadCapacityUnits": 2, "WriteCapacityUnits": 5}  # write capacity from the table's billing
    assert not manager.plan(desired).changed, "the table's key types still read back: no replace"
    with _requests(aws, "UpdateTable") as updates:
        manager.apply(_table(global_secondary_indexes=[reprojected.model_copy(update={"read_capacity": 9})],
                             purge_global_secondary_indexes=False))
    assert [u["GlobalSecondaryIndexUpdates"] for u in updates] == [[{"Update": {
        "IndexName": "by-status", "ProvisionedThroughput": {"ReadCapacityUnits": 9, "WriteCapacityUnits": 5}}}]]


def test_a_new_index_without_capacity_on_a_provisioned_table_is_refused_before_any_update(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table())
    desired = DynamodbTableDesired(name=NAME, region=REGION, global_secondary_indexes=[BY_CUSTOMER])  # no billing
    with _requests(aws, "UpdateTable") as updates, pytest.raises(InvalidRequestError, match="read_capacity") as caught:
        manager.apply(desired)
    assert updates == [] and caught.value.aspect == "global_secondary_indexes"


def _index_status(status: str) -> None:
    from moto.dynamodb.models import dynamodb_backends

    for index in dynamodb_backends[ACCOUNT][REGION].tables[NAME].global_indexes:
        index.status = status


class _BuildingClock(FakeClock):
    """moto builds an index at once; this makes each new one read CREATING until the clock has slept."""

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        _index_status("ACTIVE")


def test_an_index_change_waits_for_the_previous_index_to_be_active(aws: AwsProvider) -> None:
    clock = _BuildingClock()
    manager = DynamodbTableManager(provider=aws, clock=clock)
    manager.apply(_table())
    events = aws.client("dynamodb", REGION).meta.events

    def building(**_: Any) -> None:
        _index_status("CREATING")

    events.register("after-call.dynamodb.UpdateTable", building)
    try:
        with capture_logs() as logs:
            manager.apply(_table(global_secondary_indexes=[BY_STATUS, BY_CUSTOMER]))
    finally:
        events.unregister("after-call.dynamodb.UpdateTable", building)
    waits = [e for e in logs if e["event"] == "settle.waiting"]
    assert [e["aspect"] for e in waits] == ["readiness", "readiness"], "after each index creation"
    assert _calls(logs).count("UpdateTable") == 2 and len(clock.slept) == 2
    assert not manager.plan(_table(global_secondary_indexes=[BY_STATUS, BY_CUSTOMER])).changed


def test_switching_to_provisioned_gives_every_index_capacity_in_the_same_request(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table(billing=TableBilling.on_demand(), global_secondary_indexes=[BY_CUSTOMER]))
    desired = _table(billing=TableBilling.provisioned(read_capacity=4, write_capacity=3))
    with _requests(aws, "UpdateTable") as updates:
        manager.apply(desired)
    throughput = {"ReadCapacityUnits": 4, "WriteCapacityUnits": 3}
    assert updates == [{"TableName": NAME, "BillingMode": "PROVISIONED", "ProvisionedThroughput": throughput,
                        "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "by-customer",
                                                                    "ProvisionedThroughput": throughput}}]}]
    observed = manager.get(NAME, REGION)
    assert observed is not None and observed.global_secondary_indexes[0]["read_capacity"] == 4
    on_demand = _table(billing=TableBilling.on_demand())
    manager.apply(on_demand)  # moto keeps reporting the old throughput: read as none on an on-demand table
    assert not manager.plan(on_demand).changed
    assert manager.get(NAME, REGION).billing == {  # type: ignore[union-attr]
        "mode": "PAY_PER_REQUEST", "max_read_request_units": None, "max_write_request_units": None}


def test_capacity_left_unset_is_neither_read_as_drift_nor_written(aws: AwsProvider, boto_clients: Any) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table())
    boto_clients("dynamodb", REGION).update_table(  # auto scaling moved the capacity
        TableName=NAME, ProvisionedThroughput={"ReadCapacityUnits": 50, "WriteCapacityUnits": 5})
    assert not manager.plan(_table(billing=TableBilling(mode="PROVISIONED"))).changed
    plan = manager.plan(_table(billing=TableBilling.provisioned(write_capacity=8)))
    assert [(a.aspect, a.after) for a in plan.actions] == [
        ("billing", {"mode": "PROVISIONED", "read_capacity": 50, "write_capacity": 8})]


@pytest.mark.parametrize("steps", [("expires_at", False), ("expires_at", "ttl"), (False, "expires_at")])
def test_time_to_live_on_off_and_moved(aws: AwsProvider, steps: tuple[Any, Any]) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    for ttl in steps:
        manager.apply(_table(ttl=ttl))
        assert manager.get(NAME, REGION).ttl == (ttl or None)  # type: ignore[union-attr]
        assert not manager.plan(_table(ttl=ttl)).changed


def test_point_in_time_recovery_and_its_period(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table(point_in_time_recovery={"enabled": True, "recovery_period_in_days": 7}))
    assert manager.get(NAME, REGION).point_in_time_recovery == {  # type: ignore[union-attr]
        "enabled": True, "recovery_period_in_days": 7}
    assert not manager.plan(_table(point_in_time_recovery=True)).changed, "the period is kept when not given"
    manager.apply(_table(point_in_time_recovery=False))
    assert manager.get(NAME, REGION).point_in_time_recovery == {"enabled": False}  # type: ignore[union-attr]


def test_streams_enable_and_disable(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table())
    manager.apply(_table(stream="KEYS_ONLY"))
    assert manager.get(NAME, REGION).stream == "KEYS_ONLY"  # type: ignore[union-attr]
    manager.apply(_table(stream=False))
    assert not manager.plan(_table(stream=False)).changed


@pytest.mark.xfail(strict=True, raises=ProviderError,
                   reason="moto 5.2.5 never enables a stream again once one was disabled "
                          "(StreamAlreadyEnabledException, a ResourceInUseException); AWS then makes a new stream, "
                          "so a view type change (disable, then enable) fails on moto")
def test_a_stream_view_type_change_disables_then_enables(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table(stream="NEW_IMAGE"))
    manager.apply(_table(stream="OLD_IMAGE"))
    assert manager.get(NAME, REGION).stream == "OLD_IMAGE"  # type: ignore[union-attr]


def test_encryption_with_a_customer_key_and_aws_owned_read_back(aws: AwsProvider, boto_clients: Any) -> None:
    key = str(boto_clients("kms", REGION).create_key(Description="tables")["KeyMetadata"]["Arn"])
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table(encryption=TableEncryption.customer_managed(key)))
    assert manager.get(NAME, REGION).encryption == {  # type: ignore[union-attr]
        "type": "CUSTOMER_MANAGED", "kms_key_arn": key}
    manager.apply(_table(state="absent"))
    manager.apply(_table(encryption=TableEncryption.aws_owned()))
    with capture_logs() as logs:
        assert not manager.plan(_table(encryption=TableEncryption.aws_owned())).changed
    assert "DescribeKey" not in _calls(logs), "no KMS call when DynamoDB's own key is in use"


@pytest.mark.xfail(strict=True, raises=ConvergenceError,
                   reason="moto 5.2.5 ignores SSESpecification in UpdateTable: the encryption of an existing "
                          "table never changes")
def test_encryption_changes_in_place(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table())
    manager.apply(_table(encryption=TableEncryption.aws_managed()))
    assert manager.get(NAME, REGION).encryption == {"type": "AWS_MANAGED"}  # type: ignore[union-attr]


@pytest.mark.xfail(strict=True, raises=(AssertionError, ConvergenceError),
                   reason="moto 5.2.5 stores no TableClass (CreateTable and UpdateTable drop it, DescribeTable "
                          "has no TableClassSummary)")
@pytest.mark.parametrize("how", ["create", "update"])
def test_the_table_class_reads_back(aws: AwsProvider, how: str) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    if how == "update":
        manager.apply(_table())
    manager.apply(_table(table_class="STANDARD_INFREQUENT_ACCESS"))
    assert manager.get(NAME, REGION).table_class == "STANDARD_INFREQUENT_ACCESS"  # type: ignore[union-attr]


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5 does not store OnDemandThroughput (the request unit maxima)")
def test_on_demand_maxima_read_back(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table(billing=TableBilling.on_demand(max_read_request_units=100)))
    assert manager.get(NAME, REGION).billing["max_read_request_units"] == 100  # type: ignore[union-attr]


def test_deletion_protection_refuses_absent_naming_it(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table(deletion_protection=True))
    with pytest.raises(InvalidRequestError, match="deletion protection") as caught:
        manager.apply(_table(state="absent"))
    assert caught.value.aspect == "deletion_protection"
    manager.apply(_table(deletion_protection=False))
    manager.apply(_table(state="absent"))
    assert manager.get(NAME, REGION) is None


def test_the_resource_policy_is_compared_by_meaning_and_removed(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table(resource_policy=policy(NAME, REGION)))
    assert not manager.plan(_table(resource_policy=policy(NAME, REGION, ["dynamodb:GetItem"]))).changed
    manager.apply(_table(resource_policy={}))
    assert manager.get(NAME, REGION).resource_policy is None  # type: ignore[union-attr]
    ref = DYNAMODB_TABLE.ref(NAME, REGION)
    aws.write_aspect(ref, "resource_policy", None)  # removing none is no error (moto: ResourceNotFoundException)


def test_tags_are_read_across_pages_and_changed_in_place(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    tags = {f"key{i:02d}": str(i) for i in range(12)}  # moto pages ListTagsOfResource at 10
    manager.apply(_table(tags=tags))
    assert manager.get(NAME, REGION).tags == tags  # type: ignore[union-attr]
    manager.apply(_table(tags={**tags, "key00": "changed"}))
    assert not manager.plan(_table(tags={**tags, "key00": "changed"})).changed


def test_a_key_change_is_a_replace_on_aws_too(aws: AwsProvider) -> None:
    manager = DynamodbTableManager(provider=aws, clock=FakeClock())
    manager.apply(_table())
    changed = _table(hash_key=("pk", "N"))
    assert manager.plan(changed).actions[0].type == "replace"
    manager.apply(changed, allow_replace=True)
    assert manager.get(NAME, REGION).hash_key.type == "N"  # type: ignore[union-attr]


@pytest.mark.parametrize("aspect", ["ttl", "point_in_time_recovery", "encryption", "resource_policy", "tags"])
def test_reading_an_aspect_of_a_missing_table_is_not_found(aws: AwsProvider, aspect: str) -> None:
    with pytest.raises(NotFoundError):
        aws.read_aspect(DYNAMODB_TABLE.ref("no-such-table", REGION), aspect)


# -- moto deviations awsstate works around (raw moto calls; these pass the day moto matches AWS) -------

def _raw_table(boto_clients: Any, **extra: Any) -> tuple[Any, str]:
    client = boto_clients("dynamodb", REGION)
    table = client.create_table(TableName=NAME, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                BillingMode="PAY_PER_REQUEST", **extra)
    return client, str(table["TableDescription"]["TableArn"])


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5: TagResource with a key the table has adds a second tag of that key (AWS "
                          "replaces its value); awsstate reads the last one")
def test_moto_tag_resource_replaces_a_tags_value(moto: None, boto_clients: Any) -> None:
    client, arn = _raw_table(boto_clients, Tags=[{"Key": "env", "Value": "dev"}])
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "prod"}]


@pytest.mark.xfail(strict=True, raises=pytest.fail.Exception,
                   reason="moto 5.2.5 accepts TagResource for a table that does not exist (AWS: "
                          "ResourceNotFoundException); awsstate lists the tags first, which moto refuses")
def test_moto_tag_resource_refuses_a_missing_table(moto: None, boto_clients: Any) -> None:
    client, arn = _raw_table(boto_clients)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.tag_resource(ResourceArn=arn.replace(NAME, "no-such-table"), Tags=[{"Key": "a", "Value": "b"}])


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5 answers DeleteResourcePolicy on a table without a policy with "
                          "ResourceNotFoundException (AWS: PolicyNotFoundException); awsstate then checks the table "
                          "exists")
def test_moto_delete_resource_policy_without_one_is_policy_not_found(moto: None, boto_clients: Any) -> None:
    client, arn = _raw_table(boto_clients)
    with pytest.raises(client.exceptions.ClientError) as caught:
        client.delete_resource_policy(ResourceArn=arn)
    assert caught.value.response["Error"]["Code"] == "PolicyNotFoundException"


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5 answers the TTL calls for a missing table with the code ResourceNotFound "
                          "(AWS: ResourceNotFoundException); awsstate takes both as not found")
def test_moto_time_to_live_of_a_missing_table_is_resource_not_found_exception(moto: None, boto_clients: Any) -> None:
    client = boto_clients("dynamodb", REGION)
    with pytest.raises(client.exceptions.ClientError) as caught:
        client.describe_time_to_live(TableName="no-such-table")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5 drops CreateTable's ResourcePolicy (AWS attaches it); awsstate writes the "
                          "policy with PutResourcePolicy after the create")
def test_moto_create_table_attaches_its_resource_policy(moto: None, boto_clients: Any) -> None:
    client, arn = _raw_table(boto_clients, ResourcePolicy=json.dumps(policy(NAME, REGION)))
    try:
        found = client.get_resource_policy(ResourceArn=arn)["Policy"]
    except client.exceptions.PolicyNotFoundException:
        found = None
    assert found is not None


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5 keeps reporting the provisioned throughput of a table (and its indexes) "
                          "switched to PAY_PER_REQUEST (AWS: 0); awsstate reads no capacity on an on-demand table")
def test_moto_an_on_demand_table_reports_no_capacity(moto: None, boto_clients: Any) -> None:
    client = boto_clients("dynamodb", REGION)
    client.create_table(TableName=NAME, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    client.update_table(TableName=NAME, BillingMode="PAY_PER_REQUEST")
    throughput = client.describe_table(TableName=NAME)["Table"]["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (0, 0)


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5: UpdateTable's AttributeDefinitions replace the table's list (AWS merges "
                          "them), so a new index defined alone loses the table key's type; awsstate sends every key")
def test_moto_update_table_merges_attribute_definitions(moto: None, boto_clients: Any) -> None:
    client, _ = _raw_table(boto_clients)
    client.update_table(TableName=NAME, AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
                        GlobalSecondaryIndexUpdates=[{"Create": {
                            "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                            "Projection": {"ProjectionType": "ALL"}}}])
    names = {a["AttributeName"] for a in client.describe_table(TableName=NAME)["Table"]["AttributeDefinitions"]}
    assert names == {"pk", "g"}
