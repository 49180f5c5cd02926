"""The base of per-kind AWS handlers, and the one wrapper every boto3 call goes through.

A handler turns the provider interface (existence, aspect reads and writes, create, delete) into
boto3 calls for one kind, converting between boto3's dicts and awsstate's canonical values.
Every call goes through :meth:`Clients.call`, which logs it (with the AWS request id and how many
retries botocore made) and translates errors in one place.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from typing import Any, ClassVar, Protocol

import structlog
from botocore.exceptions import BotoCoreError, ClientError

from awsstate.canonical import Json
from awsstate.providers.aws.errors import error_code, translate
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["ABSENT", "AwsHandler", "Clients"]

log = structlog.get_logger("awsstate.providers.aws")


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
"""Returned by :meth:`Clients.call` when the error code says "not configured" (``absent=``)."""


class Clients(Protocol):
    """What handlers need from the provider: region-aware clients and a call wrapper."""

    @property
    def default_region(self) -> str | None:
        """The region used when a call names none."""
        ...

    def client(self, service: str, region: str | None) -> Any:
        """A cached boto3 client for ``service`` in ``region``."""
        ...

    def call(
        self,
        ref: ResourceRef,
        service: str,
        method: str,
        *,
        aspect: str | None = None,
        region: str | None = None,
        absent: Collection[str] = (),
        **params: Any,
    ) -> Any:
        """Call ``method`` on the client; returns the response dict or :data:`ABSENT`."""
        ...


class AwsHandler(ABC):
    """The boto3 side of one resource kind."""

    service: ClassVar[str]

    def __init__(self, clients: Clients) -> None:
        self.clients = clients

    def call(self, ref: ResourceRef, method: str, *, aspect: str | None = None, region: str | None = None,
             absent: Collection[str] = (), **params: Any) -> Any:
        """Shorthand for :meth:`Clients.call` on this handler's service, in ``ref``'s region."""
        return self.clients.call(ref, self.service, method, aspect=aspect, region=region or ref.region,
                                 absent=absent, **params)

    @abstractmethod
    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """See :meth:`awsstate.providers.base.Provider.read_existence`."""

    @abstractmethod
    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """See :meth:`awsstate.providers.base.Provider.read_aspect`."""

    @abstractmethod
    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """See :meth:`awsstate.providers.base.Provider.create`."""

    @abstractmethod
    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """See :meth:`awsstate.providers.base.Provider.write_aspect`."""

    @abstractmethod
    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """See :meth:`awsstate.providers.base.Provider.delete`."""


def receipt(response: Any) -> Receipt:
    """A receipt carrying the request id of a boto3 response."""
    if isinstance(response, dict):
        return Receipt(request_id=response.get("ResponseMetadata", {}).get("RequestId"))
    return Receipt()


def perform_call(
    client: Any, ref: ResourceRef, service: str, method: str, *, aspect: str | None, region: str | None,
    absent: Collection[str], params: Mapping[str, Any],
) -> Any:
    """Make one boto3 call: log it, and translate its errors. Used by the provider's ``call``."""
    operation = client.meta.method_to_api_mapping.get(method, method)
    started = time.perf_counter()
    fields = {"service": service, "operation": operation, "region": region, "kind": ref.kind,
              "name": ref.name, "aspect": aspect}
    try:
        response = getattr(client, method)(**params)
    except ClientError as error:
        failed = error.response.get("ResponseMetadata", {})
        code = error_code(error)
        log.debug("aws.call", **fields, outcome=code, request_id=failed.get("RequestId"),
                  retries=failed.get("RetryAttempts", 0), duration_ms=round((time.perf_counter() - started) * 1000, 3))
        if code in absent:
            return ABSENT
        raise translate(error, ref, service=service, operation=operation, aspect=aspect) from error
    except BotoCoreError as error:
        raise translate(error, ref, service=service, operation=operation, aspect=aspect) from error
    meta: dict[str, Any] = dict(response.get("ResponseMetadata", {})) if isinstance(response, dict) else {}
    retries = meta.get("RetryAttempts", 0)
    log.debug("aws.call", **fields, outcome="ok", request_id=meta.get("RequestId"), retries=retries,
              duration_ms=round((time.perf_counter() - started) * 1000, 3))
    if retries:
        # Retries are normal under throttling; make them visible without debug logging.
        log.info("aws.retried", **fields, retries=retries, request_id=meta.get("RequestId"))
    return response
