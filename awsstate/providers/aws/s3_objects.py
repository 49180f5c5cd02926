"""The S3 object calls on AWS (boto3): the object half of :class:`~awsstate.providers.aws.AwsProvider`.

Small objects are one request each (PutObject with the content's SHA-256 as its checksum, so S3
verifies the bytes it got). Objects of at least ``multipart_threshold`` bytes go through boto3's
managed transfer (s3transfer): multipart uploads in parts of exactly awsstate's part size (so the
ETag awsstate computes locally is the one S3 gives), concurrent parts, ranged concurrent
downloads into a temporary file renamed at the end, and managed copies over 5 GiB. Every request
is logged and its errors translated (:mod:`awsstate.providers.aws.errors`) into awsstate errors
naming the bucket and key; the managed transfer's are translated here the same way.
"""

from __future__ import annotations

import base64
import io
import os
import tempfile
import time
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlencode

from botocore.exceptions import BotoCoreError, ClientError

from awsstate.errors import ProviderError
from awsstate.log import get_logger
from awsstate.objects.calls import ObjectCalls
from awsstate.objects.values import (
    SHA256_METADATA,
    CopyRequest,
    ListRequest,
    ObjectInfo,
    ObjectPage,
    ObjectRead,
    ObjectSettings,
    ObjectSummary,
    ObjectWritten,
    ReadRequest,
    SourceError,
    TransferSettings,
    WriteRequest,
    name_object,
)
from awsstate.providers.aws.errors import translate
from awsstate.providers.aws.handler import receipt
from awsstate.providers.base import Receipt
from awsstate.spec import ResourceRef

__all__ = ["AwsObjectCalls"]

log = get_logger("awsstate.providers.aws")

_MAX_COPY = 5 * 1024 ** 3
_ABSENT = ("404", "NoSuchKey", "NotFound")
_NO_EXPECT_BELOW = 64 * 1024 * 1024


def _etag(value: Any) -> str:
    return str(value or "").strip('"')


def info_of(bucket: str, key: str, response: Mapping[str, Any]) -> ObjectInfo:
    """An :class:`ObjectInfo` from a HeadObject / GetObject response."""
    metadata = {str(k).lower(): str(v) for k, v in (response.get("Metadata") or {}).items()}
    sha256 = metadata.pop(SHA256_METADATA, None)
    checksum = response.get("ChecksumSHA256") if response.get("ChecksumType") != "COMPOSITE" else None
    return ObjectInfo(bucket=bucket, key=key, size=int(response.get("ContentLength") or 0),
                      etag=_etag(response.get("ETag")), content_type=response.get("ContentType"), metadata=metadata,
                      cache_control=response.get("CacheControl"),
                      storage_class=response.get("StorageClass") or "STANDARD",
                      sse=response.get("ServerSideEncryption"), kms_key_id=response.get("SSEKMSKeyId"),
                      last_modified=response.get("LastModified"), version_id=response.get("VersionId"),
                      sha256=sha256, checksum_sha256=checksum if checksum and "-" not in checksum else None)


def extra_args(settings: ObjectSettings, *, tagging: bool = True) -> dict[str, Any]:
    """The PutObject / CopyObject / managed-transfer parameters for ``settings``."""
    extra: dict[str, Any] = {}
    if settings.content_type:
        extra["ContentType"] = settings.content_type
    metadata = settings.user_metadata()
    if metadata:
        extra["Metadata"] = metadata
    if settings.cache_control:
        extra["CacheControl"] = settings.cache_control
    if settings.storage_class:
        extra["StorageClass"] = settings.storage_class
    if settings.sse:
        extra["ServerSideEncryption"] = settings.sse
        if settings.kms_key_id:
            extra["SSEKMSKeyId"] = settings.kms_key_id
    if tagging and settings.tags:
        extra["Tagging"] = urlencode(dict(settings.tags))
    return extra


def _config(transfer: TransferSettings) -> Any:
    from boto3.s3.transfer import TransferConfig

    return TransferConfig(multipart_threshold=transfer.multipart_threshold, multipart_chunksize=transfer.part_size,
                          max_concurrency=transfer.max_concurrency, use_threads=True)


def _no_expect_for_small_bodies(request: Any, **_: Any) -> None:
    # botocore asks for "Expect: 100-continue" on every upload: one more round trip per request before
    # the body is sent. Worth it for a large body the server might refuse; not for a part or a small object.
    if int(request.headers.get("Content-Length") or 0) <= _NO_EXPECT_BELOW:
        request.headers.pop("Expect", None)


def _fast_uploads(client: Any) -> Any:
    for operation in ("PutObject", "UploadPart"):
        client.meta.events.register(f"before-send.s3.{operation}", _no_expect_for_small_bodies,
                                    unique_id=f"awsstate-no-expect-{operation}")
    return client


