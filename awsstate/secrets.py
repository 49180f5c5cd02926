"""Secrets: masked wherever awsstate shows or serialises a value, compared by digest.

Two kinds of secret are recognised:

* values of aspects declared ``sensitive`` (a parameter's value, a secret's string): shown as
  ``(sensitive)`` and serialised as ``{"$sensitive": "sha256:..."}``, a digest that lets a plan
  saved as JSON still tell whether the value changed, without holding it;
* credentials inside URLs, wherever a string holds one: the password of ``user:password@`` and
  the values of query parameters such as ``token=``, ``sig=`` or ``X-Amz-Signature=`` become
  ``****`` (an SNS https subscription to ``https://alice:s3cr3t@hooks.example.com/in?token=t0k3n``
  is shown as ``https://alice:****@hooks.example.com/in?token=****``).

Masking applies to ``repr`` and ``str`` of models and plans, to their JSON, to log events and to
error messages. In-process objects keep the real values (apply needs them); a plan read back
from JSON holds only masks, and applying a masked value is refused (see
:func:`awsstate.engine.verify.check_plan`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from awsstate.canonical import Json, canonical_json

__all__ = [
    "MASK",
    "SENSITIVE",
    "conceal",
    "digest",
    "is_masked",
    "mask",
    "mask_model_dump",
    "masked_repr",
    "scrub",
    "scrub_text",
]

MASK = "****"
SENSITIVE = "(sensitive)"
_MARK = "$sensitive"

_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*:)(?P<secret>[^\s/@]+)(?=@)")
_QUERY = re.compile(
    r"(?P<head>[?&;](?:token|access_token|id_token|auth|password|passwd|pwd|secret|sig|signature|"
    r"x-amz-signature|x-amz-credential|x-amz-security-token|api[_-]?key|apikey|key|code)=)"
    r"(?P<secret>[^&#\s\"',]+)",
    re.IGNORECASE,
)


def scrub_text(text: str) -> str:
    """``text`` with URL credentials replaced by ``****``."""
    if "://" not in text and "=" not in text:
        return text
    text = _USERINFO.sub(lambda m: m["head"] + MASK, text)
    return _QUERY.sub(lambda m: m["head"] + MASK, text)


def scrub(value: Any) -> Any:
    """A copy of a JSON-like value with URL credentials masked in every string."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def digest(value: Json) -> str:
    """A short, stable digest of a value (``sha256:`` and 16 hex digits)."""
    import hashlib  # only when a secret is masked

    return "sha256:" + hashlib.sha256(("awsstate:" + canonical_json(value)).encode()).hexdigest()[:16]


def conceal(value: Json) -> Json:
    """A sensitive value's stand-in: ``{"$sensitive": digest}`` (``None`` stays ``None``)."""
    if value is None or (isinstance(value, dict) and _MARK in value):
        return value
    return {_MARK: digest(value)}


def mask(value: Json, sensitive: bool) -> Json:
    """What may be shown of ``value``: concealed when sensitive, else with URL credentials masked."""
    return conceal(value) if sensitive else scrub(value)


def is_masked(value: Any) -> bool:
    """True when ``value`` holds a mask anywhere (so it cannot be written back)."""
    if isinstance(value, str):
        return MASK in value and (":" + MASK + "@" in value or "=" + MASK in value)
    if isinstance(value, dict):
        return _MARK in value or any(is_masked(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(is_masked(item) for item in value)
    return False


def same(planned: Json, now: Json, sensitive: bool) -> bool | None:
    """Compare a value read back from a saved plan with the current one, when it was masked.

    ``None`` when ``planned`` is not masked (compare normally); else whether ``now`` masks to it.
    """
    if not is_masked(planned):
        return None
    return bool(mask(now, sensitive) == planned)


def masked_repr(name: str, fields: Mapping[str, Any], sensitive: Iterable[str] = ()) -> str:
    """``Name(key=value, ...)`` with sensitive fields hidden and URL credentials masked."""
    hidden = frozenset(sensitive)
    parts = ", ".join(f"{key}={SENSITIVE if key in hidden and value is not None else repr(value)}"
                      for key, value in fields.items())
    return scrub_text(f"{name}({parts})")


def mask_model_dump(dumped: Any, sensitive: Iterable[str] = ()) -> Any:
    """A model's dump (a dict) with sensitive fields concealed and URL credentials masked."""
    if not isinstance(dumped, dict):
        return scrub(dumped)
    hidden = frozenset(sensitive)
    return {key: conceal(value) if key in hidden else scrub(value) for key, value in dumped.items()}
