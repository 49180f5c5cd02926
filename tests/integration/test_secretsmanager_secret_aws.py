"""AwsProvider specifics for Secrets Manager secrets, against moto in-process.

AWS requests are counted from the ``aws.call`` log events (one per boto3 call). Where moto 5.2.5
differs from AWS the test is written as AWS behaves and marked as a strict xfail naming moto's
behaviour, so that it starts failing (and must be unmarked) the day moto catches up.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from botocore.exceptions import ClientError
from structlog.testing import capture_logs

from awsstate import (
    NotFoundError,
    RecordingProvider,
    SecretRotation,
    SecretsmanagerSecretDesired,
    SecretsmanagerSecretManager,
)
from awsstate.canonical import Json
from awsstate.providers.aws import AwsProvider
from awsstate.resources.secretsmanager_secret.kind import SECRETSMANAGER_SECRET
from awsstate.testing import FakeClock
from tests.examples.secretsmanager_secret import policy

REGION = "us-east-1"
SECRET = "Pa55word-do-not-print"
READ = policy("secretsmanager:GetSecretValue")


def _calls(logs: Sequence[Mapping[str, Any]]) -> list[str]:
    return [e["operation"] for e in logs if e["event"] == "aws.call"]


def _described(boto_clients: Any, name: str) -> dict[str, Any]:
    return dict(boto_clients("secretsmanager", REGION).describe_secret(SecretId=name))


def _value(boto_clients: Any, name: str) -> str:
    return str(boto_clients("secretsmanager", REGION).get_secret_value(SecretId=name)["SecretString"])


def _function(boto_clients: Any, name: str) -> str:
    """A Lambda function moto knows (RotateSecret invokes it; without Docker moto answers for it)."""
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    role = boto_clients("iam", None).create_role(RoleName=f"{name}-role",
                                                 AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    return str(boto_clients("lambda", REGION).create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler",
        Code={"ZipFile": code.getvalue()})["FunctionArn"])


def test_create_is_one_request_and_a_no_op_plan_three_reads(aws: AwsProvider, boto_clients: Any) -> None:
    manager = SecretsmanagerSecretManager(provider=aws, clock=FakeClock())
    desired = SecretsmanagerSecretDesired(name="int/db", region=REGION, description="db",
                                          secret_string={"password": SECRET}, policy=READ, tags={"env": "dev"})
    with capture_logs() as logs:
        result = manager.apply(desired)
    assert _calls(logs)[:3] == ["DescribeSecret", "CreateSecret", "PutResourcePolicy"]
    assert _calls(logs).count("CreateSecret") == 1 and _calls(logs).count("PutResourcePolicy") == 1
    assert SECRET not in repr(logs) and SECRET not in repr(result)
    assert json.loads(_value(boto_clients, "int/db")) == {"password": SECRET}
    described = _described(boto_clients, "int/db")
    assert (described["Description"], described["Tags"]) == ("db", [{"Key": "env", "Value": "dev"}])
    assert result.observed is not None and result.observed.arn == described["ARN"]
    with capture_logs() as logs:
        assert not manager.plan(desired).changed
    assert sorted(_calls(logs)) == ["DescribeSecret", "GetResourcePolicy", "GetSecretValue"]


def test_a_json_value_written_with_other_spacing_is_no_drift_and_a_changed_one_is(aws: AwsProvider,
                                                                                 boto_clients: Any) -> None:
    recorder = RecordingProvider(aws)
    manager = SecretsmanagerSecretManager(provider=recorder, clock=FakeClock())
    desired = SecretsmanagerSecretDesired(name="int/json", region=REGION, secret_string={"a": 1, "b": [1, 2]})
    manager.apply(desired)
    secrets = boto_clients("secretsmanager", REGION)
    secrets.put_secret_value(SecretId="int/json", SecretString='{\n  "b": [1, 2],\n  "a": 1\n}')
    assert not manager.plan(desired).changed
    secrets.put_secret_value(SecretId="int/json", SecretString='{"a": 2}')
    assert manager.plan(desired).aspects == ("secret_string",)
    recorder.clear()
    manager.apply(desired)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", "secret_string")]
    assert json.loads(_value(boto_clients, "int/json")) == {"a": 1, "b": [1, 2]}


def test_absent_schedules_the_deletion_with_the_window_and_removes_replicas_first(aws: AwsProvider,
                                                                                  boto_clients: Any) -> None:
    manager = SecretsmanagerSecretManager(provider=aws, clock=FakeClock())
    manager.apply(SecretsmanagerSecretDesired(name="int/gone", region=REGION, secret_string="v",
                                              replica_regions=["us-west-2"]))
    gone = SecretsmanagerSecretDesired(name="int/gone", region=REGION, state="absent", recovery_window_in_days=7)
    assert str(manager.plan(gone)).splitlines()[-1] == \
        "  - secretsmanager_secret int/gone: delete (recovery_window_in_days=7)"
    with capture_logs() as logs:
        assert manager.apply(gone).changed
    assert _calls(logs)[-3:-1] == ["RemoveRegionsFromReplication", "DeleteSecret"]
    deleted = _described(boto_clients, "int/gone")["DeletedDate"]
    in_a_week = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)
    assert abs((deleted - in_a_week).total_seconds()) < 600  # moto reports when it will be deleted
    assert manager.get("int/gone", REGION) is None
    assert not manager.apply(gone).changed  # pending deletion counts as gone


def test_force_delete_without_recovery_deletes_at_once(aws: AwsProvider, boto_clients: Any) -> None:
    manager = SecretsmanagerSecretManager(provider=aws, clock=FakeClock())
    manager.apply(SecretsmanagerSecretDesired(name="int/now", region=REGION, secret_string="v"))
    manager.apply(SecretsmanagerSecretDesired(name="int/now", region=REGION, state="absent",
                                              force_delete_without_recovery=True))
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        _described(boto_clients, "int/now")


def test_creating_a_name_pending_deletion_restores_it_with_the_desired_settings(aws: AwsProvider,
                                                                                boto_clients: Any) -> None:
    manager = SecretsmanagerSecretManager(provider=aws, clock=FakeClock())
    first = SecretsmanagerSecretDesired(name="int/back", region=REGION, secret_string="v1", description="one",
                                        tags={"env": "dev", "old": "x"})
    manager.apply(first)
    manager.apply(first.model_copy(update={"state": "absent"}))
    again = SecretsmanagerSecretDesired(name="int/back", region=REGION, secret_string="v2", description="two",
                                        tags={"env": "prod"})
    assert [a.type for a in manager.plan(again).actions] == ["create"]
    with capture_logs() as logs:
        manager.apply(again)
    assert "RestoreSecret" in _calls(logs)
    described = _described(boto_clients, "int/back")
    assert "DeletedDate" not in described or described["DeletedDate"] is None
    assert (described["Description"], described["Tags"]) == ("two", [{"Key": "env", "Value": "prod"}])
    assert _value(boto_clients, "int/back") == "v2"
    assert len(described["VersionIdsToStages"]) == 2, "restored: the earlier version is still there"
    assert not manager.plan(again).changed


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 answers CreateSecret on a name pending deletion with "
                                       "ResourceExistsException (AWS: InvalidRequestException)")
def test_aws_refuses_to_create_a_name_pending_deletion_with_invalid_request(boto_clients: Any) -> None:
    secrets = boto_clients("secretsmanager", REGION)
    secrets.create_secret(Name="int/pending", SecretString="v")
    secrets.delete_secret(SecretId="int/pending", RecoveryWindowInDays=7)
    with pytest.raises(ClientError) as caught:
        secrets.create_secret(Name="int/pending", SecretString="v")
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"


def test_replicas_are_added_removed_and_replicated_again_for_a_new_key(aws: AwsProvider, boto_clients: Any) -> None:
    recorder = RecordingProvider(aws)
    manager = SecretsmanagerSecretManager(provider=recorder, clock=FakeClock())
    manager.apply(SecretsmanagerSecretDesired(name="int/replicated", region=REGION, secret_string="v",
                                              replica_regions=["us-west-2", "eu-west-1"]))
    regions = {r["Region"] for r in _described(boto_clients, "int/replicated")["ReplicationStatus"]}
    assert regions == {"us-west-2", "eu-west-1"}
    one = SecretsmanagerSecretDesired(name="int/replicated", region=REGION, replica_regions=["us-west-2"])
    recorder.clear()
    with capture_logs() as logs:
        manager.apply(one)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", "replica_regions")]
    assert "RemoveRegionsFromReplication" in _calls(logs) and "ReplicateSecretToRegions" not in _calls(logs)
    assert [r["Region"] for r in _described(boto_clients, "int/replicated")["ReplicationStatus"]] == ["us-west-2"]
    assert not manager.plan(one).changed
    # A replica's key cannot change in place: one removal, one replication (moto then drops the key: see below).
    with capture_logs() as logs:
        aws.write_aspect(SECRETSMANAGER_SECRET.ref("int/replicated", REGION), "replica_regions",
                         {"us-west-2": "alias/x"})
    assert _calls(logs) == ["DescribeSecret", "RemoveRegionsFromReplication", "ReplicateSecretToRegions"]


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 drops a replica's KmsKeyId (every replica reports "
                                       "alias/aws/secretsmanager)")
def test_a_replica_keeps_its_kms_key(aws: AwsProvider) -> None:
    manager = SecretsmanagerSecretManager(provider=aws, clock=FakeClock())
    desired = SecretsmanagerSecretDesired(name="int/replica-key", region=REGION, secret_string="v",
                                          replica_regions={"us-west-2": "alias/replica"})
    manager.apply(desired)
    assert not manager.plan(desired).changed


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 ignores UpdateSecret(Description='') and keeps the old "
                                       "description")
def test_an_empty_description_removes_it(aws: AwsProvider, boto_clients: Any) -> None:
    manager = SecretsmanagerSecretManager(provider=aws, clock=FakeClock())
    manager.apply(SecretsmanagerSecretDesired(name="int/undescribed", region=REGION, description="old"))
    manager.apply(SecretsmanagerSecretDesired(name="int/undescribed", region=REGION, description=""))
    assert "Description" not in _described(boto_clients, "int/undescribed")


def test_a_customer_key_is_set_and_given_back_to_aws(aws: AwsProvider, boto_clients: Any) -> None:
    key = str(boto_clients("kms", REGION).create_key(Description="secrets")["KeyMetadata"]["Arn"])
    manager = SecretsmanagerSecretManager(provider=aws, clock=FakeClock())
    manager.apply(SecretsmanagerSecretDesired(name="int/keyed", region=REGION, secret_string="v", kms_key_id=key))
    assert _described(boto_clients, "int/keyed")["KmsKeyId"] == key
    default = SecretsmanagerSecretDesired(name="int/keyed", region=REGION, kms_key_id="")
    assert manager.plan(default).aspects == ("kms_key_id",)
    manager.apply(default)
    observed = manager.get("int/keyed", REGION)
    assert observed is not None and observed.kms_key_id is None
    assert not manager.plan(default).changed


def test_rotation_with_a_function_every_n_days_and_off_again(aws: AwsProvider, boto_clients: Any) -> None:
    function = _function(boto_clients, "int-rotate")
    manager = SecretsmanagerSecretManager(provider=aws, clock=FakeClock())
    manager.apply(SecretsmanagerSecretDesired(name="int/rotated", region=REGION, secret_string="v"))
    rotated = SecretsmanagerSecretDesired(name="int/rotated", region=REGION, rotation=SecretRotation(
        lambda_arn=function, automatically_after_days=30, rotate_immediately=False))
    with capture_logs() as logs:
        manager.apply(rotated)
    assert _calls(logs).count("RotateSecret") == 1
    described = _described(boto_clients, "int/rotated")
    assert (described["RotationEnabled"], described["RotationLambdaARN"], described["RotationRules"]) == (
        True, function, {"AutomaticallyAfterDays": 30})
    assert not manager.plan(rotated).changed
    off = SecretsmanagerSecretDesired(name="int/rotated", region=REGION, rotation=False)
    with capture_logs() as logs:
        manager.apply(off)
    assert _calls(logs).count("CancelRotateSecret") == 1
    assert _described(boto_clients, "int/rotated")["RotationEnabled"] is False
    assert not manager.plan(off).changed


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 drops RotationRules.ScheduleExpression (it reports "
                                       "AutomaticallyAfterDays 0)")
def test_rotation_on_a_schedule_expression(aws: AwsProvider, boto_clients: Any) -> None:
    function = _function(boto_clients, "int-cron")
    manager = SecretsmanagerSecretManager(provider=aws, clock=FakeClock())
    manager.apply(SecretsmanagerSecretDesired(name="int/cron", region=REGION, secret_string="v"))
    rotated = SecretsmanagerSecretDesired(name="int/cron", region=REGION, rotation=SecretRotation(
        lambda_arn=function, schedule_expression="cron(0 4 ? * MON *)", rotate_immediately=False))
    manager.apply(rotated)
    assert not manager.plan(rotated).changed


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 drops RotationRules.Duration")
def test_rotation_with_a_window(aws: AwsProvider, boto_clients: Any) -> None:
    function = _function(boto_clients, "int-window")
    manager = SecretsmanagerSecretManager(provider=aws, clock=FakeClock())
    manager.apply(SecretsmanagerSecretDesired(name="int/window", region=REGION, secret_string="v"))
    rotated = SecretsmanagerSecretDesired(name="int/window", region=REGION, rotation=SecretRotation(
        lambda_arn=function, automatically_after_days=7, duration="3h", rotate_immediately=False))
    manager.apply(rotated)
    assert not manager.plan(rotated).changed


@pytest.mark.xfail(strict=True, raises=UnboundLocalError,
                   reason="moto 5.2.5 crashes (UnboundLocalError in rotate_secret) when a secret without a value is "
                          "rotated by a function (AWS invokes the function to create the first value)")
def test_rotation_of_a_secret_without_a_value(aws: AwsProvider, boto_clients: Any) -> None:
    function = _function(boto_clients, "int-first")
    SecretsmanagerSecretManager(provider=aws, clock=FakeClock()).apply(SecretsmanagerSecretDesired(
        name="int/first", region=REGION, rotation=SecretRotation(lambda_arn=function, automatically_after_days=7,
                                                                 rotate_immediately=False)))


def test_the_errors_of_secrets_manager_are_awsstate_errors(aws: AwsProvider, boto_clients: Any) -> None:
    ref = SECRETSMANAGER_SECRET.ref("int/missing", REGION)
    assert aws.read_existence(ref) is None
    with pytest.raises(NotFoundError):
        aws.read_aspect(ref, "secret_string")
    with pytest.raises(NotFoundError):
        aws.write_aspect(ref, "description", "x")
    boto_clients("secretsmanager", REGION).create_secret(Name="int/empty")
    assert aws.read_aspect(SECRETSMANAGER_SECRET.ref("int/empty", REGION), "secret_string") is None
    aws.delete(ref)  # deleting what is not there is done


def test_a_create_whose_answer_was_lost_is_adopted(aws: AwsProvider) -> None:
    ref = SECRETSMANAGER_SECRET.ref("int/twice", REGION)
    params: dict[str, Json] = {"description": "d", "secret_string": "v", "tags": {"env": "dev"}}
    aws.create(ref, params)
    aws.create(ref, params)  # sent again: it holds every create parameter
    observed = SecretsmanagerSecretManager(provider=aws, clock=FakeClock()).get("int/twice", REGION)
    assert observed is not None and observed.secret_string == "v"


def test_secrets_are_found_by_tag_with_their_names_from_the_arn(aws: AwsProvider) -> None:
    manager = SecretsmanagerSecretManager(provider=aws, clock=FakeClock())
    manager.apply(SecretsmanagerSecretDesired(name="int/owned-abcdef", region=REGION, tags={"awsstate:stack": "int"}))
    manager.apply(SecretsmanagerSecretDesired(name="int/other", region=REGION))
    assert aws.list_tagged(SECRETSMANAGER_SECRET, REGION, "awsstate:stack", "int") == ["int/owned-abcdef"]
