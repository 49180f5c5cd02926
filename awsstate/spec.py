"""The kind contract (v2): how a resource kind declares itself.

A resource is an identity (kind, name, region) plus *aspects*. An aspect is one independently
read and written piece of configuration (an S3 bucket's tags, versioning, public access block
...) with **one name** (the Desired field, the aspect in plans, the Observed field and the key of
the kind's AWS table), **one value type**, one read and one write. An aspect the user did not set
is never read and never written.

A kind is declarations only: its :class:`KindSpec` (aspects, create-only settings, lifecycle,
what the in-memory fake needs in one :class:`Fake`), and, in ``awsstate.providers.aws.<kind>``,
one table of read/write functions. The engine decides; providers need nothing else, so the
in-memory and wrapping providers have no per-kind code. The Observed model of every kind is
generated here from the spec, with the Desired model's field names, and
:meth:`ObservedModel.to_desired` is the inverse of the desired -> value mapping (export).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import Field, ValidationError, create_model

from awsstate.aspects import MISSING, Aspect, Attribute, CreateOnly, Missing, to_json
from awsstate.canonical import Json
from awsstate.memo import IdentityMemo
from awsstate.models import DesiredModel, ObservedModel

__all__ = [
    "MISSING",
    "Aspect",
    "Attribute",
    "Contents",
    "CreateOnly",
    "DesiredModel",
    "Fake",
    "FakeContents",
    "Identity",
    "KindSpec",
    "Missing",
    "ObservedModel",
    "Reference",
    "ResourceRef",
    "Scope",
]

_MANAGED = IdentityMemo(1024)
_VALID_NAMES: set[tuple[str, str, str | None]] = set()

Scope = Literal["global", "account", "region"]
"""Where a name must be unique: ``global`` (S3 buckets, across all accounts), ``account`` (IAM),
``region`` (SQS queues, SNS topics, log groups: per account and region)."""


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """Which resource a provider call is about: its kind's spec, its name and the region to call.

    ``options``: what a delete carries besides ``force`` (``KindSpec.delete_options``: a secret's
    recovery window); empty on every other call.
    """

    spec: KindSpec = field(repr=False, compare=False, hash=False)
    name: str
    region: str | None = None
    options: Mapping[str, Json] = field(default_factory=dict, repr=False, compare=False, hash=False)
    kind: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", self.spec.kind)

    def __str__(self) -> str:
        return f"{self.kind} {self.name!r}" + (f" in {self.region}" if self.region else "")

    def at(self, region: str | None) -> ResourceRef:
        """The same resource, called in ``region``."""
        return ResourceRef(self.spec, self.name, region)


@dataclass(frozen=True)
class Reference:
    """An aspect whose value holds ARNs of other resources (an IAM role's attached policy ARNs).

    The in-memory fake follows AWS with it: a write naming an ARN that no resource of ``kind``
    has is refused (AWS's ``NoSuchEntity``), and, with ``blocks_delete``, a resource still
    referenced cannot be deleted (AWS's ``DeleteConflict``). Values may be a string or a list,
    or, with ``key``, an object holding the ARN under that key (an SQS redrive policy's
    ``dead_letter_target_arn``). With ``by="name"`` the value names the resource instead (an S3
    bucket's logging ``target_bucket``), and the refusal carries ``code``.
    """

    kind: str
    blocks_delete: bool = True
    key: str = ""
    by: Literal["arn", "name"] = "arn"
    code: str = "NoSuchEntity"


WriteCheck = Callable[[Json, Json, Mapping[str, Json]], str | None]
"""In-memory fake: ``(current, new, every aspect of the resource) -> error message or None``."""


@dataclass(frozen=True)
class Identity:
    """How a resource is found and named.

    ``by="name"``: a unique name per :data:`Scope` (every kind so far). ``by="alias"``: the name is
    an alias of a resource whose id the server assigns (a KMS key): the provider finds the resource
    through the alias on every call, and the id is an attribute read back. ``physical_id`` is the
    existence attribute that names the resource physically (plans carry it, and apply refuses a
    plan whose physical id is not the resource's).
    """

    by: Literal["name", "alias"] = "name"
    physical_id: str = "arn"


class FakeContents(Protocol):
    """What the in-memory fake keeps inside a resource (objects in a bucket)."""

    def summary(self) -> str | None:
        """``None`` when empty, else what is inside (``"2 object(s) ..."``)."""
        ...

    def clear(self) -> None:
        """Remove everything (``force_destroy``)."""
        ...


@dataclass(frozen=True)
class Contents:
    """What a resource holds that ``force_destroy`` deletes with it (a bucket's objects).

    ``describe`` completes "deletes ..." in plans; ``fake`` makes the in-memory store of one
    resource (given the resource's aspect values, which it may consult: versioning). ``always``:
    every delete destroys them, ``force_destroy`` or not (a DynamoDB table's items), and plans say so.
    """

    describe: str
    fake: Callable[[Mapping[str, Json]], FakeContents] | None = None
    always: bool = False


@dataclass(frozen=True)
class Fake:
    """Everything the in-memory fake needs beyond the aspects, in one place.

    Attributes:
        defaults: what real AWS gives a new resource, per aspect (the fake starts with it).
        checks: per aspect, writes real AWS refuses (see :data:`WriteCheck`).
        references: per aspect, the other resources its value names (see :class:`Reference`).
        create_attributes: ``attributes -> computed attributes`` that depend on create
            parameters (an IAM ARN contains the path), called after a create; ``replaces`` in
            the attributes it is given is the physical id of the resource scheduled for deletion
            that the create takes the place of (``None`` for most creates).
        refuse_delete: ``aspects -> (aspect, reason) or None``: a delete AWS refuses, and the
            aspect that makes it refuse (deletion protection).
        create_aspects: ``create params (with the new record's attributes: region, account_id)
            -> aspect values`` that AWS sets as a consequence of a create (a bucket created with
            Object Lock has versioning enabled; a key created without a policy gets KMS's default).
        soft_delete: ``delete options -> attributes`` AWS sets on a resource it only schedules for
            deletion (a secret's ``deleted_date``, a KMS key's ``pending_deletion``), or ``None``
            for a delete that takes effect at once (``force_delete_without_recovery``). The fake
            keeps such a resource, which the kind's ``gone`` then counts as deleted.
        recreate: what a create does to a resource still scheduled for deletion: ``"restore"``
            it (Secrets Manager: the same secret, its ARN kept, then the create's settings) or
            make a ``"new"`` one in its place (KMS: a new key behind the alias).
    """

    defaults: Mapping[str, Json] = field(default_factory=dict)
    checks: Mapping[str, WriteCheck] = field(default_factory=dict)
    references: Mapping[str, Reference] = field(default_factory=dict)
    create_attributes: Callable[[Mapping[str, Json]], dict[str, Json]] | None = None
    refuse_delete: Callable[[Mapping[str, Json]], tuple[str, str] | None] | None = None
    create_aspects: Callable[[Mapping[str, Json]], dict[str, Json]] | None = None
    soft_delete: Callable[[Mapping[str, Json]], dict[str, Json] | None] | None = None
    recreate: Literal["restore", "new"] = "new"


@dataclass(frozen=True)
class KindSpec:
    """Everything the engine and the generic providers need to know about a resource kind.

    Attributes:
        kind: the kind's name (``"s3_bucket"``).
        describe: what it is, for humans (``"S3 bucket"``).
        desired_model: the user's model. Its Observed model is generated from this spec.
        aspects: the kind's aspects, in the order they are applied.
        attributes: the computed attributes the existence read returns (``arn`` ...).
        derive: ``(name, region, account_id) -> attributes`` known before the resource exists
            (ARNs built from name, account and region); the in-memory fake returns them.
        create_only: settings fixed at creation, compared with existence attributes.
        scope: where names are unique (see :data:`Scope`).
        regional: whether the resource lives in a region (IAM does not).
        identity: how the resource is found (see :class:`Identity`).
        required_on_create: Desired fields without which the resource cannot be created (an
            IAM role's trust policy); planning a create without them is an error naming them.
        ready: ``attributes -> bool``: whether a resource that exists is usable yet (a
            DynamoDB table ACTIVE); apply waits for it after a create, and a write refused while
            it is not ready waits for it and is made again, within the readiness budget.
        ready_timeout: the kind's readiness budget in seconds (``None``: the settle timeout; see
            :attr:`~awsstate.engine.clock.SettlePolicy.ready_timeout`).
        gone: ``attributes -> bool``: an existing resource that counts as deleted (pending
            deletion in a recovery window).
        contents: what ``force_destroy`` deletes with the resource.
        fake: what the in-memory fake needs (see :class:`Fake`).
        carry_on_replace: aspects a replace copies from the old resource onto the new one when
            the desired model does not manage them (an IAM role's policies and instance
            profiles, which AWS deletes with the role): the plan reads them, writes them after
            the create and lists them in ``ReplaceAction.carried_over``.
        conflicts: ``(desired, values) -> message or None``: settings AWS refuses together (a
            public bucket policy while public policies are blocked), checked by the plan before
            any write. ``values`` holds what each managed aspect will hold after apply, and, on a
            resource the plan creates, AWS's default (``Fake.defaults``) for the others.
        service: the AWS service its calls go to (for rate limits; default: the kind's first word).
        delete_options: ``desired -> options`` a delete carries besides ``force`` (a secret's recovery
            window), from the desired model with ``state="absent"``, or ``None`` for a delete by name
            (then the kind's defaults). Shown in the plan's delete action; the provider gets them as
            ``ref.options``.
    """

    kind: str
    describe: str
    desired_model: type[DesiredModel]
    aspects: tuple[Aspect, ...]
    attributes: tuple[Attribute, ...]
    derive: Callable[[str, str | None, str], dict[str, Json]]
    create_only: tuple[CreateOnly, ...] = ()
    scope: Scope = "region"
    regional: bool = True
    identity: Identity = field(default_factory=Identity)
    required_on_create: tuple[str, ...] = ()
    ready: Callable[[Mapping[str, Json]], bool] | None = None
    ready_timeout: float | None = None
    gone: Callable[[Mapping[str, Json]], bool] | None = None
    contents: Contents | None = None
    fake: Fake = field(default_factory=Fake)
    carry_on_replace: tuple[str, ...] = ()
    conflicts: Callable[[DesiredModel, Mapping[str, Json]], str | None] | None = None
    service: str = ""
    delete_options: Callable[[DesiredModel | None], dict[str, Json]] | None = None
    observed_model: type[ObservedModel] = field(init=False, repr=False, compare=False)
    _by_name: dict[str, Aspect] = field(init=False, repr=False, compare=False)
    _carried: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {a.name: a for a in self.aspects})
        object.__setattr__(self, "_carried", frozenset(a.name for a in self.aspects if a.carried))
        for aspect in self.aspects:
            if aspect.name not in self.desired_model.model_fields:
                raise TypeError(f"{self.kind}: aspect {aspect.name!r} has no field in {self.desired_model.__name__}")
        if not self.service:
            object.__setattr__(self, "service", self.kind.split("_", 1)[0])
        self.desired_model.kind_spec = self
        object.__setattr__(self, "observed_model", self._make_observed())

    def _make_observed(self) -> type[ObservedModel]:
        fields: dict[str, Any] = {}
        for attribute in self.attributes:
            fields[attribute.name] = (attribute.type | None, Field(default=None, description=attribute.doc))
        for aspect in self.aspects:
            fields[aspect.name] = (aspect.type | None, Field(default=None, description=aspect.doc))
        name = self.desired_model.__name__.removesuffix("Desired") + "Observed"
        model = create_model(name, __base__=ObservedModel, __module__=self.desired_model.__module__, **fields)
        model.__doc__ = (f"{self.describe[:1].upper()}{self.describe[1:]} as read (generated from its kind spec). "
                         "Aspects that were not read are ``None``.")
        model.kind_spec = self
        return model

    def aspect(self, name: str) -> Aspect:
        """The aspect called ``name`` (KeyError names the known aspects)."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"{self.kind} has no aspect {name!r}; aspects: {', '.join(self._by_name)}") from None

    @property
    def aspect_names(self) -> frozenset[str]:
        """Every aspect's name."""
        return frozenset(self._by_name)

    @property
    def carried(self) -> frozenset[str]:
        """The aspects the existence read carries."""
        return self._carried

    def managed(self, desired: DesiredModel) -> tuple[Aspect, ...]:
        """The aspects the desired model manages, in apply order (none when it is ``absent``)."""
        if desired.state == "absent":
            return ()
        return _MANAGED.get(self, desired, lambda: tuple(a for a in self.aspects if a.is_managed(desired)))

    def region_of(self, desired: DesiredModel) -> str | None:
        """The region the desired model names (``None`` for global kinds)."""
        region = getattr(desired, "region", None)
        return region if isinstance(region, str) else None

    def check_name(self, name: str, region: str | None = None) -> None:
        """Refuse a name (and region) that the Desired model refuses, with its ``ValidationError``
        naming the field: what manager verbs given a bare name (``get``, ``delete``...) check first."""
        key = (self.kind, name, region)
        if key in _VALID_NAMES:
            return
        fields = self.desired_model.model_fields
        values: dict[str, Any] = {"name": name}
        if region is not None and "region" in fields:
            values["region"] = region
        self.desired_model.model_validate(values)
        if len(_VALID_NAMES) > 4096:
            _VALID_NAMES.clear()
        _VALID_NAMES.add(key)

    def ref(self, name: str, region: str | None = None) -> ResourceRef:
        """A reference to the resource ``name`` (the region is dropped for global kinds)."""
        return ResourceRef(self, name, region if self.regional else None)

    def create_params(self, desired: DesiredModel) -> dict[str, Json]:
        """What the create call carries: create-only settings and ``in_create`` aspects."""
        params: dict[str, Json] = {}
        for setting in self.create_only:
            value = getattr(desired, setting.field)
            if value is not None:
                params[setting.attribute_name] = setting.to_value(value)
        for aspect in self.aspects:
            if aspect.in_create and aspect.is_managed(desired):
                start = self.fake.defaults.get(aspect.name) if isinstance(aspect.new_value, Missing) else \
                    aspect.new_value
                params[aspect.name] = aspect.after(desired, start)
        return params

    def create_mismatches(self, params: Mapping[str, Json], found: Mapping[str, Json]) -> list[str]:
        """The create parameters a resource found does not hold (``[]``: it is what the create makes).

        After a create answered "already exists" (an earlier attempt whose answer was lost), the
        resource there is reused only when this is empty. ``found`` maps attribute and aspect
        names to what the resource holds; a parameter it lacks cannot be confirmed and counts.
        """
        differ = []
        for key, value in params.items():
            if key not in found:
                differ.append(key)
            elif key in self._by_name:
                if not self._by_name[key].equal(found[key], value):
                    differ.append(key)
            elif (found[key] or None) != (value or None):
                differ.append(key)
        return differ

    def observed(self, name: str, attributes: Mapping[str, Json], aspects: Mapping[str, Json]) -> ObservedModel:
        """The typed Observed model of what was read.

        A value that does not fit its aspect's type (made by another tool, or by a backend that
        differs from AWS) is kept as read rather than refused: reading never fails on content.
        """
        values = {**attributes, **aspects, "name": name}
        try:
            return self.observed_model.model_validate(values)
        except ValidationError:
            known = {k: v for k, v in values.items() if k in self.observed_model.model_fields}
            return self.observed_model.model_construct(_fields_set=set(known), **known)

    def to_desired(self, observed: ObservedModel) -> DesiredModel:
        """The Desired model managing every aspect ``observed`` holds, with its values (export)."""
        values: dict[str, Any] = {"name": observed.name}
        for setting in self.create_only:
            value = getattr(observed, setting.attribute_name, None)
            target = setting.export_field
            if value is not None and target and target in self.desired_model.model_fields:
                values[target] = value
        region = getattr(observed, "region", None)
        if self.regional and region is not None and "region" in self.desired_model.model_fields:
            values["region"] = region
        read = observed.model_fields_set  # an aspect read as "none" is in it too (value None)
        for aspect in self.aspects:
            if aspect.name not in read:
                continue
            field_value = aspect.to_field(to_json(getattr(observed, aspect.name)))
            if field_value is not None:
                values[aspect.name] = field_value
        return self.desired_model.model_validate(values)
