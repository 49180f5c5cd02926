"""Listing every resource of a kind in a region: one declaration per kind, one paginated listing.

Each :class:`Listing` names the list call, where its items are, how an item names its resource,
and the server-side filters the API has (a name prefix, S3's bucket region). Every page is read
through botocore's paginator (``PAGE_SIZE`` items a page where the API takes a page size); a
prefix the API cannot filter on is applied to the names afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from awsstate.errors import NotSupportedError
from awsstate.providers.aws.handler import AwsHandler
from awsstate.spec import ResourceRef

__all__ = ["LISTINGS", "PAGE_SIZE", "Listing", "list_names"]

PAGE_SIZE: int | None = None
"""Items per page (``None``: each API's own default, the largest it allows for most)."""


@dataclass(frozen=True)
class Listing:
    """How to list one kind: ``method`` on the kind's service, items under ``items``.

    ``name``: an item -> the resource's name; ``prefix``: ``(prefix) -> request parameters`` that
    filter by name prefix on the server; ``region``: ``(region) -> parameters`` for APIs that are
    not regional but filter by region (S3); ``keep``: an item -> whether it is this kind's (not
    an AWS-managed alias, say); ``sized``: the API takes a page size.
    """

    method: str
    items: str
    name: Callable[[Any], str]
    params: Mapping[str, Any] = field(default_factory=dict)
    prefix: Callable[[str], dict[str, Any]] | None = None
    region: Callable[[str], dict[str, Any]] | None = None
    keep: Callable[[Any], bool] | None = None
    sized: bool = True


def _last(separator: str, key: str | None = None) -> Callable[[Any], str]:
    def name(item: Any) -> str:
        value = str(item[key] if key is not None else item)
        return value.rsplit(separator, 1)[-1]

    return name


def _key(key: str) -> Callable[[Any], str]:
    return lambda item: str(item[key])


LISTINGS: dict[str, Listing] = {
    "s3_bucket": Listing("list_buckets", "Buckets", _key("Name"), prefix=lambda p: {"Prefix": p},
                         region=lambda r: {"BucketRegion": r}),
    "sqs_queue": Listing("list_queues", "QueueUrls", _last("/"), prefix=lambda p: {"QueueNamePrefix": p}),
    "sns_topic": Listing("list_topics", "Topics", _last(":", "TopicArn"), sized=False),
    "iam_role": Listing("list_roles", "Roles", _key("RoleName")),
    "iam_policy": Listing("list_policies", "Policies", _key("PolicyName"), params={"Scope": "Local"}),
    "logs_log_group": Listing("describe_log_groups", "logGroups", _key("logGroupName"),
                              prefix=lambda p: {"logGroupNamePrefix": p}),
    "dynamodb_table": Listing("list_tables", "TableNames", str),
    "ssm_parameter": Listing("describe_parameters", "Parameters", _key("Name"), prefix=lambda p: {
        "ParameterFilters": [{"Key": "Name", "Option": "BeginsWith", "Values": [p]}]}),
    "secretsmanager_secret": Listing("list_secrets", "SecretList", _key("Name"),
                                     prefix=lambda p: {"Filters": [{"Key": "name", "Values": [p]}]}),
    "kms_key": Listing("list_aliases", "Aliases", lambda item: str(item["AliasName"]).removeprefix("alias/"),
                       keep=lambda item: bool(item.get("TargetKeyId"))
                       and not str(item["AliasName"]).startswith("alias/aws/")),
    "ecr_repository": Listing("describe_repositories", "repositories", _key("repositoryName")),
}
"""The listing of every kind that has one, by kind."""


def list_names(handler: AwsHandler, ref: ResourceRef, prefix: str | None) -> list[str]:
    """The sorted names of ``ref.kind``'s resources in ``ref.region`` (starting with ``prefix``)."""
    listing = LISTINGS.get(ref.kind)
    if listing is None:
        raise NotSupportedError("awsstate cannot list this kind yet", kind=ref.kind, operation="list_names")
    params: dict[str, Any] = dict(listing.params)
    if prefix and listing.prefix is not None:
        params.update(listing.prefix(prefix))
    if listing.region is not None and ref.region:
        params.update(listing.region(ref.region))
    if PAGE_SIZE is not None and listing.sized:
        params["PaginationConfig"] = {"PageSize": PAGE_SIZE}
    names = []
    for page in handler.pages(ref, listing.method, **params):
        for item in page.get(listing.items, []):
            if listing.keep is not None and not listing.keep(item):
                continue
            name = listing.name(item)
            if prefix is None or name.startswith(prefix):
                names.append(name)
    return sorted(set(names))
