"""Policy documents: parsed and checked with clear messages, serialised for AWS.

Pure: no I/O and no AWS SDK. :mod:`awsstate.policies.compare` compares documents by meaning.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, unquote_plus

from awsstate.canonical import MAX_JSON_DEPTH, Json, check_json
from awsstate.policies.elements import action_problem, principal_problem, resource_problem

__all__ = ["PolicyDocumentError", "parse_policy", "policy_json", "validate_policy"]

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
    try:
        result: Json = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise PolicyDocumentError(f"the document is nested more than {MAX_JSON_DEPTH} levels deep") from None
    return result


def _checked(value: object) -> None:
    try:
        check_json(value, "the policy", types=False)  # types: _to_json names them
    except ValueError as error:
        raise PolicyDocumentError(str(error)) from None


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
        _checked(parsed)
    elif isinstance(value, Mapping):
        _checked(value)
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


def _strings(value: Json) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value] if isinstance(value, list) else []


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
        for value in _strings(ids):
            problem = principal_problem(kind, value)
            if problem:
                raise PolicyDocumentError(f"{label} {key}: {problem}")


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
    for key in (*_ACTION_KEYS, *_RESOURCE_KEYS):
        values = statement.get(key)
        check = action_problem if key in _ACTION_KEYS else resource_problem
        for value in _strings(values):
            problem = check(value)
            if problem:
                raise PolicyDocumentError(f"{label} {key}: {problem}")


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
