"""The S3 object calls of the provider interface: their defaults, their forwarding, their dispatch.

:class:`~awsstate.providers.base.Provider` inherits :class:`ObjectCalls`, so every provider has
the eight object calls; a provider that does not serve objects (an older third-party one) raises
:class:`~awsstate.errors.NotSupportedError` for them and keeps working for everything else.
:class:`~awsstate.providers.base.WrappingProvider` inherits :class:`ForwardedObjectCalls`, so a
wrapper's one hook (``intercept``) sees each object call as a
:class:`~awsstate.providers.base.ProviderCall` with ``key`` and ``request`` set, and recording and
fault injection work for objects with no code of their own.

One call is one request, except a managed (multipart) upload, download or copy of a large object,
which is one call of several requests. Every read's operation name starts with ``read_`` or
``list_``:

============================  ========================  =====================  ======
operation                     S3 request                ``request``            access
============================  ========================  =====================  ======
``read_object``               GetObject                 :class:`ReadRequest`   read
``read_object_head``          HeadObject                --                     read
``read_object_tags``          GetObjectTagging          --                     read
``list_objects``              ListObjectsV2 (one page)  :class:`ListRequest`   read
``write_object``              PutObject / multipart     :class:`WriteRequest`  write
``copy_object``               CopyObject                :class:`CopyRequest`   write
``delete_object``             DeleteObject              --                     write
``write_object_tags``         PutObjectTagging          -- (``value``: tags)   write
============================  ========================  =====================  ======

Every call takes the bucket's :class:`~awsstate.spec.ResourceRef` (kind ``s3_bucket``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from awsstate.errors import NotSupportedError
from awsstate.objects.values import (
    CopyRequest,
    ListRequest,
    ObjectInfo,
    ObjectPage,
    ObjectRead,
    ObjectWritten,
    ReadRequest,
    WriteRequest,
)
from awsstate.spec import ResourceRef

__all__ = ["OBJECT_OPERATIONS", "ForwardedObjectCalls", "ObjectCalls", "send_object_call"]

OBJECT_OPERATIONS = frozenset({
    "read_object", "read_object_head", "read_object_tags", "list_objects",
    "write_object", "copy_object", "delete_object", "write_object_tags",
})


def _unsupported(provider: object, operation: str, ref: ResourceRef) -> NotSupportedError:
    describe = getattr(provider, "describe", lambda: type(provider).__name__)()
    return NotSupportedError(f"{describe} does not serve S3 objects", kind=ref.kind, name=ref.name,
                             operation=operation, hint="Use AwsProvider or InMemoryProvider for S3 objects.")


class ObjectCalls:
    """The object calls every provider has; these defaults raise :class:`~awsstate.errors.NotSupportedError`."""

    def read_object(self, ref: ResourceRef, key: str, request: ReadRequest) -> ObjectRead:
        """GetObject: the metadata, and the content (into ``request.sink``, or returned)."""
        raise _unsupported(self, "read_object", ref)

    def read_object_head(self, ref: ResourceRef, key: str) -> ObjectInfo | None:
        """HeadObject: the object's metadata, or ``None`` when there is no such object."""
        raise _unsupported(self, "read_object_head", ref)

    def read_object_tags(self, ref: ResourceRef, key: str) -> dict[str, str]:
        """GetObjectTagging: the object's tags."""
        raise _unsupported(self, "read_object_tags", ref)

    def list_objects(self, ref: ResourceRef, request: ListRequest) -> ObjectPage:
        """One ListObjectsV2 page of the keys under ``request.prefix``."""
        raise _unsupported(self, "list_objects", ref)

    def write_object(self, ref: ResourceRef, key: str, request: WriteRequest) -> ObjectWritten:
        """PutObject (or a managed multipart upload for a large body)."""
        raise _unsupported(self, "write_object", ref)

    def copy_object(self, ref: ResourceRef, key: str, request: CopyRequest) -> ObjectWritten:
        """CopyObject into ``key`` of this bucket (in place when the source is the same object)."""
        raise _unsupported(self, "copy_object", ref)

    def delete_object(self, ref: ResourceRef, key: str) -> Any:
        """DeleteObject (no error when there is no such object, as on S3); returns a receipt."""
        raise _unsupported(self, "delete_object", ref)

    def write_object_tags(self, ref: ResourceRef, key: str, tags: Mapping[str, str]) -> Any:
        """PutObjectTagging: the object's complete tag set; returns a receipt."""
        raise _unsupported(self, "write_object_tags", ref)


