"""Secrets Manager secrets on AWS.

Requests per provider call:

* ``read_existence``: one DescribeSecret, which carries the description, KMS key, rotation,
  replicas and tags (and ``DeletedDate``: a secret pending deletion counts as gone);
* ``read_aspect``: value: one GetSecretValue (plus a DescribeSecret only when AWS says there is
  no current value, to tell "no value" from "no secret"); policy: one GetResourcePolicy;
* ``create``: one CreateSecret with the description, KMS key, value, tags and replicas. When the
  name is pending deletion (AWS: InvalidRequestException; moto: ResourceExistsException),
  RestoreSecret, then one write per create parameter instead;
* ``write_aspect``: description / KMS key: one UpdateSecret; value: one PutSecretValue; policy:
  PutResourcePolicy or DeleteResourcePolicy; rotation: RotateSecret or CancelRotateSecret;
  replicas: DescribeSecret, then RemoveRegionsFromReplication and/or ReplicateSecretToRegions;
  tags: DescribeSecret, then TagResource and/or UntagResource;
* ``delete``: DescribeSecret, RemoveRegionsFromReplication when it has replicas (AWS refuses to
  delete a primary secret with replicas), then DeleteSecret with the recovery window of the plan
  (``ref.options``) or ForceDeleteWithoutRecovery.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from awsstate.canonical import Json
from awsstate.errors import NotFoundError, ProviderError
from awsstate.policies import parse_policy, policy_json
from awsstate.providers.aws.calls import ABSENT
from awsstate.providers.aws.handler import AspectIO, AwsHandler, receipt
from awsstate.providers.aws.ssm_parameter import redacted
from awsstate.providers.aws.tags import TagApi, tag_list
from awsstate.providers.base import Existence, Receipt
from awsstate.resources.secretsmanager_secret.models import AWS_MANAGED_KEY, DEFAULT_RECOVERY_WINDOW_DAYS
from awsstate.spec import ResourceRef

__all__ = ["HANDLER", "SecretsmanagerSecretHandler"]

_GONE = {"ResourceNotFoundException"}
_PENDING_DELETION = {"InvalidRequestException", "ResourceExistsException"}
"""What CreateSecret answers for a name pending deletion (AWS, and moto 5.2.5)."""


def _when(value: Any) -> Json:
    return value.isoformat() if isinstance(value, datetime) else (str(value) if value else None)


def _key(value: Any) -> Json:
    return None if not value or value == AWS_MANAGED_KEY else str(value)


def _rotation(secret: Mapping[str, Any]) -> Json:
    if not secret.get("RotationEnabled"):
        return None
    rules = secret.get("RotationRules") or {}
    return {"lambda_arn": secret.get("RotationLambdaARN") or None,
            "automatically_after_days": rules.get("AutomaticallyAfterDays") or None,
            "schedule_expression": rules.get("ScheduleExpression") or None,
            "duration": rules.get("Duration") or None}


def _replicas(secret: Mapping[str, Any]) -> dict[str, Json]:
    return {str(r["Region"]): _key(r.get("KmsKeyId")) for r in secret.get("ReplicationStatus") or []}


def _replica_list(replicas: Mapping[str, Json]) -> list[dict[str, str]]:
    return [{"Region": region, **({"KmsKeyId": str(key)} if key else {})} for region, key in sorted(replicas.items())]


def _read_secret(h: SecretsmanagerSecretHandler, ref: ResourceRef) -> Json:
    response = h.call(ref, "get_secret_value", absent=_GONE, SecretId=ref.name)
    if response is ABSENT:
        if h.describe(ref) is None:
            raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, aspect="secret_string",
                                operation="GetSecretValue", code="ResourceNotFoundException")
        return None  # the secret exists, without a current value
    text = response.get("SecretString")
    return str(text) if text is not None else None


def _write_secret(h: SecretsmanagerSecretHandler, ref: ResourceRef, value: Json) -> Any:
    try:
        return h.call(ref, "put_secret_value", SecretId=ref.name, SecretString=str(value))
    except ProviderError as error:
        clean = redacted(error, value)
        if clean is error:
            raise
    raise clean from None


def _read_policy(h: SecretsmanagerSecretHandler, ref: ResourceRef) -> Json:
    response = h.call(ref, "get_resource_policy", SecretId=ref.name)
    text = response.get("ResourcePolicy")
    return parse_policy(text) if text else None


def _write_policy(h: SecretsmanagerSecretHandler, ref: ResourceRef, value: Json) -> Any:
    if not isinstance(value, dict) or not value:
        return h.call(ref, "delete_resource_policy", SecretId=ref.name)
    return h.call(ref, "put_resource_policy", SecretId=ref.name, ResourcePolicy=policy_json(value))


def _write_rotation(h: SecretsmanagerSecretHandler, ref: ResourceRef, value: Json) -> Any:
    if not isinstance(value, dict):
        return h.call(ref, "cancel_rotate_secret", SecretId=ref.name)
    rules: dict[str, Any] = {}
    if value.get("schedule_expression"):
        rules["ScheduleExpression"] = value["schedule_expression"]
    elif value.get("automatically_after_days"):
        rules["AutomaticallyAfterDays"] = value["automatically_after_days"]
    if value.get("duration"):
        rules["Duration"] = value["duration"]
    kwargs: dict[str, Any] = {"SecretId": ref.name, "RotateImmediately": value.get("rotate_immediately") is not False}
    if value.get("lambda_arn"):
        kwargs["RotationLambdaARN"] = value["lambda_arn"]
    if rules:
        kwargs["RotationRules"] = rules
    return h.call(ref, "rotate_secret", **kwargs)


def _write_replicas(h: SecretsmanagerSecretHandler, ref: ResourceRef, value: Json) -> Receipt:
    wanted = {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}
    secret = h.describe(ref)
    if secret is None:
        raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, aspect="replica_regions",
                            operation="DescribeSecret", code="ResourceNotFoundException")
    current = _replicas(secret)
    # A replica's key cannot change in place: it goes, and comes back with the new key.
    remove = sorted(r for r, key in current.items() if r not in wanted or _key(wanted[r]) != key)
    add = {r: key for r, key in wanted.items() if r in remove or r not in current}
    result = Receipt()
    if remove:
        result = receipt(h.call(ref, "remove_regions_from_replication", SecretId=ref.name,
                                RemoveReplicaRegions=remove))
    if add:
        result = receipt(h.call(ref, "replicate_secret_to_regions", SecretId=ref.name,
                                AddReplicaRegions=_replica_list(add)))
    return result


_TAGS = TagApi(list="describe_secret", tag="tag_resource", untag="untag_resource",
               target=lambda h, ref: {"SecretId": ref.name})


class SecretsmanagerSecretHandler(AwsHandler):
    """The boto3 side of ``secretsmanager_secret``."""

    service = "secretsmanager"
    TAGGED_TYPE = "secretsmanager:secret"

    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]] = {
        "description": AspectIO(write=lambda h, ref, value: h.call(ref, "update_secret", SecretId=ref.name,
                                                                   Description=str(value or ""))),
        # "" is AWS's way to name the AWS managed key aws/secretsmanager.
        "kms_key_id": AspectIO(write=lambda h, ref, value: h.call(ref, "update_secret", SecretId=ref.name,
                                                                  KmsKeyId=str(value or ""))),
        "secret_string": AspectIO(read=_read_secret, write=_write_secret),
        "policy": AspectIO(read=_read_policy, write=_write_policy),
        "rotation": AspectIO(write=_write_rotation),
        "replica_regions": AspectIO(write=_write_replicas),
        "tags": _TAGS.aspect(carried=True),
    }

    def name_of(self, arn: str) -> str:
        """The secret name in its ARN (``...:secret:<name>-<6 random characters>``)."""
        return arn.split(":secret:", 1)[-1][:-7]

    def describe(self, ref: ResourceRef) -> dict[str, Any] | None:
        """The secret's DescribeSecret answer (``None``: no such secret)."""
        response = self.call(ref, "describe_secret", absent=_GONE, SecretId=ref.name)
        return None if response is ABSENT else dict(response)

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """DescribeSecret: the ARN, whether it is pending deletion, and every carried aspect."""
        secret = self.describe(ref)
        if secret is None:
            return None
        return {
            "region": ref.region, "arn": secret.get("ARN"), "deleted_date": _when(secret.get("DeletedDate")),
            "description": secret.get("Description") or None, "kms_key_id": _key(secret.get("KmsKeyId")),
            "rotation": _rotation(secret), "replica_regions": _replicas(secret),
            "tags": _TAGS.parse(secret.get("Tags")),
        }

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """One CreateSecret; a name pending deletion is restored and given the create's settings."""
        kwargs: dict[str, Any] = {"Name": ref.name}
        if params.get("description"):
            kwargs["Description"] = params["description"]
        if params.get("kms_key_id"):
            kwargs["KmsKeyId"] = params["kms_key_id"]
        if params.get("secret_string") is not None:
            kwargs["SecretString"] = params["secret_string"]
        tags = params.get("tags")
        if isinstance(tags, dict) and tags:
            kwargs["Tags"] = tag_list(tags)
        replicas = params.get("replica_regions")
        if isinstance(replicas, dict) and replicas:
            kwargs["AddReplicaRegions"] = _replica_list(replicas)
        try:
            return receipt(self.call(ref, "create_secret", **kwargs))
        except ProviderError as error:
            if error.code not in _PENDING_DELETION:
                clean = redacted(error, params.get("secret_string"))
                if clean is error:
                    raise
                raise clean from None
            secret = self.describe(ref)
            if secret is None or not secret.get("DeletedDate"):
                raise
        return self._restore(ref, params)

    def _restore(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """RestoreSecret, then make what the create would have made: one write per create parameter."""
        result = receipt(self.call(ref, "restore_secret", SecretId=ref.name))
        for aspect in ref.spec.aspects:
            if aspect.name in params:
                result = self.write_aspect(ref, aspect.name, params[aspect.name])
        return result

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """Replicas removed, then DeleteSecret: scheduled with the plan's recovery window, or at once."""
        secret = self.describe(ref)
        if secret is None or secret.get("DeletedDate"):
            return Receipt()  # gone already (an earlier attempt whose answer was lost)
        replicas = sorted(_replicas(secret))
        if replicas:
            self.call(ref, "remove_regions_from_replication", SecretId=ref.name, RemoveReplicaRegions=replicas)
        options = ref.options
        days = options.get("recovery_window_in_days")
        how: dict[str, Any] = {"ForceDeleteWithoutRecovery": True} if options.get("force_delete_without_recovery") \
            else {"RecoveryWindowInDays": days if isinstance(days, int) else DEFAULT_RECOVERY_WINDOW_DAYS}
        try:
            return receipt(self.call(ref, "delete_secret", SecretId=ref.name, **how))
        except ProviderError as error:
            # A deletion whose answer was lost, sent again by botocore: "marked deleted" means done.
            if error.code != "InvalidRequestException":
                raise
            again = self.describe(ref)
            if again is not None and not again.get("DeletedDate"):
                raise
            return Receipt(request_id=error.request_id)


HANDLER = SecretsmanagerSecretHandler
