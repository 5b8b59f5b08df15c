"""Run many deals in one process and collect their outcome rows (``regsim run``).

Deals are played in chunks: each chunk's draws are made as one block per named stream
(see :mod:`sim.engine.streams`), then every deal of the chunk is played on the same model.
A deal's row depends only on (terms, scenario, seed, deal index), never on the chunk
size, so any split of the same deals -- across chunks, processes or machines -- gives
the same table.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from sim.core.config import as_dict
from sim.deal.model import DealModel
from sim.read.outcomes import COLUMNS, outcomes
from sim.world.scenario import Scenario
from sim.read.table import rows_to_table, to_frame
from sim.law.terms import Terms

CHUNK = 2000


def chunks(model: DealModel, first: int, count: int,
           chunk: int = CHUNK) -> Iterator[range]:
    """Deals ``[first, first + count)`` chunk by chunk: each chunk's draws are prepared
    as one block per stream, then its deal indices are yielded to be played."""
    for start in range(first, first + count, chunk):
        n = min(chunk, first + count - start)
        model.streams.prepare(start, n)
        yield range(start, start + n)


def play(model: DealModel, first: int, count: int, *, chunk: int = CHUNK,
         catch_errors: bool = False,
         progress: Callable[[int], None] | None = None) -> list[dict]:
    """Play deals ``[first, first + count)`` on ``model`` and return their outcome rows.

    Args:
        model: A model built once and reused for every deal (reset per deal).
        first, count: The deal indices to play.
        chunk: Deals drawn per block (memory vs speed; does not change results).
        catch_errors: Record a failing deal as ``{"deal": d, "error": "Type: message"}``
            and go on (sweeps), instead of raising (a single run).
        progress: Called with the number of deals finished after each chunk.
    """
    rows = []
    for deals in chunks(model, first, count, chunk):
        for deal in deals:
            if not catch_errors:
                rows.append(outcomes(model.run(deal), model.terms))
                continue
            try:
                rows.append(outcomes(model.run(deal), model.terms))
            except Exception as exc:  # noqa: BLE001 -- recorded in the row, not lost
                rows.append({"deal": deal, "error": f"{type(exc).__name__}: {exc}"})
        if progress is not None:
            progress(len(deals))
    return rows


def run_deals(terms: Terms, scenario: Scenario, seed: int, first: int, count: int, *,
              policy: str = "scenario", chunk: int = CHUNK,
              progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Play deals ``[first, first + count)`` and return their outcome table.

    Args:
        terms, scenario, seed: What the deals are a function of.
        first, count: The deal indices to play.
        policy: Decision policy family (``scenario`` or ``compliant``).
        chunk: Deals drawn per block (memory vs speed; does not change results).
        progress: Called with the number of deals finished after each chunk.

    Returns:
        One row per deal, typed columns (:mod:`sim.read.table`).
    """
    model = DealModel(terms, scenario, seed, policy=policy)
    rows = play(model, first, count, chunk=chunk, progress=progress)
    return to_frame(rows_to_table(rows))


def versions() -> dict[str, str]:
    """Versions of Python and the packages a result depends on."""
    out = {"python": platform.python_version()}
    for pkg in ("regsim", "mesa", "simpy", "numpy", "scipy", "pandas", "pyarrow", "pydantic",
                "dask", "distributed"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def git_commit() -> str | None:
    """The source tree's commit, if it is a git checkout."""
    try:
        here = Path(__file__).resolve().parent
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                              text=True, timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(tmp)`` to a hidden temporary name, then rename it:
    a reader (or a killed run) never sees a half-written file."""
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def write_json(path: Path, data: dict) -> None:
    """Write ``data`` as indented JSON, atomically."""
    write_atomic(path, lambda p: p.write_text(json.dumps(data, indent=2, default=str) + "\n",
                                              encoding="utf-8"))


def write_results(df: pd.DataFrame, out_dir: Path, *, terms: Terms, scenario: Scenario,
                  seed: int, runs: int, sources: dict[str, str]) -> tuple[Path, Path]:
    """Write ``outcomes.parquet`` and ``manifest.json`` atomically (write, then rename)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    table = out_dir / "outcomes.parquet"
    write_atomic(table, lambda p: df.to_parquet(p, index=False))
    manifest = {
        "kind": "regsim run", "runs": runs, "seed": seed, "sources": sources,
        "terms": as_dict(terms), "scenario": as_dict(scenario),
        "versions": versions(), "git_commit": git_commit(),
        "table": table.name, "columns": [c for c, _ in COLUMNS],
    }
    man = out_dir / "manifest.json"
    write_json(man, manifest)
    return table, man
