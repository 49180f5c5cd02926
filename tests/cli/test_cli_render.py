"""Rendering: the Markdown review comment always fits, and the table is never cut mid-row."""

from __future__ import annotations

import pytest

from awsstate import InMemoryProvider, S3BucketDesired, Stack, StackPlan
from awsstate.cli.render import MARKDOWN_LIMIT, plan_markdown, plan_text
from tests.cli.conftest import REGION


def _plan(count: int) -> StackPlan:
    buckets = [S3BucketDesired(name=f"review-{i:05d}", region=REGION, versioning=True,
                               tags={"team": "a", "owner": f"o{i}"}) for i in range(count)]
    return Stack("big", buckets, provider=InMemoryProvider(region=REGION)).plan()


def _table(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index("| Resource | Action | Changes | Known after apply |")
    end = lines.index("", start)
    return lines[start:end]


def test_a_small_plan_is_shown_whole() -> None:
    text = plan_markdown(_plan(3))
    assert len(_table(text)) == 2 + 3
    assert text.count("<details>") == 3 and "to fit in a comment" not in text
    assert "| `s3_bucket.review-00000` | create, update x2 | 3 |" in text


@pytest.mark.parametrize("count, limit", [(400, MARKDOWN_LIMIT), (3000, MARKDOWN_LIMIT), (50, 3000), (50, 400)])
def test_a_large_plan_is_summarised_to_fit_and_the_table_stays_whole(count: int, limit: int) -> None:
    text = plan_markdown(_plan(count), limit=limit)
    assert len(text) <= limit
    assert text.startswith("### awsstate plan: stack `big`")
    assert f"**{count * 3} change(s)** in {count} of {count} resource(s)" in text
    if "| Resource |" in text:
        table = _table(text)
        assert all(line.startswith("|") and line.endswith("|") for line in table), "no row cut in the middle"
        assert text.count("<details>") == text.count("</details>"), "no folded section cut in the middle"
    assert "to fit in a comment: `awsstate show <plan.json>` shows the whole plan." in text or limit < 500


def test_no_changes_is_one_line() -> None:
    provider = InMemoryProvider(region=REGION)
    stack = Stack("calm", [S3BucketDesired(name="calm-1", region=REGION)], provider=provider)
    stack.apply()
    assert plan_markdown(stack.plan()).splitlines()[-1] == "No changes. 1 resource(s) match the desired state."


def test_text_is_coloured_by_action() -> None:
    text = plan_text(_plan(1))
    styles = {str(span.style) for span in text.spans}
    assert {"green", "yellow", "bold"} <= styles
    assert text.plain == str(_plan(1))
