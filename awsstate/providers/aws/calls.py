"""Every boto3 request goes through here: logged (with the request id and botocore's retries)
and its errors translated in one place (:mod:`awsstate.providers.aws.errors`)."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from awsstate.errors import ProviderError
from awsstate.log import get_logger
from awsstate.providers.aws.errors import error_code, translate
from awsstate.spec import ResourceRef

__all__ = ["ABSENT", "paginate", "perform_call"]

log = get_logger("awsstate.providers.aws")


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
"""Returned by a call when the error code says "not configured" (``absent=``)."""


def _fields(ref: ResourceRef, service: str, operation: str, region: str | None, aspect: str | None) -> dict[str, Any]:
    return {"service": service, "operation": operation, "region": region, "kind": ref.kind, "name": ref.name,
            "aspect": aspect}


def _logged(fields: Mapping[str, Any], response: Any, started: float) -> None:
    meta: dict[str, Any] = dict(response.get("ResponseMetadata", {})) if isinstance(response, dict) else {}
    retries = meta.get("RetryAttempts", 0)
    log.debug("aws.call", **fields, outcome="ok", request_id=meta.get("RequestId"), retries=retries,
              duration_ms=round((time.perf_counter() - started) * 1000, 3))
    if retries:
        # Retries are normal under throttling; make them visible without debug logging.
        log.info("aws.retried", **fields, retries=retries, request_id=meta.get("RequestId"))


_REQUEST_ID_HEADERS = ("x-amz-request-id", "x-amzn-requestid", "x-amz-id-2", "x-amzn-request-id")


def _from_aws(error: ClientError) -> bool:
    """Whether an error answer comes from something speaking AWS's API: an AWS error document (a code
    that is not just the HTTP status) or an AWS request id header (HEAD answers have no body)."""
    meta = error.response.get("ResponseMetadata", {})
    if error_code(error) != str(meta.get("HTTPStatusCode", "")):
        return True
    headers = {str(k).lower() for k in meta.get("HTTPHeaders", {})}
    return any(name in headers for name in _REQUEST_ID_HEADERS)


def _not_aws(client: Any, ref: ResourceRef, service: str, operation: str, aspect: str | None,
             error: ClientError) -> ProviderError:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    endpoint = getattr(client.meta, "endpoint_url", "the endpoint")
    return ProviderError(
        f"{endpoint} answered HTTP {status} without an AWS error document or request id: it does not look like "
        f"{service.upper()} (nothing was read as absent)", kind=ref.kind, name=ref.name, aspect=aspect,
        operation=operation, code=str(status),
        hint="Check endpoint_url / AWS_ENDPOINT_URL: it must point at AWS or an emulator of it (moto, LocalStack).")


def perform_call(
    client: Any, ref: ResourceRef, service: str, method: str, *, aspect: str | None, region: str | None,
    absent: Collection[str], params: Mapping[str, Any],
) -> Any:
    """Make one boto3 call: log it, and translate its errors (``absent`` codes return :data:`ABSENT`)."""
    operation = client.meta.method_to_api_mapping.get(method, method)
    started = time.perf_counter()
    fields = _fields(ref, service, operation, region, aspect)
    try:
        response = getattr(client, method)(**params)
    except ClientError as error:
        failed = error.response.get("ResponseMetadata", {})
        code = error_code(error)
        retries = failed.get("RetryAttempts", 0)
        log.debug("aws.call", **fields, outcome=code, request_id=failed.get("RequestId"), retries=retries,
                  duration_ms=round((time.perf_counter() - started) * 1000, 3))
        if retries:  # retried, then answered with an error (often "not configured"): the retries still count
            log.info("aws.retried", **fields, retries=retries, request_id=failed.get("RequestId"))
        if not _from_aws(error):
            raise _not_aws(client, ref, service, operation, aspect, error) from error
        if code in absent:
            return ABSENT
        raise translate(error, ref, service=service, operation=operation, aspect=aspect) from error
    except (BotoCoreError, NotImplementedError) as error:  # moto in-process raises NotImplementedError
        raise translate(error, ref, service=service, operation=operation, aspect=aspect) from error
    _logged(fields, response, started)
    return response


def paginate(
    client: Any, ref: ResourceRef, service: str, method: str, *, aspect: str | None, region: str | None,
    params: Mapping[str, Any],
) -> Iterator[dict[str, Any]]:
    """Every page of a list call, through botocore's paginator; each page logged, errors translated."""
    operation = client.meta.method_to_api_mapping.get(method, method)
    fields = _fields(ref, service, operation, region, aspect)
    pages = client.get_paginator(method).paginate(**params)
    iterator = iter(pages)
    while True:
        started = time.perf_counter()
        try:
            page = next(iterator)
        except StopIteration:
            return
        except (ClientError, BotoCoreError, NotImplementedError) as error:
            raise translate(error, ref, service=service, operation=operation, aspect=aspect) from error
        _logged(fields, page, started)
        yield page
