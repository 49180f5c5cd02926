"""A bucket that logs to another bucket links to it (``logging.target_bucket``), and the link is
followed with the provider the bucket was read with: on the in-memory provider and on moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from awsstate import BucketLogging, InMemoryProvider, RecordingProvider, S3BucketDesired, S3BucketManager
from awsstate.cli.app import Context, cli
from awsstate.providers.base import Provider
from tests.cli.conftest import REGION

TARGET, LOGGED = "gaps-log-target", "gaps-logged"
DELIVERY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
    "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{TARGET}/*"}]}


@pytest.fixture(params=["memory", "moto"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    if request.param == "memory":
        yield InMemoryProvider(region=REGION)
        return
    from awsstate.providers.aws import AwsProvider

    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):  # mock_aws ignores custom endpoints
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name="us-east-1")
        yield AwsProvider(session, region=REGION, max_attempts=2)


@pytest.fixture
def logged(backend: Provider) -> Provider:
    """Two buckets: the target (its policy lets S3 deliver logs) and one logging to it."""
    manager = S3BucketManager(backend)
    manager.apply(S3BucketDesired(name=TARGET, region=REGION, policy=DELIVERY))
    manager.apply(S3BucketDesired(name=LOGGED, region=REGION,
                                  logging=BucketLogging(target_bucket=TARGET, target_prefix="access/")))
    return backend


def test_a_bucket_links_to_its_logging_target_followed_with_the_same_provider(logged: Provider) -> None:
    recorder = RecordingProvider(logged)
    bucket = S3BucketManager(recorder).get(LOGGED, REGION)
    assert bucket is not None and bucket.logging is not None
    (link,) = [link for link in bucket.links() if link.via.startswith("logging")]
    assert (link.via, link.kind, link.name, link.region) == ("logging.target_bucket", "s3_bucket", TARGET, REGION)
    assert str(link) == f"logging.target_bucket -> s3_bucket {TARGET} ({REGION})"
    assert link.provider is recorder

    recorder.clear()
    target = link.get()
    assert target is not None and target.name == TARGET and target.region == REGION
    assert target.policy is not None, "the target read in full"
    assert recorder.reads and {(c.kind, c.name) for c in recorder.calls} == {("s3_bucket", TARGET)}, \
        "followed through the provider the bucket was read with, reading only the target"
    assert recorder.writes == []


def test_the_logging_target_does_not_link_back(logged: Provider) -> None:
    target = S3BucketManager(logged).get(TARGET, REGION)
    assert target is not None and target.logging is None
    assert target.links() == ()


def test_a_bucket_logging_to_itself_has_no_link_to_itself(backend: Provider) -> None:
    manager = S3BucketManager(backend)
    manager.apply(S3BucketDesired(name=TARGET, region=REGION, policy=DELIVERY,
                                  logging=BucketLogging(target_bucket=TARGET)))
    bucket = manager.get(TARGET, REGION)
    assert bucket is not None and bucket.logging is not None and bucket.logging.target_bucket == TARGET
    assert bucket.links() == ()


def test_list_details_shows_the_logging_link(logged: Provider, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["list", "s3_bucket", "--prefix", LOGGED, "--details", "--json"],
                                obj=Context(provider=logged))
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert {"via": "logging.target_bucket", "kind": "s3_bucket", "name": TARGET, "region": REGION} in row["links"]
    text = CliRunner().invoke(cli, ["list", "s3_bucket", "--prefix", LOGGED, "--details"],
                              obj=Context(provider=logged)).stdout
    assert f"  logging.target_bucket -> s3_bucket {TARGET} ({REGION})" in text.splitlines()
