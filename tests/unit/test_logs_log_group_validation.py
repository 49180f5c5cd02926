"""Validation of LogsLogGroupDesired: CloudWatch Logs' rules, before any call, with errors naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import InMemoryProvider, LogsLogGroupDesired, LogsLogGroupManager, RecordingProvider
from awsstate.resources.logs_log_group.kind import LOGS_LOG_GROUP
from awsstate.resources.logs_log_group.models import RETENTION_DAYS
from tests.examples.logs_log_group import DATA_PROTECTION

REGION = "us-east-1"
KEY_ARN = f"arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ALLOWED = ", ".join(str(days) for days in sorted(RETENTION_DAYS))

# (id, fields, the field the error names (first element of its location), text in the message)
BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("name-empty", {"name": ""}, "name", "1 to 512"),
    ("name-513-chars", {"name": "g" * 513}, "name", "is 513 characters"),
    ("name-space", {"name": "/app/my group"}, "name", "only letters, digits and _ - / . #"),
    ("name-star", {"name": "/app/*"}, "name", "only letters, digits"),
    ("name-colon", {"name": "app:orders"}, "name", "only letters, digits"),
    ("name-non-ascii", {"name": "/app/ördrs"}, "name", "only letters, digits"),
    ("name-trailing-newline", {"name": "/app/orders\n"}, "name", "only letters, digits"),
    ("name-aws-prefix", {"name": "aws/lambda/orders"}, "name", "reserved by AWS"),
    ("retention-15", {"retention_in_days": 15}, "retention_in_days", f"use one of {ALLOWED}"),
    ("retention-negative", {"retention_in_days": -1}, "retention_in_days", "not a retention period"),
    ("retention-over-10y", {"retention_in_days": 3654}, "retention_in_days", "not a retention period"),
    ("retention-true", {"retention_in_days": True}, "retention_in_days", "True is not a retention period"),
    ("retention-text", {"retention_in_days": "two weeks"}, "retention_in_days", "valid integer"),
    ("kms-alias", {"kms_key_id": "alias/logs"}, "kms_key_id", "not a KMS key ARN"),
    ("kms-bare-key-id", {"kms_key_id": "1234abcd-12ab-34cd-56ef-1234567890ab"}, "kms_key_id", "not a KMS key ARN"),
    ("kms-alias-arn", {"kms_key_id": f"arn:aws:kms:{REGION}:123456789012:alias/logs"}, "kms_key_id",
     "not an id or alias"),
    ("kms-arn-of-sqs", {"kms_key_id": f"arn:aws:sqs:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
     "kms_key_id", "not a KMS key ARN"),
    ("kms-arn-without-region", {"kms_key_id": "arn:aws:kms::123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
     "kms_key_id", "not a KMS key ARN"),
    ("kms-arn-without-account", {"kms_key_id": f"arn:aws:kms:{REGION}::key/1234abcd-12ab-34cd-56ef-1234567890ab"},
     "kms_key_id", "not a KMS key ARN"),
    ("kms-arn-without-key-id", {"kms_key_id": f"arn:aws:kms:{REGION}:123456789012:key/"}, "kms_key_id",
     "not a KMS key ARN"),
    ("dpp-invalid-json", {"data_protection_policy": '{"Name": "x",'}, "data_protection_policy", "not valid JSON"),
    ("dpp-json-not-an-object", {"data_protection_policy": "[]"}, "data_protection_policy", "valid dictionary"),
    ("dpp-without-name", {"data_protection_policy": {k: v for k, v in DATA_PROTECTION.items() if k != "Name"}},
     "data_protection_policy", "needs Name"),
    ("dpp-without-version", {"data_protection_policy": {k: v for k, v in DATA_PROTECTION.items() if k != "Version"}},
     "data_protection_policy", "needs Version"),
    ("dpp-without-statement",
     {"data_protection_policy": {k: v for k, v in DATA_PROTECTION.items() if k != "Statement"}},
     "data_protection_policy", "needs Statement"),
    ("dpp-only-name", {"data_protection_policy": {"Name": "x"}}, "data_protection_policy", "needs Version, Statement"),
    ("dpp-empty-statement", {"data_protection_policy": {**DATA_PROTECTION, "Statement": []}},
     "data_protection_policy", "non-empty list"),
    ("dpp-statement-not-a-list", {"data_protection_policy": {**DATA_PROTECTION, "Statement": {"Sid": "audit"}}},
     "data_protection_policy", "non-empty list"),
    ("dpp-over-30kib", {"data_protection_policy": {**DATA_PROTECTION, "Statement": [{"Sid": "s" * 31_000}]}},
     "data_protection_policy", "at most 30720 bytes"),
    ("class-unknown", {"log_group_class": "COLD"}, "log_group_class", "'STANDARD', 'INFREQUENT_ACCESS' or 'DELIVERY'"),
    ("class-lower-case", {"log_group_class": "standard"}, "log_group_class", "'STANDARD'"),
    ("tags-aws-prefix", {"tags": {"aws:owner": "me"}}, "tags", "reserved"),
    ("region-unknown", {"region": "moon-1"}, "region", "not an AWS region name"),
    ("unknown-field", {"retention": 14}, "retention", "Extra inputs are not permitted"),
    ("unknown-field-terraform-name", {"skip_destroy": True}, "skip_destroy", "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("fields", "field", "text"), [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_invalid_input_is_refused_naming_the_field(fields: dict[str, Any], field: str, text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        LogsLogGroupDesired(**{"name": "/app/orders", **fields})
    errors = caught.value.errors()
    assert {e["loc"][0] for e in errors} == {field}, errors  # a union may report one error per member
    assert text in str(caught.value), str(caught.value)


@pytest.mark.parametrize(("fields", "field"), [(row[1], row[2]) for row in BAD], ids=[row[0] for row in BAD])
def test_invalid_input_makes_no_provider_call(fields: dict[str, Any], field: str) -> None:
    recorder = RecordingProvider(InMemoryProvider())
    manager = LogsLogGroupManager(provider=recorder)
    with pytest.raises(ValidationError):
        manager.apply(LogsLogGroupDesired.model_validate({"name": "/app/orders", "region": REGION, **fields}))
    assert recorder.calls == []
    # The same pipeline with the offending field left out does reach the provider.
    manager.plan(LogsLogGroupDesired.model_validate({"name": "/app/orders", "region": REGION}))
    assert [c.operation for c in recorder.calls] == ["read_existence"]


GOOD: list[tuple[str, dict[str, Any]]] = [
    ("name-512-chars", {"name": "g" * 512}),
    ("name-every-allowed-character", {"name": "/Az09_-./#"}),
    ("name-aws-not-a-prefix", {"name": "/aws/lambda/orders"}),
    ("name-awsx-prefix", {"name": "awsx/orders"}),
    ("name-one-char", {"name": "g"}),
    ("retention-smallest", {"retention_in_days": 1}),
    ("retention-largest", {"retention_in_days": 3653}),
    ("retention-never-false", {"retention_in_days": False}),
    ("retention-never-zero", {"retention_in_days": 0}),
    ("kms-key-arn", {"kms_key_id": KEY_ARN}),
    ("kms-multi-region-key-arn", {"kms_key_id": f"arn:aws:kms:{REGION}:123456789012:key/mrk-" + "0" * 32}),
    ("kms-china-partition", {"region": "cn-north-1",
                             "kms_key_id": "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-"
                                           "1234567890ab"}),
    ("kms-none", {"kms_key_id": ""}),
    ("dpp-mapping", {"data_protection_policy": DATA_PROTECTION}),
    ("dpp-json-text", {"data_protection_policy": json.dumps(DATA_PROTECTION)}),
    ("dpp-none", {"data_protection_policy": {}}),
    ("class-standard", {"log_group_class": "STANDARD"}),
    ("class-infrequent-access", {"log_group_class": "INFREQUENT_ACCESS"}),
    ("class-delivery", {"log_group_class": "DELIVERY"}),
    ("deletion-protection-on", {"deletion_protection": True}),
    ("tags-and-keep-others", {"tags": {"env": "dev"}, "purge_tags": False}),
    ("absent", {"state": "absent"}),
]


@pytest.mark.parametrize("fields", [row[1] for row in GOOD], ids=[row[0] for row in GOOD])
def test_valid_input_at_aws_limits_is_accepted(fields: dict[str, Any]) -> None:
    desired = LogsLogGroupDesired(**{"name": "/app/orders", **fields})
    for key, value in fields.items():
        if key not in ("retention_in_days", "data_protection_policy"):
            assert getattr(desired, key) == value


def test_every_retention_period_aws_lists_is_accepted() -> None:
    assert len(RETENTION_DAYS) == 22
    for days in sorted(RETENTION_DAYS):
        assert LogsLogGroupDesired(name="/app/orders", retention_in_days=days).retention_in_days == days


def test_retention_message_lists_every_allowed_period_in_order() -> None:
    with pytest.raises(ValidationError) as caught:
        LogsLogGroupDesired(name="/app/orders", retention_in_days=15)
    message = caught.value.errors()[0]["msg"]
    assert "15 days" in message
    assert "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, " \
           "3653" in message
    assert "False/0" in message


def test_zero_and_false_both_mean_never_expire_and_plan_the_same() -> None:
    assert LogsLogGroupDesired(name="/app/orders", retention_in_days=0).retention_in_days is False
    assert LogsLogGroupDesired(name="/app/orders", retention_in_days=False).retention_in_days is False
    memory = InMemoryProvider()
    manager = LogsLogGroupManager(provider=memory)
    memory.create(LOGS_LOG_GROUP.ref("/app/orders", REGION), {})
    memory.world.set_aspect("logs_log_group", "/app/orders", "retention_in_days", 7, region=REGION)
    plans = [manager.plan(LogsLogGroupDesired(name="/app/orders", region=REGION, retention_in_days=value))
             for value in (0, False)]
    assert [[(a.aspect, getattr(a, "before", "?"), a.after) for a in plan.actions] for plan in plans] == [
        [("retention_in_days", 7, None)], [("retention_in_days", 7, None)]]
    assert str(plans[0]) == str(plans[1])


def test_data_protection_policy_as_json_text_equals_the_mapping() -> None:
    from_text = LogsLogGroupDesired.model_validate(
        {"name": "/app/orders", "data_protection_policy": json.dumps(DATA_PROTECTION)})
    assert from_text.data_protection_policy == DATA_PROTECTION
    assert from_text == LogsLogGroupDesired(name="/app/orders", data_protection_policy=DATA_PROTECTION)


@pytest.mark.parametrize("empty", [{}, "", "   "], ids=["mapping", "text", "blank-text"])
def test_empty_data_protection_policy_means_none(empty: Any) -> None:
    desired = LogsLogGroupDesired(name="/app/orders", data_protection_policy=empty)
    assert desired.data_protection_policy == {}
    assert LOGS_LOG_GROUP.aspect("data_protection_policy").wanted(desired) is None


def test_empty_kms_key_means_aws_owned_encryption() -> None:
    desired = LogsLogGroupDesired(name="/app/orders", kms_key_id="")
    assert LOGS_LOG_GROUP.aspect("kms_key_id").wanted(desired) is None
    assert LOGS_LOG_GROUP.aspect("kms_key_id").wanted(
        LogsLogGroupDesired(name="/app/orders", kms_key_id=KEY_ARN)) == KEY_ARN


def test_models_are_frozen() -> None:
    desired = LogsLogGroupDesired(name="/app/orders", retention_in_days=14)
    with pytest.raises(ValidationError):
        desired.retention_in_days = 15
    assert desired.retention_in_days == 14
