"""Plan tables and call budgets for logs_log_group on the in-memory provider (which follows real AWS)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, cast

import pytest

from awsstate import (
    InMemoryProvider,
    InvalidRequestError,
    LogsLogGroupDesired,
    LogsLogGroupManager,
    RecordingProvider,
    UnsafeChangeError,
)
from awsstate.canonical import Json
from awsstate.plan import Plan, UpdateAction
from awsstate.resources.logs_log_group.kind import LOGS_LOG_GROUP
from tests.examples.logs_log_group import DATA_PROTECTION as _DATA_PROTECTION
from tests.examples.logs_log_group import everything

NAME = "/plan-table/orders"
REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = f"arn:aws:kms:{REGION}:123456789012:key/0000abcd-12ab-34cd-56ef-1234567890ab"
DATA_PROTECTION = cast("dict[str, Json]", _DATA_PROTECTION)


def _reordered(value: Json) -> Json:
    """The same JSON document with every object's keys in reverse order (list order kept)."""
    if isinstance(value, dict):
        return {key: _reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(item) for item in value]
    return value


def _existing(memory: InMemoryProvider, aspects: Mapping[str, Json] | None = None) -> None:
    """A log group as AWS creates it, then with ``aspects`` changed out-of-band."""
    memory.create(LOGS_LOG_GROUP.ref(NAME, REGION), {})
    for aspect, value in (aspects or {}).items():
        memory.world.set_aspect("logs_log_group", NAME, aspect, value, region=REGION)


def _updates(plan: Plan) -> list[tuple[str, Json, Json]]:
    """``(aspect, before, after)`` of each action, all of which must be updates."""
    assert all(isinstance(a, UpdateAction) for a in plan.actions), plan
    return [(a.aspect, a.before, a.after) for a in plan.actions if isinstance(a, UpdateAction)]


# (id, observed aspects on an existing log group, desired fields, expected [(aspect, after)])
UPDATE_TABLE: list[tuple[str, dict[str, Json], dict[str, Any], list[tuple[str, Json]]]] = [
    ("nothing-managed-nothing-planned", {"retention_in_days": 7, "tags": {"env": "dev"}}, {}, []),
    ("aws-defaults-already-satisfied", {},
     {"retention_in_days": False, "kms_key_id": "", "log_group_class": "STANDARD", "data_protection_policy": {},
      "deletion_protection": False, "tags": {}}, []),
    ("retention-set", {}, {"retention_in_days": 14}, [("retention_in_days", 14)]),
    ("retention-changed", {"retention_in_days": 7}, {"retention_in_days": 3653}, [("retention_in_days", 3653)]),
    ("retention-equal", {"retention_in_days": 30}, {"retention_in_days": 30}, []),
    ("retention-false-removes", {"retention_in_days": 7}, {"retention_in_days": False},
     [("retention_in_days", None)]),
    ("retention-zero-removes", {"retention_in_days": 7}, {"retention_in_days": 0}, [("retention_in_days", None)]),
    ("retention-unmanaged-drift-ignored", {"retention_in_days": 7}, {"tags": {}}, []),
    ("kms-added", {}, {"kms_key_id": KEY}, [("kms_key_id", KEY)]),
    ("kms-changed", {"kms_key_id": KEY}, {"kms_key_id": OTHER_KEY}, [("kms_key_id", OTHER_KEY)]),
    ("kms-removed", {"kms_key_id": KEY}, {"kms_key_id": ""}, [("kms_key_id", None)]),
    ("kms-equal", {"kms_key_id": KEY}, {"kms_key_id": KEY}, []),
    ("kms-unmanaged-is-left", {"kms_key_id": KEY}, {"retention_in_days": False}, []),
    ("deletion-protection-on", {}, {"deletion_protection": True}, [("deletion_protection", True)]),
    ("deletion-protection-off", {"deletion_protection": True}, {"deletion_protection": False},
     [("deletion_protection", False)]),
    ("deletion-protection-unmanaged-is-left", {"deletion_protection": True}, {"retention_in_days": False}, []),
    ("dpp-set", {}, {"data_protection_policy": DATA_PROTECTION}, [("data_protection_policy", DATA_PROTECTION)]),
    ("dpp-equal-when-key-order-differs", {"data_protection_policy": _reordered(DATA_PROTECTION)},
     {"data_protection_policy": DATA_PROTECTION}, []),
    ("dpp-json-text-equals-mapping", {"data_protection_policy": DATA_PROTECTION},
     {"data_protection_policy": json.dumps(_reordered(DATA_PROTECTION))}, []),
    ("dpp-changed", {"data_protection_policy": DATA_PROTECTION},
     {"data_protection_policy": {**DATA_PROTECTION, "Name": "renamed"}},
     [("data_protection_policy", {**DATA_PROTECTION, "Name": "renamed"})]),
    ("dpp-removed", {"data_protection_policy": DATA_PROTECTION}, {"data_protection_policy": {}},
     [("data_protection_policy", None)]),
    ("tags-added", {}, {"tags": {"env": "dev"}}, [("tags", {"env": "dev"})]),
    ("tags-replaced", {"tags": {"env": "dev", "old": "x"}}, {"tags": {"env": "prod"}}, [("tags", {"env": "prod"})]),
    ("tags-equal", {"tags": {"env": "dev"}}, {"tags": {"env": "dev"}}, []),
    ("tags-empty-removes-all", {"tags": {"env": "dev"}}, {"tags": {}}, [("tags", {})]),
    ("tags-purge-false-keeps-others", {"tags": {"env": "dev", "team": "a"}},
     {"tags": {"env": "prod"}, "purge_tags": False}, [("tags", {"env": "prod", "team": "a"})]),
    ("tags-purge-false-already-there", {"tags": {"env": "dev", "team": "a"}},
     {"tags": {"env": "dev"}, "purge_tags": False}, []),
    ("tags-aws-prefixed-kept", {"tags": {"aws:cloudformation:stack-name": "s", "env": "dev"}}, {"tags": {}},
     [("tags", {"aws:cloudformation:stack-name": "s"})]),
    ("two-aspects-two-writes", {"retention_in_days": 7}, {"retention_in_days": 14, "deletion_protection": True},
     [("retention_in_days", 14), ("deletion_protection", True)]),
]


