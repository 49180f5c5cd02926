"""The diff engine: desired + observed -> actions. Pure: no I/O, no boto3, no clocks.

Rules (see ARCHITECTURE.md):

* only aspects the desired model manages are compared; others are never touched;
* comparison is semantic (each aspect's ``normalize``), so AWS's rewrites never cause a diff;
* a missing resource is planned as one ``create`` plus one ``update`` per managed aspect that a
  new resource would not already satisfy;
* a difference in a create-only setting is planned as ``replace`` with its reason (apply refuses
  it unless allowed); nothing is ever planned for deletion unless asked.
"""

from __future__ import annotations

from awsstate.canonical import Json
from awsstate.plan import Action, Observation, render_value
from awsstate.spec import DesiredModel, KindSpec, Missing

__all__ = ["describe_change", "diff", "stale_aspects"]


def diff(spec: KindSpec, desired: DesiredModel, observed: Observation, region: str | None) -> tuple[Action, ...]:
    """The actions that take ``observed`` to ``desired`` for one resource of kind ``spec``."""
    name = desired.name
    managed = spec.managed(desired)
    if not observed.exists:
        return _create_actions(spec, desired, region)

    reasons = []
    for setting in spec.create_only:
        wanted = getattr(desired, setting.field)
        if wanted is None:
            continue
        want = setting.to_value(wanted)
        have = observed.attributes.get(setting.attribute_name)
        if have != want:
            reasons.append(f"{setting.field} is fixed at creation: {render_value(have)} -> {render_value(want)}")
    for aspect in managed:
        if aspect.replace_if is not None and aspect.name in observed.aspects:
            have_value = observed.aspects[aspect.name]
            reason = aspect.replace_if(have_value, aspect.after(desired, have_value))
            if reason:
                reasons.append(f"{aspect.name}: {reason}")
    if reasons:
        # The new resource lives where the desired model says; the old one is deleted where it is
        # (``observed.region``). With force_destroy the old one's contents may go with it.
        new_region = (spec.region_of(desired) or region) if spec.regional else None
        old: dict[str, Json] = {k: observed.attributes.get(k) for k in spec.create_params(desired)}
        if getattr(desired, "force_destroy", None) is True:
            old["force_destroy"] = True
        replace = Action(
            type="replace", kind=spec.kind, name=name, region=new_region, before=old,
            after=spec.create_params(desired),
            details=f"{spec.kind} {name}: replace ({'; '.join(reasons)})",
        )
        # After a replace every managed aspect is written onto the new resource.
        return (replace, *_aspect_writes(spec, desired, new_region, None))

    actions = []
    for aspect in managed:
        if aspect.on_create and aspect.name not in observed.aspects:
            continue
        before = observed.aspects.get(aspect.name)
        after = aspect.after(desired, before)
        if not aspect.equal(before, after):
            actions.append(_update(spec.kind, name, region, aspect.name, before, after))
    return tuple(actions)


def _create_actions(spec: KindSpec, desired: DesiredModel, region: str | None) -> tuple[Action, ...]:
    params = spec.create_params(desired)
    where = f" in {region}" if region else ""
    create = Action(
        type="create", kind=spec.kind, name=desired.name, region=region, after=params,
        details=f"{spec.kind} {desired.name}: create{where}",
    )
    return (create, *_aspect_writes(spec, desired, region, "create"))


def _aspect_writes(spec: KindSpec, desired: DesiredModel, region: str | None, mode: str | None) -> list[Action]:
    actions = []
    for aspect in spec.managed(desired):
        if aspect.on_create:
            continue
        settled = aspect.settled_on_create
        start: Json = None if isinstance(settled, Missing) else settled
        after = aspect.after(desired, start)
        if not isinstance(settled, Missing) and aspect.equal(start, after):
            continue  # every backend gives a new resource this value already
        actions.append(_update(spec.kind, desired.name, region, aspect.name, None, after, new=True))
    return actions


def _update(
    kind: str, name: str, region: str | None, aspect: str, before: Json, after: Json, *, new: bool = False
) -> Action:
    change = f"set {render_value(after)}" if new else describe_change(before, after)
    return Action(
        type="update", kind=kind, name=name, region=region, aspect=aspect, before=before, after=after,
        details=f"{kind} {name}: {aspect}: {change}",
    )


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


def stale_aspects(spec: KindSpec, planned: Observation, now: Observation) -> dict[str, tuple[Json, Json]]:
    """Aspects (and existence/attributes) that changed between two observations, semantically."""
    changed: dict[str, tuple[Json, Json]] = {}
    if planned.exists != now.exists:
        changed["exists"] = (planned.exists, now.exists)
        return changed
    for key, before in planned.attributes.items():
        if now.attributes.get(key) != before:
            changed[key] = (before, now.attributes.get(key))
    for name, before in planned.aspects.items():
        current = now.aspects.get(name)
        if not spec.aspect(name).equal(before, current):
            changed[name] = (before, current)
    return changed
