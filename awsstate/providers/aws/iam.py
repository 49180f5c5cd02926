"""What the IAM kinds share on AWS: IAM is global, and a missing referenced policy is the user's to fix."""

from __future__ import annotations

from typing import Any, ClassVar

from awsstate.errors import InvalidRequestError, NotFoundError
from awsstate.providers.aws.handler import AwsHandler
from awsstate.spec import ResourceRef

__all__ = ["MISSING", "IamHandler", "missing_reference"]

MISSING = {"NoSuchEntity"}
"""IAM's "does not exist" error code."""


class IamHandler(AwsHandler):
    """Base of the IAM kinds' handlers: every request goes to IAM's global endpoint."""

    service = "iam"
    LISTING: ClassVar[tuple[str, str, str, str, dict[str, Any]]] = ("", "", "", "", {})
    """How to find this kind by tag (IAM is outside the Tagging API): the list call, its item key,
    the item's name key, the tag-list call and its parameter naming the item (from the item)."""

    def region_for(self, ref: ResourceRef) -> str | None:
        """IAM is global; the default region only picks the partition's endpoint."""
        return self.clients.default_region or "us-east-1"

    def list_tagged(self, ref: ResourceRef, key: str, value: str) -> list[str]:
        """IAM's own listing, then each item's tags: IAM is not in the Resource Groups Tagging API."""
        method, items_key, name_key, tags_method, extra = self.LISTING
        found = []
        for item in self.items(ref, method, items_key, **extra):
            target = {"RoleName": item["RoleName"]} if "RoleName" in item else {"PolicyArn": item["Arn"]}
            tags = {t["Key"]: t["Value"] for t in self.items(ref, tags_method, "Tags", **target)}
            if tags.get(key) == value:
                found.append(str(item[name_key]))
        return sorted(found)


def missing_reference(error: NotFoundError, field: str, arns: list[str]) -> InvalidRequestError | None:
    """A NoSuchEntity about a referenced policy (not the resource itself) is the user's input to fix."""
    named = next((arn for arn in arns if arn and arn in error.message), None)
    if named is None:
        return None  # the resource itself is missing (eventual consistency): the engine retries
    return InvalidRequestError(
        f"{named} does not exist", kind=error.kind, name=error.name, aspect=field, operation=error.operation,
        code=error.code, request_id=error.request_id,
        hint=f"Create the iam_policy first, or correct the ARN in {field}. A policy created seconds ago may "
             "still be propagating in IAM: apply again shortly.",
    )
