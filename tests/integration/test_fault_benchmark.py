"""The fault benchmark's claim, as a test: with half of all requests failing on the wire (every
fault kind of tests/wire.py), one long-lived provider converges every kind within five applies.
``make bench-faults`` runs the full benchmark (five resources of every kind, table printed)."""

from __future__ import annotations

from benchmarks.faults import run, table


def test_every_kind_converges_within_five_applies_at_a_fifty_percent_fault_rate() -> None:
    results = run(rate=0.5, applies=5, quota=False, resources=1, seed=3)
    unconverged = [(fault, kind) for fault, by_kind in results.items() for kind, runs in by_kind.items()
                   if not kind.startswith("_") and any(r["applies"] is None for r in runs)]
    assert not unconverged, f"not converged within five applies: {unconverged}\n{table(results)}"
