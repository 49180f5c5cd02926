"""dynamodb_table validation: DynamoDB's own rules, checked when the model is built (before any call),
each error naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import (
    DynamodbTableDesired,
    DynamodbTableManager,
    GlobalSecondaryIndex,
    InMemoryProvider,
    KeyAttribute,
    LocalSecondaryIndex,
    PointInTimeRecovery,
    RecordingProvider,
    TableBilling,
    TableEncryption,
)
from awsstate.refs import Ref

REGION = "eu-west-1"
KEY_ARN = f"arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BASE: dict[str, Any] = {"name": "orders", "region": REGION, "hash_key": ("pk", "S"), "range_key": ("sk", "S"),
                        "billing": TableBilling.on_demand()}


def _gsi(name: str = "by-status", **fields: Any) -> GlobalSecondaryIndex:
    return GlobalSecondaryIndex(**{"name": name, "hash_key": ("status", "S"), "projection": "ALL", **fields})


def _lsi(name: str = "by-created", **fields: Any) -> LocalSecondaryIndex:
    return LocalSecondaryIndex(**{"name": name, "range_key": ("created", "N"), "projection": "ALL", **fields})


def _refused(field: str, match: str, **fields: Any) -> None:
    with pytest.raises(ValidationError, match=match) as caught:
        DynamodbTableDesired(**{**BASE, **fields})
    assert any(error["loc"] and error["loc"][0] == field for error in caught.value.errors()), caught.value


def test_a_valid_table_builds_and_a_bad_one_makes_no_call() -> None:
    assert DynamodbTableDesired(**BASE).hash_key == KeyAttribute(name="pk", type="S")
    recorder = RecordingProvider(InMemoryProvider())
    with pytest.raises(ValidationError):
        DynamodbTableManager(provider=recorder).plan(DynamodbTableDesired(**{**BASE, "name": "a b"}))
    assert recorder.calls == []


@pytest.mark.parametrize("name", ["ab", "x" * 256, "orders/2024", "orders table", "orders\n", "tábla"])
def test_table_names_follow_dynamodb_rules(name: str) -> None:
    _refused("name", "table name", name=name)


@pytest.mark.parametrize("name", ["abc", "x" * 255, "Orders_2024.v1-a"])
def test_valid_table_names(name: str) -> None:
    assert DynamodbTableDesired(name=name).name == name


def test_key_attributes_take_a_pair_a_mapping_or_a_model_and_need_a_scalar_type() -> None:
    assert DynamodbTableDesired(name="orders", hash_key={"name": "pk", "type": "N"}).hash_key == KeyAttribute(
        name="pk", type="N")
    _refused("hash_key", "type", hash_key=("pk", "BOOL"))
    _refused("hash_key", "1 to 255", hash_key=("", "S"))
    _refused("hash_key", "1 to 255", hash_key=("x" * 256, "S"))
    _refused("hash_key", "type", hash_key={"name": "pk"})  # no default type: the key schema is given whole


def test_the_sort_key_needs_a_partition_key_and_differs_from_it() -> None:
    with pytest.raises(ValidationError, match="range_key needs hash_key") as caught:
        DynamodbTableDesired(name="orders", range_key=("sk", "S"))
    assert caught.value.errors()[0]["loc"] == ("range_key",)
    _refused("range_key", "differ", range_key=("pk", "S"))


def test_an_attribute_has_one_type_across_the_table_and_its_indexes() -> None:
    _refused("global_secondary_indexes", "'sk' is type S", global_secondary_indexes=[
        _gsi(range_key=("sk", "N"))])
    _refused("local_secondary_indexes", "'created' is type N", global_secondary_indexes=[
        _gsi(hash_key=("created", "N"))], local_secondary_indexes=[_lsi(range_key=("created", "S"))])


def test_index_names_are_unique_across_global_and_local_indexes() -> None:
    _refused("global_secondary_indexes", "unique", global_secondary_indexes=[_gsi(), _gsi()])
    _refused("local_secondary_indexes", "unique", global_secondary_indexes=[_gsi("by-x")],
             local_secondary_indexes=[_lsi("by-x")])
    with pytest.raises(ValidationError, match="index name"):
        _gsi("ab")


def test_projection_include_needs_1_to_20_non_key_attributes_and_others_none() -> None:
    with pytest.raises(ValidationError, match="1 to 20 non_key_attributes"):
        _gsi(projection="INCLUDE")
    with pytest.raises(ValidationError, match="1 to 20 non_key_attributes"):
        _gsi(projection="INCLUDE", non_key_attributes=[f"a{i}" for i in range(21)])
    with pytest.raises(ValidationError, match="need projection 'INCLUDE'"):
        _lsi(projection="KEYS_ONLY", non_key_attributes=["total"])
    with pytest.raises(ValidationError, match="repeat"):
        _gsi(projection="INCLUDE", non_key_attributes=["total", "total"])
    with pytest.raises(ValidationError, match="projection"):
        GlobalSecondaryIndex(name="by-status", hash_key=("status", "S"))  # required: it defines the index


def test_at_most_100_projected_attributes_across_a_tables_indexes() -> None:
    indexes = [_gsi(f"index-{n}", projection="INCLUDE", non_key_attributes=[f"a{n}-{i}" for i in range(20)])
               for n in range(6)]
    _refused("global_secondary_indexes", "120 non-key attributes", global_secondary_indexes=indexes)


def test_an_index_sort_key_differs_from_its_partition_key() -> None:
    with pytest.raises(ValidationError, match="differ"):
        _gsi(range_key=("status", "S"))


def test_local_indexes_need_a_table_with_a_sort_key_and_share_its_partition_key() -> None:
    with pytest.raises(ValidationError, match="sort key") as caught:
        DynamodbTableDesired(name="orders", hash_key=("pk", "S"), local_secondary_indexes=[_lsi()])
    assert caught.value.errors()[0]["loc"] == ("local_secondary_indexes",)
    with pytest.raises(ValidationError, match="need hash_key and range_key"):
        DynamodbTableDesired(name="orders", local_secondary_indexes=[_lsi()])
    _refused("local_secondary_indexes", "partition key is the table's", local_secondary_indexes=[
        _lsi(hash_key=("customer", "S"))])
    _refused("local_secondary_indexes", "must differ from the partition key", local_secondary_indexes=[
        _lsi(range_key=("pk", "S"))])
    assert DynamodbTableDesired(**BASE, local_secondary_indexes=[_lsi(hash_key=("pk", "S"))]).local_secondary_indexes


def test_at_most_five_local_indexes() -> None:
    _refused("local_secondary_indexes", "at most 5", local_secondary_indexes=[
        _lsi(f"lsi-{n}", range_key=(f"r{n}", "S")) for n in range(6)])


def test_capacity_does_not_go_with_on_demand_and_maxima_do_not_go_with_provisioned() -> None:
    with pytest.raises(ValidationError, match="on-demand"):
        TableBilling(mode="PAY_PER_REQUEST", read_capacity=5)
    with pytest.raises(ValidationError, match="only an on-demand"):
        TableBilling(mode="PROVISIONED", max_read_request_units=5)
    with pytest.raises(ValidationError, match="need mode given"):
        TableBilling(read_capacity=5)
    with pytest.raises(ValidationError, match="always has capacity"):
        TableBilling(mode="PROVISIONED", read_capacity=None)
    _refused("global_secondary_indexes", "no read/write capacity",
             global_secondary_indexes=[_gsi(read_capacity=5, write_capacity=5)])


@pytest.mark.parametrize("field", ["read_capacity", "write_capacity", "max_read_request_units"])
@pytest.mark.parametrize("value", [0, -1, 2**31])
def test_units_are_positive_and_bounded(field: str, value: int) -> None:
    mode = "PAY_PER_REQUEST" if field.startswith("max") else "PROVISIONED"
    with pytest.raises(ValidationError, match=field):
        TableBilling(mode=mode, **{field: value})


def test_an_explicit_none_maximum_means_no_maximum() -> None:
    billing = TableBilling(mode="PAY_PER_REQUEST", max_read_request_units=None)
    assert billing.model_dump() == {"mode": "PAY_PER_REQUEST", "max_read_request_units": None}
    assert TableBilling.on_demand().model_dump() == {"mode": "PAY_PER_REQUEST"}
    assert TableBilling.provisioned(read_capacity=3).model_dump() == {"mode": "PROVISIONED", "read_capacity": 3}


def test_point_in_time_recovery_takes_a_bool_or_a_model_with_a_1_to_35_day_period() -> None:
    assert DynamodbTableDesired(**BASE, point_in_time_recovery=True).point_in_time_recovery == PointInTimeRecovery(
        enabled=True)
    for days in (0, 36):
        _refused("point_in_time_recovery", "recovery_period_in_days",
                 point_in_time_recovery={"enabled": True, "recovery_period_in_days": days})


def test_encryption_types_and_the_customer_key_arn() -> None:
    assert TableEncryption.customer_managed(KEY_ARN).kms_key_arn == KEY_ARN
    with pytest.raises(ValidationError, match="needs kms_key_arn"):
        TableEncryption(type="CUSTOMER_MANAGED")
    with pytest.raises(ValidationError, match="only for type 'CUSTOMER_MANAGED'"):
        TableEncryption(type="AWS_MANAGED", kms_key_arn=KEY_ARN)
    for key in ("alias/orders", "1234abcd-12ab-34cd-56ef-1234567890ab", f"arn:aws:sqs:{REGION}:123456789012:q"):
        with pytest.raises(ValidationError, match="not a KMS key ARN"):
            TableEncryption.customer_managed(key)


def test_the_customer_key_may_be_a_reference_to_a_kms_key_but_not_to_anything_else() -> None:
    ref = Ref("kms_key", "orders", "arn")
    assert TableEncryption.customer_managed(ref).kms_key_arn == str(ref)
    with pytest.raises(ValidationError, match="cannot stand here"):
        TableEncryption.customer_managed(str(Ref("sqs_queue", "orders", "arn")))


def test_stream_view_types_and_ttl_attribute() -> None:
    assert DynamodbTableDesired(**BASE, stream=False, ttl=False).stream is False
    _refused("stream", "KEYS_ONLY", stream="ALL")
    _refused("stream", "KEYS_ONLY", stream=True)
    _refused("ttl", "1 to 255", ttl="")
    _refused("table_class", "STANDARD", table_class="GLACIER")


POLICY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "dynamodb:GetItem",
    "Resource": "*"}]}


def test_the_resource_policy_is_a_mapping_or_json_text_with_principals_and_at_most_20_kb() -> None:
    assert DynamodbTableDesired(**BASE, resource_policy=json.dumps(POLICY)).resource_policy == POLICY
    assert DynamodbTableDesired(**BASE, resource_policy="  ").resource_policy == {}
    _refused("resource_policy", "JSON", resource_policy="{not json")
    no_principal = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:*",
                                                            "Resource": "*"}]}
    _refused("resource_policy", "Principal", resource_policy=no_principal)
    big = {**POLICY, "Statement": [{**POLICY["Statement"][0], "Sid": f"S{i}", "Resource": f"arn:aws:dynamodb:{REGION}:"
                                    f"123456789012:table/orders/index/{'x' * 200}{i}"} for i in range(100)]}
    _refused("resource_policy", "20480", resource_policy=big)


def test_tags_follow_aws_rules() -> None:
    _refused("tags", "aws:", tags={"aws:owner": "me"})
    _refused("tags", "at most 50", tags={f"k{i}": "v" for i in range(51)})


def test_unknown_fields_are_refused() -> None:
    _refused("attributes", "Extra inputs", attributes=[{"name": "pk", "type": "S"}])
