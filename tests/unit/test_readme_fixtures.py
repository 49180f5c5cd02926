"""The README's "use the in-memory provider in your tests" example passes as written."""

from __future__ import annotations

import pytest

from tests.unit.test_readme_examples import readme_block

pytest_plugins = ["pytester"]

def test_readme_fixture_example_passes(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(readme_block("fixtures-conftest"))
    pytester.makepyfile(test_storage=readme_block("fixtures-test"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
