"""How a resource kind declares itself: identity, aspects and field semantics.

A resource is an identity (kind, name, region) plus *aspects*. An aspect is one independently
readable and writable piece of configuration (an S3 bucket's tags, versioning, public access
block ...). Each aspect maps to one read call and one write call on every provider, which is what
makes plans minimal and call counts predictable: an aspect the user did not set is never read
and never written.

Resources declare semantics here; the diff engine (:mod:`awsstate.diff`) decides. Providers get
everything they need from these declarations (AWS defaults for the in-memory fake, computed
attributes such as ARNs), so the in-memory and recording providers have no per-kind code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, cast

from pydantic import BaseModel, ConfigDict

from awsstate.canonical import Json

__all__ = [
    "MISSING",
    "Missing",
    "Aspect",
    "CreateOnly",
    "DesiredModel",
    "KindSpec",
    "ObservedModel",
    "Reference",
    "ResourceRef",
    "Scope",
]

Scope = Literal["global", "account", "region"]
"""Where a name must be unique: ``global`` (S3 buckets, across all accounts), ``account`` (IAM),
``region`` (SQS queues, SNS topics: per account and region)."""


class Missing:
    """Marker for "no value declared" where ``None`` is a meaningful value."""

    _instance: ClassVar[Missing | None] = None

    def __new__(cls) -> Missing:  # noqa: D102 - a singleton
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = Missing()


class DesiredModel(BaseModel):
    """Base of every ``...Desired`` model: frozen, unknown fields rejected, validated on build.

    Field rule, for every resource: a field left unset (``None``) is *unmanaged*: it is never
    read and never written. An explicit empty value (``{}``, ``[]``) means "ensure none".
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    name: str
    state: Literal["present", "absent"] = "present"
    """``present``: converge to this model. ``absent``: delete the resource if it exists (the only
    way, with ``manager.delete``, that awsstate ever deletes anything)."""

    def __repr__(self) -> str:
        # Only what is managed: unset fields are noise, and None means "leave alone" anyway.
        fields = ", ".join(
            f"{key}={value!r}" for key, value in self if value is not None and (key, value) != ("state", "present")
        )
        return f"{type(self).__name__}({fields})"

    __str__ = __repr__


