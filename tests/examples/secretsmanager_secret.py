"""Shared examples for secretsmanager_secret.

``full`` holds a JSON value (compared by meaning), a resource policy naming the account, one
replica and rotation managed as off (``rotation=False``): turning rotation on needs a Lambda
function that Secrets Manager can invoke, which the examples cannot create (rotation is tested on
its own, in memory and against moto with a function made there). Its KMS key is the AWS managed one
(``kms_key_id=""``), for the same reason as the SSM examples: a customer key would have to exist.
"""

from __future__ import annotations

import os
from typing import Any

from awsstate import SecretRotation, SecretsmanagerSecretDesired, SecretsmanagerSecretManager
from tests.examples import BotoClients, KindExamples


def _account() -> str:
    # The moto account by default; the real-AWS acceptance target sets the caller's own account.
    return os.environ.get("AWSSTATE_TEST_ACCOUNT_ID", "123456789012")


def policy(action: str | list[str]) -> dict[str, Any]:
    """A resource policy letting the account itself read the secret."""
    principal = {"AWS": f"arn:aws:iam::{_account()}:root"}
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "AccountReads", "Effect": "Allow", "Principal": principal, "Action": action,
                           "Resource": "*"}]}


def replica_region(region: str) -> str:
    """Another region than ``region`` for the example's replica."""
    return "us-west-2" if region != "us-west-2" else "us-east-2"


def _name(token: str) -> str:
    return f"awsstate-test/{token}"


def _minimal(name: str, region: str) -> SecretsmanagerSecretDesired:
    return SecretsmanagerSecretDesired(name=name, region=region)


def _full(name: str, region: str) -> SecretsmanagerSecretDesired:
    return SecretsmanagerSecretDesired(
        name=name, region=region, description="Orders database credentials", kms_key_id="",
        secret_string={"username": "orders", "password": "s3cr3t"},
        policy=policy("secretsmanager:GetSecretValue"), rotation=False,
        replica_regions={replica_region(region): ""},
        tags={"awsstate:test": "full", "env": "dev"},
    )


def everything(name: str, region: str) -> SecretsmanagerSecretDesired:
    """``full`` with a customer KMS key and rotation on, and no value (a rotated secret's value is
    its function's): what the in-memory fake can show without a real key or function."""
    return _full(name, region).model_copy(update={
        "kms_key_id": f"arn:aws:kms:{region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "secret_string": None,
        "rotation": SecretRotation(lambda_arn=f"arn:aws:lambda:{region}:123456789012:function:rotate",
                                   automatically_after_days=30, duration="3h", rotate_immediately=False),
    })


def _update(name: str, region: str) -> SecretsmanagerSecretDesired:
    return _full(name, region).model_copy(update={
        "description": "Orders database credentials (rotated by hand)",
        "secret_string": {"username": "orders", "password": "n3w-s3cr3t"},
        "tags": {"awsstate:test": "full", "env": "prod"},
    })


def _drift_boto3(clients: BotoClients, name: str, region: str) -> None:
    secrets = clients("secretsmanager", region)
    secrets.update_secret(SecretId=name, Description="hacked")
    secrets.put_secret_value(SecretId=name, SecretString="hacked")
    secrets.delete_resource_policy(SecretId=name)
    secrets.remove_regions_from_replication(SecretId=name, RemoveReplicaRegions=[replica_region(region)])
    secrets.untag_resource(SecretId=name, TagKeys=["awsstate:test"])
    secrets.tag_resource(SecretId=name, Tags=[{"Key": "env", "Value": "hacked"}])


SECRETSMANAGER_SECRET_EXAMPLES = KindExamples(
    kind="secretsmanager_secret",
    manager=SecretsmanagerSecretManager,
    name=_name,
    minimal=_minimal,
    full=_full,
    update=_update,
    update_aspects=frozenset({"description", "secret_string", "tags"}),
    drift={"description": "hacked", "secret_string": "hacked", "policy": None, "replica_regions": {},
           "tags": {"env": "hacked"}},
    drift_boto3=_drift_boto3,
    max_name_length=512,
    name_chars="/",
)
