"""A sweep's saved results as plots and reports see them: manifest and table only.

Everything here reads ``results/<name>/manifest.json`` and the Parquet shards
(:mod:`experiments.execution.sweep`); nothing builds a model or re-runs a deal. Variant labels,
each cell's terms, the design's parameters and points all come from the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from experiments.analysis import tables
from sim.read.headline import OUTCOMES
from experiments.execution.sweep import frames_by_variant, load_table, read_manifest
from sim.core.config import ConfigError


@dataclass(frozen=True)
class Saved:
    """A results folder: its manifest and its table (sorted by point, variant,
    replication).

    Attributes:
        out: The results folder.
        manifest: The parsed ``manifest.json``.
        table: The sweep table (:func:`experiments.execution.sweep.load_table`).
    """

    out: Path
    manifest: dict[str, Any]
    table: pd.DataFrame

    @property
    def name(self) -> str:
        return self.manifest["name"]

    @property
    def variants(self) -> list[str]:
        """Variant names in spec order, the base first."""
        return [v["name"] for v in self.manifest["variants"]]

    @property
    def labels(self) -> dict[str, str]:
        """Display label of each variant (the spec's ``label``, else its name)."""
        return {v["name"]: v.get("label") or v["name"] for v in self.manifest["variants"]}

    @property
    def outcomes(self) -> list[str]:
        """The spec's headline outcomes (names in :data:`sim.read.headline.OUTCOMES`)."""
        return [o for o in self.manifest.get("outcomes", []) if o in OUTCOMES]

    @property
    def parameters(self) -> list[str]:
        """The design's parameter paths (empty without a design)."""
        return list(self.manifest.get("design", {}).get("parameters", []))

    @property
    def points(self) -> list[dict[str, Any]]:
        """Parameter values of each design point (one empty dict without a design)."""
        return list(self.manifest.get("design", {}).get("points", [{}])) or [{}]

    @property
    def replications(self) -> int:
        return int(self.manifest["replications"])

    def terms(self, variant: str, point: int = 0) -> dict[str, Any]:
        """The full terms of one cell, as the manifest recorded them."""
        for cell in self.manifest["cells"]:
            if cell["point"] == point and cell["variant"] == variant:
                return cell["terms"]
        raise KeyError((point, variant))

    def check_point(self, point: int) -> int:
        """``point`` if the design has it.

        Raises:
            ConfigError: no such design point.
        """
        if not 0 <= point < len(self.points):
            n = len(self.points)
            raise ConfigError(str(self.out), "--point", f"no design point {point}; allowed: "
                              f"0 to {n - 1} (the results have {n} point{'s' if n != 1 else ''})")
        return point

    def frames(self, point: int = 0) -> dict[str, pd.DataFrame]:
        """One table per variant at a design point, replications aligned."""
        return frames_by_variant(self.table, point)

    def point_text(self, point: int) -> str:
        """``"review_prob = 0.2, cooldown_days = 90"``: a design point, short names."""
        return ", ".join(f"{short_name(k)} = {_fmt_value(v)}"
                         for k, v in self.points[point].items())


def short_name(path: str) -> str:
    """A parameter path without its ``terms.``/``scenario.`` prefix
    (``scenario.review.review_prob`` -> ``review.review_prob``)."""
    return path.split(".", 1)[1] if "." in path else path


def _fmt_value(v: Any) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def load_saved(out: str | Path, columns: Sequence[str] | None = None) -> Saved:
    """Read a finished sweep's results folder (with ``columns``, only those outcome
    columns besides the keys: :func:`experiments.execution.sweep.load_table`).

    Raises:
        ConfigError: no manifest, no shards, an unfinished sweep, or a cell whose
            replications are missing (the paired analysis needs every one).
    """
    out = Path(out)
    manifest = read_manifest(out)
    status = manifest.get("status", "complete")
    if status == "interrupted":
        done = manifest.get("last_run", {})
        kept = f"{done.get('tasks_finished', '?')} of {done.get('tasks', '?')}"
        raise ConfigError(str(out), "", f"the sweep was interrupted ({kept} tasks finished "
                          "are kept); rerun the same command to resume")
    if status != "complete":
        raise ConfigError(str(out), "", f"the sweep is not finished (status {status!r}); "
                          "rerun `regsim sweep` on its spec to finish it")
    table = load_table(out, columns=columns)
    _check_complete(out, manifest, table)
    return Saved(out, manifest, table)


def _check_complete(out: Path, manifest: dict[str, Any], table: pd.DataFrame) -> None:
    """Every (design point, variant) cell holds all its replications. Counted from the
    variant codes and point numbers as NumPy arrays (a groupby of a million-row table
    would copy its key columns once more)."""
    names = list(table["variant"].cat.categories)
    points = len(manifest.get("design", {}).get("points") or [{}])
    cell = (table["point"].to_numpy(dtype=np.int64) * len(names)
            + table["variant"].cat.codes.to_numpy(dtype=np.int64))
    counts = np.bincount(cell, minlength=points * len(names))
    want = int(manifest["replications"])
    short = np.flatnonzero(counts != want)
    if len(short):
        point, variant = divmod(int(short[0]), len(names))
        raise ConfigError(str(out), "", f"design point {point}, variant {names[variant]!r} "
                          f"has {int(counts[short[0]])} of {want} replications; rerun "
                          "`regsim sweep` to finish")


def design_frame(saved: Saved, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per (design point, variant): parameter values and each outcome's estimate
    (:func:`experiments.analysis.tables.design_frame` on the manifest's points)."""
    return tables.design_frame(saved.points, saved.table, outcomes or saved.outcomes)


def pooled_rows(saved: Saved, variant: str, points: Sequence[int]) -> pd.DataFrame:
    """The rows of one variant at several design points, as one table."""
    t = saved.table
    mask = (t["variant"] == variant).to_numpy() & np.isin(t["point"].to_numpy(), list(points))
    return t[mask]
