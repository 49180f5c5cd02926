"""Validation of SecretsmanagerSecretDesired: Secrets Manager's rules, before any call, with errors naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import (
    InMemoryProvider,
    RecordingProvider,
    SecretRotation,
    SecretsmanagerSecretDesired,
    SecretsmanagerSecretManager,
)
from tests.examples.secretsmanager_secret import policy

REGION = "eu-west-1"
SECRET = "Pa55word-do-not-print"
FUNCTION = f"arn:aws:lambda:{REGION}:123456789012:function:rotate"
POLICY = policy("secretsmanager:GetSecretValue")

# (id, fields, the field the error names (first element of its location), text in the message)
BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("name-empty", {"name": ""}, "name", "1 to 512"),
    ("name-513-chars", {"name": "s" * 513}, "name", "is 513 characters"),
    ("name-space", {"name": "prod/db password"}, "name", "only ASCII letters"),
    ("name-colon", {"name": "prod:db"}, "name", "only ASCII letters"),
    ("name-non-ascii", {"name": "prod/clé"}, "name", "only ASCII letters"),
    ("name-trailing-newline", {"name": "prod/db\n"}, "name", "only ASCII letters"),
    ("description-too-long", {"description": "d" * 2049}, "description", "at most 2048"),
    ("kms-not-a-key", {"kms_key_id": "my-key"}, "kms_key_id", "not a KMS key id"),
    ("kms-ref-to-a-queue", {"kms_key_id": "${sqs_queue.q.arn}"}, "kms_key_id", "cannot stand here"),
    ("value-empty", {"secret_string": ""}, "secret_string", "1 to 65536"),
    ("value-too-long", {"secret_string": "s" * 65537}, "secret_string", "1 to 65536"),
    ("value-json-too-long", {"secret_string": {"k": "s" * 65536}}, "secret_string", "1 to 65536"),
    ("value-not-json", {"secret_string": {"k": float("nan")}}, "secret_string", "not valid JSON"),
    ("value-a-set", {"secret_string": {"a", "b"}}, "secret_string", "not a set"),
    ("value-a-number", {"secret_string": 42}, "secret_string", "not a int"),
    ("policy-invalid-json", {"policy": '{"Version": '}, "policy", "not valid JSON"),
    ("policy-without-principal", {"policy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}}, "policy", "Principal"),
    ("policy-too-big", {"policy": {**POLICY, "Statement": [
        {**POLICY["Statement"][0], "Sid": f"S{i}", "Resource": "r" * 200} for i in range(100)]}}, "policy",
     "Secrets Manager allows at most 20480"),
    ("rotation-days-zero", {"rotation": {"automatically_after_days": 0}}, "rotation", "greater than or equal to 1"),
    ("rotation-days-over-1000", {"rotation": {"automatically_after_days": 1001}}, "rotation", "less than or equal"),
    ("rotation-two-schedules", {"rotation": {"automatically_after_days": 7, "schedule_expression": "rate(7 days)"}},
     "rotation", "not both"),
    ("rotation-bad-schedule", {"rotation": {"schedule_expression": "every week"}}, "rotation",
     "not a rotation schedule"),
    ("rotation-window-25h", {"rotation": {"duration": "25h"}}, "rotation", "1h to 24h"),
    ("rotation-window-minutes", {"rotation": {"duration": "30m"}}, "rotation", "1h to 24h"),
    ("rotation-not-a-function", {"rotation": {"lambda_arn": f"arn:aws:sqs:{REGION}:123456789012:rotate"}},
     "rotation", "not a Lambda function ARN"),
    ("rotation-unknown-sub-field", {"rotation": {"every": 7}}, "rotation", "Extra inputs"),
    ("rotation-with-a-managed-value", {"secret_string": SECRET, "rotation": {"lambda_arn": FUNCTION}}, "rotation",
     "leave secret_string unset"),
    ("replica-unknown-region", {"replica_regions": ["mars-north-1"]}, "replica_regions", "unknown AWS region"),
    ("replica-own-region", {"region": REGION, "replica_regions": {REGION: ""}}, "replica_regions",
     "the secret's own region"),
    ("replica-bad-key", {"replica_regions": {"us-west-2": "my-key"}}, "replica_regions", "not a KMS key id"),
    ("recovery-window-6", {"recovery_window_in_days": 6}, "recovery_window_in_days", "greater than or equal to 7"),
    ("recovery-window-31", {"recovery_window_in_days": 31}, "recovery_window_in_days", "less than or equal to 30"),
    ("recovery-window-and-force", {"recovery_window_in_days": 7, "force_delete_without_recovery": True},
     "force_delete_without_recovery", "not both"),
    ("tags-aws-prefix", {"tags": {"aws:owner": "me"}}, "tags", "reserved for AWS"),
    ("unknown-field", {"recovery_window": 7}, "recovery_window", "Extra inputs"),
]


@pytest.mark.parametrize(("fields", "field", "text"), [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_invalid_input_is_refused_naming_the_field_before_any_call(fields: dict[str, Any], field: str,
                                                                   text: str) -> None:
    recorder = RecordingProvider(InMemoryProvider())
    with pytest.raises(ValidationError) as caught:
        SecretsmanagerSecretManager(provider=recorder).plan(SecretsmanagerSecretDesired(**{"name": "prod/db",
                                                                                          **fields}))
    errors = caught.value.errors()
    assert any(error["loc"][:1] == (field,) for error in errors), errors
    assert text in str(caught.value)
    assert recorder.calls == []


GOOD: list[tuple[str, dict[str, Any]]] = [
    ("every-name-character", {"name": "prod/Orders_db+x=y.z@corp-1"}),
    ("longest-name", {"name": "s" * 512}),
    ("text-value", {"secret_string": SECRET}),
    ("json-object-value", {"secret_string": {"username": "u", "password": SECRET}}),
    ("json-list-value", {"secret_string": ["a", 1, None]}),
    ("json-text-value", {"secret_string": '{"username": "u"}'}),
    ("policy-as-text", {"policy": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": '
                                  '{"AWS": "123456789012"}, "Action": "secretsmanager:*", "Resource": "*"}]}'}),
    ("no-policy", {"policy": {}}),
    ("rotation-days", {"rotation": SecretRotation(lambda_arn=FUNCTION, automatically_after_days=30)}),
    ("rotation-cron-and-window", {"rotation": {"schedule_expression": "cron(0 16 1,15 * ? *)", "duration": "4h"}}),
    ("rotation-rate-hours", {"rotation": {"schedule_expression": "rate(4 hours)"}}),
    ("rotation-function-version", {"rotation": {"lambda_arn": FUNCTION + ":live"}}),
    ("rotation-off", {"rotation": False}),
    ("rotation-off-with-a-value", {"rotation": False, "secret_string": SECRET}),
    ("replicas-as-a-list", {"replica_regions": ["us-west-2", "eu-central-1"]}),
    ("replicas-with-keys", {"replica_regions": {"us-west-2": "alias/app", "eu-central-1": ""}}),
    ("no-replicas", {"replica_regions": {}}),
    ("key-reference", {"kms_key_id": "${kms_key.app.arn}"}),
    ("aws-managed-key", {"kms_key_id": ""}),
    ("recovery-window-7", {"recovery_window_in_days": 7}),
    ("force-delete", {"force_delete_without_recovery": True}),
]


@pytest.mark.parametrize("fields", [row[1] for row in GOOD], ids=[row[0] for row in GOOD])
def test_valid_input_is_accepted(fields: dict[str, Any]) -> None:
    SecretsmanagerSecretDesired(**{"name": "prod/db", **fields})


def test_replicas_given_as_a_list_use_each_regions_aws_managed_key() -> None:
    desired = SecretsmanagerSecretDesired(name="prod/db", replica_regions=["us-west-2"])
    assert desired.replica_regions == {"us-west-2": ""}


@pytest.mark.parametrize("value", ["", SECRET * 4000, {"password": SECRET, "bad": float("inf")}, SECRET,
                                   {"password": SECRET}], ids=["empty", "too-long", "not-json", "text", "json"])
def test_a_validation_error_or_repr_never_shows_the_value(value: Any) -> None:
    try:
        desired = SecretsmanagerSecretDesired(name="prod/db", secret_string=value)
    except ValidationError as error:
        assert SECRET not in str(error) and SECRET not in repr(error)
    else:
        assert SECRET not in repr(desired) and SECRET not in str(desired)
        assert "secret_string=(sensitive)" in repr(desired)
