"""Bad iam_policy input is refused when the model is built, naming the field, before any call."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import IamPolicyDesired

DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
BIG_DOC = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bucket-{i:04d}/*"} for i in range(200)
]}

BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("empty-name", {"name": ""}, "name", "1 to 128"),
    ("long-name", {"name": "p" * 129}, "name", "1 to 128"),
    ("name-with-space", {"name": "my policy"}, "name", "ASCII letters"),
    ("name-with-slash", {"name": "team/policy"}, "name", "ASCII letters"),
    ("name-non-ascii", {"name": "polícy"}, "name", "ASCII letters"),
    ("path-without-slashes", {"path": "team"}, "path", "must be '/'"),
    ("path-without-trailing-slash", {"path": "/team"}, "path", "must be '/'"),
    ("path-empty-segment", {"path": "/team//x/"}, "path", "must be '/'"),
    ("path-with-space", {"path": "/my team/"}, "path", "must be '/'"),
    ("path-too-long", {"path": "/" + "a" * 511 + "/"}, "path", "limit is 512"),
    ("description-too-long", {"description": "d" * 1001}, "description", "limit is 1000"),
    ("document-not-json", {"document": "{not json"}, "document", "not valid JSON"),
    ("document-with-principal", {"document": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}},
     "document", "identity policies must not have"),
    ("document-without-effect", {"document": {"Statement": [{"Action": "s3:*", "Resource": "*"}]}},
     "document", "no Effect"),
    ("document-bad-version", {"document": {**DOC, "Version": "2020-01-01"}}, "document", "not supported"),
    ("document-too-big", {"document": BIG_DOC}, "document", "maximum of 6144"),
    ("document-not-a-document", {"document": 42}, "document", "JSON text or a mapping"),
    ("too-many-tags", {"tags": {f"k{i}": "v" for i in range(51)}}, "tags", "at most 50"),
    ("aws-tag", {"tags": {"aws:owner": "me"}}, "tags", "reserved"),
    ("unknown-field", {"policy_document": DOC}, "policy_document", "Extra inputs"),
]


@pytest.mark.parametrize(("fields", "field", "message"), [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_bad_input_is_refused_naming_the_field(fields: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        IamPolicyDesired(**{"name": "ok-policy", **fields})
    error = caught.value.errors()[0]
    assert error["loc"][0] == field
    assert message in error["msg"]


def test_document_size_is_counted_without_whitespace() -> None:
    roomy = json.dumps(DOC, indent=40)  # far over 6144 characters only because of whitespace
    statements = [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b{i}/*"} for i in range(80)]
    padded = json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=12)
    assert len(padded) > 6144
    assert IamPolicyDesired(name="p", document=roomy).document == DOC
    assert IamPolicyDesired(name="p", document=padded).document is not None


def test_good_input_is_accepted_and_the_document_is_stored_parsed() -> None:
    desired = IamPolicyDesired(name="Team+Data=,.@_-1", path="/division/team/", description="Reads; writes",
                               document=json.dumps(DOC), tags={"n": 7})
    assert desired.document == DOC
    assert desired.tags == {"n": "7"}
