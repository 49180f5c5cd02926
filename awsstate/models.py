"""The bases of every kind's user-facing models: ``...Desired`` (what you want) and
``...Observed`` (what is there; generated from the kind's spec by :mod:`awsstate.spec`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_serializer
from pydantic_core.core_schema import SerializationInfo, SerializerFunctionWrapHandler

from awsstate.refs import REF_ATTRIBUTES, Refs
from awsstate.secrets import mask_model_dump, masked_repr

if TYPE_CHECKING:
    from awsstate.providers.base import Provider
    from awsstate.relations import Link
    from awsstate.spec import KindSpec

__all__ = ["DesiredModel", "ObservedModel"]


class DesiredModel(BaseModel):
    """Base of every ``...Desired`` model: frozen, unknown fields rejected, validated on build.

    Field rule, for every resource: a field left unset (``None``) is *unmanaged*: it is never
    read and never written. An explicit empty value (``{}``, ``[]``) means "ensure none".
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    kind_spec: ClassVar[KindSpec]
    """The kind this model describes (set by its :class:`KindSpec`)."""

    name: str
    state: Literal["present", "absent"] = "present"
    """``present``: converge to this model. ``absent``: delete the resource if it exists (the only
    way, with ``manager.delete``, that awsstate ever deletes anything)."""

    @property
    def ref(self) -> Refs:
        """References to this resource's attributes (``queue.ref.arn``), for other resources' fields."""
        spec = self.kind_spec
        names = {attribute.name for attribute in spec.attributes} | set(REF_ATTRIBUTES)
        return Refs(spec.kind, self.name, tuple(sorted(names)))

    def __repr__(self) -> str:
        # Only what differs from the defaults: unset fields are noise (None means "leave alone").
        shown = {key: value for key, value in self if value != type(self).model_fields[key].default}
        return masked_repr(type(self).__name__, shown, _sensitive_fields(type(self)))

    __str__ = __repr__


def _sensitive_fields(model: type[BaseModel]) -> frozenset[str]:
    spec = getattr(model, "kind_spec", None)
    return frozenset(a.name for a in getattr(spec, "aspects", ()) if a.sensitive)


class ObservedModel(BaseModel):
    """Base of every ``...Observed`` model (generated from the kind's spec): what a provider read.

    Fields are the Desired model's (same names), plus the kind's attributes (``arn``, ``region``
    ...). Aspects that were not read are ``None``. ``repr`` and JSON mask sensitive values and
    credentials inside URLs; attribute access gives the real values.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind_spec: ClassVar[KindSpec]
    """The kind this model describes."""

    name: str
    """The resource's name."""

    _provider: Any = PrivateAttr(default=None)

    def read_with(self, provider: Provider | None) -> ObservedModel:
        """Remember the provider this model was read with, for :meth:`links` to follow (returns self)."""
        self._provider = provider
        return self

    def links(self) -> tuple[Link, ...]:
        """The other resources this one names (a dead-letter queue, attached policies, notification
        targets ...), each a :class:`~awsstate.relations.Link` whose ``get()`` reads it on demand."""
        from awsstate.relations import links_of

        return links_of(self, self._provider)

    def to_desired(self) -> DesiredModel:
        """The Desired model that manages exactly what was read, as it is (export).

        Planning it against the same resource is empty: this is the exact inverse of the
        desired -> value mapping of every aspect that was read.
        """
        return self.kind_spec.to_desired(self)

    @model_serializer(mode="wrap")
    def _masked(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        return mask_model_dump(handler(self), _sensitive_fields(type(self)))

    def __repr__(self) -> str:
        shown = {key: value for key, value in self if value is not None}
        return masked_repr(type(self).__name__, shown, _sensitive_fields(type(self)))

    __str__ = __repr__

    if TYPE_CHECKING:  # generated fields: typed as Any for static checkers
        def __getattr__(self, name: str) -> Any: ...
