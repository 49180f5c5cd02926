"""The S3 bucket kind: its aspects, their semantics, and its manager.

Canonical aspect values (what providers return and plans show):

* ``tags``: ``{"key": "value"}``, all tags including ``aws:`` ones;
* ``versioning``: ``"Enabled"``, ``"Suspended"`` or ``"Disabled"`` (never enabled);
* ``block_public_access``: the four snake_case flags (all ``False`` when none is configured);
* ``encryption``: ``{"algorithm", "kms_key_id", "bucket_key_enabled"}`` (SSE-S3 when none is
  configured: AWS encrypts every bucket with SSE-S3 since January 2023);
* ``policy``, ``acl``, ``object_ownership``, ``logging``, ``object_lock``: see
  :mod:`~awsstate.resources.s3_bucket.access`;
* ``lifecycle_rules``, ``cors_rules``, ``website``, ``notifications``: see their modules;
* ``transfer_acceleration``, ``requester_pays``: booleans.

Aspects are applied in the order declared: the public access block before the policy and ACL
(which it may block), ownership before the ACL (ACLs need ownership other than
``BucketOwnerEnforced``), the policy before logging (log delivery needs the policy's grant),
versioning before object lock (which needs versioning).
"""

from __future__ import annotations

from typing import Any

from awsstate.canonical import Json
from awsstate.manager import Manager
from awsstate.resources.common import tags_aspect
from awsstate.resources.s3_bucket.access import (
    BucketLogging,
    ObjectOwnership,
    logging_merge,
    logging_normal,
    object_lock_merge,
    object_lock_normal,
    object_lock_replace_reason,
    object_lock_value,
    policy_normal,
    policy_value,
)
from awsstate.resources.s3_bucket.cors import cors_normal
from awsstate.resources.s3_bucket.fake import (
    BucketContents,
    check_acl,
    check_object_lock,
    check_policy_write,
    check_tags,
    check_versioning,
    created_with,
)
from awsstate.resources.s3_bucket.inventory import inventory_merge, inventory_normal, inventory_value
from awsstate.resources.s3_bucket.lifecycle import lifecycle_after, lifecycle_normal
from awsstate.resources.s3_bucket.models import (
    BucketEncryption,
    PublicAccessBlock,
    S3BucketDesired,
    VersioningStatus,
)
from awsstate.resources.s3_bucket.notifications import notifications_after, notifications_normal, notifications_value
from awsstate.resources.s3_bucket.rules import conflicts
from awsstate.resources.s3_bucket.website import website_merge, website_normal, website_value
from awsstate.resources.settings import Settings, member_merge, overlay, settings_value
from awsstate.spec import Aspect, Attribute, Contents, CreateOnly, Fake, Identity, KindSpec, Reference

__all__ = ["ALL_BLOCKED", "NONE_BLOCKED", "NO_NOTIFICATIONS", "S3_BUCKET", "SSE_S3", "S3BucketManager"]

ALL_BLOCKED: dict[str, Json] = {name: True for name in PublicAccessBlock.model_fields}
"""What AWS gives a new bucket (since April 2023): every public access block flag on."""
NONE_BLOCKED: dict[str, Json] = {key: False for key in ALL_BLOCKED}
SSE_S3: dict[str, Json] = {"algorithm": "AES256", "kms_key_id": None, "bucket_key_enabled": False}
"""What AWS gives a new bucket (since January 2023): SSE-S3."""
NO_NOTIFICATIONS: dict[str, Json] = {"eventbridge": False, "targets": []}


def _versioning_value(enabled: bool) -> Json:
    return "Enabled" if enabled else "Suspended"


def _versioning_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    # A bucket that never had versioning already satisfies "off": suspending it would only add a
    # write and change what the bucket reports.
    if wanted == "Suspended" and observed in (None, "Disabled"):
        return "Disabled"
    return wanted


def _pab_value(value: bool | PublicAccessBlock) -> Json:
    if isinstance(value, PublicAccessBlock):
        return settings_value(value)
    return dict(ALL_BLOCKED if value else NONE_BLOCKED)


def _pab_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    # Unset flags keep the bucket's; a new bucket starts with AWS's default (all on).
    return overlay(wanted, observed, ALL_BLOCKED)


def _pab_normal(value: Json) -> object:
    return value if isinstance(value, dict) else NONE_BLOCKED


def _encryption_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    # Unset sub-fields keep the bucket's; SSE-S3 has no key and no Bucket Key.
    merged = overlay(wanted, observed, SSE_S3)
    if merged.get("algorithm") == "AES256":
        merged.update(kms_key_id=None, bucket_key_enabled=False)
    return merged


def _encryption_normal(value: Json) -> object:
    if not isinstance(value, dict):
        return SSE_S3
    normal = dict(value)
    if normal.get("algorithm") == "AES256":
        normal["kms_key_id"] = None
    return normal


def _ownership_normal(value: Json) -> object:
    # A bucket without ownership controls behaves as ObjectWriter (how buckets worked before them).
    return value or "ObjectWriter"


def _none_is_false(value: Json) -> Any:
    """Export: "no configuration" is ``False`` (ensure none)."""
    return False if value is None else value


def _none_is_empty(value: Json) -> Any:
    """Export: "no policy" is ``{}`` (ensure none)."""
    return {} if value is None else value


def _canned_only(value: Json) -> Any:
    """Export: grants no canned ACL gives (``custom``) cannot be expressed: left unmanaged."""
    return None if value == "custom" else value


def _model_or_off(value: Any) -> Json:
    return settings_value(value) if isinstance(value, Settings) else None


def _rule_id(rule: Json) -> str:
    return str(rule.get("id")) if isinstance(rule, dict) else ""


