"""KMS keys on AWS, found by their alias.

Every call starts from the alias: DescribeKey accepts ``alias/<name>``, and the key id it returns
is remembered per handler (the existence read refreshes it, so an alias moved to another key is
followed) for the calls that accept only a key id or ARN.

Requests per provider call:

* ``read_existence``: one DescribeKey (``alias/<name>``), which carries the description, enabled,
  key spec, usage and multi-Region flag;
* ``read_aspect``: policy: GetKeyPolicy; rotation and its period: GetKeyRotationStatus (one each);
  tags: ListResourceTags (paginated);
* ``create``: DescribeKey (is the alias there?), CreateKey with key spec, usage, multi-Region,
  description, policy and tags, then CreateAlias, or UpdateAlias when the alias still names a key
  pending deletion (the alias moves; the old key is left as it is);
* ``write_aspect``: UpdateKeyDescription, PutKeyPolicy, EnableKey / DisableKey, EnableKeyRotation /
  DisableKeyRotation (EnableKeyRotation with RotationPeriodInDays for the period), tags:
  ListResourceTags then UntagResource and/or TagResource;
* ``delete``: DescribeKey, then ScheduleKeyDeletion with the pending window (``ref.options``);
  a key already pending deletion is left as it is.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from awsstate.canonical import Json, tag_changes
from awsstate.errors import AlreadyExistsError, InvalidRequestError, NotFoundError, ProviderError
from awsstate.policies import policy_json
from awsstate.providers.aws.calls import ABSENT
from awsstate.providers.aws.handler import AspectIO, AwsHandler, receipt
from awsstate.providers.base import Existence, Receipt
from awsstate.resources.kms_key.kind import DISABLED_REFUSAL
from awsstate.resources.kms_key.models import DEFAULT_DELETION_WINDOW_DAYS
from awsstate.spec import ResourceRef

__all__ = ["HANDLER", "KmsKeyHandler"]

_GONE = {"NotFoundException"}
_PENDING = {"PendingDeletion", "PendingReplicaDeletion"}
_CLEANUP_WINDOW_DAYS = 7  # a key this handler made and could not name: deleted as soon as KMS allows


def _alias(ref: ResourceRef) -> str:
    return f"alias/{ref.name}"


def _explain_disabled(error: ProviderError) -> ProviderError:
    if error.code != "DisabledException":
        return error
    return InvalidRequestError(DISABLED_REFUSAL, kind=error.kind, name=error.name, aspect=error.aspect,
                               operation=error.operation, code=error.code, request_id=error.request_id, hint="")


def _read_policy(h: KmsKeyHandler, ref: ResourceRef) -> Json:
    text = h.call(ref, "get_key_policy", KeyId=h.key_id(ref), PolicyName="default").get("Policy")
    document = json.loads(text) if text else None
    return document if isinstance(document, dict) and document else None


def _write_policy(h: KmsKeyHandler, ref: ResourceRef, value: Json) -> Any:
    if not isinstance(value, dict) or not value:
        raise InvalidRequestError("a KMS key always has a key policy: there is none to remove", kind=ref.kind,
                                  name=ref.name, aspect="policy", operation="PutKeyPolicy", hint="")
    return h.call(ref, "put_key_policy", KeyId=h.key_id(ref), PolicyName="default", Policy=policy_json(value))


def _rotation(h: KmsKeyHandler, ref: ResourceRef) -> dict[str, Any]:
    return dict(h.call(ref, "get_key_rotation_status", KeyId=h.key_id(ref)))


def _read_period(h: KmsKeyHandler, ref: ResourceRef) -> Json:
    status = _rotation(h, ref)
    period = status.get("RotationPeriodInDays")
    return int(period) if status.get("KeyRotationEnabled") and period is not None else None


def _write_rotation(h: KmsKeyHandler, ref: ResourceRef, value: Json) -> Any:
    method = "enable_key_rotation" if value else "disable_key_rotation"
    try:
        return h.call(ref, method, KeyId=h.key_id(ref))
    except ProviderError as error:
        raise _explain_disabled(error) from error


def _write_period(h: KmsKeyHandler, ref: ResourceRef, value: Json) -> Any:
    try:
        return h.call(ref, "enable_key_rotation", KeyId=h.key_id(ref), RotationPeriodInDays=value)
    except ProviderError as error:
        raise _explain_disabled(error) from error


def _tags(h: KmsKeyHandler, ref: ResourceRef) -> dict[str, str]:
    tags = h.items(ref, "list_resource_tags", "Tags", KeyId=h.key_id(ref))
    return {str(t["TagKey"]): str(t.get("TagValue", "")) for t in tags}


def _read_tags(h: KmsKeyHandler, ref: ResourceRef) -> Json:
    return dict[str, Json](_tags(h, ref))


def _write_tags(h: KmsKeyHandler, ref: ResourceRef, value: Json) -> Receipt:
    wanted = {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
    to_set, to_remove = tag_changes(_tags(h, ref), wanted)
    key_id = h.key_id(ref)
    result = Receipt()
    if to_remove:
        result = receipt(h.call(ref, "untag_resource", KeyId=key_id, TagKeys=to_remove))
    if to_set:
        result = receipt(h.call(ref, "tag_resource", KeyId=key_id, Tags=_kms_tags(to_set)))
    return result


def _kms_tags(tags: Mapping[str, Json]) -> list[dict[str, str]]:
    return [{"TagKey": key, "TagValue": str(value)} for key, value in sorted(tags.items())]


class KmsKeyHandler(AwsHandler):
    """The boto3 side of ``kms_key``."""

    service = "kms"
    TAGGED_TYPE = "kms:key"

    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]] = {
        "description": AspectIO(write=lambda h, ref, value: h.call(
            ref, "update_key_description", KeyId=h.key_id(ref), Description=str(value or ""))),
        "policy": AspectIO(read=_read_policy, write=_write_policy),
        "enabled": AspectIO(write=lambda h, ref, value: h.call(
            ref, "enable_key" if value else "disable_key", KeyId=h.key_id(ref))),
        "enable_key_rotation": AspectIO(read=lambda h, ref: bool(_rotation(h, ref).get("KeyRotationEnabled")),
                                        write=_write_rotation),
        "rotation_period_in_days": AspectIO(read=_read_period, write=_write_period),
        "tags": AspectIO(read=_read_tags, write=_write_tags),
    }

    def __init__(self, clients: Any) -> None:
        super().__init__(clients)
        self._ids: dict[tuple[str | None, str], str] = {}
        self._lock = threading.Lock()

    # -- the alias -> key id lookup --------------------------------------------------------------

    def describe(self, ref: ResourceRef) -> dict[str, Any] | None:
        """DescribeKey ``alias/<name>``: the key the alias names now (``None``: no such alias)."""
        response = self.call(ref, "describe_key", absent=_GONE, KeyId=_alias(ref))
        with self._lock:
            if response is ABSENT:
                self._ids.pop((ref.region, ref.name), None)
                return None
            metadata: dict[str, Any] = dict(response["KeyMetadata"])
            self._ids[(ref.region, ref.name)] = str(metadata["KeyId"])
        return metadata

    def key_id(self, ref: ResourceRef) -> str:
        """The id of the key the alias names (from the last existence read, else one DescribeKey)."""
        with self._lock:
            known = self._ids.get((ref.region, ref.name))
        if known is not None:
            return known
        if self.describe(ref) is None:
            raise NotFoundError(f"{_alias(ref)} does not exist", kind=ref.kind, name=ref.name,
                                operation="DescribeKey", code="NotFoundException")
        with self._lock:
            return self._ids[(ref.region, ref.name)]

    # -- existence, create, delete ---------------------------------------------------------------

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """DescribeKey: attributes plus the description and whether the key is enabled."""
        metadata = self.describe(ref)
        if metadata is None:
            return None
        arn = str(metadata["Arn"])
        partition, account = arn.split(":")[1], str(metadata.get("AWSAccountId") or arn.split(":")[4])
        return {
            "region": ref.region, "arn": arn, "key_id": str(metadata["KeyId"]), "account_id": account,
            "alias_arn": f"arn:{partition}:kms:{ref.region}:{account}:{_alias(ref)}",
            # AWS always reports spec and usage; an emulator that drops the usage (moto) has the default.
            "key_spec": metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT",
            "key_usage": metadata.get("KeyUsage") or "ENCRYPT_DECRYPT",
            "multi_region": bool(metadata.get("MultiRegion")),
            "pending_deletion": metadata.get("KeyState") in _PENDING,
            "description": metadata.get("Description") or "",
            "enabled": bool(metadata.get("Enabled")),
        }

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """CreateKey, then point the alias at it (CreateAlias, or UpdateAlias over a key pending deletion)."""
        existing = self.describe(ref)
        if existing is not None and existing.get("KeyState") not in _PENDING:
            raise AlreadyExistsError(f"{_alias(ref)} already names key {existing['KeyId']}", kind=ref.kind,
                                     name=ref.name, operation="CreateKey", code="AlreadyExistsException")
        response = self.call(ref, "create_key", **_create_arguments(params))
        key_id = str(response["KeyMetadata"]["KeyId"])
        try:
            if existing is None:
                self.call(ref, "create_alias", AliasName=_alias(ref), TargetKeyId=key_id)
            else:  # the alias still names the old key, pending deletion: it moves to the new one
                self.call(ref, "update_alias", AliasName=_alias(ref), TargetKeyId=key_id)
        except ProviderError as error:
            self._named_or_cleanup(ref, key_id, error)
        with self._lock:
            self._ids[(ref.region, ref.name)] = key_id
        return receipt(response)

    def _named_or_cleanup(self, ref: ResourceRef, key_id: str, error: ProviderError) -> None:
        """After a failed CreateAlias: fine if the alias names the new key (a resent request whose first
        answer was lost); else the new key is scheduled for deletion and the error raised."""
        named = self.describe(ref)
        if named is not None and named.get("KeyId") == key_id:
            return
        self.call(ref, "schedule_key_deletion", KeyId=key_id, PendingWindowInDays=_CLEANUP_WINDOW_DAYS)
        if error.code == "AlreadyExistsException":
            raise AlreadyExistsError(f"{_alias(ref)} was created meanwhile by someone else", kind=ref.kind,
                                     name=ref.name, operation=error.operation, code=error.code,
                                     request_id=error.request_id) from error
        raise error

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """ScheduleKeyDeletion with the pending window; nothing when the key is gone or pending already."""
        metadata = self.describe(ref)
        if metadata is None or metadata.get("KeyState") in _PENDING:
            return Receipt()
        days = ref.options.get("pending_window_in_days", DEFAULT_DELETION_WINDOW_DAYS)
        try:
            response = self.call(ref, "schedule_key_deletion", KeyId=str(metadata["KeyId"]),
                                 PendingWindowInDays=days)
        except ProviderError as error:
            again = self.describe(ref)
            if error.code == "KMSInvalidStateException" and (again is None or again.get("KeyState") in _PENDING):
                return Receipt(request_id=error.request_id)  # scheduled by a resent request: done
            raise
        return receipt(response)

    def names_from_tagged(self, ref: ResourceRef, arns: list[str]) -> list[str]:
        """The aliases of the keys the tag listing gave (it names keys by id): one alias listing."""
        ids = {arn.rsplit("/", 1)[-1] for arn in arns}
        if not ids:
            return []
        return sorted(str(alias["AliasName"]).removeprefix("alias/") for alias in self.items(ref, "list_aliases",
                                                                                              "Aliases")
                      if alias.get("TargetKeyId") in ids and not str(alias["AliasName"]).startswith("alias/aws/"))


def _create_arguments(params: Mapping[str, Json]) -> dict[str, Any]:
    """CreateKey's arguments for the create parameters."""
    kwargs: dict[str, Any] = {}
    if params.get("key_spec"):
        kwargs["KeySpec"] = params["key_spec"]
    if params.get("key_usage"):
        kwargs["KeyUsage"] = params["key_usage"]
    if params.get("multi_region"):
        kwargs["MultiRegion"] = True
    if params.get("description"):
        kwargs["Description"] = params["description"]
    policy = params.get("policy")
    if isinstance(policy, dict) and policy:
        kwargs["Policy"] = policy_json(policy)
    tags = params.get("tags")
    if isinstance(tags, dict) and tags:
        kwargs["Tags"] = _kms_tags(tags)
    return kwargs


HANDLER = KmsKeyHandler
