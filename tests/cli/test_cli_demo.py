"""``make demo`` (examples/demo.py) checks what it shows: it runs through with every step as the
demo says (the command's exit codes 0, 2, 0, 0, then 2, 0, 0 after the out-of-band change), and
a step that does otherwise stops it with exit code 1 and a message naming the step."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from awsstate.testing import MotoServer

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo.py"


@pytest.fixture(scope="module")
def demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("awsstate_demo", DEMO)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_demo_runs_examples_demo_py() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:.*\n\t\$\(PY\) examples/demo\.py$", makefile, re.M), "the test below runs what make runs"


def test_the_demo_runs_through_and_every_step_checks_out() -> None:
    done = subprocess.run([sys.executable, str(DEMO)], cwd=ROOT, capture_output=True, text=True, check=False,
                          timeout=180)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    codes = [int(code) for code in re.findall(r"^ {4}\(exit code (\d+)\)$", done.stdout, re.M)]
    assert codes == [0, 2, 0, 0, 2, 0, 0], codes
    assert done.stdout.rstrip().endswith("demo OK: every step did what it says (exit codes 0, 2, 0, 0, then 2, 0, 0)")
    assert "FAILED" not in done.stdout + done.stderr


def test_check_names_the_step_and_both_values(demo: ModuleType) -> None:
    demo.check("a step", 2, 2)
    with pytest.raises(demo.DemoFailed, match=r"^drift exit code: got 0, expected 2$"):
        demo.check("drift exit code", 0, 2)


def test_a_command_with_another_exit_code_stops_the_demo(demo: ModuleType, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(demo.DemoFailed) as failed:
        # validate reads only the file, so the server need not be running
        demo._command(MotoServer(), "validate", "-f", str(missing), expect=0)
    assert str(failed.value) == f"`awsstate validate -f {missing}` exit code: got 1, expected 0"
    assert "(exit code 1)" in capsys.readouterr().out, "the output is still shown before stopping"
    assert demo._command(MotoServer(), "validate", "-f", str(ROOT / "examples" / "orders.yaml"), expect=0) == 0


def test_a_failed_step_makes_the_demo_exit_1_with_a_clear_message(demo: ModuleType, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def story() -> None:
        print("... the story so far")
        raise demo.DemoFailed("`awsstate plan -f examples/orders.yaml --detailed-exitcode` exit code: got 0, "
                              "expected 2")

    monkeypatch.setattr(demo, "story", story)
    monkeypatch.setattr(demo.structlog, "configure", lambda **_: None)  # keep this process's logging as it is
    assert demo.main() == 1
    out, err = capsys.readouterr()
    assert "demo OK" not in out
    assert err.strip() == ("demo FAILED at step `awsstate plan -f examples/orders.yaml --detailed-exitcode` "
                           "exit code: got 0, expected 2")
