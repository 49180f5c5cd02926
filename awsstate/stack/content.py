"""Content in a stack: S3 objects (:class:`~awsstate.objects.S3ObjectDesired`) and directory syncs
(:class:`~awsstate.objects.S3SyncDesired`) planned and applied with the buckets they go in.

::

    site = S3BucketDesired(name="my-site", region="eu-west-1")
    index = S3ObjectDesired(bucket=site.ref.name, key="index.html", source="site/index.html")
    assets = S3SyncDesired(bucket=site.ref.name, prefix="assets", source="site/assets", delete=True)
    Stack("site", [site, index, assets]).apply()

A content member is named ``s3_object.<bucket>/<key>`` or ``s3_sync.<bucket>/<prefix>`` in the
stack plan. Its ``bucket`` is a bucket's name or ``bucket.ref.name``; when that bucket is in the
stack (by reference or by the same name), the content is planned and applied after it. Content
in a bucket the plan creates is planned without a call: there is nothing to read yet, so every
object is a ``put``. Nothing can refer to content, so content never orders anything else.

Objects carry no ownership tag, and ``prune`` never deletes objects: an object left out of the
stack stays where it is (delete one with ``state="absent"``, or with a sync's ``delete=True``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from awsstate.engine.clock import Clock
from awsstate.errors import InvalidPlanError, StackError
from awsstate.objects.desired import S3ObjectDesired
from awsstate.objects.plans import ObjectPlan, SyncPlan
from awsstate.objects.sync import local_entries
from awsstate.objects.syncmodel import S3SyncDesired
from awsstate.objects.verbs import S3Objects
from awsstate.plan import Plan
from awsstate.providers.base import Provider
from awsstate.refs import parse_ref
from awsstate.stack.graph import node_key

__all__ = ["CONTENT_KINDS", "ContentDesired", "ContentNode", "ContentPlan", "apply_content", "content_key",
           "content_nodes", "is_content", "objects_of", "plan_content"]

ContentDesired = S3ObjectDesired | S3SyncDesired
"""What a stack holds besides resources."""
ContentPlan = ObjectPlan | SyncPlan
"""The plan of one content member."""
CONTENT_KINDS: dict[str, type[S3ObjectDesired] | type[S3SyncDesired]] = {"s3_object": S3ObjectDesired,
                                                                          "s3_sync": S3SyncDesired}
"""The content kinds by the name a spec file's ``kind:`` gives them."""


def is_content(value: object) -> bool:
    """Whether ``value`` is an S3 object or sync (a content member, not a resource)."""
    return isinstance(value, S3ObjectDesired | S3SyncDesired)


@dataclass(frozen=True)
class ContentNode:
    """One content member: its key in the stack, the bucket it goes in, and that bucket's stack key."""

    key: str
    desired: ContentDesired
    bucket: str
    bucket_key: str
    region: str | None = None

    @property
    def concrete(self) -> ContentDesired:
        """The desired state with the bucket's reference replaced by its name (and, when the stack's
        bucket names a region and the content none, that region)."""
        if self.desired.bucket == self.bucket and self.desired.region == self.region:
            return self.desired
        return self.desired.model_copy(update={"bucket": self.bucket, "region": self.region})


def _bucket_of(desired: ContentDesired) -> str:
    target = parse_ref(desired.bucket)
    return desired.bucket if target is None else target.name


def content_key(desired: ContentDesired) -> str:
    """``s3_object.<bucket>/<key>`` or ``s3_sync.<bucket>/<prefix>``."""
    bucket = _bucket_of(desired)
    if isinstance(desired, S3ObjectDesired):
        return node_key("s3_object", f"{bucket}/{desired.key}")
    return node_key("s3_sync", f"{bucket}/{desired.prefix}")


def content_nodes(content: tuple[ContentDesired, ...], members: Mapping[str, Any]) -> dict[str, ContentNode]:
    """The content members by key (``members``: the stack's resources by key); raises :class:`StackError`
    for the same object twice, two syncs of one prefix, or content in a bucket the stack deletes."""
    nodes: dict[str, ContentNode] = {}
    for desired in content:
        key = content_key(desired)
        if key in nodes:
            raise StackError(f"{key} is in the stack twice: a stack holds one desired state per object or prefix")
        bucket = _bucket_of(desired)
        bucket_key = node_key("s3_bucket", bucket)
        target = parse_ref(desired.bucket)
        if target is not None and bucket_key not in members:
            raise StackError(f"{key}: bucket refers to {desired.bucket}, but s3_bucket {bucket!r} is not in the "
                             "stack: add it, or give the bucket's name")
        owner = members.get(bucket_key)
        if owner is not None and getattr(owner.desired, "state", "present") == "absent":
            raise StackError(f"{key}: its bucket {bucket_key} is absent in the stack (deleted): content cannot "
                             "go in it. Remove the content, or keep the bucket")
        region = desired.region or (getattr(owner.desired, "region", None) if owner is not None else None)
        nodes[key] = ContentNode(key, desired, bucket, bucket_key, region)
    return nodes


def objects_of(provider: Provider, clock: Clock) -> S3Objects:
    """The object verbs a stack uses: no progress line of their own (the stack reports per member), and
    their own wait for a bucket not visible yet (10 s), so a missing bucket outside the stack fails soon."""
    return S3Objects(provider, clock=clock, progress=False)


def plan_content(objects: S3Objects, node: ContentNode, bucket_plan: Plan | None) -> ContentPlan:
    """The plan of one member; ``bucket_plan``: its bucket's plan in this stack plan (``None``: the
    bucket is not in the stack). Content in a bucket that does not exist yet is planned without a call."""
    return objects.plan(node.concrete, new_bucket=bucket_plan is not None and not bucket_plan.observed.exists)


def _with_content(plan: ContentPlan, node: ContentNode | None) -> ContentPlan:
    """``plan`` with each upload's content in hand: a plan read back from JSON has none, and content
    given as bytes or text is only in the desired state (a file is read again from its path)."""
    missing = [a for a in plan.actions if a.writes_content and a.content is None]
    if not missing:
        return plan
    if node is not None:
        desired = node.concrete
        if isinstance(desired, S3ObjectDesired):
            found = {desired.key: desired.content()}
        else:
            found = {desired.prefix + entry.relative: entry.content for entry in local_entries(desired)}
        for action in missing:
            action.with_content(found.get(action.key))
    for action in missing:
        if action.content is None and not Path(action.source or "").is_file():
            raise InvalidPlanError(f"{action.url}: the saved plan uploads {action.source or 'content'} given in "
                                   "memory (bytes or text), which a plan's JSON does not hold; apply it with the "
                                   "stack's desired state (Stack(name, resources).apply(plan), or -f stack.yaml)")
    return plan


def apply_content(objects: S3Objects, plan: ContentPlan, node: ContentNode | None) -> int:
    """Apply one member's plan (checked against S3 first, as ``S3Objects.apply`` does); the writes made."""
    if not plan.changed:
        return 0
    result = objects.apply(_with_content(plan, node))
    return len(result.actions)

