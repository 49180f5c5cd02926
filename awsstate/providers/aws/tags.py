"""Tags on AWS: one implementation of list / tag / untag, declared per service.

Most services add and remove tags (they never replace the set): a write reads the current tags,
then makes at most one untag and one tag request for the difference (``aws:`` keys are never
removed). Each kind declares its service's three calls with a :class:`TagApi`; S3, whose tagging
call replaces the whole set, has its own pair of functions in its module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from awsstate.canonical import Json, tag_changes
from awsstate.providers.aws.handler import AspectIO, AwsHandler, receipt
from awsstate.providers.base import Receipt
from awsstate.spec import ResourceRef

__all__ = ["TagApi", "tag_dict", "tag_list"]


def tag_list(tags: Mapping[str, Json]) -> list[dict[str, str]]:
    """The ``[{"Key", "Value"}]`` form of a tag mapping, sorted by key."""
    return [{"Key": key, "Value": str(value)} for key, value in sorted(tags.items())]


def tag_dict(tags: list[dict[str, str]] | None) -> dict[str, Json]:
    """A tag mapping from the ``[{"Key", "Value"}]`` form."""
    return {str(t["Key"]): str(t.get("Value", "")) for t in tags or []}  # S3 leaves out an empty Value


@dataclass(frozen=True)
class TagApi:
    """One service's tag calls.

    Attributes:
        list / tag / untag: the boto3 methods (``list_queue_tags``, ``tag_queue``, ``untag_queue``).
        target: ``(handler, ref) -> params`` naming the resource (``{"QueueUrl": ...}``).
        shape: ``map`` for ``{"key": "value"}`` tags, ``list`` for ``[{"Key", "Value"}]``.
        list_key / tag_param / untag_param: where the tags are in the list response, and the
            parameter names of the tag and untag calls.
        paginated: read with botocore's paginator (IAM's ``ListRoleTags``).
    """

    list: str
    tag: str
    untag: str
    target: Callable[[Any, ResourceRef], dict[str, Any]]
    shape: Literal["map", "list"] = "list"
    list_key: str = "Tags"
    tag_param: str = "Tags"
    untag_param: str = "TagKeys"
    paginated: bool = False

    def parse(self, raw: Any) -> dict[str, Json]:
        """Tags in ``{"key": "value"}`` form from either shape."""
        if isinstance(raw, dict):
            return {str(k): str(v) for k, v in raw.items()}
        return tag_dict(raw)

    def read(self, handler: AwsHandler, ref: ResourceRef) -> Json:
        """Every tag of the resource."""
        target = self.target(handler, ref)
        if self.paginated:
            return tag_dict(handler.items(ref, self.list, self.list_key, **target))
        return self.parse(handler.call(ref, self.list, **target).get(self.list_key))

    def write(self, handler: AwsHandler, ref: ResourceRef, value: Json) -> Receipt:
        """Make the tags exactly ``value``: untag what goes, tag what is new or changed."""
        wanted = {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
        current = self.read(handler, ref)
        have = {str(k): str(v) for k, v in current.items()} if isinstance(current, dict) else {}
        to_set, to_remove = tag_changes(have, wanted)
        target: dict[str, Any] = self.target(handler, ref)
        result = Receipt()
        if to_remove:
            result = receipt(handler.call(ref, self.untag, **{**target, self.untag_param: to_remove}))
        if to_set:
            tags: Any = dict(to_set) if self.shape == "map" else tag_list(to_set)
            result = receipt(handler.call(ref, self.tag, **{**target, self.tag_param: tags}))
        return result

    def aspect(self, *, carried: bool = False) -> AspectIO[Any]:
        """The table entry of a ``tags`` aspect using these calls."""
        return AspectIO(read=None if carried else self.read, write=self.write)
