"""A sensitivity study's saved table -> arrays of points x replications -> indices.

``regsim sensitivity SPEC`` runs a spec whose design is ``saltelli`` or ``morris``
(:mod:`experiments.execution.spec`) as a sweep: each design point is a cell (one per
variant), replication r of every cell is deal r of the root seed, the same random future
at every point. This module reads the table back and, for each analysis the spec's
``[sensitivity]`` section asks for, builds the array the core needs
(:mod:`experiments.sensitivity`) and runs it:

* an **outcome**: a column of the outcome table in one variant, ``y[point, r]``;
* a **paired difference**: ``B - A`` of a column in each future, ``y_B[point, r] -
  y_A[point, r]`` (the same deal r under both variants at the same point).

A true/false column counts as 0 or 1 (its indices are those of a probability).

**Never** (:data:`NEVER_RULE`): a day column (``*_day``, ``days_*``) is empty when the
event never happened within the scenario's horizon (e.g. never effective). Such a deal
counts as the cell's ``horizon_days``: the deal ran that long without it, a value no
deal that got there reaches (a lower bound of "never"). The number of such deals is
given beside each analysis. An empty value of any other column, or a failed deal, is an
error: the analysis needs every point in every future.

Each analysis gives rows (:func:`rows`): one per parameter, with the indices and their
intervals, and the chance share beside them; ``sensitivity.csv`` and
``sensitivity.json`` hold them (:func:`write_tables`), :func:`text` prints them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.execution.files import write_atomic
from experiments.execution.folder import SENSITIVITY_TABLES
from experiments.execution.spec import Experiment, sensitivity_design
from experiments.sensitivity.chance import chance_share
from experiments.sensitivity.morris import MorrisEffects, morris
from experiments.sensitivity.replications import Estimate
from experiments.sensitivity.sobol import SobolIndices, sobol
from sim.core.config import ConfigError

#: The rule for a day that never came, as the tables state it.
NEVER_RULE = ("a day column empty because the event never happened (e.g. never "
              "effective) counts as the scenario's horizon_days")
#: Confidence level of every interval.
LEVEL = 0.95


def never_rule(exp: Experiment) -> str:
    """How a day column counts a deal that never got there, for this spec."""
    cap = exp.sensitivity.cap_days if exp.sensitivity is not None else None
    if cap is None:
        return NEVER_RULE
    return (f"a day column counts at most cap_days = {cap:,}: a deal not there by then, "
            f"or never, counts as {cap:,}")


def never_text(exp: Experiment, count: int) -> str:
    """The line under an analysis: how many deals counted as the cap or the horizon."""
    cap = exp.sensitivity.cap_days if exp.sensitivity is not None else None
    if cap is None:
        return f"{count:,} deals never reached the day: counted as the scenario's horizon_days"
    return f"{count:,} deals not there by day {cap:,} of the count (or never): counted as {cap:,}"


@dataclass(frozen=True)
class Analysis:
    """One thing to analyse: a column in a variant, or a paired difference.

    Attributes:
        column: The outcome table's column.
        variant: The variant (an outcome), or B (a difference).
        against: A (a difference: ``B - A``), or None.
    """

    column: str
    variant: str
    against: str | None = None

    def label(self, exp: Experiment) -> str:
        """How the tables name it."""
        labels = {v.name: v.label for v in exp.variants}
        if self.against is None:
            return f"{self.column}, {labels[self.variant]}"
        return (f"{self.column}, {labels[self.variant]} - {labels[self.against]} "
                "(paired, per future)")


@dataclass(frozen=True)
class Result:
    """An analysis and what the core made of it.

    Attributes:
        analysis: What was analysed.
        label: Its name in the tables.
        never: Deals whose empty day counted as the horizon (:data:`NEVER_RULE`).
        indices: Sobol' indices (a ``saltelli`` design), else None.
        effects: Morris measures (a ``morris`` design), else None.
        chance: The chance share (for Morris, over the trajectories' first points; None
            with fewer than 4 trajectories).
    """

    analysis: Analysis
    label: str
    never: int
    indices: SobolIndices | None
    effects: MorrisEffects | None
    chance: Estimate | None


def analyses(exp: Experiment) -> list[Analysis]:
    """What the spec's ``[sensitivity]`` section asks for, in its order: each outcome in
    each of its variants, then each difference."""
    sens = exp.sensitivity
    if sens is None:
        raise ConfigError(exp.source, "sensitivity", "no [sensitivity] section; a "
                          "sensitivity study names its outcomes there")
    out = [Analysis(c, v) for v in sens.variants for c in sens.outcomes]
    for pair in sens.differences:
        columns = sens.outcomes if len(pair) == 2 else (pair[2],)
        out += [Analysis(c, pair[1], pair[0]) for c in columns]
    return out


def columns(exp: Experiment) -> list[str]:
    """The table's columns the analyses read (for :func:`load_table`'s ``columns``)."""
    return sorted({a.column for a in analyses(exp)} | {"error"})


def _is_day(column: str) -> bool:
    return column.endswith("_day") or column.startswith("days_")


def outcome_array(exp: Experiment, table: pd.DataFrame, column: str,
                  variant: str) -> tuple[np.ndarray, int]:
    """A column in one variant as points x replications, and how many deals' empty
    days counted as the horizon (or, with the spec's ``cap_days``, how many deals'
    days, empty or past the cap, counted as the cap).

    Args:
        exp: The experiment the table is of.
        table: Its sweep table (sorted by point, variant, replication, as
            :func:`experiments.execution.sweep.load_table` gives it).
        column: An outcome column.
        variant: A variant name.

    Raises:
        ConfigError: a failed deal, an empty value that is not a day, or a table that
            does not hold every point and replication.
    """
    points, reps = len(exp.points), exp.replications
    rows = table[table["variant"] == variant]
    if len(rows) != points * reps:
        raise ConfigError(exp.source, "", f"{len(rows):,} rows of variant {variant!r}; "
                          f"the design needs {points:,} points x {reps:,} replications: "
                          "rerun `regsim sensitivity` to finish")
    failed = rows["error"].notna().to_numpy()
    if failed.any():
        i = int(np.argmax(failed))
        raise ConfigError(exp.source, "", f"{int(failed.sum())} deals of variant "
                          f"{variant!r} failed (first: point {int(rows['point'].iloc[i])}, "
                          f"replication {int(rows['replication'].iloc[i])}: "
                          f"{str(rows['error'].iloc[i])[:80]}); the analysis needs every "
                          "deal")
    values = rows[column].astype("float64").to_numpy(na_value=np.nan).reshape(points, reps)
    empty = ~np.isfinite(values)
    never = int(empty.sum())
    if never and not _is_day(column):
        raise ConfigError(exp.source, "sensitivity.outcomes", f"{column}: {never} deals "
                          f"of variant {variant!r} have no value; allowed: a column "
                          f"every deal has, or a day column ({NEVER_RULE})")
    cap = exp.sensitivity.cap_days if exp.sensitivity is not None else None
    if cap is not None and _is_day(column):
        over = empty | (values > cap)            # never, or not there by the cap
        return np.where(over, float(cap), values), int(over.sum())
    if never:
        horizon = np.array([float(exp.cell(p, variant).scenario.horizon_days)
                            for p in range(points)])
        values = np.where(empty, horizon[:, None], values)
    return values, never


def array(exp: Experiment, table: pd.DataFrame, analysis: Analysis) -> tuple[np.ndarray, int]:
    """The points x replications array of an analysis (a difference: ``B - A`` in each
    future), and the count of deals whose empty day counted as the horizon."""
    y, never = outcome_array(exp, table, analysis.column, analysis.variant)
    if analysis.against is None:
        return y, never
    ya, never_a = outcome_array(exp, table, analysis.column, analysis.against)
    return y - ya, never + never_a


def analyse(exp: Experiment, table: pd.DataFrame, resamples: int = 1000) -> list[Result]:
    """Every analysis of the spec on its saved table.

    Args:
        exp: The experiment (a ``saltelli`` or ``morris`` design with ``[sensitivity]``).
        table: Its sweep table.
        resamples: Bootstrap resamples of the intervals.

    Raises:
        ConfigError: too few replications for intervals, or a table the analysis
            cannot use (see :func:`outcome_array`).
    """
    design = sensitivity_design(exp.design, exp.seed)
    least = 3 if exp.design_method == "saltelli" else 2
    if exp.replications < least:
        raise ConfigError(exp.source, "replications", f"{exp.replications}; a "
                          f"{exp.design_method} analysis needs at least {least} (the same "
                          "futures at every point)")
    out = []
    for a in analyses(exp):
        y, never = array(exp, table, a)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            # a resample without spread gives an empty interval (None in the rows)
            warnings.simplefilter("ignore", RuntimeWarning)
            out.append(_analyse_one(exp, design, a, y, never, resamples))
    return out


def _analyse_one(exp: Experiment, design, a: Analysis, y: np.ndarray, never: int,
                 resamples: int) -> Result:
    """One analysis on its array: Sobol' indices, or Morris measures and the chance
    share over the trajectories' first points (independent random points)."""
    indices = effects = chance = None
    if exp.design_method == "saltelli":
        indices = sobol(design, y, LEVEL, resamples)
        chance = indices.chance
    else:
        effects = morris(design, y, LEVEL, resamples)
        starts = y[::design.space.k + 1]
        if len(starts) >= 4 and y.shape[1] >= 3:
            chance = chance_share(starts, LEVEL, resamples).share
    return Result(a, a.label(exp), never, indices, effects, chance)


