"""Translation of boto3/botocore errors into awsstate errors: the only place that does it.

Handlers may turn an error code that means "not configured" into a value before it gets here
(``NoSuchTagSet`` is an empty tag set); everything else reaching :func:`translate` becomes an
:class:`~awsstate.errors.ProviderError` subclass naming the resource, aspect, call, AWS error code
and request id, and saying what to do.
"""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from awsstate.errors import (
    AccessDeniedError,
    AlreadyExistsError,
    InvalidRequestError,
    NameTakenError,
    NotFoundError,
    NotSupportedError,
    ProviderError,
    ThrottledError,
    TransientError,
)
from awsstate.spec import ResourceRef

__all__ = ["error_code", "translate"]

_NOT_FOUND = {
    "404", "NoSuchBucket", "NoSuchKey", "NotFound", "NoSuchEntity", "ResourceNotFoundException", "NotFoundException",
    "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist",
}
_ALREADY_OWNED = {
    "BucketAlreadyOwnedByYou", "EntityAlreadyExists", "QueueAlreadyExists", "ResourceExistsException",
    "ResourceAlreadyExistsException",
}
_NAME_TAKEN = {"BucketAlreadyExists"}
_DENIED = {
    "403", "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
    "AuthorizationErrorException", "AllAccessDisabled", "InvalidClientTokenId", "SignatureDoesNotMatch",
}
_THROTTLED = {
    "Throttling", "ThrottlingException", "ThrottledException", "SlowDown", "RequestLimitExceeded",
    "TooManyRequestsException", "RequestThrottled", "RequestThrottledException", "Throttled",
}
_NOT_SUPPORTED = {"NotImplemented", "MethodNotAllowed"}
# HTTP 5xx and timeouts: they may pass on their own (botocore retried them already). A 500 with no
# AWS error document is one too (an emulator without the call answers so as well: the hint says it).
_TRANSIENT = {
    "500", "502", "503", "504", "InternalError", "InternalFailure", "InternalServerError", "ServiceUnavailable",
    "ServiceUnavailableException", "ServiceFailure", "RequestTimeout", "RequestTimeoutException", "Unavailable",
}
_TRANSIENT_HINT = ("A transient failure on AWS's side, still there after the provider's retries: apply again (every "
                   "write is safe to repeat). Against an emulator, a bare HTTP 500 can also mean the call is not "
                   "implemented there: then leave this setting unmanaged.")
_INVALID = {
    "IllegalLocationConstraintException", "ValidationError", "ValidationException", "BucketNotEmpty",
    "OperationAborted", "LimitExceeded", "LimitExceededException", "MalformedPolicy", "MalformedXML",
    "DeleteConflict",
}

# IAM action names that differ from "<service>:<Operation>".
_IAM_ACTIONS = {
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "PutBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "PutPublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "DeleteBucketTagging"): "s3:PutBucketTagging",
    ("s3", "ListObjectVersions"): "s3:ListBucketVersions",
    ("s3", "DeleteObjects"): "s3:DeleteObject",
}


def error_code(error: ClientError) -> str:
    """The AWS error code of a ``ClientError`` (``""`` when absent)."""
    return str(error.response.get("Error", {}).get("Code", ""))


def _status(error: ClientError) -> str:
    return str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or error_code(error))


def _endpoint(error: BotoCoreError) -> str:
    kwargs = getattr(error, "kwargs", {})
    return str(kwargs.get("endpoint_url") or "the endpoint")


def iam_action(service: str, operation: str) -> str:
    """The IAM action a caller needs for ``operation`` on ``service``."""
    return _IAM_ACTIONS.get((service, operation), f"{service}:{operation}")


def translate(
    error: Exception, ref: ResourceRef, *, service: str, operation: str, aspect: str | None
) -> ProviderError:
    """The awsstate error for a boto3/botocore exception raised by one call."""
    code = ""
    request_id: str | None = None
    if isinstance(error, ClientError):
        code = error_code(error)
        request_id = error.response.get("ResponseMetadata", {}).get("RequestId")

    def build(cls: type[ProviderError], message: str, hint: str | None = None) -> ProviderError:
        return cls(message, kind=ref.kind, name=ref.name, aspect=aspect, operation=operation, code=code,
                   request_id=request_id, hint=hint)

    if isinstance(error, ClientError):
        message = str(error.response.get("Error", {}).get("Message") or code or "request failed")
        if code in _NAME_TAKEN:
            return build(NameTakenError, "the name is owned by another AWS account")
        if code in _ALREADY_OWNED:
            return build(AlreadyExistsError, message)
        if code in _NOT_FOUND:
            return build(NotFoundError, "does not exist" if code == "404" else message)
        if code in _DENIED:
            return AccessDeniedError(
                f"access denied: {message}", action=iam_action(service, operation), kind=ref.kind, name=ref.name,
                aspect=aspect, operation=operation, code=code, request_id=request_id,
            )
        if code in _THROTTLED or (code == "503" and service == "s3"):
            # S3 throttles with 503 SlowDown; a HEAD response has no body to name it, only the status.
            return build(ThrottledError, f"throttled: {message}")
        if code in _TRANSIENT:
            return build(TransientError, f"transient failure (HTTP {_status(error)}): {message}", _TRANSIENT_HINT)
        if code in _NOT_SUPPORTED:
            return build(NotSupportedError, f"the endpoint does not support this call ({message})")
        if code.startswith(("Invalid", "Malformed")) or code in _INVALID:
            return build(InvalidRequestError, message)
        return build(ProviderError, message, "See the AWS error code above.")
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return build(AccessDeniedError, "no AWS credentials found",
                     "Configure credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or an "
                     "instance role), or pass AwsProvider(profile=...).")
    if isinstance(error, NoRegionError):
        return build(ProviderError, "no AWS region configured",
                     "Set region= on the desired model or the provider, or AWS_DEFAULT_REGION.")
    if isinstance(error, ProfileNotFound):
        return build(AccessDeniedError, f"the AWS profile {error.kwargs.get('profile')!r} is not configured",
                     "Name a profile from ~/.aws/config or ~/.aws/credentials (aws configure list-profiles), or "
                     "unset AWS_PROFILE to use the default credential chain.")
    if isinstance(error, ConnectTimeoutError | ReadTimeoutError):
        return build(TransientError, f"no answer from {_endpoint(error)} in time ({error})",
                     "The endpoint accepted the connection but did not answer: check endpoint_url / AWS_ENDPOINT_URL "
                     "and the network, or raise connect_timeout / read_timeout on AwsProvider.")
    if isinstance(error, EndpointConnectionError | ConnectionClosedError):
        return build(TransientError, f"could not connect to {_endpoint(error)}: {error}",
                     "Check endpoint_url / AWS_ENDPOINT_URL and the network; apply again once it answers.")
    if isinstance(error, BotoCoreError):
        return build(ProviderError, str(error), "")
    if isinstance(error, NotImplementedError):  # an emulator (moto in-process) without this call
        return build(NotSupportedError, f"the endpoint does not implement this call ({error})")
    return build(ProviderError, f"{type(error).__name__}: {error}", "")
