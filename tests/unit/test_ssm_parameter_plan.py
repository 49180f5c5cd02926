"""Plan tables, secrecy and call budgets for ssm_parameter on the in-memory provider (which follows real AWS)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from structlog.testing import capture_logs

from awsstate import (
    ConvergenceError,
    EventualConsistency,
    InMemoryProvider,
    InvalidPlanError,
    InvalidRequestError,
    Plan,
    RecordingProvider,
    RequiredSettingError,
    SettlePolicy,
    SsmParameterDesired,
    SsmParameterManager,
    StalePlanError,
    UnsafeChangeError,
)
from awsstate.canonical import Json
from awsstate.plan import UpdateAction
from awsstate.resources.ssm_parameter.kind import SSM_PARAMETER
from awsstate.testing import FakeClock
from tests.examples.ssm_parameter import everything

NAME = "/plan-table/db-password"
REGION = "eu-west-1"
SECRET = "Pa55word-do-not-print"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY = f"arn:aws:kms:{REGION}:123456789012:key/{KEY_ID}"


def _existing(memory: InMemoryProvider, aspects: Mapping[str, Json] | None = None, *,
              kind: str = "SecureString") -> None:
    """A parameter as AWS creates it (value ``SECRET``), then with ``aspects`` changed out-of-band."""
    memory.create(SSM_PARAMETER.ref(NAME, REGION), {"type": kind, "value": SECRET})
    for aspect, value in (aspects or {}).items():
        memory.world.set_aspect("ssm_parameter", NAME, aspect, value, region=REGION)


def _desired(**fields: Any) -> SsmParameterDesired:
    return SsmParameterDesired(name=NAME, region=REGION, **fields)


# (id, observed aspects on an existing SecureString, desired fields, expected [(aspect, after)])
UPDATE_TABLE: list[tuple[str, dict[str, Json], dict[str, Any], list[tuple[str, Json]]]] = [
    ("nothing-managed-nothing-planned", {"description": "x", "tags": {"env": "dev"}}, {}, []),
    ("aws-defaults-already-satisfied", {},
     {"description": "", "key_id": "", "tier": "Standard", "allowed_pattern": "", "data_type": "text", "tags": {}},
     []),
    ("value-equal", {}, {"value": SECRET}, []),
    ("value-changed", {}, {"value": "n3w"}, [("value", "n3w")]),
    ("value-unmanaged-drift-ignored", {"value": "changed-by-hand"}, {"description": ""}, []),
    ("description-set", {}, {"description": "db"}, [("description", "db")]),
    ("description-removed", {"description": "db"}, {"description": ""}, [("description", None)]),
    ("key-set", {}, {"key_id": KEY}, [("key_id", KEY)]),
    ("key-arn-equals-its-key-id", {"key_id": KEY_ID}, {"key_id": KEY}, []),
    ("key-alias-arn-equals-its-alias", {"key_id": "alias/app"},
     {"key_id": f"arn:aws:kms:{REGION}:123456789012:alias/app"}, []),
    ("key-back-to-the-aws-managed-one", {"key_id": KEY}, {"key_id": ""}, [("key_id", None)]),
    ("key-aws-managed-named-explicitly", {}, {"key_id": "alias/aws/ssm"}, []),
    ("tier-upgrade-in-place", {}, {"tier": "Advanced"}, [("tier", "Advanced")]),
    ("intelligent-tiering-satisfied-by-standard", {}, {"tier": "Intelligent-Tiering"}, []),
    ("intelligent-tiering-satisfied-by-advanced", {"tier": "Advanced"}, {"tier": "Intelligent-Tiering"}, []),
    ("pattern-set", {}, {"allowed_pattern": r"^[A-Za-z0-9-]+$"}, [("allowed_pattern", r"^[A-Za-z0-9-]+$")]),
    ("pattern-removed", {"allowed_pattern": ".*"}, {"allowed_pattern": ""}, [("allowed_pattern", None)]),
    ("data-type-changed", {"data_type": "aws:ssm:integration"}, {"data_type": "text"}, [("data_type", "text")]),
    ("tags-purge-false-keeps-others", {"tags": {"env": "dev", "team": "a"}},
     {"tags": {"env": "prod"}, "purge_tags": False}, [("tags", {"env": "prod", "team": "a"})]),
    ("tags-aws-prefixed-kept", {"tags": {"aws:cloudformation:stack-name": "s"}}, {"tags": {}}, []),
    ("three-aspects-three-writes-in-order", {}, {"allowed_pattern": ".+", "value": "n3w", "tier": "Advanced"},
     [("tier", "Advanced"), ("value", "n3w"), ("allowed_pattern", ".+")]),
]


@pytest.mark.parametrize(("observed", "fields", "expected"), [row[1:] for row in UPDATE_TABLE],
                         ids=[row[0] for row in UPDATE_TABLE])
def test_update_plan_table(memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any],
                           expected: list[tuple[str, Json]]) -> None:
    _existing(memory, observed)
    plan = SsmParameterManager(provider=memory).plan(_desired(**fields))
    assert all(isinstance(a, UpdateAction) for a in plan.actions), plan
    assert [(a.aspect, a.after) for a in plan.actions] == expected


@pytest.mark.parametrize(("observed", "fields", "expected"), [row[1:] for row in UPDATE_TABLE if row[3]],
                         ids=[row[0] for row in UPDATE_TABLE if row[3]])
def test_update_plan_table_converges_with_one_write_each_and_replans_empty(
    memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any], expected: list[tuple[str, Json]]
) -> None:
    _existing(memory, observed)
    recorder = RecordingProvider(memory)
    manager = SsmParameterManager(provider=recorder)
    manager.apply(_desired(**fields))
    assert [c.aspect for c in recorder.writes] == [aspect for aspect, _ in expected]
    assert not manager.plan(_desired(**fields)).changed


def test_the_value_is_read_only_when_managed(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    _existing(memory)
    manager = SsmParameterManager(provider=recorder)
    manager.plan(_desired(description="", tier="Standard", tags={}))
    assert [(c.operation, c.aspect) for c in recorder.reads] == [("read_existence", None), ("read_aspect", "tags")]
    recorder.clear()
    manager.plan(_desired(value=SECRET))
    assert [(c.operation, c.aspect) for c in recorder.reads] == [("read_existence", None), ("read_aspect", "value")]


def test_create_is_one_call_and_the_plan_never_shows_the_value(recorder: RecordingProvider) -> None:
    manager = SsmParameterManager(provider=recorder)
    desired = _desired(type="SecureString", value=SECRET, description="db", key_id=KEY, tags={"env": "dev"})
    plan = manager.plan(desired)
    assert str(plan).splitlines() == [
        f"ssm_parameter {NAME} ({REGION}): 1 change(s)",
        f"  + ssm_parameter {NAME}: create in {REGION}",
        "        type = SecureString",
        f"        key_id = {KEY}",
        "        description = db",
        "        value = (sensitive)",
        '        tags = {"env": "dev"}',
    ]
    text = plan.model_dump_json()
    assert SECRET not in text and '"value":{"$sensitive":"sha256:' in text
    with capture_logs() as logs:
        result = manager.apply(desired)
    assert [c.operation for c in recorder.writes] == ["create"]
    assert SECRET not in repr(logs) and SECRET not in repr(result) and SECRET not in repr(result.observed)
    assert result.observed is not None and result.observed.value == SECRET  # in hand: the real value


def test_a_changed_value_shows_as_sensitive_and_a_saved_plan_cannot_write_it(memory: InMemoryProvider) -> None:
    _existing(memory)
    manager = SsmParameterManager(provider=memory)
    plan = manager.plan(_desired(value="n3w-" + SECRET))
    assert plan.actions[0].details == f"ssm_parameter {NAME}: value: (sensitive) -> (sensitive)"
    saved = plan.model_dump_json()
    assert SECRET not in saved and SECRET not in str(plan) and SECRET not in repr(plan)
    with pytest.raises(InvalidPlanError, match="masks secrets"):
        manager.apply(Plan.model_validate_json(saved))
    assert memory.world.require("ssm_parameter", NAME, REGION).aspects["value"] == SECRET


def test_a_saved_plan_compares_the_value_by_digest(memory: InMemoryProvider) -> None:
    _existing(memory)
    manager = SsmParameterManager(provider=memory)
    saved = manager.plan(_desired(value=SECRET, description="db")).model_dump_json()
    assert manager.apply(Plan.model_validate_json(saved)).changed  # same value: the digest matches
    memory.world.set_aspect("ssm_parameter", NAME, "value", "changed-by-hand", region=REGION)
    stale = manager.plan(_desired(value="changed-by-hand", description="other")).model_dump_json()
    memory.world.set_aspect("ssm_parameter", NAME, "value", "changed-again", region=REGION)
    with pytest.raises(StalePlanError) as caught:
        manager.apply(Plan.model_validate_json(stale))
    assert "value" in str(caught.value) and "changed-again" not in str(caught.value)


def test_a_value_that_never_reads_back_is_an_error_that_does_not_show_it(memory: InMemoryProvider) -> None:
    _existing(memory)
    lagging = InMemoryProvider(memory.world, region=REGION, consistency=EventualConsistency(stale_reads=10_000))
    manager = SsmParameterManager(provider=lagging, clock=FakeClock(), settle=SettlePolicy(timeout=5.0))
    with pytest.raises(ConvergenceError) as caught:
        manager.apply(_desired(value="n3w-" + SECRET))
    assert caught.value.aspect == "value"
    assert SECRET not in str(caught.value) and "(sensitive)" in str(caught.value)


def test_creating_needs_the_type_and_the_value(memory: InMemoryProvider) -> None:
    manager = SsmParameterManager(provider=memory)
    with pytest.raises(RequiredSettingError, match="type and value are required"):
        manager.plan(_desired(description="db"))
    with pytest.raises(RequiredSettingError, match="value is required"):
        manager.plan(_desired(type="String"))


def test_a_type_change_is_a_replace_refused_without_allow_replace(memory: InMemoryProvider,
                                                                  recorder: RecordingProvider) -> None:
    _existing(memory, kind="String")
    manager = SsmParameterManager(provider=recorder)
    desired = _desired(type="SecureString", value=SECRET)
    plan = manager.plan(desired)
    assert [a.type for a in plan.actions] == ["replace"]
    assert "type is fixed at creation: String -> SecureString" in plan.actions[0].details
    assert SECRET not in str(plan)
    with pytest.raises(UnsafeChangeError):
        manager.apply(desired)
    assert recorder.writes == []
    manager.apply(desired, allow_replace=True)
    assert memory.world.require("ssm_parameter", NAME, REGION).attributes["type"] == "SecureString"
    assert not manager.plan(desired).changed


def test_back_to_the_standard_tier_is_a_replace(memory: InMemoryProvider) -> None:
    _existing(memory, {"tier": "Advanced"})
    manager = SsmParameterManager(provider=memory)
    desired = _desired(type="SecureString", tier="Standard", value=SECRET)
    plan = manager.plan(desired)
    assert [a.type for a in plan.actions] == ["replace"]
    assert "tier: AWS cannot move a parameter from the Advanced tier back to Standard" in plan.actions[0].details
    manager.apply(desired, allow_replace=True)
    assert memory.world.require("ssm_parameter", NAME, REGION).aspects["tier"] == "Standard"


def test_intelligent_tiering_resolves_at_creation(memory: InMemoryProvider) -> None:
    manager = SsmParameterManager(provider=memory)
    for name, value, tier in ((NAME, "short", "Standard"), (NAME + "-big", "v" * 5000, "Advanced")):
        desired = SsmParameterDesired(name=name, region=REGION, type="String", value=value,
                                      tier="Intelligent-Tiering")
        manager.apply(desired)
        assert memory.world.require("ssm_parameter", name, REGION).aspects["tier"] == tier
        assert not manager.plan(desired).changed


@pytest.mark.parametrize(("aspect", "value", "observed", "message"), [
    ("value", "abc", {"allowed_pattern": r"^\d+$"}, "does not match allowed_pattern"),
    ("allowed_pattern", r"^\d+$", {}, "does not match allowed_pattern"),
    ("value", "v" * 5000, {}, "maximum parameter value of 4096"),
    ("tier", "Standard", {"tier": "Advanced"}, "can't downgrade"),
], ids=["value-against-pattern", "pattern-against-value", "value-too-big-for-standard", "tier-downgrade"])
def test_the_fake_refuses_what_parameter_store_refuses(memory: InMemoryProvider, aspect: str, value: Json,
                                                       observed: dict[str, Json], message: str) -> None:
    _existing(memory, observed)
    with pytest.raises(InvalidRequestError, match=message) as caught:
        memory.write_aspect(SSM_PARAMETER.ref(NAME, REGION), aspect, value)
    assert caught.value.aspect == aspect


def test_absent_deletes_and_then_plans_nothing(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    _existing(memory)
    manager = SsmParameterManager(provider=recorder)
    gone = _desired(state="absent")
    assert [a.details for a in manager.plan(gone).actions] == [f"ssm_parameter {NAME}: delete"]
    manager.apply(gone)
    assert manager.get(NAME, REGION) is None
    recorder.clear()
    assert not manager.apply(gone).changed and recorder.writes == []


def test_everything_converges_and_a_replan_reads_only_the_value_and_the_tags(recorder: RecordingProvider) -> None:
    manager = SsmParameterManager(provider=recorder)
    desired = everything(NAME, REGION)
    manager.apply(desired)
    assert [c.operation for c in recorder.writes] == ["create"]
    recorder.clear()
    assert not manager.plan(desired).changed
    assert [(c.operation, c.aspect) for c in recorder.calls] == [
        ("read_existence", None), ("read_aspect", "value"), ("read_aspect", "tags")]


def test_export_states_every_setting_and_the_aws_defaults(memory: InMemoryProvider) -> None:
    _existing(memory)
    manager = SsmParameterManager(provider=memory)
    exported = manager.export(NAME, REGION)
    assert exported == SsmParameterDesired(name=NAME, region=REGION, type="SecureString", value=SECRET,
                                           description="", key_id="", tier="Standard", allowed_pattern="",
                                           data_type="text", tags={})
    assert SECRET not in repr(exported)
    assert not manager.plan(exported).changed
    assert manager.export("/no/such/parameter", REGION) is None


def test_get_reports_the_arn_of_a_name_in_a_hierarchy(memory: InMemoryProvider) -> None:
    _existing(memory)
    observed = SsmParameterManager(provider=memory).get(NAME, REGION)
    assert observed is not None
    assert observed.arn == f"arn:aws:ssm:{REGION}:123456789012:parameter{NAME}"
    assert (observed.type, observed.tier, observed.key_id, observed.data_type) == ("SecureString", "Standard", None,
                                                                                     "text")
    assert "value=(sensitive)" in repr(observed) and SECRET not in observed.model_dump_json()


def test_in_a_stack_a_value_and_a_key_may_refer_to_other_resources() -> None:
    from awsstate import KmsKeyDesired, SqsQueueDesired, Stack

    provider = InMemoryProvider(region=REGION)
    queue = SqsQueueDesired(name="orders", region=REGION)
    key = KmsKeyDesired(name="app", region=REGION)
    url = SsmParameterDesired(name="/app/queue-url", region=REGION, type="String", value=queue.ref.url)
    secret = SsmParameterDesired(name="/app/token", region=REGION, type="SecureString", value=SECRET,
                                 key_id=key.ref.arn)
    stack = Stack("app", [url, secret, queue, key], provider=provider)
    plan = stack.plan()
    assert plan.unknown == {"ssm_parameter./app/queue-url": ("sqs_queue.orders.url",),
                            "ssm_parameter./app/token": ("kms_key.app.arn",)}
    assert SECRET not in str(plan) and SECRET not in plan.model_dump_json()
    assert stack.apply(plan).ok and not stack.plan().changed
    stored = provider.world.require("ssm_parameter", "/app/queue-url", REGION).aspects["value"]
    assert stored == provider.world.require("sqs_queue", "orders", REGION).attributes["url"]
    key_arn = provider.world.require("kms_key", "app", REGION).attributes["arn"]
    assert provider.world.require("ssm_parameter", "/app/token", REGION).aspects["key_id"] == key_arn
