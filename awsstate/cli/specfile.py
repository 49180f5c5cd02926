"""Stack spec files: one stack per YAML file, loaded through the library's own models.

::

    stack: orders
    defaults:
      region: eu-west-1          # for every regional resource that names none
    resources:
      - kind: sqs_queue
        name: orders-q
        visibility_timeout_seconds: 60
      - kind: sns_topic
        name: orders
        subscriptions:
          - {protocol: sqs, endpoint: "${sqs_queue.orders-q.arn}"}

Fields are the Desired models' own (``awsstate schema`` prints the JSON schema editors use).
References are ``${kind.name.attribute}`` and must name a resource of the same file. Every
error names the file, the line and the field, and is raised before any AWS call.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from awsstate.errors import AwsStateError, StackError
from awsstate.kinds import KINDS, kind_spec
from awsstate.models import DesiredModel
from awsstate.refs import find_refs

__all__ = ["Spec", "SpecError", "dump_spec", "load_spec", "located", "parse_spec"]

_TOP = {"stack", "defaults", "resources"}
_DEFAULTS = {"region"}


class SpecError(AwsStateError):
    """A spec file that cannot be loaded: the message names the file, the line and the field."""


@dataclass
class Spec:
    """A loaded spec file: the stack's name, its resources, and where each value stands in the file."""

    path: str
    stack: str
    resources: list[DesiredModel]
    region: str | None = None
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def line_of(self, path: tuple[str | int, ...]) -> int:
        """The line of ``path`` (or of the nearest enclosing value that has one)."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def resource_index(self, kind: str, name: str) -> int | None:
        """The index of a resource in ``resources:``."""
        return next((i for i, r in enumerate(self.resources) if r.kind_spec.kind == kind and r.name == name), None)

    def error(self, path: tuple[str | int, ...], message: str) -> SpecError:
        """A :class:`SpecError` at ``path``."""
        return SpecError(f"{self.path}:{self.line_of(path)}: {message}")


def _plain(node: yaml.Node, path: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)  # a mapping's value stands at its key's line
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node)) if not isinstance(key_node, yaml.ScalarNode) \
                else key_node.value
            key = str(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _plain(value_node, (*path, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, (*path, index), lines) for index, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def parse_spec(text: str, path: str = "<spec>") -> Spec:
    """Load a spec from YAML text (``path`` names it in errors)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        problem = f"{error.problem}" + (f" (line {error.problem_mark.line + 1})" if error.problem_mark else "")
        if error.context and error.context_mark is not None:  # where the unfinished construct began
            line = error.context_mark.line + 1
            problem = f"{error.context} at line {line}: {problem}"
        else:
            line = error.problem_mark.line + 1 if error.problem_mark is not None else 1
        raise SpecError(f"{path}:{line}: not valid YAML: {problem}") from None
    lines: dict[tuple[str | int, ...], int] = {}
    data = _plain(root, (), lines) if root is not None else None
    spec = Spec(path, "", [], lines=lines)
    if not isinstance(data, dict):
        raise spec.error((), "a spec file is a mapping with stack:, defaults: and resources:")
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise spec.error((unknown[0],), f"unknown key {unknown[0]!r} (a spec file has {', '.join(sorted(_TOP))})")
    if not isinstance(data.get("stack"), str) or not data["stack"]:
        raise spec.error(("stack",), "stack: the stack's name is required")
    spec.stack = data["stack"]
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - _DEFAULTS:
        raise spec.error(("defaults",), f"defaults: may set {', '.join(sorted(_DEFAULTS))} only")
    if defaults.get("region") is not None and not isinstance(defaults["region"], str):
        raise spec.error(("defaults", "region"), "defaults.region: a region name such as eu-west-1")
    spec.region = defaults.get("region")
    resources = data.get("resources")
    if not isinstance(resources, list) or not resources:
        raise spec.error(("resources",), "resources: a list of resources, each with kind and name, is required")
    for index, entry in enumerate(resources):
        spec.resources.append(_resource(spec, index, entry, defaults))
    _check_references(spec, resources)
    return spec


