"""The README's examples of the unset rule at every depth and of the merge modes run as written."""

from __future__ import annotations

import pytest

from tests.unit.test_readme_examples import readme_block


@pytest.mark.parametrize("marker", ["unmanaged", "merge-modes"])
def test_readme_settings_example_runs_on_the_in_memory_provider(marker: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(readme_block(marker), f"README.md:{marker}", "exec"), {})
    if marker == "unmanaged":
        out = capsys.readouterr().out
        assert "block_public_policy: true -> false" in out and "bucket_key_enabled: true -> false" in out
        assert "object_lock" not in out.split("change(s)")[-1], "object_lock=True keeps the retention: no change"
