"""Plans: what apply would do, as frozen data (format v2).

A :class:`Plan` is one resource: what was read (``observed``, so that ``apply(plan)`` can re-read
and refuse a plan gone stale) and the ``actions``, each one of four typed variants that carry the
resource's kind, name, region and physical id:

* :class:`CreateAction` (``+``): the create call and every value it sets;
* :class:`UpdateAction` (``~``): one aspect (optionally one member of a set-valued aspect),
  ``before`` and ``after``;
* :class:`DeleteAction` (``-``): with ``force``, what is destroyed with it;
* :class:`ReplaceAction` (``-/+``): delete and re-create, with the reasons.

The human rendering (``str(plan)``) and each action's ``details`` are derived from these fields,
never stored: editing a plan's JSON cannot make it say one thing and do another.
``plan.model_dump_json()`` is the versioned JSON form (``format_version: 2``, secrets masked) and
``Plan.model_validate_json`` reads it back; a plan of another format is refused with a message.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_serializer, model_validator

from awsstate.canonical import Json
from awsstate.errors import PlanFormatError
from awsstate.secrets import SENSITIVE, mask, scrub, scrub_text

__all__ = [
    "PLAN_FORMAT_VERSION",
    "Action",
    "ActionType",
    "AnyAction",
    "CreateAction",
    "DeleteAction",
    "Observation",
    "Plan",
    "ReplaceAction",
    "UpdateAction",
    "describe_change",
    "render_value",
]

PLAN_FORMAT_VERSION: Literal[2] = 2
"""Bumped whenever the JSON form of a plan changes incompatibly."""

ActionType = Literal["create", "update", "delete", "replace"]

_SYMBOLS: dict[str, str] = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}


def render_value(value: Json) -> str:
    """A compact, stable one-line rendering of a canonical value (URL credentials masked)."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return scrub_text(value)
    return scrub_text(json.dumps(value, sort_keys=True, separators=(", ", ": ")))


def describe_change(before: Json, after: Json) -> str:
    """``before -> after``; for two objects, only the keys that differ (``+k=v``, ``-k``, ``k: a -> b``)."""
    if not (isinstance(before, dict) and isinstance(after, dict)) or not before:
        return f"{render_value(before)} -> {render_value(after)}"
    parts = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            parts.append(f"-{key}")
        elif key not in before:
            parts.append(f"+{key}={render_value(after[key])}")
        elif before[key] != after[key]:
            parts.append(f"{key}: {render_value(before[key])} -> {render_value(after[key])}")
    return ", ".join(parts) or f"{render_value(before)} -> {render_value(after)}"


class Observation(BaseModel):
    """What a plan read: whether the resource exists, its attributes and the managed aspects.

    ``sensitive`` names the aspects whose values are secrets: the JSON form holds their digests.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    exists: bool
    region: str | None = None
    attributes: dict[str, JsonValue] = Field(default_factory=dict)
    aspects: dict[str, JsonValue] = Field(default_factory=dict)
    sensitive: tuple[str, ...] = ()

    @field_serializer("attributes")
    def _mask_attributes(self, value: dict[str, Json]) -> Any:
        return {key: scrub(item) for key, item in value.items()}

    @field_serializer("aspects")
    def _mask_aspects(self, value: dict[str, Json]) -> Any:
        return {key: mask(item, key in self.sensitive) for key, item in value.items()}


class Action(BaseModel):
    """Base of the four action variants: which resource an action is about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ActionType
    kind: str
    name: str
    region: str | None = None
    physical_id: str | None = None

    @property
    def symbol(self) -> str:
        """``+``, ``~``, ``-`` or ``-/+``."""
        return _SYMBOLS[self.type]

    @property
    def target(self) -> str:
        """``kind name``, as plans show it."""
        return f"{self.kind} {self.name}"

    @property
    def details(self) -> str:
        """A one-line description, derived from the fields."""
        return f"{self.target}: {self._summary()}"

    def _summary(self) -> str:  # pragma: no cover - every variant overrides it
        return self.type

    def lines(self) -> list[str]:
        """The rendering: the details line, then (for a create) one line per value it sets."""
        return [f"{self.symbol} {self.details}"]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.details!r})"


def _params_lines(params: dict[str, Json], skip: tuple[str, ...]) -> list[str]:
    return [f"      {key} = {render_value(value)}" for key, value in params.items() if key not in skip]


class _Creates(Action):
    """An action that creates the resource: ``params`` are the create call's values (create-only
    settings and the aspects the create carries); ``sensitive`` names those that are secrets."""

    params: dict[str, JsonValue] = Field(default_factory=dict)
    sensitive: tuple[str, ...] = ()

    @property
    def aspect(self) -> None:
        """About the whole resource, not one aspect."""
        return None

    @property
    def after(self) -> dict[str, Json]:
        """The create call's values."""
        return self.params

    @field_serializer("params")
    def _mask_params(self, value: dict[str, Json]) -> Any:
        return {key: mask(item, key in self.sensitive) for key, item in value.items()}


