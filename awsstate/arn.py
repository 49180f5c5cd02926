"""Amazon Resource Names: one parser for every kind (patterns end in ``\\Z``, never ``$``)."""

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
    """The parts of ``value``, or ``None`` when it is not an ARN."""
    match = _ARN.match(value)
    return Arn(**match.groupdict()) if match else None
