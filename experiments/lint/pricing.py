"""The contract lint, priced: how often each finding bites and what each reading costs.

``regsim lint --runs N`` plays deals ``0 .. N-1`` of one seed under the terms as given
and, for every alternative value of every switch a finding names, under the terms with
that one switch changed. Every variant meets the same random futures (common random
numbers: same seed, same deal indices), so differences are paired.

* **Probability it bites** -- the share of the N deals (all of them, with or without a
  Demand Notice) in which the finding's situation occurs under the terms as given, read
  from each deal's event log by the finding's bite rule (:data:`experiments.lint.bites.BITES`,
  each stating what it counts), with its exact Clopper-Pearson 95% interval.
* **Effects** -- for each alternative reading, the paired difference (variant - as
  given) of each headline outcome (:data:`HEADLINE`: :data:`sim.read.headline.OUTCOMES`
  plus a few the findings need), with the 95% interval of
  :func:`experiments.analysis.compare.paired_difference`. Only outcomes that differ in at least one
  deal are printed; ``--json`` gives them all.

The parties act on the scenario's draws (the exogenous policy, :data:`POLICY`): a bite
rule asks whether the parties' natural pace runs into the reading in question, and
each verdict that flips under another reading must be that same deal's. What the
parties do once they weigh the terms is a sweep's question (``regsim compare``, the
strategic policy, docs/decisions.md).

Text and JSON rendering of a lint report (priced or not) are here too.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import pandas as pd

from experiments.analysis.compare import Difference, paired_difference

from sim.read.headline import OUTCOMES, Outcome
from experiments.analysis.summary import Interval, proportion_with_ci
from experiments.lint.core import Finding, LintReport, Switch, switch_dict
from experiments.lint.bites import BITES, by_kind
from sim.deal.model import DealModel
from sim.deal.batch import CHUNK, chunks, run_deals
from sim.world.scenario import Scenario
from sim.law.terms import Terms

#: Headline outcomes compared between readings: the analysis registry and a few more.
HEADLINE: dict[str, Outcome] = {**OUTCOMES, **{o.name: o for o in (
    Outcome("demand_made", "demands_made", "p", "§1(a)", "a Demand Notice was sent",
            "probability", demand_only=False),
    Outcome("joinder_late", "joinders_late", "p", "§1(a)",
            "a request to be included came too late", "probability"),
    Outcome("cooldown_held", "cooldown_days", "p", "§1(c)", "filing held by a cooldown",
            "probability"),
    Outcome("cooldown_days", "cooldown_days", "mean", "§1(c)", "days filing held by a cooldown",
            "days"),
    Outcome("piggyback_late", "piggyback_rejected", "p", "§3(a)",
            "a Piggy-back Request came too late", "probability", demand_only=False),
)}}

#: The policy the lint plays deals under: the parties' natural pace, blind to the terms.
POLICY = "scenario"


# --- pricing ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Effect:
    """The paired change of one headline outcome under one alternative reading."""

    switch: str
    value: Any
    outcome: Outcome
    difference: Difference


@dataclass(frozen=True)
class Priced:
    """A finding's probability of biting and the effects of its alternative readings."""

    bite: str
    count: int
    probability: Interval
    effects: tuple[Effect, ...]


@dataclass(frozen=True)
class Pricing:
    """The priced part of a lint: per finding id, and how it was run."""

    runs: int
    seed: int
    findings: dict[str, Priced]


def bite_table(terms: Terms, scenario: Scenario, seed: int, runs: int,
               ids: Iterable[str], progress: Callable[[int], None] | None = None
               ) -> pd.DataFrame:
    """One row per deal ``0 .. runs-1``, one boolean column per finding id: whether it bit.

    The deals are played on one model, in the runner's chunks, so deal *k* is the same
    future as in :func:`sim.deal.batch.run_deals` with the same seed.
    """
    ids = list(ids)
    model = DealModel(terms, scenario, seed, policy=POLICY)
    rows = []
    for chunk in chunks(model, 0, runs, CHUNK):
        for deal in chunk:
            log = by_kind(model.run(deal))
            rows.append({i: BITES[i].fn(log, terms) for i in ids})
        if progress is not None:
            progress(len(chunk))
    return pd.DataFrame(rows, columns=ids, dtype=bool)


def _variants(findings: Iterable[Finding]) -> list[tuple[str, Any]]:
    """Every (switch, alternative value) the findings name, once each."""
    return list(dict.fromkeys((s.name, alt) for f in findings for s in f.switches
                              for alt in s.alternatives))


