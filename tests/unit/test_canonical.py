"""Specification of the canonical forms that keep AWS normalisation out of diffs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from awsstate import canonical
from awsstate.canonical import (
    Json,
    PolicyDocumentError,
    canonical_json,
    canonical_policy,
    canonical_set,
    canonical_tags,
    is_aws_tag,
    merged_tags,
    parse_policy,
    policies_equal,
    policy_json,
    tag_changes,
    user_tags,
    validate_policy,
)

PolicyInput = str | Mapping[str, Any] | None

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
BUCKET_ARN = "arn:aws:s3:::example-bucket"
OBJECTS_ARN = "arn:aws:s3:::example-bucket/*"


def policy(
    *statements: dict[str, Any], version: str | None = "2012-10-17"
) -> dict[str, Any]:
    """Build a policy document with the statements given, as a list."""
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document["Version"] = version
    return document


def allow(**elements: Any) -> dict[str, Any]:
    """Build an Allow statement; s3:GetObject on the bucket's objects by default."""
    return {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": OBJECTS_ARN,
        **elements,
    }


READ = allow(Sid="Read", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
WRITE = allow(
    Sid="Write", Action=["s3:PutObject"], Principal={"Service": "sqs.amazonaws.com"}
)
DENY_INSECURE = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [BUCKET_ARN, OBJECTS_ARN],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
BUCKET_POLICY = policy(READ, WRITE, DENY_INSECURE)


# ---------------------------------------------------------------------------
# Equivalence: documents AWS treats as the same must compare equal
# ---------------------------------------------------------------------------

EQUIVALENT: list[Any] = [
    pytest.param(
        json.dumps(BUCKET_POLICY), BUCKET_POLICY, id="json-string-equals-dict"
    ),
    pytest.param(
        json.dumps(BUCKET_POLICY, indent=4),
        json.dumps(BUCKET_POLICY),
        id="whitespace-and-indentation",
    ),
    pytest.param(
        # Moto (and AWS) re-serialise SQS/SNS policies with ", " and ": ".
        json.dumps(BUCKET_POLICY, separators=(", ", ": ")),
        json.dumps(BUCKET_POLICY, separators=(",", ":")),
        id="moto-reserialised-with-spaces-after-colon-and-comma",
    ),
    pytest.param(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Resource": OBJECTS_ARN, "Action": "s3:GetObject", "Effect": "Allow"}
            ],
        },
        {
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": OBJECTS_ARN}
            ],
            "Version": "2012-10-17",
        },
        id="key-order",
    ),
    pytest.param(
        {"Version": "2012-10-17", "Statement": READ},
        {"Version": "2012-10-17", "Statement": [READ]},
        id="single-statement-object-equals-one-element-list",
    ),
    pytest.param(
        policy(READ, WRITE, DENY_INSECURE),
        policy(DENY_INSECURE, WRITE, READ),
        id="statement-order",
    ),
    pytest.param(
        policy(allow(Action="s3:GetObject")),
        policy(allow(Action=["s3:GetObject"])),
        id="action-string-equals-one-element-list",
    ),
    pytest.param(
        policy(allow(Action=["s3:GetObject", "s3:ListBucket"])),
        policy(allow(Action=["s3:ListBucket", "s3:GetObject"])),
        id="action-list-order",
    ),
    pytest.param(
        policy(allow(Action=["s3:GetObject", "s3:GetObject"])),
        policy(allow(Action="s3:GetObject")),
        id="action-duplicates",
    ),
    pytest.param(
        policy(allow(Action="S3:GetObject")),
        policy(allow(Action="s3:getobject")),
        id="action-names-are-case-insensitive",
    ),
    pytest.param(
        policy({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}),
        policy({"Effect": "Deny", "NotAction": ["IAM:*"], "Resource": ["*"]}),
        id="notaction-string-equals-list-and-case-insensitive",
    ),
    pytest.param(
        policy(allow(Resource=OBJECTS_ARN)),
        policy(allow(Resource=[OBJECTS_ARN])),
        id="resource-string-equals-one-element-list",
    ),
    pytest.param(
        policy(allow(Resource=[BUCKET_ARN, OBJECTS_ARN, BUCKET_ARN])),
        policy(allow(Resource=[OBJECTS_ARN, BUCKET_ARN])),
        id="resource-order-and-duplicates",
    ),
    pytest.param(
        policy({"Effect": "Deny", "Action": "s3:*", "NotResource": BUCKET_ARN}),
        policy({"Effect": "Deny", "Action": "s3:*", "NotResource": [BUCKET_ARN]}),
        id="notresource-string-equals-one-element-list",
    ),
    pytest.param(
        policy(allow(Principal="*")),
        policy(allow(Principal={"AWS": "*"})),
        id="principal-star-equals-aws-star",
    ),
    pytest.param(
        policy(allow(Principal={"AWS": ["*"]})),
        policy(allow(Principal="*")),
        id="principal-star-equals-aws-star-list",
    ),
    pytest.param(
        policy(allow(Principal={"Service": "lambda.amazonaws.com"})),
        policy(allow(Principal={"Service": ["lambda.amazonaws.com"]})),
        id="principal-value-string-equals-one-element-list",
    ),
    pytest.param(
        policy(
            allow(
                Principal={
                    "AWS": [
                        f"arn:aws:iam::{ACCOUNT}:root",
                        f"arn:aws:iam::{OTHER_ACCOUNT}:root",
                    ]
                }
            )
        ),
        policy(
            allow(
                Principal={
                    "AWS": [
                        f"arn:aws:iam::{OTHER_ACCOUNT}:root",
                        f"arn:aws:iam::{ACCOUNT}:root",
                    ]
                }
            )
        ),
        id="principal-list-order",
    ),
    pytest.param(
        policy(allow(Principal={"AWS": ACCOUNT})),
        policy(allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})),
        id="bare-account-id-principal-equals-root-arn",
    ),
    pytest.param(
        policy(allow(Principal={"AWS": [ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root"]})),
        policy(allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})),
        id="bare-account-id-and-its-root-arn-are-one-principal",
    ),
    pytest.param(
        policy(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": ACCOUNT},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
        policy(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:root"]},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
        id="notprincipal-bare-account-id-equals-root-arn",
    ),
    pytest.param(
        policy(allow(Principal={"Service": "sns.amazonaws.com", "AWS": ACCOUNT})),
        policy(allow(Principal={"AWS": ACCOUNT, "Service": "sns.amazonaws.com"})),
        id="principal-type-order",
    ),
    pytest.param(
        policy(allow(Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})),
        policy(allow(Condition={"StringEquals": {"aws:SourceAccount": [ACCOUNT]}})),
        id="condition-value-string-equals-one-element-list",
    ),
    pytest.param(
        policy(
            allow(
                Condition={
                    "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}
                }
            )
        ),
        policy(
            allow(
                Condition={
                    "IpAddress": {"aws:SourceIp": ["192.168.0.0/16", "10.0.0.0/8"]}
                }
            )
        ),
        id="condition-value-list-order",
    ),
    pytest.param(
        policy(allow(Condition={"Bool": {"aws:SecureTransport": True}})),
        policy(allow(Condition={"Bool": {"aws:SecureTransport": "true"}})),
        id="condition-boolean-equals-its-string",
    ),
    pytest.param(
        policy(allow(Condition={"NumericLessThan": {"s3:max-keys": 10}})),
        policy(allow(Condition={"NumericLessThan": {"s3:max-keys": ["10"]}})),
        id="condition-number-equals-its-string",
    ),
    pytest.param(
        policy(
            allow(
                Condition={
                    "StringLike": {"s3:prefix": "home/"},
                    "Bool": {"aws:SecureTransport": "true"},
                }
            )
        ),
        policy(
            allow(
                Condition={
                    "Bool": {"aws:SecureTransport": "true"},
                    "StringLike": {"s3:prefix": "home/"},
                }
            )
        ),
        id="condition-operator-order",
    ),
    pytest.param(
        policy(allow(Condition={})),
        policy(allow()),
        id="empty-condition-equals-no-condition",
    ),
    pytest.param(
        quote(json.dumps(BUCKET_POLICY)), BUCKET_POLICY, id="url-encoded-equals-plain"
    ),
    pytest.param(
        policy(READ, version=None),
        policy(READ, version="2008-10-17"),
        id="missing-version-equals-2008-10-17",
    ),
    pytest.param(None, None, id="none-equals-none"),
    pytest.param(None, "", id="none-equals-empty-string"),
    pytest.param(None, {}, id="none-equals-empty-object"),
    pytest.param("  ", "{}", id="blank-string-equals-empty-json-object"),
]


@pytest.mark.parametrize(("a", "b"), EQUIVALENT)
def test_equivalent_policies_are_equal(a: PolicyInput, b: PolicyInput) -> None:
    assert policies_equal(a, b)
    assert policies_equal(b, a)
    assert canonical_policy(a) == canonical_policy(b)


@pytest.mark.parametrize(("a", "b"), EQUIVALENT)
def test_canonical_policy_is_idempotent(a: PolicyInput, b: PolicyInput) -> None:
    for value in (a, b):
        once = canonical_policy(value)
        assert canonical_policy(once) == once


# ---------------------------------------------------------------------------
# Non-equivalence: real changes must still show up as diffs
# ---------------------------------------------------------------------------

NOT_EQUIVALENT: list[Any] = [
    pytest.param(policy(allow()), policy(allow(Effect="Deny")), id="different-effect"),
    pytest.param(
        policy(allow(Sid="Read")), policy(allow(Sid="ReadObjects")), id="different-sid"
    ),
    pytest.param(policy(allow()), policy(allow(Sid="Read")), id="sid-added"),
    pytest.param(
        policy(allow(Action="s3:GetObject")),
        policy(allow(Action="s3:PutObject")),
        id="different-action",
    ),
    pytest.param(
        policy(allow(Action="s3:GetObject")),
        policy(allow(Action=["s3:GetObject", "s3:PutObject"])),
        id="action-added",
    ),
    pytest.param(
        policy(allow(Resource=OBJECTS_ARN)),
        policy(allow(Resource=BUCKET_ARN)),
        id="different-resource",
    ),
    pytest.param(
        policy(allow(Resource="arn:aws:s3:::example-bucket/Home/*")),
        policy(allow(Resource="arn:aws:s3:::example-bucket/home/*")),
        id="resource-arns-are-case-sensitive",
    ),
    pytest.param(
        policy(allow(Principal={"AWS": ACCOUNT})),
        policy(allow(Principal={"AWS": OTHER_ACCOUNT})),
        id="different-principal-account",
    ),
    pytest.param(
        policy(allow(Principal="*")),
        policy(allow(Principal={"AWS": ACCOUNT})),
        id="public-vs-one-account",
    ),
    pytest.param(
        policy(allow(Principal={"AWS": ACCOUNT})),
        policy(allow(Principal={"Service": ACCOUNT})),
        id="different-principal-type",
    ),
    pytest.param(
        policy(allow(Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})),
        policy(allow(Condition={"StringEquals": {"aws:SourceAccount": OTHER_ACCOUNT}})),
        id="different-condition-value",
    ),
    pytest.param(
        policy(allow(Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})),
        policy(allow(Condition={"StringLike": {"aws:SourceAccount": ACCOUNT}})),
        id="different-condition-operator",
    ),
    pytest.param(
        policy(allow(Condition={"Bool": {"aws:SecureTransport": "true"}})),
        policy(allow(Condition={"Bool": {"aws:SecureTransport": "false"}})),
        id="different-condition-boolean",
    ),
    pytest.param(
        policy(allow()),
        policy(allow(Condition={"Bool": {"aws:SecureTransport": "true"}})),
        id="condition-added",
    ),
    pytest.param(
        policy(READ, version=None),
        policy(READ, version="2012-10-17"),
        id="missing-version-vs-2012-10-17",
    ),
    pytest.param(policy(READ), policy(READ, WRITE), id="extra-statement"),
    pytest.param(
        policy({"Effect": "Deny", "Action": "iam:*", "Resource": "*"}),
        policy({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}),
        id="notaction-vs-action",
    ),
    pytest.param(
        policy({"Effect": "Deny", "Action": "s3:*", "Resource": BUCKET_ARN}),
        policy({"Effect": "Deny", "Action": "s3:*", "NotResource": BUCKET_ARN}),
        id="notresource-vs-resource",
    ),
    pytest.param(
        policy(
            {
                "Effect": "Deny",
                "Principal": {"AWS": ACCOUNT},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
        policy(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": ACCOUNT},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
        id="notprincipal-vs-principal",
    ),
    pytest.param(policy(READ), None, id="policy-vs-none"),
    pytest.param(
        {"Version": "2012-10-17", "Statement": [READ], "Id": "a"},
        policy(READ),
        id="id-added",
    ),
]


@pytest.mark.parametrize(("a", "b"), NOT_EQUIVALENT)
def test_different_policies_are_not_equal(a: PolicyInput, b: PolicyInput) -> None:
    assert not policies_equal(a, b)
    assert not policies_equal(b, a)
    assert canonical_policy(a) != canonical_policy(b)


# ---------------------------------------------------------------------------
# canonical_policy details
# ---------------------------------------------------------------------------


def test_missing_version_is_canonicalised_to_2008_10_17() -> None:
    result = canonical_policy({"Statement": allow()})
    assert result is not None
    assert result["Version"] == "2008-10-17"


@pytest.mark.parametrize("version", ["2012-10-17", "2008-10-17"])
def test_explicit_version_is_kept(version: str) -> None:
    result = canonical_policy(policy(allow(), version=version))
    assert result is not None
    assert result["Version"] == version


def test_canonical_form_uses_lists_lowercase_actions_and_root_arns() -> None:
    document = {
        "Statement": {
            "Sid": "Pub",
            "Effect": "Allow",
            "Principal": {"AWS": [OTHER_ACCOUNT, "*"], "Service": "sns.amazonaws.com"},
            "Action": ["SQS:SendMessage", "sqs:GetQueueUrl"],
            "Resource": "arn:aws:sqs:eu-west-1:123456789012:q",
            "Condition": {
                "ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:t"}
            },
        }
    }
    assert canonical_policy(document) == {
        "Version": "2008-10-17",
        "Statement": [
            {
                "Action": ["sqs:getqueueurl", "sqs:sendmessage"],
                "Condition": {
                    "ArnEquals": {
                        "aws:SourceArn": ["arn:aws:sns:eu-west-1:123456789012:t"]
                    }
                },
                "Effect": "Allow",
                "Principal": {
                    "AWS": ["*", f"arn:aws:iam::{OTHER_ACCOUNT}:root"],
                    "Service": ["sns.amazonaws.com"],
                },
                "Resource": ["arn:aws:sqs:eu-west-1:123456789012:q"],
                "Sid": "Pub",
            }
        ],
    }


def test_condition_values_become_strings() -> None:
    result = canonical_policy(
        policy(
            allow(
                Condition={
                    "NumericLessThan": {"s3:max-keys": [10, 2.5]},
                    "Bool": {"aws:MultiFactorAuthPresent": False},
                }
            )
        )
    )
    assert result is not None
    statement = result["Statement"]
    assert statement == [
        {
            "Action": ["s3:getobject"],
            "Condition": {
                "Bool": {"aws:MultiFactorAuthPresent": ["false"]},
                "NumericLessThan": {"s3:max-keys": ["10", "2.5"]},
            },
            "Effect": "Allow",
            "Resource": [OBJECTS_ARN],
        }
    ]


def test_account_id_expands_a_bare_id_that_is_not_twelve_digits() -> None:
    short = policy(allow(Principal={"AWS": "1234"}))
    arn = policy(allow(Principal={"AWS": "arn:aws:iam::1234:root"}))
    assert not policies_equal(short, arn)
    assert policies_equal(short, arn, account_id="1234")
    assert canonical_policy(short, account_id="1234") == canonical_policy(
        arn, account_id="1234"
    )


def test_non_account_principals_are_not_rewritten() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/app"
    result = canonical_policy(
        policy(allow(Principal={"AWS": role, "Service": ACCOUNT}))
    )
    assert result is not None
    statement = result["Statement"]
    assert isinstance(statement, list)
    assert statement[0] == allow(
        Action=["s3:getobject"],
        Resource=[OBJECTS_ARN],
        Principal={"AWS": [role], "Service": [ACCOUNT]},
    )


def test_canonical_policy_does_not_mutate_its_input() -> None:
    document = policy(
        allow(Action=["S3:PutObject", "s3:GetObject"], Principal="*"), version=None
    )
    snapshot = json.loads(json.dumps(document))
    canonical_policy(document)
    assert document == snapshot


def test_canonical_policy_rejects_invalid_json() -> None:
    with pytest.raises(PolicyDocumentError, match="not valid JSON"):
        canonical_policy("{not json")


def test_policies_equal_rejects_invalid_json() -> None:
    with pytest.raises(PolicyDocumentError, match="not valid JSON"):
        policies_equal("{", policy(allow()))


def test_duplicate_statements_are_kept_because_aws_stores_them() -> None:
    result = canonical_policy(policy(READ, READ))
    assert result is not None
    statements = result["Statement"]
    assert isinstance(statements, list)
    assert len(statements) == 2
    assert not policies_equal(policy(READ, READ), policy(READ))


# ---------------------------------------------------------------------------
# parse_policy
# ---------------------------------------------------------------------------


def test_parse_policy_accepts_json_text() -> None:
    assert parse_policy(json.dumps(BUCKET_POLICY)) == BUCKET_POLICY


def test_parse_policy_copies_mappings_into_plain_json_types() -> None:
    source = MappingProxyType(
        {"Statement": ({"Effect": "Allow", "Action": ("s3:GetObject",)},)}
    )
    result = parse_policy(source)
    assert type(result) is dict
    assert result == {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"]}]}


def test_parse_policy_result_is_independent_of_the_input() -> None:
    source = policy(allow())
    result = parse_policy(source)
    statements = result["Statement"]
    assert isinstance(statements, list)
    statements.append({})
    assert len(source["Statement"]) == 1


URL_ENCODED: list[Any] = [
    pytest.param(
        quote(json.dumps(BUCKET_POLICY), safe=""),
        BUCKET_POLICY,
        id="percent-encoded-everything",
    ),
    pytest.param(
        quote(json.dumps(BUCKET_POLICY)),
        BUCKET_POLICY,
        id="percent-encoded-keeping-slashes",
    ),
    pytest.param(
        quote_plus(json.dumps(BUCKET_POLICY)), BUCKET_POLICY, id="plus-for-spaces"
    ),
    pytest.param(
        # As IAM get_role returns AssumeRolePolicyDocument from the raw API.
        "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22Read%22%2C"
        "%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A"
        "%22arn%3Aaws%3As3%3A%3A%3Aexample-bucket%2F%2A%22%2C%22Principal%22%3A%7B%22AWS%22%3A"
        "%22arn%3Aaws%3Aiam%3A%3A123456789012%3Aroot%22%7D%7D%5D%7D",
        policy(READ),
        id="iam-get-role-style",
    ),
]


@pytest.mark.parametrize(("encoded", "expected"), URL_ENCODED)
def test_parse_policy_decodes_url_encoded_json(
    encoded: str, expected: dict[str, Any]
) -> None:
    assert encoded.startswith("%7B")
    assert parse_policy(encoded) == expected


def test_parse_policy_keeps_plus_signs_when_percent_decoding_suffices() -> None:
    document = policy(allow(Condition={"StringEquals": {"s3:prefix": "a+b c"}}))
    assert parse_policy(quote(json.dumps(document), safe="")) == document


def test_parse_policy_does_not_url_decode_valid_json() -> None:
    document = policy(allow(Condition={"StringEquals": {"s3:prefix": "100%7B"}}))
    assert parse_policy(json.dumps(document)) == document


PARSE_ERRORS: list[Any] = [
    pytest.param("{not json", "policy is not valid JSON", id="invalid-json"),
    pytest.param("", "the document is empty", id="empty-string"),
    pytest.param("%7Bnot%20json", "not valid JSON", id="invalid-url-encoded-json"),
    pytest.param("[]", "must be a JSON object, got array", id="json-array"),
    pytest.param('"policy"', "must be a JSON object, got string", id="json-string"),
    pytest.param("null", "must be a JSON object, got null", id="json-null"),
    pytest.param('{"Version": NaN}', "NaN is not valid JSON", id="nan"),
    pytest.param(
        {"Statement": {1, 2}}, "at $.Statement has type set", id="mapping-with-a-set"
    ),
    pytest.param(
        {"Statement": {1: "x"}},
        "policy key 1 at $.Statement is not a string",
        id="non-string-key",
    ),
    pytest.param(
        42, "must be a JSON string or a mapping, got int", id="not-a-string-or-mapping"
    ),
]


@pytest.mark.parametrize(("value", "message"), PARSE_ERRORS)
def test_parse_policy_errors_name_the_problem(value: Any, message: str) -> None:
    with pytest.raises(PolicyDocumentError) as raised:
        parse_policy(value)
    assert message in str(raised.value)


def test_policy_document_error_is_a_value_error() -> None:
    assert issubclass(PolicyDocumentError, ValueError)


# ---------------------------------------------------------------------------
# validate_policy
# ---------------------------------------------------------------------------

TRUST_POLICY = policy(
    {
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
)
IDENTITY_POLICY = policy(
    allow(), allow(Sid="List", Action="s3:ListBucket", Resource=BUCKET_ARN)
)

VALIDATION_ERRORS: list[Any] = [
    pytest.param("{", {}, "policy is not valid JSON", id="invalid-json"),
    pytest.param(
        {"Version": "2012-10-17"}, {}, "policy has no Statement", id="no-statement"
    ),
    pytest.param(
        policy(), {}, "policy Statement is an empty list", id="empty-statement-list"
    ),
    pytest.param(
        {"Statement": "Allow everything"},
        {},
        "Statement must be an object or a list of objects, got string",
        id="statement-is-a-string",
    ),
    pytest.param(
        {"Statement": [allow(), "x"]},
        {},
        "statement 2 must be an object, got string",
        id="statement-not-an-object",
    ),
    pytest.param(
        policy(allow(), {"Action": "s3:*", "Resource": "*"}),
        {},
        "statement 2 has no Effect",
        id="no-effect",
    ),
    pytest.param(
        policy(allow(Effect="allow")),
        {},
        "statement 1 has invalid Effect 'allow'",
        id="effect-wrong-case",
    ),
    pytest.param(
        policy({"Effect": "Allow", "Resource": "*"}),
        {},
        "statement 1 has no Action or NotAction",
        id="no-action",
    ),
    pytest.param(
        policy(allow(NotAction="s3:PutObject")),
        {},
        "statement 1 has both Action and NotAction",
        id="action-and-notaction",
    ),
    pytest.param(
        policy(allow(NotResource=BUCKET_ARN)),
        {},
        "statement 1 has both Resource and NotResource",
        id="resource-and-notresource",
    ),
    pytest.param(
        policy(allow(Principal="*", NotPrincipal={"AWS": ACCOUNT})),
        {},
        "statement 1 has both Principal and NotPrincipal",
        id="principal-and-notprincipal",
    ),
    pytest.param(
        policy(allow(Action=[])),
        {},
        "statement 1 Action must be a string or a non-empty list of strings",
        id="empty-action-list",
    ),
    pytest.param(
        policy(allow(Resource=5)),
        {},
        "statement 1 Resource must be a string or a non-empty list",
        id="resource-not-a-string",
    ),
    pytest.param(
        policy(allow(Principal="someone")),
        {},
        'statement 1 Principal must be "*" or an object',
        id="principal-bad-shape",
    ),
    pytest.param(
        policy(allow(Principal={"AWS": []})),
        {},
        "statement 1 Principal AWS must be a string or a non-empty list",
        id="principal-empty-list",
    ),
    pytest.param(
        policy(allow(Condition="x")),
        {},
        "statement 1 Condition must be an object",
        id="condition-not-an-object",
    ),
    pytest.param(
        policy(allow(Condition={"StringEquals": "x"})),
        {},
        "Condition operator StringEquals must map condition keys",
        id="condition-operator-not-an-object",
    ),
    pytest.param(
        policy(allow(Condition={"StringEquals": {"aws:username": None}})),
        {},
        "Condition StringEquals aws:username values must be strings",
        id="condition-value-null",
    ),
    pytest.param(
        policy(allow(Sid=3)),
        {},
        "statement 1 Sid must be a string",
        id="sid-not-a-string",
    ),
    pytest.param(
        policy(allow(), version="2012-10-18"),
        {},
        "policy Version '2012-10-18' is not supported",
        id="unknown-version",
    ),
    pytest.param(
        policy(allow()),
        {"require_principal": True},
        "statement 1 has no Principal or NotPrincipal",
        id="resource-policy-without-principal",
    ),
    pytest.param(
        policy({"Effect": "Allow", "Action": "sts:AssumeRole"}),
        {"require_principal": True},
        "which resource and trust policies require",
        id="trust-policy-without-principal",
    ),
    pytest.param(
        policy(READ),
        {"require_principal": False},
        "statement 1 has a Principal",
        id="identity-policy-with-principal",
    ),
    pytest.param(
        policy(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": ACCOUNT},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
        {"require_principal": False},
        "statement 1 has a NotPrincipal, which identity policies must not have",
        id="identity-policy-with-notprincipal",
    ),
    pytest.param(
        policy(allow(Sid="x" * 100)),
        {"max_size": 100},
        "more than the maximum of 100",
        id="too-large",
    ),
    pytest.param(
        policy(
            allow(Sid="Public"), {"Effect": "Permit", "Action": "s3:*", "Sid": "Broken"}
        ),
        {},
        """statement 2 has invalid Effect 'Permit'; expected "Allow" or "Deny" """
        "(Sid 'Broken')",
        id="message-names-the-sid",
    ),
]


@pytest.mark.parametrize(("value", "options", "message"), VALIDATION_ERRORS)
def test_validate_policy_errors_name_the_problem(
    value: Any, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(PolicyDocumentError) as raised:
        validate_policy(value, **options)
    assert message in str(raised.value)


VALID_POLICIES: list[Any] = [
    pytest.param(BUCKET_POLICY, {"require_principal": True}, id="bucket-policy"),
    pytest.param(TRUST_POLICY, {"require_principal": True}, id="trust-policy"),
    pytest.param(IDENTITY_POLICY, {"require_principal": False}, id="identity-policy"),
    pytest.param(BUCKET_POLICY, {}, id="principal-not-checked-by-default"),
    pytest.param(IDENTITY_POLICY, {}, id="no-principal-not-checked-by-default"),
    pytest.param(
        {"Statement": allow()}, {}, id="single-statement-object-without-version"
    ),
    pytest.param(policy(allow(), version="2008-10-17"), {}, id="version-2008-10-17"),
    pytest.param(
        policy({"Effect": "Deny", "NotAction": "s3:*", "NotResource": "*"}),
        {},
        id="notaction-and-notresource",
    ),
    pytest.param(
        policy(allow(Condition={"NumericLessThan": {"s3:max-keys": 10}})),
        {},
        id="numeric-condition-value",
    ),
    pytest.param(
        quote(json.dumps(TRUST_POLICY)), {"require_principal": True}, id="url-encoded"
    ),
]


@pytest.mark.parametrize(("value", "options"), VALID_POLICIES)
def test_validate_policy_accepts_valid_documents_and_returns_them_parsed(
    value: Any, options: dict[str, Any]
) -> None:
    assert validate_policy(value, **options) == parse_policy(value)


def test_max_size_counts_compact_json_without_whitespace() -> None:
    document = policy(allow())
    size = len(json.dumps(document, separators=(",", ":")))
    pretty = json.dumps(document, indent=8)
    assert len(pretty) > size
    assert validate_policy(pretty, max_size=size) == document
    with pytest.raises(PolicyDocumentError, match=f"policy size is {size} characters"):
        validate_policy(pretty, max_size=size - 1)


def test_max_size_counts_characters_not_bytes() -> None:
    document = policy(allow(Sid="Caf\u00e9"))
    size = len(json.dumps(document, separators=(",", ":"), ensure_ascii=False))
    assert validate_policy(document, max_size=size) == document


# ---------------------------------------------------------------------------
# policy_json
# ---------------------------------------------------------------------------


def test_policy_json_is_compact_and_key_sorted() -> None:
    text = policy_json(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:GetObject"},
        }
    )
    assert text == (
        '{"Statement":{"Action":"s3:GetObject","Effect":"Allow"},'
        '"Version":"2012-10-17"}'
    )


def test_policy_json_does_not_canonicalise() -> None:
    document = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["S3:PutObject", "s3:GetObject"],
            }
        ]
    }
    assert json.loads(policy_json(document)) == document


def test_policy_json_is_stable_across_input_forms() -> None:
    assert policy_json(BUCKET_POLICY) == policy_json(
        json.dumps(BUCKET_POLICY, indent=2)
    )
    assert policy_json(BUCKET_POLICY) == policy_json(quote(json.dumps(BUCKET_POLICY)))


def test_policy_json_rejects_invalid_documents() -> None:
    with pytest.raises(PolicyDocumentError, match="must be a JSON object"):
        policy_json("[]")


# ---------------------------------------------------------------------------
# Tags
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("prod", "prod", id="string"),
        pytest.param("", "", id="empty-string"),
        pytest.param(True, "true", id="true"),
        pytest.param(False, "false", id="false"),
        pytest.param(1, "1", id="int"),
        pytest.param(0, "0", id="zero"),
        pytest.param(1.5, "1.5", id="float"),
    ],
)
def test_canonical_tags_coerces_values_to_strings(value: object, expected: str) -> None:
    assert canonical_tags({"k": value}) == {"k": expected}


