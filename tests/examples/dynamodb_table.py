"""Shared examples for dynamodb_table.

``full`` manages every aspect. Where moto 5.2.5 cannot show a value, ``full`` uses one it can
(each deviation has its own strict xfail in tests/integration/test_dynamodb_table_aws.py):

* moto stores no table class and ignores SSESpecification in UpdateTable, so ``full`` keeps the
  class ``STANDARD`` and the AWS managed key, and neither drifts;
* moto never re-enables a stream once disabled, so the stream is set at creation and does not drift.

``everything`` adds what moto cannot show (an infrequent-access class, a customer managed key,
deletion protection on), for the in-memory suites.
"""

from __future__ import annotations

from typing import Any

from awsstate import (
    DynamodbTableDesired,
    DynamodbTableManager,
    GlobalSecondaryIndex,
    LocalSecondaryIndex,
    PointInTimeRecovery,
    TableBilling,
    TableEncryption,
)
from tests.examples import BotoClients, KindExamples

ACCOUNT = "123456789012"


def policy(name: str, region: str, action: Any = "dynamodb:GetItem") -> dict[str, Any]:
    """A resource policy letting the account's root read the table."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "ReadFromAccount", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": action, "Resource": f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}"}]}


BY_STATUS = GlobalSecondaryIndex(name="by-status", hash_key=("status", "S"), range_key=("sk", "S"),
                                 projection="INCLUDE", non_key_attributes=["total"], read_capacity=5, write_capacity=5)
BY_CUSTOMER = GlobalSecondaryIndex(name="by-customer", hash_key=("customer", "S"), projection="ALL")
BY_CREATED = LocalSecondaryIndex(name="by-created", range_key=("created", "N"), projection="KEYS_ONLY")


def _name(token: str) -> str:
    return f"awsstate-test-{token}"


def _minimal(name: str, region: str) -> DynamodbTableDesired:
    return DynamodbTableDesired(name=name, region=region, hash_key=("pk", "S"), billing=TableBilling.on_demand())


def _full(name: str, region: str) -> DynamodbTableDesired:
    return DynamodbTableDesired(
        name=name, region=region, hash_key=("pk", "S"), range_key=("sk", "S"),
        billing=TableBilling.provisioned(read_capacity=5, write_capacity=5),
        global_secondary_indexes=[BY_STATUS], local_secondary_indexes=[BY_CREATED],
        stream="NEW_AND_OLD_IMAGES", ttl="expires_at",
        point_in_time_recovery=PointInTimeRecovery(enabled=True, recovery_period_in_days=35),
        encryption=TableEncryption.aws_managed(), table_class="STANDARD", deletion_protection=False,
        resource_policy=policy(name, region), tags={"awsstate:test": "full", "env": "dev"},
    )


def everything(name: str, region: str) -> DynamodbTableDesired:
    """``full`` plus the values moto cannot show."""
    return _full(name, region).model_copy(update={
        "table_class": "STANDARD_INFREQUENT_ACCESS", "deletion_protection": True,
        "encryption": TableEncryption.customer_managed(
            f"arn:aws:kms:{region}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    })


def _update(name: str, region: str) -> DynamodbTableDesired:
    return _full(name, region).model_copy(update={
        "billing": TableBilling.provisioned(read_capacity=10, write_capacity=10),
        "global_secondary_indexes": [BY_STATUS, BY_CUSTOMER],  # the new index gets the table's capacity
        "point_in_time_recovery": PointInTimeRecovery(enabled=True, recovery_period_in_days=7),
        "tags": {"awsstate:test": "full", "env": "prod"},
    })


DRIFTED_INDEXES = [{"name": "by-status", "hash_key": {"name": "status", "type": "S"},
                    "range_key": {"name": "sk", "type": "S"}, "projection": "INCLUDE",
                    "non_key_attributes": ["total"], "read_capacity": 3, "write_capacity": 3}]


def _drift_boto3(clients: BotoClients, name: str, region: str) -> None:
    dynamodb = clients("dynamodb", region)
    dynamodb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 3})
    dynamodb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Update": {
        "IndexName": "by-status", "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 3}}}])
    dynamodb.update_table(TableName=name, DeletionProtectionEnabled=True)
    dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": False,
                                                                          "AttributeName": "expires_at"})
    dynamodb.update_continuous_backups(TableName=name,
                                       PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
    arn = dynamodb.describe_table(TableName=name)["Table"]["TableArn"]
    dynamodb.delete_resource_policy(ResourceArn=arn)
    dynamodb.untag_resource(ResourceArn=arn, TagKeys=["awsstate:test"])
    dynamodb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "hacked"}])


DYNAMODB_TABLE_EXAMPLES = KindExamples(
    kind="dynamodb_table",
    manager=DynamodbTableManager,
    name=_name,
    minimal=_minimal,
    full=_full,
    update=_update,
    update_aspects=frozenset({"billing", "global_secondary_indexes", "point_in_time_recovery", "tags"}),
    drift={
        "billing": {"mode": "PROVISIONED", "read_capacity": 3, "write_capacity": 3},
        "global_secondary_indexes": DRIFTED_INDEXES,
        "deletion_protection": True,
        "ttl": None,
        "point_in_time_recovery": {"enabled": False},
        "resource_policy": None,
        "tags": {"env": "hacked"},
    },
    drift_boto3=_drift_boto3,
    max_name_length=255,
)
