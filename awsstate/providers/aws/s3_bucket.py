"""S3 buckets on AWS: one boto3 read and one write per aspect, in the bucket's own region.

"Not configured" answers are turned into what they mean on AWS, so moto and older buckets do not
cause perpetual diffs: no encryption configuration means SSE-S3 (AWS encrypts every bucket since
January 2023), no public access block means all four flags off, no tag set means no tags, a
bucket whose versioning was never enabled reports ``Disabled``, no ownership controls means
``ObjectWriter`` (how such a bucket behaves), and no policy, lifecycle, CORS, website, logging
or notification configuration reads as "none". Conversions of the larger configurations live in
:mod:`awsstate.providers.aws.s3_bucket_config`.

Every aspect is one Get call to read and one Put (or Delete) call to write. One exception, in
``create``: a bucket created with Object Lock and a default retention takes CreateBucket plus
PutObjectLockConfiguration.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from awsstate.canonical import Json
from awsstate.errors import AccessDeniedError, InvalidRequestError, ProviderError
from awsstate.policies import policy_json
from awsstate.providers.aws.calls import ABSENT
from awsstate.providers.aws.handler import AspectIO, AwsHandler, receipt
from awsstate.providers.aws.s3_bucket_config import (
    acl_from_grants,
    cors_from_aws,
    cors_to_aws,
    encryption_from_aws,
    encryption_to_aws,
    lifecycle_from_aws,
    lifecycle_to_aws,
    notifications_from_aws,
    notifications_to_aws,
    object_lock_from_aws,
    object_lock_to_aws,
    website_from_aws,
    website_to_aws,
)
from awsstate.providers.aws.s3_inventory import read_inventory, write_inventory
from awsstate.providers.aws.tags import tag_dict, tag_list
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["HANDLER", "S3BucketHandler"]

_PAB_KEYS = {
    "block_public_acls": "BlockPublicAcls",
    "ignore_public_acls": "IgnorePublicAcls",
    "block_public_policy": "BlockPublicPolicy",
    "restrict_public_buckets": "RestrictPublicBuckets",
}
_DELETE_BATCH = 1000  # DeleteObjects takes at most 1000 keys per request
_EMPTY_ROUNDS = 3
_LOG_DELIVERY_HINT = ("Let log delivery write to the target bucket: a bucket policy allowing the service "
                      "principal logging.s3.amazonaws.com s3:PutObject on the target prefix.")

Reader = Callable[["S3BucketHandler", ResourceRef], Json]
Writer = Callable[["S3BucketHandler", ResourceRef, Json], Any]


def _get(method: str, parse: Callable[[dict[str, Any]], Json], *, absent: str = "", default: Json = None) -> Reader:
    """A read: one Get call; the ``absent`` error code means "not configured" (``default``)."""

    def read(h: S3BucketHandler, ref: ResourceRef) -> Json:
        response = h.call(ref, method, absent={absent} if absent else (), Bucket=ref.name)
        return default if response is ABSENT else parse(response)

    return read


def _put(method: str, build: Callable[[Json], dict[str, Any]], *, delete: str = "") -> Writer:
    """A write: one Put call with ``build(value)``; with ``delete``, an empty value deletes instead."""

    def write(h: S3BucketHandler, ref: ResourceRef, value: Json) -> Any:
        if delete and not value:
            return h.call(ref, delete, Bucket=ref.name)
        return h.call(ref, method, Bucket=ref.name, **build(value))

    return write


def _ownership(response: dict[str, Any]) -> Json:
    rules = response.get("OwnershipControls", {}).get("Rules", [])
    return str(rules[0]["ObjectOwnership"]) if rules else None


def _logging(response: dict[str, Any]) -> Json:
    enabled = response.get("LoggingEnabled")
    if not enabled:
        return None
    return {"target_bucket": enabled["TargetBucket"], "target_prefix": enabled.get("TargetPrefix", "")}


def _logging_status(value: Json) -> dict[str, Any]:
    status: dict[str, Any] = {}
    if isinstance(value, dict) and value.get("target_bucket"):
        status["LoggingEnabled"] = {"TargetBucket": value["target_bucket"],
                                    "TargetPrefix": value.get("target_prefix") or ""}
    return {"BucketLoggingStatus": status}


def _write_logging(h: S3BucketHandler, ref: ResourceRef, value: Json) -> Any:
    try:
        return h.call(ref, "put_bucket_logging", Bucket=ref.name, **_logging_status(value))
    except InvalidRequestError as error:
        if error.code == "InvalidTargetBucketForLogging":
            error.hint = _LOG_DELIVERY_HINT
        raise


def _refused_together(error: ProviderError, message: str, hint: str) -> InvalidRequestError:
    """AWS's refusal of a setting because of another one, naming both."""
    return InvalidRequestError(message, kind=error.kind, name=error.name, aspect=error.aspect,
                               operation=error.operation, code=error.code, request_id=error.request_id, hint=hint)


