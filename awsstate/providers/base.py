"""The provider interface: how awsstate reads and writes one backend.

A provider serves every resource kind. Its interface is narrow and speaks awsstate's own values
(canonical JSON per aspect, see :mod:`awsstate.spec`), never boto3 dicts, so that a fake is small:
five methods, each of which is one call to the backend. The recording and fault-injecting
wrappers rely on that: one provider call is one API request, and is counted as one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from awsstate.canonical import Json
from awsstate.spec import ResourceRef

__all__ = ["Existence", "Provider", "Receipt"]

Existence = dict[str, Json]
"""What an existence read returns: ``region`` (for regional kinds and S3) and computed attributes
such as ``arn``. ``None`` instead of a dict means the resource does not exist."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a write returns: the backend's request id, for logs and support cases."""

    request_id: str | None = None


class Provider(ABC):
    """One backend (AWS, the in-memory fake, or a wrapper around another provider).

    Errors are raised as :class:`awsstate.errors.ProviderError` subclasses; a provider never lets
    a vendor exception escape.
    """

    @abstractmethod
    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """Whether the resource exists and, if so, its attributes (``region``, ``arn`` ...)."""

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
        """Make one aspect hold ``value``: one API write."""

    @abstractmethod
    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """Delete the resource. ``force`` also removes its contents (objects in a bucket)."""

    @property
    def default_region(self) -> str | None:
        """The region used for a regional resource whose desired model names none."""
        return None

    def describe(self) -> str:
        """A short description for logs and reprs."""
        return type(self).__name__
