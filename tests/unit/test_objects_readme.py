"""The README's S3 object and sync examples run as written, on the in-memory provider."""

from __future__ import annotations

import pytest

from tests.unit.test_readme_examples import readme_block


def test_readme_objects_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(readme_block("objects"), "README.md:objects", "exec"), {})
    out = capsys.readouterr().out
    assert "text/csv" in out and "update_metadata site/index.html" in out and "+ put site/index.html" in out


def test_readme_sync_example_runs_and_refuses_the_empty_source(capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(readme_block("sync"), "README.md:sync", "exec"), {})
    out = capsys.readouterr().out
    assert "+ put static/css/site.css" in out and "~ replace static/index.html (13 B): content differs" in out
    assert "refusing" in out and "Nothing was written" in out


def test_readme_stack_content_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(readme_block("stack-content"), "README.md:stack-content", "exec"), {})
    out = capsys.readouterr().out
    assert "+ s3_bucket shop-site: create in eu-west-1" in out and "+ put index.html" in out
    assert "s3 sync" in out and "+ put assets/app.js" in out