class ObservedModel(BaseModel):
    """Base of every ``...Observed`` model: what a provider read. Aspects not read are ``None``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """Which resource a provider call is about: kind, name and the region to call."""

    kind: str
    name: str
    region: str | None = None

    def __str__(self) -> str:
        return f"{self.kind} {self.name!r}" + (f" in {self.region}" if self.region else "")


def _identity(value: Json) -> object:
    return value


def _as_json(value: Any) -> Json:
    """Default ``to_value``: the field already holds its canonical JSON value."""
    return cast(Json, value)


@dataclass(frozen=True)
class Reference:
    """An aspect whose value holds ARNs of other resources (an IAM role's attached policy ARNs).

    The in-memory fake follows AWS with it: a write naming an ARN that no resource of ``kind``
    has is refused (AWS's ``NoSuchEntity``), and, with ``blocks_delete``, a resource still
    referenced cannot be deleted (AWS's ``DeleteConflict``). Values may be a string or a list,
    or, with ``key``, an object holding the ARN under that key (an SQS redrive policy's
    ``dead_letter_target_arn``).
    """

    kind: str
    blocks_delete: bool = True
    key: str = ""


@dataclass(frozen=True)
class Aspect:
    """One independently read and written piece of a resource's configuration.

    Attributes:
        name: the aspect's name, as used in plans, calls and logs (``"versioning"``).
        doc: one line for humans.
        field: the Desired model field that manages it (defaults to ``name``).
        to_value: turns the Desired field's value into the aspect's canonical JSON value.
        target: optional ``(desired_model, observed_value) -> value to write``, for aspects
            whose write depends on what is there (tags keep ``aws:`` keys; versioning ``False``
            is satisfied by a bucket that never had versioning).
        normalize: maps a value to a form where ``==`` means "AWS treats these as the same".
        on_create: the value is passed in the create call, not written separately.
        settled_on_create: the value every backend gives a new resource (a create plan skips
            the write when the desired value equals it). Leave ``MISSING`` when backends differ.
        aws_default: what real AWS gives a new resource; the in-memory fake starts with it.
        check_write: in-memory only: ``(current, new) -> error message or None`` for writes
            that real AWS rejects.
        in_existence: the existence read already returns this aspect (under its name), as
            IAM GetRole returns a role's description and trust policy: no separate read call.
        references: the aspect holds ARNs of other resources (see :class:`Reference`).
        replace_if: optional ``(observed, after) -> reason or None``: a change AWS cannot make
            in place (an S3 bucket's object lock cannot be turned off) is planned as a replace.
    """

    name: str
    doc: str
    field: str = ""
    to_value: Callable[[Any], Json] = _as_json
    target: Callable[[Any, Json], Json] | None = None
    normalize: Callable[[Json], object] = _identity
    on_create: bool = False
    settled_on_create: Json | Missing = MISSING
    aws_default: Json = None
    check_write: Callable[[Json, Json], str | None] | None = None
    in_existence: bool = False
    references: Reference | None = None
    replace_if: Callable[[Json, Json], str | None] | None = None

    @property
    def field_name(self) -> str:
        """The Desired field that manages this aspect."""
        return self.field or self.name

    def is_managed(self, desired: DesiredModel) -> bool:
        """True when the user set the field: only then is the aspect read or written."""
        return getattr(desired, self.field_name) is not None

    def desired_value(self, desired: DesiredModel) -> Json:
        """The canonical value the user asked for."""
        return self.to_value(getattr(desired, self.field_name))

    def after(self, desired: DesiredModel, observed: Json) -> Json:
        """The value to hold after apply, given what is there now."""
        if self.target is not None:
            return self.target(desired, observed)
        return self.desired_value(desired)

    def equal(self, a: Json, b: Json) -> bool:
        """Semantic equality, as AWS sees it."""
        return self.normalize(a) == self.normalize(b)


@dataclass(frozen=True)
class CreateOnly:
    """A setting fixed at creation (an S3 bucket's region, a queue's FIFO flag).

    It is read by the existence call (so it costs no extra read) from ``attribute``, and a
    change is planned as a *replace* with the reason, which apply refuses unless allowed.
    """

    field: str
    doc: str
    attribute: str = ""
    to_value: Callable[[Any], Json] = _as_json

    @property
    def attribute_name(self) -> str:
        """The existence attribute this setting is compared with."""
        return self.attribute or self.field


@dataclass(frozen=True)
class KindSpec:
    """Everything the engine and the generic providers need to know about a resource kind.

    Attributes:
        kind: the kind's name (``"s3_bucket"``).
        desired_model / observed_model: the pydantic models users see.
        aspects: the kind's aspects, in the order they are applied.
        create_only: settings fixed at creation, compared with existence attributes.
        scope: where names are unique (see :data:`Scope`).
        regional: whether the resource lives in a region (IAM does not).
        attributes: ``(name, region, account_id) -> computed attributes`` such as the ARN,
            returned by the existence read of the in-memory fake.
        describe: one line for humans (``"S3 bucket"``).
        create_attributes: optional ``attributes -> computed attributes`` for attributes that
            depend on create parameters (an IAM ARN contains the path); the in-memory fake calls
            it after a create with the new resource's attributes.
    """

    kind: str
    desired_model: type[DesiredModel]
    observed_model: type[ObservedModel]
    aspects: tuple[Aspect, ...]
    attributes: Callable[[str, str | None, str], dict[str, Json]]
    describe: str
    create_only: tuple[CreateOnly, ...] = ()
    scope: Scope = "region"
    regional: bool = True
    create_attributes: Callable[[Mapping[str, Json]], dict[str, Json]] | None = None
    _by_name: dict[str, Aspect] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {a.name: a for a in self.aspects})

    def aspect(self, name: str) -> Aspect:
        """The aspect called ``name`` (KeyError names the known aspects)."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"{self.kind} has no aspect {name!r}; aspects: {', '.join(self._by_name)}") from None

    def managed(self, desired: DesiredModel) -> tuple[Aspect, ...]:
        """The aspects the desired model manages, in apply order (none when it is ``absent``)."""
        if desired.state == "absent":
            return ()
        return tuple(a for a in self.aspects if a.is_managed(desired))

    def region_of(self, desired: DesiredModel) -> str | None:
        """The region the desired model names (``None`` for global kinds)."""
        region = getattr(desired, "region", None)
        return region if isinstance(region, str) else None

    def ref(self, desired: DesiredModel, default_region: str | None = None) -> ResourceRef:
        """The reference a provider call uses for this desired resource."""
        region = self.region_of(desired) if self.regional else None
        return ResourceRef(self.kind, desired.name, region or (default_region if self.regional else None))

    def create_params(self, desired: DesiredModel) -> dict[str, Json]:
        """What the create call carries: create-only settings and ``on_create`` aspects."""
        params: dict[str, Json] = {}
        for setting in self.create_only:
            value = getattr(desired, setting.field)
            if value is not None:
                params[setting.attribute_name] = setting.to_value(value)
        for aspect in self.aspects:
            if aspect.on_create and aspect.is_managed(desired):
                params[aspect.name] = aspect.after(desired, aspect.aws_default)
        return params

    def observed(self, name: str, attributes: Mapping[str, Json], aspects: Mapping[str, Json]) -> ObservedModel:
        """Build the typed Observed model from what was read."""
        return self.observed_model.model_validate({**attributes, **aspects, "name": name})
