"""CloudWatch Logs log groups on AWS.

Requests per provider call:

* ``read_existence``: one DescribeLogGroups (by name prefix; the exact name picked from the page,
  more pages only when many groups share the prefix), which carries the retention, the KMS key,
  the class and deletion protection;
* ``read_aspect``: tags: one ListTagsForResource; data protection policy: one
  GetDataProtectionPolicy;
* ``create``: one CreateLogGroup with the KMS key, class, deletion protection and tags;
* ``write_aspect``: retention: PutRetentionPolicy or DeleteRetentionPolicy; KMS key:
  AssociateKmsKey or DisassociateKmsKey; deletion protection: PutLogGroupDeletionProtection;
  data protection policy: Put or DeleteDataProtectionPolicy; tags: ListTagsForResource, then
  TagResource and/or UntagResource;
* ``delete``: one DeleteLogGroup (after the existence read, so that a protected group is refused
  with a message naming ``deletion_protection`` rather than AWS's code).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from awsstate.canonical import Json
from awsstate.errors import InvalidRequestError
from awsstate.providers.aws.calls import ABSENT
from awsstate.providers.aws.handler import AspectIO, AwsHandler, receipt
from awsstate.providers.aws.tags import TagApi
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["HANDLER", "LogsLogGroupHandler"]

_GONE = {"ResourceNotFoundException"}


def _write_retention(h: LogsLogGroupHandler, ref: ResourceRef, value: Json) -> Any:
    if value is None:
        return h.call(ref, "delete_retention_policy", logGroupName=ref.name)
    return h.call(ref, "put_retention_policy", logGroupName=ref.name, retentionInDays=value)


def _write_kms(h: LogsLogGroupHandler, ref: ResourceRef, value: Json) -> Any:
    if not value:
        return h.call(ref, "disassociate_kms_key", logGroupName=ref.name)
    return h.call(ref, "associate_kms_key", logGroupName=ref.name, kmsKeyId=str(value))


def _read_data_protection(h: LogsLogGroupHandler, ref: ResourceRef) -> Json:
    response = h.call(ref, "get_data_protection_policy", absent=_GONE, logGroupIdentifier=ref.name)
    if response is ABSENT or not response.get("policyDocument"):
        return None
    document = json.loads(response["policyDocument"])
    return document if isinstance(document, dict) and document else None


def _write_data_protection(h: LogsLogGroupHandler, ref: ResourceRef, value: Json) -> Any:
    if not value:
        return h.call(ref, "delete_data_protection_policy", logGroupIdentifier=ref.name)
    return h.call(ref, "put_data_protection_policy", logGroupIdentifier=ref.name, policyDocument=json.dumps(value))


class LogsLogGroupHandler(AwsHandler):
    """The boto3 side of ``logs_log_group``."""

    service = "logs"
    TAGGED_TYPE = "logs:log-group"

    def name_of(self, arn: str) -> str:
        """The log group name in its ARN (``...:log-group:<name>``, sometimes with ``:*``)."""
        return arn.split(":log-group:", 1)[-1].removesuffix(":*")

    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]] = {
        "retention_in_days": AspectIO(write=_write_retention),
        "kms_key_id": AspectIO(write=_write_kms),
        "deletion_protection": AspectIO(write=lambda h, ref, value: h.call(
            ref, "put_log_group_deletion_protection", logGroupIdentifier=ref.name,
            deletionProtectionEnabled=bool(value))),
        "data_protection_policy": AspectIO(read=_read_data_protection, write=_write_data_protection),
        "tags": TagApi(list="list_tags_for_resource", tag="tag_resource", untag="untag_resource", shape="map",
                       list_key="tags", tag_param="tags", untag_param="tagKeys",
                       target=lambda h, ref: {"resourceArn": h.arn(ref)}).aspect(),
    }

    def arn(self, ref: ResourceRef) -> str:
        """The log group's ARN (without the ``:*`` that DescribeLogGroups appends to ``arn``)."""
        partition, account = self.clients.account(ref)
        return f"arn:{partition}:logs:{ref.region}:{account}:log-group:{ref.name}"

    def _describe(self, ref: ResourceRef) -> dict[str, Any] | None:
        for page in self.pages(ref, "describe_log_groups", logGroupNamePrefix=ref.name):
            for group in page.get("logGroups", []):
                if group.get("logGroupName") == ref.name:
                    return dict(group)
        return None

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """DescribeLogGroups: attributes plus the retention, KMS key and deletion protection."""
        group = self._describe(ref)
        if group is None:
            return None
        arn = group.get("logGroupArn") or str(group.get("arn", "")).removesuffix(":*")
        return {
            "region": ref.region, "arn": arn,
            # AWS always reports the class; an emulator that drops it (moto) has STANDARD, the default.
            "log_group_class": group.get("logGroupClass") or "STANDARD",
            "retention_in_days": group.get("retentionInDays"),
            "kms_key_id": group.get("kmsKeyId") or None,
            "deletion_protection": bool(group.get("deletionProtectionEnabled")),
        }

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """One CreateLogGroup with the KMS key, class, deletion protection and tags."""
        kwargs: dict[str, Any] = {"logGroupName": ref.name}
        if params.get("kms_key_id"):
            kwargs["kmsKeyId"] = params["kms_key_id"]
        if params.get("log_group_class"):
            kwargs["logGroupClass"] = params["log_group_class"]
        if params.get("deletion_protection"):
            kwargs["deletionProtectionEnabled"] = True
        tags = params.get("tags")
        if isinstance(tags, dict) and tags:
            kwargs["tags"] = {k: str(v) for k, v in tags.items()}
        return receipt(self.call(ref, "create_log_group", **kwargs))

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """One DeleteLogGroup (its log streams and events go with it); refused while protected."""
        existence = self.read_existence(ref)
        if existence is not None and existence.get("deletion_protection"):
            raise InvalidRequestError(
                "the log group has deletion protection enabled: set deletion_protection=False and apply, then "
                "delete it", kind=ref.kind, name=ref.name, aspect="deletion_protection", operation="DeleteLogGroup",
                hint="")
        return receipt(self.call(ref, "delete_log_group", logGroupName=ref.name))


HANDLER = LogsLogGroupHandler
