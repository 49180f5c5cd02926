"""Resources of many kinds found by tag in one Resource Groups Tagging API listing per region.

A stack's prune asks, for every kind with tags, which resources carry its ownership tag. Kinds
whose handler lists through the tagging API with the base implementation (a ``TAGGED_TYPE`` and no
override) are asked together: one paginated ``GetResources`` with all their resource types, each
ARN given to the kind whose type it has (a KMS key's id then mapped to its alias, with one alias
listing when there are any). Kinds with their own listing (IAM lists its roles and policies) are
asked one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from awsstate.providers.aws.handler import AwsHandler
from awsstate.spec import KindSpec

if TYPE_CHECKING:
    from awsstate.providers.aws.provider import AwsProvider

__all__ = ["list_tagged_kinds"]


def _type_of(arn: str) -> tuple[str, str]:
    """``(service, resource)`` of an ARN."""
    parts = arn.split(":", 5)
    return (parts[2], parts[5]) if len(parts) == 6 else ("", "")


def _matches(tagged_type: str, arn: str) -> bool:
    """Whether the ARN is of the tagging API's resource type ``service`` or ``service:type``."""
    service, _, resource_type = tagged_type.partition(":")
    arn_service, resource = _type_of(arn)
    if arn_service != service:
        return False
    return not resource_type or resource.startswith((f"{resource_type}/", f"{resource_type}:"))


def list_tagged_kinds(provider: AwsProvider, specs: Sequence[KindSpec], region: str | None, key: str,
                      value: str) -> dict[str, list[str]]:
    """``{kind: names}`` of the resources tagged ``key=value`` (see the module docstring)."""
    found: dict[str, list[str]] = {}
    together: list[tuple[KindSpec, AwsHandler]] = []
    for spec in specs:
        handler = provider.handler(spec.kind)
        if handler.TAGGED_TYPE and type(handler).list_tagged is AwsHandler.list_tagged:
            together.append((spec, handler))
        else:
            found[spec.kind] = provider.list_tagged(spec, region, key, value)
    if len(together) == 1:
        spec, _ = together[0]
        found[spec.kind] = provider.list_tagged(spec, region, key, value)
    elif together:
        first, handler = together[0]
        ref = first.ref("*", region or provider.default_region)
        pages = handler.clients.pages(ref, "resourcegroupstaggingapi", "get_resources",
                                      region=handler.region_for(ref), TagFilters=[{"Key": key, "Values": [value]}],
                                      ResourceTypeFilters=sorted({h.TAGGED_TYPE for _, h in together}))
        arns = [str(item["ResourceARN"]) for page in pages for item in page.get("ResourceTagMappingList", [])]
        for spec, handler in together:
            found[spec.kind] = handler.names_from_tagged(spec.ref("*", region or provider.default_region),
                                                         [arn for arn in arns if _matches(handler.TAGGED_TYPE, arn)])
    return {spec.kind: found[spec.kind] for spec in specs}
