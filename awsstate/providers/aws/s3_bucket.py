"""S3 buckets on AWS: one boto3 read and one write per aspect, in the bucket's own region.

"Not configured" answers are turned into what they mean on AWS, so moto and older buckets do not
cause perpetual diffs: no encryption configuration means SSE-S3 (AWS encrypts every bucket since
January 2023), no public access block means all four flags off, no tag set means no tags, a
bucket whose versioning was never enabled reports ``Disabled``, no ownership controls means
``ObjectWriter`` (how such a bucket behaves), and no policy, lifecycle, CORS, website, logging
or notification configuration reads as "none". Conversions of the larger configurations live in
:mod:`awsstate.providers.aws.s3_bucket_config`.

Every aspect is one Get call to read and one Put (or Delete) call to write. Two exceptions, both
in ``create``: a bucket created with Object Lock and a default retention takes CreateBucket plus
PutObjectLockConfiguration.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json, policy_json
from awsstate.errors import AccessDeniedError, InvalidRequestError, ProviderError
from awsstate.providers.aws.handler import ABSENT, AwsHandler, receipt
from awsstate.providers.aws.s3_bucket_config import (
    acl_from_grants,
    cors_from_aws,
    cors_to_aws,
    lifecycle_from_aws,
    lifecycle_to_aws,
    notifications_from_aws,
    notifications_to_aws,
    website_from_aws,
    website_to_aws,
)
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["S3BucketHandler"]

_PAB_KEYS = {
    "block_public_acls": "BlockPublicAcls",
    "ignore_public_acls": "IgnorePublicAcls",
    "block_public_policy": "BlockPublicPolicy",
    "restrict_public_buckets": "RestrictPublicBuckets",
}
_SSE_S3: dict[str, Json] = {"algorithm": "AES256", "kms_key_id": None, "bucket_key_enabled": False}
_DELETE_BATCH = 1000  # DeleteObjects takes at most 1000 keys per request
_EMPTY_ROUNDS = 3


class S3BucketHandler(AwsHandler):
    """The boto3 side of ``s3_bucket``."""

    service = "s3"

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """HeadBucket: 404 means absent; the response names the bucket's real region."""
        try:
            response = self.call(ref, "head_bucket", absent={"404", "NoSuchBucket", "NotFound"}, Bucket=ref.name)
        except AccessDeniedError as error:
            error.hint = (
                "The bucket exists but these credentials cannot read it: either another account owns "
                "the name (bucket names are global: choose another) or the caller lacks s3:ListBucket."
            )
            raise
        if response is ABSENT:
            return None
        region = response.get("BucketRegion") or self._location(ref)
        return {"region": region, "arn": f"arn:aws:s3:::{ref.name}"}

    def _location(self, ref: ResourceRef) -> str:
        response = self.call(ref, "get_bucket_location", Bucket=ref.name)
        return str(response.get("LocationConstraint") or "us-east-1")

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """One Get* call per aspect."""
        bucket = ref.name
        if aspect == "tags":
            response = self.call(ref, "get_bucket_tagging", aspect=aspect, absent={"NoSuchTagSet"}, Bucket=bucket)
            if response is ABSENT:
                return {}
            return {t["Key"]: t["Value"] for t in response.get("TagSet", [])}
        if aspect == "versioning":
            response = self.call(ref, "get_bucket_versioning", aspect=aspect, Bucket=bucket)
            return str(response.get("Status") or "Disabled")
        if aspect == "public_access_block":
            response = self.call(ref, "get_public_access_block", aspect=aspect,
                                 absent={"NoSuchPublicAccessBlockConfiguration"}, Bucket=bucket)
            if response is ABSENT:
                return {key: False for key in _PAB_KEYS}
            config = response.get("PublicAccessBlockConfiguration", {})
            return {key: bool(config.get(aws_key, False)) for key, aws_key in _PAB_KEYS.items()}
        if aspect == "encryption":
            response = self.call(ref, "get_bucket_encryption", aspect=aspect,
                                 absent={"ServerSideEncryptionConfigurationNotFoundError"}, Bucket=bucket)
            if response is ABSENT:
                return dict(_SSE_S3)
            rules = response.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
            if not rules:
                return dict(_SSE_S3)
            default = rules[0].get("ApplyServerSideEncryptionByDefault", {})
            return {
                "algorithm": default.get("SSEAlgorithm", "AES256"),
                "kms_key_id": default.get("KMSMasterKeyID"),
                "bucket_key_enabled": bool(rules[0].get("BucketKeyEnabled", False)),
            }
        return self._read_more(ref, aspect)

    def _read_more(self, ref: ResourceRef, aspect: str) -> Json:
        bucket = ref.name
        if aspect == "policy":
            response = self.call(ref, "get_bucket_policy", aspect=aspect, absent={"NoSuchBucketPolicy"}, Bucket=bucket)
            return None if response is ABSENT else json.loads(response["Policy"])
        if aspect == "lifecycle_rules":
            response = self.call(ref, "get_bucket_lifecycle_configuration", aspect=aspect,
                                 absent={"NoSuchLifecycleConfiguration"}, Bucket=bucket)
            return [] if response is ABSENT else lifecycle_from_aws(response.get("Rules", []))
        if aspect == "cors_rules":
            response = self.call(ref, "get_bucket_cors", aspect=aspect, absent={"NoSuchCORSConfiguration"},
                                 Bucket=bucket)
            return [] if response is ABSENT else cors_from_aws(response.get("CORSRules", []))
        if aspect == "website":
            response = self.call(ref, "get_bucket_website", aspect=aspect, absent={"NoSuchWebsiteConfiguration"},
                                 Bucket=bucket)
            return None if response is ABSENT else website_from_aws(response)
        if aspect == "object_ownership":
            response = self.call(ref, "get_bucket_ownership_controls", aspect=aspect,
                                 absent={"OwnershipControlsNotFoundError"}, Bucket=bucket)
            if response is ABSENT:
                return "ObjectWriter"
            rules = response.get("OwnershipControls", {}).get("Rules", [])
            return str(rules[0]["ObjectOwnership"]) if rules else "ObjectWriter"
        if aspect == "acl":
            response = self.call(ref, "get_bucket_acl", aspect=aspect, Bucket=bucket)
            return acl_from_grants(response.get("Owner", {}).get("ID"), response.get("Grants", []))
        if aspect == "logging":
            enabled = self.call(ref, "get_bucket_logging", aspect=aspect, Bucket=bucket).get("LoggingEnabled")
            if not enabled:
                return None
            return {"target_bucket": enabled["TargetBucket"], "target_prefix": enabled.get("TargetPrefix", "")}
        if aspect == "object_lock":
            response = self.call(ref, "get_object_lock_configuration", aspect=aspect,
                                 absent={"ObjectLockConfigurationNotFoundError"}, Bucket=bucket)
            config = {} if response is ABSENT else response.get("ObjectLockConfiguration", {})
            if config.get("ObjectLockEnabled") != "Enabled":
                return {"enabled": False}
            value: dict[str, Json] = {"enabled": True}
            retention = config.get("Rule", {}).get("DefaultRetention", {})
            if retention.get("Mode"):
                value["mode"] = retention["Mode"]
                for key, aws_key in (("days", "Days"), ("years", "Years")):
                    if retention.get(aws_key):  # moto reports the unset one as 0
                        value[key] = int(retention[aws_key])
            return value
        if aspect == "transfer_acceleration":
            response = self.call(ref, "get_bucket_accelerate_configuration", aspect=aspect, Bucket=bucket)
            return bool(response.get("Status") == "Enabled")
        if aspect == "requester_pays":
            response = self.call(ref, "get_bucket_request_payment", aspect=aspect, Bucket=bucket)
            return bool(response.get("Payer") == "Requester")
        if aspect == "notifications":
            response = self.call(ref, "get_bucket_notification_configuration", aspect=aspect, Bucket=bucket)
            return notifications_from_aws(response)
        raise KeyError(f"s3_bucket has no aspect {aspect!r}")

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
            self.write_aspect(ResourceRef(ref.kind, ref.name, region), "object_lock", lock)
        return done

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """One Put* (or Delete*) call per aspect."""
        bucket = ref.name
        if aspect == "tags":
            tags = value if isinstance(value, dict) else {}
            if not tags:
                return receipt(self.call(ref, "delete_bucket_tagging", aspect=aspect, Bucket=bucket))
            tag_set = [{"Key": k, "Value": str(v)} for k, v in sorted(tags.items())]
            return receipt(self.call(ref, "put_bucket_tagging", aspect=aspect, Bucket=bucket,
                                     Tagging={"TagSet": tag_set}))
        if aspect == "versioning":
            if value not in ("Enabled", "Suspended"):
                raise InvalidRequestError(f"versioning can only be set to Enabled or Suspended, not {value!r}",
                                          kind=ref.kind, name=bucket, aspect=aspect)
            return receipt(self.call(ref, "put_bucket_versioning", aspect=aspect, Bucket=bucket,
                                     VersioningConfiguration={"Status": value}))
        if aspect == "public_access_block":
            flags = value if isinstance(value, dict) else {}
            config = {aws_key: bool(flags.get(key, False)) for key, aws_key in _PAB_KEYS.items()}
            return receipt(self.call(ref, "put_public_access_block", aspect=aspect, Bucket=bucket,
                                     PublicAccessBlockConfiguration=config))
        if aspect == "encryption":
            enc = value if isinstance(value, dict) else dict(_SSE_S3)
            default: dict[str, Any] = {"SSEAlgorithm": enc.get("algorithm", "AES256")}
            if enc.get("kms_key_id"):
                default["KMSMasterKeyID"] = enc["kms_key_id"]
            rule: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": default}
            if default["SSEAlgorithm"] != "AES256":
                rule["BucketKeyEnabled"] = bool(enc.get("bucket_key_enabled"))
            return receipt(self.call(ref, "put_bucket_encryption", aspect=aspect, Bucket=bucket,
                                     ServerSideEncryptionConfiguration={"Rules": [rule]}))
        return self._write_more(ref, aspect, value)

    def _write_more(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        bucket = ref.name
        if aspect == "policy":
            if not value:
                return receipt(self.call(ref, "delete_bucket_policy", aspect=aspect, Bucket=bucket))
            if not isinstance(value, str | dict):
                raise InvalidRequestError(f"a bucket policy must be a JSON object, not {value!r}",
                                          kind=ref.kind, name=bucket, aspect=aspect)
            return receipt(self.call(ref, "put_bucket_policy", aspect=aspect, Bucket=bucket,
                                     Policy=policy_json(value)))
        if aspect == "lifecycle_rules":
            if not value:
                return receipt(self.call(ref, "delete_bucket_lifecycle", aspect=aspect, Bucket=bucket))
            return receipt(self.call(ref, "put_bucket_lifecycle_configuration", aspect=aspect, Bucket=bucket,
                                     LifecycleConfiguration={"Rules": lifecycle_to_aws(value)}))
        if aspect == "cors_rules":
            if not value:
                return receipt(self.call(ref, "delete_bucket_cors", aspect=aspect, Bucket=bucket))
            return receipt(self.call(ref, "put_bucket_cors", aspect=aspect, Bucket=bucket,
                                     CORSConfiguration={"CORSRules": cors_to_aws(value)}))
        if aspect == "website":
            if not value:
                return receipt(self.call(ref, "delete_bucket_website", aspect=aspect, Bucket=bucket))
            return receipt(self.call(ref, "put_bucket_website", aspect=aspect, Bucket=bucket,
                                     WebsiteConfiguration=website_to_aws(value)))
        if aspect == "object_ownership":
            return receipt(self.call(ref, "put_bucket_ownership_controls", aspect=aspect, Bucket=bucket,
                                     OwnershipControls={"Rules": [{"ObjectOwnership": value}]}))
        if aspect == "acl":
            return self._put_acl(ref, str(value))
        if aspect == "logging":
            status: dict[str, Any] = {}
            if isinstance(value, dict) and value.get("target_bucket"):
                status["LoggingEnabled"] = {"TargetBucket": value["target_bucket"],
                                            "TargetPrefix": value.get("target_prefix") or ""}
            try:
                return receipt(self.call(ref, "put_bucket_logging", aspect=aspect, Bucket=bucket,
                                         BucketLoggingStatus=status))
            except InvalidRequestError as error:
                if error.code == "InvalidTargetBucketForLogging":
                    error.hint = ("Let log delivery write to the target bucket: a bucket policy allowing the service "
                                  "principal logging.s3.amazonaws.com s3:PutObject on the target prefix.")
                raise
        if aspect == "object_lock":
            return self._put_object_lock(ref, value)
        if aspect == "transfer_acceleration":
            return receipt(self.call(ref, "put_bucket_accelerate_configuration", aspect=aspect, Bucket=bucket,
                                     AccelerateConfiguration={"Status": "Enabled" if value else "Suspended"}))
        if aspect == "requester_pays":
            return receipt(self.call(ref, "put_bucket_request_payment", aspect=aspect, Bucket=bucket,
                                     RequestPaymentConfiguration={"Payer": "Requester" if value else "BucketOwner"}))
        if aspect == "notifications":
            return receipt(self.call(ref, "put_bucket_notification_configuration", aspect=aspect, Bucket=bucket,
                                     NotificationConfiguration=notifications_to_aws(value)))
        raise KeyError(f"s3_bucket has no aspect {aspect!r}")

    def _put_acl(self, ref: ResourceRef, acl: str) -> Receipt:
        try:
            return receipt(self.call(ref, "put_bucket_acl", aspect="acl", Bucket=ref.name, ACL=acl))
        except ProviderError as error:
            if error.code == "AccessControlListNotSupported":
                raise InvalidRequestError(
                    f"cannot set acl {acl!r}: the bucket's object ownership is BucketOwnerEnforced, which disables "
                    "ACLs", kind=ref.kind, name=ref.name, aspect="acl", operation=error.operation, code=error.code,
                    request_id=error.request_id,
                    hint="Set object_ownership='BucketOwnerPreferred' (or 'ObjectWriter'), or use acl='private' "
                         "and a bucket policy instead.",
                ) from error
            raise

    def _put_object_lock(self, ref: ResourceRef, value: Json) -> Receipt:
        lock = value if isinstance(value, dict) else {}
        if not lock.get("enabled"):
            raise InvalidRequestError(
                "Object Lock cannot be disabled once enabled", kind=ref.kind, name=ref.name, aspect="object_lock",
                hint="Only a new bucket can be without it: apply with allow_replace=True to replace the bucket.")
        config: dict[str, Any] = {"ObjectLockEnabled": "Enabled"}
        if lock.get("mode"):
            retention: dict[str, Any] = {"Mode": lock["mode"]}
            retention.update({aws_key: lock[key] for key, aws_key in (("days", "Days"), ("years", "Years"))
                              if lock.get(key)})
            config["Rule"] = {"DefaultRetention": retention}
        return receipt(self.call(ref, "put_object_lock_configuration", aspect="object_lock", Bucket=ref.name,
                                 ObjectLockConfiguration=config))

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
        # empty page for a KeyMarker naming a deleted key). Paginated by hand so that every page
        # goes through the error-translating call wrapper.
        while True:
            page = self.call(ref, "list_object_versions", Bucket=ref.name)
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