def price(report: LintReport, terms: Terms, scenario: Scenario, seed: int, runs: int, *,
          progress: Callable[[int], None] | None = None) -> Pricing:
    """Probability each finding of ``report`` bites, and the paired effect of each reading.

    Args:
        report: The static lint of ``terms`` in ``scenario``.
        terms, scenario: What was linted.
        seed: Root seed; every variant plays deals ``0 .. runs-1`` of it.
        runs: Deals per variant.
        progress: Called with the number of deals finished (all variants together).

    Returns:
        A :class:`Pricing` keyed by finding id.
    """
    ids = [f.id for f in report.findings]
    bites = bite_table(terms, scenario, seed, runs, ids, progress)
    base = run_deals(terms, scenario, seed, 0, runs, progress=progress, policy=POLICY)
    tables = {}
    for name, value in _variants(report.findings):
        variant = dataclasses.replace(terms, **{name: value})
        tables[name, value] = run_deals(variant, scenario, seed, 0, runs, progress=progress,
                                        policy=POLICY)
    effects = {(name, value): tuple(Effect(name, value, o, paired_difference(base, df, o))
                                    for o in HEADLINE.values())
               for (name, value), df in tables.items()}
    priced = {}
    for f in report.findings:
        k = int(bites[f.id].sum())
        mine = tuple(e for s in f.switches for alt in s.alternatives for e in effects[s.name, alt])
        priced[f.id] = Priced(BITES[f.id].what, k, proportion_with_ci(k, runs), mine)
    return Pricing(runs, seed, priced)


def deals_to_play(report: LintReport, runs: int) -> int:
    """Deals :func:`price` plays in all (for a progress bar)."""
    return runs * (2 + len(_variants(report.findings)))


# --- rendering --------------------------------------------------------------------------------
BOUNDS_NOTE = ("finite-support distributions (fixed, uniform, choice, lognormal with max) at "
               "their support; unbounded ones (lognormal without max, exponential) at their "
               "{q:g}% quantile (and {lo:g}% below); whole days rounded up as the engine does")


def _value(v: Any) -> str:
    return json.dumps(v) if isinstance(v, str) else str(v)


def _switch_text(s: Switch) -> str:
    alts = ", ".join(_value(a) for a in s.alternatives)
    return f"{s.name} = {_value(s.value)}" + (f" (alternatives: {alts})" if alts else "")


def _fmt(x: float, unit: str) -> str:
    if not math.isfinite(x):
        return "never" if x > 0 else "n/a"
    if unit == "probability":
        return f"{100 * x:+.1f} pp"
    if unit == "USD":
        return f"{'+' if x >= 0 else '-'}${abs(x):,.0f}"
    return f"{x:+.1f} d" if unit == "days" and x != round(x) else f"{x:+.0f} d"


def _effect_line(e: Effect) -> str:
    d, u = e.difference, e.outcome.unit
    return (f"      {e.outcome.label:<48} {_fmt(d.value, u):>9}  [{_fmt(d.low, u)}, "
            f"{_fmt(d.high, u)}]  {d.differing:,} of {d.n:,} deals differ")


def clear(e: Effect) -> bool:
    """Whether the paired 95% interval of the change excludes zero."""
    d = e.difference
    return d.differing > 0 and (d.low > 0 or d.high < 0)


#: Printed for every reading, whether or not it moves: the headline of the headlines.
ALWAYS = ("days_to_effective",)


def _reading_lines(effects: list[Effect]) -> list[str]:
    """One reading's effects: the headline, every clear change, a count of the rest."""
    shown = [e for e in effects if e.outcome.name in ALWAYS or clear(e)]
    rest = [e for e in effects if e not in shown and e.difference.differing > 0]
    lines = [_effect_line(e) for e in shown]
    if rest:
        lines.append(f"      (+{len(rest)} outcome(s) differ in some deals, 95% CI spans 0: "
                     + ", ".join(e.outcome.name for e in rest) + ")")
    if not any(e.difference.differing for e in effects):
        lines = ["      no headline outcome differs in any deal"]
    return lines


def _priced_lines(p: Priced, pricing: Pricing, shown: dict[tuple[str, Any], str],
                  finding_id: str) -> list[str]:
    iv = p.probability
    lines = [f"  bites:      {iv.value:.1%} of deals [{iv.low:.1%}, {iv.high:.1%}] "
             f"({p.count:,} of {pricing.runs:,}): {p.bite}"]
    by_variant: dict[tuple[str, Any], list[Effect]] = defaultdict(list)
    for e in p.effects:
        by_variant[e.switch, e.value].append(e)
    if by_variant:
        lines.append("  readings:   change vs the terms as given (paired, 95% CI)")
    for key, effects in by_variant.items():
        head = f"    {key[0]} = {_value(key[1])}"
        if key in shown:
            lines.append(f"{head}: see {shown[key]} above")
            continue
        shown[key] = finding_id
        lines += [head] + _reading_lines(effects)
    return lines


