"""Stacks: many connected resources planned and applied together.

::

    topic = SnsTopicDesired(name="orders")
    queue = SqsQueueDesired(name="orders-q", policy=allow_sns_to_send(topic.ref.arn))
    stack = Stack("orders", [topic, queue], provider=AwsProvider(region="eu-west-1"))
    plan = stack.plan()          # one StackPlan, resource by resource, in dependency order
    stack.apply(plan)            # in that order, independent resources concurrently
    stack.plan(prune=True)       # also deletes what this stack owns that is no longer in it

Each resource is planned and applied by its kind's :class:`~awsstate.manager.Manager` on the
same engine as a single resource (observe, diff, verify, execute, settle); the stack adds the
graph (:mod:`~awsstate.stack.graph`), references (:mod:`~awsstate.stack.resolve`), bounded
parallelism (:mod:`~awsstate.stack.executor`) and shared adaptive rate limits
(:mod:`~awsstate.stack.limits`). There is no state file: every plan reads AWS, and only what the
stack manages. Resources the stack manages carry the tag ``awsstate:stack=<name>`` (kinds with
tags), which is how ``prune`` finds those no longer in it; without ``prune=True`` nothing is
deleted that the stack does not name as ``absent``.

A stack also holds S3 objects and directory syncs, each planned and applied after its bucket
(:mod:`~awsstate.stack.content`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from awsstate.engine.clock import Clock, SettlePolicy, SystemClock
from awsstate.errors import InvalidPlanError, StackApplyError, StackError
from awsstate.kinds import KINDS, kind_spec, manager_class
from awsstate.log import get_logger
from awsstate.manager import Manager
from awsstate.models import DesiredModel
from awsstate.objects.verbs import S3Objects
from awsstate.plan import Plan
from awsstate.providers.base import Provider
from awsstate.spec import KindSpec
from awsstate.stack.content import (
    ContentDesired,
    apply_content,
    content_nodes,
    is_content,
    objects_of,
    plan_content,
    with_content,
)
from awsstate.stack.executor import run_graph
from awsstate.stack.graph import Graph, Node, build_graph, node_key
from awsstate.stack.limits import RateLimitedProvider, RateLimits
from awsstate.stack.plan import MemberPlan, ResourceOutcome, StackPlan, StackResult
from awsstate.stack.progress import EventCallback, Progress
from awsstate.stack.resolve import OWNER_TAG, Values, filled, owned, resolve

__all__ = ["Stack"]

log = get_logger("awsstate.stack")
_STACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\Z")
_DELETE_WAVES = 5  # deletes whose order is unknown (pruned resources) are retried after the others


class _Specs(Mapping[str, KindSpec]):
    """Every kind's spec, each imported when first asked for."""

    def __getitem__(self, kind: str) -> KindSpec:
        if kind not in KINDS:
            raise KeyError(kind)
        return kind_spec(kind)

    def __iter__(self) -> Iterator[str]:
        return iter(KINDS)

    def __len__(self) -> int:
        return len(KINDS)