class ForwardedObjectCalls(ObjectCalls):
    """The object calls of a wrapping provider: each one goes through :meth:`_object_call`."""

    if TYPE_CHECKING:  # WrappingProvider's: it builds the ProviderCall and runs its hook
        def _object_call(self, operation: str, ref: ResourceRef, key: str | None, request: Any = None,
                         value: Any = None) -> Any:
            """Make one object call through the wrapper."""

    def read_object(self, ref: ResourceRef, key: str, request: ReadRequest) -> ObjectRead:
        """:meth:`ObjectCalls.read_object`, through the wrapper's hook."""
        result: ObjectRead = self._object_call("read_object", ref, key, request)
        return result

    def read_object_head(self, ref: ResourceRef, key: str) -> ObjectInfo | None:
        """:meth:`ObjectCalls.read_object_head`, through the wrapper's hook."""
        result: ObjectInfo | None = self._object_call("read_object_head", ref, key)
        return result

    def read_object_tags(self, ref: ResourceRef, key: str) -> dict[str, str]:
        """:meth:`ObjectCalls.read_object_tags`, through the wrapper's hook."""
        result: dict[str, str] = self._object_call("read_object_tags", ref, key)
        return result

    def list_objects(self, ref: ResourceRef, request: ListRequest) -> ObjectPage:
        """:meth:`ObjectCalls.list_objects`, through the wrapper's hook."""
        result: ObjectPage = self._object_call("list_objects", ref, None, request)
        return result

    def write_object(self, ref: ResourceRef, key: str, request: WriteRequest) -> ObjectWritten:
        """:meth:`ObjectCalls.write_object`, through the wrapper's hook."""
        result: ObjectWritten = self._object_call("write_object", ref, key, request)
        return result

    def copy_object(self, ref: ResourceRef, key: str, request: CopyRequest) -> ObjectWritten:
        """:meth:`ObjectCalls.copy_object`, through the wrapper's hook."""
        result: ObjectWritten = self._object_call("copy_object", ref, key, request)
        return result

    def delete_object(self, ref: ResourceRef, key: str) -> Any:
        """:meth:`ObjectCalls.delete_object`, through the wrapper's hook."""
        return self._object_call("delete_object", ref, key)

    def write_object_tags(self, ref: ResourceRef, key: str, tags: Mapping[str, str]) -> Any:
        """:meth:`ObjectCalls.write_object_tags`, through the wrapper's hook."""
        return self._object_call("write_object_tags", ref, key, value=dict(tags))


def send_object_call(call: Any, provider: ObjectCalls) -> Any:
    """Make the object call recorded in ``call`` (a ``ProviderCall``) on ``provider``."""
    operation, ref, key, request = call.operation, call.ref, call.key, call.request
    if operation == "read_object":
        return provider.read_object(ref, key, request)
    if operation == "read_object_head":
        return provider.read_object_head(ref, key)
    if operation == "read_object_tags":
        return provider.read_object_tags(ref, key)
    if operation == "list_objects":
        return provider.list_objects(ref, request)
    if operation == "write_object":
        return provider.write_object(ref, key, request)
    if operation == "copy_object":
        return provider.copy_object(ref, key, request)
    if operation == "delete_object":
        return provider.delete_object(ref, key)
    if operation == "write_object_tags":
        return provider.write_object_tags(ref, key, call.value or {})
    raise ValueError(f"not an object call: {operation!r}")
