"""What the comparison report says, whatever it is rendered as (HTML or PDF).

Everything is read from the results folder (:mod:`experiments.analysis.saved`): the terms
that differ between variants, with their clauses (from the manifest's cells and
:func:`sim.law.terms.clause_of`); the headline numbers with 95% intervals and paired
differences against the base (:func:`experiments.analysis.compare.compare`); the design's
parameters; and the manifest's facts (seed, replications, versions, git commit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from experiments.analysis.compare import compare

from sim.read.headline import OUTCOMES
from experiments.analysis.saved import Saved, short_name
from experiments.analysis.tables import fmt, verdict
from sim.core import dates
from sim.core.config import as_dict
from sim.law.terms import clause_of, load_terms, term_names

#: The column a one-variant report holds its terms against.
AS_WRITTEN = "as written"


@dataclass(frozen=True)
class DiffRow:
    """One term (or scenario setting) that differs between variants.

    Attributes:
        name: The term, or ``scenario.<path>`` for a scenario override.
        section: Its clause (``§1(a)``), or ``scenario``.
        words: The clause's words (empty for a scenario setting).
        values: The value under each variant, in spec order.
    """

    name: str
    section: str
    words: str
    values: dict[str, Any]


def _flat(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out = {}
    for k, v in table.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def one_variant(saved: Saved) -> bool:
    """Whether the results hold one variant (``regsim run``, or a one-variant spec): its
    report describes the terms' outcomes instead of comparing variants."""
    return len(saved.variants) == 1


def title(saved: Saved) -> str:
    """The report's title."""
    name = saved.manifest["name"]
    return (f"{name}: outcomes under these terms" if one_variant(saved)
            else f"{name}: how the terms move the outcomes")


#: How each shipped policy decides, in a phrase for the report's header.
POLICY_TEXT = {
    "strategic": "the parties decide by the costs they see under each variant's terms "
                 "(strategic policy, docs/decisions.md)",
    "scenario": "the parties act on the scenario's draws, blind to the terms (exogenous "
                "policy)",
    "compliant": "the Company follows the agreement; the Investors act on the scenario's "
                 "draws (compliant policy)",
}


def policy_text(saved: Saved) -> str:
    """Who decides how: the run's policy, named."""
    name = saved.manifest.get("policy") or "scenario"
    return POLICY_TEXT.get(name, f"the parties decide by the policy {name}")


def closing_date(saved: Saved, variant: str = "base", point: int = 0) -> date | None:
    """The closing (deal day 0) of a variant's deals at a design point: a design's
    ``scenario.closing_date``, else the variant's scenario override, else the manifest's
    scenario; None when the results do not record it (made before scenarios had one)."""
    given = saved.points[point].get("scenario.closing_date")
    if given is None:
        over = next((v.get("scenario") or {} for v in saved.manifest["variants"]
                     if v["name"] == variant), {})
        given = over.get("closing_date",
                         (saved.manifest.get("scenario") or {}).get("closing_date"))
    return dates.parse_iso(given)


def closing_text(saved: Saved, point: int = 0) -> str:
    """The sentence naming the closing, day 0 of every deal: ``Day 0 is the closing,
    Sun 30 Mar 2003.`` (one date per variant where the variants close on different
    days)."""
    closings = {v: closing_date(saved, v, point) for v in saved.variants}
    if None in closings.values():
        return ("Days count from the closing (day 0); these results do not record its "
                "date.")
    if len(set(closings.values())) == 1:
        return f"Day 0 is the closing, {dates.label(0, closings[saved.variants[0]])}."
    each = "; ".join(f"{saved.labels[v]} {dates.label(0, c)}" for v, c in closings.items())
    return f"Day 0 is each variant's closing: {each}."


