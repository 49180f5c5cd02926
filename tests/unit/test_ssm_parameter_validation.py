"""Validation of SsmParameterDesired: Parameter Store's rules, before any call, with errors naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import InMemoryProvider, RecordingProvider, SsmParameterDesired, SsmParameterManager
from awsstate.resources.ssm_parameter.models import MAX_NAME

REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECRET = "Pa55word-do-not-print"
DEEP = "/" + "/".join(f"l{i}" for i in range(15))  # 15 levels: the most AWS allows

# (id, fields, the field the error names (first element of its location), text in the message)
BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("name-empty", {"name": ""}, "name", "1 to 1011"),
    ("name-too-long", {"name": "/" + "p" * MAX_NAME}, "name", "is 1012 characters"),
    ("name-space", {"name": "/app/db password"}, "name", "no spaces"),
    ("name-star", {"name": "/app/*"}, "name", "only letters, digits"),
    ("name-colon", {"name": "app:db"}, "name", "only letters, digits"),
    ("name-non-ascii", {"name": "/app/pässword"}, "name", "only letters, digits"),
    ("name-trailing-newline", {"name": "/app/db\n"}, "name", "only letters, digits"),
    ("name-aws-prefix", {"name": "awsConfig"}, "name", "reserved by AWS"),
    ("name-ssm-prefix-any-case", {"name": "SSM-parameter"}, "name", "reserved by AWS"),
    ("name-aws-hierarchy", {"name": "/aws/service/ami"}, "name", "reserved by AWS"),
    ("name-ssm-hierarchy", {"name": "/Ssm/app/db"}, "name", "reserved by AWS"),
    ("name-hierarchy-without-leading-slash", {"name": "app/db"}, "name", "starts with '/'"),
    ("name-empty-level", {"name": "/app//db"}, "name", "empty hierarchy level"),
    ("name-trailing-slash", {"name": "/app/db/"}, "name", "empty hierarchy level"),
    ("name-16-levels", {"name": DEEP + "/l15"}, "name", "16 levels deep"),
    ("type-unknown", {"type": "Integer"}, "type", "'String', 'StringList' or 'SecureString'"),
    ("value-empty", {"value": ""}, "value", "cannot be empty"),
    ("value-over-8kb", {"value": "v" * 8193}, "value", "at most 8192"),
    ("value-not-text", {"value": 42}, "value", "valid string"),
    ("value-list-with-comma", {"type": "StringList", "value": ["a", "b,c"]}, "value", "without commas"),
    ("value-list-empty", {"type": "StringList", "value": []}, "value", "non-empty items"),
    ("description-too-long", {"description": "d" * 1025}, "description", "at most 1024"),
    ("key-not-a-key", {"key_id": "my-key"}, "key_id", "not a KMS key id"),
    ("key-arn-of-another-service", {"key_id": f"arn:aws:sqs:{REGION}:123456789012:key/x"}, "key_id",
     "not a KMS key id"),
    ("key-too-long", {"key_id": "alias/" + "k" * 251}, "key_id", "at most 256"),
    ("key-on-a-string", {"type": "String", "key_id": KEY}, "key_id", "only a SecureString"),
    ("key-ref-to-a-queue", {"key_id": "${sqs_queue.q.arn}"}, "key_id", "cannot stand here"),
    ("tier-unknown", {"tier": "Premium"}, "tier", "'Standard', 'Advanced' or 'Intelligent-Tiering'"),
    ("tier-standard-too-small", {"value": "v" * 4097, "tier": "Standard"}, "tier", "do not fit the Standard tier"),
    ("pattern-too-long", {"allowed_pattern": "a" * 1025}, "allowed_pattern", "at most 1024"),
    ("pattern-mismatch", {"value": "abc", "allowed_pattern": r"^\d+$"}, "allowed_pattern", "does not match"),
    ("data-type-unknown", {"data_type": "json"}, "data_type", "'text', 'aws:ec2:image' or 'aws:ssm:integration'"),
    ("image-not-an-ami", {"value": "my-image", "data_type": "aws:ec2:image"}, "data_type", "AMI id"),
    ("image-secure-string", {"type": "SecureString", "data_type": "aws:ec2:image"}, "data_type",
     "needs type 'String'"),
    ("state-unknown", {"state": "deleted"}, "state", "'present' or 'absent'"),
    ("unknown-field", {"overwrite": True}, "overwrite", "Extra inputs"),
]


@pytest.mark.parametrize(("fields", "field", "text"), [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_invalid_input_is_refused_naming_the_field_before_any_call(fields: dict[str, Any], field: str,
                                                                   text: str) -> None:
    recorder = RecordingProvider(InMemoryProvider())
    with pytest.raises(ValidationError) as caught:
        SsmParameterManager(provider=recorder).plan(SsmParameterDesired(**{"name": "/app/db", **fields}))
    errors = caught.value.errors()
    assert any(error["loc"][:1] == (field,) for error in errors), errors
    assert text in str(caught.value)
    assert recorder.calls == []


GOOD: list[tuple[str, dict[str, Any]]] = [
    ("plain-name", {"name": "db-password"}),
    ("hierarchy", {"name": "/prod/orders/db.url_2"}),
    ("fifteen-levels", {"name": DEEP}),
    ("longest-name", {"name": "/" + "p" * (MAX_NAME - 1)}),
    ("aws-inside-a-name", {"name": "/app/aws-config"}),
    ("secure-string-with-key-id", {"type": "SecureString", "key_id": "1234abcd-12ab-34cd-56ef-1234567890ab"}),
    ("secure-string-with-alias", {"type": "SecureString", "key_id": "alias/app"}),
    ("key-reference", {"type": "SecureString", "key_id": "${kms_key.app.arn}"}),
    ("aws-managed-key-on-a-string", {"type": "String", "key_id": ""}),
    ("advanced-8kb", {"value": "v" * 8192, "tier": "Advanced"}),
    ("intelligent-tiering-8kb", {"value": "v" * 8192, "tier": "Intelligent-Tiering"}),
    ("pattern-match", {"value": "1234", "allowed_pattern": r"^\d+$"}),
    ("java-only-pattern-left-to-aws", {"value": "abc", "allowed_pattern": r"^\p{Alpha}+$"}),
    ("ami", {"type": "String", "value": "ami-0123456789abcdef0", "data_type": "aws:ec2:image"}),
    ("value-reference", {"value": "${sqs_queue.q.url}"}),
    ("empty-description", {"description": ""}),
]


@pytest.mark.parametrize("fields", [row[1] for row in GOOD], ids=[row[0] for row in GOOD])
def test_valid_input_is_accepted(fields: dict[str, Any]) -> None:
    SsmParameterDesired(**{"name": "/app/db", **fields})


def test_a_string_list_may_be_given_as_a_list() -> None:
    desired = SsmParameterDesired(name="/app/hosts", type="StringList", value=["a.example", "b.example"])
    assert desired.value == "a.example,b.example"


@pytest.mark.parametrize("fields", [{"value": ""}, {"value": SECRET, "allowed_pattern": r"^\d+$"},
                                    {"value": SECRET * 300, "tier": "Standard"}, {"value": SECRET}],
                         ids=["empty", "pattern", "too-long-for-the-tier", "valid"])
def test_a_validation_error_or_repr_never_shows_the_value(fields: dict[str, Any]) -> None:
    try:
        desired = SsmParameterDesired(name="/app/db", **fields)
    except ValidationError as error:
        assert SECRET not in str(error) and SECRET not in repr(error)
    else:
        assert SECRET not in repr(desired) and SECRET not in str(desired)
        assert "value=(sensitive)" in repr(desired)