_lifecycle_merge = member_merge("lifecycle_rules", key=_rule_id, prepare=lifecycle_after)


def _notifications_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    return notifications_after(wanted, observed)


def _derive(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {"region": region, "arn": f"arn:aws:s3:::{name}"}


S3_BUCKET = KindSpec(
    kind="s3_bucket",
    describe="S3 bucket",
    desired_model=S3BucketDesired,
    scope="global",
    regional=True,
    attributes=(Attribute("region", "Where the bucket lives."), Attribute("arn", "The bucket's ARN.")),
    derive=_derive,
    identity=Identity(physical_id="arn"),
    create_only=(CreateOnly(field="region", doc="The bucket's region."),),
    conflicts=conflicts,
    contents=Contents(describe="every object version and delete marker in it", fake=BucketContents),
    fake=Fake(
        defaults={
            "tags": {}, "versioning": "Disabled", "block_public_access": dict(ALL_BLOCKED),
            "encryption": dict(SSE_S3), "object_lock": {"enabled": False},
            "object_ownership": "BucketOwnerEnforced", "acl": "private", "policy": None, "logging": None,
            "lifecycle_rules": [], "cors_rules": [], "website": None, "transfer_acceleration": False,
            "requester_pays": False, "notifications": dict(NO_NOTIFICATIONS), "inventory_configurations": [],
        },
        checks={"tags": check_tags, "object_lock": check_object_lock, "policy": check_policy_write,
                "acl": check_acl, "versioning": check_versioning},
        # AWS refuses logging to a bucket that does not exist (InvalidTargetBucketForLogging).
        references={"logging": Reference("s3_bucket", blocks_delete=False, key="target_bucket", by="name",
                                         code="InvalidTargetBucketForLogging")},
        create_aspects=created_with,
    ),
    aspects=(
        tags_aspect(new_value={}),
        Aspect(
            name="versioning", doc="Versioning status.", type=VersioningStatus, to_value=_versioning_value,
            to_field=lambda value: value == "Enabled", merge=_versioning_merge, new_value="Disabled",
        ),
        # New buckets have all four flags on in AWS since April 2023, but not in moto or older
        # emulators, so a create always writes this aspect rather than trusting the default.
        Aspect(name="block_public_access", doc="Public access block flags.", type=PublicAccessBlock,
               to_value=_pab_value, merge=_pab_merge, normalize=_pab_normal),
        Aspect(name="encryption", doc="Default encryption.", type=BucketEncryption, to_value=settings_value,
               merge=_encryption_merge, normalize=_encryption_normal, new_value=dict(SSE_S3)),
        Aspect(
            name="object_lock", doc="Object Lock and its default retention.", type=dict[str, Any],
            to_value=object_lock_value, merge=object_lock_merge, normalize=object_lock_normal, in_create=True,
            replace_if=object_lock_replace_reason,
        ),
        # New buckets are BucketOwnerEnforced on AWS since April 2023; moto has no ownership
        # controls on a new bucket (read as ObjectWriter), so a create always writes it.
        Aspect(name="object_ownership", doc="Object ownership (ACLs on or off; None: no ownership controls).",
               type=ObjectOwnership, to_value=lambda value: value or None, to_field=_none_is_false,
               normalize=_ownership_normal),
        Aspect(name="acl", doc="Canned ACL.", type=str, to_field=_canned_only, new_value="private"),
        Aspect(name="policy", doc="Bucket policy.", type=dict[str, Any], to_value=policy_value,
               to_field=_none_is_empty, normalize=policy_normal, new_value=None),
        Aspect(name="logging", doc="Server access logging.", type=BucketLogging, to_value=_model_or_off,
               to_field=_none_is_false, merge=logging_merge, normalize=logging_normal, new_value=None),
        Aspect(name="lifecycle_rules", doc="Lifecycle rules.", type=list[dict[str, Any]], merge=_lifecycle_merge,
               normalize=lifecycle_normal, new_value=[]),
        Aspect(name="cors_rules", doc="CORS rules.", type=list[dict[str, Any]], normalize=cors_normal, new_value=[]),
        Aspect(name="website", doc="Static website hosting.", type=dict[str, Any], to_value=website_value,
               to_field=_none_is_false, merge=website_merge, normalize=website_normal, new_value=None),
        Aspect(name="transfer_acceleration", doc="Transfer Acceleration.", type=bool, normalize=bool,
               new_value=False),
        Aspect(name="requester_pays", doc="Requester pays.", type=bool, normalize=bool, new_value=False),
        Aspect(name="notifications", doc="Event notifications.", type=dict[str, Any], to_value=notifications_value,
               merge=_notifications_merge, normalize=notifications_normal, new_value=dict(NO_NOTIFICATIONS)),
        Aspect(name="inventory_configurations", doc="Inventory reports (a set keyed by id).",
               type=list[dict[str, Any]], to_value=inventory_value, merge=inventory_merge, normalize=inventory_normal,
               new_value=[]),
    ),
)


class S3BucketManager(Manager[S3BucketDesired]):
    """Plans and applies :class:`S3BucketDesired` state.

    >>> from awsstate import InMemoryProvider
    >>> manager = S3BucketManager(provider=InMemoryProvider())
    >>> manager.apply(S3BucketDesired(name="doc-bucket", region="eu-west-1", versioning=True)).changed
    True
    >>> manager.plan(S3BucketDesired(name="doc-bucket", region="eu-west-1", versioning=True)).changed
    False
    """

    spec = S3_BUCKET


S3BucketObserved = S3_BUCKET.observed_model
"""An S3 bucket as read (generated from :data:`S3_BUCKET`: the Desired model's field names)."""
