"""The awsstate demo: plan -> apply -> no-op -> drift -> converge, on a local moto server.

Runs the real AWS provider (boto3, real HTTP) against a moto server it starts and stops on
127.0.0.1, so no AWS account is needed. Prints each plan and the calls each step made. Then the
same story with the ``awsstate`` command over a YAML stack (examples/orders.yaml): plan, apply,
drift, with their exit codes. Every step is checked: when one does not do what the demo says it
does (an exit code, a change, a no-op), the demo stops there and exits 1 naming the step. Run with
``make demo``.
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


class DemoFailed(Exception):
    """A step of the demo did not do what the demo says it does."""


def check(step: str, got: object, expected: object) -> None:
    """Stop the demo (:class:`DemoFailed`) when ``step`` gave ``got`` instead of ``expected``."""
    if got != expected:
        raise DemoFailed(f"{step}: got {got!r}, expected {expected!r}")


def _calls(recorder: RecordingProvider, server: MotoServer) -> None:
    reads, writes = len(recorder.reads), len(recorder.writes)
    requests = len(server.requests())
    print(f"    provider calls: {reads} read(s), {writes} write(s); HTTP requests at the server: {requests}")
    for call in recorder.calls:
        print(f"      {call}")
    recorder.clear()
    server.clear_requests()


STACK = Path(__file__).resolve().parent / "orders.yaml"


def _command(server: MotoServer, *args: str, expect: int) -> int:
    """Run ``awsstate ARGS`` as a user would, against the moto server; print its output and exit code,
    and stop the demo (:class:`DemoFailed`) unless the exit code is ``expect``."""
    print(f"\n$ awsstate {' '.join(args)}")
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "awsstate", "--endpoint-url", server.url, *args], env=env,
                          capture_output=True, text=True, check=False)
    for line in (done.stderr + done.stdout).rstrip().splitlines():
        print(f"    {line}")
    print(f"    (exit code {done.returncode})")
    check(f"`awsstate {' '.join(args)}` exit code", done.returncode, expect)
    return done.returncode


def command_line(server: MotoServer, session: boto3.Session) -> None:
    """The awsstate command over a YAML stack: exit 2 means changes, 0 nothing to do, 1 an error."""
    print(f"\n7. the awsstate command over a stack of five connected resources ({STACK.name})")
    relative = os.path.relpath(STACK)
    _command(server, "validate", "-f", relative, expect=0)
    _command(server, "plan", "-f", relative, "--detailed-exitcode", expect=2)  # 2: there are changes
    _command(server, "apply", "-f", relative, "--yes", expect=0)
    _command(server, "drift", "-f", relative, expect=0)  # 0: AWS matches the file
    print("\n8. someone suspends the archive's versioning and renames the topic, out-of-band; drift finds exactly that")
    s3 = session.client("s3", region_name="eu-west-1", endpoint_url=server.url)
    s3.put_bucket_versioning(Bucket="orders-archive-example", VersioningConfiguration={"Status": "Suspended"})
    sns = session.client("sns", region_name="eu-west-1", endpoint_url=server.url)
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":orders"))
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="Renamed")
    _command(server, "drift", "-f", relative, expect=2)  # 2: AWS differs from the file
    _command(server, "apply", "-f", relative, "--yes", expect=0)
    _command(server, "drift", "-f", relative, expect=0)


def story() -> None:
    """The whole demo; raises :class:`DemoFailed` at the first step that does not do what it says."""
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
        plan = manager.plan(desired)
        print(plan)
        check("1. plan of a bucket that does not exist yet: changes", plan.changed, True)
        _calls(recorder, server)

        print("\n2. apply")
        result = manager.apply(desired)
        print(f"    changed={result.changed}")
        check("2. apply: changed", result.changed, True)
        _calls(recorder, server)

        print("\n3. plan and apply again: converged, so nothing to do")
        plan = manager.plan(desired)
        print(plan)
        check("3. plan once converged: changes", plan.changed, False)
        with recorder.session() as calls:
            result = manager.apply(desired)
        print(f"    changed={result.changed}")
        check("3. apply once converged: changed", result.changed, False)
        check("3. apply once converged: writes", [c for c in calls if c.access == "write"], [])
        _calls(recorder, server)

        print("\n4. someone suspends versioning and removes the public access block, out-of-band (plain boto3)")
        s3 = session.client("s3", region_name="ca-central-1", endpoint_url=server.url)
        s3.put_bucket_versioning(Bucket=desired.name, VersioningConfiguration={"Status": "Suspended"})
        s3.delete_public_access_block(Bucket=desired.name)
        server.clear_requests()
        plan = manager.plan(desired)
        print(plan)
        check("4. plan after the out-of-band changes: drifted aspects",
              sorted(a.aspect for a in plan.actions if a.type == "update"), ["block_public_access", "versioning"])
        _calls(recorder, server)

        print("\n5. apply converges: one write per drifted aspect")
        with recorder.session() as calls:
            result = manager.apply(desired)
        print(f"    changed={result.changed}")
        check("5. apply after drift: changed", result.changed, True)
        check("5. apply after drift: writes", len([c for c in calls if c.access == "write"]), 2)
        _calls(recorder, server)

        print("\n6. plan once more")
        plan = manager.plan(desired)
        print(plan)
        check("6. plan once converged again: changes", plan.changed, False)
        _calls(recorder, server)
        print(f"\nbucket now: {result.observed}")

        command_line(server, session)


def main() -> int:
    """Run the demo; 0 when every step did what it says, 1 (and the step, on stderr) otherwise."""
    # An application (unlike the library) chooses its logging: keep the demo's output to the story.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    try:
        story()
    except DemoFailed as error:
        sys.stdout.flush()
        print(f"\ndemo FAILED at step {error}", file=sys.stderr)
        return 1
    print("\ndemo OK: every step did what it says (exit codes 0, 2, 0, 0, then 2, 0, 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
