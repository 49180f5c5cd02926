"""Canonical forms for values that AWS normalises, so diffs compare meaning.

AWS rewrites much of what it is given: policy documents come back re-serialised
(different whitespace and key order, sometimes URL-encoded), a bare account id
principal becomes an ``arn:aws:iam::<id>:root`` ARN, tags come back as strings,
and many lists are really sets. Comparing such values literally produces
perpetual diffs, so every comparison of them goes through this module.

The module is pure: no I/O, no AWS SDK, and no other ``awsstate`` imports, so
the diff engine and every resource can share it without import cycles. Policy
documents have their own package, :mod:`awsstate.policies`; its names are also
available here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

__all__ = [
    "Json",
    "PolicyDocumentError",
    "MAX_JSON_DEPTH",
    "canonical_document",
    "check_json",
    "load_json",
    "canonical_json",
    "canonical_policy",
    "canonical_set",
    "canonical_tags",
    "is_aws_tag",
    "json_list",
    "merged_tags",
    "parse_policy",
    "policies_equal",
    "policy_json",
    "tag_changes",
    "user_tags",
    "validate_policy",
]

Json: TypeAlias = bool | int | float | str | list["Json"] | dict[str, "Json"] | None
"""Any value representable in JSON, as produced by :func:`json.loads`."""


# --------------------------------------------------------------------------
# Generic JSON helpers
# --------------------------------------------------------------------------


MAX_JSON_DEPTH = 64
"""The deepest nesting accepted in a JSON document (AWS's documents are a few levels deep)."""


def check_json(value: object, what: str = "the document", *, types: bool = True) -> None:
    """Refuse what AWS would not read as JSON, with a message saying where.

    Walks ``value`` without recursion (a document nested thousands deep is refused, not a
    ``RecursionError``): only ``dict`` with string keys, ``list``/``tuple``, ``str``, ``bool``,
    ``None``, ``int`` and finite ``float`` (NaN and Infinity are not JSON), at most
    :data:`MAX_JSON_DEPTH` levels deep. ``types=False`` checks only depth and numbers.
    """
    stack: list[tuple[object, str, int]] = [(value, "$", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError(f"{what} is nested more than {MAX_JSON_DEPTH} levels deep (at {path[:80]}...)")
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"{what} holds {item!r} at {path}, which is not valid JSON (NaN and Infinity are not "
                             "numbers in JSON)")
        if isinstance(item, Mapping):
            for key, child in item.items():
                if types and not isinstance(key, str):
                    raise ValueError(f"{what} has a key {key!r} at {path} that is not a string")
                stack.append((child, f"{path}.{key}", depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((child, f"{path}[{index}]", depth + 1) for index, child in enumerate(item))
        elif types and item is not None and not isinstance(item, str | bool | int | float):
            raise ValueError(f"{what} holds a {type(item).__name__} at {path}, which JSON cannot represent")


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def load_json(text: str, what: str = "the document") -> Json:
    """Parse strict JSON text (no NaN/Infinity), refusing documents nested too deep, with a ``ValueError``."""
    try:
        value: Json = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError(f"{what} is nested more than {MAX_JSON_DEPTH} levels deep") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{what} is not valid JSON: {error}") from None
    check_json(value, what)
    return value


def json_list(value: Json) -> list[Json]:
    """``value`` if it is a JSON array, else an empty list (for optional array fields)."""
    return value if isinstance(value, list) else []


def canonical_json(value: Json) -> str:
    """Return compact JSON with sorted keys, usable as a stable sort/dedupe key.

    Args:
        value: Any JSON value.

    Returns:
        ``json.dumps(value, sort_keys=True, separators=(",", ":"))``.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _scalar(value: str) -> Json:
    """A string as the JSON scalar it spells, if it spells one (``"20"`` -> ``20``, ``"true"`` -> ``True``)."""
    if value in ("true", "false"):
        return value == "true"
    try:
        number = float(value)
    except ValueError:
        return value
    if not math.isfinite(number) or value.strip() != value or value.startswith("+"):
        return value
    return int(number) if number.is_integer() and "e" not in value.lower() and "." not in value else number


def canonical_document(value: Json, *, scalars_as_strings: bool = True) -> Json:
    """A JSON document in a form where ``==`` means "AWS reads these the same".

    Key order never matters (compare with :func:`canonical_json`, or ``==``); numbers compare by
    value (``1.0`` equals ``1``); and with ``scalars_as_strings`` (documents whose values AWS parses
    as numbers or booleans, such as an SNS delivery policy) ``"20"`` equals ``20`` and ``"true"``
    equals ``true``.
    """
    if isinstance(value, dict):
        return {str(k): canonical_document(v, scalars_as_strings=scalars_as_strings) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical_document(v, scalars_as_strings=scalars_as_strings) for v in value]
    if isinstance(value, str) and scalars_as_strings:
        value = _scalar(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_set(items: Iterable[Json]) -> list[Json]:
    """Return an unordered collection as a deterministic list without duplicates.

    Items are compared and ordered by their :func:`canonical_json`, so equal
    dicts with different key order count as duplicates.

    Args:
        items: JSON values whose order and multiplicity carry no meaning.

    Returns:
        The distinct items (first occurrence kept), sorted by canonical JSON.
    """
    unique: dict[str, Json] = {}
    for item in items:
        unique.setdefault(canonical_json(item), item)
    return [unique[key] for key in sorted(unique)]



# --------------------------------------------------------------------------
# Tags
# --------------------------------------------------------------------------


def _tag_value(key: str, value: object) -> str:
    """Render a tag value as the string AWS stores it as."""
    # bool before int: bool is an int subclass but must read "true", not "True".
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise TypeError(
        f"tag {key!r} has a {type(value).__name__} value; tag values must be "
        "strings, numbers or booleans"
    )


def canonical_tags(tags: Mapping[str, object] | None) -> dict[str, str] | None:
    """Return tags as AWS stores them: string values, ordered by key.

    Args:
        tags: Tag mapping whose values are ``str``, ``int``, ``float`` or
            ``bool``, or ``None``.

    Returns:
        ``None`` for ``None``; otherwise a new dict sorted by key with values
        converted to strings (``True`` -> ``"true"``, ``1`` -> ``"1"``,
        ``1.5`` -> ``"1.5"``). Keys are kept as is.

    Raises:
        TypeError: A value is not a string, number or boolean.
    """
    if tags is None:
        return None
    return {key: _tag_value(key, tags[key]) for key in sorted(tags)}


def is_aws_tag(key: str) -> bool:
    """Tell whether a tag key is reserved by AWS (``aws:`` prefix, any case).

    Args:
        key: Tag key.

    Returns:
        ``True`` if users cannot set or remove the tag.
    """
    return key.lower().startswith("aws:")


def user_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Return the tags users manage, i.e. without AWS-reserved ``aws:`` keys.

    Args:
        tags: Tags as read from AWS.

    Returns:
        A new dict without ``aws:`` keys, in the original order.
    """
    return {key: value for key, value in tags.items() if not is_aws_tag(key)}


def tag_changes(
    current: Mapping[str, str],
    desired: Mapping[str, str],
    *,
    purge: bool = True,
) -> tuple[dict[str, str], list[str]]:
    """Compute the tag API calls that turn ``current`` into ``desired``.

    Args:
        current: Tags the resource has now.
        desired: Tags the resource should have.
        purge: Remove user tags that are not in ``desired``; when ``False``,
            tags are only added or updated.

    Returns:
        ``(to_set, to_remove)``: tags in ``desired`` that are missing from or
        different in ``current`` (sorted by key), and sorted keys to remove.
        ``aws:`` keys are never removed, since AWS owns them.
    """
    to_set = {
        key: desired[key]
        for key in sorted(desired)
        if key not in current or current[key] != desired[key]
    }
    to_remove = (
        sorted(key for key in current if key not in desired and not is_aws_tag(key))
        if purge
        else []
    )
    return to_set, to_remove


def merged_tags(
    current: Mapping[str, str],
    desired: Mapping[str, str],
    *,
    purge: bool = True,
) -> dict[str, str]:
    """Return the full tag set a resource has after applying ``desired``.

    Args:
        current: Tags the resource has now.
        desired: Tags the resource should have.
        purge: As in :func:`tag_changes`.

    Returns:
        Sorted by key: with ``purge``, ``desired`` plus the ``aws:`` tags of
        ``current`` (which cannot be removed); without, ``current | desired``.
    """
    if purge:
        result = {key: value for key, value in current.items() if is_aws_tag(key)}
        result.update(desired)
    else:
        result = {**current, **desired}
    return dict(sorted(result.items()))


_POLICY_NAMES = frozenset({"PolicyDocumentError", "canonical_policy", "parse_policy", "policies_equal", "policy_json",
                           "validate_policy"})

if TYPE_CHECKING:
    from awsstate.policies import (
        PolicyDocumentError,
        canonical_policy,
        parse_policy,
        policies_equal,
        policy_json,
        validate_policy,
    )


def __getattr__(name: str) -> Any:
    # The policy functions live in awsstate.policies (which imports this module).
    if name in _POLICY_NAMES:
        import awsstate.policies

        return getattr(awsstate.policies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
