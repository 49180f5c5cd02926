"""The provider interface, and the one seam every wrapper is built on.

A provider serves every resource kind. Its interface is narrow and speaks awsstate's own values
(canonical JSON per aspect, see :mod:`awsstate.spec`), never boto3 dicts, so that a fake is small:
five methods, each of which is one call to the backend. One provider call is one API request
(or a few, for set-valued writes), and is counted as one.

Wrappers (recording, fault injection, latency doubles, users' own) derive from
:class:`WrappingProvider` and override one hook, :meth:`WrappingProvider.intercept`, which sees
each call as a :class:`ProviderCall` record and decides when and whether to pass it on::

    class Slow(WrappingProvider):
        def intercept(self, call, proceed):
            time.sleep(0.05)
            return proceed()
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

from awsstate.canonical import Json
from awsstate.objects.calls import OBJECT_OPERATIONS, ForwardedObjectCalls, ObjectCalls, send_object_call
from awsstate.spec import KindSpec, ResourceRef

__all__ = ["Existence", "Operation", "Provider", "ProviderCall", "Receipt", "WrappingProvider"]

T = TypeVar("T")

Existence = dict[str, Json]
"""What an existence read returns: ``region`` (for regional kinds and S3), computed attributes
such as ``arn``, and the aspects the read carries. ``None`` instead means it does not exist."""

Operation = Literal["read_existence", "read_aspect", "create", "write_aspect", "delete", "list_tagged",
                   "list_tagged_kinds", "list_names",
                   "read_object", "read_object_head", "read_object_tags", "list_objects",
                   "write_object", "copy_object", "delete_object", "write_object_tags"]
"""The five provider calls, and the S3 object calls (see :mod:`awsstate.objects.calls`)."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a write returns: the backend's request id, for logs and support cases."""

    request_id: str | None = None


class Provider(ObjectCalls, ABC):
    """One backend (AWS, the in-memory fake, or a wrapper around another provider).

    Errors are raised as :class:`awsstate.errors.ProviderError` subclasses; a provider never lets
    a vendor exception escape.
    """

    @abstractmethod
    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """Whether the resource exists and, if so, its attributes and carried aspects."""

    @abstractmethod
    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """The canonical value of one aspect (``None`` when it is not configured).

        Raises :class:`~awsstate.errors.NotFoundError` when the resource does not exist.
        """

    @abstractmethod
    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """Create the resource with its create-time parameters (see ``KindSpec.create_params``)."""

    @abstractmethod
    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """Make one aspect hold ``value``."""

    @abstractmethod
    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """Delete the resource. ``force`` also removes its contents (objects in a bucket)."""

    @property
    def default_region(self) -> str | None:
        """The region used for a regional resource whose desired model names none."""
        return None

    @property
    def parallel_reads(self) -> int:
        """How many reads of one resource the engine may have in flight at once.

        ``1`` (reads one after another) for backends without latency, such as the in-memory
        fake, where threads would only add overhead; more for networked backends.
        """
        return 1

    def describe(self) -> str:
        """A short description for logs and reprs."""
        return type(self).__name__

    def identity(self, region: str | None) -> tuple[str, str]:
        """``(partition, account id)`` of the caller: what ARNs derived before creation are built from."""
        from awsstate.errors import NotSupportedError

        raise NotSupportedError(f"{self.describe()} cannot tell the caller's account", operation="identity")

    def list_tagged(self, spec: KindSpec, region: str | None, key: str, value: str) -> list[str]:
        """The names of the resources of ``spec`` in ``region`` tagged ``key=value`` (one listing)."""
        from awsstate.errors import NotSupportedError

        raise NotSupportedError(f"{self.describe()} cannot list resources by tag", kind=spec.kind,
                                operation="list_tagged")

    def list_tagged_kinds(self, specs: Sequence[KindSpec], region: str | None, key: str, value: str
                          ) -> dict[str, list[str]]:
        """:meth:`list_tagged` for several kinds of one region at once: ``{kind: names}``. Backends
        that can list many kinds in one request (the AWS provider: one Resource Groups Tagging API
        listing) override this; by default it is one listing per kind."""
        return {spec.kind: self.list_tagged(spec, region, key, value) for spec in specs}

    def list_names(self, spec: KindSpec, region: str | None, prefix: str | None = None) -> list[str]:
        """The names of this account's resources of ``spec`` (in ``region`` for regional kinds),
        those starting with ``prefix`` only when given, sorted (every page of the listing)."""
        from awsstate.errors import NotSupportedError

        raise NotSupportedError(f"{self.describe()} cannot list resources", kind=spec.kind, operation="list_names")


