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
      - kind: s3_bucket
        name: orders-site
      - kind: s3_sync                      # S3 objects and syncs have no name: a bucket and a key or prefix
        bucket: "${s3_bucket.orders-site.name}"
        prefix: static
        source: site/static              # relative to the spec file's folder

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
from awsstate.stack.content import CONTENT_KINDS, ContentDesired, content_key

__all__ = ["Spec", "SpecError", "dump_spec", "load_spec", "located", "member_key", "parse_spec"]

_TOP = {"stack", "defaults", "resources"}
_DEFAULTS = {"region"}


class SpecError(AwsStateError):
    """A spec file that cannot be loaded: the message names the file, the line and the field."""


def member_key(member: DesiredModel | ContentDesired) -> str:
    """How the stack names a member: ``kind.name``, or ``s3_object.<bucket>/<key>`` ..."""
    return f"{member.kind_spec.kind}.{member.name}" if isinstance(member, DesiredModel) else content_key(member)


@dataclass
class Spec:
    """A loaded spec file: the stack's name, its members (in the file's order: resources, S3 objects and
    syncs), and where each value stands in the file."""

    path: str
    stack: str
    members: list[DesiredModel | ContentDesired]
    region: str | None = None
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    @property
    def resources(self) -> list[DesiredModel]:
        """The resources (not the S3 objects and syncs)."""
        return [m for m in self.members if isinstance(m, DesiredModel)]

    @property
    def content(self) -> list[ContentDesired]:
        """The S3 objects and syncs."""
        return [m for m in self.members if not isinstance(m, DesiredModel)]

    def line_of(self, path: tuple[str | int, ...]) -> int:
        """The line of ``path`` (or of the nearest enclosing value that has one)."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def resource_index(self, kind: str, name: str) -> int | None:
        """The index of a resource in ``resources:``."""
        return next((i for i, r in enumerate(self.members) if member_key(r) == f"{kind}.{name}"), None)

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


def parse_spec(text: str, path: str = "<spec>", base: Path | None = None) -> Spec:
    """Load a spec from YAML text (``path`` names it in errors; ``base``: the folder relative ``source``
    paths start from, default the current one; they are made absolute, so a saved plan names files
    that apply finds from any folder). ``defaults.region`` is for resources: an S3 object or sync
    follows its bucket's region."""
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
        spec.members.append(_resource(spec, index, entry, defaults, (base or Path()).resolve()))
    _check_references(spec, resources)
    return spec


def _relative(value: Any, base: Path) -> Any:
    """A ``source`` path (or a manifest's paths) from the spec file's folder."""
    if isinstance(value, str):
        return str(base / value)
    if isinstance(value, dict):
        return {k: _relative(v, base) for k, v in value.items()}
    return value


def _resource(spec: Spec, index: int, entry: Any, defaults: dict[str, Any],
              base: Path) -> DesiredModel | ContentDesired:
    where: tuple[str | int, ...] = ("resources", index)
    content = isinstance(entry, dict) and entry.get("kind") in CONTENT_KINDS
    if not isinstance(entry, dict) or "kind" not in entry or ("name" not in entry and not content):
        raise spec.error(where, f"resources[{index}]: each resource needs kind: and name: (an s3_object needs "
                         "bucket: and key:, an s3_sync bucket: and prefix:)")
    fields = dict(entry)
    kind = fields.pop("kind")
    kinds = [*KINDS, *CONTENT_KINDS]
    if kind not in kinds:
        raise spec.error((*where, "kind"), f"resources[{index}]: unknown kind {kind!r} (kinds: {', '.join(kinds)})")
    model: type[DesiredModel] | type[ContentDesired] = CONTENT_KINDS[kind] if content \
        else kind_spec(kind).desired_model
    for key, value in defaults.items():
        if key in model.model_fields and key not in fields and not content and kind_spec(kind).regional:
            fields[key] = value
    if content and "source" in fields:
        fields["source"] = _relative(fields["source"], base)
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        name = fields.get("name", fields.get("key", fields.get("prefix", "")))
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(resource)'}: {e['msg']}{_hint(model, e)}"
                             for e in error.errors())
        raise spec.error((*where, *loc), f"resources[{index}] {kind} {name!r}: {problems}") from None


def _hint(model: type[DesiredModel] | type[ContentDesired], error: Any) -> str:
    """For a misspelt field at the top level, the closest field names."""
    if error["type"] != "extra_forbidden" or len(error["loc"]) != 1:
        return ""
    close = difflib.get_close_matches(str(error["loc"][0]), list(model.model_fields), n=2)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _check_references(spec: Spec, resources: list[Any]) -> None:
    members = {(r.kind_spec.kind, r.name) for r in spec.resources}
    seen: set[str] = set()
    for index, member in enumerate(spec.members):
        key = member_key(member)
        kind, _, name = key.partition(".")
        if key in seen:
            what = "kind and name" if isinstance(member, DesiredModel) else "object or prefix"
            field_name = "name" if isinstance(member, DesiredModel) else "key" if hasattr(member, "key") else "prefix"
            raise spec.error(("resources", index, field_name),
                             f"resources[{index}]: {kind} {name!r} is in the file twice; a stack holds one desired "
                             f"state per {what}")
        seen.add(key)
        for path, target in find_refs(resources[index]):
            if (target.kind, target.name) not in members:
                field_name = ".".join(str(p) for p in path)
                raise spec.error(("resources", index, *path), f"resources[{index}] {kind} {name!r}: {field_name} "
                                 f"refers to {target}, which is not a resource of this file")


def load_spec(path: str | Path) -> Spec:
    """Load the spec file at ``path``."""
    file = Path(path)
    try:
        text = file.read_text()
    except OSError as error:
        raise SpecError(f"{path}: cannot read the spec file: {error.strerror or error}") from None
    return parse_spec(text, str(path), file.parent)


def located(spec: Spec, error: StackError) -> SpecError:
    """A stack error (a cycle, a bad reference ...) with the file and line of the resource it names."""
    text = str(error)
    keys = [member_key(r) for r in spec.members]
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

