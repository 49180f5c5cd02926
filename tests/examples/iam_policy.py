"""Shared examples for iam_policy (customer managed policies; IAM ignores the region)."""

from __future__ import annotations

import json

from awsstate import IamPolicyDesired, IamPolicyManager
from tests.examples import BotoClients, KindExamples

READ_OBJECTS = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::example/*"}],
}
READ_WRITE_OBJECTS = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ReadWrite", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                   "Resource": "arn:aws:s3:::example/*"}],
}
DRIFTED = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


def _name(token: str) -> str:
    return f"awsstate-test-{token}"


def _minimal(name: str, region: str) -> IamPolicyDesired:
    return IamPolicyDesired(name=name, document=READ_OBJECTS)


def _full(name: str, region: str) -> IamPolicyDesired:
    return IamPolicyDesired(
        name=name,
        path="/awsstate-test/",
        description="awsstate test policy",
        document=READ_OBJECTS,
        tags={"awsstate:test": "full", "env": "dev"},
    )


def _update(name: str, region: str) -> IamPolicyDesired:
    return _full(name, region).model_copy(
        update={"document": READ_WRITE_OBJECTS, "tags": {"awsstate:test": "full", "env": "prod"}}
    )


def _drift_boto3(clients: BotoClients, name: str, region: str) -> None:
    iam = clients("iam", region)
    arn = next(p["Arn"] for p in iam.list_policies(Scope="Local", PathPrefix="/awsstate-test/")["Policies"]
               if p["PolicyName"] == name)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DRIFTED), SetAsDefault=True)
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "env", "Value": "hacked"}])


IAM_POLICY_EXAMPLES = KindExamples(
    kind="iam_policy",
    manager=IamPolicyManager,
    name=_name,
    minimal=_minimal,
    full=_full,
    update=_update,
    update_aspects=frozenset({"document", "tags"}),
    drift={"document": DRIFTED, "tags": {"awsstate:test": "full", "env": "hacked"}},
    drift_boto3=_drift_boto3,
)
