"""S3 buckets on AWS: one boto3 read and one write per aspect, in the bucket's own region.

"Not configured" answers are turned into what they mean on AWS, so moto and older buckets do not
cause perpetual diffs: no encryption configuration means SSE-S3 (AWS encrypts every bucket since
January 2023), no public access block means all four flags off, no tag set means no tags, and a
bucket whose versioning was never enabled reports ``Disabled``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json
from awsstate.errors import AccessDeniedError, InvalidRequestError
from awsstate.providers.aws.handler import ABSENT, AwsHandler, receipt
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
        raise KeyError(f"s3_bucket has no aspect {aspect!r}")

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """CreateBucket, with a LocationConstraint outside us-east-1 (where AWS refuses one)."""
        region = str(params.get("region") or ref.region or self.clients.default_region or "us-east-1")
        kwargs: dict[str, Any] = {"Bucket": ref.name}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        return receipt(self.call(ref, "create_bucket", region=region, **kwargs))

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
        raise KeyError(f"s3_bucket has no aspect {aspect!r}")

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """DeleteBucket; with ``force``, first every object version and delete marker, in batches."""
        if force:
            self._empty(ref)
        try:
            return receipt(self.call(ref, "delete_bucket", Bucket=ref.name))
        except InvalidRequestError as error:
            if error.code == "BucketNotEmpty":
                error.hint = "The bucket is left intact. Empty it first, or pass force_destroy=True."
            raise

    def _empty(self, ref: ResourceRef) -> None:
        # Paginated by hand so that every page goes through the error-translating call wrapper.
        params: dict[str, str] = {"Bucket": ref.name}
        batch: list[dict[str, str]] = []
        while True:
            page = self.call(ref, "list_object_versions", **params)
            for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                batch.append({"Key": entry["Key"], "VersionId": entry["VersionId"]})
                if len(batch) == _DELETE_BATCH:
                    self._delete_batch(ref, batch)
                    batch = []
            if not page.get("IsTruncated"):
                break
            params["KeyMarker"] = page["NextKeyMarker"]
            params["VersionIdMarker"] = page["NextVersionIdMarker"]
        if batch:
            self._delete_batch(ref, batch)

    def _delete_batch(self, ref: ResourceRef, batch: list[dict[str, str]]) -> None:
        response = self.call(ref, "delete_objects", Bucket=ref.name, Delete={"Objects": batch, "Quiet": True})
        errors = response.get("Errors", [])
        if errors:
            first = errors[0]
            raise InvalidRequestError(
                f"could not delete {len(errors)} object(s), e.g. {first.get('Key')!r}: {first.get('Message')}",
                kind=ref.kind, name=ref.name, operation="DeleteObjects", code=str(first.get("Code", "")),
            )
