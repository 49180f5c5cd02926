"""The README's quick-start block runs as written, against a moto server via AWS_ENDPOINT_URL."""

from __future__ import annotations

import pytest

from awsstate.testing import MotoServer
from tests.unit.test_readme_examples import README, readme_block

pytestmark = pytest.mark.acceptance


@pytest.fixture
def moto_env(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """The default AwsProvider (boto3's credential chain) pointed at the moto server via AWS_ENDPOINT_URL."""
    moto_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_server


def test_readme_quickstart_runs_against_a_moto_server(moto_env: MotoServer, capsys: pytest.CaptureFixture[str]) -> None:
    moto_server = moto_env
    namespace: dict[str, object] = {}
    exec(compile(readme_block("quickstart"), str(README), "exec"), namespace)
    out = capsys.readouterr().out
    assert "create s3_bucket example-bucket-name: create in ca-central-1" in out
    result = namespace["result"]
    assert result.changed is True
    # The bucket really exists on the server, in the right region.
    assert any(r.startswith("PUT /example-bucket-name") for r in moto_server.requests())


def test_readme_s3_example_with_every_aspect_converges_on_a_moto_server(
    moto_env: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    exec(compile(readme_block("s3-full"), str(README), "exec"), {})
    assert "create in eu-west-1" in capsys.readouterr().out
