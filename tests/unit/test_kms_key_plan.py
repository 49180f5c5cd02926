"""Plans, write order, identity by alias, soft deletion and call budgets for kms_key, in memory
(the in-memory provider follows real AWS: new keys enabled, rotation off, ids assigned by KMS)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pytest

from awsstate import (
    EcrRepositoryDesired,
    InMemoryProvider,
    InvalidRequestError,
    KmsKeyDesired,
    KmsKeyManager,
    Plan,
    RecordingProvider,
    Stack,
    UnsafeChangeError,
)
from awsstate.canonical import Json
from awsstate.plan import CreateAction, DeleteAction, ReplaceAction, UpdateAction
from awsstate.providers.base import ProviderCall, WrappingProvider
from awsstate.testing import FakeClock
from tests.examples.kms_key import everything, key_policy, logs_statement

T = TypeVar("T")
NAME = "orders"
REGION = "eu-west-1"
POLICY = key_policy()
WITH_LOGS = key_policy(logs_statement(REGION))


def _manager(provider: Any) -> KmsKeyManager:
    return KmsKeyManager(provider=provider, clock=FakeClock())


def _desired(**fields: Any) -> KmsKeyDesired:
    return KmsKeyDesired(name=NAME, region=REGION, **fields)


def _existing(memory: InMemoryProvider, aspects: Mapping[str, Json] | None = None) -> None:
    """A key as KMS creates it, then with ``aspects`` changed out-of-band."""
    _manager(memory).apply(_desired())
    for aspect, value in (aspects or {}).items():
        memory.world.set_aspect("kms_key", NAME, aspect, value, region=REGION)


def _changes(plan: Plan) -> list[tuple[str, Json]]:
    assert all(isinstance(a, UpdateAction) for a in plan.actions), plan
    return [(a.aspect, a.after) for a in plan.actions if isinstance(a, UpdateAction)]


def _reordered(value: Json) -> Json:
    if isinstance(value, dict):
        return {key: _reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(item) for item in reversed(value)]
    return value


# (id, observed aspects on an existing key, desired fields, expected [(aspect, after)])
UPDATES: list[tuple[str, dict[str, Json], dict[str, Any], list[tuple[str, Json]]]] = [
    ("nothing-managed", {"description": "x", "enabled": False}, {}, []),
    ("aws-defaults-satisfied", {},
     {"description": "", "enabled": True, "enable_key_rotation": False, "tags": {}}, []),
    ("description-set", {}, {"description": "orders"}, [("description", "orders")]),
    ("description-removed", {"description": "orders"}, {"description": ""}, [("description", "")]),
    ("description-unmanaged-drift-ignored", {"description": "changed"}, {"enabled": True}, []),
    ("policy-changed", {"policy": POLICY}, {"policy": WITH_LOGS}, [("policy", WITH_LOGS)]),
    ("policy-equal-reordered", {"policy": _reordered(WITH_LOGS)}, {"policy": WITH_LOGS}, []),
    ("policy-json-text-equals-mapping", {"policy": WITH_LOGS}, {"policy": json.dumps(_reordered(WITH_LOGS))}, []),
    ("policy-single-statement-object", {"policy": {"Version": "2012-10-17", "Statement": POLICY["Statement"][0]}},
     {"policy": POLICY}, []),
    ("policy-action-case", {"policy": key_policy({**logs_statement(REGION),
                                                  "Action": [a.upper() for a in logs_statement(REGION)["Action"]]})},
     {"policy": WITH_LOGS}, []),
    ("disable", {}, {"enabled": False}, [("enabled", False)]),
    ("enable", {"enabled": False}, {"enabled": True}, [("enabled", True)]),
    ("rotation-on", {}, {"enable_key_rotation": True}, [("enable_key_rotation", True)]),
    ("rotation-off", {"enable_key_rotation": True, "rotation_period_in_days": 365}, {"enable_key_rotation": False},
     [("enable_key_rotation", False)]),
    ("rotation-on-default-period-is-one-write", {},
     {"enable_key_rotation": True, "rotation_period_in_days": 365}, [("enable_key_rotation", True)]),
    ("rotation-on-with-period", {}, {"enable_key_rotation": True, "rotation_period_in_days": 180},
     [("enable_key_rotation", True), ("rotation_period_in_days", 180)]),
    ("period-changed", {"enable_key_rotation": True, "rotation_period_in_days": 365},
     {"enable_key_rotation": True, "rotation_period_in_days": 730}, [("rotation_period_in_days", 730)]),
    ("period-equal", {"enable_key_rotation": True, "rotation_period_in_days": 730},
     {"enable_key_rotation": True, "rotation_period_in_days": 730}, []),
    ("period-unmanaged-kept", {"enable_key_rotation": True, "rotation_period_in_days": 730},
     {"enable_key_rotation": True}, []),
    ("tags-set", {}, {"tags": {"team": "checkout"}}, [("tags", {"team": "checkout"})]),
    ("tags-purged", {"tags": {"team": "a", "old": "x"}}, {"tags": {"team": "a"}}, [("tags", {"team": "a"})]),
    ("tags-not-purged", {"tags": {"old": "x"}}, {"tags": {"team": "a"}, "purge_tags": False},
     [("tags", {"old": "x", "team": "a"})]),
    ("tags-aws-kept", {"tags": {"aws:cloudformation:stack-name": "s"}}, {"tags": {}}, []),
]


@pytest.mark.parametrize(("observed", "fields", "expected"),
                         [pytest.param(o, f, e, id=i) for i, o, f, e in UPDATES])
def test_plan_table(memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any],
                    expected: list[tuple[str, Json]]) -> None:
    _existing(memory, observed)
    recorder = RecordingProvider(memory)
    desired = _desired(**fields)
    plan = _manager(recorder).plan(desired)
    assert _changes(plan) == expected, str(plan)
    assert recorder.writes == []
    assert len(recorder.reads) <= len(KmsKeyManager.spec.managed(desired)) + 1
    _manager(memory).apply(desired)
    assert not _manager(memory).plan(desired).changed


def test_a_create_carries_spec_usage_description_policy_and_tags_and_writes_the_rest(
        recorder: RecordingProvider) -> None:
    desired = _desired(description="orders", policy=POLICY, key_spec="RSA_2048", key_usage="SIGN_VERIFY",
                       multi_region=True, enabled=False, tags={"team": "checkout"})
    plan = _manager(recorder).plan(desired)
    create = plan.actions[0]
    assert isinstance(create, CreateAction)
    assert create.params == {"key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY", "multi_region": True,
                             "description": "orders", "policy": POLICY, "tags": {"team": "checkout"}}
    assert [(a.aspect, a.after) for a in plan.actions[1:]] == [("enabled", False)]
    result = _manager(recorder).apply(desired)
    observed = result.observed
    assert observed is not None and observed.key_id.startswith("mrk-") and observed.arn.endswith(observed.key_id)
    assert observed.alias_arn == f"arn:aws:kms:{REGION}:123456789012:alias/{NAME}"
    assert (observed.key_spec, observed.key_usage, observed.multi_region) == ("RSA_2048", "SIGN_VERIFY", True)
    assert not _manager(recorder).plan(desired).changed


def test_the_key_id_and_arn_are_assigned_at_creation_and_known_only_after_apply() -> None:
    memory = InMemoryProvider(region=REGION)
    key = _desired(enable_key_rotation=True)
    repository = EcrRepositoryDesired(name="orders/api", region=REGION, encryption_type="KMS",
                                      kms_key=key.ref.arn)
    stack = Stack("keys", [key, repository], provider=memory, clock=FakeClock())
    plan = stack.plan()
    assert plan.unknown["ecr_repository.orders/api"] == ("kms_key.orders.arn",)
    assert "known after apply: kms_key.orders.arn" in str(plan)
    assert stack.apply(plan).ok
    arn = memory.world.require("kms_key", NAME, REGION).attributes["arn"]
    assert memory.world.require("ecr_repository", "orders/api", REGION).attributes["kms_key"] == arn
    assert not stack.plan().changed


# -- write order: KMS changes the rotation only while the key is enabled -------------------------

def test_enabling_comes_before_the_rotation_and_disabling_after_it(recorder: RecordingProvider,
                                                                   memory: InMemoryProvider) -> None:
    _existing(memory, {"enabled": False})
    turn_on = _desired(enabled=True, enable_key_rotation=True, rotation_period_in_days=180)
    assert _manager(recorder).plan(turn_on).aspects == ("enabled", "enable_key_rotation", "rotation_period_in_days")
    _manager(recorder).apply(turn_on)
    turn_off = _desired(enabled=False, enable_key_rotation=False)
    assert _manager(recorder).plan(turn_off).aspects == ("enable_key_rotation", "enabled")
    recorder.clear()
    _manager(recorder).apply(turn_off)
    assert [c.aspect for c in recorder.writes] == ["enable_key_rotation", "enabled"]
    assert not _manager(memory).plan(turn_off).changed


def test_a_new_disabled_rotating_key_is_rotated_first_then_disabled(recorder: RecordingProvider) -> None:
    desired = _desired(enabled=False, enable_key_rotation=True)
    _manager(recorder).apply(desired)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [
        ("create", None), ("write_aspect", "enable_key_rotation"), ("write_aspect", "enabled")]


def test_a_rotation_change_on_a_key_that_stays_disabled_is_refused_saying_why(memory: InMemoryProvider) -> None:
    _existing(memory, {"enabled": False})
    with pytest.raises(InvalidRequestError, match="only while the key is enabled"):
        _manager(memory).apply(_desired(enable_key_rotation=True))
    assert memory.world.require("kms_key", NAME, REGION).aspects["enable_key_rotation"] is False


# -- create-only settings: replace -----------------------------------------------------------------

@pytest.mark.parametrize(("fields", "setting"), [
    ({"key_spec": "RSA_2048", "key_usage": "ENCRYPT_DECRYPT"}, "key_spec"),
    ({"multi_region": True}, "multi_region"),
    ({"key_spec": "HMAC_256", "key_usage": "GENERATE_VERIFY_MAC"}, "key_usage"),
])
def test_a_create_only_change_is_a_replace_refused_unless_allowed(memory: InMemoryProvider,
                                                                  fields: dict[str, Any], setting: str) -> None:
    _existing(memory)
    old_arn = memory.world.require("kms_key", NAME, REGION).attributes["arn"]
    desired = _desired(**fields)
    plan = _manager(memory).plan(desired)
    replace = plan.actions[0]
    assert isinstance(replace, ReplaceAction)
    assert any(reason.startswith(f"{setting} is fixed at creation") for reason in replace.reasons), replace.reasons
    with pytest.raises(UnsafeChangeError):
        _manager(memory).apply(desired)
    _manager(memory).apply(desired, allow_replace=True)
    record = memory.world.require("kms_key", NAME, REGION)
    assert record.attributes["arn"] != old_arn, "the alias names a new key"
    assert not _manager(memory).plan(desired).changed


# -- absent: deletion scheduled after a pending window ------------------------------------------------

class _Deletes(WrappingProvider):
    """Sees what each delete carries besides ``force`` (``ref.options``)."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.options: list[dict[str, Json]] = []

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        if call.operation == "delete":
            self.options.append(dict(call.ref.options))
        return proceed()


