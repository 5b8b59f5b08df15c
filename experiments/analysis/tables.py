"""Tables of a sweep: per-variant estimates and paired differences, as text and as
rows (``comparison.csv`` and ``comparison.json`` in the results folder).

Everything here reads a saved sweep table (:func:`experiments.execution.sweep.load_table`) and
the analysis of :mod:`experiments.analysis.compare`; nothing re-runs the model. An
absolute day of the deal (a day counted from the closing) is shown with its date
(:mod:`sim.core.dates`, the closing date from the scenario); durations stay in days.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from experiments.analysis.compare import compare, estimate

from sim.core.dates import label, short_label
from sim.law.terms import diff_by_clause
from sim.read.headline import OUTCOMES, Outcome
from experiments.execution.files import write_atomic
from experiments.execution.folder import TABLES
from experiments.execution.spec import Experiment
from experiments.execution.sweep import frames_by_variant


def fmt(value: float, unit: str, signed: bool = False) -> str:
    """A value in its unit: days whole, probabilities in percent, dollars with commas."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if math.isinf(value):
        return ("+" if value > 0 and signed else "") + ("never" if value > 0 else "-inf")
    sign = "+" if signed and value >= 0 else ""
    if unit == "probability":
        return f"{sign}{value:.1%}" if not signed else f"{sign}{value * 100:.2f} pts"
    if unit == "USD":
        return f"{sign}${value:,.0f}" if value >= 0 else f"-${-value:,.0f}"
    if unit == "% of investment":
        return f"{sign}{value:.1f} pts" if signed else f"{sign}{value:.1f}%"
    return f"{sign}{value:.0f}" if float(value).is_integer() else f"{sign}{value:.1f}"


def _ci(low: float, high: float, unit: str, signed: bool = False) -> str:
    return f"[{fmt(low, unit, signed)}, {fmt(high, unit, signed)}]"


def _pairing(row: dict) -> str:
    if row["differing"] == 0:
        return "no deal differs"
    n = row["narrowing"]
    if n is None or math.isnan(n):    # e.g. a median that is "never" in both
        return "n/a"
    return "∞ narrower" if math.isinf(n) else f"{n:.1f}x narrower"


def is_deal_day(outcome: Outcome) -> bool:
    """Whether ``outcome`` is a day of the deal counted from the closing (a column
    ``*_day``: a date), rather than a duration in days (which stays in days)."""
    return outcome.unit == "days" and outcome.column.endswith("_day")


def _date(value: float, closing: date) -> str:
    """The date of deal day ``value`` ("never" for +infinity, "" for no value)."""
    if value is None or math.isnan(value) or value == -math.inf:
        return ""
    if math.isinf(value):
        return "never"
    return label(int(round(value)), closing)


def verdict(outcome: Outcome, diff: float, low: float, high: float) -> str:
    """Who a difference serves (:meth:`Outcome.verdict`) when its paired interval
    excludes zero; "" otherwise."""
    return outcome.verdict(diff) if (low > 0 or high < 0) else ""


_DIFF_KEYS = ("diff", "diff_low", "diff_high", "unpaired_low", "unpaired_high", "narrowing",
              "differing")


def comparison_rows(exp: Experiment, table: pd.DataFrame,
                    points: Sequence[int] | None = None) -> list[dict]:
    """The comparison as rows: one per (design point, outcome, variant).

    Each row holds the point and its parameter values, the outcome (``outcome``,
    ``outcome_label``, ``clause``, ``unit``), the variant (``variant``,
    ``variant_label``), ``n``, the estimate with its 95% interval (``estimate``,
    ``low``, ``high``) and, for an absolute day of the deal (:func:`is_deal_day`), their
    dates (``estimate_date``, ``low_date``, ``high_date``; "" otherwise); against the
    base, the paired difference and its interval (``diff``, ``diff_low``,
    ``diff_high``), the unpaired interval, ``narrowing`` and ``differing``
    (:func:`experiments.analysis.compare.compare`; None for the base) and ``verdict``,
    who the difference serves when its paired interval excludes zero.

    Args:
        exp: The experiment.
        table: Its sweep table.
        points: The design points (default: all).
    """
    labels = {v.name: v.label for v in exp.variants}
    rows = []
    for point in (range(len(exp.points)) if points is None else points):
        values = exp.points[point]
        cmp = compare(frames_by_variant(table, point), "base", exp.outcomes)
        for r in cmp.to_dict("records"):
            o = OUTCOMES[r["outcome"]]
            closing = exp.cell(point, r["variant"]).scenario.closing_date
            day = is_deal_day(o)
            row = {"point": point, **{p: values[p] for p in exp.parameters},
                   "outcome": o.name, "outcome_label": o.label, "clause": o.clause,
                   "unit": o.unit, "variant": r["variant"],
                   "variant_label": labels[r["variant"]], "n": int(r["n"])}
            for key in ("estimate", "low", "high"):
                row[key] = float(r[key])
            for key in ("estimate", "low", "high"):
                row[f"{key}_date"] = _date(row[key], closing) if day else ""
            base = r["variant"] == "base"
            for key in _DIFF_KEYS:
                row[key] = None if base else float(r[key])
            if not base:
                row["differing"] = int(r["differing"])
            row["verdict"] = "" if base else verdict(o, row["diff"], row["diff_low"],
                                                     row["diff_high"])
            rows.append(row)
    return rows