def test_canonical_tags_of_none_is_none() -> None:
    assert canonical_tags(None) is None


def test_canonical_tags_orders_by_key_and_keeps_keys_as_is() -> None:
    result = canonical_tags({"b": "2", "A": "1", "aws:cloudformation:stack-name": "s"})
    assert result is not None
    assert list(result) == ["A", "aws:cloudformation:stack-name", "b"]


@pytest.mark.parametrize("value", [None, ["a"], {"a": 1}], ids=["none", "list", "dict"])
def test_canonical_tags_rejects_non_scalar_values(value: object) -> None:
    with pytest.raises(TypeError, match="tag 'Env' has a"):
        canonical_tags({"Env": value})


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("aws:cloudformation:stack-name", True, id="aws-prefix"),
        pytest.param("AWS:CreatedBy", True, id="aws-prefix-any-case"),
        pytest.param("Env", False, id="user-tag"),
        pytest.param("aws", False, id="no-colon"),
        pytest.param("my:aws:tag", False, id="aws-not-at-start"),
    ],
)
def test_is_aws_tag(key: str, expected: bool) -> None:
    assert is_aws_tag(key) is expected


def test_user_tags_drops_aws_tags() -> None:
    assert user_tags(
        {"Env": "prod", "aws:createdBy": "x", "AWS:Other": "y", "Team": "a"}
    ) == {"Env": "prod", "Team": "a"}


