"""Plan tables, secrecy, deletion windows and call budgets for secretsmanager_secret on the in-memory provider."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pytest
from structlog.testing import capture_logs

from awsstate import (
    InMemoryProvider,
    InvalidPlanError,
    Plan,
    RecordingProvider,
    SecretRotation,
    SecretsmanagerSecretDesired,
    SecretsmanagerSecretManager,
)
from awsstate.canonical import Json
from awsstate.plan import CreateAction, DeleteAction, UpdateAction
from awsstate.providers.base import Provider, ProviderCall, WrappingProvider
from awsstate.resources.secretsmanager_secret.kind import SECRETSMANAGER_SECRET
from tests.examples.secretsmanager_secret import everything, policy

T = TypeVar("T")
NAME = "plan-table/db"
REGION = "eu-west-1"
SECRET = "Pa55word-do-not-print"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY = f"arn:aws:kms:{REGION}:123456789012:key/{KEY_ID}"
FUNCTION = f"arn:aws:lambda:{REGION}:123456789012:function:rotate"
READ = policy("secretsmanager:GetSecretValue")
READ_AND_LIST = policy(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"])
ROTATION: dict[str, Json] = {"lambda_arn": FUNCTION, "automatically_after_days": 30, "schedule_expression": None,
                             "duration": "3h"}


def _existing(memory: InMemoryProvider, aspects: Mapping[str, Json] | None = None) -> None:
    """A secret as AWS creates it (value ``SECRET``), then with ``aspects`` changed out-of-band."""
    memory.create(SECRETSMANAGER_SECRET.ref(NAME, REGION), {"secret_string": SECRET})
    for aspect, value in (aspects or {}).items():
        memory.world.set_aspect("secretsmanager_secret", NAME, aspect, value, region=REGION)


class Deletes(WrappingProvider):
    """Records the options each delete call carries (``ref.options``)."""

    def __init__(self, inner: Provider) -> None:
        super().__init__(inner)
        self.options: list[dict[str, Json]] = []

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        if call.operation == "delete":
            self.options.append(dict(call.ref.options))
        return proceed()


def _desired(**fields: Any) -> SecretsmanagerSecretDesired:
    return SecretsmanagerSecretDesired(name=NAME, region=REGION, **fields)


def _reordered(document: dict[str, Any]) -> str:
    return json.dumps({key: document[key] for key in reversed(list(document))}, indent=2)


# (id, observed aspects on an existing secret, desired fields, expected [(aspect, after)])
UPDATE_TABLE: list[tuple[str, dict[str, Json], dict[str, Any], list[tuple[str, Json]]]] = [
    ("nothing-managed-nothing-planned", {"description": "x", "tags": {"env": "dev"}}, {}, []),
    ("aws-defaults-already-satisfied", {},
     {"description": "", "kms_key_id": "", "policy": {}, "rotation": False, "replica_regions": {}, "tags": {}}, []),
    ("value-equal", {}, {"secret_string": SECRET}, []),
    ("value-changed", {}, {"secret_string": "n3w"}, [("secret_string", "n3w")]),
    ("json-value-equal-whatever-the-spacing-and-order", {"secret_string": '{"b": 2, "a": 1}'},
     {"secret_string": {"a": 1, "b": 2}}, []),
    ("json-value-changed", {"secret_string": '{"a":1}'}, {"secret_string": {"a": 2}}, [("secret_string", '{"a":2}')]),
    ("text-value-is-not-json", {"secret_string": "{not json"}, {"secret_string": "{not json"}, []),
    ("description-removed", {"description": "x"}, {"description": ""}, [("description", None)]),
    ("key-arn-equals-its-key-id", {"kms_key_id": KEY_ID}, {"kms_key_id": KEY}, []),
    ("key-aws-managed-alias-is-the-default", {}, {"kms_key_id": "alias/aws/secretsmanager"}, []),
    ("key-changed", {"kms_key_id": KEY_ID}, {"kms_key_id": "alias/other"}, [("kms_key_id", "alias/other")]),
    ("policy-set", {}, {"policy": READ}, [("policy", READ)]),
    ("policy-equal-as-reordered-text", {"policy": READ}, {"policy": _reordered(READ)}, []),
    ("policy-changed", {"policy": READ}, {"policy": READ_AND_LIST}, [("policy", READ_AND_LIST)]),
    ("policy-removed", {"policy": READ}, {"policy": {}}, [("policy", None)]),
    ("rotation-on", {}, {"rotation": SecretRotation(lambda_arn=FUNCTION, automatically_after_days=30)},
     [("rotation", {**ROTATION, "duration": None})]),
    ("rotation-unset-sub-fields-kept", {"rotation": ROTATION}, {"rotation": SecretRotation(duration="5h")},
     [("rotation", {**ROTATION, "duration": "5h"})]),
    ("rotation-a-schedule-replaces-the-days", {"rotation": ROTATION},
     {"rotation": SecretRotation(schedule_expression="cron(0 4 * * ? *)", rotate_immediately=False)},
     [("rotation", {**ROTATION, "automatically_after_days": None, "schedule_expression": "cron(0 4 * * ? *)",
                    "rotate_immediately": False})]),
    ("rotation-days-equal-their-rate", {"rotation": {**ROTATION, "automatically_after_days": None,
                                                     "schedule_expression": "rate(30 days)"}},
     {"rotation": SecretRotation(automatically_after_days=30)}, []),
    ("rotation-equal-ignores-rotate-immediately", {"rotation": ROTATION},
     {"rotation": SecretRotation(lambda_arn=FUNCTION, rotate_immediately=False)}, []),
    ("rotation-off", {"rotation": ROTATION}, {"rotation": False}, [("rotation", None)]),
    ("replica-added", {}, {"replica_regions": ["us-west-2"]}, [("replica_regions", {"us-west-2": None})]),
    ("replica-key-changed", {"replica_regions": {"us-west-2": None}}, {"replica_regions": {"us-west-2": "alias/x"}},
     [("replica_regions", {"us-west-2": "alias/x"})]),
    ("replica-removed", {"replica_regions": {"us-west-2": None, "eu-central-1": None}},
     {"replica_regions": ["us-west-2"]}, [("replica_regions", {"us-west-2": None})]),
    ("replica-purge-false-keeps-others", {"replica_regions": {"eu-central-1": None}},
     {"replica_regions": ["us-west-2"], "purge_replica_regions": False},
     [("replica_regions", {"eu-central-1": None, "us-west-2": None})]),
    ("tags-purge-false-keeps-others", {"tags": {"env": "dev", "team": "a"}},
     {"tags": {"env": "prod"}, "purge_tags": False}, [("tags", {"env": "prod", "team": "a"})]),
]


@pytest.mark.parametrize(("observed", "fields", "expected"), [row[1:] for row in UPDATE_TABLE],
                         ids=[row[0] for row in UPDATE_TABLE])
def test_update_plan_table(memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any],
                           expected: list[tuple[str, Json]]) -> None:
    _existing(memory, observed)
    plan = SecretsmanagerSecretManager(provider=memory).plan(_desired(**fields))
    assert all(isinstance(a, UpdateAction) for a in plan.actions), plan
    assert [(a.aspect, a.after) for a in plan.actions] == expected


@pytest.mark.parametrize(("observed", "fields", "expected"), [row[1:] for row in UPDATE_TABLE if row[3]],
                         ids=[row[0] for row in UPDATE_TABLE if row[3]])
def test_update_plan_table_converges_with_one_write_each_and_replans_empty(
    memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any], expected: list[tuple[str, Json]]
) -> None:
    _existing(memory, observed)
    recorder = RecordingProvider(memory)
    manager = SecretsmanagerSecretManager(provider=recorder)
    manager.apply(_desired(**fields))
    assert [c.aspect for c in recorder.writes] == [aspect for aspect, _ in expected]
    assert not manager.plan(_desired(**fields)).changed


def test_the_value_and_policy_are_read_only_when_managed(memory: InMemoryProvider,
                                                         recorder: RecordingProvider) -> None:
    _existing(memory)
    manager = SecretsmanagerSecretManager(provider=recorder)
    manager.plan(_desired(description="", kms_key_id="", rotation=False, replica_regions={}, tags={}))
    assert [c.operation for c in recorder.reads] == ["read_existence"]  # DescribeSecret carries them all
    recorder.clear()
    manager.plan(_desired(secret_string=SECRET, policy={}))
    assert [(c.operation, c.aspect) for c in recorder.reads] == [
        ("read_existence", None), ("read_aspect", "secret_string"), ("read_aspect", "policy")]


def test_create_carries_the_value_and_the_plan_never_shows_it(recorder: RecordingProvider) -> None:
    manager = SecretsmanagerSecretManager(provider=recorder)
    desired = _desired(secret_string={"password": SECRET}, description="db", tags={"env": "dev"},
                       replica_regions=["us-west-2"])
    plan = manager.plan(desired)
    assert str(plan).splitlines() == [
        f"secretsmanager_secret {NAME} ({REGION}): 1 change(s)",
        f"  + secretsmanager_secret {NAME}: create in {REGION}",
        "        description = db",
        "        secret_string = (sensitive)",
        '        replica_regions = {"us-west-2": null}',
        '        tags = {"env": "dev"}',
    ]
    assert SECRET not in plan.model_dump_json() and SECRET not in repr(plan)
    with capture_logs() as logs:
        result = manager.apply(desired)
    assert [c.operation for c in recorder.writes] == ["create"]
    assert SECRET not in repr(logs) and SECRET not in repr(result)
    assert result.observed is not None and json.loads(result.observed.secret_string) == {"password": SECRET}


def test_a_saved_plan_that_changes_the_value_cannot_write_it(memory: InMemoryProvider) -> None:
    _existing(memory)
    manager = SecretsmanagerSecretManager(provider=memory)
    plan = manager.plan(_desired(secret_string="n3w-" + SECRET))
    assert plan.actions[0].details == f"secretsmanager_secret {NAME}: secret_string: (sensitive) -> (sensitive)"
    saved = plan.model_dump_json()
    assert SECRET not in saved
    with pytest.raises(InvalidPlanError, match="masks secrets"):
        manager.apply(Plan.model_validate_json(saved))


# -- deletion: the recovery window ---------------------------------------------------------------

@pytest.mark.parametrize(("fields", "details", "options"), [
    ({}, "delete (recovery_window_in_days=30)", {"recovery_window_in_days": 30}),
    ({"recovery_window_in_days": 7}, "delete (recovery_window_in_days=7)", {"recovery_window_in_days": 7}),
    ({"force_delete_without_recovery": True}, "delete (force_delete_without_recovery=true)",
     {"force_delete_without_recovery": True}),
], ids=["aws-default", "seven-days", "without-recovery"])
def test_absent_plans_the_deletion_with_its_recovery_window_and_the_provider_gets_it(
    memory: InMemoryProvider, recorder: RecordingProvider, fields: dict[str, Any], details: str,
    options: dict[str, Json]
) -> None:
    _existing(memory)
    deletes = Deletes(recorder)
    manager = SecretsmanagerSecretManager(provider=deletes)
    plan = manager.plan(_desired(state="absent", **fields))
    assert [a.details for a in plan.actions] == [f"secretsmanager_secret {NAME}: {details}"]
    assert isinstance(plan.actions[0], DeleteAction) and plan.actions[0].options == options
    manager.apply(Plan.model_validate_json(plan.model_dump_json()))  # the window survives the JSON form
    assert deletes.options == [options]
    assert manager.get(NAME, REGION) is None
    recorder.clear()
    assert not manager.apply(_desired(state="absent", **fields)).changed and recorder.writes == []


def test_a_delete_by_name_uses_aws_default_window(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    _existing(memory)
    deletes = Deletes(recorder)
    manager = SecretsmanagerSecretManager(provider=deletes)
    assert [a.details for a in manager.plan_delete(NAME, REGION).actions] == [
        f"secretsmanager_secret {NAME}: delete (recovery_window_in_days=30)"]
    manager.delete(NAME, REGION)
    assert deletes.options == [{"recovery_window_in_days": 30}]


def test_other_kinds_deletes_carry_no_options(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    from awsstate import SsmParameterDesired, SsmParameterManager

    deletes = Deletes(recorder)
    manager = SsmParameterManager(provider=deletes)
    manager.apply(SsmParameterDesired(name="/p", region=REGION, type="String", value="v"))
    plan = manager.plan(SsmParameterDesired(name="/p", region=REGION, state="absent"))
    assert plan.actions[0].details == "ssm_parameter /p: delete"
    assert isinstance(plan.actions[0], DeleteAction) and plan.actions[0].options == {}
    manager.apply(plan)
    assert deletes.options == [{}]


def test_a_pending_deletion_counts_as_gone() -> None:
    assert SECRETSMANAGER_SECRET.gone is not None
    assert SECRETSMANAGER_SECRET.gone({"arn": "a", "deleted_date": "2026-12-08T10:00:00+00:00"})
    assert not SECRETSMANAGER_SECRET.gone({"arn": "a", "deleted_date": None})


# -- everything, export ---------------------------------------------------------------------------

def test_everything_converges_and_a_replan_costs_the_existence_read_and_the_policy(
    recorder: RecordingProvider
) -> None:
    manager = SecretsmanagerSecretManager(provider=recorder)
    desired = everything(NAME, REGION)
    manager.apply(desired)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [
        ("create", None), ("write_aspect", "policy"), ("write_aspect", "rotation")]
    recorder.clear()
    assert not manager.plan(desired).changed
    assert [(c.operation, c.aspect) for c in recorder.calls] == [("read_existence", None), ("read_aspect", "policy")]


def test_a_new_secret_without_rotation_is_not_written_rotation_off(recorder: RecordingProvider) -> None:
    manager = SecretsmanagerSecretManager(provider=recorder)
    plan = manager.plan(_desired(rotation=False, secret_string=SECRET))
    assert [(a.type, a.aspect) for a in plan.actions] == [("create", None)]  # CancelRotateSecret would be refused


def test_export_states_every_setting_and_plans_empty(memory: InMemoryProvider) -> None:
    manager = SecretsmanagerSecretManager(provider=memory)
    manager.apply(everything(NAME, REGION))
    exported = manager.export(NAME, REGION)
    assert exported is not None
    assert exported.rotation == SecretRotation(lambda_arn=f"arn:aws:lambda:{REGION}:123456789012:function:rotate",
                                               automatically_after_days=30, duration="3h")
    assert exported.replica_regions == {"us-west-2": ""} and exported.kms_key_id == everything(NAME, REGION).kms_key_id
    assert not manager.plan(exported).changed
    assert manager.export("no/such/secret", REGION) is None


def test_get_never_shows_the_value(memory: InMemoryProvider) -> None:
    _existing(memory)
    observed = SecretsmanagerSecretManager(provider=memory).get(NAME, REGION)
    assert observed is not None and observed.secret_string == SECRET
    assert SECRET not in repr(observed) and SECRET not in observed.model_dump_json()
    assert observed.arn.startswith(f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{NAME}-")


def test_in_a_stack_the_key_and_the_policy_may_refer_to_other_resources_and_roles_to_the_secret() -> None:
    from awsstate import IamRoleDesired, KmsKeyDesired, Stack

    provider = InMemoryProvider(region=REGION)
    key = KmsKeyDesired(name="app", region=REGION)
    trust: dict[str, Any] = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    role = IamRoleDesired(name="app-reader", trust_policy=trust)
    secret = _desired(secret_string=SECRET, kms_key_id=key.ref.alias_arn, policy={
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "secretsmanager:GetSecretValue",
            "Resource": "*", "Condition": {"ArnEquals": {"aws:PrincipalArn": role.ref.arn}}}]})
    stack = Stack("app", [secret, key, role], provider=provider)
    plan = stack.plan()
    create = plan.plans[f"secretsmanager_secret.{NAME}"].actions[0]
    assert isinstance(create, CreateAction)
    assert create.params["kms_key_id"] == f"arn:aws:kms:{REGION}:123456789012:alias/app"  # derivable: concrete
    assert SECRET not in str(plan) and SECRET not in plan.model_dump_json()
    assert stack.apply(plan).ok and not stack.plan().changed
    stored: Any = provider.world.require("secretsmanager_secret", NAME, REGION).aspects["policy"]
    assert stored["Statement"][0]["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/app-reader"}}
