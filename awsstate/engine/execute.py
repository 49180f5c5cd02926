"""Execute: one provider write per action, in the plan's order.

Right after a create (or the create half of a replace) AWS may still say NotFound for the new
resource: such a write is retried with backoff inside the settle budget, never answered by a
second create. A failure stops the apply; the error carries ``completed`` (the actions done
before it), and since every action is idempotent, applying again converges from there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from awsstate.canonical import Json
from awsstate.engine.clock import Context, Deadline
from awsstate.errors import AwsStateError, ConvergenceError, NotFoundError, ProviderError
from awsstate.log import get_logger
from awsstate.plan import AnyAction, CreateAction, DeleteAction, Plan, ReplaceAction
from awsstate.providers.base import Receipt
from awsstate.spec import KindSpec

__all__ = ["execute"]

log = get_logger("awsstate.apply")
T = TypeVar("T")


def execute(ctx: Context, spec: KindSpec, plan: Plan) -> list[AnyAction]:
    """Perform every action of ``plan``; returns them once done."""
    done: list[AnyAction] = []
    created = False
    for action in plan.actions:
        started = time.perf_counter()
        try:
            receipt = _perform(ctx, spec, plan, action, created)
        except (ProviderError, ConvergenceError) as error:
            error.completed = list(done)
            log.warning(
                "action.failed", kind=action.kind, name=action.name, aspect=action.aspect, type=action.type,
                error=type(error).__name__, code=getattr(error, "code", ""),
                request_id=getattr(error, "request_id", None), completed=len(done), duration_ms=_ms(started),
            )
            raise
        created = created or isinstance(action, CreateAction | ReplaceAction)
        done.append(action)
        log.info("action.applied", kind=action.kind, name=action.name, aspect=action.aspect, type=action.type,
                 request_id=receipt.request_id, duration_ms=_ms(started))
    return done


def _perform(ctx: Context, spec: KindSpec, plan: Plan, action: AnyAction, created: bool) -> Receipt:
    provider = ctx.provider
    ref = spec.ref(action.name, action.region)
    if isinstance(action, CreateAction):
        return provider.create(ref, _params(action.params))
    if isinstance(action, ReplaceAction):
        provider.delete(spec.ref(action.name, action.from_region), force=action.force)
        return _retry_not_found(ctx, lambda: provider.create(ref, _params(action.params)), retry=True)
    if isinstance(action, DeleteAction):
        return provider.delete(ref, force=action.force)
    return _retry_not_found(ctx, lambda: provider.write_aspect(ref, action.aspect, action.after), retry=created)


def _retry_not_found(ctx: Context, call: Callable[[], T], *, retry: bool) -> T:
    """Run ``call``; right after a create, NotFound is eventual consistency: back off and retry."""
    deadline = Deadline(ctx.clock, ctx.settle)
    while True:
        try:
            return call()
        except NotFoundError as error:
            if not retry:
                raise
            if deadline.expired():  # the budget ran out: say which aspect never became writable
                raise ConvergenceError(error.kind, error.name, error.aspect or "existence", "exists",
                                       "not found", deadline.waited) from error
            deadline.pause(error.kind, error.name, error.aspect or "existence")


def _params(value: object) -> dict[str, Json]:
    if not isinstance(value, dict):
        raise AwsStateError(f"malformed plan: create parameters must be an object, got {value!r}")
    return value


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
