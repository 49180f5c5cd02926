"""Plans: what apply would do, as frozen data.

A :class:`Plan` is computed by ``manager.plan(desired)`` and holds:

* ``observed``: what was read (existence, create-only attributes, and each managed aspect), so
  ``manager.apply(plan)`` can re-read and refuse a plan that went stale;
* ``actions``: the writes, each an :class:`Action` with ``type``, ``kind``, ``name``, ``aspect``,
  ``before``, ``after`` and a one-line ``details``.

``plan.model_dump_json()`` is a stable, versioned JSON form and ``Plan.model_validate_json``
reads it back. ``str(plan)`` is the human rendering: ``+`` create, ``~`` update, ``-`` delete,
``-/+`` replace.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from awsstate.canonical import Json

__all__ = ["Action", "ActionType", "Observation", "Plan", "PLAN_FORMAT_VERSION", "render_value"]

PLAN_FORMAT_VERSION: Literal[1] = 1
"""Bumped whenever the JSON form of a plan changes incompatibly."""

ActionType = Literal["create", "update", "delete", "replace"]

_SYMBOLS: dict[str, str] = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}


def render_value(value: Json) -> str:
    """A compact, stable one-line rendering of a canonical value."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(", ", ": "))


class Observation(BaseModel):
    """What a plan read: whether the resource exists, its attributes and the managed aspects."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    exists: bool
    region: str | None = None
    attributes: dict[str, JsonValue] = Field(default_factory=dict)
    aspects: dict[str, JsonValue] = Field(default_factory=dict)


class Action(BaseModel):
    """One change apply will make.

    ``type`` is ``create``, ``update`` (one aspect), ``delete`` or ``replace``. ``aspect`` is
    the aspect an update writes (``None`` otherwise). ``before``/``after`` are canonical JSON
    values (for a create, ``after`` holds the create call's parameters). ``details`` is a
    one-line description, also used by ``str(plan)``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ActionType
    kind: str
    name: str
    region: str | None = None
    aspect: str | None = None
    before: JsonValue = None
    after: JsonValue = None
    details: str = ""

    @property
    def symbol(self) -> str:
        """``+``, ``~``, ``-`` or ``-/+``."""
        return _SYMBOLS[self.type]

    def __str__(self) -> str:
        return f"{self.symbol} {self.details}"


class Plan(BaseModel):
    """The changes that would converge one resource, plus what was read to compute them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: Literal[1] = 1
    kind: str
    name: str
    region: str | None = None
    observed: Observation
    actions: tuple[Action, ...] = ()

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
        lines.extend(f"  {action}" for action in self.actions)
        return "\n".join(lines)

    def __repr__(self) -> str:
        summary = ", ".join(f"{a.symbol}{a.aspect or a.type}" for a in self.actions) or "no changes"
        return f"Plan({self.kind} {self.name!r}: {summary})"
