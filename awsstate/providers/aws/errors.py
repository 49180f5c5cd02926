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
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
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
)
from awsstate.spec import ResourceRef

__all__ = ["error_code", "translate"]

_NOT_FOUND = {
    "404", "NoSuchBucket", "NotFound", "NoSuchEntity", "ResourceNotFoundException", "NotFoundException",
    "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist",
}
_ALREADY_OWNED = {"BucketAlreadyOwnedByYou", "EntityAlreadyExists", "QueueAlreadyExists", "ResourceExistsException"}
_NAME_TAKEN = {"BucketAlreadyExists"}
_DENIED = {
    "403", "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
    "AuthorizationErrorException", "AllAccessDisabled", "InvalidClientTokenId", "SignatureDoesNotMatch",
}
_THROTTLED = {
    "Throttling", "ThrottlingException", "ThrottledException", "SlowDown", "RequestLimitExceeded",
    "TooManyRequestsException", "RequestThrottled", "RequestThrottledException", "Throttled",
}
_NOT_SUPPORTED = {"500", "NotImplemented", "MethodNotAllowed"}
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
        if code in _THROTTLED:
            return build(ThrottledError, f"throttled: {message}")
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
    if isinstance(error, EndpointConnectionError):
        return build(ProviderError, f"could not connect: {error}",
                     "Check endpoint_url / AWS_ENDPOINT_URL and the network.")
    if isinstance(error, BotoCoreError):
        return build(ProviderError, str(error), "")
    if isinstance(error, NotImplementedError):  # an emulator (moto in-process) without this call
        return build(NotSupportedError, f"the endpoint does not implement this call ({error})")
    return build(ProviderError, f"{type(error).__name__}: {error}", "")
