"""In a pseudo-terminal, apply's live progress shows each resource's state: waiting (for AWS to
settle), done and failed, each coloured; driven as tests/acceptance/test_cli.py drives the command
(its ``Shell.in_terminal``), over a moto server and over a lagging in-memory provider.

moto shows every write at once, so nothing ever waits there: the "waiting" case runs the command in
a process whose provider is the library's in-memory fake with eventual consistency (every written
setting reads stale three times, so settling takes about two seconds).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from awsstate.providers.aws import AwsProvider
from awsstate.testing import MotoServer

PTY_SKIP = ("PSEUDO-TERMINAL TESTS NOT RUN: this platform has no pseudo-terminal (the pty module or "
            "os.openpty() is missing), so the live progress display is not checked here")
pytest.importorskip("pty", reason=PTY_SKIP)

from tests.acceptance.conftest import Target  # noqa: E402  (after the pty check: test_cli imports pty)
from tests.acceptance.test_cli import EXAMPLE, Shell  # noqa: E402

REGION = "eu-west-1"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
RED, GREEN = "\x1b[31m", "\x1b[32m"
PARAMETER = "/orders/mode"
# examples/orders.yaml and a parameter that already exists as a String: its type is fixed at
# creation, so without --allow-replace that one resource fails and the others are done.
SPEC = EXAMPLE.read_text() + f"""
  - kind: ssm_parameter
    name: {PARAMETER}
    type: StringList
    value: blue,green
"""


@pytest.fixture(autouse=True)
def _pty_available() -> None:
    try:
        main, secondary = os.openpty()
    except OSError as error:
        pytest.skip(f"{PTY_SKIP}: {error}")
    os.close(main)
    os.close(secondary)


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "orders.yaml"
    path.write_text(SPEC)
    return path


@pytest.fixture(scope="module")
def server() -> Iterator[MotoServer]:
    with MotoServer() as running:
        yield running


_TOKEN = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])|\r|\n|[^\x1b\r\n]+")


def final_screen(raw: str) -> list[str]:
    """The lines a terminal shows once ``raw`` is written: enough of a terminal for rich's live display
    (carriage return, newline, cursor up and down, erase line; colours ignored; no wrapping)."""
    lines: list[list[str]] = [[]]
    row = col = 0
    for token in _TOKEN.finditer(raw):
        text, argument, op = token.group(0), token.group(1), token.group(2)
        if text == "\r":
            col = 0
        elif text == "\n" or op == "B":
            row += int(argument) if op == "B" and argument.isdigit() else 1
            lines.extend([] for _ in range(row + 1 - len(lines)))
        elif op == "A":
            row = max(0, row - (int(argument) if argument.isdigit() else 1))
        elif op == "K":
            lines[row] = [] if argument == "2" else lines[row][:col]
        elif op is None:
            line = lines[row]
            line.extend(" " * (col - len(line)))
            line[col:col + len(text)] = list(text)
            col += len(text)
    while lines and not lines[-1]:
        lines.pop()
    return ["".join(line).rstrip() for line in lines]


def test_live_progress_on_a_moto_server_shows_done_and_failed(server: MotoServer, spec: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    server.reset()
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    session.client("ssm", endpoint_url=server.url).put_parameter(Name=PARAMETER, Type="String", Value="blue")

    def clients(service: str, region: str | None) -> Any:
        return session.client(service, region_name=region or REGION, endpoint_url=server.url)  # type: ignore[call-overload]

    target = Target("moto-server", AwsProvider(session, region=REGION, endpoint_url=server.url), clients, REGION,
                    server, "")
    code, screen = Shell(target).in_terminal("apply", "-f", str(spec), "--yes")
    assert code == 1, screen
    assert re.search(rf"{re.escape(GREEN)}\[\d/6\] apply sqs_queue\.orders-q: done", screen), screen
    assert re.search(rf"{re.escape(RED)}\[\d/6\] apply ssm_parameter\.{re.escape(PARAMETER)}: failed: "
                     r".*needs a replacement", screen), screen
    plain = ANSI.sub("", screen)
    assert "stack orders: 5 done, 0 unchanged, 1 failed, 0 skipped" in plain, plain
    assert len(set(re.findall(r"\[\d/6\] apply (\S+): done", plain))) == 5, plain


DRIVER = f"""
import sys
from awsstate import EventualConsistency, InMemoryProvider, SsmParameterDesired, SsmParameterManager, World
from awsstate.cli.app import Context, cli

