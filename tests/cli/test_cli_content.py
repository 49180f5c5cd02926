"""S3 objects and syncs in a spec file: ``kind: s3_object`` / ``kind: s3_sync``, ``source`` paths from
the spec file's folder, the exit-code contract, JSON plans, the schema, and errors with their line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml

from awsstate import S3Objects, StackPlan
from tests.cli.conftest import Run
from tests.objects_support import stored, tree

SPEC = """\
stack: site
defaults:
  region: eu-west-1
resources:
  - kind: s3_object
    bucket: "${s3_bucket.cli-site.name}"
    key: index.html
    source: public/index.html
    cache_control: no-cache
  - kind: s3_bucket
    name: cli-site
  - kind: s3_sync
    bucket: cli-site
    prefix: assets
    source: public/assets
    delete: true
  - kind: s3_object
    bucket: cli-site
    key: robots.txt
    text: "User-agent: *"
"""


def _site(tmp_path: Path) -> None:
    tree(tmp_path / "public", {"index.html": "<h1>hi</h1>", "assets/app.js": "let a", "assets/app.css": "a{}"})


def test_a_spec_with_objects_and_a_sync_follows_the_exit_code_contract(
        run: Run, spec_file: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _site(tmp_path)
    path = spec_file(SPEC)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # sources are found from the spec's folder
    valid = run("validate", "-f", str(path))
    assert valid.exit_code == 0 and "1 resource(s) and 3 S3 object(s) and sync(s)" in valid.stderr, valid.output
    planned = run("plan", "-f", str(path), "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    assert "+ put index.html (11 B): new object" in planned.stdout and "+ put assets/app.js" in planned.stdout
    saved = run("plan", "-f", str(path), "--json")
    plan = StackPlan.model_validate_json(saved.stdout)
    assert plan.order[0] == "s3_bucket.cli-site" and plan.plans["s3_sync.cli-site/assets/"].kind == "s3_sync"
    assert json.loads(saved.stdout)["plans"]["s3_object.cli-site/index.html"]["actions"][0]["type"] == "put"
    applied = run("apply", "-f", str(path), "--yes")
    assert applied.exit_code == 0 and "4 done, 0 unchanged, 0 failed" in applied.stdout, applied.output
    assert stored(run.memory.world, "cli-site") == {"index.html": b"<h1>hi</h1>", "assets/app.js": b"let a",
                                                     "assets/app.css": b"a{}", "robots.txt": b"User-agent: *"}
    assert run("plan", "-f", str(path), "--detailed-exitcode").exit_code == 0
    (tmp_path / "public" / "assets" / "app.js").write_text("let b")  # the same size: still an edit
    drift = run("plan", "-f", str(path), "--detailed-exitcode")
    assert drift.exit_code == 2 and "~ replace assets/app.js" in drift.stdout, drift.output
    assert run("apply", "-f", str(path), "--yes").exit_code == 0
    assert S3Objects(run.memory, progress=False).read_bytes("s3://cli-site/assets/app.js")[0] == b"let b"


def test_a_saved_plan_with_files_applies_from_its_json(run: Run, spec_file: Callable[[str], Path],
                                                       tmp_path: Path) -> None:
    _site(tmp_path)
    path = spec_file(SPEC.split("  - kind: s3_object\n    bucket: cli-site\n    key: robots.txt")[0])
    saved = tmp_path / "plan.json"
    saved.write_text(run("plan", "-f", str(path), "--json").stdout)
    markdown = run("show", str(saved), "--format", "markdown").stdout
    assert "in 3 of 3 resource(s): 1 create, 1 update, 3 object put." in markdown, markdown
    assert "| `s3_sync.cli-site/assets/` | put x2 | 2 |" in markdown, markdown
    applied = run("apply", str(saved), "--yes")
    assert applied.exit_code == 0 and "3 done" in applied.stdout, applied.output
    assert set(stored(run.memory.world, "cli-site")) == {"index.html", "assets/app.js", "assets/app.css"}


def test_bad_content_entries_fail_with_their_line_before_any_call(run: Run, spec_file: Callable[[str], Path],
                                                                  tmp_path: Path) -> None:
    _site(tmp_path)
    missing = spec_file(SPEC.replace("source: public/assets", "source: public/nowhere"))
    result = run("validate", "-f", str(missing))
    assert result.exit_code == 1 and f"{missing}:15:" in result.stderr and "does not exist" in result.stderr, \
        result.output
    no_key = spec_file(SPEC.replace("    key: index.html\n", ""), "nokey.yaml")
    result = run("plan", "-f", str(no_key))
    assert result.exit_code == 1 and "s3_object" in result.stderr and "key: Field required" in result.stderr, \
        result.output
    twice = spec_file(SPEC.replace("key: robots.txt", "key: index.html"), "twice.yaml")
    result = run("plan", "-f", str(twice))
    assert result.exit_code == 1 and f"{twice}:19:" in result.stderr and "in the file twice" in result.stderr, \
        result.output
    assert run.recorder.calls == []


def test_the_schema_describes_content_entries(spec_file: Callable[[str], Path], run: Run, tmp_path: Path) -> None:
    schema = json.loads(run("schema").stdout)
    jsonschema.validate(yaml.safe_load(SPEC), schema)
    bad = yaml.safe_load(SPEC.replace("key: index.html", "keys: index.html"))
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("an s3_object without key passed the schema")


def test_the_readme_spec_file_with_a_sync_validates(run: Run, spec_file: Callable[[str], Path],
                                                     tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("## The `awsstate` command")[1].split("```yaml\n")[1].split("```")[0]
    assert "kind: s3_sync" in block
    tree(tmp_path / "site" / "static", {"app.css": "a{}"})
    result = run("validate", "-f", str(spec_file(block)))
    assert result.exit_code == 0 and "3 resource(s) and 1 S3 object(s) and sync(s)" in result.stderr, result.output


def test_a_saved_plan_applies_from_another_folder_and_content_follows_its_buckets_region(
        run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _site(tmp_path)
    files_only = SPEC.split("  - kind: s3_object\n    bucket: cli-site\n    key: robots.txt")[0]
    spec = files_only.replace("    name: cli-site\n", "    name: cli-site\n    region: us-west-2\n")
    (tmp_path / "stack.yaml").write_text(spec)
    monkeypatch.chdir(tmp_path)
    saved = tmp_path / "plan.json"
    saved.write_text(run("plan", "-f", "stack.yaml", "--json").stdout)  # the spec named relatively
    plan = StackPlan.model_validate_json(saved.read_text())
    index = plan.plans["s3_object.cli-site/index.html"]
    assert index.region == "us-west-2", "the bucket's region, not defaults.region"
    assert index.actions[0].source == str(tmp_path / "public" / "index.html")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    applied = run("apply", str(saved), "--yes")  # from another folder: the files are still found
    assert applied.exit_code == 0 and "3 done" in applied.stdout, applied.output
    assert set(stored(run.memory.world, "cli-site")) == {"index.html", "assets/app.js", "assets/app.css"}
