"""The AWS provider (boto3). The only package of awsstate that imports boto3.

``AwsProvider`` is imported from here on first use, so that the package's data helpers
(:mod:`~awsstate.providers.aws.partitions`) load without boto3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["AwsProvider"]

if TYPE_CHECKING:
    from awsstate.providers.aws.provider import AwsProvider


def __getattr__(name: str) -> Any:
    if name == "AwsProvider":
        from awsstate.providers.aws.provider import AwsProvider

        return AwsProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