def _write_versioning(h: S3BucketHandler, ref: ResourceRef, value: Json) -> Any:
    if value not in ("Enabled", "Suspended"):
        raise InvalidRequestError(f"versioning can only be set to Enabled or Suspended, not {value!r}",
                                  kind=ref.kind, name=ref.name, aspect="versioning")
    try:
        return h.call(ref, "put_bucket_versioning", Bucket=ref.name, VersioningConfiguration={"Status": value})
    except ProviderError as error:
        if error.code != "InvalidBucketState":
            raise
        raise _refused_together(error, "versioning cannot be suspended: object_lock is enabled on the bucket",
                                "Leave versioning unset or True on an Object Lock bucket.") from error


def _write_policy(h: S3BucketHandler, ref: ResourceRef, value: Json) -> Any:
    if not value:
        return h.call(ref, "delete_bucket_policy", Bucket=ref.name)
    if not isinstance(value, str | dict):
        raise InvalidRequestError(f"a bucket policy must be a JSON object, not {value!r}", kind=ref.kind,
                                  name=ref.name, aspect="policy")
    try:
        return h.call(ref, "put_bucket_policy", Bucket=ref.name, Policy=policy_json(value))
    except AccessDeniedError as error:
        if "BlockPublicPolicy" not in error.message:
            raise
        raise _refused_together(
            error, "the policy grants public access, but block_public_access.block_public_policy is on",
            "Turn block_public_policy (and restrict_public_buckets) off in block_public_access, or restrict the "
            "policy's principals.") from error


def _write_acl(h: S3BucketHandler, ref: ResourceRef, value: Json) -> Any:
    try:
        return h.call(ref, "put_bucket_acl", Bucket=ref.name, ACL=str(value))
    except AccessDeniedError as error:
        if "BlockPublicAcls" not in error.message:
            raise
        raise _refused_together(error, f"acl {value!r} is public, but block_public_access.block_public_acls is on",
                                "Turn block_public_acls off in block_public_access, or use acl='private'.") from error
    except ProviderError as error:
        if error.code != "AccessControlListNotSupported":
            raise
        raise InvalidRequestError(
            f"cannot set acl {value!r}: the bucket's object ownership is BucketOwnerEnforced, which disables ACLs",
            kind=ref.kind, name=ref.name, aspect="acl", operation=error.operation, code=error.code,
            request_id=error.request_id,
            hint="Set object_ownership='BucketOwnerPreferred' (or 'ObjectWriter'), or use acl='private' and a "
                 "bucket policy instead.",
        ) from error


def _write_object_lock(h: S3BucketHandler, ref: ResourceRef, value: Json) -> Any:
    lock = value if isinstance(value, dict) else {}
    if not lock.get("enabled"):
        raise InvalidRequestError(
            "Object Lock cannot be disabled once enabled", kind=ref.kind, name=ref.name, aspect="object_lock",
            hint="Only a new bucket can be without it: apply with allow_replace=True to replace the bucket.")
    return h.call(ref, "put_object_lock_configuration", Bucket=ref.name,
                  ObjectLockConfiguration=object_lock_to_aws(lock))


def _write_tags(h: S3BucketHandler, ref: ResourceRef, value: Json) -> Any:
    # PutBucketTagging replaces the whole set (one request); an empty set is a DeleteBucketTagging.
    tags = value if isinstance(value, dict) else {}
    if not tags:
        return h.call(ref, "delete_bucket_tagging", Bucket=ref.name)
    return h.call(ref, "put_bucket_tagging", Bucket=ref.name, Tagging={"TagSet": tag_list(tags)})


def _public_access_block(response: dict[str, Any]) -> Json:
    config = response.get("PublicAccessBlockConfiguration", {})
    return {key: bool(config.get(aws_key, False)) for key, aws_key in _PAB_KEYS.items()}


