"""S3 inventory configurations on AWS: a set keyed by id, read with one listing.

Requests: ``read`` is ListBucketInventoryConfigurations (one per 100 configurations); ``write``
is that listing, then one PutBucketInventoryConfiguration per new or changed configuration and
one DeleteBucketInventoryConfiguration per configuration not wanted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from awsstate.canonical import Json, json_list
from awsstate.providers.base import Receipt
from awsstate.resources.identifiers import arn_partition
from awsstate.resources.s3_bucket.inventory import inventory_normal
from awsstate.spec import ResourceRef

if TYPE_CHECKING:
    from awsstate.providers.aws.s3_bucket import S3BucketHandler

__all__ = ["inventory_from_aws", "inventory_to_aws", "read_inventory", "write_inventory"]


def inventory_to_aws(entry: dict[str, Json], partition: str = "aws") -> dict[str, Any]:
    """``InventoryConfiguration`` for one canonical configuration."""
    destination: dict[str, Any] = {"Bucket": f"arn:{partition}:s3:::{entry['destination_bucket']}",
                                   "Format": entry.get("format") or "CSV"}
    if entry.get("destination_prefix"):
        destination["Prefix"] = entry["destination_prefix"]
    if entry.get("destination_account_id"):
        destination["AccountId"] = entry["destination_account_id"]
    config: dict[str, Any] = {
        "Id": entry["id"], "IsEnabled": entry.get("enabled", True) is not False,
        "Destination": {"S3BucketDestination": destination},
        "IncludedObjectVersions": entry.get("included_object_versions") or "Current",
        "Schedule": {"Frequency": entry.get("schedule") or "Daily"},
    }
    fields = json_list(entry.get("optional_fields"))
    if fields:
        config["OptionalFields"] = [str(f) for f in fields]
    if entry.get("prefix"):
        config["Filter"] = {"Prefix": entry["prefix"]}
    return config


def inventory_from_aws(config: dict[str, Any]) -> dict[str, Json]:
    """One canonical configuration from a listed ``InventoryConfiguration``."""
    destination = config.get("Destination", {}).get("S3BucketDestination", {})
    entry: dict[str, Json] = {
        "id": config.get("Id"), "destination_bucket": str(destination.get("Bucket", "")).split(":::")[-1],
        "format": destination.get("Format", "CSV"), "optional_fields": sorted(config.get("OptionalFields") or []),
        "included_object_versions": config.get("IncludedObjectVersions", "Current"),
        "schedule": config.get("Schedule", {}).get("Frequency", "Daily"), "enabled": bool(config.get("IsEnabled")),
    }
    for key, value in (("destination_prefix", destination.get("Prefix")),
                       ("destination_account_id", destination.get("AccountId")),
                       ("prefix", config.get("Filter", {}).get("Prefix"))):
        if value:
            entry[key] = value
    return entry


def read_inventory(h: S3BucketHandler, ref: ResourceRef) -> Json:
    """Every inventory configuration of the bucket, sorted by id."""
    found: list[dict[str, Json]] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {"Bucket": ref.name, **({"ContinuationToken": token} if token else {})}
        response = h.call(ref, "list_bucket_inventory_configurations", **params)
        found.extend(inventory_from_aws(c) for c in response.get("InventoryConfigurationList", []))
        token = response.get("NextContinuationToken")
        if not response.get("IsTruncated") or not token:
            return [entry for entry in sorted(found, key=lambda e: str(e["id"]))]


def _same(a: Json, b: Json) -> bool:
    return inventory_normal([a]) == inventory_normal([b])  # the aspect's own comparison


def write_inventory(h: S3BucketHandler, ref: ResourceRef, value: Json) -> Receipt:
    """Put what is new or changed, delete what is not wanted."""
    wanted = {str(e["id"]): e for e in json_list(value) if isinstance(e, dict)}
    current = {str(e["id"]): e for e in json_list(read_inventory(h, ref)) if isinstance(e, dict)}
    result = Receipt()
    for config_id, entry in sorted(wanted.items()):
        if config_id in current and _same(current[config_id], entry):
            continue
        h.call(ref, "put_bucket_inventory_configuration", Bucket=ref.name, Id=config_id,
               InventoryConfiguration=inventory_to_aws(entry, arn_partition(ref.region)))
    for config_id in sorted(set(current) - set(wanted)):
        h.call(ref, "delete_bucket_inventory_configuration", Bucket=ref.name, Id=config_id)
    return result
