"""Shared examples for iam_role (IAM ignores the region). Self-contained: inline policies only,
``managed_policy_arns=[]`` / ``permissions_boundary=""`` / ``instance_profiles=[]`` ("none") and the role's
own instance profile, so no other resource is needed."""

from __future__ import annotations

import json

from awsstate import IamRoleDesired, IamRoleManager
from tests.examples import BotoClients, KindExamples

TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
READ_LOGS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"], "Resource": "*"}],
}
WRITE_LOGS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*"}],
}
SNEAKY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}


def _name(token: str) -> str:
    return f"awsstate-test-{token}"


def _minimal(name: str, region: str) -> IamRoleDesired:
    return IamRoleDesired(name=name, trust_policy=TRUST_LAMBDA)


def _full(name: str, region: str) -> IamRoleDesired:
    return IamRoleDesired(
        name=name,
        path="/awsstate-test/",
        trust_policy=TRUST_LAMBDA,
        description="awsstate test role",
        max_session_duration=7200,
        permissions_boundary="",
        inline_policies={"read-logs": READ_LOGS},
        managed_policy_arns=[],
        instance_profile=True,
        instance_profiles=[],
        tags={"awsstate:test": "full", "env": "dev"},
    )


def with_arns(name: str, region: str) -> IamRoleDesired:
    """``full`` with the ARN-valued settings too (managed policies, a permissions boundary): for the fuzz
    suite, which only builds models (the policies these ARNs name never exist)."""
    return _full(name, region).model_copy(update={
        "managed_policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess",
                                "arn:aws:iam::123456789012:policy/team/reader"],
        "permissions_boundary": "arn:aws:iam::123456789012:policy/boundary",
    })


def _update(name: str, region: str) -> IamRoleDesired:
    return _full(name, region).model_copy(update={
        "description": "awsstate test role, updated",
        "inline_policies": {"read-logs": READ_LOGS, "write-logs": WRITE_LOGS},
        "tags": {"awsstate:test": "full", "env": "prod"},
    })


def _drift_boto3(clients: BotoClients, name: str, region: str) -> None:
    iam = clients("iam", region)
    iam.update_role(RoleName=name, Description="changed by hand", MaxSessionDuration=3600)
    iam.put_role_policy(RoleName=name, PolicyName="sneaky", PolicyDocument=json.dumps(SNEAKY))
    iam.tag_role(RoleName=name, Tags=[{"Key": "env", "Value": "hacked"}])


IAM_ROLE_EXAMPLES = KindExamples(
    kind="iam_role",
    manager=IamRoleManager,
    name=_name,
    minimal=_minimal,
    full=_full,
    update=_update,
    update_aspects=frozenset({"description", "inline_policies", "tags"}),
    drift={
        "description": "changed by hand",
        "max_session_duration": 3600,
        "inline_policies": {"read-logs": READ_LOGS, "sneaky": SNEAKY},
        "tags": {"awsstate:test": "full", "env": "hacked"},
    },
    drift_boto3=_drift_boto3,
)
