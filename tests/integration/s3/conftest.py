"""Fixtures for the S3 bucket integration tests in this folder."""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import RecordingProvider, S3BucketManager
from awsstate.providers.aws import AwsProvider
from awsstate.testing import FakeClock
from tests.integration.conftest import SESSION

REGION = "eu-west-1"


@pytest.fixture
def recorder(aws: AwsProvider) -> RecordingProvider:
    """The moto-backed AwsProvider, recorded."""
    return RecordingProvider(aws)


@pytest.fixture
def manager(recorder: RecordingProvider) -> S3BucketManager:
    """A bucket manager on moto. The fake clock makes a value that never reads back (a moto deviation)
    fail at once instead of after the 60 s settle budget."""
    return S3BucketManager(provider=recorder, clock=FakeClock())


@pytest.fixture
def s3(moto: None) -> Any:
    """A plain boto3 S3 client in REGION, for out-of-band changes."""
    return SESSION.client("s3", region_name=REGION)
