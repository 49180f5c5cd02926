"""Execute: one provider write per action, in the plan's order.

Right after a create (or the create half of a replace) AWS may still say NotFound for the new
resource: such a write is retried with backoff inside the settle budget, never answered by a
second create. A failure stops the apply; the error carries ``completed`` (the actions done
before it), and since every action is idempotent, applying again converges from there.

For kinds that declare ``ready`` (a DynamoDB table ``ACTIVE``), a call the backend refuses while
the resource is busy (being created, updated or deleted) waits until it is ready, or gone, and is
made again, inside the settle budget (``settle.waiting`` events); a refusal of a ready resource
stops the apply as any other.
"""

from __future__ import annotations

import dataclasses
import functools
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
            receipt = _once_ready(ctx, spec, action, functools.partial(_perform, ctx, spec, plan, action, created))
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
        if action.options:  # what the delete carries besides force (KindSpec.delete_options)
            ref = dataclasses.replace(ref, options=action.options)
        return provider.delete(ref, force=action.force)
    return _retry_not_found(ctx, lambda: provider.write_aspect(ref, action.aspect, action.after), retry=created)


def _once_ready(ctx: Context, spec: KindSpec, action: AnyAction, call: Callable[[], T]) -> T:
    """Run ``call``; when it fails while the resource is busy (``KindSpec.ready`` says no), wait
    until it is ready or gone and run it again, inside the readiness budget."""
    if spec.ready is None:
        return call()
    deadline = Deadline(ctx.clock, ctx.settle.for_readiness(spec.ready_timeout))
    ref = spec.ref(action.name, action.region)
    while True:
        try:
            return call()
        except NotFoundError:
            raise
        except ProviderError as error:
            try:
                existence = ctx.provider.read_existence(ref)
            except ProviderError:
                raise error from None
            if existence is None or spec.ready(existence):
                raise
            while existence is not None and not spec.ready(existence):
                if deadline.expired():
                    raise ConvergenceError(action.kind, action.name, action.aspect or "readiness", "ready",
                                           "busy", deadline.waited) from error
                deadline.pause(action.kind, action.name, "readiness")
                existence = ctx.provider.read_existence(ref)


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
