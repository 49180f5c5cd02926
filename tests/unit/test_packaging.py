"""Packaging: the license file matches the metadata, the ``testing`` extra exists, and the fixtures
are a pytest plugin (no ``pytest_plugins`` line needed, and such a line still works)."""

from __future__ import annotations

import tomllib
from importlib.metadata import entry_points, metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest_plugins = ["pytester"]

USERS_TEST = """
from awsstate import S3BucketDesired, S3BucketManager

def test_uses_the_fixtures(awsstate_provider, awsstate_world, awsstate_faults, awsstate_clock):
    S3BucketManager(provider=awsstate_provider, clock=awsstate_clock).apply(S3BucketDesired(name="plugged-in"))
    assert awsstate_world.require("s3_bucket", "plugged-in")
"""


def test_the_license_file_is_the_apache_license_the_metadata_names() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text[:200] and "Version 2.0, January 2004" in text[:300]
    assert "END OF TERMS AND CONDITIONS" in text


def test_the_testing_extra_brings_pytest_and_the_moto_server() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(r.startswith("pytest") for r in extras["testing"])
    assert any(r.startswith("moto[server") for r in extras["testing"])
    assert "testing" in (metadata("awsstate").get_all("Provides-Extra") or [])


def test_the_fixtures_are_registered_as_a_pytest_plugin_under_their_module_name() -> None:
    plugins = {e.name: e.value for e in entry_points(group="pytest11")}
    assert plugins.get("awsstate.testing.fixtures") == "awsstate.testing.fixtures"


@pytest.mark.parametrize("conftest", ["", 'pytest_plugins = ["awsstate.testing.fixtures"]'],
                         ids=["no-conftest-line", "with-the-old-conftest-line"])
def test_users_get_the_fixtures_with_or_without_a_conftest_line(pytester: pytest.Pytester, conftest: str) -> None:
    pytester.makeconftest(conftest)
    pytester.makepyfile(test_user=USERS_TEST)
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
