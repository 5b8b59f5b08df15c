"""Calibration: the issuer's own record against the model (``regsim calibration``).

BestNet filed three resale statements around this deal (SEC EDGAR, CIK 799694; see
``docs/calibration.md``). A scenario that claims to describe the issuer's world must make
each of them a plausible outcome, not only its median deal:

* filed Nov 27, 2002, effective Jan 3, 2003: 37 days from filing, not reviewed;
* this deal's own statement: prospectus dated May 19, 2003, day 50 after the closing
  (effective on or before it);
* filed about June 2002, still amending in October 2002: over four months (120 days)
  from filing, reviewed.

A fact is *plausible* when it lies between the model's 2.5th and 97.5th percentiles
(both tails of the model's distribution beyond the figure hold at least 2.5% of the
deals; for "over four months", a lower bound, only the upper tail counts). The SEC's
published review statistics are checked against ranges that carry their sources.

Run ``python3 -m experiments.analysis.calibration [--deals N] [--seed S]``, or
``regsim calibration``. Deals are played with the engine and their rows computed by
:func:`sim.read.outcomes.outcomes`; only the day of the first comment letter, not an
outcome column, is read from the log here.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from experiments.analysis.summary import Interval, mean_with_ci, proportion_with_ci
from sim.engine import events as ev
from sim.deal.model import DealModel
from sim.read.outcomes import outcomes
from sim.deal.batch import CHUNK, chunks
from sim.world.scenario import Scenario
from sim.law.terms import Terms

DEFAULT_DEALS = 20_000
TAIL = 0.025            # plausible: at least 2.5% of the model's deals on each side


@dataclass(frozen=True)
class Fact:
    """One of the issuer's statements: a figure the model must make plausible.

    Attributes:
        label: What the statement was (dates, source).
        column: Outcome column holding the model's figure.
        reviewed: Only deals whose first statement was (True) / was not (False) reviewed;
            None: every deal with a demand (a never-effective deal counts as +infinity).
        days: The known figure in days.
        lower_bound: The figure is only a lower bound ("over four months"): only the
            upper tail counts.
    """

    label: str
    column: str
    reviewed: bool | None
    days: int
    lower_bound: bool = False


FACTS = (
    Fact("Nov 27, 2002 statement, not reviewed: effective Jan 3, 2003, 37 days after filing",
         "days_filing_to_effective", False, 37),
    Fact("this deal's statement: prospectus May 19, 2003, effective by day 50 after closing",
         "effective_day", None, 50),
    Fact("June 2002 statement, reviewed: still amending in Oct 2002, over 4 months (120 days)",
         "days_filing_to_effective", True, 120, lower_bound=True),
)


@dataclass(frozen=True)
class Target:
    """A published review statistic and the range the model's figure should fall in."""

    label: str
    source: str
    low: float
    high: float
    percent: bool = False


TARGETS = {
    "first_comment": Target("mean days filing -> first comment letter", "about 25; 30-day "
                            "staff target (SEC FY2012, solid)", 20.0, 30.0),
    "letters": Target("mean comment letters per review", "about 1.4 (2020-24, solid)",
                      1.3, 1.6),
    "within_two": Target("reviews ending within 2 letters", "92% (2020-24, solid)",
                         0.88, 0.96, percent=True),
    "within_60": Target("reviews complete within 60 days of filing", "77% all filing types "
                        "(2020-24, solid); small-cap resale slower (weak)", 0.60, 0.85,
                        percent=True),
    "review_days": Target("mean days filing -> effective, reviewed", "49 five-year average, "
                          "about 60 in 2024 (Deloitte DART, solid)", 45.0, 65.0),
}


@dataclass(frozen=True)
class FactCheck:
    """The model's distribution around one fact."""

    fact: Fact
    n: int
    at_most: Interval           # P(X <= days), exact 95% interval
    at_least: Interval          # P(X >= days)
    percentile: float           # mid-rank percentile of the figure, in [0, 100]
    q025: float
    q975: float

    @property
    def plausible(self) -> bool:
        """Both tails beyond the figure hold >= 2.5% (only the upper one for a bound)."""
        if self.n == 0:
            return False
        return self.at_least.value >= TAIL and (self.fact.lower_bound
                                                or self.at_most.value >= TAIL)


@dataclass(frozen=True)
class StatCheck:
    """The model's value of one published review statistic."""

    target: Target
    value: Interval

    @property
    def consistent(self) -> bool:
        return self.target.low <= self.value.value <= self.target.high


def first_comment_days(log) -> int | None:
    """Days from the first filed statement to its first comment letter (None: no review)."""
    cycle = filed = None
    for day, kind, _actor, _clause, d in log:
        if kind == ev.STATEMENT_FILED and cycle is None:
            cycle, filed = d["cycle"], day
        elif kind == ev.COMMENTS_RECEIVED and d["cycle"] == cycle and d["round"] == 1:
            return day - filed
    return None


