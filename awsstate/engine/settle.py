"""Settle: after the writes, re-read what changed until AWS shows it, within the settle budget.

A delete waits until the resource is gone; a create until it exists (and, for kinds that declare
``ready``, until it is usable); each written aspect until it reads back as written. Every round
re-reads only what is still pending, so the wait is as long as the slowest lag, not the sum, and
on a consistent backend it is one read per written aspect. Each wait is logged
(``settle.waiting``: kind, name, what it waits for, seconds waited) so a long one is visible.
A read that lags is never answered by writing again: past the budget, a
:class:`~awsstate.errors.ConvergenceError` names what never settled.
"""

from __future__ import annotations

from collections.abc import Mapping

from awsstate.canonical import Json
from awsstate.engine.clock import Context, Deadline
from awsstate.engine.observe import read_one, split_existence
from awsstate.errors import ConvergenceError, NotFoundError
from awsstate.plan import AnyAction, CreateAction, DeleteAction, Observation, Plan, ReplaceAction, UpdateAction
from awsstate.spec import KindSpec, ResourceRef

__all__ = ["settle"]


def settle(ctx: Context, spec: KindSpec, plan: Plan, done: list[AnyAction]) -> Observation | None:
    """Wait until ``done`` shows; the resource as it now is (``None`` once deleted)."""
    deadline = Deadline(ctx.clock, ctx.settle)
    # After a create or replace, the resource is where that action put it (a replace may move it).
    region = next((a.region for a in done if isinstance(a, CreateAction | ReplaceAction)), plan.region)
    ref = spec.ref(plan.name, region)
    attributes: dict[str, Json] = dict(plan.observed.attributes)
    aspects: dict[str, Json] = dict(plan.observed.aspects)
    if any(isinstance(a, DeleteAction) for a in done):
        _await_gone(ctx, spec, ref, deadline)
        return None
    if any(isinstance(a, CreateAction | ReplaceAction) for a in done):
        if spec.ready is None:
            attributes = _await_existence(ctx, spec, ref, deadline)
        else:  # a resource being built has its own budget; the read-backs after it get the whole settle one
            building = Deadline(ctx.clock, ctx.settle.for_readiness(spec.ready_timeout))
            attributes = _await_existence(ctx, spec, ref, building)
            deadline = Deadline(ctx.clock, ctx.settle)
        for action in done:
            if isinstance(action, CreateAction | ReplaceAction):
                aspects.update({k: v for k, v in action.params.items() if k in spec.aspect_names})
    expected = {a.aspect: a.after for a in done if isinstance(a, UpdateAction)}
    aspects.update(_await_aspects(ctx, spec, ref, expected, deadline))
    return Observation.model_construct(exists=True, region=region, attributes=attributes, aspects=aspects,
                                       sensitive=plan.observed.sensitive)


def _await_gone(ctx: Context, spec: KindSpec, ref: ResourceRef, deadline: Deadline) -> None:
    while (existence := ctx.provider.read_existence(ref)) is not None and not (
            spec.gone is not None and spec.gone(existence)):
        if deadline.expired():
            raise ConvergenceError(ref.kind, ref.name, "existence", "deleted", "still exists", deadline.waited)
        deadline.pause(ref.kind, ref.name, "deletion")


def _await_existence(ctx: Context, spec: KindSpec, ref: ResourceRef, deadline: Deadline) -> dict[str, Json]:
    while True:
        existence = ctx.provider.read_existence(ref)
        if existence is not None and (spec.ready is None or spec.ready(existence)):
            return split_existence(spec, existence)[0]
        if deadline.expired():  # never re-create because a read lagged
            seen = "not found" if existence is None else "not ready"
            raise ConvergenceError(ref.kind, ref.name, "existence", "exists and ready", seen, deadline.waited)
        deadline.pause(ref.kind, ref.name, "existence" if existence is None else "readiness")


def _await_aspects(ctx: Context, spec: KindSpec, ref: ResourceRef, expected: Mapping[str, Json],
                   deadline: Deadline) -> dict[str, Json]:
    pending = dict(expected)
    settled: dict[str, Json] = {}
    last: dict[str, Json] = {}
    while True:
        for name, value in list(pending.items()):
            aspect = spec.aspect(name)
            try:
                current = read_one(ctx.provider, spec, ref, aspect)
            except NotFoundError:
                last[name] = "(not found)"
                continue
            if aspect.equal(current, value):
                settled[name] = current
                del pending[name]
            else:
                last[name] = current
        if not pending:
            return settled
        name = next(iter(pending))
        if deadline.expired():
            raise ConvergenceError(ref.kind, ref.name, name, pending[name], last.get(name), deadline.waited,
                                   sensitive=spec.aspect(name).sensitive)
        deadline.pause(ref.kind, ref.name, ", ".join(pending))
