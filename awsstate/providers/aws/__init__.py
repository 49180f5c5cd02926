"""The AWS provider (boto3). The only package of awsstate that imports boto3."""

from awsstate.providers.aws.provider import HANDLERS, AwsProvider

__all__ = ["HANDLERS", "AwsProvider"]
