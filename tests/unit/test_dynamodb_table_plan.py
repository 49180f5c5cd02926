"""Plan tables, call budgets, replace, deletion and readiness for dynamodb_table on the in-memory
provider (which follows real AWS)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import pytest

from awsstate import (
    DynamodbTableDesired,
    DynamodbTableManager,
    GlobalSecondaryIndex,
    InMemoryProvider,
    InvalidRequestError,
    LocalSecondaryIndex,
    Plan,
    RecordingProvider,
    RequiredSettingError,
    TableBilling,
    TableEncryption,
    UnsafeChangeError,
)
from awsstate.canonical import Json
from awsstate.plan import CreateAction, DeleteAction, ReplaceAction, UpdateAction
from awsstate.testing import FakeClock
from tests.examples.dynamodb_table import BY_CREATED, BY_STATUS, DRIFTED_INDEXES, everything, policy

NAME = "plan-orders"
REGION = "eu-west-1"
T = TypeVar("T")
KEYS: dict[str, Any] = {"hash_key": ("pk", "S"), "range_key": ("sk", "S")}
ON_DEMAND: dict[str, Json] = {"mode": "PAY_PER_REQUEST", "max_read_request_units": None,
                              "max_write_request_units": None}
STATUS: dict[str, Json] = {"name": "by-status", "hash_key": {"name": "status", "type": "S"},
                           "range_key": {"name": "sk", "type": "S"}, "projection": "INCLUDE",
                           "non_key_attributes": ["total"], "read_capacity": 5, "write_capacity": 5}


def _desired(**fields: Any) -> DynamodbTableDesired:
    return DynamodbTableDesired(name=NAME, region=REGION, **fields)


def _table(memory: InMemoryProvider, aspects: Mapping[str, Json] | None = None, **fields: Any) -> None:
    """A table as awsstate creates it (keys, on-demand unless given), then ``aspects`` changed out-of-band."""
    DynamodbTableManager(provider=memory, clock=FakeClock()).apply(
        _desired(**{**KEYS, "billing": TableBilling.on_demand(), **fields}))
    for aspect, value in (aspects or {}).items():
        memory.world.set_aspect("dynamodb_table", NAME, aspect, value, region=REGION)


def _updates(plan: Plan) -> list[tuple[str, Json]]:
    assert all(isinstance(a, UpdateAction) for a in plan.actions), plan
    return [(a.aspect, a.after) for a in plan.actions if isinstance(a, UpdateAction)]


# -- create ----------------------------------------------------------------------------------------

def test_a_create_carries_what_create_table_takes_and_writes_the_rest_after(recorder: RecordingProvider) -> None:
    plan = DynamodbTableManager(provider=recorder).plan(_desired(
        **KEYS, billing=TableBilling.provisioned(read_capacity=5, write_capacity=4),
        global_secondary_indexes=[GlobalSecondaryIndex(name="by-customer", hash_key=("customer", "S"),
                                                       projection="ALL")],
        stream="KEYS_ONLY", ttl="expires_at", point_in_time_recovery=True, resource_policy=policy(NAME, REGION),
        deletion_protection=True, tags={"env": "dev"}))
    create = plan.actions[0]
    assert isinstance(create, CreateAction)
    assert create.params["hash_key"] == {"name": "pk", "type": "S"} and create.params["stream"] == "KEYS_ONLY"
    assert create.params["billing"] == {"mode": "PROVISIONED", "read_capacity": 5, "write_capacity": 4}
    # a new index on a provisioned table without capacities of its own gets the table's
    assert create.params["global_secondary_indexes"] == [{
        "name": "by-customer", "hash_key": {"name": "customer", "type": "S"}, "range_key": None, "projection": "ALL",
        "non_key_attributes": [], "read_capacity": 5, "write_capacity": 4}]
    assert [a.aspect for a in plan.actions[1:]] == ["ttl", "point_in_time_recovery", "resource_policy"]
    assert [c.operation for c in recorder.calls] == ["read_existence"]


def test_defaults_of_a_new_table_cost_no_write(recorder: RecordingProvider) -> None:
    plan = DynamodbTableManager(provider=recorder).plan(_desired(
        **KEYS, billing=TableBilling.on_demand(), ttl=False, point_in_time_recovery=False, resource_policy={},
        stream=False, encryption=TableEncryption.aws_owned(), table_class="STANDARD", deletion_protection=False,
        tags={}, global_secondary_indexes=[], local_secondary_indexes=[]))
    assert [a.type for a in plan.actions] == ["create"]


@pytest.mark.parametrize(("fields", "missing"), [({"billing": TableBilling.on_demand()}, "hash_key"),
                                                 ({"hash_key": ("pk", "S")}, "billing")])
def test_a_create_without_keys_or_billing_is_refused_naming_them(
        memory: InMemoryProvider, fields: dict[str, Any], missing: str) -> None:
    with pytest.raises(RequiredSettingError, match=missing):
        DynamodbTableManager(provider=memory).plan(_desired(**fields))


def test_a_provisioned_table_without_both_capacities_is_refused_before_any_write(recorder: RecordingProvider) -> None:
    with pytest.raises(InvalidRequestError, match="read_capacity and write_capacity"):
        DynamodbTableManager(provider=recorder).plan(
            _desired(**KEYS, billing=TableBilling.provisioned(read_capacity=3)))
    assert recorder.writes == []


# -- budgets ---------------------------------------------------------------------------------------

def test_a_plan_reads_existence_plus_one_call_per_managed_aspect_describe_table_does_not_carry(
        memory: InMemoryProvider) -> None:
    _table(memory)
    recorder = RecordingProvider(memory)
    manager = DynamodbTableManager(provider=recorder)
    manager.plan(_desired(billing=TableBilling.on_demand(), stream=False, deletion_protection=False))
    assert [c.operation for c in recorder.calls] == ["read_existence"]
    recorder.clear()
    manager.plan(_desired(ttl=False, tags={}))
    assert sorted((c.operation, c.aspect or "") for c in recorder.calls) == [
        ("read_aspect", "tags"), ("read_aspect", "ttl"), ("read_existence", "")]


# -- updates ---------------------------------------------------------------------------------------

PROVISIONED: dict[str, Json] = {"mode": "PROVISIONED", "read_capacity": 5, "write_capacity": 6}
STATUS_ON_DEMAND: dict[str, Json] = {**STATUS, "read_capacity": None, "write_capacity": None}
NEW_INDEX = GlobalSecondaryIndex(name="by-customer", hash_key=("customer", "S"), projection="ALL")
CUSTOMER: dict[str, Json] = {"name": "by-customer", "hash_key": {"name": "customer", "type": "S"}, "range_key": None,
                             "projection": "ALL", "non_key_attributes": []}

# (id, aspects of the existing table, desired fields, expected [(aspect, after)])
UPDATE_TABLE: list[tuple[str, dict[str, Json], dict[str, Any], list[tuple[str, Json]]]] = [
    ("nothing-managed", {"ttl": "exp", "tags": {"a": "b"}}, {}, []),
    ("billing-equal", {}, {"billing": TableBilling.on_demand()}, []),
    ("billing-to-provisioned", {}, {"billing": TableBilling.provisioned(read_capacity=5, write_capacity=6)},
     [("billing", PROVISIONED)]),
    ("billing-one-capacity-keeps-the-other", {"billing": PROVISIONED},
     {"billing": TableBilling.provisioned(read_capacity=9)}, [("billing", {**PROVISIONED, "read_capacity": 9})]),
    ("billing-mode-only-keeps-capacities-unmanaged", {"billing": PROVISIONED},
     {"billing": TableBilling(mode="PROVISIONED")}, []),
    ("billing-to-on-demand", {"billing": PROVISIONED}, {"billing": TableBilling.on_demand()},
     [("billing", ON_DEMAND)]),
    ("on-demand-maximum", {}, {"billing": TableBilling.on_demand(max_read_request_units=100)},
     [("billing", {**ON_DEMAND, "max_read_request_units": 100})]),
    ("on-demand-maximum-removed", {"billing": {**ON_DEMAND, "max_read_request_units": 100}},
     {"billing": TableBilling(mode="PAY_PER_REQUEST", max_read_request_units=None)}, [("billing", ON_DEMAND)]),
    ("index-added", {}, {"global_secondary_indexes": [NEW_INDEX]},
     [("global_secondary_indexes", [{**CUSTOMER, "read_capacity": None, "write_capacity": None}])]),
    ("index-added-gets-the-tables-capacity", {"billing": PROVISIONED},
     {"billing": TableBilling.provisioned(read_capacity=5, write_capacity=6), "global_secondary_indexes": [NEW_INDEX]},
     [("global_secondary_indexes", [{**CUSTOMER, "read_capacity": 5, "write_capacity": 6}])]),
    ("index-removed", {"global_secondary_indexes": [STATUS]}, {"global_secondary_indexes": []},
     [("global_secondary_indexes", [])]),
    ("index-kept-without-purge", {"global_secondary_indexes": [STATUS_ON_DEMAND]},
     {"global_secondary_indexes": [NEW_INDEX], "purge_global_secondary_indexes": False},
     [("global_secondary_indexes", [{**CUSTOMER, "read_capacity": None, "write_capacity": None}, STATUS_ON_DEMAND])]),
    ("index-capacity-unset-keeps-the-indexs", {"global_secondary_indexes": [STATUS], "billing": PROVISIONED},
     {"global_secondary_indexes": [BY_STATUS.model_copy(update={"read_capacity": None, "write_capacity": None})]}, []),
    ("index-capacity-changed", {"global_secondary_indexes": [STATUS], "billing": PROVISIONED},
     {"global_secondary_indexes": [BY_STATUS.model_copy(update={"read_capacity": 8})]},
     [("global_secondary_indexes", [{**STATUS, "read_capacity": 8}])]),
    ("index-projection-changed", {"global_secondary_indexes": [STATUS], "billing": PROVISIONED},
     {"global_secondary_indexes": [BY_STATUS.model_copy(update={"projection": "ALL", "non_key_attributes": []})]},
     [("global_secondary_indexes", [{**STATUS, "projection": "ALL", "non_key_attributes": []}])]),
    ("index-attribute-order-ignored", {"global_secondary_indexes": [{**STATUS, "non_key_attributes": ["b", "a"]}]},
     {"global_secondary_indexes": [BY_STATUS.model_copy(update={"non_key_attributes": ["a", "b"]})]}, []),
    ("stream-on", {}, {"stream": "NEW_IMAGE"}, [("stream", "NEW_IMAGE")]),
    ("stream-view-changed", {"stream": "NEW_IMAGE"}, {"stream": "OLD_IMAGE"}, [("stream", "OLD_IMAGE")]),
    ("stream-off", {"stream": "NEW_IMAGE"}, {"stream": False}, [("stream", None)]),
    ("ttl-on", {}, {"ttl": "expires_at"}, [("ttl", "expires_at")]),
    ("ttl-moved", {"ttl": "expires_at"}, {"ttl": "ttl"}, [("ttl", "ttl")]),
    ("ttl-off", {"ttl": "expires_at"}, {"ttl": False}, [("ttl", None)]),
    ("pitr-on-takes-35-days", {}, {"point_in_time_recovery": True},
     [("point_in_time_recovery", {"enabled": True, "recovery_period_in_days": 35})]),
    ("pitr-on-keeps-its-period", {"point_in_time_recovery": {"enabled": True, "recovery_period_in_days": 7}},
     {"point_in_time_recovery": True}, []),
    ("pitr-period", {"point_in_time_recovery": {"enabled": True, "recovery_period_in_days": 7}},
     {"point_in_time_recovery": {"recovery_period_in_days": 14}},
     [("point_in_time_recovery", {"enabled": True, "recovery_period_in_days": 14})]),
    ("pitr-off", {"point_in_time_recovery": {"enabled": True, "recovery_period_in_days": 7}},
     {"point_in_time_recovery": False}, [("point_in_time_recovery", {"enabled": False})]),
    ("encryption-managed", {}, {"encryption": TableEncryption.aws_managed()},
     [("encryption", {"type": "AWS_MANAGED"})]),
    ("encryption-owned", {"encryption": {"type": "AWS_MANAGED"}}, {"encryption": TableEncryption.aws_owned()},
     [("encryption", {"type": "AWS_OWNED"})]),
    ("table-class", {}, {"table_class": "STANDARD_INFREQUENT_ACCESS"},
     [("table_class", "STANDARD_INFREQUENT_ACCESS")]),
    ("deletion-protection", {}, {"deletion_protection": True}, [("deletion_protection", True)]),
    ("policy-set", {}, {"resource_policy": policy(NAME, REGION)}, [("resource_policy", policy(NAME, REGION))]),
    ("policy-equal-by-meaning", {"resource_policy": policy(NAME, REGION, ["dynamodb:GetItem"])},
     {"resource_policy": policy(NAME, REGION)}, []),
    ("policy-removed", {"resource_policy": policy(NAME, REGION)}, {"resource_policy": {}}, [("resource_policy", None)]),
    ("tags-added-without-purge", {"tags": {"keep": "me"}}, {"tags": {"env": "dev"}, "purge_tags": False},
     [("tags", {"env": "dev", "keep": "me"})]),
]


@pytest.mark.parametrize(("observed", "fields", "expected"),
                         [pytest.param(*row[1:], id=row[0]) for row in UPDATE_TABLE])
def test_update_plans(memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any],
                      expected: list[tuple[str, Json]]) -> None:
    _table(memory, observed)
    manager = DynamodbTableManager(provider=memory, clock=FakeClock())
    desired = _desired(**fields)
    assert _updates(manager.plan(desired)) == expected
    recorder = RecordingProvider(memory)
    DynamodbTableManager(provider=recorder, clock=FakeClock()).apply(desired)
    assert [c.aspect for c in recorder.writes] == [aspect for aspect, _ in expected], "one write per drifted aspect"
    assert not manager.plan(desired).changed


def test_the_fake_refuses_a_new_index_without_capacity_on_a_provisioned_table(memory: InMemoryProvider) -> None:
    _table(memory, {"billing": PROVISIONED})
    with pytest.raises(InvalidRequestError, match="needs ProvisionedThroughput"):
        DynamodbTableManager(provider=memory).apply(_desired(global_secondary_indexes=[NEW_INDEX]))


# -- replace ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "reason"), [
    ({"hash_key": ("pk", "N"), "range_key": ("sk", "S")}, "hash_key is fixed at creation"),
    ({"hash_key": ("pk", "S")}, "table_range_key is fixed at creation"),
    ({**KEYS, "local_secondary_indexes": [BY_CREATED]}, "local secondary indexes are fixed at creation (none -> "
                                                       "by-created)"),
])
def test_a_change_fixed_at_creation_is_a_replace_that_says_the_items_go(
        memory: InMemoryProvider, fields: dict[str, Any], reason: str) -> None:
    _table(memory)
    manager = DynamodbTableManager(provider=memory, clock=FakeClock())
    desired = _desired(billing=TableBilling.on_demand(), **fields)  # a new table needs billing again
    plan = manager.plan(desired)
    replace = plan.actions[0]
    assert isinstance(replace, ReplaceAction) and reason in replace.details
    assert "every item in the table will be deleted with it" in str(plan)
    with pytest.raises(UnsafeChangeError, match="replacement"):
        manager.apply(desired)
    manager.apply(desired, allow_replace=True)
    assert not manager.plan(desired).changed


def test_an_unchanged_local_index_set_is_no_replace_and_unset_keys_are_unmanaged(memory: InMemoryProvider) -> None:
    _table(memory, local_secondary_indexes=[BY_CREATED])
    manager = DynamodbTableManager(provider=memory)
    assert not manager.plan(_desired(**KEYS, local_secondary_indexes=[BY_CREATED])).changed
    assert not manager.plan(_desired(ttl=False)).changed  # no key schema given: the keys are not compared
    changed = LocalSecondaryIndex(name="by-created", range_key=("created", "N"), projection="ALL")
    replace = manager.plan(_desired(**KEYS, billing=TableBilling.on_demand(), local_secondary_indexes=[changed]))
    assert isinstance(replace.actions[0], ReplaceAction)


# -- delete ----------------------------------------------------------------------------------------

def test_absent_says_the_items_go_and_is_refused_while_deletion_protection_is_on(memory: InMemoryProvider) -> None:
    _table(memory, deletion_protection=True)
    manager = DynamodbTableManager(provider=memory, clock=FakeClock())
    absent = _desired(state="absent")
    plan = manager.plan(absent)
    assert isinstance(plan.actions[0], DeleteAction)
    assert "delete, and every item in the table" in str(plan) and "force_destroy" not in str(plan)
    assert str(Plan.model_validate_json(plan.model_dump_json())) == str(plan), "the JSON form keeps it"
    with pytest.raises(InvalidRequestError, match="deletion protection") as caught:
        manager.apply(absent)
    assert caught.value.aspect == "deletion_protection"
    assert manager.get(NAME, REGION) is not None
    manager.apply(_desired(deletion_protection=False))
    manager.apply(absent)
    assert manager.get(NAME, REGION) is None


def test_a_plan_survives_its_json_form_and_the_export_of_everything_plans_empty(memory: InMemoryProvider) -> None:
    manager = DynamodbTableManager(provider=memory, clock=FakeClock())
    desired = everything(NAME, REGION)
    saved = manager.plan(desired).model_dump_json()
    manager.apply(Plan.model_validate_json(saved))
    exported = manager.export(NAME, REGION)
    assert exported is not None and not manager.plan(exported).changed
    assert exported.table_class == "STANDARD_INFREQUENT_ACCESS" and exported.deletion_protection is True
    assert manager.get(NAME, REGION).global_secondary_indexes == [STATUS]  # type: ignore[union-attr]


def test_drifted_indexes_are_converged(memory: InMemoryProvider) -> None:
    manager = DynamodbTableManager(provider=memory, clock=FakeClock())
    manager.apply(everything(NAME, REGION))
    memory.world.set_aspect("dynamodb_table", NAME, "global_secondary_indexes", DRIFTED_INDEXES, region=REGION)
    assert manager.plan(everything(NAME, REGION)).aspects == ("global_secondary_indexes",)


def test_a_customer_key_may_be_a_stack_reference_to_a_kms_key_known_after_apply() -> None:
    from awsstate import KmsKeyDesired, Stack

    provider = InMemoryProvider(region=REGION)
    key = KmsKeyDesired(name="tables", region=REGION)
    table = _desired(**KEYS, billing=TableBilling.on_demand(), encryption=TableEncryption.customer_managed(key.ref.arn))
    stack = Stack("shop", [key, table], provider=provider)
    plan = stack.plan()
    assert "known after apply: kms_key.tables.arn" in str(plan)
    assert stack.apply(plan).ok and not stack.plan().changed
    observed = DynamodbTableManager(provider=provider).get(NAME, REGION)
    assert observed is not None and observed.encryption["kms_key_arn"].startswith(f"arn:aws:kms:{REGION}:")
