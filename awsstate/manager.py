"""Managers: the verbs users call (``get``, ``plan``, ``apply``, ``delete``), one class per kind.

The flow (see ARCHITECTURE.md): read existence and the managed aspects -> pure diff -> a
:class:`~awsstate.plan.Plan` -> one provider write per action -> settle (re-read what changed
until it matches, within a time budget) -> :class:`ApplyResult`.

Eventual consistency is normal on AWS: a write or read right after a create may say NotFound,
and a setting may read back stale for seconds. Both are retried with backoff inside the settle
budget, and a lagging read never turns into a delete or a second create.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar, Generic, Protocol, TypeVar, cast

import structlog
from pydantic import BaseModel, ConfigDict

from awsstate.canonical import Json
from awsstate.diff import diff, stale_aspects
from awsstate.errors import (
    AwsStateError,
    ConvergenceError,
    NotFoundError,
    ProviderError,
    StalePlanError,
    UnsafeChangeError,
)
from awsstate.plan import Action, Observation, Plan
from awsstate.providers.base import Provider, Receipt
from awsstate.spec import Aspect, DesiredModel, KindSpec, ObservedModel, ResourceRef

__all__ = ["ApplyResult", "Clock", "Manager", "SettlePolicy", "SystemClock"]

log = structlog.get_logger(__name__)

D = TypeVar("D", bound=DesiredModel)
O = TypeVar("O", bound=ObservedModel)  # noqa: E741 - reads as Observed next to D
T = TypeVar("T")


class Clock(Protocol):
    """Time as the manager sees it; tests pass a fake clock to simulate waiting."""

    def monotonic(self) -> float:
        """Seconds on a monotonic clock."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """``time.sleep(seconds)``."""
        time.sleep(seconds)


@dataclass(frozen=True)
class SettlePolicy:
    """How long apply waits for AWS to show what it wrote, and how it backs off.

    Attributes:
        timeout: total seconds one apply may spend waiting for reads to match.
        initial_delay / max_delay / multiplier: exponential backoff between re-reads.
    """

    timeout: float = 60.0
    initial_delay: float = 0.25
    max_delay: float = 5.0
    multiplier: float = 2.0


class ApplyResult(BaseModel):
    """What apply did: ``changed``, the ``actions`` done, and the resource as it now is."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    changed: bool
    plan: Plan
    actions: tuple[Action, ...]
    observed: ObservedModel | None

    def __repr__(self) -> str:
        done = ", ".join(f"{a.symbol}{a.aspect or a.type}" for a in self.actions) or "nothing"
        return f"ApplyResult(changed={self.changed}, {self.plan.kind} {self.plan.name!r}: {done})"

    __str__ = __repr__


class _Deadline:
    def __init__(self, clock: Clock, policy: SettlePolicy) -> None:
        self.clock = clock
        self.policy = policy
        self.started = clock.monotonic()
        self.delay = policy.initial_delay

    @property
    def waited(self) -> float:
        return self.clock.monotonic() - self.started

    def expired(self) -> bool:
        return self.waited >= self.policy.timeout

    def pause(self) -> None:
        remaining = self.policy.timeout - self.waited
        self.clock.sleep(max(0.0, min(self.delay, remaining)))
        self.delay = min(self.delay * self.policy.multiplier, self.policy.max_delay)


