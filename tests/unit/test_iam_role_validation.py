"""Bad iam_role input is refused when the model is built, naming the field, before any call."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import IamRoleDesired

TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
ARN = "arn:aws:iam::123456789012:policy/p"


def _big(i: int) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bucket-{i}-{j:03d}/*"}
        for j in range(60)]}


BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("empty-name", {"name": ""}, "name", "1 to 64"),
    ("long-name", {"name": "r" * 65}, "name", "1 to 64"),
    ("name-with-colon", {"name": "my:role"}, "name", "ASCII letters"),
    ("path-relative", {"path": "svc/"}, "path", "must be '/'"),
    ("trust-without-principal", {"trust_policy": DOC}, "trust_policy", "require"),
    ("trust-not-json", {"trust_policy": "{oops"}, "trust_policy", "not valid JSON"),
    ("trust-no-statement", {"trust_policy": {"Version": "2012-10-17"}}, "trust_policy", "no Statement"),
    ("description-too-long", {"description": "d" * 1001}, "description", "limit is 1000"),
    ("description-bad-character", {"description": "emoji \U0001f600"}, "description", "IAM does not allow"),
    ("session-too-short", {"max_session_duration": 3599}, "max_session_duration", "greater than or equal to 3600"),
    ("session-too-long", {"max_session_duration": 43201}, "max_session_duration", "less than or equal to 43200"),
    ("boundary-not-an-arn", {"permissions_boundary": "ReadOnlyAccess"}, "permissions_boundary",
     "not a managed policy ARN"),
    ("boundary-role-arn", {"permissions_boundary": "arn:aws:iam::123456789012:role/r"}, "permissions_boundary",
     "not a managed policy ARN"),
    ("managed-bad-account", {"managed_policy_arns": ["arn:aws:iam::12345:policy/p"]}, "managed_policy_arns",
     "not a managed policy ARN"),
    ("managed-s3-arn", {"managed_policy_arns": ["arn:aws:s3:::bucket"]}, "managed_policy_arns",
     "not a managed policy ARN"),
    ("managed-too-many", {"managed_policy_arns": [f"{ARN}{i}" for i in range(21)]}, "managed_policy_arns",
     "at most 20"),
    ("inline-with-principal", {"inline_policies": {"p": TRUST}}, "inline_policies", "must not have"),
    ("inline-bad-name", {"inline_policies": {"bad name": DOC}}, "inline_policies", "ASCII letters"),
    ("inline-long-name", {"inline_policies": {"p" * 129: DOC}}, "inline_policies", "1 to 128"),
    ("inline-total-too-big", {"inline_policies": {f"p{i}": _big(i) for i in range(3)}}, "inline_policies",
     "limit is 10240"),
    ("too-many-tags", {"tags": {f"k{i}": "v" for i in range(51)}}, "tags", "at most 50"),
    ("unknown-field", {"assume_role_policy": TRUST}, "assume_role_policy", "Extra inputs"),
]


@pytest.mark.parametrize(("fields", "field", "message"), [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_bad_input_is_refused_naming_the_field(fields: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        IamRoleDesired(**{"name": "ok-role", **fields})
    error = caught.value.errors()[0]
    assert error["loc"][0] == field
    assert message in error["msg"]


def test_good_input_is_accepted() -> None:
    desired = IamRoleDesired(
        name="Svc+Role=,.@_-1", path="/a/b/", trust_policy=TRUST, description="Café\tjobs\n",
        max_session_duration=43200, permissions_boundary="arn:aws-us-gov:iam::aws:policy/team/Boundary",
        inline_policies={"read": DOC}, managed_policy_arns=["arn:aws:iam::aws:policy/ReadOnlyAccess", ARN], tags={},
    )
    assert desired.trust_policy == TRUST
    assert IamRoleDesired(name="r", permissions_boundary="").permissions_boundary == ""