def _resource(spec: Spec, index: int, entry: Any, defaults: dict[str, Any]) -> DesiredModel:
    where: tuple[str | int, ...] = ("resources", index)
    if not isinstance(entry, dict) or "kind" not in entry or "name" not in entry:
        raise spec.error(where, f"resources[{index}]: each resource needs kind: and name:")
    fields = dict(entry)
    kind = fields.pop("kind")
    if kind not in KINDS:
        raise spec.error((*where, "kind"), f"resources[{index}]: unknown kind {kind!r} (kinds: {', '.join(KINDS)})")
    model = kind_spec(kind).desired_model
    for key, value in defaults.items():
        if key in model.model_fields and key not in fields and kind_spec(kind).regional:
            fields[key] = value
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        name = fields.get("name")
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(resource)'}: {e['msg']}{_hint(model, e)}"
                             for e in error.errors())
        raise spec.error((*where, *loc), f"resources[{index}] {kind} {name!r}: {problems}") from None


def _hint(model: type[DesiredModel], error: Any) -> str:
    """For a misspelt field at the top level, the closest field names."""
    if error["type"] != "extra_forbidden" or len(error["loc"]) != 1:
        return ""
    close = difflib.get_close_matches(str(error["loc"][0]), list(model.model_fields), n=2)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _check_references(spec: Spec, resources: list[Any]) -> None:
    members = {(r.kind_spec.kind, r.name) for r in spec.resources}
    seen: set[tuple[str, str]] = set()
    for index, resource in enumerate(spec.resources):
        key = (resource.kind_spec.kind, resource.name)
        if key in seen:
            raise spec.error(("resources", index, "name"), f"resources[{index}]: {key[0]} {key[1]!r} is in the file "
                             "twice; a stack holds one desired state per kind and name")
        seen.add(key)
        for path, target in find_refs(resources[index]):
            if (target.kind, target.name) not in members:
                field_name = ".".join(str(p) for p in path)
                raise spec.error(("resources", index, *path), f"resources[{index}] {key[0]} {key[1]!r}: {field_name} "
                                 f"refers to {target}, which is not a resource of this file")


def load_spec(path: str | Path) -> Spec:
    """Load the spec file at ``path``."""
    file = Path(path)
    try:
        text = file.read_text()
    except OSError as error:
        raise SpecError(f"{path}: cannot read the spec file: {error.strerror or error}") from None
    return parse_spec(text, str(path))


def located(spec: Spec, error: StackError) -> SpecError:
    """A stack error (a cycle, a bad reference ...) with the file and line of the resource it names."""
    text = str(error)
    keys = [f"{r.kind_spec.kind}.{r.name}" for r in spec.resources]
    found = sorted((text.find(key), -len(key), index) for index, key in enumerate(keys) if key in text)
    if found:  # the resource named first in the message (the longest name, when one starts another)
        return spec.error(("resources", found[0][2]), text)
    return SpecError(f"{spec.path}: {text}")


def dump_spec(stack: str, resources: list[DesiredModel], *, header: str = "") -> str:
    """The spec file of ``resources`` (what :func:`parse_spec` loads back into the same models).

    Each resource holds the fields it sets; a region shared by every regional resource moves to
    ``defaults``.
    """
    regions = {getattr(r, "region", None) for r in resources if r.kind_spec.regional}
    shared = next(iter(regions)) if len(regions) == 1 else None
    entries = []
    for resource in resources:
        values = resource.model_dump(mode="json", exclude_unset=True)
        if shared is not None and values.get("region") == shared:
            values.pop("region")
        entries.append({"kind": resource.kind_spec.kind, "name": values.pop("name"), **values})
    document: dict[str, Any] = {"stack": stack}
    if shared is not None:
        document["defaults"] = {"region": shared}
    document["resources"] = entries
    body = yaml.safe_dump(document, sort_keys=False, default_flow_style=False, allow_unicode=True, width=100)
    return (header + body) if header else body

