"""The awsstate demo: plan -> apply -> no-op -> drift -> converge, on a local moto server.

Runs the real AWS provider (boto3, real HTTP) against a moto server it starts and stops on
127.0.0.1, so no AWS account is needed. Prints each plan and the calls each step made. Then the
same story with the ``awsstate`` command over a YAML stack (examples/orders.yaml): plan, apply,
drift, with their exit codes. Run with ``make demo``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import boto3
import structlog

from awsstate import RecordingProvider, S3BucketDesired, S3BucketManager
from awsstate.providers.aws import AwsProvider
from awsstate.testing import MotoServer


def _calls(recorder: RecordingProvider, server: MotoServer) -> None:
    reads, writes = len(recorder.reads), len(recorder.writes)
    requests = len(server.requests())
    print(f"    provider calls: {reads} read(s), {writes} write(s); HTTP requests at the server: {requests}")
    for call in recorder.calls:
        print(f"      {call}")
    recorder.clear()
    server.clear_requests()


STACK = Path(__file__).resolve().parent / "orders.yaml"


def _command(server: MotoServer, *args: str) -> int:
    """Run ``awsstate ARGS`` as a user would, against the moto server; print its output and exit code."""
    print(f"\n$ awsstate {' '.join(args)}")
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "awsstate", "--endpoint-url", server.url, *args], env=env,
                          capture_output=True, text=True, check=False)
    for line in (done.stderr + done.stdout).rstrip().splitlines():
        print(f"    {line}")
    print(f"    (exit code {done.returncode})")
    return done.returncode


def command_line(server: MotoServer, session: boto3.Session) -> None:
    """The awsstate command over a YAML stack: exit 2 means changes, 0 nothing to do, 1 an error."""
    print(f"\n7. the awsstate command over a stack of five connected resources ({STACK.name})")
    relative = os.path.relpath(STACK)
    _command(server, "validate", "-f", relative)
    _command(server, "plan", "-f", relative, "--detailed-exitcode")
    _command(server, "apply", "-f", relative, "--yes")
    _command(server, "drift", "-f", relative)
    print("\n8. someone suspends the archive's versioning and renames the topic, out-of-band; drift finds exactly that")
    s3 = session.client("s3", region_name="eu-west-1", endpoint_url=server.url)
    s3.put_bucket_versioning(Bucket="orders-archive-example", VersioningConfiguration={"Status": "Suspended"})
    sns = session.client("sns", region_name="eu-west-1", endpoint_url=server.url)
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":orders"))
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="Renamed")
    _command(server, "drift", "-f", relative)
    _command(server, "apply", "-f", relative, "--yes")
    _command(server, "drift", "-f", relative)


def main() -> None:
    # An application (unlike the library) chooses its logging: keep the demo's output to the story.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    with MotoServer() as server:
        print(f"moto server on {server.url} (stopped at the end)\n")
        session = boto3.Session(aws_access_key_id="demo", aws_secret_access_key="demo", region_name="us-east-1")
        recorder = RecordingProvider(AwsProvider(session, endpoint_url=server.url))
        manager = S3BucketManager(provider=recorder)
        desired = S3BucketDesired(
            name="example-bucket-name",
            region="ca-central-1",
            tags={"awsstate:module": "s3", "env": "dev"},
            versioning=True,
            block_public_access=True,
        )
        print(f"desired: {desired}\n")

        print("1. plan (nothing exists yet)")
        print(manager.plan(desired))
        _calls(recorder, server)

        print("\n2. apply")
        result = manager.apply(desired)
        print(f"    changed={result.changed}")
        _calls(recorder, server)

        print("\n3. plan and apply again: converged, so nothing to do")
        print(manager.plan(desired))
        result = manager.apply(desired)
        print(f"    changed={result.changed}")
        _calls(recorder, server)

        print("\n4. someone suspends versioning and removes the public access block, out-of-band (plain boto3)")
        s3 = session.client("s3", region_name="ca-central-1", endpoint_url=server.url)
        s3.put_bucket_versioning(Bucket=desired.name, VersioningConfiguration={"Status": "Suspended"})
        s3.delete_public_access_block(Bucket=desired.name)
        server.clear_requests()
        print(manager.plan(desired))
        _calls(recorder, server)

        print("\n5. apply converges: one write per drifted aspect")
        result = manager.apply(desired)
        print(f"    changed={result.changed}")
        _calls(recorder, server)

        print("\n6. plan once more")
        print(manager.plan(desired))
        _calls(recorder, server)
        print(f"\nbucket now: {result.observed}")

        command_line(server, session)


if __name__ == "__main__":
    main()