def facts(saved: Saved, point: int = 0) -> str:
    """What was run: variants, design points, replications, seed (and what that buys),
    the policy the parties decided by, and the closing date (day 0)."""
    n, seed = saved.replications, saved.manifest["seed"]
    variants = len(saved.variants)
    head = (f"{variants} variant{'s' if variants > 1 else ''}"
            + (f" × {len(saved.points)} design points" if saved.parameters else ""))
    how = " " + policy_text(saved)[0].upper() + policy_text(saved)[1:] + "."
    when = " " + closing_text(saved, point)
    if one_variant(saved) and not saved.parameters:
        return (f"{head}, {n:,} deals, root seed {seed}: replication r is deal r of the "
                "seed." + how + when)
    return (f"{head}, {n:,} replications each, root seed {seed}: replication r of every "
            "variant meets the same random future (deal r), so differences are the "
            "terms' doing." + how + when)


#: The deal days the calendar rows name: (column of the outcome row, what it is).
CALENDAR = (("demand_day", "median Demand Notice"), ("effective_day", "median effective"))


def calendar(saved: Saved, point: int = 0) -> list[tuple[str, dict[str, str]]]:
    """The median deal days of the first Demand Notice and of effectiveness as dates,
    per variant (deals with a Demand Notice; never effective counts as later than any
    day, so a median past the deals' end reads "never"): ``(what, {variant: "Mon 30 Jun
    2003 (day 92)"})``. Empty when the closing date is not recorded or the table lacks
    the columns."""
    frames = saved.frames(point)
    rows: list[tuple[str, dict[str, str]]] = []
    for col, what in CALENDAR:
        cells = {}
        for v in saved.variants:
            closing, df = closing_date(saved, v, point), frames[v]
            if closing is None or col not in df or "demand_day" not in df:
                return []
            with_demand = df[df["demand_day"].notna()]
            if not len(with_demand):
                cells[v] = "no Demand Notice"
                continue
            x = with_demand[col].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
            q = float(np.quantile(x, 0.5, method="inverted_cdf"))
            cells[v] = ("never" if math.isinf(q)
                        else f"{dates.label(int(q), closing)} (day {q:.0f})")
        rows.append((what, cells))
    return rows


def diff_heading(saved: Saved) -> str:
    """The heading of the terms table."""
    return ("Terms that differ from the agreement as written" if one_variant(saved)
            else "Terms that differ")


def diff_hint(saved: Saved) -> str:
    """How to read the terms table."""
    return ("bold: the value run; grey: as written" if one_variant(saved)
            else "bold: the variant's value; grey: as the base")


def diff_columns(saved: Saved) -> list[tuple[str, str]]:
    """The terms table's value columns, ``(key, label)``: every variant; with one variant,
    the agreement as written, then the variant."""
    labels = saved.labels
    cols = [(v, labels[v]) for v in saved.variants]
    return [(AS_WRITTEN, "agreement as written")] + cols if one_variant(saved) else cols


def no_diff_text(saved: Saved) -> str:
    """What the terms table says when no term differs."""
    if one_variant(saved):
        return "Every term is the agreement as written."
    return "The variants share every term" + (" at this design point" if saved.parameters
                                               else "") + "."


def terms_diff(saved: Saved, point: int = 0) -> list[DiffRow]:
    """The terms whose value is not the same in every column of :func:`diff_columns` at
    ``point`` (with one variant: the terms it changes from the agreement as written), in
    the order of the terms, then each variant's scenario overrides."""
    cells = {v: saved.terms(v, point) for v in saved.variants}
    if one_variant(saved):
        cells = {AS_WRITTEN: as_dict(load_terms(None)), **cells}
    rows = []
    for name in term_names():
        if any(name not in recorded for recorded in cells.values()):
            continue            # a term newer than the results folder: not compared
        values = {v: cells[v][name] for v in cells}
        if len({repr(x) for x in values.values()}) > 1:
            c = clause_of(name)
            rows.append(DiffRow(name, c.section, c.words, values))
    overrides = {v["name"]: _flat(v.get("scenario") or {}) for v in saved.manifest["variants"]}
    for key in dict.fromkeys(k for o in overrides.values() for k in o):
        values = {v: overrides.get(v, {}).get(key, "(base scenario)") for v in cells}
        rows.append(DiffRow(f"scenario.{key}", "scenario", "", values))
    return rows


