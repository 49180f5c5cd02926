"""Faults on the wire, for moto in-process: what a fault proxy between botocore and AWS would do.

:class:`WireFaults` is a botocore ``before-send`` hook (registered first on a session, ahead of
moto's own stub, which is also a ``before-send`` handler: the first answer wins). For a chosen
share of requests it answers with a fault instead of letting moto answer; everything after it is
real: botocore parses the answer, its retry mode decides to retry and re-sends the request (moto
then answers it), awsstate's call wrapper logs and translates what is left.

Fault kinds:

* ``throttle``: the error each service really sends when throttling (S3: 503 ``SlowDown``; query
  services such as IAM/SNS/STS: 400 ``Throttling``; JSON services such as SQS: 400
  ``ThrottlingException``); not processed;
* ``server_error``: HTTP 500 with an empty body; not processed;
* ``unavailable``: HTTP 503 with an empty body; not processed;
* ``connection_error``: the connection drops before the request is sent; not processed;
* ``lost_response``: moto processes the request (it takes effect), then the answer is lost (a read
  timeout): botocore re-sends it. The nasty one for writes that are not idempotent.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Collection
from typing import Any, Literal

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError
from moto.core.models import botocore_stubber

__all__ = ["PROVEN_KINDS", "WIRE_FAULTS", "WireFault", "WireFaults", "throttling_response"]

PROVEN_KINDS = ("s3_bucket", "sqs_queue", "sns_topic", "iam_policy", "iam_role", "logs_log_group",
                "dynamodb_table", "ecr_repository", "kms_key", "ssm_parameter", "secretsmanager_secret")
"""The kinds whose AWS handlers are proven safe to repeat on the wire (lost answers, the moto fault
sweep, the fault benchmark). A kind joins by being added here, once its handler passes them."""

WireFault = Literal["throttle", "server_error", "unavailable", "connection_error", "lost_response"]
WIRE_FAULTS: tuple[WireFault, ...] = ("throttle", "server_error", "unavailable", "connection_error", "lost_response")


class _Body:
    """The raw body botocore reads a response from (it only calls ``stream()``)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def throttling_response(service: str, request: Any) -> AWSResponse:
    """The throttling error ``service`` answers with, in its protocol (S3 XML, JSON, query XML)."""
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-RequestId": request_id, "x-amz-request-id": request_id}
    if service == "s3":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                f"<Message>Please reduce your request rate.</Message><RequestId>{request_id}</RequestId></Error>")
        return AWSResponse(request.url, 503, {**headers, "Content-Type": "application/xml"}, _Body(body.encode()))
    if "X-Amz-Target" in request.headers:  # JSON protocol (SQS, CloudWatch Logs)
        body = '{"__type": "ThrottlingException", "message": "Rate exceeded"}'
        return AWSResponse(request.url, 400, {**headers, "Content-Type": "application/x-amz-json-1.0"},
                           _Body(body.encode()))
    body = ("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>")
    return AWSResponse(request.url, 400, {**headers, "Content-Type": "text/xml"}, _Body(body.encode()))


def _bare(status: int, request: Any) -> AWSResponse:
    request_id = str(uuid.uuid4())
    return AWSResponse(request.url, status, {"x-amzn-RequestId": request_id, "x-amz-request-id": request_id,
                                             "Content-Length": "0"}, _Body(b""))


class WireFaults:
    """A ``before-send`` hook that answers chosen requests with a fault (see the module docstring).

    Args:
        kind: the fault (or a sequence of kinds, drawn at random for each faulted request).
        rate: the share of requests faulted (drawn with a seeded ``random.Random``), when
            ``operations`` is not given.
        operations: fault only these API operations (``CreatePolicyVersion``), ``times`` each.
        times: with ``operations``: how many requests of each operation to fault.
        seed: the random seed.

    ``faulted`` lists ``(operation, kind)`` of every fault; ``requests`` counts the requests seen.
    """

    def __init__(self, kind: WireFault | Collection[WireFault], *, rate: float = 0.0,
                 operations: Collection[str] = (), times: int = 1, seed: int = 0) -> None:
        self.kinds: tuple[WireFault, ...] = (kind,) if isinstance(kind, str) else tuple(kind)
        self.rate = rate
        self.operations = frozenset(operations)
        self.times = times
        self.random = random.Random(seed)
        self.requests = 0
        self.faulted: list[tuple[str, WireFault]] = []
        self.enabled = True
        self._lock = threading.Lock()

    def register(self, session: Any) -> WireFaults:
        """Answer the requests of every client of ``session`` (a boto3 session) first."""
        session.events.register_first("before-send", self)
        return self

    def _choose(self, operation: str) -> WireFault | None:
        with self._lock:
            self.requests += 1
            if not self.enabled:
                return None
            if self.operations:
                done = sum(1 for name, _ in self.faulted if name == operation)
                if operation not in self.operations or done >= self.times:
                    return None
            elif self.random.random() >= self.rate:
                return None
            kind = self.random.choice(self.kinds)
            self.faulted.append((operation, kind))
            return kind

    def __call__(self, request: Any, event_name: str, **kwargs: Any) -> AWSResponse | None:
        _, service, operation = ([*event_name.split("."), "", ""])[:3]
        kind = self._choose(operation)
        if kind is None:
            return None
        if kind == "throttle":
            return throttling_response(service, request)
        if kind == "server_error":
            return _bare(500, request)
        if kind == "unavailable":
            return _bare(503, request)
        if kind == "connection_error":
            raise ConnectionClosedError(endpoint_url=request.url)
        botocore_stubber(event_name, request, **kwargs)  # it takes effect on moto ...
        raise ReadTimeoutError(endpoint_url=request.url)  # ... and its answer never arrives