CURRENT_TAGS = {
    "Env": "dev",
    "Team": "core",
    "Old": "1",
    "aws:cloudformation:stack-name": "stack",
}

TAG_CHANGES: list[Any] = [
    pytest.param(
        CURRENT_TAGS,
        {"Env": "dev", "Team": "core", "Old": "1"},
        True,
        ({}, []),
        id="unchanged-aws-tags-ignored",
    ),
    pytest.param(
        CURRENT_TAGS,
        {"Env": "prod", "Team": "core", "Old": "1"},
        True,
        ({"Env": "prod"}, []),
        id="value-changed",
    ),
    pytest.param(
        CURRENT_TAGS,
        {"Env": "dev", "Team": "core", "Old": "1", "Owner": "me"},
        True,
        ({"Owner": "me"}, []),
        id="tag-added",
    ),
    pytest.param(
        CURRENT_TAGS,
        {"Env": "dev"},
        True,
        ({}, ["Old", "Team"]),
        id="purge-removes-user-tags-sorted",
    ),
    pytest.param(
        CURRENT_TAGS, {"Env": "dev"}, False, ({}, []), id="merge-removes-nothing"
    ),
    pytest.param(
        CURRENT_TAGS,
        {},
        True,
        ({}, ["Env", "Old", "Team"]),
        id="purge-all-but-never-aws-tags",
    ),
    pytest.param(
        {"Env": "dev"},
        {"Z": "1", "B": "2", "Env": "prod"},
        False,
        ({"B": "2", "Env": "prod", "Z": "1"}, []),
        id="to-set-sorted-by-key",
    ),
    pytest.param(
        {"env": "dev"},
        {"Env": "dev"},
        True,
        ({"Env": "dev"}, ["env"]),
        id="keys-are-case-sensitive",
    ),
]


