"""The awsstate demo: plan -> apply -> no-op -> drift -> converge, on a local moto server.

Runs the real AWS provider (boto3, real HTTP) against a moto server it starts and stops on
127.0.0.1, so no AWS account is needed. Prints each plan and the calls each step made.
Run with ``make demo``.
"""

from __future__ import annotations

import logging

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


if __name__ == "__main__":
    main()
