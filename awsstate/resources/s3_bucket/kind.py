"""The S3 bucket kind: its aspects, their semantics, and its manager.

Canonical aspect values (what providers return and plans show):

* ``tags``: ``{"key": "value"}``, all tags including ``aws:`` ones;
* ``versioning``: ``"Enabled"``, ``"Suspended"`` or ``"Disabled"`` (never enabled);
* ``public_access_block``: the four snake_case flags (all ``False`` when none is configured);
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

from awsstate.canonical import Json, is_aws_tag
from awsstate.manager import Manager
from awsstate.resources.common import tags_after, tags_normal
from awsstate.resources.s3_bucket.access import (
    BucketLogging,
    ObjectLock,
    logging_normal,
    object_lock_normal,
    object_lock_replace_reason,
    policy_normal,
    policy_value,
)
from awsstate.resources.s3_bucket.cors import cors_normal, cors_value
from awsstate.resources.s3_bucket.lifecycle import lifecycle_after, lifecycle_normal, lifecycle_value
from awsstate.resources.s3_bucket.models import (
    BucketEncryption,
    PublicAccessBlock,
    S3BucketDesired,
    S3BucketObserved,
)
from awsstate.resources.s3_bucket.notifications import (
    BucketNotifications,
    notifications_after,
    notifications_normal,
    notifications_value,
)
from awsstate.resources.s3_bucket.website import BucketWebsite, website_normal, website_value
from awsstate.spec import Aspect, CreateOnly, KindSpec

__all__ = ["S3_BUCKET", "S3BucketManager"]

ALL_BLOCKED: dict[str, Json] = PublicAccessBlock().model_dump()
NONE_BLOCKED: dict[str, Json] = {key: False for key in ALL_BLOCKED}
SSE_S3: dict[str, Json] = BucketEncryption.sse_s3().model_dump()


def _system_tags(tags: Json) -> dict[str, Json]:
    return {k: v for k, v in tags.items() if is_aws_tag(k)} if isinstance(tags, dict) else {}


def _tags_check(current: Json, new: Json) -> str | None:
    if _system_tags(new) != _system_tags(current):
        return "System tags (aws:) cannot be added, changed or removed by the requester"
    return None


def _versioning_value(enabled: bool) -> Json:
    return "Enabled" if enabled else "Suspended"


def _versioning_after(desired: S3BucketDesired, observed: Json) -> Json:
    # A bucket that never had versioning already satisfies "off": suspending it would only add a
    # write and change what the bucket reports.
    if desired.versioning is False and observed in (None, "Disabled"):
        return "Disabled"
    return _versioning_value(bool(desired.versioning))


def _pab_value(value: bool | PublicAccessBlock) -> Json:
    if isinstance(value, PublicAccessBlock):
        return value.model_dump()
    return dict(ALL_BLOCKED if value else NONE_BLOCKED)


def _pab_normal(value: Json) -> object:
    return value if isinstance(value, dict) else NONE_BLOCKED


def _encryption_value(value: BucketEncryption) -> Json:
    return value.model_dump()


def _encryption_normal(value: Json) -> object:
    if not isinstance(value, dict):
        return SSE_S3
    normal = dict(value)
    if normal.get("algorithm") == "AES256":
        normal["kms_key_id"] = None
    return normal


def _logging_value(value: BucketLogging | bool) -> Json:
    return value.model_dump() if isinstance(value, BucketLogging) else None


def _website_value(value: BucketWebsite | bool) -> Json:
    return website_value(value) if isinstance(value, BucketWebsite) else None


def _object_lock_value(value: ObjectLock) -> Json:
    return value.model_dump(exclude_none=True) if value.enabled else {"enabled": False}


def _lifecycle_after(desired: S3BucketDesired, observed: Json) -> Json:
    return lifecycle_after(lifecycle_value(desired.lifecycle_rules or []), observed)


def _notifications_after(desired: S3BucketDesired, observed: Json) -> Json:
    return notifications_after(notifications_value(desired.notifications or BucketNotifications()), observed)


def _bool(value: Any) -> Json:
    return bool(value)


NO_NOTIFICATIONS: dict[str, Json] = {"eventbridge": False, "targets": []}


def _attributes(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {"region": region, "arn": f"arn:aws:s3:::{name}"}


S3_BUCKET = KindSpec(
    kind="s3_bucket",
    describe="S3 bucket",
    desired_model=S3BucketDesired,
    observed_model=S3BucketObserved,
    scope="global",
    regional=True,
    attributes=_attributes,
    create_only=(CreateOnly(field="region", doc="The bucket's region."),),
    aspects=(
        Aspect(
            name="tags", doc="User tags (full set; aws: tags untouched).",
            target=tags_after, normalize=tags_normal,
            settled_on_create={}, aws_default={}, check_write=_tags_check,
        ),
        Aspect(
            name="versioning", doc="Versioning status.", to_value=_versioning_value,
            target=_versioning_after, settled_on_create="Disabled", aws_default="Disabled",
        ),
        Aspect(
            name="public_access_block", field="block_public_access", doc="Public access block flags.",
            to_value=_pab_value, normalize=_pab_normal,
            # New buckets have all four flags on in AWS since April 2023, but not in moto or older
            # emulators, so a create always writes this aspect rather than trusting the default.
            aws_default=dict(ALL_BLOCKED),
        ),
        Aspect(
            name="encryption", doc="Default encryption.", to_value=_encryption_value,
            normalize=_encryption_normal, settled_on_create=dict(SSE_S3), aws_default=dict(SSE_S3),
        ),
        Aspect(
            name="object_lock", doc="Object Lock and its default retention.", to_value=_object_lock_value,
            normalize=object_lock_normal, on_create=True, aws_default={"enabled": False},
            check_write=object_lock_replace_reason, replace_if=object_lock_replace_reason,
        ),
        Aspect(
            name="object_ownership", doc="Object ownership (ACLs on or off).",
            # New buckets are BucketOwnerEnforced on AWS since April 2023; moto has no ownership
            # controls on a new bucket (read as ObjectWriter), so a create always writes it.
            aws_default="BucketOwnerEnforced",
        ),
        Aspect(name="acl", doc="Canned ACL.", settled_on_create="private", aws_default="private"),
        Aspect(
            name="policy", doc="Bucket policy.", to_value=policy_value, normalize=policy_normal,
            settled_on_create=None, aws_default=None,
        ),
        Aspect(
            name="logging", doc="Server access logging.", to_value=_logging_value, normalize=logging_normal,
            settled_on_create=None, aws_default=None,
        ),
        Aspect(
            name="lifecycle_rules", doc="Lifecycle rules.", to_value=lifecycle_value, target=_lifecycle_after,
            normalize=lifecycle_normal, settled_on_create=[], aws_default=[],
        ),
        Aspect(
            name="cors_rules", doc="CORS rules.", to_value=cors_value, normalize=cors_normal,
            settled_on_create=[], aws_default=[],
        ),
        Aspect(
            name="website", doc="Static website hosting.", to_value=_website_value, normalize=website_normal,
            settled_on_create=None, aws_default=None,
        ),
        Aspect(
            name="transfer_acceleration", doc="Transfer Acceleration.", to_value=_bool, normalize=bool,
            settled_on_create=False, aws_default=False,
        ),
        Aspect(
            name="requester_pays", doc="Requester pays.", to_value=_bool, normalize=bool,
            settled_on_create=False, aws_default=False,
        ),
        Aspect(
            name="notifications", doc="Event notifications.", to_value=notifications_value,
            target=_notifications_after, normalize=notifications_normal,
            settled_on_create=dict(NO_NOTIFICATIONS), aws_default=dict(NO_NOTIFICATIONS),
        ),
    ),
)


class S3BucketManager(Manager[S3BucketDesired, S3BucketObserved]):
    """Plans and applies :class:`S3BucketDesired` state.

    >>> from awsstate import InMemoryProvider
    >>> manager = S3BucketManager(provider=InMemoryProvider())
    >>> manager.apply(S3BucketDesired(name="doc-bucket", region="eu-west-1", versioning=True)).changed
    True
    >>> manager.plan(S3BucketDesired(name="doc-bucket", region="eu-west-1", versioning=True)).changed
    False
    """

    spec = S3_BUCKET