class Manager(Generic[D, O]):
    """Plans and applies desired state for one resource kind (subclasses set ``spec``).

    Args:
        provider: the backend. Default: :class:`~awsstate.providers.aws.AwsProvider` with boto3's
            default credential chain, created on first use of this manager.
        settle: how long to wait for eventual consistency (see :class:`SettlePolicy`).
        clock: time source; tests may pass a fake one.
    """

    spec: ClassVar[KindSpec]

    def __init__(
        self,
        provider: Provider | None = None,
        *,
        settle: SettlePolicy | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._provider = provider
        self.settle_policy = settle or SettlePolicy()
        self.clock: Clock = clock or SystemClock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self._provider!r})"

    @property
    def provider(self) -> Provider:
        """The backend this manager reads and writes."""
        if self._provider is None:
            from awsstate.providers.aws import AwsProvider  # boto3 is imported only on demand

            self._provider = AwsProvider()
        return self._provider

    # -- reading -------------------------------------------------------------------------

    def get(self, name: str, region: str | None = None) -> O | None:
        """The resource as it is now, every aspect read, or ``None`` when it does not exist."""
        ref = self._ref_for(name, region)
        observation, ref = self._observe(ref, self.spec.aspects)
        if not observation.exists:
            return None
        return self._observed(name, observation)

    def plan(self, desired: D) -> Plan:
        """What :meth:`apply` would change. Reads only the aspects ``desired`` manages; never writes."""
        started = time.perf_counter()
        self._check_desired(desired)
        if desired.state == "absent":
            force = getattr(desired, "force_destroy", None) is True
            return self.plan_delete(desired.name, self.spec.region_of(desired), force_destroy=force)
        ref = self.spec.ref(desired, self.provider.default_region)
        observation, ref = self._observe(ref, self.spec.managed(desired))
        actions = diff(self.spec, desired, observation, ref.region)
        plan = Plan(kind=self.spec.kind, name=desired.name, region=ref.region, observed=observation, actions=actions)
        log.info(
            "plan.computed", kind=self.spec.kind, name=desired.name, region=ref.region, changed=plan.changed,
            actions=[a.aspect or a.type for a in actions], duration_ms=_ms(started),
        )
        return plan

    def plan_delete(self, name: str, region: str | None = None, *, force_destroy: bool = False) -> Plan:
        """A plan that deletes the resource (empty when it does not exist). Reads existence only."""
        ref = self._ref_for(name, region)
        observation, ref = self._observe(ref, ())
        actions: tuple[Action, ...] = ()
        if observation.exists:
            what = " and everything in it" if force_destroy else ""
            actions = (Action(type="delete", kind=self.spec.kind, name=name, region=ref.region,
                              before={"exists": True}, after={"force_destroy": force_destroy},
                              details=f"{self.spec.kind} {name}: delete{what}"),)
        return Plan(kind=self.spec.kind, name=name, region=ref.region, observed=observation, actions=actions)

    # -- writing -------------------------------------------------------------------------

    def apply(self, target: D | Plan, *, allow_replace: bool = False) -> ApplyResult:
        """Converge: plan ``target`` (or take a plan computed earlier) and make its changes.

        A :class:`Plan` is re-read first; if what it read has changed since, nothing is written
        and :class:`~awsstate.errors.StalePlanError` is raised. A ``replace`` (change to a
        create-only setting) is refused with :class:`~awsstate.errors.UnsafeChangeError`
        unless ``allow_replace=True``.
        """
        if isinstance(target, Plan):
            plan = target
            self._check_fresh(plan)
        else:
            plan = self.plan(target)
        if not plan.changed:
            return ApplyResult(changed=False, plan=plan, actions=(),
                               observed=self._observed(plan.name, plan.observed) if plan.observed.exists else None)
        for action in plan.actions:
            if action.type == "replace" and not allow_replace:
                reason = action.details.split(": replace ", 1)[-1].strip("()")
                raise UnsafeChangeError(self.spec.kind, plan.name, f"this needs a replacement: {reason}",
                                        "Pass allow_replace=True to delete and re-create it.")
        done = self._execute(plan)
        observed = self._settle(plan, done)
        return ApplyResult(changed=True, plan=plan, actions=tuple(done), observed=observed)

    def delete(self, name: str, region: str | None = None, *, force_destroy: bool = False) -> ApplyResult:
        """Delete the resource. A no-op when it does not exist.

        ``force_destroy`` also deletes its contents (every object version in a bucket); without
        it a non-empty resource is left intact and the provider's error is raised.
        """
        return self.apply(self.plan_delete(name, region, force_destroy=force_destroy))

    # -- internals -----------------------------------------------------------------------

    def _check_desired(self, desired: DesiredModel) -> None:
        if not isinstance(desired, self.spec.desired_model):
            raise TypeError(f"{type(self).__name__} takes {self.spec.desired_model.__name__}, "
                            f"not {type(desired).__name__}")

    def _ref_for(self, name: str, region: str | None) -> ResourceRef:
        if not self.spec.regional:
            return ResourceRef(self.spec.kind, name, None)
        return ResourceRef(self.spec.kind, name, region or self.provider.default_region)

    def _observe(self, ref: ResourceRef, aspects: tuple[Aspect, ...]) -> tuple[Observation, ResourceRef]:
        existence = self.provider.read_existence(ref)
        if existence is None:
            return Observation(exists=False, region=ref.region), ref
        region = existence.get("region")
        if isinstance(region, str) and self.spec.regional:
            ref = ResourceRef(ref.kind, ref.name, region)  # read and write where it really is
        attributes, values = self._split(existence)
        values = {a.name: values[a.name] if a.in_existence else self.provider.read_aspect(ref, a.name)
                  for a in aspects}
        return Observation(exists=True, region=ref.region, attributes=attributes, aspects=values), ref

    def _split(self, existence: Mapping[str, Json]) -> tuple[dict[str, Json], dict[str, Json]]:
        """Separate plain attributes from aspects the existence read carries (``in_existence``)."""
        carried = {a.name for a in self.spec.aspects if a.in_existence}
        attributes = {k: v for k, v in existence.items() if k not in carried}
        return attributes, {k: existence.get(k) for k in carried}

    def _read_aspect(self, ref: ResourceRef, aspect: Aspect) -> Json:
        """One aspect's current value: from the existence read when it carries it."""
        if not aspect.in_existence:
            return self.provider.read_aspect(ref, aspect.name)
        existence = self.provider.read_existence(ref)
        if existence is None:
            raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, aspect=aspect.name)
        return self._split(existence)[1][aspect.name]

    def _observed(self, name: str, observation: Observation) -> O:
        # spec.observed_model is O for this manager: the subclass pairs them.
        return cast(O, self.spec.observed(name, observation.attributes, observation.aspects))

    def _check_fresh(self, plan: Plan) -> None:
        if plan.kind != self.spec.kind:
            raise TypeError(f"{type(self).__name__} cannot apply a {plan.kind} plan")
        ref = ResourceRef(plan.kind, plan.name, plan.observed.region or plan.region)
        aspects = tuple(self.spec.aspect(name) for name in plan.observed.aspects)
        now, _ = self._observe(ref, aspects)
        changed = stale_aspects(self.spec, plan.observed, now)
        if changed:
            raise StalePlanError(plan.kind, plan.name, changed)

    def _execute(self, plan: Plan) -> list[Action]:
        done: list[Action] = []
        created = False
        for action in plan.actions:
            ref = ResourceRef(action.kind, action.name, action.region)
            started = time.perf_counter()
            try:
                receipt = self._perform(plan, action, ref, created)
            except (ProviderError, ConvergenceError) as error:
                error.completed = list(done)
                log.warning(
                    "action.failed", kind=action.kind, name=action.name, aspect=action.aspect, type=action.type,
                    error=type(error).__name__, code=getattr(error, "code", ""),
                    request_id=getattr(error, "request_id", None), completed=len(done), duration_ms=_ms(started),
                )
                raise
            created = created or action.type in ("create", "replace")
            done.append(action)
            log.info(
                "action.applied", kind=action.kind, name=action.name, aspect=action.aspect, type=action.type,
                request_id=receipt.request_id, duration_ms=_ms(started),
            )
        return done

    def _perform(self, plan: Plan, action: Action, ref: ResourceRef, created: bool) -> Receipt:
        provider = self.provider
        if action.type == "create":
            return provider.create(ref, _params(action.after))
        if action.type == "replace":
            old = ResourceRef(ref.kind, ref.name, plan.observed.region)
            force = isinstance(action.before, dict) and action.before.get("force_destroy") is True
            provider.delete(old, force=force)
            return self._retry_not_found(lambda: provider.create(ref, _params(action.after)), retry=True)
        if action.type == "delete":
            force = isinstance(action.after, dict) and action.after.get("force_destroy") is True
            return provider.delete(ref, force=force)
        assert action.aspect is not None
        aspect = action.aspect
        return self._retry_not_found(lambda: provider.write_aspect(ref, aspect, action.after), retry=created)

    def _retry_not_found(self, call: Callable[[], T], *, retry: bool) -> T:
        """Run ``call``; right after a create, NotFound is eventual consistency: back off and retry."""
        deadline = _Deadline(self.clock, self.settle_policy)
        while True:
            try:
                return call()
            except NotFoundError as error:
                if not retry:
                    raise
                if deadline.expired():  # the budget ran out: say which aspect never became writable
                    raise ConvergenceError(error.kind, error.name, error.aspect or "existence", "exists",
                                           "not found", deadline.waited) from error
                deadline.pause()

    def _settle(self, plan: Plan, done: list[Action]) -> O | None:
        """Re-read what changed until it matches; build the resulting Observed from what is known."""
        deadline = _Deadline(self.clock, self.settle_policy)
        # After a create or replace, the resource is where that action put it (a replace may move it).
        region = next((a.region for a in done if a.type in ("create", "replace")), plan.region)
        attributes: dict[str, Json] = dict(plan.observed.attributes)
        aspects: dict[str, Json] = dict(plan.observed.aspects)
        if any(a.type == "delete" for a in done):
            ref = ResourceRef(plan.kind, plan.name, region)
            while self.provider.read_existence(ref) is not None:
                if deadline.expired():
                    raise ConvergenceError(plan.kind, plan.name, "existence", "deleted", "still exists",
                                           deadline.waited)
                deadline.pause()
            return None
        if any(a.type in ("create", "replace") for a in done):
            ref = ResourceRef(plan.kind, plan.name, region)
            while (existence := self.provider.read_existence(ref)) is None:
                if deadline.expired():  # never re-create because a read lagged
                    raise ConvergenceError(plan.kind, plan.name, "existence", "exists", "not found", deadline.waited)
                deadline.pause()
            attributes = self._split(existence)[0]
            for action in done:
                if action.type in ("create", "replace") and isinstance(action.after, dict):
                    aspects.update({k: v for k, v in action.after.items() if k in self._aspect_names})
        ref = ResourceRef(plan.kind, plan.name, region)
        expected = {a.aspect: a.after for a in done if a.type == "update" and a.aspect is not None}
        aspects.update(self._await_aspects(ref, expected, deadline))
        final = Observation(exists=True, region=region, attributes=attributes, aspects=aspects)
        return self._observed(plan.name, final)

    @property
    def _aspect_names(self) -> set[str]:
        return {a.name for a in self.spec.aspects}

    def _await_aspects(self, ref: ResourceRef, expected: Mapping[str, Json], deadline: _Deadline) -> dict[str, Json]:
        """Re-read every written aspect until each matches what was written.

        Each round re-reads only the aspects still pending, so the wait is as long as the slowest
        aspect's lag, not the sum of all; on a consistent backend it is one read per aspect.
        """
        pending = dict(expected)
        settled: dict[str, Json] = {}
        last: dict[str, Json] = {}
        while True:
            for name, value in list(pending.items()):
                aspect = self.spec.aspect(name)
                try:
                    current = self._read_aspect(ref, aspect)
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
            if deadline.expired():
                name = next(iter(pending))
                raise ConvergenceError(ref.kind, ref.name, name, pending[name], last.get(name), deadline.waited)
            deadline.pause()


def _params(value: Json) -> dict[str, Json]:
    if not isinstance(value, dict):
        raise AwsStateError(f"malformed plan: create parameters must be an object, got {value!r}")
    return value


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)