def estimates(results: list[Result]) -> list[Estimate]:
    """The intervals the stopping rule looks at: every first and total index and every
    chance share (Sobol' indices only)."""
    out: list[Estimate] = []
    for r in results:
        if r.indices is not None:
            out += [*r.indices.first, *r.indices.total, r.indices.chance]
    return out


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(float(x)) else None


def rows(exp: Experiment, results: list[Result]) -> list[dict[str, Any]]:
    """One row per analysis and parameter: the indices, their intervals, and the
    chance share beside them (the tables ``sensitivity.csv`` and ``.json`` hold)."""
    out = []
    for r in results:
        a = r.analysis
        head = {"outcome": a.column, "variant": a.variant, "against": a.against or "",
                "label": r.label, "method": exp.design_method,
                "replications": exp.replications, "never": r.never}
        chance = {"chance": None, "chance_low": None, "chance_high": None}
        if r.chance is not None:
            chance = {"chance": _num(r.chance.value), "chance_low": _num(r.chance.low),
                      "chance_high": _num(r.chance.high)}
        if r.indices is not None:
            ind = r.indices
            for i, name in enumerate(ind.names):
                row = {**head, "base": ind.base, "parameter": name}
                for key, est in (("S1", ind.first[i]), ("ST", ind.total[i]),
                                 ("S1_of_all", ind.first_of_all[i]),
                                 ("ST_of_all", ind.total_of_all[i])):
                    row.update({key: _num(est.value), f"{key}_low": _num(est.low),
                                f"{key}_high": _num(est.high)})
                out.append({**row, **chance})
        else:
            eff = r.effects
            for i, name in enumerate(eff.names):
                out.append({**head, "trajectories": exp.design.trajectories,
                            "parameter": name, "mu": _num(eff.mu[i]),
                            "mu_star": _num(eff.mu_star[i]),
                            "mu_star_low": _num(eff.mu_star[i] - eff.mu_star_conf[i]),
                            "mu_star_high": _num(eff.mu_star[i] + eff.mu_star_conf[i]),
                            "sigma": _num(eff.sigma[i]),
                            "noise_floor": _num(eff.noise_floor[i]),
                            "stands_out": bool(eff.stands_out(name)), **chance})
    return out