class CreateAction(_Creates):
    """Create the resource with ``params``."""

    type: Literal["create"] = "create"

    def _summary(self) -> str:
        return "create" + (f" in {self.region}" if self.region else "")

    def lines(self) -> list[str]:
        """The details line, then every value the create call sets."""
        shown = {key: SENSITIVE if key in self.sensitive else value for key, value in self.params.items()}
        return [f"{self.symbol} {self.details}", *_params_lines(shown, ("region",))]


class UpdateAction(Action):
    """Make one aspect hold ``after`` (``new``: on a resource this plan creates).

    ``member`` names one member of a set-valued aspect when the change is about only that one.
    """

    type: Literal["update"] = "update"
    aspect: str
    member: str | None = None
    before: JsonValue = None
    after: JsonValue = None
    new: bool = False
    sensitive: bool = False

    @field_serializer("before", "after")
    def _mask_values(self, value: Json) -> Any:
        return mask(value, self.sensitive)

    def _summary(self) -> str:
        where = self.aspect + (f"[{self.member}]" if self.member else "")
        if self.sensitive:
            change = f"set {SENSITIVE}" if self.new else f"{SENSITIVE} -> {SENSITIVE}"
        else:
            change = f"set {render_value(self.after)}" if self.new else describe_change(self.before, self.after)
        return f"{where}: {change}"


class DeleteAction(Action):
    """Delete the resource; with ``force``, ``contents`` says what goes with it.

    ``options``: what the delete call carries besides ``force`` (a secret's recovery window), shown
    after ``delete``. ``unconditional``: the contents go with any delete (a DynamoDB table's items).
    """

    type: Literal["delete"] = "delete"
    force: bool = False
    contents: str | None = None
    options: dict[str, JsonValue] = Field(default_factory=dict)
    unconditional: bool = False

    @property
    def aspect(self) -> None:
        """A delete is about no single aspect."""
        return None

    @property
    def after(self) -> None:
        """Nothing is left."""
        return None

    def _summary(self) -> str:
        text = "delete"
        if self.options:
            text += f" ({', '.join(f'{key}={render_value(value)}' for key, value in self.options.items())})"
        if self.contents and (self.force or self.unconditional):
            text += f", and {self.contents}" + ("" if self.unconditional else " (force_destroy)")
        return text


class ReplaceAction(_Creates):
    """Delete the resource where it is (``from_region``) and create it again, for ``reasons``.

    ``params`` are the new resource's create values; ``carried_over`` lists the aspects written
    onto it afterwards; with ``force`` (or ``unconditional``: any delete destroys them), ``contents``
    says what is deleted with the old one.
    """

    type: Literal["replace"] = "replace"
    reasons: tuple[str, ...]
    from_region: str | None = None
    carried_over: tuple[str, ...] = ()
    force: bool = False
    contents: str | None = None
    unconditional: bool = False

    def _summary(self) -> str:
        text = f"replace ({'; '.join(scrub_text(r) for r in self.reasons)})"
        if self.contents and (self.force or self.unconditional):
            text += f"; {self.contents} will be deleted with it" + ("" if self.unconditional else " (force_destroy)")
        return text


AnyAction = Annotated[CreateAction | UpdateAction | DeleteAction | ReplaceAction, Field(discriminator="type")]
"""Any action variant (what a plan's ``actions`` hold)."""


class Plan(BaseModel):
    """The changes that would converge one resource, plus what was read to compute them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: Literal[2] = PLAN_FORMAT_VERSION
    kind: str
    name: str
    region: str | None = None
    physical_id: str | None = None
    observed: Observation
    actions: tuple[AnyAction, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _known_format(cls, data: Any) -> Any:
        if isinstance(data, dict):
            version = data.get("format_version", PLAN_FORMAT_VERSION)
            if version != PLAN_FORMAT_VERSION:
                raise PlanFormatError(
                    f"this plan is in format {version!r}, written by another version of awsstate; this version "
                    f"reads format {PLAN_FORMAT_VERSION} only. Plan again with this version and apply that plan."
                )
        return data

    @property
    def changed(self) -> bool:
        """True when applying the plan would write anything."""
        return bool(self.actions)

    @property
    def aspects(self) -> tuple[str, ...]:
        """The aspects this plan writes, in order."""
        return tuple(a.aspect for a in self.actions if a.aspect is not None)

    def __str__(self) -> str:
        where = f"{self.kind} {self.name}" + (f" ({self.region})" if self.region else "")
        if not self.actions:
            return f"  {where}: no changes"
        lines = [f"{where}: {len(self.actions)} change(s)"]
        for action in self.actions:
            lines.extend(f"  {line}" for line in action.lines())
        return "\n".join(lines)

    def __repr__(self) -> str:
        summary = ", ".join(f"{a.symbol}{a.aspect or a.type}" for a in self.actions) or "no changes"
        return f"Plan({self.kind} {self.name!r}: {summary})"