def terms_differences(exp: Experiment, point: int = 0) -> list[dict]:
    """The terms each variant changes against the base at a design point, clause by
    clause (as ``regsim terms diff``): ``variant``, ``term``, ``clause``, ``base``
    (the base's value) and ``value`` (the variant's)."""
    base = exp.cell(point, "base").terms
    out = []
    for v in exp.variants[1:]:
        for section, items in diff_by_clause(base, exp.cell(point, v.name).terms):
            out += [{"variant": v.name, "term": name, "clause": section, "base": va,
                     "value": vb} for name, va, vb, _ in items]
    return out


def _plain(value: Any) -> Any:
    """A JSON value: NaN as null, infinities as "inf" / "-inf" (as the CSV has them)."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def comparison_json(exp: Experiment, rows: list[dict], differences: list[dict]) -> str:
    """The comparison as a JSON document (what ``regsim compare --json`` prints and
    ``comparison.json`` holds): the experiment, its variants, the terms that differ and
    the rows of :func:`comparison_rows`."""
    doc = {"experiment": exp.name, "description": exp.description, "seed": exp.seed,
           "replications": exp.replications, "policy": exp.policy,
           "closing_date": exp.cells[0].scenario.closing_date.isoformat(),
           "variants": [{"name": v.name, "label": v.label} for v in exp.variants],
           "terms_differ": [{k: _plain(v) for k, v in d.items()} for d in differences],
           "rows": [{k: _plain(v) for k, v in r.items()} for r in rows]}
    return json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n"


def write_comparison(out: Path, rows: list[dict], text: str) -> list[Path]:
    """Write ``comparison.csv`` (the rows) and ``comparison.json`` (``text``, from
    :func:`comparison_json`) into the results folder ``out``, atomically; returns them."""
    csv, js = (Path(out) / name for name in TABLES)
    frame = pd.DataFrame(rows)
    if "differing" in frame:                 # whole numbers, empty for the base
        frame["differing"] = frame["differing"].astype("Int64")
    write_atomic(csv, lambda p: frame.to_csv(p, index=False))
    write_atomic(js, lambda p: p.write_text(text, encoding="utf-8"))
    return [csv, js]


def _day_cell(value: float, unit: str, closing: date, day: bool) -> str:
    """An estimate: ``Fri 4 Jul 2003 (day 96)`` for a deal day, else :func:`fmt`."""
    when = _date(value, closing) if day else ""
    return f"{when} (day {fmt(value, unit)})" if when and when != "never" \
        else fmt(value, unit)


def _span_cell(low: float, high: float, unit: str, closing: date, day: bool) -> str:
    """An interval: ``[85, 103] 23 Jun - 11 Jul 2003`` for deal days, else :func:`_ci`."""
    ci = _ci(low, high, unit)
    if not day or not all(math.isfinite(v) for v in (low, high)):
        return ci
    a, b = short_label(int(round(low)), closing), short_label(int(round(high)), closing)
    if a[-4:] == b[-4:]:
        a = a[:-5]
    return f"{ci} {a} - {b}"


def comparison_text(exp: Experiment, table: pd.DataFrame, point: int = 0,
                    rows: list[dict] | None = None) -> str:
    """The paired comparison of every variant against the base at one design point:
    absolute days of the deal with their dates, and who each difference whose paired
    interval excludes zero serves.

    Args:
        exp, table: The experiment and its sweep table.
        point: The design point.
        rows: Its :func:`comparison_rows`, if already computed.
    """
    rows = [r for r in (rows if rows is not None else comparison_rows(exp, table, [point]))
            if r["point"] == point]
    frames = frames_by_variant(table, point)
    n = len(frames["base"])
    closing = exp.cell(point, "base").scenario.closing_date
    lines = [f"{exp.name}: {n:,} replications per variant, seed {exp.seed}, closing "
             f"{label(0, closing)} (common random numbers: replication r of every "
             "variant is deal r)"]
    if exp.description:
        lines.append(exp.description)
    labels = {v.name: v.label for v in exp.variants}
    name_w = max(12, *(len(labels[v]) for v in frames))
    for name in exp.outcomes:
        o = OUTCOMES[name]
        day = is_deal_day(o)
        block = [r for r in rows if r["outcome"] == name]
        est = [_day_cell(r["estimate"], o.unit, closing, day) for r in block]
        ci = [_span_cell(r["low"], r["high"], o.unit, closing, day) for r in block]
        ew, cw = max(10, *map(len, est)), max(22, *map(len, ci))
        sep = "   " if day else " "
        lines += ["", f"{o.label} ({o.clause}; "
                  + (f"days from the closing on {label(0, closing)}, and dates" if day
                     else o.unit) + ")",
                  f"  {'variant':<{name_w}} {'estimate':>{ew}}{sep}{'95% CI':>{cw}}   "
                  f"{'variant - base':>14} {'paired 95% CI':>24} {'unpaired 95% CI':>24}  "
                  "pairing"]
        for r, e, c in zip(block, est, ci):
            head = f"  {labels[r['variant']]:<{name_w}} {e:>{ew}}{sep}{c:>{cw}}"
            if r["variant"] != "base":
                head += (f"   {fmt(r['diff'], o.unit, True):>14} "
                         f"{_ci(r['diff_low'], r['diff_high'], o.unit, True):>24} "
                         f"{_ci(r['unpaired_low'], r['unpaired_high'], o.unit, True):>24}  "
                         f"{_pairing(r)}" + (f"; {r['verdict']}" if r["verdict"] else ""))
            lines.append(head)
    lines += ["", "Intervals: medians/quantiles order-statistic (estimates) and paired "
              "bootstrap (differences); probabilities exact Clopper-Pearson (estimates) and "
              "paired t on per-deal differences; means t. 'unpaired' is what independent "
              "samples of the same size would give; see experiments/analysis/compare.py. "
              "A difference whose paired interval excludes 0 says whom it serves."]
    return "\n".join(lines) + "\n"


def design_frame(points: Sequence[dict], table: pd.DataFrame,
                 outcomes: Sequence[str]) -> pd.DataFrame:
    """One row per (design point, variant): the parameters and each outcome's estimate
    with its interval (columns ``<outcome>``, ``<outcome>_low``, ``<outcome>_high``).

    Args:
        points: Parameter values of each design point (from the spec or the manifest).
        table: The sweep table.
        outcomes: Names from :data:`sim.read.headline.OUTCOMES`.
    """
    rows = []
    for point, values in enumerate(points):
        for variant, df in frames_by_variant(table, point).items():
            row: dict = {"point": point, "variant": variant, **values}
            for name in outcomes:
                iv = estimate(df, OUTCOMES[name])
                row.update({name: iv.value, f"{name}_low": iv.low, f"{name}_high": iv.high})
            rows.append(row)
    return pd.DataFrame(rows)


def _estimate_cell(row: pd.Series, outcome: str) -> str:
    unit = OUTCOMES[outcome].unit
    return f"{fmt(row[outcome], unit)} {_ci(row[outcome + '_low'], row[outcome + '_high'], unit)}"


def sensitivity_text(exp: Experiment, table: pd.DataFrame) -> str:
    """Per design point estimates, and each parameter's rank correlation with them."""
    d = design_frame(exp.points, table, exp.outcomes)
    lines = [f"{exp.name}: {exp.design_method} design, {len(exp.points)} points x "
             f"{len(exp.variants)} variant(s), {exp.replications:,} replications each, "
             f"seed {exp.seed}", ""]
    short = {p: p.split(".", 1)[1] for p in exp.parameters}
    head = "  ".join(f"{short[p]:>22}" for p in exp.parameters)
    outs = list(exp.outcomes)
    lines.append(f"{'pt':>3} {'variant':<12} {head}  " + "  ".join(f"{o:>26}" for o in outs))
    for _, r in d.iterrows():
        params = "  ".join(f"{r[p]:>22.4g}" if isinstance(r[p], float) else f"{r[p]!s:>22}"
                           for p in exp.parameters)
        cells = "  ".join(f"{_estimate_cell(r, o):>26}" for o in outs)
        lines.append(f"{r['point']:>3} {r['variant']:<12} {params}  {cells}")
    lines += ["", "Spearman rank correlation of each outcome with each parameter, across "
              "design points (base variant):"]
    base = d[d["variant"] == "base"]
    for o in outs:
        parts = []
        for p in exp.parameters:
            x = pd.to_numeric(base[p], errors="coerce").to_numpy(dtype=float)
            y = base[o].to_numpy(dtype=float)
            ok = np.isfinite(x) & np.isfinite(y)
            if ok.sum() >= 3 and np.ptp(x[ok]) > 0 and np.ptp(y[ok]) > 0:
                rho, pval = stats.spearmanr(x[ok], y[ok])
                parts.append(f"{short[p]} {rho:+.2f} (p={pval:.2g})")
            else:
                parts.append(f"{short[p]} n/a")
        lines.append(f"  {o:<26} " + "; ".join(parts))
    return "\n".join(lines) + "\n"


def widest_interval(exp: Experiment, table: pd.DataFrame) -> float:
    """The widest 95% interval of the spec's first outcome: every variant's estimate
    and every paired difference, at every design point (what ``--until-ci`` bounds)."""
    name = exp.outcomes[0]
    widest = 0.0
    for point in range(len(exp.points)):
        cmp = compare(frames_by_variant(table, point), "base", [name])
        widths = list(cmp["high"] - cmp["low"])
        if "diff_high" in cmp:
            widths += list((cmp["diff_high"] - cmp["diff_low"]).dropna())
        for w in widths:
            widest = max(widest, float(w) if not math.isnan(w) else math.inf)
    return widest
