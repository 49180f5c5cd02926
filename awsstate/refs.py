"""References between resources: ``queue.ref.arn`` wherever a field takes another resource's ARN.

A :class:`Ref` is a string, ``${kind.name.attribute}`` (``${sqs_queue.orders-q.arn}``): any field
that takes a string accepts it, inside lists and policy documents too, and a YAML spec file can
write the same text. A :class:`~awsstate.stack.Stack` resolves each reference when it plans:
values that can be derived before the resource exists (ARNs from name, account, region and
path) are concrete in the plan; the others are "known after apply" and the plan names their
source. Resolution is plain text substitution, so a reference can stand inside a longer string
(``"${s3_bucket.logs.arn}/*"``).

A reference made with ``desired.ref.<attribute>`` is checked at once: ``topic.ref.url`` is an
error, since an SNS topic has no URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["REF_ATTRIBUTES", "Ref", "RefTarget", "Refs", "allow_ref", "find_refs", "is_ref", "parse_ref", "substitute"]

REF_ATTRIBUTES = ("name", "id")
"""Attributes every kind can be referred to by, besides its declared ones (``arn``, ``url`` ...)."""

# kind has no dots and the attribute has none, so a name with dots (a bucket, a log group) is unambiguous.
_TOKEN = re.compile(r"\$\{(?P<kind>[a-z][a-z0-9_]*)\.(?P<name>[^{}]+)\.(?P<attribute>[a-z][a-z_]*)\}")


@dataclass(frozen=True, slots=True)
class RefTarget:
    """What a reference points at: ``kind``, ``name`` and the ``attribute`` wanted."""

    kind: str
    name: str
    attribute: str

    @property
    def source(self) -> str:
        """``kind.name.attribute``, as plans name a value known after apply."""
        return f"{self.kind}.{self.name}.{self.attribute}"

    @property
    def node(self) -> str:
        """``kind.name``: the stack node it points at."""
        return f"{self.kind}.{self.name}"

    def __str__(self) -> str:
        return "${" + self.source + "}"


class Ref(str):
    """A reference to another resource's attribute, as the string ``${kind.name.attribute}``."""

    target: RefTarget

    def __new__(cls, kind: str, name: str, attribute: str) -> Ref:  # noqa: D102 - the class says it
        target = RefTarget(kind, name, attribute)
        value = super().__new__(cls, str(target))
        value.target = target
        return value

    def __repr__(self) -> str:
        return f"Ref({self.target.source})"


class Refs:
    """``desired.ref``: ``.arn``, ``.url``, ``.name``, ``.id`` ... of one resource, each a :class:`Ref`."""

    def __init__(self, kind: str, name: str, attributes: tuple[str, ...]) -> None:
        self._kind = kind
        self._name = name
        self._attributes = attributes

    def __repr__(self) -> str:
        return f"Refs({self._kind}.{self._name})"

    def __getattr__(self, attribute: str) -> Ref:
        if attribute.startswith("_"):
            raise AttributeError(attribute)
        if attribute not in self._attributes:
            raise AttributeError(f"a {self._kind} has no attribute {attribute!r} to refer to; it has: "
                                 f"{', '.join(self._attributes)}")
        return Ref(self._kind, self._name, attribute)


def parse_ref(text: str) -> RefTarget | None:
    """The target when ``text`` is exactly one reference, else ``None``."""
    match = _TOKEN.fullmatch(text)
    return RefTarget(match["kind"], match["name"], match["attribute"]) if match else None


def is_ref(value: object) -> bool:
    """True when ``value`` is a string that is exactly one reference."""
    return isinstance(value, str) and parse_ref(value) is not None


def find_refs(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], RefTarget]]:
    """Every reference inside a JSON-like value, with the path where it stands."""
    if isinstance(value, str):
        if "${" in value:
            for match in _TOKEN.finditer(value):
                yield path, RefTarget(match["kind"], match["name"], match["attribute"])
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from find_refs(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from find_refs(item, (*path, index))


def substitute(value: Any, resolve: Callable[[RefTarget], str | None]) -> Any:
    """``value`` with every reference ``resolve`` knows replaced by its value (others left as they are)."""
    if isinstance(value, str):
        if "${" not in value:
            return value

        def replace(match: re.Match[str]) -> str:
            found = resolve(RefTarget(match["kind"], match["name"], match["attribute"]))
            return match[0] if found is None else found

        return _TOKEN.sub(replace, value)
    if isinstance(value, dict):
        return {key: substitute(item, resolve) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [substitute(item, resolve) for item in value]
    return value


def allow_ref(validator: Callable[[str], str], *, kinds: tuple[str, ...],
              attributes: tuple[str, ...] = ("arn",)) -> Callable[[str], str]:
    """``validator``, except that a reference to one of ``kinds``' ``attributes`` passes as it is
    (it is checked again, with the resolved value, when a stack plans)."""

    def check(value: str) -> str:
        target = parse_ref(value)
        if target is None:
            return validator(value)
        if target.kind not in kinds or target.attribute not in attributes:
            wanted = " or ".join(f"{kind}.<name>.{attribute}" for kind in kinds for attribute in attributes)
            raise ValueError(f"{value} cannot stand here: expected a reference to {wanted}")
        return value

    return check
