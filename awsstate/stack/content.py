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
in a bucket the plan creates (or replaces) is planned without a call: there is nothing to read
yet, so every object is a ``put``. Nothing can refer to content, so content never orders anything
else. Members that would undo each other on every apply (an object a sync of its prefix would
overwrite or delete, nested sync prefixes) are refused before any call (:func:`content_nodes`).

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
from awsstate.kinds import KINDS
from awsstate.objects.desired import S3ObjectDesired
from awsstate.objects.digest import LocalContent
from awsstate.objects.plans import ObjectPlan, SyncPlan
from awsstate.objects.sync import local_entries
from awsstate.objects.syncmodel import S3SyncDesired
from awsstate.objects.verbs import S3Objects
from awsstate.plan import Plan, ReplaceAction
from awsstate.providers.base import Provider
from awsstate.refs import find_refs, parse_ref
from awsstate.stack.graph import node_key

__all__ = ["CONTENT_KINDS", "ContentDesired", "ContentNode", "ContentPlan", "apply_content", "content_key",
           "content_nodes", "is_content", "objects_of", "plan_content", "with_content"]

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


def content_nodes(content: tuple[ContentDesired, ...], members: Mapping[str, Any],
                  default_region: str | None = None) -> dict[str, ContentNode]:
    """The content members by key (``members``: the stack's resources by key; ``default_region``: where
    a stack bucket that names no region is); raises :class:`StackError`
    (before any call) for the same object twice, content that would fight over the same keys (an
    object a sync of its prefix would overwrite or delete, nested sync prefixes), a reference
    anywhere but ``bucket``, content in a bucket the stack deletes, or in another region than it."""
    nodes: dict[str, ContentNode] = {}
    for desired in content:
        key = content_key(desired)
        if key in nodes:
            raise StackError(f"{key} is in the stack twice: a stack holds one desired state per object or prefix")
        _no_other_refs(key, desired)
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
        home = (getattr(owner.desired, "region", None) or default_region) if owner is not None else None
        if desired.region is not None and home is not None and desired.region != home:
            raise StackError(f"{key}: region {desired.region}, but its bucket {bucket_key} is in {home}: leave "
                             "the content's region unset (it follows the bucket's)")
        nodes[key] = ContentNode(key, desired, bucket, bucket_key, desired.region or home)
    _no_overlaps(list(nodes.values()))
    return nodes


def _no_other_refs(key: str, desired: ContentDesired) -> None:
    values = desired.model_dump(mode="json", exclude={"bucket", "source", "text"})  # content is uploaded as it is
    found = next(((path, target) for path, target in find_refs(values) if target.kind in KINDS), None)
    if found is not None:
        path, target = found
        raise StackError(f"{key}: {'.'.join(map(str, path))} refers to {target}, but in an S3 object or sync only "
                         "bucket may")


def _covered(sync: S3SyncDesired, relative: str) -> bool:
    """Whether an exclude glob of ``sync`` leaves out everything under the folder ``relative``."""
    folder = relative.rstrip("/")
    return any(pattern.rstrip("/") in (f"{folder}/**", f"{folder}/**/*") for pattern in sync.exclude)


def _no_overlaps(nodes: list[ContentNode]) -> None:
    """Refuse members that would undo each other: what a sync uploads or (with ``delete``) deletes
    under its prefix, that another member also writes or deletes."""
    uploads: dict[str, set[str]] = {}

    def uploaded(node: ContentNode, sync: S3SyncDesired) -> set[str]:
        if node.key not in uploads:  # the local walk, only for a sync that something lies under
            uploads[node.key] = {entry.relative for entry in local_entries(sync)}
        return uploads[node.key]

    for node in nodes:
        sync = node.desired
        if not isinstance(sync, S3SyncDesired):
            continue
        for other in nodes:
            if other is node or other.bucket != node.bucket:
                continue
            if isinstance(other.desired, S3ObjectDesired):
                key = other.desired.key
                if not key.startswith(sync.prefix) or not sync.filter(relative := key[len(sync.prefix):]):
                    continue
                if relative in uploaded(node, sync) or (sync.delete and other.desired.state == "present"):
                    raise StackError(f"{other.key} is under {node.key}, which would also write or delete it: "
                                     "apply after apply they would undo each other. Exclude it from the sync "
                                     f"(exclude=({relative!r},)), or leave it to the sync")
            elif other.desired.prefix.startswith(sync.prefix):
                inner = other.desired.prefix[len(sync.prefix):]
                if any(path.startswith(inner) for path in uploaded(node, sync)) or (
                        sync.delete and not _covered(sync, inner)):
                    raise StackError(f"{node.key} and {other.key} nest, and the outer sync would write or delete "
                                     f"what the inner one manages: exclude it (exclude=({inner + '**'!r},)), sync "
                                     "them as one, or use prefixes that do not nest")


def objects_of(provider: Provider, clock: Clock, parallelism: int) -> S3Objects:
    """The object verbs a stack uses: no progress line of their own (the stack reports per member);
    ``parallelism`` objects transferred at once per member, as the stack's own bound; and their own
    wait for a bucket not visible yet (10 s), so a missing bucket outside the stack fails soon."""
    return S3Objects(provider, clock=clock, progress=False, concurrency=parallelism)


def plan_content(objects: S3Objects, node: ContentNode, bucket_plan: Plan | None) -> ContentPlan:
    """The plan of one member; ``bucket_plan``: its bucket's plan in this stack plan (``None``: the
    bucket is not in the stack). Content in a bucket that does not exist yet is planned without a call."""
    new = bucket_plan is not None and (not bucket_plan.observed.exists
                                       or any(isinstance(a, ReplaceAction) for a in bucket_plan.actions))
    return objects.plan(node.concrete, new_bucket=new)  # a replaced bucket starts empty too


def with_content(plan: ContentPlan, node: ContentNode | None) -> ContentPlan:
    """``plan`` with each upload's content in hand, or :class:`InvalidPlanError` (nothing written).

    A plan read back from JSON holds no content: a file is read again from its path (and checked
    against the plan's hash when uploaded); content given as bytes or text comes from the stack's
    desired state, when the stack has it and it still uploads that key.
    """
    missing = [a for a in plan.actions if a.writes_content and a.content is None]
    if not missing:
        return plan
    found: dict[str, LocalContent] = {}
    if node is not None and getattr(node.desired, "state", "present") == "present":
        desired = node.concrete
        if isinstance(desired, S3ObjectDesired):
            found = {desired.key: desired.content()}
        else:
            found = {desired.prefix + entry.relative: entry.content for entry in local_entries(desired)}
    for action in missing:
        content = found.get(action.key)
        if content is not None:
            action.with_content(content)
        elif not Path(action.source or "").is_file():
            raise InvalidPlanError(
                f"{action.url}: the saved plan uploads {action.source or 'content'}, which is neither a file here "
                "(a relative path is read from the current folder) nor content this stack's desired state "
                "still has (text or bytes are not in a plan's JSON). Nothing was written: plan again, or apply "
                "the plan with the stack's desired state (Stack(name, members).apply(plan))")
    return plan


def apply_content(objects: S3Objects, plan: ContentPlan) -> int:
    """Apply one member's plan, its uploads' content in hand (:func:`with_content`), checked against S3
    first as ``S3Objects.apply`` does; the writes made."""
    if not plan.changed:
        return 0
    return len(objects.apply(plan).actions)

