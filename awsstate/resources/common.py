"""Aspect semantics shared by several resource kinds: tags and FIFO names."""

from __future__ import annotations

from typing import Any

from awsstate.canonical import Json, canonical_tags, is_aws_tag
from awsstate.resources.settings import member_merge
from awsstate.spec import MISSING, Aspect, CreateOnly, Missing

__all__ = ["FIFO_BY_NAME", "FIFO_SUFFIX", "carried", "check_fifo_name", "tags_aspect", "tags_merge", "tags_normal"]

FIFO_SUFFIX = ".fifo"

FIFO_BY_NAME = CreateOnly(field="is_fifo", attribute="fifo", export="fifo",
                          doc="FIFO or standard: fixed at creation by the name.")
"""SQS queues and SNS topics: FIFO or not is fixed at creation. Compared through the model's ``is_fifo``
(derived from the name, whether or not ``fifo`` is given), so a resource that does not match its name
(made by another tool) is always found and planned as a replace."""


def _strings(value: Json) -> Json:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


tags_merge = member_merge("tags", keep=lambda key, value: is_aws_tag(key),
                          prepare=lambda wanted, observed: _strings(wanted))
"""The full tag set after apply.

The desired tags are the complete set of user tags (others are removed), unless the model has
``purge_tags=False``, when they are only added or updated. ``aws:`` tags already there are
always kept: they belong to AWS, and some services (S3) refuse a write that drops them. Values
are strings, as AWS stores them.
"""


def tags_normal(value: Json) -> object:
    """Tags compared as AWS stores them (string values, any order); no tags equals ``{}``."""
    return canonical_tags(value) if isinstance(value, dict) else {}


def _user_tags(value: Json) -> Any:
    """Export: the user's tags (``aws:`` ones belong to AWS and are kept by every write)."""
    return {k: v for k, v in value.items() if not is_aws_tag(k)} if isinstance(value, dict) else {}


def tags_aspect(*, in_create: bool = False, carried: bool = False, new_value: Json | Missing = MISSING) -> Aspect:
    """The ``tags`` aspect, the same on every kind: the full set, ``aws:`` tags untouched."""
    return Aspect(name="tags", doc="Tags (full set; aws: tags untouched).", type=dict[str, str], merge=tags_merge,
                  normalize=tags_normal, to_field=_user_tags, in_create=in_create, carried=carried,
                  new_value=new_value)


def carried(name: str, doc: str, type_: Any, *, in_create: bool = True, **semantics: Any) -> Aspect:
    """An aspect the existence read carries (and, by default, the create call too)."""
    return Aspect(name=name, doc=doc, type=type_, carried=True, in_create=in_create, **semantics)


def check_fifo_name(noun: str, fifo: bool | None, name: str | None) -> bool | None:
    """Validate an explicit ``fifo`` flag against the name: AWS makes ``.fifo`` names FIFO, and only them."""
    if fifo is None or name is None:
        return fifo
    if fifo and not name.endswith(FIFO_SUFFIX):
        raise ValueError(f"a FIFO {noun}'s name must end in '.fifo' (got {name!r})")
    if not fifo and name.endswith(FIFO_SUFFIX):
        raise ValueError(f"a name ending in '.fifo' makes a FIFO {noun}; set fifo=True or rename {name!r}")
    return fifo
