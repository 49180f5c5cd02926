"""Shared examples for logs_log_group.

``full`` sets every aspect moto 5.2.5 can show. Left out, and tested on their own (in-memory,
with strict xfails on moto): ``kms_key_id`` (needs a KMS key whose policy lets CloudWatch Logs
use it; the examples have no setup hook to create one), ``data_protection_policy`` and
``deletion_protection`` (moto implements neither PutDataProtectionPolicy nor
PutLogGroupDeletionProtection, and drops deletionProtectionEnabled on create).
"""

from __future__ import annotations

from awsstate import LogsLogGroupDesired, LogsLogGroupManager
from tests.examples import BotoClients, KindExamples

DATA_PROTECTION = {
    "Name": "mask-emails", "Version": "2021-06-01",
    "Statement": [
        {"Sid": "audit", "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
         "Operation": {"Audit": {"FindingsDestination": {}}}},
        {"Sid": "redact", "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
         "Operation": {"Deidentify": {"MaskConfig": {}}}},
    ],
}


def _name(token: str) -> str:
    return f"/awsstate-test/{token}"


def _minimal(name: str, region: str) -> LogsLogGroupDesired:
    return LogsLogGroupDesired(name=name, region=region)


def _full(name: str, region: str) -> LogsLogGroupDesired:
    return LogsLogGroupDesired(name=name, region=region, retention_in_days=14, log_group_class="STANDARD",
                               tags={"awsstate:test": "full", "env": "dev"})


def everything(name: str, region: str) -> LogsLogGroupDesired:
    """``full`` plus the aspects moto cannot show or that need another resource."""
    return _full(name, region).model_copy(update={
        "kms_key_id": f"arn:aws:kms:{region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "data_protection_policy": DATA_PROTECTION,
        "deletion_protection": False,
    })


def _update(name: str, region: str) -> LogsLogGroupDesired:
    return _full(name, region).model_copy(update={"retention_in_days": 30,
                                                  "tags": {"awsstate:test": "full", "env": "prod"}})


def _drift_boto3(clients: BotoClients, name: str, region: str) -> None:
    logs = clients("logs", region)
    logs.put_retention_policy(logGroupName=name, retentionInDays=7)
    arn = next(g["arn"] for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
               if g["logGroupName"] == name).removesuffix(":*")
    logs.untag_resource(resourceArn=arn, tagKeys=["awsstate:test"])
    logs.tag_resource(resourceArn=arn, tags={"env": "hacked"})


LOGS_LOG_GROUP_EXAMPLES = KindExamples(
    kind="logs_log_group",
    manager=LogsLogGroupManager,
    name=_name,
    minimal=_minimal,
    full=_full,
    update=_update,
    update_aspects=frozenset({"retention_in_days", "tags"}),
    drift={"retention_in_days": 7, "tags": {"env": "hacked"}},
    drift_boto3=_drift_boto3,
    max_name_length=512,
    name_chars="#/.",
    full_excludes={
        "kms_key_id": "needs a KMS key whose key policy lets CloudWatch Logs use it; the examples have no setup "
                      "hook to create one (see everything())",
        "data_protection_policy": "moto 5.2.5 does not implement PutDataProtectionPolicy/GetDataProtectionPolicy "
                                  "(see everything(), tested in memory)",
        "deletion_protection": "moto 5.2.5 drops deletionProtectionEnabled and does not implement "
                               "PutLogGroupDeletionProtection (see everything(), tested in memory)",
    },
)
