"""Validation shared by resource models: regions and tags, by AWS's own rules.

Everything here runs when a Desired model is built, so bad input fails before any AWS call,
with pydantic's ``ValidationError`` naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

from awsstate.canonical import canonical_tags, is_aws_tag

__all__ = [
    "Region",
    "Tags",
    "register_region",
    "validate_region",
    "validate_tags",
]

# Region names come from botocore's partition data (awsstate.providers.aws.partitions, read without
# importing boto3). A region launched after the installed botocore can be added at run time with
# register_region() instead of waiting for a release.
_REGION_SHAPE = re.compile(r"^[a-z]{2,4}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}\Z")

# AWS tag rules: letters, digits and spaces in any script, and _ . : / = + - @ (AWS's pattern is
# [\p{L}\p{Z}\p{N}_.:/=+\-@]*: \p{Z} is space separators, so no tabs or newlines, unlike \s).
_TAG_CHARS = re.compile(r"^[\w .:/=+\-@\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*\Z")
MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256


def _known() -> frozenset[str]:
    from awsstate.providers.aws.partitions import known_regions  # botocore's data file, not boto3

    return known_regions()


def register_region(name: str) -> None:
    """Accept a region this installation's botocore does not know yet (it must still look like a region)."""
    if not _REGION_SHAPE.match(name):
        raise ValueError(f"{name!r} is not shaped like an AWS region (e.g. 'eu-west-1')")
    from awsstate.providers.aws.partitions import register_region as register

    register(name)


def validate_region(value: str) -> str:
    """Return ``value`` if it is a known AWS region, else raise ``ValueError`` saying why."""
    if value in _known():
        return value
    if not _REGION_SHAPE.match(value):
        raise ValueError(f"{value!r} is not an AWS region name (expected something like 'eu-west-1')")
    raise ValueError(
        f"unknown AWS region {value!r}; if it is new, call awsstate.register_region({value!r}) first"
    )


def validate_tags(tags: Mapping[str, str], *, max_tags: int = MAX_TAGS) -> dict[str, str]:
    """Check tags against AWS's limits; ``aws:`` keys are reserved for AWS and refused."""
    if len(tags) > max_tags:
        raise ValueError(f"{len(tags)} tags given; AWS allows at most {max_tags}")
    for key, value in tags.items():
        if not key:
            raise ValueError("a tag key must not be empty")
        if len(key) > MAX_TAG_KEY:
            raise ValueError(f"tag key {key[:20]!r}... is {len(key)} characters; the limit is {MAX_TAG_KEY}")
        if len(value) > MAX_TAG_VALUE:
            raise ValueError(f"tag {key!r}: value is {len(value)} characters; the limit is {MAX_TAG_VALUE}")
        if is_aws_tag(key):
            raise ValueError(f"tag key {key!r}: the 'aws:' prefix is reserved for AWS")
        for what, text in (("key", key), ("value", value)):
            if not _TAG_CHARS.match(text):
                raise ValueError(
                    f"tag {key!r}: the {what} may contain only letters, digits, spaces and _ . : / = + - @"
                )
    return dict(tags)


def _coerce_tags(value: object) -> object:
    # Tag values given as numbers or booleans are stored by AWS as strings: accept and convert.
    if (
        isinstance(value, Mapping)
        and all(isinstance(k, str) for k in value)
        and all(isinstance(v, str | int | float | bool) for v in value.values())
    ):
        return canonical_tags(value)
    return value


Region = Annotated[str, AfterValidator(validate_region)]
"""An AWS region name, checked against :data:`KNOWN_REGIONS`."""

Tags = Annotated[dict[str, str], BeforeValidator(_coerce_tags), AfterValidator(validate_tags)]
"""User tags: values coerced to strings, AWS limits enforced, ``aws:`` keys refused."""
