"""The base of per-kind AWS handlers: one table of aspect reads and writes, dispatched here.

A kind's module (``awsstate/providers/aws/<kind>.py``) defines a handler class with

* ``read_existence`` (one request, usually: it also parses, in one place, the aspects the
  existence read carries), ``create`` and ``delete``;
* ``ASPECTS``: one :class:`AspectIO` per aspect of the kind, ``read`` and ``write`` being small
  functions of ``(handler, ref)`` and ``(handler, ref, value)``. An aspect the existence read
  carries has no ``read`` of its own.

and ends with ``HANDLER = <that class>``: the provider finds it by the kind's name. A guard test
checks that each table's keys are exactly the kind's aspects. Every request goes through
:meth:`AwsHandler.call` or :meth:`AwsHandler.pages` (botocore paginators), which name the aspect
being read or written in logs and errors without each function having to.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from awsstate.canonical import Json
from awsstate.errors import AlreadyExistsError, NotFoundError, NotSupportedError
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["AspectIO", "AwsHandler", "Clients", "receipt"]

H = TypeVar("H", bound="AwsHandler")

_ASPECT: ContextVar[str | None] = ContextVar("awsstate_aspect", default=None)


class Clients(Protocol):
    """What handlers need from the provider: region-aware calls and the caller's account."""

    @property
    def default_region(self) -> str | None:
        """The region used when a call names none."""
        ...

    def call(self, ref: ResourceRef, service: str, method: str, *, aspect: str | None = None,
             region: str | None = None, absent: Collection[str] = (), **params: Any) -> Any:
        """One logged, error-translated request (the response, or ``ABSENT``)."""
        ...

    def pages(self, ref: ResourceRef, service: str, method: str, *, aspect: str | None = None,
              region: str | None = None, **params: Any) -> Iterator[dict[str, Any]]:
        """Every page of a list request (botocore's paginator)."""
        ...

    def account(self, ref: ResourceRef) -> tuple[str, str]:
        """``(partition, account id)`` of the caller, looked up once per provider."""
        ...


@dataclass(frozen=True)
class AspectIO(Generic[H]):
    """How one aspect is written, and read (``read=None``: carried by the existence read)."""

    write: Callable[[H, ResourceRef, Json], Any]
    read: Callable[[H, ResourceRef], Json] | None = None


def receipt(response: Any) -> Receipt:
    """A receipt carrying the request id of a boto3 response."""
    if isinstance(response, Receipt):
        return response
    if isinstance(response, dict):
        return Receipt(request_id=response.get("ResponseMetadata", {}).get("RequestId"))
    return Receipt()


class AwsHandler(ABC):
    """The boto3 side of one resource kind (see the module docstring)."""

    service: ClassVar[str]
    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]]

    def __init__(self, clients: Clients) -> None:
        self.clients = clients

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def region_for(self, ref: ResourceRef) -> str | None:
        """The region this kind's requests go to (a global service overrides it)."""
        return ref.region

    def call(self, ref: ResourceRef, method: str, *, region: str | None = None, absent: Collection[str] = (),
             service: str | None = None, **params: Any) -> Any:
        """One request on this handler's service, in the resource's region, naming the current aspect."""
        return self.clients.call(ref, service or self.service, method, aspect=_ASPECT.get(),
                                 region=region or self.region_for(ref), absent=absent, **params)

    def pages(self, ref: ResourceRef, method: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every page of a list request on this handler's service."""
        return self.clients.pages(ref, self.service, method, aspect=_ASPECT.get(), region=self.region_for(ref),
                                  **params)

    def items(self, ref: ResourceRef, method: str, key: str, **params: Any) -> list[Any]:
        """Every item under ``key`` across the pages of a list request."""
        return [item for page in self.pages(ref, method, **params) for item in page.get(key, [])]

    TAGGED_TYPE: ClassVar[str] = ""
    """The Resource Groups Tagging API resource type of this kind (``sqs``, ``logs:log-group`` ...)."""

    def name_of(self, arn: str) -> str:
        """The resource name in one of this kind's ARNs (the part after the last ``:``)."""
        return arn.rsplit(":", 1)[-1]

    def list_tagged(self, ref: ResourceRef, key: str, value: str) -> list[str]:
        """Names of this kind's resources in ``ref.region`` tagged ``key=value``: one paginated
        Resource Groups Tagging API listing (kinds outside that API override this)."""
        if not self.TAGGED_TYPE:
            raise NotSupportedError("cannot list this kind by tag", kind=ref.kind, operation="list_tagged")
        pages = self.clients.pages(ref, "resourcegroupstaggingapi", "get_resources", region=self.region_for(ref),
                                   TagFilters=[{"Key": key, "Values": [value]}],
                                   ResourceTypeFilters=[self.TAGGED_TYPE])
        return self.names_from_tagged(ref, [str(item["ResourceARN"]) for page in pages
                                            for item in page.get("ResourceTagMappingList", [])])

    def names_from_tagged(self, ref: ResourceRef, arns: list[str]) -> list[str]:
        """The names of the resources the tag listing gave as ``arns`` (all of this kind's type)."""
        return sorted(self.name_of(arn) for arn in arns)

    @abstractmethod
    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """See :meth:`awsstate.providers.base.Provider.read_existence`."""

    @abstractmethod
    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """See :meth:`awsstate.providers.base.Provider.create`."""

    @abstractmethod
    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """See :meth:`awsstate.providers.base.Provider.delete`."""

    def adopt(self, ref: ResourceRef, params: Mapping[str, Json], error: AlreadyExistsError) -> Receipt:
        """After a create answered "already exists": reuse the resource if it holds every create
        parameter (an earlier attempt took effect and its answer was lost, then botocore re-sent it),
        else raise ``error``. Aspects the existence read does not carry are read, one call each."""
        existence = self.read_existence(ref)
        if existence is None:
            raise error
        found = dict(existence)
        for key in params:
            if key in ref.spec.aspect_names and key not in found:
                found[key] = self.read_aspect(ref, key)
        differ = ref.spec.create_mismatches(params, found)
        if differ:
            error.hint = (f"It exists already, with other {', '.join(differ)} than this create sets: plan again "
                          "to update it.")
            raise error
        return Receipt(request_id=error.request_id)

    def _io(self, aspect: str) -> AspectIO[Any]:
        try:
            return self.ASPECTS[aspect]
        except KeyError:
            raise KeyError(f"{type(self).__name__} has no aspect {aspect!r}") from None

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """The aspect's table read (a carried aspect: from the existence read)."""
        io = self._io(aspect)
        token = _ASPECT.set(aspect)
        try:
            if io.read is not None:
                return io.read(self, ref)
            existence = self.read_existence(ref)
        finally:
            _ASPECT.reset(token)
        if existence is None:
            raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, aspect=aspect)
        return existence.get(aspect)

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """The aspect's table write."""
        io = self._io(aspect)
        token = _ASPECT.set(aspect)
        try:
            return receipt(io.write(self, ref, value))
        finally:
            _ASPECT.reset(token)

    def in_aspect(self, aspect: str, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` with ``aspect`` named in its requests' logs and errors."""
        token = _ASPECT.set(aspect)
        try:
            return fn()
        finally:
            _ASPECT.reset(token)
