"""``awsstate validate`` on a valid file makes zero AWS calls: counted at the provider (every call,
the caller-identity look-up included, for a stack of every kind) and at a moto server (every HTTP
request the command sends), with a control showing that the same count sees ``plan``'s calls."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner

from awsstate import InMemoryProvider
from awsstate.cli.app import Context, cli
from awsstate.cli.specfile import dump_spec
from awsstate.providers.base import ProviderCall, WrappingProvider
from awsstate.testing import MotoServer
from tests.cli.conftest import EXAMPLE, REGION
from tests.examples import EXAMPLES

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]


class NoCallsProvider(WrappingProvider):
    """Records, then refuses, every call: the five calls, listings, object calls and the identity look-up
    (which :class:`~awsstate.RecordingProvider` does not count)."""

    def __init__(self) -> None:
        super().__init__(InMemoryProvider(region=REGION))
        self.attempted: list[str] = []

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        self.attempted.append(str(call))
        raise AssertionError(f"validate made an AWS call: {call}")

    def identity(self, region: str | None) -> tuple[str, str]:
        self.attempted.append(f"identity {region}")
        raise AssertionError("validate looked up the caller's identity (STS GetCallerIdentity)")


@pytest.fixture
def every_kind(tmp_path: Path) -> Path:
    """A valid spec file holding every kind, each with every aspect it manages set."""
    path = tmp_path / "every-kind.yaml"
    path.write_text(dump_spec("every-kind", [e.full(e.name("val"), REGION) for e in EXAMPLES.values()]))
    return path


@pytest.mark.parametrize("which", ["orders example", "every kind"])
def test_validate_makes_no_provider_call(which: str, every_kind: Path) -> None:
    path = EXAMPLE if which == "orders example" else every_kind
    provider = NoCallsProvider()
    result = CliRunner().invoke(cli, ["validate", "-f", str(path)], obj=Context(provider=provider))
    assert provider.attempted == []
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert "valid, " in result.stderr


def test_the_provider_check_sees_a_command_that_calls() -> None:
    provider = NoCallsProvider()
    result = CliRunner().invoke(cli, ["plan", "-f", str(EXAMPLE)], obj=Context(provider=provider))
    assert provider.attempted, "plan reads AWS, so the check must see it"
    assert result.exit_code != 0


@pytest.fixture(scope="module")
def server() -> Iterator[MotoServer]:
    with MotoServer() as running:
        yield running


def _command(server: MotoServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing"}
    env.pop("AWS_ENDPOINT_URL", None)
    env.pop("AWS_PROFILE", None)
    return subprocess.run([sys.executable, "-m", "awsstate", "--endpoint-url", server.url, *args], env=env,
                          capture_output=True, text=True, check=False, timeout=120)


def test_validate_sends_no_request_to_the_server(server: MotoServer, every_kind: Path) -> None:
    server.reset()
    for path in (EXAMPLE, every_kind):
        done = _command(server, "validate", "-f", str(path))
        assert done.returncode == 0, done.stderr
        assert server.requests() == [], f"validate -f {path.name} sent requests"

    planned = _command(server, "plan", "-f", str(EXAMPLE), "--detailed-exitcode")
    assert planned.returncode == 2, planned.stderr
    assert server.requests(), "the server counts the requests a command sends (plan reads the stack)"
