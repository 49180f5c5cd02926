"""Policy documents compared by meaning, the way AWS reads them.

Pure: no I/O and no AWS SDK.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from awsstate.canonical import Json, canonical_json, canonical_set
from awsstate.policies.document import (
    _ACCOUNT_ID,
    _ACTION_KEYS,
    _DEFAULT_POLICY_VERSION,
    _PRINCIPAL_KEYS,
    _RESOURCE_KEYS,
    parse_policy,
)

__all__ = ["canonical_policy", "policies_equal"]

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