def test_absent_schedules_deletion_and_the_plan_says_after_how_many_days(memory: InMemoryProvider) -> None:
    _existing(memory)
    deletes = _Deletes(memory)
    recorder = RecordingProvider(deletes)
    gone = _desired(state="absent", deletion_window_in_days=7)
    plan = _manager(recorder).plan(gone)
    delete = plan.actions[0]
    assert isinstance(delete, DeleteAction) and delete.options == {"pending_window_in_days": 7}
    assert "delete (pending_window_in_days=7)" in str(plan)
    assert Plan.model_validate_json(plan.model_dump_json()).actions[0] == delete
    _manager(recorder).apply(gone)
    assert deletes.options == [{"pending_window_in_days": 7}]
    assert _manager(memory).get(NAME, REGION) is None
    recorder.clear()
    assert not _manager(recorder).apply(gone).changed and recorder.writes == []


def test_a_delete_by_name_uses_kmss_default_window_of_30_days(memory: InMemoryProvider) -> None:
    _existing(memory)
    plan = _manager(memory).plan_delete(NAME, REGION)
    assert "delete (pending_window_in_days=30)" in str(plan)
    assert _manager(memory).delete(NAME, REGION).changed


def test_a_key_pending_deletion_counts_as_gone() -> None:
    from awsstate.resources.kms_key.kind import KMS_KEY

    assert KMS_KEY.gone is not None
    assert KMS_KEY.gone({"pending_deletion": True}) and not KMS_KEY.gone({"pending_deletion": False})