class Stack:
    """A named set of desired resources, planned and applied together.

    Args:
        name: the stack's name (letters, digits, ``_ . -``), the value of its ownership tag.
        resources: the desired models (each kind and name at most once), and S3 objects and syncs
            (:class:`~awsstate.objects.S3ObjectDesired`, :class:`~awsstate.objects.S3SyncDesired`).
        provider: the backend (default: ``AwsProvider()`` with boto3's defaults).
        parallelism: how many resources are read or written at once.
        rate_limits: the adaptive limiters to share (default: this stack's own).
        settle / clock: as for a :class:`~awsstate.manager.Manager`.
        on_event: called with a :class:`~awsstate.stack.progress.StackEvent` as each resource
            starts and finishes planning, applying or deleting (see :mod:`~awsstate.stack.progress`).
    """

    def __init__(self, name: str, resources: Iterable[DesiredModel | ContentDesired], *,
                 provider: Provider | None = None, parallelism: int = 10, rate_limits: RateLimits | None = None,
                 settle: SettlePolicy | None = None,
                 clock: Clock | None = None, on_event: EventCallback | None = None) -> None:
        if not _STACK_NAME.match(name):
            raise StackError(f"stack name {name!r}: use 1 to 128 letters, digits and _ . - (it is a tag value)")
        if parallelism < 1:
            raise StackError("parallelism must be at least 1")
        self.name = name
        given = tuple(resources)
        for resource in given:
            if not isinstance(resource, DesiredModel) and not is_content(resource):
                raise StackError(f"a stack holds desired models, S3 objects and syncs, not {type(resource).__name__}")
        self.resources: tuple[DesiredModel, ...] = tuple(r for r in given if isinstance(r, DesiredModel))
        self.content: tuple[ContentDesired, ...] = tuple(r for r in given if not isinstance(r, DesiredModel))
        self.parallelism = parallelism
        self.rate_limits = rate_limits or RateLimits()
        self.settle_policy = settle or SettlePolicy()
        self.clock: Clock = clock or SystemClock()
        self.on_event = on_event
        self._provider = provider
        self._paced: Provider | None = None
        self._specs = _Specs()

    def __repr__(self) -> str:
        content = f", {len(self.content)} object(s) and sync(s)" if self.content else ""
        return f"Stack({self.name!r}, {len(self.resources)} resource(s){content}, parallelism={self.parallelism})"

    @classmethod
    def for_plan(cls, plan: StackPlan, **options: Any) -> Stack:
        """A stack that applies a saved plan as it is, without its desired models (values known
        only after apply are read from AWS once what they depend on is applied)."""
        return cls(plan.stack, (), **options)

    @classmethod
    def export(cls, name: str, resources: Iterable[tuple[str, str]] | None = None, *, provider: Provider,
               kinds: Sequence[str] | None = None, tags: Mapping[str, str] | None = None, region: str | None = None,
               **options: Any) -> Stack:
        """A stack of what exists: the ``(kind, name)`` ``resources`` given, or every resource of
        ``kinds`` (default: all) in ``region`` carrying all of ``tags``. Its plan is empty; ARNs
        between its members are references (see :mod:`awsstate.stack.export`)."""
        from awsstate.stack.export import export_resources, select

        chosen = list(resources) if resources is not None else select(provider, kinds=kinds, tags=tags, region=region)
        parallelism = int(options.get("parallelism", 10))
        models = export_resources(provider, chosen, region=region, parallelism=parallelism)
        return cls(name, models, provider=provider, **options)

    @property
    def provider(self) -> Provider:
        """The backend, paced by the stack's rate limits."""
        if self._paced is None:
            base = self._provider
            if base is None:
                from awsstate.providers.aws import AwsProvider

                base = AwsProvider()
            account = base.identity(base.default_region)[1]
            self._paced = RateLimitedProvider(base, self.rate_limits, account=account)
        return self._paced

    def _manager(self, kind: str) -> Manager[Any]:
        return manager_class(kind)(self.provider, settle=self.settle_policy, clock=self.clock)

    # -- planning ------------------------------------------------------------------------------

    def _objects(self) -> S3Objects:
        return objects_of(self.provider, self.clock, self.parallelism)

    def _graph(self, offline: bool = False) -> tuple[Graph, Values]:
        if offline:  # no call at all: ARNs are shaped with a placeholder account
            values = Values(None, ("aws", "000000000000"), None)
        else:
            provider = self.provider
            values = Values(provider, provider.identity(provider.default_region), provider.default_region)
        draft = {node_key(r.kind_spec.kind, r.name): Node(node_key(r.kind_spec.kind, r.name), r, r.kind_spec)
                 for r in self.resources}
        derived = {key: values.derive(node).get("arn") for key, node in draft.items()}
        arns = {key: str(arn) for key, arn in derived.items() if arn}
        return build_graph(self.resources, self._specs, arns), values

    def validate(self) -> None:
        """Check the stack without any AWS call: duplicates, references (kinds, attributes, cycles)
        and every desired state with the references it can resolve; raises :class:`StackError`."""
        graph, values = self._graph(offline=True)
        for key in graph.order:
            resolve(graph.nodes[key], graph.nodes[key].desired, values, graph.nodes, self._specs, look_outside=False)
        content_nodes(self.content, graph.nodes, self._provider.default_region if self._provider else None)

    def plan(self, *, prune: bool = False) -> StackPlan:
        """What :meth:`apply` would change, for every resource (reads only what each one manages).

        ``prune``: also plan the deletion of resources that carry this stack's ownership tag but
        are no longer in it (one tag listing per region).
        """
        graph, values = self._graph()
        for key in graph.order:  # every reference resolvable without a call, checked before any call
            resolve(graph.nodes[key], graph.nodes[key].desired, values, graph.nodes, self._specs, look_outside=False)
        for source, field, target in graph.external:  # an outside reference must exist: say which field
            region = values.region_of(graph.nodes[source])
            missing = values.outside(self._specs[target.kind], target.name, region) is None \
                if target.attribute == "name" else values.value(target, graph.nodes, self._specs, region) is None
            if missing:
                raise StackError(f"{source}: {field} refers to {target}, but {target.kind} {target.name!r} is "
                                 f"neither in the stack nor in AWS: add it to the stack, or fix the name")
        content = content_nodes(self.content, graph.nodes, values.default_region)
        unknown: dict[str, tuple[str, ...]] = {}
        planned: dict[str, Plan] = {}
        objects = self._objects()

        def plan_one(key: str) -> MemberPlan:
            if key in content:
                item = content[key]
                return plan_content(objects, item, planned.get(item.bucket_key))
            node = graph.nodes[key]
            desired, still_unknown = resolve(node, owned(node.desired, self.name), values, graph.nodes, self._specs)
            if still_unknown:
                unknown[key] = still_unknown
            plan = self._manager(node.spec.kind).plan(desired)
            if plan.observed.exists:
                values.observed(key, plan.observed.attributes)
            planned[key] = plan
            return plan

        depends_on = {k: graph.depends_on(k) for k in graph.order}
        depends_on.update({k: {c.bucket_key} & set(graph.nodes) for k, c in content.items()})
        keys = [*graph.order, *content]
        progress = Progress(self.name, "plan", len(keys), self.on_event)
        outcome = run_graph(keys, depends_on, progress.track(plan_one), parallelism=self.parallelism)
        progress.skipped(outcome.skipped)
        if outcome.failed:
            key, error = next((k, outcome.failed[k]) for k in keys if k in outcome.failed)
            raise error
        plans = {key: outcome.done[key] for key in keys}
        order = list(keys)
        pruned: list[str] = []
        if prune:
            for key, plan in self._pruned(set(graph.nodes)):
                plans[key] = plan
                order.append(key)
                pruned.append(key)
        stack_plan = StackPlan(stack=self.name, order=tuple(order), plans=plans, unknown=unknown,
                               depends_on={k: tuple(sorted(v)) for k, v in depends_on.items()},
                               pruned=tuple(pruned))
        log.info("stack.planned", stack=self.name, resources=len(order), changes=stack_plan.changes,
                 pruned=len(pruned))
        return stack_plan

    def _regions(self) -> list[str | None]:
        regions = {r.kind_spec.region_of(r) for r in self.resources if r.kind_spec.regional}
        regions.add(self.provider.default_region)
        return sorted(regions, key=str)

    def _pruned(self, members: set[str]) -> list[tuple[str, Plan]]:
        # One listing per region for all the regional kinds with tags, one for the global ones (the
        # provider batches them: one Resource Groups Tagging API request on AWS; IAM lists its own).
        found: list[tuple[str, Plan]] = []
        tagged = [kind_spec(kind) for kind in KINDS if "tags" in kind_spec(kind).aspect_names]
        listings = [(region, [s for s in tagged if s.regional]) for region in self._regions()]
        listings.append((None, [s for s in tagged if not s.regional]))
        for region, specs in listings:
            if not specs:
                continue
            names = self.provider.list_tagged_kinds(specs, region, OWNER_TAG, self.name)
            for spec in specs:
                for name in names.get(spec.kind, []):
                    key = node_key(spec.kind, name)
                    if key not in members and key not in {k for k, _ in found}:
                        found.append((key, self._manager(spec.kind).plan_delete(name, region)))
        return found

    # -- applying -------------------------------------------------------------------------------

    def apply(self, plan: StackPlan | None = None, *, allow_replace: bool = False,
              prune: bool = False) -> StackResult:
        """Converge: apply ``plan`` (or a new one) resource by resource, in dependency order.

        Creates and updates run after what they depend on, independent resources concurrently;
        then deletes (``absent`` and pruned resources), dependents first. Each resource's plan is
        checked before its first write (applied only to what it describes, refused when stale). A
        failure leaves the others going; what depends on a failed resource is skipped.
        :class:`~awsstate.errors.StackApplyError` (with ``result``) is raised when anything failed.
        """
        if plan is None:
            plan = self.plan(prune=prune)
        elif plan.stack != self.name:
            raise InvalidPlanError(f"a plan of stack {plan.stack!r} cannot be applied by stack {self.name!r}")
        nodes = {key: Node(key, r, r.kind_spec) for r in self.resources
                 if (key := node_key(r.kind_spec.kind, r.name))}
        content = content_nodes(self.content, nodes, self.provider.default_region)
        for key in plan.order:
            if (self.resources or self.content) and key not in nodes and key not in content \
                    and key not in plan.pruned:
                raise InvalidPlanError(f"the plan of stack {self.name!r} holds {key}, which is not in the stack")
            if not isinstance(sub := plan.plans[key], Plan) and sub.changed:
                with_content(sub, content.get(key))  # every upload's content found before the first write
        values = Values(self.provider, self.provider.identity(self.provider.default_region),
                        self.provider.default_region)
        for key, sub in plan.resources().items():
            if sub.observed.exists:
                values.observed(key, sub.observed.attributes)
        deletes = set(plan.deletes())
        writes = [key for key in plan.order if key not in deletes]
        objects = self._objects()
        progress = Progress(self.name, "apply", len(writes), self.on_event)
        first = run_graph(writes, {k: set(plan.depends_on.get(k, ())) for k in writes},
                          progress.track(lambda key: self._apply_one(plan, key, values, nodes, allow_replace,
                                                                     objects), actions=int),
                          parallelism=self.parallelism)
        progress.skipped(first.skipped)
        outcomes = self._outcomes(plan, first)
        outcomes.update(self._apply_deletes(plan, [k for k in reversed(plan.order) if k in deletes], allow_replace))
        result = StackResult(stack=self.name, outcomes={k: outcomes[k] for k in plan.order})
        log.info("stack.applied", stack=self.name, done=len(result.done), failed=len(result.failed),
                 skipped=len(result.skipped))
        if not result.ok:
            raise StackApplyError(str(result), result)
        return result

    def _apply_one(self, plan: StackPlan, key: str, values: Values, nodes: Mapping[str, Node],
                   allow_replace: bool, objects: S3Objects) -> int:
        sub = plan.plans[key]
        if not isinstance(sub, Plan):  # an S3 object or sync, after its bucket (its content found by apply)
            return apply_content(objects, sub)
        if not sub.changed:
            return 0
        if plan.unknown.get(key):
            sub = filled(sub, values, nodes, self._specs, key)
        result = self._manager(sub.kind).apply(sub, allow_replace=allow_replace)
        if result.observed is not None:
            values.observed(key, {a.name: getattr(result.observed, a.name, None)
                                  for a in kind_spec(sub.kind).attributes})
        return len(result.actions)

    def _apply_deletes(self, plan: StackPlan, keys: Sequence[str], allow_replace: bool) -> dict[str, ResourceOutcome]:
        """Deletes in reverse dependency order; a delete refused while others remain is retried after them."""
        outcomes: dict[str, ResourceOutcome] = {}
        pending = list(keys)
        resources = plan.resources()
        for _ in range(_DELETE_WAVES):
            failed: dict[str, Exception] = {}
            dependents: dict[str, set[str]] = {k: set() for k in pending}
            for key in pending:  # a delete waits for those of the resources that depend on it
                for target in plan.depends_on.get(key, ()):
                    if target in dependents:
                        dependents[target].add(key)
            progress = Progress(self.name, "delete", len(pending), self.on_event)
            result = run_graph(pending, dependents, progress.track(lambda key: len(
                self._manager(resources[key].kind).apply(resources[key], allow_replace=allow_replace).actions),
                actions=int), parallelism=self.parallelism)
            progress.skipped(result.skipped)
            for key, count in result.done.items():
                outcomes[key] = ResourceOutcome(key=key, status="done", actions=count)
            failed.update(result.failed)
            retry = [k for k in pending if k in failed or k in result.skipped]
            if not failed or len(retry) == len(pending):  # no progress: report what is left
                for key in retry:
                    error = failed.get(key)
                    outcomes[key] = (ResourceOutcome(key=key, status="failed", error=str(error)) if error is not None
                                     else ResourceOutcome(key=key, status="skipped", reason=result.skipped[key]))
                break
            pending = retry
        return outcomes

    @staticmethod
    def _outcomes(plan: StackPlan, run: Any) -> dict[str, ResourceOutcome]:
        outcomes: dict[str, ResourceOutcome] = {}
        for key, count in run.done.items():
            outcomes[key] = ResourceOutcome(key=key, status="done" if count else "unchanged", actions=count)
        for key, error in run.failed.items():
            outcomes[key] = ResourceOutcome(key=key, status="failed", error=str(error))
            log.warning("stack.resource_failed", stack=plan.stack, resource=key, error=type(error).__name__)
        for key, reason in run.skipped.items():
            outcomes[key] = ResourceOutcome(key=key, status="skipped", reason=reason)
        return outcomes

