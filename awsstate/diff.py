"""The diff engine: desired + observed -> actions. Pure: no I/O, no boto3, no clocks.

Rules (see ARCHITECTURE.md):

* only aspects the desired model manages are compared; others are never touched;
* comparison is semantic (each aspect's ``normalize``, applied once per side), so AWS's rewrites
  never cause a diff;
* a missing resource is planned as one create plus one update per managed aspect that a new
  resource would not already satisfy;
* a difference in a create-only setting is planned as a replace with its reasons (apply refuses
  it unless allowed); nothing is ever planned for deletion unless asked.
"""

from __future__ import annotations

from collections.abc import Mapping

from awsstate.canonical import Json
from awsstate.errors import InvalidRequestError, RequiredSettingError
from awsstate.plan import AnyAction, CreateAction, DeleteAction, Observation, ReplaceAction, UpdateAction, render_value
from awsstate.secrets import same
from awsstate.spec import DesiredModel, KindSpec, Missing

__all__ = ["delete_actions", "diff", "stale_aspects"]


def _physical_id(spec: KindSpec, attributes: Mapping[str, Json]) -> str | None:
    value = attributes.get(spec.identity.physical_id)
    return value if isinstance(value, str) else None


def diff(spec: KindSpec, desired: DesiredModel, observed: Observation, region: str | None) -> tuple[AnyAction, ...]:
    """The actions that take ``observed`` to ``desired`` for one resource of kind ``spec``."""
    if not observed.exists:
        _require_create_settings(spec, desired)
        return _create_actions(spec, desired, region)
    physical_id = _physical_id(spec, observed.attributes)
    reasons = _replace_reasons(spec, desired, observed)
    if reasons:
        _require_create_settings(spec, desired)
        # The new resource lives where the desired model says; the old one is deleted where it is.
        new_region = (spec.region_of(desired) or region) if spec.regional else None
        force = getattr(desired, "force_destroy", None) is True
        writes = _aspect_writes(spec, desired, new_region, new=False) + _carried(spec, desired, observed, new_region)
        _check_conflicts(spec, desired, _new_values(spec, desired, writes))
        replace = ReplaceAction(
            kind=spec.kind, name=desired.name, region=new_region, physical_id=physical_id,
            reasons=tuple(reasons), from_region=observed.region, params=spec.create_params(desired),
            carried_over=tuple(a.aspect for a in writes), force=force,
            contents=spec.contents.describe if spec.contents is not None else None,
            unconditional=spec.contents is not None and spec.contents.always,
            sensitive=_sensitive_params(spec, desired),
        )
        return (replace, *writes)

    actions: list[AnyAction] = []
    values: dict[str, Json] = {}
    for aspect in spec.managed(desired):
        if aspect.in_create and aspect.name not in observed.aspects:
            continue
        before = observed.aspects.get(aspect.name)
        after = aspect.after(desired, before)
        values[aspect.name] = after
        if not aspect.equal(before, after):
            actions.append(UpdateAction(kind=spec.kind, name=desired.name, region=region, physical_id=physical_id,
                                        aspect=aspect.name, before=before, after=after, sensitive=aspect.sensitive))
    if actions:
        _check_conflicts(spec, desired, values)
    return tuple(actions)


def _carried(spec: KindSpec, desired: DesiredModel, observed: Observation, region: str | None) -> list[UpdateAction]:
    """Writes that copy what the old resource has, and the desired model does not manage, onto the new one."""
    managed = {a.name for a in spec.managed(desired)}
    writes = []
    for name in spec.carry_on_replace:
        if name in managed or name not in observed.aspects:
            continue
        aspect = spec.aspect(name)
        value = observed.aspects[name]
        fresh = spec.fake.defaults.get(name) if isinstance(aspect.new_value, Missing) else aspect.new_value
        if aspect.equal(fresh, value):
            continue  # a new resource has it already (AWS's default)
        writes.append(UpdateAction(kind=spec.kind, name=desired.name, region=region, aspect=name, after=value,
                                   new=True, sensitive=aspect.sensitive))
    return writes


def _new_values(spec: KindSpec, desired: DesiredModel, writes: list[UpdateAction]) -> dict[str, Json]:
    """What a resource this plan creates will hold: AWS's defaults, the create values, then the writes."""
    values: dict[str, Json] = dict(spec.fake.defaults)
    values.update({k: v for k, v in spec.create_params(desired).items() if k in spec.aspect_names})
    for aspect in spec.managed(desired):
        if not aspect.in_create and not isinstance(aspect.new_value, Missing):
            values[aspect.name] = aspect.after(desired, aspect.new_value)
    values.update({w.aspect: w.after for w in writes})
    return values


