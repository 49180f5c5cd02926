"""AWS partitions and regions, from botocore's own data (not a hand-kept list).

Reads ``botocore/data/partitions.json`` (the file the SDKs' endpoint rules use) without importing
the rest of botocore, so validating a region costs a few milliseconds once. A region launched
after the installed botocore can still be accepted with :func:`register_region`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Partition", "known_regions", "partition_of", "partitions", "register_region"]

_EXTRA_REGIONS: set[str] = set()


@dataclass(frozen=True)
class Partition:
    """One AWS partition: its id (``aws``, ``aws-cn`` ...), region pattern, regions and DNS suffix."""

    id: str
    region_regex: re.Pattern[str]
    regions: frozenset[str]
    dns_suffix: str


@cache
def partitions() -> tuple[Partition, ...]:
    """Every partition botocore knows, ``aws`` first."""
    data = json.loads((resources.files("botocore") / "data" / "partitions.json").read_text())
    found = []
    for entry in data["partitions"]:
        regions = frozenset(name for name in entry.get("regions", {}) if not name.endswith("-global"))
        pattern = re.compile(entry["regionRegex"].replace("$", r"\Z"))
        found.append(Partition(entry["id"], pattern, regions, entry.get("outputs", {}).get("dnsSuffix", "")))
    return tuple(sorted(found, key=lambda p: p.id != "aws"))


def partition_of(region: str | None) -> Partition:
    """The partition a region belongs to (``aws`` for ``None`` or an unknown shape)."""
    every = partitions()
    if region:
        for partition in every:
            if region in partition.regions:
                return partition
        for partition in every:
            if partition.region_regex.match(region):
                return partition
    return every[0]


def known_regions() -> frozenset[str]:
    """Every region of every partition, plus those added with :func:`register_region`."""
    return frozenset().union(*(p.regions for p in partitions()), _EXTRA_REGIONS)


def register_region(name: str) -> None:
    """Accept a region that the installed botocore does not know yet."""
    _EXTRA_REGIONS.add(name)