class _Size:
    """An s3transfer subscriber that tells the transfer its size, sparing it a HeadObject."""

    def __init__(self, size: int) -> None:
        self.size = size

    def on_queued(self, future: Any, **_: Any) -> None:
        future.meta.provide_transfer_size(self.size)

    def on_progress(self, **_: Any) -> None:
        return None

    def on_done(self, **_: Any) -> None:
        return None


class AwsObjectCalls(ObjectCalls):
    """The object calls of the AWS provider (see the module docstring)."""

    if TYPE_CHECKING:  # AwsProvider's
        @property
        def default_region(self) -> str | None:
            """The provider's default region."""

        def client(self, service: str, region: str | None) -> Any:
            """A cached boto3 client."""

        def call(self, ref: ResourceRef, service: str, method: str, *, aspect: str | None = None,
                 region: str | None = None, absent: Collection[str] = (), **params: Any) -> Any:
            """One logged, error-translated boto3 call."""

    def _managed(self, ref: ResourceRef, key: str, operation: str, transfer: TransferSettings,
                 run: Any) -> None:
        from s3transfer.exceptions import RetriesExceededError, S3DownloadFailedError, S3UploadFailedError
        from s3transfer.manager import TransferManager

        started = time.perf_counter()
        fields = {"service": "s3", "operation": operation, "region": ref.region, "kind": "s3_object",
                  "name": f"s3://{ref.name}/{key}"}
        try:
            client = _fast_uploads(self.client("s3", ref.region or self.default_region))
            with TransferManager(client, _config(transfer)) as manager:
                run(manager).result()
        except (ClientError, BotoCoreError, RetriesExceededError, S3DownloadFailedError, S3UploadFailedError,
                NotImplementedError) as error:
            log.debug("aws.call", **fields, outcome=type(error).__name__,
                      duration_ms=round((time.perf_counter() - started) * 1000, 3))
            raise name_object(translate(error, ref, service="s3", operation=operation, aspect=None), ref.name, key) \
                from error
        log.debug("aws.call", **fields, outcome="ok", duration_ms=round((time.perf_counter() - started) * 1000, 3))

    def _s3(self, ref: ResourceRef, key: str | None, method: str, **params: Any) -> Any:
        try:
            return self.call(ref, "s3", method, **params)
        except ProviderError as error:
            raise name_object(error, ref.name, key) from error.__cause__

    def read_object_head(self, ref: ResourceRef, key: str) -> ObjectInfo | None:
        """HeadObject (with S3's checksum, when it has one)."""
        from awsstate.providers.aws.calls import ABSENT

        try:
            response = self.call(ref, "s3", "head_object", absent=_ABSENT, Bucket=ref.name, Key=key,
                                 ChecksumMode="ENABLED")
        except ProviderError as error:
            raise name_object(error, ref.name, key) from error.__cause__
        return None if response is ABSENT else info_of(ref.name, key, response)

    def read_object(self, ref: ResourceRef, key: str, request: ReadRequest) -> ObjectRead:
        """GetObject into memory or a stream; into a path, a managed (ranged) download when large."""
        sink = request.sink
        if isinstance(sink, Path):
            info = self.read_object_head(ref, key)
            if info is None:
                self._s3(ref, key, "get_object", Bucket=ref.name, Key=key)  # raises NoSuchKey / NoSuchBucket
                raise AssertionError("unreachable")  # pragma: no cover
            if request.transfer.multipart(info.size):
                self._download(ref, key, sink, info.size, request.transfer)
                return ObjectRead(info)
        response = self._s3(ref, key, "get_object", Bucket=ref.name, Key=key)
        info = info_of(ref.name, key, response)
        stream = response["Body"]
        try:
            if sink is None:
                return ObjectRead(info, stream.read())
            if isinstance(sink, Path):
                _to_file(sink, lambda out: _copy_stream(stream, out))
            else:
                _copy_stream(stream, sink)
        except (BotoCoreError, ClientError) as error:
            raise name_object(translate(error, ref, service="s3", operation="GetObject", aspect=None), ref.name, key) \
                from error
        return ObjectRead(info)

    def _download(self, ref: ResourceRef, key: str, sink: Path, size: int,
                  transfer: TransferSettings) -> None:
        def run(manager: Any) -> Any:
            return manager.download(ref.name, key, str(sink), subscribers=[_Size(size)])

        self._managed(ref, key, "GetObject (managed download)", transfer, run)

    def read_object_tags(self, ref: ResourceRef, key: str) -> dict[str, str]:
        """GetObjectTagging."""
        response = self._s3(ref, key, "get_object_tagging", Bucket=ref.name, Key=key)
        return {str(t["Key"]): str(t["Value"]) for t in response.get("TagSet", [])}

    def list_objects(self, ref: ResourceRef, request: ListRequest) -> ObjectPage:
        """One ListObjectsV2 request."""
        params: dict[str, Any] = {"Bucket": ref.name, "Prefix": request.prefix, "MaxKeys": request.max_keys}
        if request.token:
            params["ContinuationToken"] = request.token
        response = self._s3(ref, None, "list_objects_v2", **params)
        objects = tuple(ObjectSummary(str(item["Key"]), int(item.get("Size") or 0), _etag(item.get("ETag")),
                                      str(item.get("StorageClass") or "STANDARD"), item.get("LastModified"))
                        for item in response.get("Contents", []))
        token = response.get("NextContinuationToken") if response.get("IsTruncated") else None
        return ObjectPage(objects, str(token) if token else None)

    def write_object(self, ref: ResourceRef, key: str, request: WriteRequest) -> ObjectWritten:
        """PutObject, or a managed multipart upload of at least ``multipart_threshold`` bytes."""
        settings = request.settings
        label = f"s3://{ref.name}/{key}"
        if request.transfer.multipart(request.size):
            body = request.body
            source: Any = str(body) if isinstance(body, Path) else io.BytesIO(body) if isinstance(body, bytes) else body
            extra = extra_args(settings)

            def run(manager: Any) -> Any:
                return manager.upload(source, ref.name, key, extra_args=extra, subscribers=[_Size(request.size)])

            try:
                self._managed(ref, key, "CreateMultipartUpload (managed upload)", request.transfer, run)
            except OSError as error:
                raise SourceError(f"{label}: its source cannot be read ({error})") from None
            return ObjectWritten()
        _fast_uploads(self.client("s3", ref.region or self.default_region))
        data = _read_body(request, label)
        params: dict[str, Any] = {"Bucket": ref.name, "Key": key, "Body": data, **extra_args(settings)}
        if settings.sha256:  # S3 checks the bytes against it, and keeps it (HeadObject with ChecksumMode)
            params["ChecksumAlgorithm"] = "SHA256"
            params["ChecksumSHA256"] = base64.b64encode(bytes.fromhex(settings.sha256)).decode()
        response = self._s3(ref, key, "put_object", **params)
        return ObjectWritten(_etag(response.get("ETag")) or None, response.get("VersionId"),
                             receipt(response).request_id)

    def copy_object(self, ref: ResourceRef, key: str, request: CopyRequest) -> ObjectWritten:
        """CopyObject (metadata copied or replaced); a managed copy above 5 GiB."""
        source = {"Bucket": request.source_bucket, "Key": request.source_key}
        extra: dict[str, Any] = {}
        if request.settings is not None:
            extra = {"MetadataDirective": "REPLACE", **extra_args(request.settings, tagging=False)}
        elif request.storage_class:
            extra = {"StorageClass": request.storage_class}
        if request.size is not None and request.size > _MAX_COPY:
            transfer = TransferSettings()

            def run(manager: Any) -> Any:
                size = _Size(int(request.size or 0))
                return manager.copy(source, ref.name, key, extra_args=extra, subscribers=[size])

            self._managed(ref, key, "UploadPartCopy (managed copy)", transfer, run)
            return ObjectWritten()
        response = self._s3(ref, key, "copy_object", Bucket=ref.name, Key=key, CopySource=source, **extra)
        result = response.get("CopyObjectResult", {})
        return ObjectWritten(_etag(result.get("ETag")) or None, response.get("VersionId"), receipt(response).request_id)

    def delete_object(self, ref: ResourceRef, key: str) -> Receipt:
        """DeleteObject."""
        return receipt(self._s3(ref, key, "delete_object", Bucket=ref.name, Key=key))

    def write_object_tags(self, ref: ResourceRef, key: str, tags: Mapping[str, str]) -> Receipt:
        """PutObjectTagging."""
        tag_set = [{"Key": k, "Value": v} for k, v in tags.items()]
        return receipt(self._s3(ref, key, "put_object_tagging", Bucket=ref.name, Key=key,
                                Tagging={"TagSet": tag_set}))


def _read_body(request: WriteRequest, label: str) -> bytes:
    body = request.body
    try:
        data = body if isinstance(body, bytes) else body.read_bytes() if isinstance(body, Path) else body.read()
    except OSError as error:
        raise SourceError(f"{label}: its source cannot be read ({error.strerror or error})") from None
    if len(data) != request.size:
        raise SourceError(f"{label}: its source is {len(data)} bytes now, {request.size} when planned; plan again")
    return data


def _copy_stream(stream: Any, out: BinaryIO) -> None:
    for chunk in stream.iter_chunks(1024 * 1024):
        out.write(chunk)


def _to_file(path: Path, write: Any) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