def _check_conflicts(spec: KindSpec, desired: DesiredModel, values: Mapping[str, Json]) -> None:
    """Refuse, before any write, settings AWS refuses together (the message names both fields)."""
    if spec.conflicts is None:
        return
    problem = spec.conflicts(desired, values)
    if problem:
        raise InvalidRequestError(problem, kind=spec.kind, name=desired.name, operation="plan",
                                  hint="Change one of the two settings named above; nothing was written.")


def _replace_reasons(spec: KindSpec, desired: DesiredModel, observed: Observation) -> list[str]:
    reasons = []
    for setting in spec.create_only:
        wanted = getattr(desired, setting.field)
        if wanted is None:
            continue
        want = setting.to_value(wanted)
        have = observed.attributes.get(setting.attribute_name)
        if have != want:
            reasons.append(f"{setting.field} is fixed at creation: {render_value(have)} -> {render_value(want)}")
    for aspect in spec.managed(desired):
        if aspect.replace_if is not None and aspect.name in observed.aspects:
            have_value = observed.aspects[aspect.name]
            reason = aspect.replace_if(have_value, aspect.after(desired, have_value))
            if reason:
                reasons.append(f"{aspect.name}: {reason}")
    return reasons


def _require_create_settings(spec: KindSpec, desired: DesiredModel) -> None:
    missing = [name for name in spec.required_on_create if getattr(desired, name) is None]
    if missing:
        raise RequiredSettingError(
            f"{spec.kind} {desired.name!r}: {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
            f"required to create the {spec.describe.split()[-1]} (it does not exist yet)"
        )


def _sensitive_params(spec: KindSpec, desired: DesiredModel) -> tuple[str, ...]:
    return tuple(a.name for a in spec.aspects if a.sensitive and a.in_create and a.is_managed(desired))


def _create_actions(spec: KindSpec, desired: DesiredModel, region: str | None) -> tuple[AnyAction, ...]:
    create = CreateAction(kind=spec.kind, name=desired.name, region=region, params=spec.create_params(desired),
                          sensitive=_sensitive_params(spec, desired))
    writes = _aspect_writes(spec, desired, region, new=True)
    _check_conflicts(spec, desired, _new_values(spec, desired, writes))
    return (create, *writes)


def _aspect_writes(spec: KindSpec, desired: DesiredModel, region: str | None, *, new: bool) -> list[UpdateAction]:
    actions = []
    for aspect in spec.managed(desired):
        if aspect.in_create:
            continue
        settled = aspect.new_value
        start: Json = None if isinstance(settled, Missing) else settled
        after = aspect.after(desired, start)
        if not isinstance(settled, Missing) and aspect.equal(start, after):
            continue  # every backend gives a new resource this value already
        actions.append(UpdateAction(kind=spec.kind, name=desired.name, region=region, aspect=aspect.name,
                                    after=after, new=True, sensitive=aspect.sensitive))
    return actions


def delete_actions(spec: KindSpec, name: str, observed: Observation, *, force: bool,
                   options: Mapping[str, Json] | None = None) -> tuple[AnyAction, ...]:
    """One delete when the resource exists (``force``: its contents go with it; ``options``: what
    else the delete carries, ``KindSpec.delete_options``), else nothing."""
    if not observed.exists:
        return ()
    return (DeleteAction(kind=spec.kind, name=name, region=observed.region,
                         physical_id=_physical_id(spec, observed.attributes), force=force,
                         contents=spec.contents.describe if spec.contents is not None else None,
                         unconditional=spec.contents is not None and spec.contents.always,
                         options=dict(options or {})),)


def stale_aspects(spec: KindSpec, planned: Observation, now: Observation) -> dict[str, tuple[Json, Json]]:
    """Aspects (and existence/attributes) that changed between two observations, semantically.

    A value the planned observation holds masked (a plan read back from JSON) is compared by
    digest: it is stale when the current value does not mask to the same thing.
    """
    changed: dict[str, tuple[Json, Json]] = {}
    if planned.exists != now.exists:
        changed["exists"] = (planned.exists, now.exists)
        return changed
    for key, before in planned.attributes.items():
        current_attribute = now.attributes.get(key)
        verdict = same(before, current_attribute, sensitive=False)
        if (current_attribute != before) if verdict is None else not verdict:
            changed[key] = (before, current_attribute)
    for name, before in planned.aspects.items():
        aspect = spec.aspect(name)
        current = now.aspects.get(name)
        verdict = same(before, current, sensitive=aspect.sensitive)
        if (not aspect.equal(before, current)) if verdict is None else not verdict:
            changed[name] = (before, current)
    return changed