def play(terms: Terms, scenario: Scenario, seed: int, deals: int, *,
         progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Play deals ``[0, deals)``: their outcome rows plus ``days_filing_to_first_comment``."""
    model = DealModel(terms, scenario, seed)
    rows = []
    for chunk in chunks(model, 0, deals, CHUNK):
        for deal in chunk:
            log = model.run(deal)
            row = outcomes(log, terms)
            row["days_filing_to_first_comment"] = first_comment_days(log)
            rows.append(row)
        if progress is not None:
            progress(len(chunk))
    return pd.DataFrame(rows)


def _values(df: pd.DataFrame, column: str, reviewed: bool | None) -> np.ndarray:
    sub = df[df["demand_day"].notna()]
    if reviewed is not None:
        sub = sub[sub["reviewed"].eq(reviewed) & sub["days_filing_to_effective"].notna()]
    return pd.to_numeric(sub[column], errors="coerce").fillna(np.inf).to_numpy(dtype=float)


def check_fact(df: pd.DataFrame, fact: Fact) -> FactCheck:
    """Where ``fact`` falls in the model's distribution."""
    x = _values(df, fact.column, fact.reviewed)
    n = len(x)
    below, equal = int((x < fact.days).sum()), int((x == fact.days).sum())
    q = (lambda p: float(np.quantile(x, p, method="inverted_cdf"))) if n else (lambda p: math.nan)
    return FactCheck(fact, n, proportion_with_ci(below + equal, n),
                     proportion_with_ci(n - below, n),
                     100.0 * (below + equal / 2) / n if n else math.nan, q(0.025), q(0.975))


def check_review(df: pd.DataFrame) -> dict[str, StatCheck]:
    """The published review statistics, over deals whose first statement was reviewed."""
    rev = df[df["reviewed"].eq(True) & df["days_filing_to_effective"].notna()]
    letters = rev["comment_letters"].to_numpy(dtype=float)
    days = rev["days_filing_to_effective"].to_numpy(dtype=float)
    first = pd.to_numeric(rev["days_filing_to_first_comment"]).dropna().to_numpy(dtype=float)
    n = len(rev)
    values = {
        "first_comment": mean_with_ci(first),
        "letters": mean_with_ci(letters),
        "within_two": proportion_with_ci(int((letters <= 2).sum()), n),
        "within_60": proportion_with_ci(int((days <= 60).sum()), n),
        "review_days": mean_with_ci(days),
    }
    return {k: StatCheck(TARGETS[k], v) for k, v in values.items()}


def _days(x: float) -> str:
    return "never" if math.isinf(x) else f"{x:.0f}"


def _pct(iv: Interval) -> str:
    return f"{iv.value:6.1%} [{iv.low:.1%}, {iv.high:.1%}]"


def report_text(facts: list[FactCheck], stats: dict[str, StatCheck], deals: int,
                seed: int) -> str:
    """The printed calibration report; every check ends in its verdict."""
    lines = [f"{deals:,} deals, seed {seed}. A fact is plausible when it lies between the "
             f"model's 2.5th and 97.5th percentiles.", "", "The issuer's own resale statements:"]
    for c in facts:
        f = c.fact
        who = {True: "reviewed statements", False: "statements not reviewed",
               None: "deals with a demand"}[f.reviewed]
        lines.append(f"  {f.label}")
        lines.append(f"    model ({c.n:,} {who}): 2.5%-97.5% [{_days(c.q025)}, {_days(c.q975)}] "
                     f"days; {f.days} days is the {c.percentile:.1f}th percentile")
        lines.append(f"    P({f.column} <= {f.days}) {_pct(c.at_most)}   "
                     f"P(>= {f.days}) {_pct(c.at_least)}")
        lines.append(f"    verdict: {'plausible' if c.plausible else 'IMPLAUSIBLE'}")
    lines += ["", "SEC review statistics (first statement, reviewed; 95% CI):"]
    for s in stats.values():
        t, v = s.target, s.value
        fmt = (lambda x: f"{x:.1%}") if t.percent else (lambda x: f"{x:.2f}")
        lines.append(f"  {t.label:<43} {fmt(v.value):>6} [{fmt(v.low)}, {fmt(v.high)}]  "
                     f"target {fmt(t.low)}-{fmt(t.high)}: "
                     f"{'consistent' if s.consistent else 'OFF TARGET'}")
        lines.append(f"    ({t.source})")
    ok = all(c.plausible for c in facts)
    lines += ["", f"verdict: {sum(c.plausible for c in facts)} of {len(facts)} of the "
              f"issuer's statements plausible" + ("" if ok else " -- CALIBRATION FAILS")]
    return "\n".join(lines) + "\n"


def calibrate(terms: Terms, scenario: Scenario, seed: int = 0, deals: int = DEFAULT_DEALS, *,
              progress: Callable[[int], None] | None = None
              ) -> tuple[list[FactCheck], dict[str, StatCheck]]:
    """Play ``deals`` deals and check the issuer's three statements and the review figures."""
    df = play(terms, scenario, seed, deals, progress=progress)
    return [check_fact(df, f) for f in FACTS], check_review(df)


def main(argv: list[str] | None = None) -> int:
    """Command line: print the report; exit status 1 if a statement is implausible."""
    from sim.world.scenario import load_scenario
    from sim.law.terms import load_terms

    p = argparse.ArgumentParser(prog="python3 -m experiments.analysis.calibration", description=__doc__
                                .split("\n\n")[0])
    p.add_argument("--deals", type=int, default=DEFAULT_DEALS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--terms", default=None, help="terms TOML (default: the agreement)")
    p.add_argument("--scenario", default=None, help="scenario TOML (default: bestnet-2003)")
    a = p.parse_args(argv)
    facts, stats = calibrate(load_terms(a.terms), load_scenario(a.scenario), a.seed, a.deals)
    print(report_text(facts, stats, a.deals, a.seed), end="")
    return 0 if all(c.plausible for c in facts) else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