def value_text(value: Any) -> str:
    """A term value as a reader sees it: ``true``, ``45``, ``investors_first``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Cell:
    """One headline cell: an estimate and, for a variant, its paired difference."""

    estimate: str
    interval: str
    diff: str = ""
    diff_interval: str = ""
    significant: bool = False
    verdict: str = ""


def _num(value: float, unit: str, signed: bool = False) -> str:
    """A headline number, short: dollars as ``$214k`` or ``$1.2k``, else as
    :func:`experiments.analysis.tables.fmt` writes it."""
    if unit != "USD" or not math.isfinite(value) or abs(value) < 1000:
        return fmt(value, unit, signed)
    sign = "-" if value < 0 else ("+" if signed else "")
    k = abs(value) / 1000
    return f"{sign}${k:,.0f}k" if k >= 10 else f"{sign}${k:.1f}k"


def _ci(low: float, high: float, unit: str, signed: bool = False) -> str:
    """An interval without repeating the unit: ``[1.1, 6.4]`` (percent or points),
    ``[98, 114]``, ``[-$1.6k, +$525]``."""
    if unit == "probability" and math.isfinite(low) and math.isfinite(high):
        f = "+.1f" if signed else ".1f"
        return f"[{low * 100:{f}}, {high * 100:{f}}]"
    return f"[{_num(low, unit, signed)}, {_num(high, unit, signed)}]"


def _delta(value: float, unit: str) -> str:
    """A paired difference, short: ``-2.5 pts``, ``-27``, ``-$537``."""
    if unit == "probability" and math.isfinite(value):
        return f"{value * 100:+.1f} pts"
    return _num(value, unit, True)


def headline(saved: Saved, point: int = 0) -> list[tuple[str, str, dict[str, Cell]]]:
    """Per headline outcome: (label, clause, cell per variant).

    A difference is ``significant`` when its paired 95% interval excludes zero; it then
    says whom it serves (:meth:`sim.read.headline.Outcome.verdict`), as the text tables do.
    """
    if not saved.outcomes:
        return []
    cmp = compare(saved.frames(point), "base", saved.outcomes)
    out = []
    for name in saved.outcomes:
        o = OUTCOMES[name]
        cells = {}
        for _, r in cmp[cmp["outcome"] == name].iterrows():
            cell = Cell(_num(r["estimate"], o.unit), _ci(r["low"], r["high"], o.unit))
            if r["variant"] != "base":
                lo, hi = r["diff_low"], r["diff_high"]
                sig = bool(not math.isnan(lo) and not math.isnan(hi) and (lo > 0 or hi < 0))
                cell = Cell(cell.estimate, cell.interval, _delta(r["diff"], o.unit),
                            _ci(lo, hi, o.unit, True), sig,
                            verdict(o, r["diff"], lo, hi))
            cells[r["variant"]] = cell
        out.append((o.label.replace(" -> ", " → "), o.clause, cells))
    return out


#: How the report's intervals are made (printed at the foot).
INTERVALS = ("95%; quantiles: order statistics, paired bootstrap (never effective counts); "
             "probabilities: Clopper-Pearson, paired t; money: t (experiments/analysis/compare.py)")


def provenance(saved: Saved) -> list[tuple[str, str]]:
    """The manifest facts printed at the foot of the report."""
    m = saved.manifest
    versions = ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items())
    design = m.get("design", {})
    facts = [("experiment", f"{m['name']} ({m.get('spec_file') or 'no spec file'})"),
             ("root seed", str(m["seed"])),
             ("replications", f"{m['replications']:,} per variant and design point "
                              f"(replication r of every variant is deal r of the seed)"),
             ("variants", ", ".join(saved.variants)),
             ("design", f"{design.get('method')}, {len(saved.points)} points"
              if saved.parameters else "none (one point)"),
             ("policy, task size", f"{m.get('policy')}, {m.get('task_size')} replications"),
             ("fingerprint", str(m.get("fingerprint"))),
             ("git commit", str(m.get("git_commit") or "unknown")), ("versions", versions),
             ("intervals", INTERVALS)]
    return facts


def design_rows(saved: Saved) -> list[tuple[str, str, str]]:
    """The swept parameters: (parameter, clause, values or range)."""
    spec = saved.manifest.get("spec", {}).get("design", {}).get("parameters", {})
    rows = []
    for p in saved.parameters:
        section = "scenario"
        if p.startswith("terms."):
            section = clause_of(short_name(p)).section
        given = spec.get(p, {})
        if "values" in given:
            values = ", ".join(value_text(v) for v in given["values"])
        elif "low" in given:
            values = f"{value_text(given['low'])} to {value_text(given['high'])}"
        else:
            values = ", ".join(dict.fromkeys(value_text(pt[p]) for pt in saved.points))
        rows.append((short_name(p), section, values))
    return rows


# --- a sensitivity study (regsim sensitivity) ----------------------------------------------
@dataclass(frozen=True)
class IndexTable:
    """One analysis of a sensitivity study as the report's table shows it.

    Attributes:
        label: What was analysed (a column in a variant, or a paired difference).
        chance: The chance share with its interval, in words.
        never: Deals whose day counted as the cap or the horizon, in words, and when
            S1 and ST are n/a, why (or empty).
        head: The column headings.
        rows: One row of cells per parameter.
    """

    label: str
    chance: str
    never: str
    head: tuple[str, ...]
    rows: list[tuple[str, ...]]


def index_tables(study) -> list[IndexTable]:
    """Per analysis of a :class:`experiments.analysis.discovery.Study`: the indices
    with intervals and the chance share beside them, as ``regsim sensitivity`` prints
    them (:func:`experiments.analysis.sensitivity.text`)."""
    from experiments.analysis import sensitivity as sa

    exp, results = study.exp, study.results
    all_rows = sa.rows(exp, results)
    out = []
    for r in results:
        mine = [row for row in all_rows if row["label"] == r.label]
        c = r.chance
        chance = ("n/a (at least 4 trajectories and 3 replications)" if c is None
                  else sa._ci(c.value, c.low, c.high).strip())
        never = sa.never_text(exp, r.never) if r.never else ""
        if r.indices is not None and sa.swamped(r):
            never = (never + ". " if never else "") + sa.SWAMPED_TEXT[0].upper() + \
                sa.SWAMPED_TEXT[1:]
        if r.indices is not None:
            head = ("parameter", "S1 [95% CI]", "ST [95% CI]", "S1 of all [95% CI]",
                    "ST of all [95% CI]")
            rows = [(short_name(row["parameter"]), *sa.index_cells(r, row)) for row in mine]
        else:
            head = ("parameter", "mu* [95% CI]", "noise floor", "sigma", "mu")
            rows = [(short_name(row["parameter"]) + (" (stands out)" if row["stands_out"]
                                                     else ""),
                     f"{row['mu_star']:.4g} [{row['mu_star_low']:.4g}, "
                     f"{row['mu_star_high']:.4g}]", f"{row['noise_floor']:.4g}",
                     f"{row['sigma']:.4g}", f"{row['mu']:.4g}")
                    for row in sorted(mine, key=lambda x: -x["mu_star"])]
        out.append(IndexTable(r.label, chance, never, head, rows))
    return out


def index_note(study) -> str:
    """The size of the study and how to read its tables, in words."""
    from experiments.analysis import sensitivity as sa

    exp = study.exp
    k = len(exp.parameters)
    size = (f"{exp.design.base} base samples × ({k} parameters + 2)"
            if exp.design_method == "saltelli" else
            f"{exp.design.trajectories} trajectories × ({k} parameters + 1)")
    levels = exp.design.levels or 4
    return (f"{size} = {len(exp.points):,} design points, {exp.replications:,} replications "
            "each, the same random futures at every point. The chance share is the part of "
            "the variance no parameter explains, whatever they are set to. "
            + sa.HOW_TO_READ[exp.design_method].format(delta=levels / (2 * (levels - 1))))


def discovery_note(study) -> str:
    """How the discoveries were made, in words."""
    exp = study.exp
    points = ("the A and B rows of each base sample, as the others repeat all but one "
              "of their coordinates" if exp.design_method == "saltelli"
              else "each trajectory's first point")
    return ("PRIM (EMA Workbench) peels the region of the swept assumptions where the "
            f"outcome is worst, on independent design points ({points}); half of them "
            "judge the region it found. A region is claimed only when its share of bad "
            "points is above the share everywhere, intervals over points and futures.")