world = World()
SsmParameterManager(InMemoryProvider(world, region="{REGION}")).apply(
    SsmParameterDesired(name="{PARAMETER}", region="{REGION}", type="String", value="blue"))
lagging = InMemoryProvider(world, region="{REGION}", consistency=EventualConsistency(stale_reads=3))
cli.main(args=sys.argv[1:], prog_name="awsstate", obj=Context(provider=lagging))
"""


class LaggingShell(Shell):
    """``awsstate ARGS`` in a fresh process whose provider lags behind its writes (no AWS at all)."""

    def __init__(self) -> None:
        self.env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        self.env.pop("NO_COLOR", None)
        self.prefix = []

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-c", DRIVER, *args]


def test_live_progress_shows_waiting_while_aws_settles_then_done_and_failed(spec: Path) -> None:
    code, screen = LaggingShell().in_terminal("apply", "-f", str(spec), "--yes")
    assert code == 1, screen
    plain = ANSI.sub("", screen)
    assert re.search(r"apply sns_topic\.orders waiting for subscriptions to settle \d+s", plain), \
        "the live list shows what a resource in flight waits for"
    assert "s so far)" not in plain, "on a terminal the wait is a live row, not the pipe's one-line event"
    assert re.search(rf"{re.escape(GREEN)}\[\d/6\] apply sns_topic\.orders: done", screen), screen
    assert re.search(rf"{re.escape(RED)}\[\d/6\] apply ssm_parameter\.{re.escape(PARAMETER)}: failed", screen), \
        screen
    assert "stack orders: 5 done, 0 unchanged, 1 failed, 0 skipped" in plain


def test_once_a_converging_apply_ends_the_terminal_shows_the_results_and_no_live_rows(tmp_path: Path) -> None:
    path = tmp_path / "orders.yaml"
    path.write_text(EXAMPLE.read_text())
    code, screen = LaggingShell().in_terminal("apply", "-f", str(path), "--yes")
    assert code == 0, screen
    assert "waiting for subscriptions to settle" in ANSI.sub("", screen), "the live rows were drawn"
    lines = final_screen(screen)
    assert lines[-1] == "stack orders: 5 done, 0 unchanged, 0 failed, 0 skipped", lines
    done_line = re.compile(r"\[(\d)/5\] apply (\S+): done \(\d+ actions?\)(?: after \d+\.\ds)?")
    done = [done_line.fullmatch(line) for line in lines[:-1]]
    assert all(done) and len(done) == 5, f"five done lines and the summary, nothing left of the live rows: {lines}"
    assert [int(match.group(1)) for match in done if match] == [1, 2, 3, 4, 5]
    assert len({match.group(2) for match in done if match}) == 5


def test_once_a_partly_failed_apply_ends_the_terminal_shows_the_summary_and_each_failure(spec: Path) -> None:
    code, screen = LaggingShell().in_terminal("apply", "-f", str(spec), "--yes")
    assert code == 1, screen
    lines = final_screen(screen)
    assert not [line for line in lines if "waiting for" in line or "working" in line], lines
    assert "stack orders: 5 done, 0 unchanged, 1 failed, 0 skipped" in lines, lines
    assert any(line.startswith(f"  failed  ssm_parameter.{PARAMETER}: ") for line in lines), lines


def test_in_a_pipe_the_same_apply_prints_waits_as_plain_lines(spec: Path) -> None:
    done = LaggingShell()("apply", "-f", str(spec), "--yes")
    assert done.returncode == 1, done.stderr
    assert re.search(r"^sns_topic\.orders: waiting for subscriptions to settle \(\d+\.\ds so far\)$", done.stderr,
                     re.M), done.stderr
    assert re.search(rf"^\[\d/6\] apply ssm_parameter\.{re.escape(PARAMETER)}: failed", done.stderr, re.M)
    assert "\x1b[" not in done.stderr + done.stdout, "no control sequences in a pipe"
