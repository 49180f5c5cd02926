"""Stack plans and results: data, like a resource's plan.

A :class:`StackPlan` holds one :class:`~awsstate.plan.Plan` per resource (keyed ``kind.name``),
or of each S3 object or sync it holds (:mod:`~awsstate.stack.content`), the order they are
applied in, what each depends on, the values still unknown before apply
(each named by its source, ``sqs_queue.orders-q.url``) and the resources pruned.
``model_dump_json()`` round-trips (``format_version`` 1), so a reviewed stack plan can be
applied in another process.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from awsstate.objects.plans import ObjectPlan, SyncPlan
from awsstate.plan import DeleteAction, Plan

__all__ = ["STACK_PLAN_FORMAT_VERSION", "MemberPlan", "ResourceOutcome", "StackPlan", "StackResult"]


def _member_type(value: Any) -> str:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return kind if kind in ("s3_object", "s3_sync") else "resource"


MemberPlan = Annotated[Annotated[Plan, Tag("resource")] | Annotated[ObjectPlan, Tag("s3_object")]
                       | Annotated[SyncPlan, Tag("s3_sync")], Discriminator(_member_type)]
"""The plan of one stack member: a resource's :class:`~awsstate.plan.Plan`, or an S3 object's or sync's."""

STACK_PLAN_FORMAT_VERSION: Literal[1] = 1
"""Bumped whenever the JSON form of a stack plan changes incompatibly."""


class StackPlan(BaseModel):
    """What applying a stack would change, resource by resource, in dependency order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: Literal[1] = STACK_PLAN_FORMAT_VERSION
    stack: str
    order: tuple[str, ...]
    plans: dict[str, MemberPlan]
    depends_on: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    unknown: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    pruned: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """True when applying the plan would write anything."""
        return any(plan.changed for plan in self.plans.values())

    @property
    def changes(self) -> int:
        """How many actions the plan holds."""
        return sum(len(plan.actions) for plan in self.plans.values())

    def deletes(self) -> list[str]:
        """The resources this plan deletes (``absent`` ones and pruned ones)."""
        return [key for key in self.order if isinstance(plan := self.plans[key], Plan)
                and any(isinstance(a, DeleteAction) for a in plan.actions)]

    def resources(self) -> dict[str, Plan]:
        """The plans of the stack's resources (not its S3 objects and syncs), in order."""
        return {key: plan for key in self.order if isinstance(plan := self.plans[key], Plan)}

    def __str__(self) -> str:
        changed = [key for key in self.order if self.plans[key].changed]
        head = (f"stack {self.stack}: {self.changes} change(s) in {len(changed)} of {len(self.order)} resource(s)"
                if changed else f"stack {self.stack}: no changes ({len(self.order)} resource(s))")
        lines = [head]
        for key in self.order:
            plan = self.plans[key]
            if not plan.changed:
                continue
            note = " (pruned: no longer in the stack)" if key in self.pruned else ""
            text = str(plan).splitlines()
            lines.append(f"{text[0]}{note}")
            lines.extend(text[1:])
            if self.unknown.get(key):
                lines.append(f"  known after apply: {', '.join(self.unknown[key])}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"StackPlan({self.stack!r}: {self.changes} change(s), {len(self.order)} resource(s))"


class ResourceOutcome(BaseModel):
    """What a stack apply did to one resource."""

    model_config = ConfigDict(frozen=True)

    key: str
    status: Literal["unchanged", "done", "failed", "skipped"]
    actions: int = 0
    error: str | None = None
    reason: str | None = None


class StackResult(BaseModel):
    """What a stack apply did: per resource, done / unchanged / failed / skipped (with why)."""

    model_config = ConfigDict(frozen=True)

    stack: str
    outcomes: dict[str, ResourceOutcome]

    def _with(self, status: str) -> list[str]:
        return [key for key, outcome in self.outcomes.items() if outcome.status == status]

    @property
    def done(self) -> list[str]:
        """The resources changed."""
        return self._with("done")

    @property
    def failed(self) -> list[str]:
        """The resources whose apply failed."""
        return self._with("failed")

    @property
    def skipped(self) -> list[str]:
        """The resources not applied because something they depend on failed."""
        return self._with("skipped")

    @property
    def changed(self) -> bool:
        """True when anything was written."""
        return bool(self.done)

    @property
    def ok(self) -> bool:
        """True when nothing failed or was skipped."""
        return not self.failed and not self.skipped

    def __str__(self) -> str:
        lines = [f"stack {self.stack}: {len(self.done)} done, {len(self._with('unchanged'))} unchanged, "
                 f"{len(self.failed)} failed, {len(self.skipped)} skipped"]
        for key, outcome in self.outcomes.items():
            if outcome.status == "failed":
                lines.append(f"  failed  {key}: {outcome.error}")
            elif outcome.status == "skipped":
                lines.append(f"  skipped {key}: {outcome.reason}")
        return "\n".join(lines)
