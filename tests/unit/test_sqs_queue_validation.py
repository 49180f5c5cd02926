"""Validation of SqsQueueDesired: AWS's limits, before any call, with errors naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import QueueEncryption, RecordingProvider, RedriveAllowPolicy, RedrivePolicy, SqsQueueDesired
from awsstate.providers.memory import InMemoryProvider

DLQ = "arn:aws:sqs:us-east-1:123456789012:dlq"

# (id, fields, the field the error names (first element of its location), text in the message)
BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("name-empty", {"name": ""}, "name", "1 to 80"),
    ("name-81-chars", {"name": "q" * 81}, "name", "1 to 80"),
    ("name-fifo-suffix-counts", {"name": "q" * 76 + ".fifo"}, "name", "1 to 80"),
    ("name-space", {"name": "my queue"}, "name", "letters, digits"),
    ("name-dot", {"name": "my.queue"}, "name", "letters, digits"),
    ("name-only-suffix", {"name": ".fifo"}, "name", "letters, digits"),
    ("fifo-without-suffix", {"name": "jobs", "fifo": True}, "fifo", "must end in '.fifo'"),
    ("suffix-but-fifo-false", {"name": "jobs.fifo", "fifo": False}, "fifo", "makes a FIFO queue"),
    ("dedup-on-standard", {"name": "jobs", "content_based_deduplication": True}, "content_based_deduplication",
     "only FIFO"),
    ("visibility-negative", {"visibility_timeout_seconds": -1}, "visibility_timeout_seconds", "greater than"),
    ("visibility-over-12h", {"visibility_timeout_seconds": 43201}, "visibility_timeout_seconds", "43200"),
    ("retention-under-1min", {"message_retention_seconds": 59}, "message_retention_seconds", "60"),
    ("retention-over-14d", {"message_retention_seconds": 1209601}, "message_retention_seconds", "1209600"),
    ("delay-over-15min", {"delay_seconds": 901}, "delay_seconds", "900"),
    ("message-size-under-1k", {"max_message_size": 1023}, "max_message_size", "1024"),
    ("message-size-over-1mib", {"max_message_size": 1048577}, "max_message_size", "1048576"),
    ("receive-wait-over-20", {"receive_wait_time_seconds": 21}, "receive_wait_time_seconds", "20"),
    ("max-receives-zero", {"redrive_policy": {"dead_letter_target_arn": DLQ, "max_receive_count": 0}},
     "redrive_policy", "greater than"),
    ("max-receives-over-1000", {"redrive_policy": {"dead_letter_target_arn": DLQ, "max_receive_count": 1001}},
     "redrive_policy", "1000"),
    ("dlq-not-an-arn", {"redrive_policy": {"dead_letter_target_arn": "dlq"}}, "redrive_policy", "not an SQS queue ARN"),
    ("dlq-arn-of-another-service",
     {"redrive_policy": {"dead_letter_target_arn": "arn:aws:sns:us-east-1:123456789012:t"}}, "redrive_policy",
     "not an SQS queue ARN"),
    ("dlq-arn-without-account", {"redrive_policy": {"dead_letter_target_arn": "arn:aws:sqs:us-east-1::dlq"}},
     "redrive_policy", "not an SQS queue ARN"),
    ("dlq-fifo-for-standard", {"redrive_policy": {"dead_letter_target_arn": DLQ + ".fifo"}}, "redrive_policy",
     "standard dead-letter queue"),
    ("dlq-standard-for-fifo", {"name": "jobs.fifo", "redrive_policy": {"dead_letter_target_arn": DLQ}},
     "redrive_policy", "FIFO dead-letter queue"),
    ("dlq-in-another-region", {"region": "eu-west-1", "redrive_policy": {"dead_letter_target_arn": DLQ}},
     "redrive_policy", "region eu-west-1"),
    ("by-queue-without-sources", {"redrive_allow_policy": {"permission": "byQueue"}}, "redrive_allow_policy",
     "1 to 10"),
    ("by-queue-over-10-sources", {"redrive_allow_policy": {"permission": "byQueue",
                                                           "source_queue_arns": [f"{DLQ}{i}" for i in range(11)]}},
     "redrive_allow_policy", "1 to 10"),
    ("sources-without-by-queue", {"redrive_allow_policy": {"permission": "denyAll", "source_queue_arns": [DLQ]}},
     "redrive_allow_policy", "only allowed with permission 'byQueue'"),
    ("source-not-an-arn", {"redrive_allow_policy": {"permission": "byQueue", "source_queue_arns": ["q"]}},
     "redrive_allow_policy", "not an SQS queue ARN"),
    ("kms-without-key", {"encryption": {"mode": "kms"}}, "encryption", "needs kms_master_key_id"),
    ("kms-key-malformed", {"encryption": {"mode": "kms", "kms_master_key_id": "my key"}}, "encryption",
     "not a KMS key id"),
    ("kms-reuse-under-60", {"encryption": {"mode": "kms", "kms_master_key_id": "alias/k",
                                           "kms_data_key_reuse_period_seconds": 59}}, "encryption", "60"),
    ("kms-reuse-over-24h", {"encryption": {"mode": "kms", "kms_master_key_id": "alias/k",
                                           "kms_data_key_reuse_period_seconds": 86401}}, "encryption", "86400"),
    ("key-with-sse-sqs", {"encryption": {"mode": "sqs", "kms_master_key_id": "alias/k"}}, "encryption", "need mode"),
    ("policy-not-json", {"policy": "{not json"}, "policy", "not valid JSON"),
    ("policy-without-principal", {"policy": {"Statement": [{"Effect": "Allow", "Action": "sqs:*"}]}}, "policy",
     "Principal"),
    ("tags-aws-prefix", {"tags": {"aws:owner": "me"}}, "tags", "reserved"),
    ("tags-over-50", {"tags": {f"k{i}": "v" for i in range(51)}}, "tags", "at most 50"),
    ("region-unknown", {"region": "moon-1"}, "region", "region"),
    ("unknown-field", {"visibility": 30}, "visibility", "Extra inputs"),
]


@pytest.mark.parametrize(("fields", "field", "text"), [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_invalid_input_is_refused_naming_the_field(fields: dict[str, Any], field: str, text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SqsQueueDesired(**{"name": "jobs", **fields})
    errors = caught.value.errors()
    assert errors[0]["loc"][0] == field, errors
    assert text in str(caught.value), str(caught.value)


GOOD: list[tuple[str, dict[str, Any]]] = [
    ("80-char-name", {"name": "q" * 80}),
    ("80-char-fifo-name", {"name": "q" * 75 + ".fifo", "fifo": True, "content_based_deduplication": True}),
    ("fifo-follows-name", {"name": "jobs.fifo"}),
    ("limits-low", {"visibility_timeout_seconds": 0, "message_retention_seconds": 60, "delay_seconds": 0,
                    "max_message_size": 1024, "receive_wait_time_seconds": 0}),
    ("limits-high", {"visibility_timeout_seconds": 43200, "message_retention_seconds": 1209600, "delay_seconds": 900,
                     "max_message_size": 1048576, "receive_wait_time_seconds": 20}),
    ("redrive-limits", {"redrive_policy": RedrivePolicy(dead_letter_target_arn=DLQ, max_receive_count=1000)}),
    ("china-partition-dlq", {"region": "cn-north-1", "redrive_policy": RedrivePolicy(
        dead_letter_target_arn="arn:aws-cn:sqs:cn-north-1:123456789012:dlq")}),
    ("kms-key-arn", {"encryption": QueueEncryption.kms(
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        data_key_reuse_period_seconds=86400)}),
    ("kms-key-uuid", {"encryption": QueueEncryption.kms("1234abcd-12ab-34cd-56ef-1234567890ab")}),
    ("kms-alias-arn", {"encryption": QueueEncryption.kms("arn:aws:kms:us-east-1:123456789012:alias/orders")}),
    ("by-queue-10", {"redrive_allow_policy": RedriveAllowPolicy(
        permission="byQueue", source_queue_arns=tuple(f"{DLQ}{i}" for i in range(10)))}),
    ("policy-text", {"policy": '{"Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage"}}'}),
    ("policy-blank-text-means-none", {"policy": "  "}),
]


@pytest.mark.parametrize("fields", [row[1] for row in GOOD], ids=[row[0] for row in GOOD])
def test_valid_input_at_aws_limits_is_accepted(fields: dict[str, Any]) -> None:
    SqsQueueDesired(**{"name": "jobs", **fields})


def test_invalid_input_makes_no_provider_call() -> None:
    recorder = RecordingProvider(InMemoryProvider())
    with pytest.raises(ValidationError):
        SqsQueueDesired(name="jobs", visibility_timeout_seconds=-5)
    assert recorder.calls == []


def test_blank_policy_text_means_no_policy() -> None:
    assert SqsQueueDesired(name="jobs", policy="").policy == {}
