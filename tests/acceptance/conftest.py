"""Acceptance: user-level scenarios over real HTTP.

Targets: ``moto-server`` (a moto server this fixture starts on 127.0.0.1, always) and ``aws`` (real
AWS, only when ``AWSSTATE_TEST_REGION`` and credentials are set; then every resource gets a unique
name and is deleted afterwards). Without them the ``aws`` cases are skipped, and the summary says so
in capitals.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3
import pytest

from awsstate.providers.aws import AwsProvider
from awsstate.testing import MotoServer

T = TypeVar("T")

AWS_SKIP_REASON = (
    "REAL AWS ACCEPTANCE NOT RUN: set AWSSTATE_TEST_REGION and AWS credentials "
    "(AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) to run these scenarios against real AWS"
)
_aws_skipped: list[str] = []


@dataclass
class Target:
    """Where acceptance scenarios run."""

    label: str
    provider: AwsProvider
    clients: Callable[[str, str | None], Any]
    region: str
    server: MotoServer | None
    run_id: str

    def token(self, token: str) -> str:
        """A name token: unique per run on real AWS, where names are global and persistent."""
        return f"{self.run_id}{token}" if self.label == "aws" else token

    def eventually(self, check: Callable[[], T], accept: Callable[[T], bool], timeout: float = 60.0) -> T:
        """Real AWS is eventually consistent: poll ``check`` until ``accept`` holds (moto: once)."""
        deadline = time.monotonic() + (timeout if self.label == "aws" else 0)
        while True:
            value = check()
            if accept(value) or time.monotonic() >= deadline:
                return value
            time.sleep(2)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


def _real_aws_region() -> str | None:
    region = os.environ.get("AWSSTATE_TEST_REGION")
    if not region:
        return None
    if boto3.Session(region_name=region).get_credentials() is None:
        return None
    return region


@pytest.fixture(params=["moto-server", "aws"])
def target(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Target:
    if request.param == "aws":
        region = _real_aws_region()
        if region is None:
            _aws_skipped.append(request.node.nodeid)
            pytest.skip(AWS_SKIP_REASON)
        session = boto3.Session(region_name=region)
        # Examples that name other resources by ARN (subscription endpoints) use the caller's account.
        account = session.client("sts").get_caller_identity()["Account"]
        monkeypatch.setenv("AWSSTATE_TEST_ACCOUNT_ID", account)
        return Target("aws", AwsProvider(session, region=region),
                      lambda service, r: session.client(service, region_name=r or region), region, None,
                      uuid.uuid4().hex[:8])
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    server: MotoServer = request.getfixturevalue("moto_server")
    server.reset()
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    provider = AwsProvider(session, region="us-east-1", endpoint_url=server.url, max_attempts=2)

    def clients(service: str, region: str | None) -> Any:
        return session.client(service, region_name=region or "us-east-1", endpoint_url=server.url)

    return Target("moto-server", provider, clients, "eu-west-1", server, "")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _aws_skipped:
        terminalreporter.write_sep("!", f"{len(_aws_skipped)} real-AWS acceptance case(s) skipped", yellow=True)
        terminalreporter.write_line(AWS_SKIP_REASON, yellow=True)
