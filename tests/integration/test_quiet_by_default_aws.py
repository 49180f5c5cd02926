"""With logging unconfigured, requests to AWS print nothing: the ``aws.call`` event of every request is
below warning (the issue's case: about 40 lines around a plan broke ``script > plan.json``).

Each case runs in a fresh interpreter, as a user's script does, against moto in-process; the control
case configures stdlib logging and sees the very events the quiet case must not print.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
{setup}
from moto import mock_aws
with mock_aws():
    import boto3
    from awsstate import S3BucketDesired, S3BucketManager
    from awsstate.providers.aws import AwsProvider
    provider = AwsProvider(boto3.Session(region_name="eu-west-1"), region="eu-west-1")
    manager = S3BucketManager(provider=provider)
    manager.apply(S3BucketDesired(name="quiet-bucket", region="eu-west-1", versioning=True))
    print(manager.plan(S3BucketDesired(name="quiet-bucket", region="eu-west-1", versioning=True)).changed)
"""
ENV = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def _run(setup: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT.format(setup=setup)], capture_output=True, text=True,
                          check=True, env=ENV, timeout=120)


def test_requests_to_aws_print_nothing_when_logging_is_not_configured() -> None:
    done = _run("")
    assert done.stdout == "False\n", "only what the script itself prints reaches stdout"
    assert done.stderr == ""


def test_with_stdlib_logging_configured_each_request_is_an_aws_call_event_with_its_fields() -> None:
    done = _run("import logging, sys\nlogging.basicConfig(level=logging.DEBUG, stream=sys.stderr, "
                "format='%(name)s %(message)s')")
    calls = [line for line in done.stderr.splitlines() if line.startswith("awsstate.providers.aws aws.call")]
    assert len(calls) >= 5, done.stderr[-2000:]
    assert any("operation='CreateBucket'" in line and "name='quiet-bucket'" in line for line in calls), calls
    assert done.stdout == "False\n"
