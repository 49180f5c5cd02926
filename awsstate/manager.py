"""Managers: the verbs users call (``get``, ``list``, ``plan``, ``apply``, ``delete``, ``export``), one class per kind.

A manager is a thin typed facade over the engine (see ARCHITECTURE.md): observe existence and the
managed aspects -> pure diff -> a :class:`~awsstate.plan.Plan` -> verify -> one provider write per
action -> settle -> :class:`ApplyResult`.

Eventual consistency is normal on AWS: a write or read right after a create may say NotFound,
and a setting may read back stale for seconds. Both are retried with backoff inside the settle
budget, and a lagging read never turns into a delete or a second create.
"""

from __future__ import annotations

import builtins
import itertools
import time
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ClassVar, Generic, TypeVar, cast

from pydantic import BaseModel, ConfigDict

from awsstate.canonical import Json
from awsstate.diff import delete_actions, diff
from awsstate.engine.clock import Clock, Context, SettlePolicy, SystemClock
from awsstate.engine.execute import execute
from awsstate.engine.observe import observe, read_carried
from awsstate.engine.settle import settle
from awsstate.engine.verify import check_allowed, check_fresh, check_plan
from awsstate.log import get_logger
from awsstate.plan import AnyAction, Observation, Plan, ReplaceAction
from awsstate.providers.base import Provider
from awsstate.spec import DesiredModel, KindSpec, ObservedModel, ResourceRef

__all__ = ["ApplyResult", "Clock", "Manager", "SettlePolicy", "SystemClock"]

log = get_logger("awsstate.plan")

D = TypeVar("D", bound=DesiredModel)