@pytest.mark.parametrize(("current", "desired", "purge", "expected"), TAG_CHANGES)
def test_tag_changes(
    current: dict[str, str],
    desired: dict[str, str],
    purge: bool,
    expected: tuple[dict[str, str], list[str]],
) -> None:
    to_set, to_remove = tag_changes(current, desired, purge=purge)
    assert (to_set, to_remove) == expected
    assert list(to_set) == sorted(to_set)


def test_tag_changes_purges_by_default() -> None:
    assert tag_changes({"A": "1"}, {}) == ({}, ["A"])


def test_aws_tags_are_never_removed() -> None:
    current = {"aws:cloudformation:stack-id": "x", "AWS:Thing": "y"}
    assert tag_changes(current, {}, purge=True) == ({}, [])
    assert merged_tags(current, {}, purge=True) == current


MERGED_TAGS: list[Any] = [
    pytest.param(
        CURRENT_TAGS,
        {"Env": "prod", "Owner": "me"},
        True,
        {"Env": "prod", "Owner": "me", "aws:cloudformation:stack-name": "stack"},
        id="purge-keeps-only-desired-and-aws-tags",
    ),
    pytest.param(
        CURRENT_TAGS,
        {"Env": "prod", "Owner": "me"},
        False,
        {
            "Env": "prod",
            "Old": "1",
            "Owner": "me",
            "Team": "core",
            "aws:cloudformation:stack-name": "stack",
        },
        id="merge-is-current-updated-by-desired",
    ),
    pytest.param({}, {}, True, {}, id="empty"),
]


