"""What a stack knows of its resources' attributes, and desired states with references resolved.

A reference's value comes from the target as read (when it exists), else from the target's
declaration when the attribute is known before creation (``arn`` from name, account, region and
path), else it stays a reference: "known after apply", filled in when the target is applied.
A reference to a resource outside the stack is read from AWS once, and is an error when the
resource is not there.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from awsstate.canonical import Json
from awsstate.errors import AwsStateError, StackError
from awsstate.models import DesiredModel
from awsstate.plan import CreateAction, Plan, ReplaceAction, UpdateAction
from awsstate.providers.base import Provider
from awsstate.refs import RefTarget, find_refs, substitute
from awsstate.spec import KindSpec
from awsstate.stack.graph import Node, derivable, node_key

__all__ = ["OWNER_TAG", "Values", "filled", "owned", "resolve"]

OWNER_TAG = "awsstate:stack"
"""The tag a stack puts on every resource it manages (kinds with tags), naming the stack."""


class Values:
    """Attribute values of stack members (as read, or derived before creation) and of outside resources."""

    def __init__(self, provider: Provider | None, identity: tuple[str, str], default_region: str | None) -> None:
        self.provider = provider
        self.partition, self.account = identity
        self.default_region = default_region
        self._observed: dict[str, dict[str, Json]] = {}
        self._derived: dict[str, dict[str, Json]] = {}
        self._outside: dict[tuple[str, str, str | None], dict[str, Json] | None] = {}
        self._lock = threading.Lock()

    def region_of(self, node: Node) -> str | None:
        """Where a member lives (or will)."""
        return (node.spec.region_of(node.desired) or self.default_region) if node.spec.regional else None

    def derive(self, node: Node) -> dict[str, Json]:
        """A member's attributes as they will be once created (its ARN from name, account, region, path)."""
        with self._lock:
            if node.key not in self._derived:
                spec = node.spec
                values = spec.derive(node.desired.name, self.region_of(node), self.account)
                if spec.fake.create_attributes is not None:  # the ARN contains the path given at creation
                    values.update(spec.fake.create_attributes({**values, **spec.create_params(node.desired)}))
                self._derived[node.key] = values
            return self._derived[node.key]

    def observed(self, key: str, attributes: Mapping[str, Json]) -> None:
        """Record a member's attributes as read (or as they are after apply)."""
        with self._lock:
            self._observed[key] = dict(attributes)

    def value(self, target: RefTarget, nodes: Mapping[str, Node], specs: Mapping[str, KindSpec],
              region: str | None, *, look_outside: bool = True) -> str | None:
        """The value of a reference now, or ``None`` while it is known only after apply
        (``look_outside=False``: a resource outside the stack is not read, and stays unknown)."""
        key = node_key(target.kind, target.name)
        node = nodes.get(key)
        spec = specs[target.kind]
        attribute = spec.identity.physical_id if target.attribute == "id" else target.attribute
        if target.attribute == "name":
            return target.name
        if node is None:
            if not look_outside:
                return None
            found = self.outside(spec, target.name, region)
            return None if found is None else _text(found.get(attribute))
        with self._lock:
            seen = self._observed.get(key)
        if seen is not None and seen.get(attribute) is not None:
            return _text(seen.get(attribute))
        if derivable(spec, target.attribute):
            return _text(self.derive(node).get(attribute))
        return None

    def outside(self, spec: KindSpec, name: str, region: str | None) -> dict[str, Json] | None:
        """The attributes of a resource outside the stack (read once), ``None`` when it does not exist."""
        where = region if spec.regional else None
        key = (spec.kind, name, where)
        with self._lock:
            if key in self._outside:
                return self._outside[key]
        if self.provider is None:
            return None
        existence = self.provider.read_existence(spec.ref(name, where or self.default_region))
        with self._lock:
            self._outside[key] = existence
        return existence


def _text(value: Json) -> str | None:
    return None if value is None else str(value)


def owned(desired: DesiredModel, stack: str) -> DesiredModel:
    """``desired`` with the stack's ownership tag added to its tags (kinds with tags).

    With tags unmanaged, only that one tag is ensured (``purge_tags=False``); with tags managed, it
    joins them, so ``tags={}`` still keeps it. Kinds whose model cannot ensure one tag alone keep
    tags unmanaged (their resources cannot be found by ``prune``).
    """
    fields = type(desired).model_fields
    if "tags" not in fields or desired.state == "absent":
        return desired
    tags = getattr(desired, "tags", None)
    if tags is None:
        if "purge_tags" not in fields:
            return desired
        return desired.model_copy(update={"tags": {OWNER_TAG: stack}, "purge_tags": False})
    return desired.model_copy(update={"tags": {**tags, OWNER_TAG: stack}})


def resolve(node: Node, desired: DesiredModel, values: Values, nodes: Mapping[str, Node],
            specs: Mapping[str, KindSpec], *, look_outside: bool = True) -> tuple[DesiredModel, tuple[str, ...]]:
    """``desired`` with its references' values filled in, and the sources still unknown.

    The result is validated again, so a reference that AWS would refuse once resolved (a
    dead-letter queue in another region) is an error naming the field.
    """
    data: Any = desired.model_dump(mode="json", exclude_unset=True)
    if not any(True for _ in find_refs(data)):
        return desired, ()
    region = values.region_of(node)
    unknown: list[str] = []

    def fill(target: RefTarget) -> str | None:
        found = values.value(target, nodes, specs, region, look_outside=look_outside)
        if found is None and target.source not in unknown:
            unknown.append(target.source)
        return found

    resolved = substitute(data, fill)
    try:
        return type(desired).model_validate(resolved), tuple(unknown)
    except ValidationError as error:
        raise StackError(f"{node.key}: with its references resolved, the desired state is not valid: {error}") \
            from error


def filled(plan: Plan, values: Values, nodes: Mapping[str, Node], specs: Mapping[str, KindSpec], key: str) -> Plan:
    """``plan`` with the values known only after apply filled in, now that what it depends on is applied."""
    missing: list[str] = []

    def fill(target: RefTarget) -> str | None:
        found = values.value(target, nodes, specs, plan.region)
        if found is None:
            missing.append(target.source)
        return found

    actions = []
    for action in plan.actions:
        if isinstance(action, UpdateAction):
            action = action.model_copy(update={"after": substitute(action.after, fill)})
        elif isinstance(action, CreateAction | ReplaceAction):
            action = action.model_copy(update={"params": substitute(action.params, fill)})
        actions.append(action)
    if missing:
        raise AwsStateError(f"{key}: {', '.join(sorted(set(missing)))} still unknown after what it depends on "
                            "was applied")
    return plan.model_copy(update={"actions": tuple(actions)})
