"""Validation of SnsTopicDesired: AWS's limits, before any call, with errors naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import SnsTopicDesired, Subscription

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"
SUB = {"protocol": "sqs", "endpoint": QUEUE}

# (id, fields, the field the error names (first element of its location), text in the message)
BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("name-empty", {"name": ""}, "name", "1 to 256"),
    ("name-257-chars", {"name": "t" * 257}, "name", "1 to 256"),
    ("name-dot", {"name": "my.topic"}, "name", "letters, digits"),
    ("fifo-without-suffix", {"fifo": True}, "fifo", "must end in '.fifo'"),
    ("suffix-but-fifo-false", {"name": "jobs.fifo", "fifo": False}, "fifo", "makes a FIFO topic"),
    ("display-name-over-100", {"display_name": "d" * 101}, "display_name", "100"),
    ("policy-empty", {"policy": {}}, "policy", "always has a policy"),
    ("policy-without-principal", {"policy": {"Statement": [{"Effect": "Allow", "Action": "sns:Publish"}]}},
     "policy", "Principal"),
    ("policy-over-30kb", {"policy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish",
                                                    "Resource": [f"arn:aws:sns:us-east-1:123456789012:t{i}"
                                                                 for i in range(1000)]}]}}, "policy", "maximum"),
    ("kms-malformed", {"kms_master_key_id": "not a key"}, "kms_master_key_id", "not a KMS key id"),
    ("delivery-policy-not-json", {"delivery_policy": "{nope"}, "delivery_policy", "not valid JSON"),
    ("delivery-policy-not-object", {"delivery_policy": "[1]"}, "delivery_policy", "dictionary"),
    ("tags-aws-prefix", {"tags": {"aws:x": "y"}}, "tags", "reserved"),
    ("subscription-duplicate", {"subscriptions": [SUB, SUB]}, "subscriptions", "listed twice"),
    ("subscription-unknown-protocol", {"subscriptions": [{"protocol": "smtp", "endpoint": "x"}]}, "subscriptions",
     "protocol"),
    ("subscription-sqs-not-arn", {"subscriptions": [{"protocol": "sqs", "endpoint": "orders"}]}, "subscriptions",
     "not an SQS queue ARN"),
    ("subscription-lambda-wrong-service", {"subscriptions": [{"protocol": "lambda", "endpoint": QUEUE}]},
     "subscriptions", "arn:aws:lambda"),
    ("subscription-lambda-not-function",
     {"subscriptions": [{"protocol": "lambda", "endpoint": "arn:aws:lambda:us-east-1:123456789012:layer:x"}]},
     "subscriptions", "function ARN"),
    ("subscription-https-not-url", {"subscriptions": [{"protocol": "https", "endpoint": "http://x.example"}]},
     "subscriptions", "https://"),
    ("subscription-email-not-address", {"subscriptions": [{"protocol": "email", "endpoint": "ops"}]},
     "subscriptions", "email address"),
    ("subscription-sms-not-e164", {"subscriptions": [{"protocol": "sms", "endpoint": "555-1234"}]},
     "subscriptions", "E.164"),
    ("subscription-raw-on-lambda",
     {"subscriptions": [{"protocol": "lambda", "endpoint": "arn:aws:lambda:us-east-1:123456789012:function:f",
                         "raw_message_delivery": True}]}, "subscriptions", "raw_message_delivery"),
    ("subscription-filter-not-json", {"subscriptions": [{**SUB, "filter_policy": "{"}]}, "subscriptions",
     "not valid JSON"),
    ("subscription-bad-scope", {"subscriptions": [{**SUB, "filter_policy_scope": "Body"}]}, "subscriptions",
     "MessageBody"),
    ("fifo-topic-lambda-subscription",
     {"name": "jobs.fifo", "subscriptions": [{"protocol": "lambda",
                                              "endpoint": "arn:aws:lambda:us-east-1:123456789012:function:f"}]},
     "subscriptions", "only to SQS"),
]


@pytest.mark.parametrize(("fields", "field", "text"), [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_invalid_input_is_refused_naming_the_field(fields: dict[str, Any], field: str, text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SnsTopicDesired(**{"name": "orders", **fields})
    errors = caught.value.errors()
    assert errors[0]["loc"][0] == field, errors
    assert text in str(caught.value), str(caught.value)


GOOD: list[tuple[str, dict[str, Any]]] = [
    ("256-char-name", {"name": "t" * 256}),
    ("fifo-name", {"name": "jobs.fifo", "fifo": True, "subscriptions": [SUB]}),
    ("display-name-100", {"display_name": "d" * 100}),
    ("policy-as-text", {"policy": '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish"}]}'}),
    ("kms-alias", {"kms_master_key_id": "alias/aws/sns"}),
    ("kms-none", {"kms_master_key_id": ""}),
    ("every-protocol", {"subscriptions": [
        SUB,
        {"protocol": "lambda", "endpoint": "arn:aws:lambda:us-east-1:123456789012:function:f:live"},
        {"protocol": "https", "endpoint": "https://hooks.example.com/sns", "raw_message_delivery": True},
        {"protocol": "http", "endpoint": "http://hooks.example.com/sns"},
        {"protocol": "email", "endpoint": "ops@example.com"},
        {"protocol": "email-json", "endpoint": "ops@example.com"},
        {"protocol": "sms", "endpoint": "+15555550100"},
        {"protocol": "application", "endpoint": "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app/1"},
        {"protocol": "firehose", "endpoint": "arn:aws:firehose:us-east-1:123456789012:deliverystream/s"},
    ]}),
    ("same-endpoint-two-protocols", {"subscriptions": [{"protocol": "email", "endpoint": "ops@example.com"},
                                                       {"protocol": "email-json", "endpoint": "ops@example.com"}]}),
    ("filter-policy-as-text", {"subscriptions": [{**SUB, "filter_policy": '{"event": ["created"]}'}]}),
    ("no-subscriptions", {"subscriptions": []}),
]


@pytest.mark.parametrize("fields", [row[1] for row in GOOD], ids=[row[0] for row in GOOD])
def test_valid_input_is_accepted(fields: dict[str, Any]) -> None:
    SnsTopicDesired(**{"name": "orders", **fields})


def test_filter_policy_text_is_parsed() -> None:
    sub = Subscription(protocol="sqs", endpoint=QUEUE, filter_policy='{"event": ["created"]}')
    assert sub.filter_policy == {"event": ["created"]}
