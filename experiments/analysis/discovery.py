"""Scenario discovery in a sensitivity study: PRIM on the study's own runs.

A spec's ``[sensitivity] discover = [...]`` entries (:class:`experiments.execution.spec.Discover`)
each ask *where* an outcome, or a paired difference ``B - A`` per future, is worst::

    discover = [{ column = "value_to_investors_usd", difference = ["base", "nvca"],
                  below = 0 }]       # where nvca does worse than the base, on average

This module builds PRIM's input from the saved table and runs
:func:`experiments.sensitivity.prim.discover`:

* **Independent points only.** PRIM counts points; points that repeat each other's
  coordinates count twice. On a Saltelli design the A and B rows of each group are
  independent random points (``2 x base``); the ``AB_j`` rows share all but one
  coordinate with their group's A row, so they are left out. On a Morris design each
  trajectory's starting point is used.
* **y is points x replications**, replication r the same future (deal r) at every
  point, as for the indices; a day that never came counts as the spec's ``cap_days``
  or else the horizon (:func:`experiments.analysis.sensitivity.never_rule`).

Each entry gives a :class:`Found`: the label, the :class:`~experiments.sensitivity.prim.Discovery`
(None when no point, or every point, is of interest: nothing to discover, said in one
line), and :func:`to_json` gives what ``sensitivity.json`` holds under ``discoveries``
(the line, the chosen box, coverage and density with intervals, the peeling
trajectory). :func:`study` rebuilds a results folder's experiment and analyses for
the figures and the report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis import sensitivity as sa
from experiments.analysis.saved import Saved, short_name
from experiments.execution.spec import (SENSITIVITY_METHODS, Discover, Experiment,
                                        spec_from_dict)
from experiments.sensitivity.prim import Discovery, discover
from sim.core.config import ConfigError


@dataclass(frozen=True)
class Found:
    """One discovery entry and what PRIM made of it.

    Attributes:
        entry: The spec's entry.
        label: What was judged, in words (the column, and the variant or difference).
        discovery: PRIM's result, or None when there was nothing to discover.
        line: The finding in one sentence (``Discovery.line()``, or why nothing).
        never: Deals whose day counted as the cap or the horizon.
    """

    entry: Discover
    label: str
    discovery: Discovery | None
    line: str
    never: int


def independent_rows(exp: Experiment) -> np.ndarray:
    """The design points a discovery uses: a Saltelli design's A and B rows, a Morris
    design's trajectories' starting points (row numbers of ``exp.points``)."""
    k = len(exp.parameters)
    n = len(exp.points)
    if exp.design_method == "saltelli":
        starts = np.arange(0, n, k + 2)
        return np.sort(np.concatenate([starts, starts + k + 1]))
    return np.arange(0, n, k + 1)


def analysis_of(entry: Discover) -> sa.Analysis:
    """The entry as an analysis: a column in a variant, or a paired difference."""
    if entry.difference is not None:
        a, b = entry.difference
        return sa.Analysis(entry.column, b, a)
    return sa.Analysis(entry.column, entry.variant or "base")


def parameters_frame(exp: Experiment, rows: np.ndarray) -> pd.DataFrame:
    """The swept parameters' values at ``rows``, one column each (short names)."""
    return pd.DataFrame({short_name(p): [float(exp.points[i][p]) for i in rows]
                         for p in exp.parameters})


def bounds(exp: Experiment) -> dict[str, tuple[float, float]]:
    """Each swept parameter's full range, by short name."""
    given = exp.raw["design"]["parameters"]
    return {short_name(p): (float(given[p]["low"]), float(given[p]["high"]))
            for p in exp.parameters}


def columns(exp: Experiment) -> list[str]:
    """The table's columns the indices and the discoveries read (``load_table``'s
    ``columns``)."""
    sens = exp.sensitivity
    return sorted(set(sa.columns(exp)) | {e.column for e in (sens.discover if sens else ())})


