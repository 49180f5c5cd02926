"""Canonical forms for values that AWS normalises, so diffs compare meaning.

AWS rewrites much of what it is given: policy documents come back re-serialised
(different whitespace and key order, sometimes URL-encoded), a bare account id
principal becomes an ``arn:aws:iam::<id>:root`` ARN, tags come back as strings,
and many lists are really sets. Comparing such values literally produces
perpetual diffs, so every comparison of them goes through this module.

The module is pure: no I/O, no AWS SDK, and no other ``awsstate`` imports, so
the diff engine and every resource can share it without import cycles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias
from urllib.parse import unquote, unquote_plus

__all__ = [
    "Json",
    "PolicyDocumentError",
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

# IAM only knows these two grammar versions; anything else is rejected by AWS.
_POLICY_VERSIONS = ("2012-10-17", "2008-10-17")
# AWS interprets a policy without Version under the old grammar (no policy
# variables), so that is the only faithful canonical value for a missing one.
_DEFAULT_POLICY_VERSION = "2008-10-17"
_EFFECTS = ("Allow", "Deny")
_ACCOUNT_ID = re.compile(r"^\d{12}\Z")
# Statement elements whose value is a set of strings written as a string or list.
_ACTION_KEYS = ("Action", "NotAction")
_RESOURCE_KEYS = ("Resource", "NotResource")
_PRINCIPAL_KEYS = ("Principal", "NotPrincipal")


class PolicyDocumentError(ValueError):
    """A policy document is not valid JSON or is structurally invalid.

    The message names the problem, e.g. ``"policy is not valid JSON: ..."`` or
    ``"statement 2 has no Effect"`` (statements are numbered from 1).
    """


# --------------------------------------------------------------------------
# Generic JSON helpers
# --------------------------------------------------------------------------


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


def _to_json(value: object, path: str) -> Json:
    """Convert a Python structure to plain JSON types, rejecting anything else.

    Callers may pass tuples or non-dict mappings; copying into plain types also
    guarantees the caller's object is never mutated or aliased by the result.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        result: dict[str, Json] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise PolicyDocumentError(
                    f"policy key {key!r} at {path} is not a string"
                )
            result[key] = _to_json(item, f"{path}.{key}")
        return result
    if isinstance(value, list | tuple):
        return [_to_json(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise PolicyDocumentError(
        f"policy value at {path} has type {type(value).__name__}, "
        "which is not representable in JSON"
    )


def _type_name(value: object) -> str:
    """Name a JSON value's type the way JSON (not Python) calls it."""
    # bool first: it is an int subclass but must not be called a number.
    for kind, name in (
        (type(None), "null"),
        (bool, "boolean"),
        (int | float, "number"),
        (str, "string"),
        (list, "array"),
        (dict, "object"),
    ):
        if isinstance(value, kind):
            return name
    return type(value).__name__


# --------------------------------------------------------------------------
# Policy parsing and validation
# --------------------------------------------------------------------------


def _reject_constant(name: str) -> Json:
    """Refuse NaN/Infinity, which Python accepts but JSON (and AWS) do not."""
    raise ValueError(f"{name} is not valid JSON")


def _loads(text: str) -> Json:
    """Parse strict JSON text."""
    result: Json = json.loads(text, parse_constant=_reject_constant)
    return result


def _parse_text(text: str) -> Json:
    """Parse JSON text, falling back to URL-decoding it.

    IAM's API returns role trust and policy documents URL-encoded
    (``%7B%22Version%22...``); only boto3 decodes them for us. Plain JSON is
    tried first so a literal ``%`` inside a valid document is never decoded.
    """
    try:
        return _loads(text)
    except ValueError as error:
        if "%" not in text:
            raise PolicyDocumentError(f"policy is not valid JSON: {error}") from error
        first_error = error
    # Some encoders use '+' for spaces; try the strict decoding first because a
    # literal '+' is meaningful inside JSON strings (e.g. in condition values).
    for decode in (unquote, unquote_plus):
        try:
            return _loads(decode(text))
        except ValueError:
            continue
    raise PolicyDocumentError(
        f"policy is not valid JSON (nor URL-encoded JSON): {first_error}"
    ) from first_error


def parse_policy(value: str | Mapping[str, Any]) -> dict[str, Json]:
    """Parse a policy document given as JSON text or as a mapping.

    JSON text may also be URL-encoded, as IAM returns it (e.g.
    ``AssumeRolePolicyDocument`` from ``get_role`` in clients that do not
    decode it). Only JSON parsing happens here; see :func:`validate_policy`
    for structural checks.

    Args:
        value: JSON text (plain or URL-encoded) or a mapping.

    Returns:
        A new plain ``dict`` built from JSON types only.

    Raises:
        PolicyDocumentError: The text is not valid JSON, the document is not a
            JSON object, or a mapping contains values JSON cannot represent.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise PolicyDocumentError("policy is not valid JSON: the document is empty")
        parsed = _parse_text(text)
    elif isinstance(value, Mapping):
        parsed = _to_json(value, "$")
    else:
        raise PolicyDocumentError(
            f"policy must be a JSON string or a mapping, got {type(value).__name__}"
        )
    if not isinstance(parsed, dict):
        raise PolicyDocumentError(
            f"policy must be a JSON object, got {_type_name(parsed)}"
        )
    return parsed


def _compact_size(document: Mapping[str, Json]) -> int:
    """Count characters of the whitespace-free serialisation, as AWS limits do."""
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False))


def _is_string_or_string_list(value: Json) -> bool:
    """Tell whether a value is a string or a non-empty list of strings."""
    if isinstance(value, str):
        return True
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, str) for item in value)
    )


def _check_principal(label: str, key: str, principal: Json) -> None:
    """Check a Principal/NotPrincipal value: ``"*"`` or ``{type: ids}``."""
    if principal == "*":
        return
    if not isinstance(principal, dict) or not principal:
        raise PolicyDocumentError(
            f'{label} {key} must be "*" or an object such as '
            f'{{"AWS": [...]}}, got {_type_name(principal)}'
        )
    for kind, ids in principal.items():
        if not _is_string_or_string_list(ids):
            raise PolicyDocumentError(
                f"{label} {key} {kind} must be a string or a non-empty list of strings"
            )


def _check_condition(label: str, condition: Json) -> None:
    """Check a Condition block: ``{operator: {key: value(s)}}``."""
    if not isinstance(condition, dict):
        raise PolicyDocumentError(
            f"{label} Condition must be an object, got {_type_name(condition)}"
        )
    for operator, block in condition.items():
        if not isinstance(block, dict) or not block:
            raise PolicyDocumentError(
                f"{label} Condition operator {operator} must map condition keys "
                "to values"
            )
        for key, values in block.items():
            items = values if isinstance(values, list) else [values]
            if not all(isinstance(item, str | int | float) for item in items):
                raise PolicyDocumentError(
                    f"{label} Condition {operator} {key} values must be strings, "
                    "numbers or booleans"
                )


def _check_effect(label: str, statement: dict[str, Json]) -> None:
    """Check that Effect is present and exactly ``Allow`` or ``Deny``."""
    if "Effect" not in statement:
        raise PolicyDocumentError(f"{label} has no Effect")
    effect = statement["Effect"]
    if effect not in _EFFECTS:
        raise PolicyDocumentError(
            f'{label} has invalid Effect {effect!r}; expected "Allow" or "Deny"'
        )


def _check_action_and_resource(label: str, statement: dict[str, Json]) -> None:
    """Check Action/NotAction (required) and Resource/NotResource (optional)."""
    for pair in (_ACTION_KEYS, _RESOURCE_KEYS, _PRINCIPAL_KEYS):
        if all(key in statement for key in pair):
            raise PolicyDocumentError(f"{label} has both {pair[0]} and {pair[1]}")
    if not any(key in statement for key in _ACTION_KEYS):
        raise PolicyDocumentError(f"{label} has no Action or NotAction")
    for key in (*_ACTION_KEYS, *_RESOURCE_KEYS):
        if key in statement and not _is_string_or_string_list(statement[key]):
            raise PolicyDocumentError(
                f"{label} {key} must be a string or a non-empty list of strings"
            )


def _check_principals(
    label: str, statement: dict[str, Json], *, require_principal: bool | None
) -> None:
    """Check Principal/NotPrincipal presence for the policy kind, then shape."""
    has_principal = any(key in statement for key in _PRINCIPAL_KEYS)
    if require_principal is True and not has_principal:
        raise PolicyDocumentError(
            f"{label} has no Principal or NotPrincipal, which resource and "
            "trust policies require"
        )
    if require_principal is False and has_principal:
        key = "Principal" if "Principal" in statement else "NotPrincipal"
        raise PolicyDocumentError(
            f"{label} has a {key}, which identity policies must not have"
        )
    for key in _PRINCIPAL_KEYS:
        if key in statement:
            _check_principal(label, key, statement[key])


def _check_statement(
    index: int, statement: Json, *, require_principal: bool | None
) -> None:
    """Check one statement; ``index`` is 1-based, as in the error messages."""
    if not isinstance(statement, dict):
        raise PolicyDocumentError(
            f"statement {index} must be an object, got {_type_name(statement)}"
        )
    label = f"statement {index}"
    sid = statement.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyDocumentError(f"{label} Sid must be a string")
    try:
        _check_effect(label, statement)
        _check_action_and_resource(label, statement)
        _check_principals(label, statement, require_principal=require_principal)
        if "Condition" in statement:
            _check_condition(label, statement["Condition"])
    except PolicyDocumentError as error:
        if not sid:
            raise
        # Naming the Sid lets users find the statement in a long document; it
        # goes last so messages always start "statement <n> ...".
        raise PolicyDocumentError(f"{error} (Sid {sid!r})") from None


def validate_policy(
    value: str | Mapping[str, Any],
    *,
    require_principal: bool | None = None,
    max_size: int | None = None,
) -> dict[str, Json]:
    """Parse a policy document and check its structure with clear messages.

    Checks that ``Version``, if present, is ``"2012-10-17"`` or
    ``"2008-10-17"``; that ``Statement`` is an object or a non-empty list of
    objects; and that every statement has ``Effect`` ``Allow`` or ``Deny``,
    ``Action`` or ``NotAction`` (not both), and at most one of each of the
    Resource/NotResource and Principal/NotPrincipal pairs.

    Args:
        value: JSON text (plain or URL-encoded) or a mapping.
        require_principal: ``True`` for resource and trust policies (every
            statement needs ``Principal`` or ``NotPrincipal``), ``False`` for
            identity policies (no statement may have either), ``None`` to skip
            the check.
        max_size: Maximum length in characters of the document serialised as
            compact JSON (no whitespace between tokens), the way AWS counts
            policy size limits; ``None`` for no limit.

    Returns:
        The parsed document, as from :func:`parse_policy`.

    Raises:
        PolicyDocumentError: The document is invalid; the message says how.
    """
    document = parse_policy(value)

    if "Version" in document and document["Version"] not in _POLICY_VERSIONS:
        raise PolicyDocumentError(
            f"policy Version {document['Version']!r} is not supported; expected "
            + " or ".join(repr(version) for version in _POLICY_VERSIONS)
        )

    if "Statement" not in document:
        raise PolicyDocumentError("policy has no Statement")
    statements = document["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    elif not isinstance(statements, list):
        raise PolicyDocumentError(
            "policy Statement must be an object or a list of objects, got "
            f"{_type_name(statements)}"
        )
    elif not statements:
        raise PolicyDocumentError("policy Statement is an empty list")
    for index, statement in enumerate(statements, start=1):
        _check_statement(index, statement, require_principal=require_principal)

    if max_size is not None:
        size = _compact_size(document)
        if size > max_size:
            raise PolicyDocumentError(
                f"policy size is {size} characters (compact JSON), more than "
                f"the maximum of {max_size}"
            )
    return document


def policy_json(value: str | Mapping[str, Any]) -> str:
    """Serialise a policy document for sending to AWS.

    The document is kept as given (not canonicalised), so AWS stores what the
    user wrote; only whitespace and key order are made stable. Non-ASCII text
    is kept literal so the length matches the size :func:`validate_policy`
    measures.

    Args:
        value: JSON text (plain or URL-encoded) or a mapping.

    Returns:
        Compact JSON with sorted keys.

    Raises:
        PolicyDocumentError: The document cannot be parsed.
    """
    return json.dumps(
        parse_policy(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


# --------------------------------------------------------------------------
# Policy canonicalisation
# --------------------------------------------------------------------------


def _as_list(value: Json) -> list[Json]:
    """Treat a scalar as a one-element list, as AWS does for policy elements."""
    return value if isinstance(value, list) else [value]


def _string_set(values: Iterable[Json]) -> list[Json]:
    """Deduplicate and sort, for elements whose order AWS ignores."""
    return canonical_set(values)


def _condition_value(value: Json) -> Json:
    """Render a condition value as the string AWS stores it as."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _principal_id(value: Json, account_id: str | None) -> Json:
    """Expand a bare account id to the root ARN that AWS rewrites it to.

    The ``aws`` partition is assumed: a bare id carries no partition, and the
    canonical form only needs to be consistent with itself.
    """
    if isinstance(value, str) and (
        _ACCOUNT_ID.match(value) or (account_id is not None and value == account_id)
    ):
        return f"arn:aws:iam::{value}:root"
    return value


def _canonical_principal(principal: Json, account_id: str | None) -> Json:
    """Canonicalise Principal/NotPrincipal; ``"*"`` means ``{"AWS": "*"}``."""
    if principal == "*":
        principal = {"AWS": "*"}
    if not isinstance(principal, dict):
        return principal
    result: dict[str, Json] = {}
    for kind in sorted(principal):
        ids = _as_list(principal[kind])
        if kind == "AWS":
            ids = [_principal_id(item, account_id) for item in ids]
        result[kind] = _string_set(ids)
    return result


def _canonical_condition(condition: Json) -> Json:
    """Canonicalise a Condition block: every value becomes a set of strings."""
    if not isinstance(condition, dict):
        return condition
    result: dict[str, Json] = {}
    for operator in sorted(condition):
        block = condition[operator]
        if not isinstance(block, dict):
            result[operator] = block
            continue
        result[operator] = {
            key: _string_set(_condition_value(item) for item in _as_list(block[key]))
            for key in sorted(block)
        }
    return result


def _canonical_statement(statement: Json, account_id: str | None) -> Json:
    """Canonicalise one statement; non-objects are left for validation to report."""
    if not isinstance(statement, dict):
        return statement
    result: dict[str, Json] = {}
    for key in sorted(statement):
        value = statement[key]
        if key in _ACTION_KEYS:
            # IAM matches service prefixes and action names case-insensitively.
            result[key] = _string_set(
                item.lower() if isinstance(item, str) else item
                for item in _as_list(value)
            )
        elif key in _RESOURCE_KEYS:
            # ARNs are case-sensitive, so only order and multiplicity are dropped.
            result[key] = _string_set(_as_list(value))
        elif key in _PRINCIPAL_KEYS:
            result[key] = _canonical_principal(value, account_id)
        elif key == "Condition":
            if value == {}:
                # An empty Condition block restricts nothing.
                continue
            result[key] = _canonical_condition(value)
        else:
            # Sid and Effect are compared literally: changing them is a change.
            result[key] = value
    return result


def canonical_policy(
    value: str | Mapping[str, Any] | None, *, account_id: str | None = None
) -> dict[str, Json] | None:
    """Return a canonical form of a policy; documents AWS treats as equal compare ``==``.

    Normalisations applied:

    * JSON text (plain or URL-encoded) and mappings are accepted; whitespace
      and key order are irrelevant.
    * A missing ``Version`` becomes ``"2008-10-17"``, because that is how AWS
      interprets a document without one; an explicit ``Version`` is kept. So a
      document without ``Version`` is *not* equal to the same document with
      ``"Version": "2012-10-17"`` (the grammars differ, e.g. in policy
      variables).
    * ``Statement`` as a single object equals a one-element list; statement
      order is irrelevant (statements are sorted by their canonical JSON).
    * ``Action``/``NotAction``/``Resource``/``NotResource``: a string equals a
      one-element list; order and duplicates are irrelevant. Actions are
      lowercased because IAM matches them case-insensitively
      (``"S3:GetObject"`` equals ``"s3:getobject"``).
    * ``Principal``/``NotPrincipal``: ``"*"`` equals ``{"AWS": "*"}``; each
      principal type's value is a set of strings; a bare 12-digit account id
      equals ``arn:aws:iam::<id>:root``, which AWS rewrites it to.
    * ``Condition``: each key's value is a set of strings, since AWS stores
      condition values as strings (``true`` equals ``"true"``, ``10`` equals
      ``"10"``); an empty ``Condition`` equals none.
    * ``Sid`` and ``Effect`` are kept as is: changing them is a real change.

    The result is for comparison only; send :func:`policy_json` to AWS.

    Args:
        value: JSON text, a mapping, or ``None``.
        account_id: Also expand this exact string, when used as an AWS
            principal, to ``arn:aws:iam::<account_id>:root`` even if it is not
            shaped like a 12-digit account id.

    Returns:
        The canonical document, or ``None`` for ``None``, an empty string, or
        an empty mapping.

    Raises:
        PolicyDocumentError: The document is not valid JSON or not an object.
    """
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    document = parse_policy(value)
    if not document:
        return None

    result: dict[str, Json] = {}
    for key in sorted(document):
        item = document[key]
        if key == "Statement":
            statements = [
                _canonical_statement(statement, account_id)
                for statement in _as_list(item)
            ]
            result[key] = sorted(statements, key=canonical_json)
        else:
            result[key] = item
    result.setdefault("Version", _DEFAULT_POLICY_VERSION)
    return dict(sorted(result.items()))


def policies_equal(
    a: str | Mapping[str, Any] | None,
    b: str | Mapping[str, Any] | None,
    *,
    account_id: str | None = None,
) -> bool:
    """Tell whether AWS treats two policy documents as the same.

    Args:
        a: A policy as JSON text, a mapping, or ``None``.
        b: Another policy in any of the same forms.
        account_id: Passed to :func:`canonical_policy` for both documents.

    Returns:
        Whether the :func:`canonical_policy` forms are equal; ``None`` and
        empty documents equal each other only.

    Raises:
        PolicyDocumentError: Either document is not valid JSON or not an object.
    """
    return canonical_policy(a, account_id=account_id) == canonical_policy(
        b, account_id=account_id
    )


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
