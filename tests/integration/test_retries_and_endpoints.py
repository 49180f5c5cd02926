"""Retries that do not give up early, timeouts that do not hang, and errors that say what happened.

* botocore's retry quota is off: on a long-lived provider, half of all requests failing does not
  stop later calls from being retried (with the quota on, it does: shown for contrast);
* an endpoint that accepts connections and never answers fails within ``call_timeout``, naming it;
* a bare HTTP 500 is a :class:`TransientError` (retryable, and says so), a 503 on S3 is throttling,
  a 404 from something that does not speak AWS is not read as "bucket absent";
* a missing profile, region or credentials is an awsstate error with the right hint.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
import types
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.endpoint
import pytest

from awsstate import (
    AccessDeniedError,
    AwsStateError,
    ProviderError,
    S3BucketDesired,
    S3BucketManager,
    SqsQueueDesired,
    SqsQueueManager,
    ThrottledError,
    TransientError,
)
from awsstate.kinds import kind_spec
from awsstate.providers.aws import AwsProvider
from awsstate.testing import FakeClock
from tests.wire import WireFaults

REGION = "eu-west-1"


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=lambda seconds: None))


def _faulty(kind: Any, rate: float, **provider: Any) -> tuple[AwsProvider, WireFaults]:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="us-east-1")
    faults = WireFaults(kind, rate=rate, seed=7).register(session)
    return AwsProvider(session, region="us-east-1", **provider), faults


def _failures(provider: AwsProvider, calls: int) -> int:
    ref = kind_spec("s3_bucket").ref("retried-bucket", REGION)
    failed = 0
    for _ in range(calls):
        try:
            provider.read_aspect(ref, "versioning")
        except TransientError:
            failed += 1
    return failed


def test_a_long_lived_provider_keeps_retrying_while_half_the_requests_fail(moto: None, no_backoff: None) -> None:
    setup, faults = _faulty("server_error", 0.0)
    S3BucketManager(provider=setup).apply(S3BucketDesired(name="retried-bucket", region=REGION))
    provider, faults = _faulty("server_error", 0.5, max_attempts=10)
    assert _failures(provider, 150) == 0
    assert len(faults.faulted) > 100, "half of ~300 requests failed, every call still succeeded"
    with_quota, _ = _faulty("server_error", 0.5, max_attempts=10, retry_quota=True)
    assert _failures(with_quota, 150) > 20, "botocore's quota is spent after a few dozen retries: then no retry"


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """An endpoint that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def test_an_endpoint_that_never_answers_fails_within_the_call_timeout_naming_it(silent_endpoint: str) -> None:
    provider = AwsProvider(boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x"),
                           region="us-east-1", endpoint_url=silent_endpoint, connect_timeout=0.5, read_timeout=0.5,
                           call_timeout=1.2)
    started = time.monotonic()
    with pytest.raises(TransientError) as caught:
        SqsQueueManager(provider=provider).plan(SqsQueueDesired(name="silent", region=REGION))
    assert time.monotonic() - started < 3, "gave up after about call_timeout, not max_attempts x read_timeout"
    assert silent_endpoint in str(caught.value) and "read_timeout" in str(caught.value)


def test_the_default_timeouts_give_up_on_a_silent_endpoint_within_thirty_seconds() -> None:
    provider = AwsProvider()
    attempts_in_budget = 1 + int((provider.call_timeout - provider.read_timeout) // provider.read_timeout)
    assert provider._config.connect_timeout <= 5 and attempts_in_budget * provider.read_timeout <= 30


def test_a_bare_http_500_is_a_transient_error_that_says_apply_again(moto: None) -> None:
    provider, _ = _faulty("server_error", 1.0, max_attempts=1)
    with pytest.raises(TransientError) as caught:
        SqsQueueManager(provider=provider).plan(SqsQueueDesired(name="flaky", region=REGION))
    assert "apply again" in str(caught.value) and "unmanaged" in str(caught.value)


@pytest.mark.parametrize(("manager", "desired", "error"), [
    (S3BucketManager, S3BucketDesired(name="busy-bucket", region=REGION), ThrottledError),
    (SqsQueueManager, SqsQueueDesired(name="busy", region=REGION), TransientError),
], ids=["s3-head-bucket-503-is-throttling", "sqs-503-is-transient"])
def test_a_bare_503_is_throttling_on_s3_and_transient_elsewhere(moto: None, manager: Any, desired: Any,
                                                                error: type[Exception]) -> None:
    provider, _ = _faulty("unavailable", 1.0, max_attempts=1)
    with pytest.raises(error) as caught:
        manager(provider=provider, clock=FakeClock()).plan(desired)
    assert desired.name in str(caught.value)


@pytest.fixture
def not_found_everywhere() -> Iterator[str]:
    """An HTTP server that answers 404 to every request (not AWS, not an emulator of it)."""

    class NotFound(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_HEAD = do_GET = do_PUT = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_404_from_something_that_is_not_s3_is_not_read_as_bucket_absent(not_found_everywhere: str) -> None:
    provider = AwsProvider(boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x"),
                           region="us-east-1", endpoint_url=not_found_everywhere, max_attempts=1)
    with pytest.raises(ProviderError, match="does not look like S3") as caught:
        S3BucketManager(provider=provider).plan(S3BucketDesired(name="some-bucket", region=REGION))
    assert not_found_everywhere in str(caught.value) and "endpoint_url" in str(caught.value)


@pytest.fixture
def no_aws_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_a_missing_profile_is_an_awsstate_error_not_a_botocore_one(no_aws_configuration: None) -> None:
    with pytest.raises(AccessDeniedError, match="profile 'nowhere' is not configured"):
        S3BucketManager(provider=AwsProvider(profile="nowhere")).plan(S3BucketDesired(name="some-bucket"))


def test_a_missing_region_is_an_awsstate_error_not_a_botocore_one(no_aws_configuration: None) -> None:
    with pytest.raises(AwsStateError, match="no AWS region configured"):
        SqsQueueManager(provider=AwsProvider()).plan(SqsQueueDesired(name="regionless"))


@pytest.mark.parametrize(("manager", "desired"), [
    (S3BucketManager, S3BucketDesired(name="some-bucket", region=REGION)),
    (SqsQueueManager, SqsQueueDesired(name="some-queue", region=REGION)),
], ids=["s3", "sqs"])
def test_missing_credentials_say_so_on_s3_as_on_every_kind(no_aws_configuration: None, manager: Any,
                                                           desired: Any) -> None:
    with pytest.raises(AccessDeniedError) as caught:
        manager(provider=AwsProvider(region="us-east-1")).plan(desired)
    text = str(caught.value)
    assert "no AWS credentials found" in text and "Configure credentials" in text
    assert "another account" not in text