def _pab_config(value: Json) -> dict[str, Any]:
    flags = value if isinstance(value, dict) else {}
    return {"PublicAccessBlockConfiguration": {aws: bool(flags.get(key, False)) for key, aws in _PAB_KEYS.items()}}


class S3BucketHandler(AwsHandler):
    """The boto3 side of ``s3_bucket``."""

    service = "s3"
    TAGGED_TYPE = "s3"

    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]] = {
        "tags": AspectIO(
            read=_get("get_bucket_tagging", lambda r: tag_dict(r.get("TagSet")), absent="NoSuchTagSet", default={}),
            write=_write_tags),
        "versioning": AspectIO(
            read=_get("get_bucket_versioning", lambda r: str(r.get("Status") or "Disabled")),
            write=_write_versioning),
        "block_public_access": AspectIO(
            read=_get("get_public_access_block", _public_access_block, absent="NoSuchPublicAccessBlockConfiguration",
                      default={key: False for key in _PAB_KEYS}),
            write=_put("put_public_access_block", _pab_config)),
        "encryption": AspectIO(
            read=_get("get_bucket_encryption", encryption_from_aws,
                      absent="ServerSideEncryptionConfigurationNotFoundError", default=encryption_from_aws({})),
            write=_put("put_bucket_encryption", lambda v: {"ServerSideEncryptionConfiguration": encryption_to_aws(v)})),
        "object_lock": AspectIO(
            read=_get("get_object_lock_configuration", object_lock_from_aws,
                      absent="ObjectLockConfigurationNotFoundError", default={"enabled": False}),
            write=_write_object_lock),
        "object_ownership": AspectIO(
            read=_get("get_bucket_ownership_controls", _ownership, absent="OwnershipControlsNotFoundError"),
            write=_put("put_bucket_ownership_controls",
                       lambda v: {"OwnershipControls": {"Rules": [{"ObjectOwnership": v}]}},
                       delete="delete_bucket_ownership_controls")),
        "acl": AspectIO(
            read=_get("get_bucket_acl", lambda r: acl_from_grants(r.get("Owner", {}).get("ID"), r.get("Grants", []))),
            write=_write_acl),
        "policy": AspectIO(
            read=_get("get_bucket_policy", lambda r: json.loads(r["Policy"]), absent="NoSuchBucketPolicy"),
            write=_write_policy),
        "logging": AspectIO(read=_get("get_bucket_logging", _logging), write=_write_logging),
        "lifecycle_rules": AspectIO(
            read=_get("get_bucket_lifecycle_configuration", lambda r: lifecycle_from_aws(r.get("Rules", [])),
                      absent="NoSuchLifecycleConfiguration", default=[]),
            write=_put("put_bucket_lifecycle_configuration",
                       lambda v: {"LifecycleConfiguration": {"Rules": lifecycle_to_aws(v)}},
                       delete="delete_bucket_lifecycle")),
        "cors_rules": AspectIO(
            read=_get("get_bucket_cors", lambda r: cors_from_aws(r.get("CORSRules", [])),
                      absent="NoSuchCORSConfiguration", default=[]),
            write=_put("put_bucket_cors", lambda v: {"CORSConfiguration": {"CORSRules": cors_to_aws(v)}},
                       delete="delete_bucket_cors")),
        "website": AspectIO(
            read=_get("get_bucket_website", website_from_aws, absent="NoSuchWebsiteConfiguration"),
            write=_put("put_bucket_website", lambda v: {"WebsiteConfiguration": website_to_aws(v)},
                       delete="delete_bucket_website")),
        "transfer_acceleration": AspectIO(
            read=_get("get_bucket_accelerate_configuration", lambda r: r.get("Status") == "Enabled"),
            write=_put("put_bucket_accelerate_configuration",
                       lambda v: {"AccelerateConfiguration": {"Status": "Enabled" if v else "Suspended"}})),
        "requester_pays": AspectIO(
            read=_get("get_bucket_request_payment", lambda r: r.get("Payer") == "Requester"),
            write=_put("put_bucket_request_payment",
                       lambda v: {"RequestPaymentConfiguration": {"Payer": "Requester" if v else "BucketOwner"}})),
        "notifications": AspectIO(
            read=_get("get_bucket_notification_configuration", notifications_from_aws),
            write=_put("put_bucket_notification_configuration",
                       lambda v: {"NotificationConfiguration": notifications_to_aws(v)})),
        "inventory_configurations": AspectIO(read=read_inventory, write=write_inventory),
    }

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """HeadBucket: 404 means absent; the response names the bucket's real region."""
        try:
            response = self.call(ref, "head_bucket", absent={"404", "NoSuchBucket", "NotFound"}, Bucket=ref.name)
        except AccessDeniedError as error:
            if error.code in ("403", "AccessDenied"):  # S3 answered (no credentials at all never gets here)
                error.hint = (
                    "S3 refused to say whether the bucket exists: another account may own the name (bucket "
                    "names are global: choose another), or these credentials are invalid or lack s3:ListBucket."
                )
            raise
        if response is ABSENT:
            return None
        region = response.get("BucketRegion") or self._location(ref)
        return {"region": region, "arn": f"arn:aws:s3:::{ref.name}"}

    def _location(self, ref: ResourceRef) -> str:
        response = self.call(ref, "get_bucket_location", Bucket=ref.name)
        return str(response.get("LocationConstraint") or "us-east-1")

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """CreateBucket, with a LocationConstraint outside us-east-1 (where AWS refuses one)."""
        region = str(params.get("region") or ref.region or self.clients.default_region or "us-east-1")
        kwargs: dict[str, Any] = {"Bucket": ref.name}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        lock = params.get("object_lock")
        if isinstance(lock, dict) and lock.get("enabled"):
            kwargs["ObjectLockEnabledForBucket"] = True
        done = receipt(self.call(ref, "create_bucket", region=region, **kwargs))
        if isinstance(lock, dict) and lock.get("mode"):
            # CreateBucket cannot carry a default retention: a second request sets it.
            self.write_aspect(ref.at(region), "object_lock", lock)
        return done

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """DeleteBucket; with ``force``, first every object version and delete marker, in batches.

        With ``force``, a bucket that logs into itself has logging turned off first (else each
        delete request would write a new log object), and objects that arrive while it is being
        emptied (late log deliveries, uploads in flight) are deleted in a few more rounds.
        """
        rounds = _EMPTY_ROUNDS if force else 1
        if force:
            self._stop_self_logging(ref)
        for round_number in range(1, rounds + 1):
            if force:
                self._empty(ref)
            try:
                return receipt(self.call(ref, "delete_bucket", Bucket=ref.name))
            except InvalidRequestError as error:
                if error.code != "BucketNotEmpty":
                    raise
                if round_number == rounds:
                    error.hint = ("The bucket is left intact. Empty it first, or pass force_destroy=True."
                                  if not force else "Objects kept arriving while it was emptied; try again.")
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _stop_self_logging(self, ref: ResourceRef) -> None:
        enabled = self.call(ref, "get_bucket_logging", Bucket=ref.name).get("LoggingEnabled")
        if enabled and enabled.get("TargetBucket") == ref.name:
            self.call(ref, "put_bucket_logging", Bucket=ref.name, BucketLoggingStatus={})

    def _empty(self, ref: ResourceRef) -> None:
        # Each page is deleted before the next is listed, and every listing starts from the
        # beginning: what was deleted is gone, so no markers are needed (moto 5.2.5 returns an
        # empty page for a KeyMarker naming a deleted key).
        while True:
            page = next(self.pages(ref, "list_object_versions", Bucket=ref.name), {})
            entries = [{"Key": e["Key"], "VersionId": e["VersionId"]}
                       for e in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]]
            for start in range(0, len(entries), _DELETE_BATCH):
                self._delete_batch(ref, entries[start:start + _DELETE_BATCH])
            if not page.get("IsTruncated") or not entries:
                return

    def _delete_batch(self, ref: ResourceRef, batch: list[dict[str, str]]) -> None:
        response = self.call(ref, "delete_objects", Bucket=ref.name, Delete={"Objects": batch, "Quiet": True})
        errors = response.get("Errors", [])
        if errors:
            first = errors[0]
            raise InvalidRequestError(
                f"could not delete {len(errors)} object(s), e.g. {first.get('Key')!r}: {first.get('Message')}",
                kind=ref.kind, name=ref.name, operation="DeleteObjects", code=str(first.get("Code", "")),
            )


HANDLER = S3BucketHandler