# -- drift, unmanaged, budgets ---------------------------------------------------------------------

def test_unset_fields_are_never_read_nor_written(memory: InMemoryProvider) -> None:
    _existing(memory, {"description": "theirs", "policy": WITH_LOGS, "enable_key_rotation": True,
                       "tags": {"owner": "other"}})
    recorder = RecordingProvider(memory)
    desired = _desired(enabled=True)
    _manager(recorder).apply(desired)
    assert [(c.operation, c.aspect) for c in recorder.calls] == [("read_existence", None)]
    record = memory.world.require("kms_key", NAME, REGION)
    assert record.aspects["policy"] == WITH_LOGS and record.aspects["tags"] == {"owner": "other"}


def test_every_drifted_aspect_costs_one_write(memory: InMemoryProvider) -> None:
    desired = everything(NAME, REGION)
    _manager(memory).apply(desired)
    for aspect, value in {"description": "x", "policy": WITH_LOGS, "enabled": False, "enable_key_rotation": False,
                          "rotation_period_in_days": None, "tags": {}}.items():
        memory.world.set_aspect("kms_key", NAME, aspect, value, region=REGION)
    recorder = RecordingProvider(memory)
    _manager(recorder).apply(desired)
    assert [c.aspect for c in recorder.writes] == ["description", "policy", "enabled", "enable_key_rotation",
                                                   "rotation_period_in_days", "tags"]
    recorder.clear()
    assert not _manager(recorder).plan(desired).changed
    assert recorder.writes == [] and len(recorder.reads) == 5  # existence + policy, rotation, period, tags


def test_export_gives_the_period_only_while_rotation_is_on(memory: InMemoryProvider) -> None:
    _manager(memory).apply(_desired(enable_key_rotation=True, rotation_period_in_days=180))
    memory.world.set_aspect("kms_key", NAME, "enable_key_rotation", False, region=REGION)  # KMS drops the period
    exported = _manager(memory).export(NAME, REGION)
    assert exported is not None and exported.enable_key_rotation is False
    assert exported.rotation_period_in_days is None
    assert not _manager(memory).plan(exported).changed
