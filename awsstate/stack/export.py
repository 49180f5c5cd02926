"""Exporting what exists as a stack: every selected resource read in full, as Desired models.

Each resource is exported by its kind's manager (:meth:`~awsstate.manager.Manager.export`: it
plans empty against what it was read from). Across the exported set, an ARN that names another
exported resource becomes a reference to it (``${sqs_queue.orders-dlq.arn}``, also at the start
of a longer string such as ``arn:aws:s3:::bucket/*``), so the stack keeps its shape wherever it
is applied. The stack's ownership tag is left out of the tags (the stack adds its own), and
sensitive values are not exported (left unmanaged): a spec file must not carry a secret.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from awsstate.errors import StackError
from awsstate.kinds import KINDS, kind_spec, manager_class
from awsstate.models import DesiredModel, ObservedModel
from awsstate.providers.base import Provider
from awsstate.refs import Ref
from awsstate.stack.executor import run_graph
from awsstate.stack.graph import node_key
from awsstate.stack.resolve import OWNER_TAG

__all__ = ["export_resources", "select"]


def select(provider: Provider, *, kinds: Sequence[str] | None = None, tags: Mapping[str, str] | None = None,
           region: str | None = None, prefix: str | None = None) -> list[tuple[str, str]]:
    """``(kind, name)`` of every existing resource of ``kinds`` (default: every kind) in ``region``
    with all of ``tags``; kinds that cannot have tags are left out when ``tags`` are given."""
    chosen: list[tuple[str, str]] = []
    for kind in kinds or KINDS:
        spec = kind_spec(kind)
        if tags and "tags" not in spec.aspect_names:
            continue
        manager = manager_class(kind)(provider)
        chosen.extend((kind, name) for name in manager.names(region, prefix=prefix, tags=tags))
    return chosen


def _without_owner_tag(desired: DesiredModel) -> DesiredModel:
    tags = getattr(desired, "tags", None)
    if not isinstance(tags, Mapping) or OWNER_TAG not in tags:
        return desired
    return desired.model_copy(update={"tags": {k: v for k, v in tags.items() if k != OWNER_TAG}})


def _without_secrets(desired: DesiredModel) -> DesiredModel:
    secret = [a.name for a in desired.kind_spec.aspects if a.sensitive and a.name in desired.model_fields_set]
    if not secret:
        return desired
    values = desired.model_dump(exclude_unset=True, exclude=set(secret))
    return type(desired).model_validate(values)


def _referenced(value: Any, arns: Mapping[str, Ref], own: str) -> Any:
    if isinstance(value, str):
        for arn, ref in arns.items():
            if arn == own:
                continue
            if value == arn:
                return str(ref)
            if value.startswith(arn + "/"):
                return str(ref) + value[len(arn):]
        return value
    if isinstance(value, dict):
        return {key: _referenced(item, arns, own) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_referenced(item, arns, own) for item in value]
    return value


def _with_references(desired: DesiredModel, arns: Mapping[str, Ref], own: str) -> DesiredModel:
    """``desired`` with the other exported resources' ARNs written as references (a field whose
    validation refuses a reference keeps its literal ARN)."""
    values = desired.model_dump(mode="json", exclude_unset=True)
    referenced = {key: _referenced(value, arns, own) if key != "name" else value for key, value in values.items()}
    if referenced == values:
        return desired
    try:
        return type(desired).model_validate(referenced)
    except ValidationError:
        model = desired
        for key, value in referenced.items():  # field by field: keep each reference the model accepts
            if value == values[key]:
                continue
            try:
                model = type(desired).model_validate({**model.model_dump(mode="json", exclude_unset=True), key: value})
            except ValidationError:
                continue
        return model


def export_resources(provider: Provider, chosen: Iterable[tuple[str, str]], *, region: str | None = None,
                     parallelism: int = 10) -> list[DesiredModel]:
    """The Desired models of ``chosen`` ``(kind, name)`` resources, read concurrently, with
    references between them (see the module docstring). A resource that does not exist is an error."""
    wanted = {node_key(kind, name): (kind, name) for kind, name in chosen}
    keys = list(wanted)

    def read(key: str) -> ObservedModel | None:
        kind, name = wanted[key]
        return manager_class(kind)(provider).get(name, region)

    outcome = run_graph(keys, {}, read, parallelism=parallelism)
    if outcome.failed:
        raise next(outcome.failed[key] for key in keys if key in outcome.failed)
    missing = [key for key in keys if outcome.done.get(key) is None]
    if missing:
        raise StackError(f"cannot export {', '.join(missing)}: no such resource"
                         + (f" in {region}" if region else ""))
    observed = {key: outcome.done[key] for key in keys}
    arns: dict[str, Ref] = {}
    for key, model in observed.items():
        arn = getattr(model, "arn", None)
        if isinstance(arn, str) and arn:
            kind, name = wanted[key]
            arns[arn] = Ref(kind, name, "arn")
    arns = dict(sorted(arns.items(), key=lambda item: -len(item[0])))  # the longest ARN first
    exported = []
    for model in observed.values():
        assert model is not None
        desired = _without_secrets(_without_owner_tag(model.to_desired()))
        exported.append(_with_references(desired, arns, str(getattr(model, "arn", "") or "")))
    return exported