def _summary(report: LintReport, pricing: Pricing | None) -> list[str]:
    """Counts by severity and one row per finding (its switch, or its probability)."""
    counts = {s: sum(f.severity == s for f in report.findings)
              for s in ("error", "warning", "info")}
    out = [f"{len(report.findings)} findings: {counts['error']} errors, "
           f"{counts['warning']} warnings, {counts['info']} info", "",
           f"{'severity':<9} {'id':<38} {'kind':<6} {'clauses':<14}"
           + (" P(bites)" if pricing else " switch (value in force)")]
    for f in report.findings:
        row = f"{f.severity:<9} {f.id:<38} {f.kind:<6} {' '.join(f.clauses):<14}"
        if pricing:
            iv = pricing.findings[f.id].probability
            row += f" {iv.value:6.1%} [{iv.low:.1%}, {iv.high:.1%}]"
        else:
            row += " " + ", ".join(f"{s.name} = {_value(s.value)}" for s in f.switches[:1])
        out.append(row)
    return out


def _finding_lines(f: Finding) -> list[str]:
    return ["", f"[{f.severity}] {f.id}  ({f.kind}; {', '.join(f.clauses)})",
            f"  words:      \"{f.words}\"", f"  fails if:   {f.condition}",
            f"  why:        {f.message}",
            "  switches:   " + ("; ".join(_switch_text(s) for s in f.switches) or "none")]


def _switch_lines(report: LintReport) -> list[str]:
    """The switches still at their default (with the findings citing them), the switches
    the terms set, and the gaps those settings resolve."""
    out = ["", "Interpretation switches at their default:"]
    for s in report.switches:
        if s.at_default:
            cited = ", ".join(report.covering(s.name)) or "no finding under these terms"
            alts = ", ".join(_value(a) for a in s.alternatives)
            out.append(f"  {s.name:<23} {s.section:<13} {_value(s.value):<20} "
                       f"alternatives: {alts}; findings: {cited}")
    changed = [s for s in report.switches if not s.at_default]
    out.append("Switches these terms set: " + (", ".join(
        f"{s.name} = {_value(s.value)} (default {_value(s.default)})" for s in changed)
        or "none"))
    if report.resolved:
        out.append("Gaps resolved by these terms: " + "; ".join(
            f"{gid} ({', '.join(s.name for s in sws)})" for gid, sws in report.resolved))
    return out


def render_text(report: LintReport, terms_label: str, scenario_label: str,
                pricing: Pricing | None = None) -> str:
    """The lint as a readable report: a summary table, each finding in full (with its
    probability and readings when priced), then the switches."""
    q = 100 * report.quantile
    out = [f"regsim lint -- terms: {terms_label}; scenario: {scenario_label}",
           "bounds: " + BOUNDS_NOTE.format(q=q, lo=100 - q)]
    if pricing is not None:
        out.append(f"priced: {pricing.runs:,} deals per variant, seed {pricing.seed}, common "
                   "random numbers")
    out += [""] + _summary(report, pricing)
    shown: dict[tuple[str, Any], str] = {}
    for f in report.findings:
        out += _finding_lines(f)
        if pricing is not None:
            out += _priced_lines(pricing.findings[f.id], pricing, shown, f.id)
    out += _switch_lines(report)
    return "\n".join(out) + "\n"


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _effect_dict(e: Effect) -> dict[str, Any]:
    d = e.difference
    return {"switch": e.switch, "value": e.value, "outcome": e.outcome.name,
            "label": e.outcome.label, "unit": e.outcome.unit, "statistic": e.outcome.statistic,
            "diff": _finite(d.value), "low": _finite(d.low), "high": _finite(d.high),
            "n": d.n, "differing": d.differing}


def to_json(report: LintReport, terms_label: str, scenario_label: str,
            pricing: Pricing | None = None) -> dict[str, Any]:
    """The lint as plain data (``--json``); a non-finite number (never effective) is null."""
    findings = []
    for f in report.findings:
        row = f.to_dict()
        p = pricing.findings[f.id] if pricing else None
        row["probability"] = None if p is None else {
            "value": p.probability.value, "low": p.probability.low,
            "high": p.probability.high, "count": p.count, "n": pricing.runs, "bite": p.bite}
        row["effects"] = None if p is None else [_effect_dict(e) for e in p.effects]
        findings.append(row)
    return {"terms": terms_label, "scenario": scenario_label,
            "bounds": {"quantile": report.quantile,
                       "rule": BOUNDS_NOTE.format(q=100 * report.quantile,
                                                  lo=100 - 100 * report.quantile)},
            "runs": None if pricing is None else {"n": pricing.runs, "seed": pricing.seed},
            "findings": findings,
            "switches": [dict(switch_dict(s), clause_words=s.words,
                              findings=report.covering(s.name)) for s in report.switches],
            "resolved": [{"id": gid, "switches": [s.name for s in sws]}
                         for gid, sws in report.resolved]}