def to_json(exp: Experiment, table_rows: list[dict[str, Any]],
            discoveries: list[dict[str, Any]] | None = None) -> str:
    """The study's rows as ``sensitivity.json`` holds them (and ``--json`` prints), and
    the discoveries (:func:`experiments.analysis.discovery.to_json`) when the spec asks."""
    design = exp.design
    return json.dumps({
        "name": exp.name, "method": exp.design_method,
        "base": design.base, "trajectories": design.trajectories,
        "levels": (design.levels or 4) if design.method == "morris" else None,
        "points": len(exp.points), "replications": exp.replications, "seed": exp.seed,
        "level": LEVEL, "never": never_rule(exp), "parameters": list(exp.parameters),
        "rows": table_rows,
        **({"discoveries": discoveries} if discoveries is not None else {})},
        indent=2) + "\n"


def to_csv(table_rows: list[dict[str, Any]]) -> str:
    """The rows as CSV (an empty cell for a missing value)."""
    keys: list[str] = []
    for row in table_rows:
        keys += [k for k in row if k not in keys]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=keys, lineterminator="\n")
    writer.writeheader()
    for row in table_rows:
        writer.writerow({k: "" if row.get(k) is None else repr(row[k])
                         if isinstance(row.get(k), float) else row.get(k, "")
                         for k in keys})
    return buf.getvalue()


def write_tables(out: Path, exp: Experiment, table_rows: list[dict[str, Any]],
                 discoveries: list[dict[str, Any]] | None = None) -> list[Path]:
    """Write ``sensitivity.csv`` and ``sensitivity.json`` (with ``discoveries``) into
    the results folder (atomically); returns their paths."""
    paths = [Path(out) / name for name in SENSITIVITY_TABLES]
    for path, content in zip(paths, (to_csv(table_rows),
                                     to_json(exp, table_rows, discoveries))):
        write_atomic(path, lambda p, c=content: Path(p).write_text(c, encoding="utf-8"))
    return paths


