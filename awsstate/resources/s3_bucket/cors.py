"""S3 CORS rules: the user model, AWS's limits, and the canonical value's semantics.

Canonical value of the ``cors_rules`` aspect: a list of snake_case rule objects (the fields of
:class:`CorsRule`, unset ones left out); ``[]`` means no CORS configuration. Rule order matters
(S3 uses the first rule that matches a request) and is kept; within a rule, methods, origins and
headers are sets.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from awsstate.canonical import Json, canonical_set

__all__ = ["MAX_CORS_RULES", "CorsMethod", "CorsRule", "cors_normal", "cors_value"]

MAX_CORS_RULES = 100
CorsMethod = Literal["GET", "PUT", "POST", "DELETE", "HEAD"]
"""The HTTP methods S3 CORS rules accept."""


class CorsRule(BaseModel):
    """One CORS rule: which origins may use which methods and headers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    allowed_methods: list[CorsMethod] = Field(min_length=1)
    """HTTP methods the origins may use."""
    allowed_origins: list[str] = Field(min_length=1)
    """Origins allowed (each may contain at most one ``*`` wildcard)."""
    allowed_headers: list[str] | None = None
    """Headers allowed in preflight ``Access-Control-Request-Headers`` (at most one ``*`` each)."""
    expose_headers: list[str] | None = None
    """Response headers browsers may read."""
    max_age_seconds: int | None = Field(default=None, ge=0, le=2**31 - 1)
    """How long browsers may cache the preflight response (unset: no ``Access-Control-Max-Age``)."""
    id: str | None = Field(default=None, min_length=1, max_length=255)
    """Optional rule id (AWS does not generate one)."""

    @field_validator("allowed_origins", "allowed_headers")
    @classmethod
    def _one_wildcard(cls, values: list[str] | None) -> list[str] | None:
        for value in values or []:
            if not value:
                raise ValueError("an empty origin or header is not allowed")
            if value.count("*") > 1:
                raise ValueError(f"{value!r}: at most one '*' wildcard is allowed")
        return values


def cors_value(rules: list[CorsRule]) -> Json:
    """The canonical value of the user's rules."""
    return [rule.model_dump(mode="json", exclude_none=True) for rule in rules]


def cors_normal(value: Json) -> object:
    """Semantic form: rule order kept; methods, origins and headers as sorted sets."""
    normal: list[dict[str, Json]] = []
    for rule in value if isinstance(value, list) else []:
        if not isinstance(rule, dict):
            continue
        out: dict[str, Json] = {}
        for key, item in rule.items():
            if item is None or item == []:
                continue
            out[key] = canonical_set(item) if isinstance(item, list) else item
        normal.append(out)
    return normal
