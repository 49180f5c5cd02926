"""The README's quick-start block runs as written, against a moto server via AWS_ENDPOINT_URL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from awsstate.testing import MotoServer

pytestmark = pytest.mark.acceptance

README = Path(__file__).resolve().parents[2] / "README.md"


def _block(marker: str) -> str:
    text = README.read_text()
    match = re.search(rf"<!-- example:{marker}.*?-->\s*```python\n(.*?)```", text, re.S)
    assert match, f"README has no example block marked {marker!r}"
    return match.group(1)


def test_readme_quickstart_runs_against_a_moto_server(
    moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    moto_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    namespace: dict[str, object] = {}
    exec(compile(_block("quickstart"), str(README), "exec"), namespace)
    out = capsys.readouterr().out
    assert "create s3_bucket example-bucket-name: create in ca-central-1" in out
    result = namespace["result"]
    assert result.changed is True
    # The bucket really exists on the server, in the right region.
    assert any(r.startswith("PUT /example-bucket-name") for r in moto_server.requests())
