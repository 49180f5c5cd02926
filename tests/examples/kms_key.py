"""Shared examples for kms_key: a symmetric encryption key named by its alias.

The key policies keep the account's root principal in charge of the key (``kms:*``), as AWS's
default policy does: KMS refuses a policy that would lock the caller out. The account is moto's
(123456789012) unless the real-AWS acceptance target sets the caller's own.

``full`` manages the rotation period at KMS's default, 365 days: moto 5.2.5 ignores
RotationPeriodInDays and never reports it (read as the default), so another period can be shown
only in memory (``everything()``, and the strict xfails in tests/integration/test_kms_key_aws.py).
"""

from __future__ import annotations

import os
from typing import Any

from awsstate import KmsKeyDesired, KmsKeyManager
from tests.examples import BotoClients, KindExamples


def _account() -> str:
    return os.environ.get("AWSSTATE_TEST_ACCOUNT_ID", "123456789012")


def key_policy(*extra: dict[str, Any]) -> dict[str, Any]:
    """A key policy that lets the account administer the key, plus ``extra`` statements."""
    root = {"Sid": "EnableIamUserPermissions", "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{_account()}:root"}, "Action": "kms:*", "Resource": "*"}
    return {"Version": "2012-10-17", "Statement": [root, *extra]}


def logs_statement(region: str) -> dict[str, Any]:
    """A statement letting CloudWatch Logs in ``region`` encrypt with the key."""
    return {"Sid": "AllowCloudWatchLogs", "Effect": "Allow", "Principal": {"Service": f"logs.{region}.amazonaws.com"},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*"}


def _name(token: str) -> str:
    return f"awsstate-test/{token}"


def _minimal(name: str, region: str) -> KmsKeyDesired:
    return KmsKeyDesired(name=name, region=region)


def _full(name: str, region: str) -> KmsKeyDesired:
    return KmsKeyDesired(
        name=name,
        region=region,
        description="awsstate test key",
        policy=key_policy(),
        key_spec="SYMMETRIC_DEFAULT",
        key_usage="ENCRYPT_DECRYPT",
        multi_region=False,
        enabled=True,
        enable_key_rotation=True,
        rotation_period_in_days=365,
        tags={"awsstate:test": "full", "env": "dev"},
        deletion_window_in_days=7,
    )


def everything(name: str, region: str) -> KmsKeyDesired:
    """``full`` with a rotation period other than KMS's default (moto cannot show one)."""
    return _full(name, region).model_copy(update={"rotation_period_in_days": 180})


def _update(name: str, region: str) -> KmsKeyDesired:
    return _full(name, region).model_copy(update={
        "description": "awsstate test key, updated",
        "policy": key_policy(logs_statement(region)),
        "tags": {"awsstate:test": "full", "env": "prod"},
    })


def _drift_boto3(clients: BotoClients, name: str, region: str) -> None:
    kms = clients("kms", region)
    key_id = kms.describe_key(KeyId=f"alias/{name}")["KeyMetadata"]["KeyId"]
    kms.update_key_description(KeyId=key_id, Description="changed by hand")
    kms.disable_key_rotation(KeyId=key_id)  # before DisableKey: KMS changes rotation only on enabled keys
    kms.disable_key(KeyId=key_id)
    kms.untag_resource(KeyId=key_id, TagKeys=["awsstate:test"])
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "env", "TagValue": "hacked"}])


KMS_KEY_EXAMPLES = KindExamples(
    kind="kms_key",
    manager=KmsKeyManager,
    name=_name,
    minimal=_minimal,
    full=_full,
    update=_update,
    update_aspects=frozenset({"description", "policy", "tags"}),
    drift={
        "description": "changed by hand",
        "enable_key_rotation": False,
        "enabled": False,
        "tags": {"env": "hacked"},
    },
    drift_boto3=_drift_boto3,
    max_name_length=250,
    name_chars="/",
)