def find(exp: Experiment, table: pd.DataFrame, resamples: int = 500) -> list[Found]:
    """Run every discovery entry of the spec on its saved table.

    Raises:
        ConfigError: a table the analysis cannot use, or the EMA Workbench missing.
    """
    sens = exp.sensitivity
    if sens is None or not sens.discover:
        return []
    rows = independent_rows(exp)
    x = parameters_frame(exp, rows)
    out = []
    for entry in sens.discover:
        a = analysis_of(entry)
        y, never = sa.array(exp, table, a)
        below = entry.below is not None
        threshold = entry.below if below else entry.above
        label = a.label(exp)
        try:
            d = discover(x, y[rows], threshold=threshold, below=below, share=entry.share,
                         bounds=bounds(exp), resamples=resamples, seed=exp.seed)
            line = d.line()
        except ConfigError as exc:
            if exc.key != "threshold":
                raise
            d, line = None, exc.problem
        out.append(Found(entry, label, d, line, never))
    return out


def text(found: list[Found]) -> str:
    """PRIM's one-line result per entry (empty without entries)."""
    if not found:
        return ""
    lines = ["", "Scenario discovery (PRIM on the independent points, the box judged on "
             "held-out ones):"]
    lines += [f"  {f.label}: {f.line}" for f in found]
    return "\n".join(lines) + "\n"


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(float(x)) else None


def _est(e) -> dict[str, float | None]:
    return {"value": _num(e.value), "low": _num(e.low), "high": _num(e.high)}


def to_json(found: list[Found]) -> list[dict[str, Any]]:
    """What ``sensitivity.json`` holds under ``discoveries``: per entry the label, the
    line, and (when PRIM ran) the chosen box's limits, its coverage, density, base rate
    and lift with intervals, and the peeling trajectory, one row per box."""
    out = []
    for f in found:
        e, d = f.entry, f.discovery
        item: dict[str, Any] = {
            "label": f.label, "column": e.column,
            "variant": analysis_of(e).variant, "against": analysis_of(e).against,
            "below": e.below, "above": e.above, "share": e.share, "never": f.never,
            "line": f.line, "claimed": bool(d.claimed) if d else False}
        if d is not None:
            item.update({
                "target": d.target, "points": d.points, "held_out": d.held_out,
                "replications": d.replications, "chosen": d.chosen,
                "limits": [{"parameter": lim.name, "low": lim.low, "high": lim.high,
                            "full_low": lim.full_low, "full_high": lim.full_high}
                           for lim in d.limits],
                "base_rate": _est(d.base_rate), "coverage": _est(d.coverage),
                "density": _est(d.density), "lift": _est(d.lift),
                "trajectory": [{k: _num(v) for k, v in row.items()}
                               for row in d.trajectory.to_dict("records")]})
        out.append(item)
    return out


@dataclass(frozen=True)
class Study:
    """A sensitivity study's results folder, analysed again (for figures and report).

    Attributes:
        exp: The experiment as run (its base samples and replications).
        results: The indices per analysis (:func:`experiments.analysis.sensitivity.analyse`).
        found: The discoveries (:func:`find`).
    """

    exp: Experiment
    results: list[sa.Result]
    found: list[Found]


def is_study(saved: Saved) -> bool:
    """Whether a results folder is a sensitivity study's (a Saltelli or Morris design
    with a ``[sensitivity]`` section)."""
    spec = saved.manifest.get("spec") or {}
    return ((spec.get("design") or {}).get("method") in SENSITIVITY_METHODS
            and "sensitivity" in spec)


def experiment_of(saved: Saved) -> Experiment:
    """The experiment a sensitivity study's folder holds, as its manifest records it
    (base samples and replications included: an ``--until-ci`` run's last size)."""
    m = saved.manifest
    source = m.get("spec_file") or str(saved.out)
    exp = spec_from_dict(m["spec"], source, Path(source).parent)
    reps = m.get("replications")
    if isinstance(reps, int) and reps != exp.replications:
        exp = exp.with_replications(reps, str(saved.out))
    return exp


def study(saved: Saved) -> Study:
    """Analyse a sensitivity study's results folder again: the same indices and
    discoveries ``regsim sensitivity`` printed (their resampling is seeded)."""
    from experiments.execution.sweep import load_table

    exp = experiment_of(saved)
    table = load_table(saved.out, exp, columns=columns(exp))
    return Study(exp, sa.analyse(exp, table), find(exp, table))