@pytest.mark.parametrize(("observed", "fields", "expected"), [row[1:] for row in UPDATE_TABLE],
                         ids=[row[0] for row in UPDATE_TABLE])
def test_update_plan_table(
    memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any], expected: list[tuple[str, Json]]
) -> None:
    _existing(memory, observed)
    plan = LogsLogGroupManager(provider=memory).plan(LogsLogGroupDesired(name=NAME, region=REGION, **fields))
    assert [(aspect, after) for aspect, _, after in _updates(plan)] == expected


@pytest.mark.parametrize(("observed", "fields", "expected"), [row[1:] for row in UPDATE_TABLE if row[3]],
                         ids=[row[0] for row in UPDATE_TABLE if row[3]])
def test_update_plan_table_converges_and_replans_empty(
    memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any], expected: list[tuple[str, Json]]
) -> None:
    _existing(memory, observed)
    manager = LogsLogGroupManager(provider=memory)
    desired = LogsLogGroupDesired(name=NAME, region=REGION, **fields)
    assert manager.apply(desired).changed
    record = memory.world.require("logs_log_group", NAME, REGION)
    assert [(aspect, record.aspects[aspect]) for aspect, _ in expected] == expected
    assert not manager.plan(desired).changed


def test_create_plan_renders_every_value_the_create_call_sets(memory: InMemoryProvider) -> None:
    desired = LogsLogGroupDesired(name=NAME, region=REGION, retention_in_days=14, kms_key_id=KEY,
                                  log_group_class="INFREQUENT_ACCESS", deletion_protection=True,
                                  tags={"env": "dev"})
    plan = LogsLogGroupManager(provider=memory).plan(desired)
    assert [a.type for a in plan.actions] == ["create", "update"]
    assert plan.actions[0].after == {"log_group_class": "INFREQUENT_ACCESS", "kms_key_id": KEY,
                                     "deletion_protection": True, "tags": {"env": "dev"}}
    assert str(plan).splitlines() == [
        f"logs_log_group {NAME} ({REGION}): 2 change(s)",
        f"  + logs_log_group {NAME}: create in {REGION}",
        "        log_group_class = INFREQUENT_ACCESS",
        f"        kms_key_id = {KEY}",
        "        deletion_protection = true",
        '        tags = {"env": "dev"}',
        f"  ~ logs_log_group {NAME}: retention_in_days: set 14",
    ]


