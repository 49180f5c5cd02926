"""The README's "use the in-memory provider in your tests" example passes as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[2] / "README.md"


def _block(marker: str) -> str:
    match = re.search(rf"<!-- example:{marker}.*?-->\s*```python\n(.*?)```", README.read_text(), re.S)
    assert match, f"README has no example block marked {marker!r}"
    return match.group(1)


def test_readme_fixture_example_passes(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(_block("fixtures-conftest"))
    pytester.makepyfile(test_storage=_block("fixtures-test"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
