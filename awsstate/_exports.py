"""Where each public name of ``awsstate`` lives, so that ``import awsstate`` imports nothing else.

Core names are listed here. Each kind's names are derived from its declaration: its Desired,
Observed and Manager classes and every value model a Desired field uses (at any depth).
``awsstate.__getattr__`` imports a name's module on first use; a kind's own names (they start
with its prefix, ``S3Bucket...``) import only that kind.
"""

from __future__ import annotations

import importlib
import typing
from functools import cache
from typing import Any

from awsstate.kinds import KINDS

__all__ = ["CORE", "all_names", "kind_names", "load", "value_models"]

CORE: dict[str, str] = {
    "AccessDeniedError": "awsstate.errors",
    "AlreadyExistsError": "awsstate.errors",
    "AwsStateError": "awsstate.errors",
    "ConvergenceError": "awsstate.errors",
    "InvalidPlanError": "awsstate.errors",
    "InvalidRequestError": "awsstate.errors",
    "NameTakenError": "awsstate.errors",
    "NotFoundError": "awsstate.errors",
    "NotSupportedError": "awsstate.errors",
    "PlanFormatError": "awsstate.errors",
    "ProviderError": "awsstate.errors",
    "RequiredSettingError": "awsstate.errors",
    "StalePlanError": "awsstate.errors",
    "ThrottledError": "awsstate.errors",
    "TransientError": "awsstate.errors",
    "UnknownKindError": "awsstate.errors",
    "UnsafeChangeError": "awsstate.errors",
    "ApplyResult": "awsstate.manager",
    "Manager": "awsstate.manager",
    "Clock": "awsstate.engine.clock",
    "SettlePolicy": "awsstate.engine.clock",
    "SystemClock": "awsstate.engine.clock",
    "Action": "awsstate.plan",
    "CreateAction": "awsstate.plan",
    "DeleteAction": "awsstate.plan",
    "Observation": "awsstate.plan",
    "Plan": "awsstate.plan",
    "ReplaceAction": "awsstate.plan",
    "UpdateAction": "awsstate.plan",
    "Call": "awsstate.providers.recording",
    "RecordingProvider": "awsstate.providers.recording",
    "EventualConsistency": "awsstate.providers.consistency",
    "FaultInjectingProvider": "awsstate.providers.faults",
    "SimulatedCrash": "awsstate.providers.faults",
    "InMemoryProvider": "awsstate.providers.memory",
    "World": "awsstate.providers.memory",
    "Provider": "awsstate.providers.base",
    "ProviderCall": "awsstate.providers.base",
    "WrappingProvider": "awsstate.providers.base",
    "DesiredModel": "awsstate.models",
    "ObservedModel": "awsstate.models",
    "kind_spec": "awsstate.kinds",
    "kinds": "awsstate.kinds",
    "manager_class": "awsstate.kinds",
    "register_region": "awsstate.resources.validation",
    "S3Objects": "awsstate.objects.verbs",
    "ApplyObjectsResult": "awsstate.objects.verbs",
    "S3ObjectDesired": "awsstate.objects.desired",
    "S3SyncDesired": "awsstate.objects.syncmodel",
    "ObjectName": "awsstate.objects.names",
    "ObjectAction": "awsstate.objects.plans",
    "ObjectPlan": "awsstate.objects.plans",
    "SyncPlan": "awsstate.objects.plans",
    "ObjectInfo": "awsstate.objects.values",
    "ObjectSummary": "awsstate.objects.values",
    "TransferSettings": "awsstate.objects.values",
    "SourceError": "awsstate.objects.values",
    "Ref": "awsstate.refs",
    "Stack": "awsstate.stack",
    "StackEvent": "awsstate.stack",
    "StackPlan": "awsstate.stack",
    "StackResult": "awsstate.stack",
    "ResourceOutcome": "awsstate.stack",
    "RateLimits": "awsstate.stack",
    "StackError": "awsstate.errors",
    "StackApplyError": "awsstate.errors",
}


def value_models(model: type) -> list[type]:
    """Every awsstate model a model's fields use, at any depth (its value models)."""
    from pydantic import BaseModel

    found: list[type] = []
    stack: list[Any] = [field.annotation for field in getattr(model, "model_fields", {}).values()]
    while stack:
        annotation = stack.pop()
        stack.extend(typing.get_args(annotation))
        if (isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in found
                and annotation.__module__.startswith("awsstate.")):
            found.append(annotation)
            stack.extend(field.annotation for field in annotation.model_fields.values())
    return found


@cache
def kind_names(kind: str) -> dict[str, Any]:
    """The public names of one kind and their values (imports that kind)."""
    from awsstate.kinds import kind_spec, manager_class

    spec = kind_spec(kind)
    values: list[Any] = [spec.desired_model, spec.observed_model, manager_class(kind),
                         *value_models(spec.desired_model), *value_models(spec.observed_model)]
    return {value.__name__: value for value in values}


def all_names() -> list[str]:
    """Every public name: the core ones and every kind's (imports every kind)."""
    names = set(CORE) | {"__version__"}
    for kind in KINDS:
        names |= set(kind_names(kind))
    return sorted(names)


def _prefix(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split("_"))


def load(name: str) -> Any:
    """The value of the public name ``name`` (its module imported on first use)."""
    module = CORE.get(name)
    if module is not None:
        return getattr(importlib.import_module(module), name)
    likely = sorted(KINDS, key=lambda kind: not name.startswith(_prefix(kind)))
    for kind in likely:
        names = kind_names(kind)
        if name in names:
            return names[name]
    raise AttributeError(f"module 'awsstate' has no attribute {name!r}")