def test_create_plan_of_everything_writes_policy_and_retention_after_the_create(memory: InMemoryProvider) -> None:
    plan = LogsLogGroupManager(provider=memory).plan(everything(NAME, REGION))
    assert [(a.type, a.aspect) for a in plan.actions] == [
        ("create", None), ("update", "retention_in_days"), ("update", "data_protection_policy")]
    create = cast("dict[str, Json]", plan.actions[0].after)
    assert set(create) == {"log_group_class", "kms_key_id", "deletion_protection", "tags"}
    assert '"Name": "mask-emails"' in str(plan)


def test_create_plan_skips_writes_a_new_group_already_satisfies(memory: InMemoryProvider) -> None:
    plan = LogsLogGroupManager(provider=memory).plan(LogsLogGroupDesired(
        name=NAME, region=REGION, retention_in_days=False, data_protection_policy={}))
    assert [a.type for a in plan.actions] == ["create"]


def test_log_group_class_change_is_a_replace_refused_without_allow_replace(memory: InMemoryProvider,
                                                                           recorder: RecordingProvider) -> None:
    _existing(memory, {"retention_in_days": 7})
    manager = LogsLogGroupManager(provider=recorder)
    desired = LogsLogGroupDesired(name=NAME, region=REGION, log_group_class="INFREQUENT_ACCESS", retention_in_days=7)
    plan = manager.plan(desired)
    assert [a.type for a in plan.actions] == ["replace", "update"]
    assert "log_group_class is fixed at creation: STANDARD -> INFREQUENT_ACCESS" in plan.actions[0].details
    recorder.clear()
    with pytest.raises(UnsafeChangeError):
        manager.apply(desired)
    assert recorder.writes == []
    assert memory.world.require("logs_log_group", NAME, REGION).attributes["log_group_class"] == "STANDARD"
    manager.apply(desired, allow_replace=True)
    observed = manager.get(NAME, REGION)
    assert observed is not None
    assert (observed.log_group_class, observed.retention_in_days) == ("INFREQUENT_ACCESS", 7)
    assert not manager.plan(desired).changed


