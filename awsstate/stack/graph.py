"""The graph of a stack: its resources, what each refers to, and the order that follows.

Edges come from references (``${kind.name.attribute}``, :mod:`awsstate.refs`) and from plain ARNs
of other stack members written by hand (an IAM role's ``managed_policy_arns``). An edge orders its
target first ("hard"), except a reference inside a policy document to a value known before the
target exists ("soft"): AWS does not check that the resources a policy names exist (it does check
its principals: a reference in a ``Principal`` is hard), so such references order nothing, and a
queue whose policy lets a topic send to it and the topic's subscription to that queue are not a
cycle. Any other cycle is an error naming it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from awsstate.errors import StackError
from awsstate.models import DesiredModel
from awsstate.refs import REF_ATTRIBUTES, RefTarget, find_refs
from awsstate.spec import KindSpec

__all__ = ["Edge", "Graph", "Node", "build_graph", "derivable", "node_key"]


def node_key(kind: str, name: str) -> str:
    """``kind.name``: how a stack names one of its resources."""
    return f"{kind}.{name}"


@dataclass(frozen=True)
class Node:
    """One resource of the stack."""

    key: str
    desired: DesiredModel
    spec: KindSpec


@dataclass(frozen=True)
class Edge:
    """``source`` refers to ``target`` (a stack member) at ``field``; ``hard`` edges order ``target`` first."""

    source: str
    target: str
    field: str
    hard: bool


@dataclass
class Graph:
    """The resources, the edges between them, and an order that puts every hard edge's target first."""

    nodes: dict[str, Node]
    edges: list[Edge] = field(default_factory=list)
    external: list[tuple[str, str, RefTarget]] = field(default_factory=list)
    order: list[str] = field(default_factory=list)

    _index: tuple[int, dict[str, set[str]], dict[str, set[str]]] | None = field(default=None, repr=False)

    def _hard(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Hard edges by source and by target, rebuilt only when edges were added."""
        if self._index is None or self._index[0] != len(self.edges):
            after: dict[str, set[str]] = {key: set() for key in self.nodes}
            before: dict[str, set[str]] = {key: set() for key in self.nodes}
            for edge in self.edges:
                if edge.hard:
                    after[edge.source].add(edge.target)
                    before[edge.target].add(edge.source)
            self._index = (len(self.edges), after, before)
        return self._index[1], self._index[2]

    def depends_on(self, key: str) -> set[str]:
        """The members ``key`` must come after."""
        return set(self._hard()[0].get(key, ()))

    def dependents(self, key: str) -> set[str]:
        """The members that must come after ``key``."""
        return set(self._hard()[1].get(key, ()))


def _field_name(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path) or "(value)"


def _in_policy(document: Any, path: tuple[str | int, ...]) -> bool:
    """Whether ``path`` lies inside a policy document (an object with a ``Statement``), but not in a
    principal: AWS checks that the principals a resource policy names exist."""
    if "Principal" in path or "NotPrincipal" in path:
        return False
    value = document
    for part in path:
        if isinstance(value, dict) and "Statement" in value:
            return True
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return False
    return False


def _check_target(node: Node, path: tuple[str | int, ...], target: RefTarget, specs: Mapping[str, KindSpec]) -> None:
    spec = specs.get(target.kind)
    if spec is None:
        raise StackError(f"{node.key}: {_field_name(path)} refers to {target}, but {target.kind!r} is not a kind "
                         f"(kinds: {', '.join(sorted(specs))})")
    names = {a.name for a in spec.attributes} | set(REF_ATTRIBUTES)
    if target.attribute not in names:
        raise StackError(f"{node.key}: {_field_name(path)} refers to {target}, but a {target.kind} has no attribute "
                         f"{target.attribute!r} (it has: {', '.join(sorted(names))})")


def derivable(spec: KindSpec, attribute: str) -> bool:
    """Whether ``attribute`` of a ``spec`` resource is known before the resource exists."""
    if attribute == "name":
        return True
    if attribute == "id":
        attribute = spec.identity.physical_id
    return next((a.derivable for a in spec.attributes if a.name == attribute), False)


def build_graph(desired: Iterable[DesiredModel], specs: Mapping[str, KindSpec],
                known_arns: Mapping[str, str]) -> Graph:
    """The graph of these resources (``known_arns``: each member's ARN as derived, for plain-ARN edges)."""
    nodes: dict[str, Node] = {}
    for model in desired:
        spec = model.kind_spec
        key = node_key(spec.kind, model.name)
        if key in nodes:
            raise StackError(f"{key} is in the stack twice: a stack holds one desired state per kind and name")
        nodes[key] = Node(key, model, spec)
    graph = Graph(nodes)
    by_arn = {arn: key for key, arn in known_arns.items()}
    for key, node in nodes.items():
        dumped = node.desired.model_dump(mode="json", exclude={"name", "state"})
        for path, value in _strings(dumped):  # one walk finds both references and plain ARNs
            for _, target in find_refs(value, path):
                _check_target(node, path, target, specs)
                target_key = node_key(target.kind, target.name)
                if target_key not in nodes:
                    graph.external.append((key, _field_name(path), target))
                    continue
                hard = not (_in_policy(dumped, path) and derivable(specs[target.kind], target.attribute))
                graph.edges.append(Edge(key, target_key, _field_name(path), hard))
            named = by_arn.get(value)
            if named is not None and named != key:
                graph.edges.append(Edge(key, named, _field_name(path), not _in_policy(dumped, path)))
    graph.order = _order(graph)
    return graph


def _strings(value: Any, path: tuple[str | int, ...] = ()) -> Iterable[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from _strings(item, (*path, str(k)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _order(graph: Graph) -> list[str]:
    """Depth-first topological order, stable in the order resources were given; a cycle is an error."""
    order: list[str] = []
    state: dict[str, str] = {}
    stack: list[str] = []
    position = {key: index for index, key in enumerate(graph.nodes)}

    def visit(key: str) -> None:
        if state.get(key) == "done":
            return
        if state.get(key) == "visiting":
            cycle = [*stack[stack.index(key):], key]
            fields = [next(e.field for e in graph.edges if e.source == a and e.target == b and e.hard)
                      for a, b in itertools.pairwise(cycle)]
            route = " -> ".join(f"{a} ({f})" for a, f in zip(cycle, fields, strict=False)) + f" -> {key}"
            raise StackError(f"the stack has a cycle of references: {route}. Break it: one side can usually "
                             "name the other by a value known before creation (an ARN), or be applied in two steps")
        state[key] = "visiting"
        stack.append(key)
        for target in sorted(graph.depends_on(key), key=position.__getitem__):
            visit(target)
        stack.pop()
        state[key] = "done"
        order.append(key)

    for key in graph.nodes:
        visit(key)
    return order