@dataclass(frozen=True, slots=True)
class ProviderCall:
    """One provider call as a record: what a :class:`WrappingProvider` hook sees.

    ``aspect`` is set for aspect reads and writes, ``value`` for writes, ``params`` for creates
    and ``force`` for deletes. Object calls set ``key`` (the object's key) and ``request`` (see
    :mod:`awsstate.objects.calls`); ``ref`` is then the bucket.
    """

    operation: Operation
    ref: ResourceRef
    aspect: str | None = None
    value: Json = None
    params: Mapping[str, Json] | None = None
    force: bool = False
    key: str | None = None
    request: Any = None

    @property
    def kind(self) -> str:
        """The resource's kind."""
        return self.ref.kind

    @property
    def name(self) -> str:
        """The resource's name."""
        return self.ref.name

    @property
    def region(self) -> str | None:
        """The region called."""
        return self.ref.region

    @property
    def access(self) -> Literal["read", "write"]:
        """``read`` for existence and aspect reads, ``write`` for everything else."""
        return "read" if self.operation.startswith(("read_", "list_")) else "write"

    def send(self, provider: Provider) -> Any:
        """Make this call on ``provider``."""
        if self.operation in OBJECT_OPERATIONS:
            return send_object_call(self, provider)
        if self.operation == "read_existence":
            return provider.read_existence(self.ref)
        if self.operation == "read_aspect":
            return provider.read_aspect(self.ref, str(self.aspect))
        if self.operation == "create":
            return provider.create(self.ref, self.params or {})
        if self.operation == "write_aspect":
            return provider.write_aspect(self.ref, str(self.aspect), self.value)
        if self.operation == "list_tagged":
            params = self.params or {}
            return provider.list_tagged(self.ref.spec, self.ref.region, str(params["key"]), str(params["value"]))
        if self.operation == "list_tagged_kinds":
            from awsstate.kinds import kind_spec

            params = self.params or {}
            specs = [kind_spec(str(kind)) for kind in cast(list[str], params["kinds"])]
            return provider.list_tagged_kinds(specs, self.ref.region, str(params["key"]), str(params["value"]))
        if self.operation == "list_names":
            prefix = (self.params or {}).get("prefix")
            return provider.list_names(self.ref.spec, self.ref.region, None if prefix is None else str(prefix))
        return provider.delete(self.ref, force=self.force)

    def __str__(self) -> str:
        aspect = f" {self.aspect}" if self.aspect else ""
        key = f" key {self.key!r}" if self.key is not None else ""
        return f"{self.operation}{aspect} {self.kind} {self.name}{key}"


class WrappingProvider(ForwardedObjectCalls, Provider):
    """A provider that passes every call to ``inner`` through one hook, :meth:`intercept`.

    Subclasses override :meth:`intercept` only; everything else (the five calls, the default
    region, the read parallelism) is forwarded.
    """

    def __init__(self, inner: Provider) -> None:
        self.inner = inner

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r})"

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        """See, change, delay or fail ``call``; ``proceed()`` makes it on the inner provider."""
        return proceed()

    def _handle(self, call: ProviderCall) -> Any:
        return self.intercept(call, lambda: call.send(self.inner))

    def _object_call(self, operation: str, ref: ResourceRef, key: str | None, request: Any = None,
                     value: Any = None) -> Any:
        return self._handle(ProviderCall(cast(Operation, operation), ref, key=key, request=request, value=value))

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """:meth:`Provider.read_existence`, through :meth:`intercept`."""
        result: Existence | None = self._handle(ProviderCall("read_existence", ref))
        return result

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """:meth:`Provider.read_aspect`, through :meth:`intercept`."""
        result: Json = self._handle(ProviderCall("read_aspect", ref, aspect=aspect))
        return result

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """:meth:`Provider.create`, through :meth:`intercept`."""
        result: Receipt = self._handle(ProviderCall("create", ref, params=params))
        return result

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """:meth:`Provider.write_aspect`, through :meth:`intercept`."""
        result: Receipt = self._handle(ProviderCall("write_aspect", ref, aspect=aspect, value=value))
        return result

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """:meth:`Provider.delete`, through :meth:`intercept`."""
        result: Receipt = self._handle(ProviderCall("delete", ref, force=force))
        return result

    @property
    def default_region(self) -> str | None:
        """The wrapped provider's default region."""
        return self.inner.default_region

    @property
    def parallel_reads(self) -> int:
        """The wrapped provider's read parallelism."""
        return self.inner.parallel_reads

    def identity(self, region: str | None) -> tuple[str, str]:
        """The wrapped provider's caller identity (not a counted call: it is looked up once)."""
        return self.inner.identity(region)

    def list_tagged(self, spec: KindSpec, region: str | None, key: str, value: str) -> list[str]:
        """:meth:`Provider.list_tagged`, through :meth:`intercept`."""
        call = ProviderCall("list_tagged", ResourceRef(spec, "*", region), params={"key": key, "value": value})
        result: list[str] = self._handle(call)
        return result

    def list_tagged_kinds(self, specs: Sequence[KindSpec], region: str | None, key: str, value: str
                          ) -> dict[str, list[str]]:
        """:meth:`Provider.list_tagged_kinds`, through :meth:`intercept`: one call (named by the first kind)."""
        if not specs:
            return {}
        call = ProviderCall("list_tagged_kinds", ResourceRef(specs[0], "*", region),
                            params={"key": key, "value": value, "kinds": [spec.kind for spec in specs]})
        result: dict[str, list[str]] = self._handle(call)
        return result

    def list_names(self, spec: KindSpec, region: str | None, prefix: str | None = None) -> list[str]:
        """:meth:`Provider.list_names`, through :meth:`intercept`."""
        call = ProviderCall("list_names", ResourceRef(spec, "*", region), params={"prefix": prefix})
        result: list[str] = self._handle(call)
        return result

    def describe(self) -> str:
        """``<name>(<inner>)``."""
        return f"{type(self).__name__}({self.inner.describe()})"