def test_absent_deletes_and_then_plans_nothing(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    _existing(memory, {"retention_in_days": 30})
    manager = LogsLogGroupManager(provider=recorder)
    gone = LogsLogGroupDesired(name=NAME, region=REGION, state="absent")
    assert [a.type for a in manager.plan(gone).actions] == ["delete"]
    manager.apply(gone)
    assert manager.get(NAME, REGION) is None
    recorder.clear()
    assert not manager.apply(gone).changed and recorder.writes == []


def test_absent_on_a_protected_group_is_refused_naming_deletion_protection(memory: InMemoryProvider,
                                                                           recorder: RecordingProvider) -> None:
    manager = LogsLogGroupManager(provider=recorder)
    manager.apply(LogsLogGroupDesired(name=NAME, region=REGION, deletion_protection=True))
    gone = LogsLogGroupDesired(name=NAME, region=REGION, state="absent")
    attempts: list[Callable[[], object]] = [lambda: manager.apply(gone), lambda: manager.delete(NAME, REGION)]
    for attempt in attempts:
        with pytest.raises(InvalidRequestError) as caught:
            attempt()
        assert "deletion_protection" in str(caught.value)
        assert memory.world.find("logs_log_group", NAME, REGION) is not None
    # The way out the message names: turn protection off, then delete.
    manager.apply(LogsLogGroupDesired(name=NAME, region=REGION, deletion_protection=False))
    manager.apply(gone)
    assert memory.world.find("logs_log_group", NAME, REGION) is None


def test_replace_of_a_protected_group_is_refused_and_keeps_it(memory: InMemoryProvider) -> None:
    _existing(memory, {"deletion_protection": True})
    manager = LogsLogGroupManager(provider=memory)
    with pytest.raises(InvalidRequestError) as caught:
        manager.apply(LogsLogGroupDesired(name=NAME, region=REGION, log_group_class="DELIVERY"), allow_replace=True)
    assert "deletion_protection" in str(caught.value)
    record = memory.world.require("logs_log_group", NAME, REGION)
    assert (record.attributes["log_group_class"], record.aspects["deletion_protection"]) == ("STANDARD", True)


def test_everything_converges_and_a_replan_reads_only_what_it_manages(recorder: RecordingProvider) -> None:
    manager = LogsLogGroupManager(provider=recorder)
    desired = everything(NAME, REGION)
    result = manager.apply(desired)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [
        ("create", None), ("write_aspect", "retention_in_days"), ("write_aspect", "data_protection_policy")]
    assert result.observed is not None and result.observed.retention_in_days == 14
    recorder.clear()
    plan = manager.plan(desired)
    assert not plan.changed
    assert recorder.writes == []
    # DescribeLogGroups carries retention, KMS key and deletion protection: only the policy and tags cost a read.
    assert [(c.operation, c.aspect) for c in recorder.calls] == [
        ("read_existence", None), ("read_aspect", "data_protection_policy"), ("read_aspect", "tags")]
    assert len(recorder.reads) <= len(LOGS_LOG_GROUP.managed(desired)) + 1


def test_retention_drift_is_reverted_with_one_write(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    desired = LogsLogGroupDesired(name=NAME, region=REGION, retention_in_days=14, tags={"env": "dev"})
    manager = LogsLogGroupManager(provider=recorder)
    manager.apply(desired)
    memory.world.set_aspect("logs_log_group", NAME, "retention_in_days", 3, region=REGION)
    recorder.clear()
    result = manager.apply(desired)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", "retention_in_days")]
    assert result.observed is not None and result.observed.retention_in_days == 14


def test_export_of_everything_plans_empty(memory: InMemoryProvider) -> None:
    manager = LogsLogGroupManager(provider=memory)
    manager.apply(everything(NAME, REGION))
    exported = manager.export(NAME, REGION)
    assert exported is not None
    assert exported.model_dump(exclude_defaults=True) == {
        **everything(NAME, REGION).model_dump(exclude_defaults=True), "deletion_protection": False}
    assert not manager.plan(exported).changed


def test_export_of_a_new_group_states_aws_defaults_explicitly(memory: InMemoryProvider) -> None:
    _existing(memory)
    exported = LogsLogGroupManager(provider=memory).export(NAME, REGION)
    assert exported == LogsLogGroupDesired(name=NAME, region=REGION, retention_in_days=False, kms_key_id="",
                                           log_group_class="STANDARD", data_protection_policy={},
                                           deletion_protection=False, tags={})
    assert LogsLogGroupManager(provider=memory).export("/no/such/group", REGION) is None


def test_get_reports_aws_defaults_for_a_new_group(memory: InMemoryProvider) -> None:
    _existing(memory)
    observed = LogsLogGroupManager(provider=memory).get(NAME, REGION)
    assert observed is not None
    assert observed.arn == f"arn:aws:logs:{REGION}:123456789012:log-group:{NAME}"
    assert (observed.log_group_class, observed.retention_in_days, observed.kms_key_id, observed.deletion_protection,
            observed.data_protection_policy, observed.tags) == ("STANDARD", None, None, False, None, {})


@pytest.mark.parametrize("days", [15, 0, -1, True], ids=["15", "zero", "negative", "true"])
def test_fake_refuses_an_invalid_retention_written_out_of_band(memory: InMemoryProvider, days: Json) -> None:
    # As PutRetentionPolicy does on AWS (InvalidParameterException); None is DeleteRetentionPolicy.
    _existing(memory, {"retention_in_days": 7})
    with pytest.raises(InvalidRequestError) as caught:
        memory.write_aspect(LOGS_LOG_GROUP.ref(NAME, REGION), "retention_in_days", days)
    assert caught.value.aspect == "retention_in_days"
    assert memory.world.require("logs_log_group", NAME, REGION).aspects["retention_in_days"] == 7
    memory.write_aspect(LOGS_LOG_GROUP.ref(NAME, REGION), "retention_in_days", None)
    assert memory.world.require("logs_log_group", NAME, REGION).aspects["retention_in_days"] is None


def test_a_group_in_another_region_is_another_group(memory: InMemoryProvider) -> None:
    _existing(memory, {"retention_in_days": 14})
    plan = LogsLogGroupManager(provider=memory).plan(
        LogsLogGroupDesired(name=NAME, region="us-west-2", retention_in_days=14))
    assert [a.type for a in plan.actions] == ["create", "update"]