class ApplyResult(BaseModel):
    """What apply did: ``changed``, the ``actions`` done, and the resource as it now is."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    changed: bool
    plan: Plan
    actions: tuple[AnyAction, ...]
    observed: ObservedModel | None

    def __repr__(self) -> str:
        done = ", ".join(f"{a.symbol}{a.aspect or a.type}" for a in self.actions) or "nothing"
        return f"ApplyResult(changed={self.changed}, {self.plan.kind} {self.plan.name!r}: {done})"

    __str__ = __repr__


class Manager(Generic[D]):
    """Plans and applies desired state for one resource kind (subclasses set ``spec``).

    Args:
        provider: the backend. Default: :class:`~awsstate.providers.aws.AwsProvider` with boto3's
            default credential chain, created on first use of this manager.
        settle: how long to wait for eventual consistency (see :class:`SettlePolicy`).
        clock: time source; tests may pass a fake one.
    """

    spec: ClassVar[KindSpec]

    def __init__(self, provider: Provider | None = None, *, settle: SettlePolicy | None = None,
                 clock: Clock | None = None) -> None:
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

    @property
    def _context(self) -> Context:
        return Context(self.provider, self.clock, self.settle_policy)

    def _ref(self, name: str, region: str | None) -> ResourceRef:
        self.spec.check_name(name, region)  # a bare name gets the Desired model's checks, before any call
        return self.spec.ref(name, (region or self.provider.default_region) if self.spec.regional else None)

    # -- reading -------------------------------------------------------------------------

    def get(self, name: str, region: str | None = None) -> ObservedModel | None:
        """The resource as it is now, every aspect read, or ``None`` when it does not exist.

        An aspect the backend cannot read (an emulator without the call) is left out (``None``).
        """
        observation, _ = observe(self.provider, self.spec, self._ref(name, region), self.spec.aspects,
                                 skip_unsupported=True)
        return self._observed(name, observation) if observation.exists else None

    def names(self, region: str | None = None, *, prefix: str | None = None,
              tags: Mapping[str, str] | None = None) -> builtins.list[str]:
        """The names of this account's resources of this kind in ``region`` (the provider's default
        for regional kinds), sorted: one paginated listing, or with ``tags`` one tag listing per
        tag (every tag must match). ``prefix`` keeps the names that start with it."""
        where = (region or self.provider.default_region) if self.spec.regional else None
        if not tags:
            return self.provider.list_names(self.spec, where, prefix)
        found: set[str] | None = None
        for key, value in tags.items():
            tagged = set(self.provider.list_tagged(self.spec, where, key, value))
            found = tagged if found is None else found & tagged
        return sorted(name for name in found or () if prefix is None or name.startswith(prefix))

    def list(self, region: str | None = None, *, prefix: str | None = None,
             tags: Mapping[str, str] | None = None, parallelism: int = 10) -> Iterator[ObservedModel]:
        """Every resource of this kind in ``region`` (see :meth:`names`), in name order, each read in
        full (:meth:`get`) as the iteration comes near it: at most ``parallelism`` reads ahead, at
        once. One deleted meanwhile is left out. Relations to other resources are in each one's
        :meth:`~awsstate.models.ObservedModel.links`."""
        if parallelism < 1:
            raise ValueError(f"parallelism: must be at least 1, not {parallelism}")
        names = self.names(region, prefix=prefix, tags=tags)
        if parallelism == 1 or len(names) <= 1:
            yield from (observed for name in names if (observed := self.get(name, region)) is not None)
            return
        with ThreadPoolExecutor(max_workers=parallelism, thread_name_prefix="awsstate-list") as pool:
            ahead: deque[Future[ObservedModel | None]] = deque()
            pending = iter(names)
            try:
                for name in itertools.islice(pending, parallelism):
                    ahead.append(pool.submit(self.get, name, region))
                while ahead:
                    observed = ahead.popleft().result()
                    if (following := next(pending, None)) is not None:
                        ahead.append(pool.submit(self.get, following, region))
                    if observed is not None:
                        yield observed
            finally:  # the caller stopped early, or a read failed: no read starts after this
                for future in ahead:
                    future.cancel()

    def export(self, name: str, region: str | None = None) -> D | None:
        """The Desired model that describes the resource exactly as it is (``None`` when missing).

        Every aspect is read; planning the result against the resource is empty.
        """
        observed = self.get(name, region)
        return None if observed is None else cast(D, observed.to_desired())

    def plan(self, desired: D) -> Plan:
        """What :meth:`apply` would change. Reads only the aspects ``desired`` manages; never writes."""
        started = time.perf_counter()
        self._check_desired(desired)
        if desired.state == "absent":
            force = getattr(desired, "force_destroy", None) is True
            options = self.spec.delete_options(desired) if self.spec.delete_options is not None else None
            return self.plan_delete(desired.name, self.spec.region_of(desired), force_destroy=force, options=options)
        ref = self._ref(desired.name, self.spec.region_of(desired))
        observation, ref = observe(self.provider, self.spec, ref, self.spec.managed(desired))
        actions = diff(self.spec, desired, observation, ref.region)
        if self.spec.carry_on_replace and any(isinstance(a, ReplaceAction) for a in actions):
            # What AWS deletes with the old resource and the model leaves unmanaged is carried over.
            observation = read_carried(self.provider, self.spec, ref, desired, observation)
            actions = diff(self.spec, desired, observation, ref.region)
        plan = self._plan(desired.name, ref, observation, actions)
        log.info("plan.computed", kind=self.spec.kind, name=desired.name, region=ref.region, changed=plan.changed,
                 actions=[a.aspect or a.type for a in actions],
                 duration_ms=round((time.perf_counter() - started) * 1000, 3))
        return plan

    def plan_delete(self, name: str, region: str | None = None, *, force_destroy: bool = False,
                    options: Mapping[str, Json] | None = None) -> Plan:
        """A plan that deletes the resource (empty when it does not exist). Reads existence only.

        ``options``: what the delete carries besides ``force_destroy`` (``KindSpec.delete_options``:
        a secret's recovery window); unset, the kind's defaults.
        """
        observation, ref = observe(self.provider, self.spec, self._ref(name, region), ())
        if options is None and self.spec.delete_options is not None:
            options = self.spec.delete_options(None)
        return self._plan(name, ref, observation,
                          delete_actions(self.spec, name, observation, force=force_destroy, options=options))

    def _plan(self, name: str, ref: ResourceRef, observation: Observation, actions: tuple[AnyAction, ...]) -> Plan:
        physical = observation.attributes.get(self.spec.identity.physical_id) if observation.exists else None
        return Plan.model_construct(format_version=2, kind=self.spec.kind, name=name, region=ref.region,
                                    physical_id=physical if isinstance(physical, str) else None,
                                    observed=observation, actions=actions)

    # -- writing -------------------------------------------------------------------------

    def apply(self, target: D | Plan, *, allow_replace: bool = False) -> ApplyResult:
        """Converge: plan ``target`` (or take a plan computed earlier) and make its changes.

        A :class:`Plan` is checked first: every action must be about the plan's own resource
        (else :class:`~awsstate.errors.InvalidPlanError`), and the resource is re-read; if what
        the plan read has changed since, nothing is written and
        :class:`~awsstate.errors.StalePlanError` is raised. A ``replace`` (change to a create-only
        setting) is refused with :class:`~awsstate.errors.UnsafeChangeError` unless
        ``allow_replace=True``.
        """
        if isinstance(target, Plan):
            plan = target
            check_plan(self.spec, plan)
            check_allowed(plan, allow_replace=allow_replace)
            check_fresh(self.provider, self.spec, plan)
        else:
            plan = self.plan(target)
            check_allowed(plan, allow_replace=allow_replace)
        if not plan.changed:
            observed = self._observed(plan.name, plan.observed) if plan.observed.exists else None
            return ApplyResult(changed=False, plan=plan, actions=(), observed=observed)
        done = execute(self._context, self.spec, plan)
        final = settle(self._context, self.spec, plan, done)
        observed = self._observed(plan.name, final) if final is not None else None
        return ApplyResult(changed=True, plan=plan, actions=tuple(done), observed=observed)

    def delete(self, name: str, region: str | None = None, *, force_destroy: bool = False) -> ApplyResult:
        """Delete the resource. A no-op when it does not exist.

        ``force_destroy`` also deletes its contents (every object version in a bucket); without
        it a non-empty resource is left intact and the provider's error is raised.
        """
        return self.apply(self.plan_delete(name, region, force_destroy=force_destroy))

    # -- internals -----------------------------------------------------------------------

    def _check_desired(self, desired: Any) -> None:
        if not isinstance(desired, self.spec.desired_model):
            raise TypeError(f"{type(self).__name__} takes {self.spec.desired_model.__name__}, "
                            f"not {type(desired).__name__}")

    def _observed(self, name: str, observation: Observation) -> ObservedModel:
        return self.spec.observed(name, observation.attributes, observation.aspects).read_with(self.provider)
