"""Aspect semantics shared by several resource kinds: tags and FIFO names."""

from __future__ import annotations

from awsstate.canonical import Json, canonical_tags, merged_tags
from awsstate.spec import CreateOnly, DesiredModel

__all__ = ["FIFO_BY_NAME", "FIFO_SUFFIX", "check_fifo_name", "tags_after", "tags_normal"]

FIFO_SUFFIX = ".fifo"

FIFO_BY_NAME = CreateOnly(field="is_fifo", attribute="fifo", doc="FIFO or standard: fixed at creation by the name.")
"""SQS queues and SNS topics: FIFO or not is fixed at creation. Compared through the model's ``is_fifo``
(derived from the name, whether or not ``fifo`` is given), so a resource that does not match its name
(made by another tool) is always found and planned as a replace."""


def tags_after(desired: DesiredModel, observed: Json) -> Json:
    """The full tag set after apply.

    The desired tags are the complete set of user tags (others are removed), unless the model has
    ``purge_tags=False``, when they are only added or updated. ``aws:`` tags already there are
    always kept: they belong to AWS, and some services (S3) refuse a write that drops them.
    """
    current = observed if isinstance(observed, dict) else {}
    wanted = getattr(desired, "tags", None) or {}
    purge = getattr(desired, "purge_tags", True) is not False
    return dict(merged_tags({k: str(v) for k, v in current.items()}, wanted, purge=purge))


def tags_normal(value: Json) -> object:
    """Tags compared as AWS stores them (string values, any order); no tags equals ``{}``."""
    return canonical_tags(value) if isinstance(value, dict) else {}


def check_fifo_name(noun: str, fifo: bool | None, name: str | None) -> bool | None:
    """Validate an explicit ``fifo`` flag against the name: AWS makes ``.fifo`` names FIFO, and only them."""
    if fifo is None or name is None:
        return fifo
    if fifo and not name.endswith(FIFO_SUFFIX):
        raise ValueError(f"a FIFO {noun}'s name must end in '.fifo' (got {name!r})")
    if not fifo and name.endswith(FIFO_SUFFIX):
        raise ValueError(f"a name ending in '.fifo' makes a FIFO {noun}; set fifo=True or rename {name!r}")
    return fifo