@pytest.mark.parametrize(("current", "desired", "purge", "expected"), MERGED_TAGS)
def test_merged_tags(
    current: dict[str, str],
    desired: dict[str, str],
    purge: bool,
    expected: dict[str, str],
) -> None:
    result = merged_tags(current, desired, purge=purge)
    assert result == expected
    assert list(result) == sorted(result)


@pytest.mark.parametrize(("current", "desired", "purge", "_expected"), TAG_CHANGES)
def test_applying_tag_changes_gives_merged_tags(
    current: dict[str, str], desired: dict[str, str], purge: bool, _expected: object
) -> None:
    to_set, to_remove = tag_changes(current, desired, purge=purge)
    applied = {
        key: value for key, value in current.items() if key not in to_remove
    } | to_set
    assert applied == merged_tags(current, desired, purge=purge)


# ---------------------------------------------------------------------------
# canonical_set and canonical_json
# ---------------------------------------------------------------------------

CANONICAL_SETS: list[Any] = [
    pytest.param([], [], id="empty"),
    pytest.param(["b", "a", "c"], ["a", "b", "c"], id="sorted"),
    pytest.param(["a", "b", "a"], ["a", "b"], id="duplicates-removed"),
    pytest.param(
        [{"b": 1, "a": 2}, {"a": 2, "b": 1}],
        [{"a": 2, "b": 1}],
        id="dicts-equal-regardless-of-key-order",
    ),
    pytest.param(
        [2, "1", None, True], ["1", 2, None, True], id="mixed-types-sorted-by-json"
    ),
    pytest.param([1, "1"], ["1", 1], id="number-and-string-are-distinct"),
    pytest.param((x for x in ["y", "x", "y"]), ["x", "y"], id="any-iterable"),
]


