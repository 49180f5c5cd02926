"""The SSM parameter kind: its aspects, their semantics, and its manager.

Call budget. DescribeParameters (filtered by the exact name) returns the type, description, KMS
key, tier, allowed pattern and data type, so those are carried by the existence read; the value
(GetParameter, with decryption) and the tags (ListTagsForResource) are one read each, only when
managed. PutParameter carries everything, tags included, so a create is one request. An update
is one PutParameter (AWS replaces the whole configuration, so the write re-sends what is there:
unmanaged settings keep their values); tags are AddTags/RemoveTags.

Canonical aspect values: ``value`` the string as stored (a StringList comma-separated);
``description``, ``allowed_pattern`` a string or ``None``; ``key_id`` the KMS key as given, or
``None`` for the AWS managed key ``alias/aws/ssm`` (and for parameters that are not SecureString);
``tier`` ``Standard`` / ``Advanced``; ``data_type`` a string; ``tags`` ``{"key": "value"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json
from awsstate.manager import Manager
from awsstate.resources.common import carried, tags_aspect
from awsstate.resources.identifiers import arn_partition
from awsstate.resources.ssm_parameter.models import (
    AWS_MANAGED_KEY,
    MAX_STANDARD_VALUE,
    SsmParameterDesired,
    pattern_problem,
)
from awsstate.spec import Aspect, Attribute, CreateOnly, Fake, KindSpec

__all__ = ["SSM_PARAMETER", "SsmParameterManager", "SsmParameterObserved", "key_normal", "parameter_arn"]

INTELLIGENT_TIERING = "Intelligent-Tiering"


def parameter_arn(name: str, region: str | None, account_id: str) -> str:
    """A parameter's ARN (a name in a hierarchy keeps its levels: ``parameter/app/db-url``)."""
    return f"arn:{arn_partition(region)}:ssm:{region}:{account_id}:parameter/{name.removeprefix('/')}"


def key_normal(value: Json) -> object:
    """A KMS key compared as AWS means it: a key ARN is its key id, an alias ARN its ``alias/...``
    name, and the AWS managed key is no customer key at all."""
    if not isinstance(value, str) or not value or value == AWS_MANAGED_KEY:
        return None
    if value.startswith("arn:") and ":key/" in value:
        return value.split(":key/", 1)[1]
    if value.startswith("arn:") and ":alias/" in value:
        return "alias/" + value.split(":alias/", 1)[1]
    return value


def _key_value(value: str) -> Json:
    return None if value in ("", AWS_MANAGED_KEY) else value


def _optional_text(value: str) -> Json:
    return value or None


def _tier_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    # Intelligent-Tiering is a way to create or write, not a tier: AWS resolves it to Standard or
    # Advanced, either of which satisfies it.
    if wanted == INTELLIGENT_TIERING and observed in ("Standard", "Advanced"):
        return observed
    return wanted


def _tier_downgrade(observed: Json, after: Json) -> str | None:
    if observed == "Advanced" and after == "Standard":
        return "AWS cannot move a parameter from the Advanced tier back to Standard"
    return None


def _check_value(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    pattern = aspects.get("allowed_pattern")
    problem = pattern_problem(pattern if isinstance(pattern, str) else None, new if isinstance(new, str) else None)
    if problem:
        return problem
    if aspects.get("tier") == "Standard" and isinstance(new, str) and len(new) > MAX_STANDARD_VALUE:
        return (f"Standard tier parameters support a maximum parameter value of {MAX_STANDARD_VALUE} characters "
                "(ValidationException)")
    return None


def _check_pattern(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    value = aspects.get("value")
    return pattern_problem(new if isinstance(new, str) else None, value if isinstance(value, str) else None)


def _check_tier(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    if current == "Advanced" and new == "Standard":
        return "You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier"
    return None


def _created(params: Mapping[str, Json]) -> dict[str, Json]:
    # A new parameter is Standard unless told otherwise; AWS resolves Intelligent-Tiering when it
    # creates the parameter. (No default in Fake.defaults: the create must send Intelligent-Tiering
    # as asked, not resolved against a default by the tier's merge.)
    tier = params.get("tier")
    if tier is not None and tier != INTELLIGENT_TIERING:
        return {}
    value = params.get("value")
    big = tier == INTELLIGENT_TIERING and isinstance(value, str) and len(value) > MAX_STANDARD_VALUE
    return {"tier": "Advanced" if big else "Standard"}


def _derive(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {"region": region, "arn": parameter_arn(name, region, account_id)}


SSM_PARAMETER = KindSpec(
    kind="ssm_parameter",
    describe="SSM parameter",
    desired_model=SsmParameterDesired,
    scope="region",
    regional=True,
    attributes=(Attribute("region", "Where the parameter lives."), Attribute("arn", "The parameter's ARN."),
                Attribute("type", "String, StringList or SecureString."),
                Attribute("version", "The parameter's version (each write makes a new one).", int, derivable=False)),
    derive=_derive,
    create_only=(CreateOnly(field="type", doc="The parameter type (PutParameter creates it with one)."),),
    required_on_create=("type", "value"),
    fake=Fake(
        defaults={"data_type": "text", "tags": {}},
        checks={"value": _check_value, "allowed_pattern": _check_pattern, "tier": _check_tier},
        create_aspects=_created,
    ),
    # Applied in this order: a tier upgrade before a value that needs it; the value before an
    # allowed pattern or data type that it must satisfy.
    aspects=(
        carried("tier", "Standard or Advanced (Intelligent-Tiering: whichever the value needs).", str,
                merge=_tier_merge, replace_if=_tier_downgrade),
        carried("key_id", "The KMS key of a SecureString (None: the AWS managed key).", str,
                to_value=_key_value, to_field=lambda value: value or "", normalize=key_normal),
        carried("description", "What the parameter is for.", str, to_value=_optional_text,
                to_field=lambda value: value or "", normalize=lambda value: value or None),
        Aspect(name="value", doc="The parameter's value (sensitive: never shown).", type=str, in_create=True,
               sensitive=True),
        carried("data_type", "text, aws:ec2:image or aws:ssm:integration.", str,
                normalize=lambda value: value or "text"),
        carried("allowed_pattern", "The regular expression values must match.", str, to_value=_optional_text,
                to_field=lambda value: value or "", normalize=lambda value: value or None),
        tags_aspect(in_create=True),
    ),
)


class SsmParameterManager(Manager[SsmParameterDesired]):
    """Plans and applies :class:`SsmParameterDesired` state.

    >>> from awsstate import InMemoryProvider
    >>> manager = SsmParameterManager(provider=InMemoryProvider())
    >>> manager.apply(SsmParameterDesired(name="/doc/url", type="String", value="https://x")).changed
    True
    >>> manager.plan(SsmParameterDesired(name="/doc/url", value="https://x")).changed
    False
    """

    spec = SSM_PARAMETER


SsmParameterObserved = SSM_PARAMETER.observed_model
"""An SSM parameter as read (generated from :data:`SSM_PARAMETER`)."""