def _ci(value: float | None, low: float | None, high: float | None) -> str:
    if value is None:
        return "n/a"
    if low is None or high is None:
        return f"{value:5.2f} [n/a: too few samples]"
    return f"{value:5.2f} [{low:5.2f}, {high:5.2f}]"


#: A chance share whose interval reaches this leaves the parameters' part possibly
#: nothing: the shares of that part (S1, ST) are not printed.
SWAMPED = 0.995

#: What the tables say instead of S1 and ST when the chance share may be everything.
SWAMPED_TEXT = ("the parameters' share of the variance may be nothing (the chance share's "
                "interval reaches all of it): S1 and ST, shares of that part, are n/a; "
                "read the 'of all' columns")


def swamped(r: Result) -> bool:
    """Whether the chance share's interval reaches :data:`SWAMPED`: then the indices
    relative to the parameters' part (S1, ST) are noise over noise."""
    return r.chance is not None and r.chance.high >= SWAMPED


def index_cells(r: Result, row: dict[str, Any]) -> list[str]:
    """A Saltelli row's four cells as the tables show them: S1, ST, S1 of all, ST of
    all, each with its interval; S1 and ST "n/a" when :func:`swamped`."""
    return ["n/a" if swamped(r) and key in ("S1", "ST")
            else _ci(row[key], row[f"{key}_low"], row[f"{key}_high"]).strip()
            for key in ("S1", "ST", "S1_of_all", "ST_of_all")]


#: One sentence on how to read each table.
HOW_TO_READ = {
    "saltelli": ("How to read: S1 is the share of the variance the parameters explain "
                 "that a parameter explains alone, ST adds its interactions (of all: "
                 "shares of the whole variance, beside chance); an ST interval that "
                 "reaches 0 means the parameter can be fixed anywhere in its range."),
    "morris": ("How to read: mu* is a parameter's mean absolute effect of a step of "
               "{delta:.0%} of its range (the ranking); it stands out when its interval "
               "lies above the floor chance alone would give; sigma is how much its "
               "effect changes with the other parameters."),
}


def text(exp: Experiment, results: list[Result]) -> str:
    """The study's tables as text: per analysis, the chance share and one line per
    parameter, then one sentence on how to read them."""
    table_rows = rows(exp, results)
    lines = []
    width = max(len(p) for p in exp.parameters)
    for r in results:
        mine = [row for row in table_rows if row["label"] == r.label]
        k = len(exp.parameters)
        size = (f"{exp.design.base} base samples x ({k} parameters + 2)"
                if exp.design_method == "saltelli" else
                f"{exp.design.trajectories} trajectories x ({k} parameters + 1)")
        lines.append(f"{r.label}: {size} = {len(exp.points):,} points, "
                     f"{exp.replications:,} replications each")
        if r.chance is not None:
            c = r.chance
            lines.append(f"  chance share {_ci(c.value, c.low, c.high).strip()}: the part "
                         "of the variance no parameter explains, whatever they are set to")
        else:
            lines.append("  chance share: n/a (at least 4 trajectories and 3 "
                         "replications)")
        if r.never:
            lines.append("  " + never_text(exp, r.never))
        if exp.design_method == "saltelli":
            head = ["parameter", "S1 [95% CI]", "ST [95% CI]", "S1 of all [95% CI]",
                    "ST of all [95% CI]"]
            if swamped(r):
                lines.append("  " + SWAMPED_TEXT)
            cells = [[row["parameter"]] + index_cells(r, row) for row in mine]
            widths = [max(len(x[i]) for x in [head] + cells) for i in range(len(head))]
            for cells_row in [head] + cells:
                lines.append("  " + "  ".join(x.ljust(w) for x, w in
                                              zip(cells_row, widths)).rstrip())
        else:
            lines.append(f"  {'parameter':<{width}}  {'mu*':>10}  {'95% CI':<23}  "
                         f"{'floor':>10}  {'sigma':>10}  {'mu':>10}")
            for row in sorted(mine, key=lambda x: -x["mu_star"]):
                lines.append(
                    f"  {row['parameter']:<{width}}  {row['mu_star']:10.4g}  "
                    f"[{row['mu_star_low']:10.4g}, {row['mu_star_high']:10.4g}]  "
                    f"{row['noise_floor']:10.4g}  {row['sigma']:10.4g}  {row['mu']:10.4g}"
                    + ("  stands out" if row["stands_out"] else ""))
        lines.append("")
    levels = exp.design.levels or 4
    lines.append(HOW_TO_READ[exp.design_method].format(delta=levels / (2 * (levels - 1))))
    return "\n".join(lines) + "\n"
