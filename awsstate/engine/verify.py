"""Before any write: a plan is applied only to what it describes, and only while it is fresh.

* every action must be about the plan's own resource (kind, name, region, physical id): a plan
  whose JSON was edited to point one action at another resource is refused;
* a value the plan's JSON form masked (a secret) cannot be written back;
* a replace is refused unless allowed;
* the resource is re-read, and a plan whose observation no longer holds is refused as stale.
"""

from __future__ import annotations

from awsstate.diff import stale_aspects
from awsstate.engine.observe import observe
from awsstate.errors import InvalidPlanError, StalePlanError, UnsafeChangeError
from awsstate.plan import CreateAction, Plan, ReplaceAction, UpdateAction
from awsstate.providers.base import Provider
from awsstate.secrets import is_masked
from awsstate.spec import KindSpec

__all__ = ["check_allowed", "check_fresh", "check_plan"]


def check_plan(spec: KindSpec, plan: Plan) -> None:
    """Refuse a plan that is not about one resource of ``spec``, or that holds masked values to write."""
    if plan.kind != spec.kind:
        raise InvalidPlanError(f"a {plan.kind} plan cannot be applied by the {spec.kind} manager")
    if plan.observed.exists and plan.physical_id != _observed_id(spec, plan):
        raise InvalidPlanError(f"{plan.kind} {plan.name!r}: the plan's physical id {plan.physical_id!r} is not "
                               "the one it observed; nothing was written. Plan again.")
    region = plan.region
    for action in plan.actions:
        problems = []
        if action.kind != plan.kind:
            problems.append(f"kind {action.kind!r}")
        if action.name != plan.name:
            problems.append(f"name {action.name!r}")
        action_region = action.from_region if isinstance(action, ReplaceAction) else action.region
        if spec.regional and action_region != region:
            problems.append(f"region {action_region!r}")
        if action.physical_id is not None and action.physical_id != plan.physical_id:
            problems.append(f"physical id {action.physical_id!r}")
        if problems:
            raise InvalidPlanError(
                f"{plan.kind} {plan.name!r}: refusing a plan with an action about another resource "
                f"({', '.join(problems)}: {action.symbol} {action.details}); nothing was written. A plan is applied "
                "only to the resource it describes: plan again."
            )
        if isinstance(action, ReplaceAction):
            region = action.region  # what follows is about the new resource, where it is created
        values = action.after if isinstance(action, UpdateAction) else \
            action.params if isinstance(action, CreateAction | ReplaceAction) else None
        if is_masked(values):
            what = action.aspect or action.type
            raise InvalidPlanError(
                f"{plan.kind} {plan.name!r} ({what}): this plan was read back from JSON, which masks secrets, "
                "so it cannot write them; nothing was written. Apply the desired state (or a plan computed in "
                "this process) instead."
            )


def _observed_id(spec: KindSpec, plan: Plan) -> str | None:
    value = plan.observed.attributes.get(spec.identity.physical_id)
    return value if isinstance(value, str) else None


def check_allowed(plan: Plan, *, allow_replace: bool) -> None:
    """Refuse a replace unless ``allow_replace``."""
    for action in plan.actions:
        if isinstance(action, ReplaceAction) and not allow_replace:
            raise UnsafeChangeError(plan.kind, plan.name, f"this needs a replacement: {'; '.join(action.reasons)}",
                                    "Pass allow_replace=True to delete and re-create it.")


def check_fresh(provider: Provider, spec: KindSpec, plan: Plan) -> None:
    """Re-read what the plan read; refuse it (nothing written) if anything changed since."""
    ref = spec.ref(plan.name, plan.observed.region or plan.region)
    aspects = tuple(spec.aspect(name) for name in plan.observed.aspects)
    now, _ = observe(provider, spec, ref, aspects)
    changed = stale_aspects(spec, plan.observed, now)
    if changed:
        raise StalePlanError(plan.kind, plan.name, changed, frozenset(a.name for a in aspects if a.sensitive))
