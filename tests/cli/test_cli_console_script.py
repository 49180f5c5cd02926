"""The console script ``awsstate`` (pyproject.toml ``[project.scripts]``) is installed and runs.

Not ``python -m awsstate`` and not click's runner: the script pip writes next to the interpreter,
as a user runs it, so a broken entry point (a renamed ``main``, a dropped ``[project.scripts]``
line) fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from awsstate.kinds import KINDS

ROOT = Path(__file__).resolve().parents[2]
INSTALL_HINT = ("install the package so pip writes the `awsstate` console script: "
                "`python -m pip install -e '.[dev]'` (what `.ci/run` and `make install` do)")


def _console_script() -> Path:
    folder = Path(sys.executable).parent
    for name in ("awsstate", "awsstate.exe"):  # POSIX bin/, Windows Scripts/
        if (folder / name).is_file():
            return folder / name
    pytest.fail(f"no `awsstate` console script next to {sys.executable} (in {folder}): {INSTALL_HINT}")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    # Neither command may call AWS; should one try, it goes nowhere rather than to a real account.
    env.update(AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    env.pop("AWS_PROFILE", None)
    return subprocess.run([str(_console_script()), *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False, timeout=120)


def test_the_console_script_lists_every_kind() -> None:
    done = _run("kinds")
    assert done.returncode == 0, done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()] == [*KINDS, "s3_object", "s3_sync"]
    assert all(len(line.split(maxsplit=1)) == 2 for line in done.stdout.splitlines()), "each kind has a description"


def test_the_console_script_validates_the_example_stack() -> None:
    done = _run("validate", "-f", "examples/orders.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "examples/orders.yaml: valid, 5 resource(s) in stack orders"
    assert done.stdout == "", "validate's message is for the person, on stderr"


def test_the_console_script_exits_1_on_an_invalid_stack(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("stack: shop\nresources:\n  - kind: lambda_function\n    name: f\n")
    done = _run("validate", "-f", str(bad))
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "unknown kind 'lambda_function'" in done.stderr
