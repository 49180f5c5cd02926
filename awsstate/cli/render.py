"""How the command shows plans and results: coloured text, a Markdown review comment, JSON.

Every format is built from the plans' own rendering, which masks secrets, so no format can show
one. Colour is only ever added by :mod:`awsstate.cli.console` (on a terminal, without ``NO_COLOR``);
this module returns plain strings and styled :class:`rich.text.Text`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from rich.text import Text

from awsstate.plan import Plan
from awsstate.stack import StackPlan, StackResult
from awsstate.stack.plan import MemberPlan

__all__ = ["MARKDOWN_LIMIT", "plan_markdown", "plan_text", "result_text"]

MARKDOWN_LIMIT = 65_536
"""The most characters a GitHub comment holds: the Markdown plan always fits."""

_STYLES = {"+": "green", "~": "yellow", "-": "red", "-/+": "magenta"}
_LINE = re.compile(r"^(\s*)(-/\+|\+|~|-) ")


def _style(line: str) -> str | None:
    match = _LINE.match(line)
    return _STYLES[match.group(2)] if match else None


def plan_text(plan: StackPlan) -> Text:
    """The plan as :meth:`StackPlan.__str__` writes it, each action coloured by what it does."""
    text = Text()
    for index, line in enumerate(str(plan).splitlines()):
        if index:
            text.append("\n")
        text.append(line, style=_style(line) or ("bold" if index == 0 else None))
    return text


def result_text(result: StackResult) -> Text:
    """A stack apply's outcome: the summary line, then each failure and skip with why."""
    text = Text()
    for index, line in enumerate(str(result).splitlines()):
        if index:
            text.append("\n")
        stripped = line.lstrip()
        style = "red" if stripped.startswith("failed") else "yellow" if stripped.startswith("skipped") else "bold"
        text.append(line, style=style)
    return text


def _cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _fence(body: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def _actions(plan: MemberPlan) -> str:
    counts = Counter(action.type for action in plan.actions)
    return ", ".join(kind if count == 1 else f"{kind} x{count}" for kind, count in counts.items())


def _most(fits: Callable[[int], bool], upper: int) -> int:
    """The largest ``n <= upper`` for which ``fits(n)`` (fitting is monotone; 0 when none does)."""
    low, high = 0, upper
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def plan_markdown(plan: StackPlan, limit: int = MARKDOWN_LIMIT) -> str:
    """The plan as a review comment of at most ``limit`` characters.

    A summary, a table with one row per changed resource, then each resource's changes in a
    folded section. When it would not fit, the folded sections are left out from the end, and then
    table rows (always whole rows: the table stays a table); a closing line says what was left out
    and where to see all of it.
    """
    changed = [key for key in plan.order if plan.plans[key].changed]
    counts: Counter[str] = Counter(action.type if isinstance(plan.plans[key], Plan) else f"object {action.type}"
                                   for key in changed for action in plan.plans[key].actions)
    head = [f"### awsstate plan: stack `{_cell(plan.stack)}`", ""]
    if not changed:
        return "\n".join([*head, f"No changes. {len(plan.order)} resource(s) match the desired state."]) + "\n"
    kinds = ("create", "update", "replace", "delete", *(f"object {t}" for t in ("put", "replace", "update_metadata",
                                                                                 "update_tags", "delete")))
    totals = ", ".join(f"{counts[t]} {t}" for t in kinds if counts[t])  # an object's replace is an overwrite
    head += [f"**{plan.changes} change(s)** in {len(changed)} of {len(plan.order)} resource(s): {totals}.", ""]
    rows = []
    for key in changed:
        note = " (pruned)" if key in plan.pruned else ""
        unknown = ", ".join(plan.unknown.get(key, ())) or ""
        rows.append(f"| `{_cell(key)}`{note} | {_cell(_actions(plan.plans[key]))} | {len(plan.plans[key].actions)} "
                    f"| {_cell(unknown)} |")
    table = ["| Resource | Action | Changes | Known after apply |", "|---|---|---:|---|"]
    sections = []
    for key in changed:
        body = str(plan.plans[key])
        fence = _fence(body)
        sections.append(f"<details><summary><code>{_cell(key)}</code>: {len(plan.plans[key].actions)} change(s)"
                        f"</summary>\n\n{fence}diff\n{body}\n{fence}\n\n</details>")

    def compose(shown_rows: int, shown_sections: int) -> str:
        parts = [*head, *table, *rows[:shown_rows], ""]
        parts += sections[:shown_sections]
        left_rows, left_sections = len(rows) - shown_rows, len(sections) - shown_sections
        if left_rows or left_sections:
            what = (f"{left_rows} more changed resource(s) not in the table" if left_rows
                    else f"the changes of {left_sections} resource(s) not shown")
            parts += ["", f"_{what}, to fit in a comment: `awsstate show <plan.json>` shows the whole plan._"]
        return "\n".join(parts) + "\n"

    shown_sections = _most(lambda n: len(compose(len(rows), n)) <= limit, len(sections))
    shown_rows = _most(lambda n: len(compose(n, shown_sections)) <= limit, len(rows))
    text = compose(shown_rows, shown_sections)
    if len(text) > limit:  # a limit too small even for the summary: the summary alone, cut at a line
        text = "\n".join(head).rstrip()[:limit]
    return text