@pytest.mark.parametrize(("items", "expected"), CANONICAL_SETS)
def test_canonical_set(items: list[Json], expected: list[Json]) -> None:
    assert canonical_set(items) == expected


def test_canonical_set_ignores_input_order() -> None:
    items: list[Json] = ["c", {"k": [1, 2]}, 3, "a", {"k": [1, 2]}]
    assert canonical_set(items) == canonical_set(list(reversed(items)))


def test_canonical_json_is_compact_and_key_sorted() -> None:
    assert (
        canonical_json({"b": [1, {"d": None, "c": True}], "a": "x"})
        == '{"a":"x","b":[1,{"c":true,"d":null}]}'
    )


def test_public_api_is_exported() -> None:
    assert sorted(canonical.__all__) == sorted(
        [
            "Json",
            "MAX_JSON_DEPTH",
            "PolicyDocumentError",
            "canonical_document",
            "canonical_json",
            "canonical_policy",
            "canonical_set",
            "canonical_tags",
            "check_json",
            "is_aws_tag",
            "json_list",
            "load_json",
            "merged_tags",
            "parse_policy",
            "policies_equal",
            "policy_json",
            "tag_changes",
            "user_tags",
            "validate_policy",
        ]
    )
    for name in canonical.__all__:
        assert hasattr(canonical, name)
