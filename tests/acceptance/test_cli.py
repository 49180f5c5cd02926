"""Acceptance: the ``awsstate`` command run as a user runs it, in a shell, against a moto server
(real AWS when configured): plan exits 2, apply converges, drift exits 0, two settings changed
with plain boto3 make drift exit 2 showing exactly those, and ``export --all --tag`` writes a file
that plans empty; and the command in a pseudo-terminal (progress and colour) and in a pipe (no
colour, no control characters, JSON on stdout)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from awsstate import Stack, StackPlan
from awsstate.cli.specfile import load_spec
from tests.acceptance.conftest import Target

pytestmark = pytest.mark.acceptance

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "orders.yaml"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # anything but tab and newline


class Shell:
    """``awsstate ARGS`` in a fresh process, as a user types it, against the target."""

    def __init__(self, target: Target) -> None:
        self.env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.env.pop("NO_COLOR", None)
        self.prefix: list[str] = []
        if target.server is not None:
            self.env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
            self.prefix = ["--endpoint-url", target.server.url]

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "awsstate", *self.prefix, *args]

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.argv(*args), env=self.env, capture_output=True, text=True, check=False,
                              timeout=120)

    def in_terminal(self, *args: str, typed: str = "", env: dict[str, str] | None = None) -> tuple[int, str]:
        """Run in a pseudo-terminal (stdin, stdout and stderr): what a person at a terminal sees;
        ``typed`` is typed once the command asks a question."""
        main, secondary = pty.openpty()
        process = subprocess.Popen(self.argv(*args), env={**self.env, "TERM": "xterm-256color", "COLUMNS": "160",
                                                          **(env or {})},
                                   stdin=secondary, stdout=secondary, stderr=secondary, close_fds=True)
        os.close(secondary)
        chunks: list[bytes] = []
        while True:
            if typed and b"Only 'yes' applies" in b"".join(chunks):
                os.write(main, typed.encode())
                typed = ""
            ready, _, _ = select.select([main], [], [], 120)
            if not ready:
                process.kill()
                raise AssertionError("the command hung in the terminal")
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other side closed: the process is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(main)
        return process.wait(timeout=30), b"".join(chunks).decode(errors="replace")


@pytest.fixture
def spec(target: Target, tmp_path: Path) -> Iterator[Path]:
    """examples/orders.yaml with names unique to the run (real AWS) in the target's region."""
    prefix = f"acc{target.token('cli')}"
    text = EXAMPLE.read_text().replace("orders", prefix).replace("eu-west-1", target.region)
    path = tmp_path / "stack.yaml"
    path.write_text(text)
    yield path
    loaded = load_spec(path)
    gone = [r.model_copy(update={"state": "absent", **({"force_destroy": True} if r.kind_spec.kind == "s3_bucket"
                                                      else {})}) for r in loaded.resources]
    Stack(loaded.stack, gone, provider=target.provider).apply()


def test_the_command_from_a_shell_plan_apply_drift(target: Target, spec: Path) -> None:
    shell = Shell(target)
    prefix = f"acc{target.token('cli')}"
    assert shell("validate", "-f", str(spec)).returncode == 0
    planned = shell("plan", "-f", str(spec), "--detailed-exitcode")
    assert planned.returncode == 2, planned.stderr
    applied = shell("apply", "-f", str(spec), "--yes")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert "5 done, 0 unchanged, 0 failed, 0 skipped" in applied.stdout
    clean = target.eventually(lambda: shell("drift", "-f", str(spec)), lambda done: done.returncode == 0)
    assert clean.returncode == 0, clean.stdout

    s3 = target.clients("s3", target.region)
    s3.put_bucket_versioning(Bucket=f"{prefix}-archive-example", VersioningConfiguration={"Status": "Suspended"})
    sns = target.clients("sns", target.region)
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{prefix}"))
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="Renamed")
    drifted = target.eventually(lambda: shell("drift", "-f", str(spec), "--json"),
                                lambda done: done.returncode == 2 and len(
                                    [p for p in json.loads(done.stdout)["plans"].values() if p["actions"]]) == 2)
    assert drifted.returncode == 2
    plan = StackPlan.model_validate_json(drifted.stdout)
    assert {key: plan.plans[key].aspects for key in plan.order if plan.plans[key].changed} == {
        f"sns_topic.{prefix}": ("display_name",), f"s3_bucket.{prefix}-archive-example": ("versioning",)}
    assert shell("apply", "-f", str(spec), "--yes").returncode == 0
    assert target.eventually(lambda: shell("drift", "-f", str(spec)), lambda d: d.returncode == 0).returncode == 0

    stack = load_spec(spec).stack
    exported = shell("--region", target.region, "export", "--all", "--tag", f"awsstate:stack={stack}")
    assert exported.returncode == 0, exported.stderr
    assert "exported 5 resource(s)" in exported.stderr
    again = spec.with_name("exported.yaml")
    again.write_text(exported.stdout)
    replanned = shell("plan", "-f", str(again), "--detailed-exitcode")
    assert replanned.returncode == 0, replanned.stdout + replanned.stderr


def test_in_a_terminal_there_is_colour_and_progress_and_in_a_pipe_neither(target: Target, spec: Path) -> None:
    shell = Shell(target)
    code, screen = shell.in_terminal("apply", "-f", str(spec), "--yes")
    assert code == 0, screen
    assert "\x1b[" in screen, "colour on a terminal"
    assert re.search(r"\[5/5\] apply \S+: done", screen), screen

    piped = shell("-v", "plan", "-f", str(spec), "--json")
    assert piped.returncode == 0, piped.stderr
    assert StackPlan.model_validate_json(piped.stdout).stack == load_spec(spec).stack
    assert not CONTROL.search(piped.stdout) and not CONTROL.search(piped.stderr), "no control characters in a pipe"
    assert "info: stack.planned" in piped.stderr, "logs go to stderr"

    code, screen = shell.in_terminal("--no-color", "drift", "-f", str(spec))
    assert code == 0 and "\x1b[3" not in screen and "no changes" in screen


def test_apply_on_a_terminal_asks_and_only_yes_applies(target: Target, spec: Path) -> None:
    shell = Shell(target)
    code, screen = shell.in_terminal("apply", "-f", str(spec), typed="no\n", env={"NO_COLOR": "1"})
    assert code == 1 and "nothing applied" in screen, screen
    assert "+ sqs_queue " in screen, "the plan is shown before the question"
    assert "\x1b[3" not in screen, "NO_COLOR: no colour even on a terminal"
    assert shell("plan", "-f", str(spec), "--detailed-exitcode").returncode == 2, "nothing was applied"
    code, screen = shell.in_terminal("apply", "-f", str(spec), typed="yes\n")
    assert code == 0 and "5 done" in screen, screen
    assert target.eventually(lambda: shell("drift", "-f", str(spec)), lambda d: d.returncode == 0).returncode == 0

