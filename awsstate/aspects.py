"""Aspects: the pieces a kind is declared of (see :mod:`awsstate.spec` for the kind itself).

An aspect is one independently read and written piece of configuration, with one name and one
value type; a create-only setting is fixed at creation; an attribute is computed by AWS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from awsstate.canonical import Json
from awsstate.memo import IdentityMemo

if TYPE_CHECKING:
    from awsstate.models import DesiredModel

__all__ = ["MISSING", "Aspect", "Attribute", "CreateOnly", "Missing", "to_json"]

_MEMO = IdentityMemo()


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


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Aspect:
    """One independently read and written piece of a resource's configuration.

    Attributes:
        name: the aspect's one name: the Desired field, the plan's aspect, the Observed field and
            the key of the kind's AWS table (``"versioning"``).
        doc: one line for humans.
        type: the value's type as read (the Observed field's type): a scalar, a frozen model, or
            a container of them. Default: any JSON value.
        to_value: Desired field value -> canonical JSON value (default: the value as is; models
            are dumped).
        to_field: canonical value -> Desired field value: the exact inverse of ``to_value``,
            used by export (default: the value as is).
        merge: ``(wanted, observed, desired) -> value to hold`` for aspects whose result depends
            on what is there (tags keep ``aws:`` keys and honour ``purge_tags``; versioning
            ``False`` is satisfied by a bucket that never had versioning). Default: ``wanted``.
        normalize: maps a value to a form where ``==`` means "AWS treats these as the same".
        in_create: the value is passed in the create call, not written separately.
        new_value: the value every backend gives a new resource (a create plan skips the write
            when the desired value equals it). Leave ``MISSING`` when backends differ.
        carried: the existence read already returns this aspect (IAM GetRole returns a role's
            description and trust policy): no read call of its own.
        replace_if: ``(observed, after) -> reason or None``: a change AWS cannot make in place
            (an S3 bucket's object lock cannot be turned off) is planned as a replace.
        sensitive: the value is a secret: masked in every rendering, JSON form, log and error,
            and compared by digest outside the process that read it.
    """

    name: str
    doc: str
    type: Any = Any
    to_value: Callable[[Any], Json] | None = None
    to_field: Callable[[Json], Any] = _identity
    merge: Callable[[Json, Json, Any], Json] | None = None
    normalize: Callable[[Json], object] = _identity
    in_create: bool = False
    new_value: Json | Missing = MISSING
    carried: bool = False
    replace_if: Callable[[Json, Json], str | None] | None = None
    sensitive: bool = False

    def is_managed(self, desired: DesiredModel) -> bool:
        """True when the user set the field: only then is the aspect read or written."""
        return getattr(desired, self.name) is not None

    def wanted(self, desired: DesiredModel) -> Json:
        """The canonical value the user asked for (computed once per desired model)."""
        def compute() -> Json:
            value = getattr(desired, self.name)
            return self.to_value(value) if self.to_value is not None else to_json(value)

        return _MEMO.get(self, desired, compute)

    def after(self, desired: DesiredModel, observed: Json) -> Json:
        """The value to hold after apply, given what is there now (computed once per pair)."""
        wanted = self.wanted(desired)
        merge = self.merge
        if merge is None:
            return wanted
        return _MEMO.get_for((self, desired, observed), lambda: merge(wanted, observed, desired))

    def normal(self, value: Json) -> object:
        """``normalize(value)``, computed once per value object (values are never changed in place)."""
        normalize = self.normalize
        if normalize is _identity:
            return value
        if value is None or isinstance(value, str | bool | int | float):
            return normalize(value)  # cheap: not worth a memo entry
        return _MEMO.get(normalize, value, lambda: normalize(value))

    def equal(self, a: Json, b: Json) -> bool:
        """Semantic equality, as AWS sees it."""
        return a is b or bool(self.normal(a) == self.normal(b))


def to_json(value: Any) -> Json:
    """A Desired field value as plain JSON (models dumped without unset optional parts)."""
    if isinstance(value, BaseModel):
        dumped: Json = value.model_dump(mode="json", exclude_none=True)
        return dumped
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    return value  # type: ignore[no-any-return]


@dataclass(frozen=True)
class CreateOnly:
    """A setting fixed at creation (an S3 bucket's region, a queue's FIFO flag).

    It is read by the existence call (so it costs no extra read) from ``attribute``, and a
    change is planned as a *replace* with the reason, which apply refuses unless allowed.
    ``export`` names the Desired field that export sets from the attribute (``""``: none).
    """

    field: str
    doc: str
    attribute: str = ""
    to_value: Callable[[Any], Json] = _identity
    export: str | None = None

    @property
    def attribute_name(self) -> str:
        """The existence attribute this setting is compared with."""
        return self.attribute or self.field

    @property
    def export_field(self) -> str:
        """The Desired field export sets from the attribute."""
        return self.field if self.export is None else self.export


@dataclass(frozen=True)
class Attribute:
    """A computed attribute of a resource (its ARN, URL, region ...), read by the existence call.

    ``derivable``: known before the resource exists (an ARN from name, account, region and path),
    so a reference to it is concrete in a plan; otherwise it is known after apply (an SQS URL,
    whose host depends on the endpoint).
    """

    name: str
    doc: str
    type: Any = str
    derivable: bool = True
