"""The AWS provider: boto3 clients created lazily and reused, one handler per kind."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError

from awsstate.canonical import Json
from awsstate.errors import AlreadyExistsError, NameTakenError, NotFoundError, UnknownKindError
from awsstate.providers.aws.calls import paginate, perform_call
from awsstate.providers.aws.errors import translate
from awsstate.providers.aws.handler import AwsHandler
from awsstate.providers.aws.retries import install_retries
from awsstate.providers.aws.s3_objects import AwsObjectCalls
from awsstate.providers.base import Existence, Provider, Receipt
from awsstate.spec import KindSpec, ResourceRef

__all__ = ["AwsProvider", "handler_class"]

_CALLER = SimpleNamespace(kind="account")  # what a caller-identity request is about, in logs and errors
_PROVIDER = SimpleNamespace(kind="AwsProvider")  # what a session or client error is about


def handler_class(kind: str) -> type[AwsHandler]:
    """The AWS handler of ``kind``: ``HANDLER`` in ``awsstate.providers.aws.<kind>``."""
    try:
        module = importlib.import_module(f"awsstate.providers.aws.{kind}")
    except ModuleNotFoundError as error:
        if error.name != f"awsstate.providers.aws.{kind}":
            raise
        from awsstate.kinds import kinds

        raise UnknownKindError(kind, kinds()) from None
    handler: type[AwsHandler] = module.HANDLER
    return handler


class AwsProvider(AwsObjectCalls, Provider):
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
        call_timeout: a call whose attempts keep timing out is given up (a
            :class:`~awsstate.errors.TransientError` naming the endpoint) rather than retried past
            this many seconds: an endpoint that accepts connections and never answers fails in
            about 20 s with the defaults, not ``max_attempts`` x ``read_timeout``.
        retry_quota: keep botocore's per-client retry quota (default ``False``: each call retries up
            to ``max_attempts`` however many calls failed before it; see
            :mod:`awsstate.providers.aws.retries`).
        parallel_reads: how many reads of one resource may be in flight at once (its aspects
            are read concurrently after the existence read).

    Clients are created on first use, one per (service, region), and reused by every thread;
    resources are always called in their own region (a bucket in eu-west-1 is read there,
    whatever ``region`` says). The caller's account id is looked up once (STS
    GetCallerIdentity), when a kind first needs it to build an ARN.
    """

    def __init__(
        self,
        session: Any | None = None,
        *,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        max_attempts: int = 8,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        call_timeout: float = 30.0,
        retry_quota: bool = False,
        parallel_reads: int = 16,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if parallel_reads < 1:
            raise ValueError("parallel_reads must be at least 1")
        self._session = session
        self.profile = profile
        self._region = region
        self.endpoint_url = endpoint_url
        self.max_attempts = max_attempts
        self._parallel_reads = parallel_reads
        self.read_timeout = read_timeout
        self.call_timeout = call_timeout
        self.retry_quota = retry_quota
        self._config = Config(
            # total_max_attempts counts the first try too (botocore's max_attempts counts only retries).
            retries={"mode": "standard", "total_max_attempts": max_attempts},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_pool_connections=max(10, parallel_reads),
        )
        self._clients: dict[tuple[str, str | None], Any] = {}
        self._handlers: dict[str, AwsHandler] = {}
        self._identity: tuple[str, str] | None = None
        self._lock = threading.RLock()

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
                try:
                    self._session = boto3.Session(profile_name=self.profile, region_name=self._region)
                except BotoCoreError as error:  # ProfileNotFound: no vendor exception escapes
                    ref = ResourceRef(cast(KindSpec, _PROVIDER), "session", self._region)
                    raise translate(error, ref, service="sts", operation="(session)", aspect=None) from error
            return self._session

    @property
    def default_region(self) -> str | None:
        """The region for resources that name none: the one given, else boto3's default."""
        if self._region:
            return self._region
        region = self.session.region_name
        return str(region) if region else None

    @property
    def parallel_reads(self) -> int:
        """How many reads of one resource may be in flight at once."""
        return self._parallel_reads

    def client(self, service: str, region: str | None) -> Any:
        """A boto3 client for ``service`` in ``region``, cached and shared between threads."""
        region = region or self.default_region
        key = (service, region)
        client = self._clients.get(key)
        if client is None:
            with self._lock:  # boto3 sessions are not thread-safe while creating clients
                client = self._clients.get(key)
                if client is None:
                    client = self._new_client(service, region)
                    self._clients[key] = client
        return client

    def _new_client(self, service: str, region: str | None) -> Any:
        # Built outside the call wrapper: a missing profile or region is translated here.
        caller = ResourceRef(cast(KindSpec, _PROVIDER), f"{service} client", region)
        try:
            client = self.session.client(service, region_name=region, endpoint_url=self.endpoint_url,
                                         config=self._config)
        except (BotoCoreError, ValueError) as error:
            raise translate(error, caller, service=service, operation="(client)", aspect=None) from error
        install_retries(client, max_attempts=self.max_attempts, call_timeout=self.call_timeout,
                        read_timeout=self.read_timeout, retry_quota=self.retry_quota)
        return client

    def call(self, ref: ResourceRef, service: str, method: str, *, aspect: str | None = None,
             region: str | None = None, absent: Collection[str] = (), **params: Any) -> Any:
        """One logged, error-translated boto3 call (see :func:`~awsstate.providers.aws.calls.perform_call`)."""
        region = region or ref.region or self.default_region
        return perform_call(self.client(service, region), ref, service, method, aspect=aspect, region=region,
                            absent=absent, params=params)

    def pages(self, ref: ResourceRef, service: str, method: str, *, aspect: str | None = None,
              region: str | None = None, **params: Any) -> Iterator[dict[str, Any]]:
        """Every page of a list call (botocore's paginator), logged and error-translated."""
        region = region or ref.region or self.default_region
        return paginate(self.client(service, region), ref, service, method, aspect=aspect, region=region,
                        params=params)

    def account(self, ref: ResourceRef) -> tuple[str, str]:
        """``(partition, account id)`` of the caller: one STS GetCallerIdentity per provider."""
        with self._lock:  # held during the request: concurrent first callers share one lookup
            if self._identity is None:
                response = self.call(ref, "sts", "get_caller_identity", region=self.default_region or "us-east-1")
                # arn:<partition>:sts::<account>:... names the partition the caller's ARNs use.
                parts = str(response.get("Arn", "")).split(":")
                self._identity = (parts[1] if len(parts) > 1 and parts[1] else "aws", str(response["Account"]))
            return self._identity

    def identity(self, region: str | None) -> tuple[str, str]:
        """``(partition, account id)`` of the caller (the same one cached lookup as :meth:`account`)."""
        return self.account(ResourceRef(cast(KindSpec, _CALLER), "caller", region))

    def list_tagged(self, spec: KindSpec, region: str | None, key: str, value: str) -> list[str]:
        """The names of the resources of ``spec`` tagged ``key=value`` (see the kind's handler)."""
        return self.handler(spec.kind).list_tagged(spec.ref("*", region or self.default_region), key, value)

    def list_tagged_kinds(self, specs: Sequence[KindSpec], region: str | None, key: str, value: str
                          ) -> dict[str, list[str]]:
        """Several kinds at once: one Resource Groups Tagging API listing for all the kinds it covers
        (see :mod:`awsstate.providers.aws.tagged`)."""
        from awsstate.providers.aws.tagged import list_tagged_kinds

        return list_tagged_kinds(self, specs, region, key, value)

    def list_names(self, spec: KindSpec, region: str | None, prefix: str | None = None) -> list[str]:
        """The names of the resources of ``spec`` in ``region`` (see :mod:`awsstate.providers.aws.listing`)."""
        from awsstate.providers.aws.listing import list_names

        return list_names(self.handler(spec.kind), spec.ref("*", region or self.default_region), prefix)

    def handler(self, kind: str) -> AwsHandler:
        """The handler of ``kind`` (created once, thread-safe)."""
        handler = self._handlers.get(kind)
        if handler is None:
            with self._lock:
                handler = self._handlers.get(kind)
                if handler is None:
                    handler = handler_class(kind)(self)
                    self._handlers[kind] = handler
        return handler

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """See :meth:`Provider.read_existence`."""
        return self.handler(ref.kind).read_existence(ref)

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """See :meth:`Provider.read_aspect`."""
        return self.handler(ref.kind).read_aspect(ref, aspect)

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """See :meth:`Provider.create`. Safe to repeat: "already exists" with every create parameter
        in place (an earlier attempt whose answer was lost) is success (:meth:`AwsHandler.adopt`)."""
        handler = self.handler(ref.kind)
        try:
            return handler.create(ref, params)
        except NameTakenError:
            raise
        except AlreadyExistsError as error:
            return handler.adopt(ref, params, error)

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """See :meth:`Provider.write_aspect`."""
        return self.handler(ref.kind).write_aspect(ref, aspect, value)

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """See :meth:`Provider.delete`. Safe to repeat: a resource already gone is deleted."""
        handler = self.handler(ref.kind)
        try:
            return handler.delete(ref, force=force)
        except NotFoundError:
            if handler.read_existence(ref) is not None:
                raise  # something inside it is missing, not the resource
            return Receipt()
