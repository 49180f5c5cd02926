"""Amazon Resource Names: one parser for every kind (patterns end in ``\\Z``, never ``$``; partitions
are botocore's own)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Arn", "parse_arn"]

_ARN = re.compile(
    r"^arn:(?P<partition>aws(?:-[a-z]+(?:-[a-z]+)?)?):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d{12}|aws|):(?P<resource>[^\s]+)\Z"
)


@dataclass(frozen=True, slots=True)
class Arn:
    """The parts of an ARN."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse_arn(value: str) -> Arn | None:
    """The parts of ``value``, or ``None`` when it is not an ARN of a known partition.

    Partitions are botocore's (``aws``, ``aws-cn``, ``aws-us-gov`` ...): ``arn:aws-moon:...`` is no ARN.
    """
    match = _ARN.match(value)
    if not match:
        return None
    from awsstate.providers.aws.partitions import partitions  # botocore's data file, not boto3

    parts = Arn(**match.groupdict())
    return parts if parts.partition in {p.id for p in partitions()} else None
