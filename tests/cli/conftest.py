"""The command driven in-process (click's runner) over the in-memory provider."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from awsstate import InMemoryProvider, RecordingProvider
from awsstate.cli.app import Context, cli

REGION = "eu-west-1"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders.yaml"


@dataclass
class Run:
    """Runs ``awsstate ARGS`` against one in-memory world, recording every provider call."""

    memory: InMemoryProvider
    recorder: RecordingProvider

    def __call__(self, *args: str, input: str | None = None) -> Result:
        result = CliRunner().invoke(cli, list(args), obj=Context(provider=self.recorder), input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result


@pytest.fixture
def run() -> Run:
    memory = InMemoryProvider(region=REGION)
    return Run(memory, RecordingProvider(memory))


@pytest.fixture
def spec_file(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str, name: str = "stack.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write
