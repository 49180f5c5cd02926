"""S3 static website hosting: the user model, AWS's rules, and the canonical value's semantics.

Canonical value of the ``website`` aspect: the snake_case fields of :class:`BucketWebsite` (unset
ones left out), or ``None`` for no website configuration. Routing rule order matters (the first
match wins) and is kept.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from awsstate.canonical import Json
from awsstate.resources.settings import Settings, settings_value

__all__ = [
    "MAX_ROUTING_RULES",
    "BucketWebsite",
    "RedirectAll",
    "RoutingCondition",
    "RoutingRedirect",
    "RoutingRule",
    "website_merge",
    "website_normal",
    "website_value",
]

MAX_ROUTING_RULES = 50


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RedirectAll(_Frozen):
    """Redirect every request to another host."""

    host_name: str = Field(min_length=1, max_length=253)
    """The host to redirect to."""
    protocol: Literal["http", "https"] | None = None
    """The protocol to redirect with (unset: the request's own)."""


class RoutingCondition(_Frozen):
    """When a routing rule applies (at least one field)."""

    key_prefix_equals: str | None = Field(default=None, min_length=1)
    """Requests for keys starting with this prefix."""
    http_error_code_returned_equals: str | None = Field(default=None, pattern=r"^[45]\d\d$")
    """Requests that would return this 4xx/5xx error code."""

    @model_validator(mode="after")
    def _not_empty(self) -> RoutingCondition:
        if self.key_prefix_equals is None and self.http_error_code_returned_equals is None:
            raise ValueError("a routing condition needs key_prefix_equals or http_error_code_returned_equals")
        return self


class RoutingRedirect(_Frozen):
    """Where a routing rule sends the request."""

    host_name: str | None = Field(default=None, min_length=1)
    """The host to redirect to (unset: this website)."""
    protocol: Literal["http", "https"] | None = None
    """The protocol to redirect with."""
    replace_key_prefix_with: str | None = None
    """Replace the matched ``key_prefix_equals`` with this."""
    replace_key_with: str | None = None
    """Replace the whole key with this."""
    http_redirect_code: str | None = Field(default=None, pattern=r"^3\d\d$")
    """The 3xx code of the redirect (AWS's default: 301)."""

    @model_validator(mode="after")
    def _one_replacement(self) -> RoutingRedirect:
        if self.replace_key_prefix_with is not None and self.replace_key_with is not None:
            raise ValueError("replace_key_prefix_with and replace_key_with are exclusive")
        return self


class RoutingRule(_Frozen):
    """A conditional redirect."""

    redirect: RoutingRedirect
    """Where to redirect."""
    condition: RoutingCondition | None = None
    """When (unset: every request)."""


class BucketWebsite(Settings):
    """Static website hosting: either ``index_document`` (with optional error document and routing
    rules) or ``redirect_all_requests_to``.

    ``error_document`` and ``routing_rules`` left unset keep what the website has (given as
    ``None``: removed). ``redirect_all_requests_to`` replaces the whole configuration.
    """

    index_document: str | None = Field(default=None, min_length=1, max_length=1024)
    """The suffix served for directory requests (``index.html``); must not contain ``/``."""
    error_document: str | None = Field(default=None, min_length=1, max_length=1024)
    """The key served for 4xx errors."""
    redirect_all_requests_to: RedirectAll | None = None
    """Redirect every request instead of serving content."""
    routing_rules: list[RoutingRule] | None = Field(default=None, max_length=MAX_ROUTING_RULES)
    """Conditional redirects, first match wins (at most 50)."""

    @field_validator("index_document")
    @classmethod
    def _no_slash(cls, value: str | None) -> str | None:
        if value is not None and "/" in value:
            raise ValueError("index_document is a suffix and must not contain '/'")
        return value

    @model_validator(mode="after")
    def _either_index_or_redirect(self) -> BucketWebsite:
        if self.redirect_all_requests_to is not None:
            if self.index_document or self.error_document or self.routing_rules:
                raise ValueError("redirect_all_requests_to excludes index_document, error_document and routing_rules")
        elif not self.index_document:
            raise ValueError("a website needs index_document or redirect_all_requests_to")
        return self


def website_value(website: BucketWebsite | bool) -> Json:
    """The canonical value of the user's website configuration: the sub-fields given (``None``:
    remove that part); ``None`` for no website (``False``)."""
    if not isinstance(website, BucketWebsite):
        return None
    return settings_value(website)


_INDEX_PARTS = ("error_document", "routing_rules")


def website_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    """The website to hold: in index mode, unset parts keep the current website's."""
    if not isinstance(wanted, dict):
        return None
    if wanted.get("redirect_all_requests_to") is not None:
        return {k: v for k, v in wanted.items() if v is not None}
    base = observed if isinstance(observed, dict) and not observed.get("redirect_all_requests_to") else {}
    merged = {**{k: base[k] for k in _INDEX_PARTS if k in base}, **wanted}
    return {k: v for k, v in merged.items() if v is not None and k != "redirect_all_requests_to"}


def _drop_empty(value: Json) -> Json:
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def website_normal(value: Json) -> object:
    """Semantic form: unset and empty parts dropped (an empty condition is no condition)."""
    return _drop_empty(value) if isinstance(value, dict) and value else None
