"""The AWS provider: boto3 clients, created lazily and reused, one handler per kind."""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping
from typing import Any

import boto3
from botocore.config import Config

from awsstate.canonical import Json
from awsstate.errors import UnknownKindError
from awsstate.providers.aws.handler import AwsHandler, perform_call
from awsstate.providers.aws.iam_policy import IamPolicyHandler
from awsstate.providers.aws.iam_role import IamRoleHandler
from awsstate.providers.aws.s3_bucket import S3BucketHandler
from awsstate.providers.aws.sns_topic import SnsTopicHandler
from awsstate.providers.aws.sqs_queue import SqsQueueHandler
from awsstate.providers.base import Existence, Provider, Receipt
from awsstate.spec import ResourceRef

__all__ = ["HANDLERS", "AwsProvider"]

HANDLERS: dict[str, type[AwsHandler]] = {
    "s3_bucket": S3BucketHandler,
    "sqs_queue": SqsQueueHandler,
    "sns_topic": SnsTopicHandler,
    "iam_policy": IamPolicyHandler,
    "iam_role": IamRoleHandler,
}
"""The AWS handler of each kind: the one table where a kind's boto3 code is registered."""


class AwsProvider(Provider):
    """Reads and writes real AWS (or anything speaking its API, like moto or LocalStack).

    Args:
        session: a ``boto3.Session`` to use; by default one is created on first use.
        profile: a named profile from the AWS config files (ignored when ``session`` is given).
        region: the default region (for resources whose desired model names none); boto3's
            own default (``AWS_REGION`` / ``AWS_DEFAULT_REGION`` / config) when not given.
        endpoint_url: send every call to this endpoint (moto server, LocalStack). Without it,
            botocore still honours ``AWS_ENDPOINT_URL`` and ``AWS_ENDPOINT_URL_<SERVICE>``.
        max_attempts: total attempts per call in botocore's standard retry mode (which retries
            throttling and transient errors with backoff).
        connect_timeout / read_timeout: socket timeouts in seconds.

    Clients are created on first use, one per (service, region), and reused; resources are
    always called in their own region (a bucket in eu-west-1 is read there, whatever
    ``region`` says).
    """

    def __init__(
        self,
        session: Any | None = None,
        *,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        max_attempts: int = 5,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._session = session
        self.profile = profile
        self._region = region
        self.endpoint_url = endpoint_url
        self.max_attempts = max_attempts
        self._config = Config(
            # total_max_attempts counts the first try too (botocore's max_attempts counts only retries).
            retries={"mode": "standard", "total_max_attempts": max_attempts},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
        )
        self._clients: dict[tuple[str, str | None], Any] = {}
        self._handlers: dict[str, AwsHandler] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        parts = [f"region={self._region!r}"]
        if self.profile:
            parts.append(f"profile={self.profile!r}")
        if self.endpoint_url:
            parts.append(f"endpoint_url={self.endpoint_url!r}")
        return f"AwsProvider({', '.join(parts)})"

    @property
    def session(self) -> Any:
        """The boto3 session (created on first use)."""
        with self._lock:
            if self._session is None:
                self._session = boto3.Session(profile_name=self.profile, region_name=self._region)
            return self._session

    @property
    def default_region(self) -> str | None:
        """The region for resources that name none: the one given, else boto3's default."""
        if self._region:
            return self._region
        region = self.session.region_name
        return str(region) if region else None

    def client(self, service: str, region: str | None) -> Any:
        """A boto3 client for ``service`` in ``region``, cached and shared between threads."""
        region = region or self.default_region
        key = (service, region)
        client = self._clients.get(key)
        if client is None:
            session = self.session
            with self._lock:  # boto3 sessions are not thread-safe while creating clients
                client = self._clients.get(key)
                if client is None:
                    client = session.client(service, region_name=region, endpoint_url=self.endpoint_url,
                                            config=self._config)
                    self._clients[key] = client
        return client

    def call(
        self, ref: ResourceRef, service: str, method: str, *, aspect: str | None = None,
        region: str | None = None, absent: Collection[str] = (), **params: Any,
    ) -> Any:
        """One logged, error-translated boto3 call (see :func:`perform_call`)."""
        region = region or ref.region or self.default_region
        return perform_call(self.client(service, region), ref, service, method, aspect=aspect, region=region,
                            absent=absent, params=params)

    def handler(self, kind: str) -> AwsHandler:
        """The handler of ``kind`` (created once)."""
        handler = self._handlers.get(kind)
        if handler is None:
            try:
                handler = HANDLERS[kind](self)
            except KeyError:
                raise UnknownKindError(kind, tuple(HANDLERS)) from None
            self._handlers[kind] = handler
        return handler

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """See :meth:`Provider.read_existence`."""
        return self.handler(ref.kind).read_existence(ref)

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """See :meth:`Provider.read_aspect`."""
        return self.handler(ref.kind).read_aspect(ref, aspect)

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """See :meth:`Provider.create`."""
        return self.handler(ref.kind).create(ref, params)

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """See :meth:`Provider.write_aspect`."""
        return self.handler(ref.kind).write_aspect(ref, aspect, value)

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """See :meth:`Provider.delete`."""
        return self.handler(ref.kind).delete(ref, force=force)
