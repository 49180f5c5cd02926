"""Integration tests: AwsProvider against moto in-process (no network)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from awsstate.providers.aws import AwsProvider

# One session for the whole run: re-creating it per test reloads botocore's models (100+ ms each).
SESSION = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                region_name="us-east-1")


@pytest.fixture(autouse=True)
def _isolated_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # mock_aws does not intercept custom endpoints: a leftover AWS_ENDPOINT_URL would send real HTTP.
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture
def moto() -> Iterator[None]:
    """moto in-process for the duration of the test."""
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        yield


@pytest.fixture
def aws(moto: None) -> AwsProvider:
    """An AwsProvider talking to moto in-process (default region us-east-1)."""
    return AwsProvider(SESSION, region="us-east-1", max_attempts=2)


@pytest.fixture
def boto_clients(moto: None) -> Any:
    """``(service, region) -> plain boto3 client`` on moto, for out-of-band changes."""
    return lambda service, region: SESSION.client(service, region_name=region)
