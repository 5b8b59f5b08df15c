"""Summaries of an outcome table with honest intervals.

* Quantiles of days demand -> effective use every deal with a demand; a deal that never
  became effective counts as +infinity (it did not happen within the deal), so the
  quantiles are not flattered by dropping the slow futures.
* The median's 95% interval is the distribution-free order-statistic interval (exact
  binomial ranks: the sample median's rank is Binomial(n, 1/2)).
* Probabilities carry exact (Clopper-Pearson) 95% intervals from ``scipy.stats``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from sim.core import dates

#: Outcome flags summarised as probabilities, with the clause each concerns.
PROBABILITIES = (
    ("company_notice_late", "§1(a)", "Company Notice late ('promptly')"),
    ("window_empty", "§1(a)", "filing window empty"),
    ("filing_deadline_missed", "§1(a)", "filing deadline missed (Company)"),
    ("filing_delayed_by_investor", "§6", "filing late for a late §6 answer"),
    ("effectiveness_target_missed", "§1(a)", "120-day target missed"),
    ("target_miss_breach", "§1(a)", "... and caused by the Company (breach)"),
    ("delay_used", "§1(d)", "delay right used"),
    ("withdrawn_mai", "§1(c)", "withdrawn after material adverse info"),
    ("second_demand_made", "§1(a)", "second demand (capital shortfall)"),
    ("registration_notice_late", "§3(a)", "Registration Notice after filing"),
    ("piggybacked", "§3(a)", "an Investor piggy-backed"),
    ("cut_back", "§3(c)", "an underwriter cut Investors back"),
)

#: Money outcomes summarised as means per deal.
MEANS = (
    ("company_expenses_usd", "§4", "Registration Expenses paid by the Company"),
    ("seller_costs_usd", "§4", "discounts and commissions paid by sellers"),
    ("loss_company_usd", "§5", "claim losses borne by the Company"),
    ("loss_investors_usd", "§5", "claim losses borne by Investors"),
)


#: The money the summary leads with (docs/money.md): the value of the right to the
#: Investors, then what the rights cost the Company, in all and by kind.
MONEY = (
    ("value_to_investors_usd", "§1, §3", "value of the registrations to the Investors"),
    ("company_cost_usd", "§4, §5", "what the registration rights cost the Company"),
    ("rights_expenses_usd", "§4", "  Registration Expenses of their registrations"),
    ("damages_usd", "PIPE RRA", "  liquidated damages paid"),
    ("loss_company_usd", "§5", "  claim losses borne by the Company"),
    ("hold_back_cost_usd", "§1(d)", "  its own offering held back"),
)

#: The columns :func:`summary_text` reads (a saved table need not hold more).
SUMMARY_COLUMNS = (("error", "demand_day", "effective_day", "days_demand_to_effective",
                    "piggyback_requests", "cutbacks", "investment_usd", "registration_required")
                   + tuple(col for col, _, _ in PROBABILITIES
                           if col not in ("piggybacked", "cut_back"))
                   + tuple(dict.fromkeys(col for col, _, _ in MONEY + MEANS)))


def _usd(x: float) -> str:
    """Dollars with the sign before the symbol: ``$1,155``, ``-$26``."""
    return f"-${-x:,.0f}" if round(x) < 0 else f"${abs(x):,.0f}"


def _money_lines(df: pd.DataFrame) -> list[str]:
    """The money block of the summary (empty for a table older than the money columns)."""
    if not all(col in df and df[col].notna().any() for col, _, _ in MONEY[:2]):
        return []
    lines = ["Money per deal (mean, 95% CI; docs/money.md):"]
    for col, clause, label in MONEY:
        if col not in df:
            continue
        iv = mean_with_ci(df[col].astype(float).fillna(0.0).to_numpy(dtype=float))
        if label.startswith("  ") and iv.value == 0:
            continue                       # a kind these terms never pay
        line = (f"  {label:<46} {clause:<8} {_usd(iv.value):>11}  "
                f"[{_usd(iv.low)}, {_usd(iv.high)}]")
        if col == "value_to_investors_usd" and "investment_usd" in df:
            investment = float(df["investment_usd"].astype(float).mean())
            if investment > 0:
                line += f"  ({iv.value / investment:.1%} of the ${investment:,.0f} paid)"
        lines.append(line)
    return lines + [""]


@dataclass(frozen=True)
class Interval:
    """A point estimate with a 95% interval."""

    value: float
    low: float
    high: float


def quantile_with_ci(values: np.ndarray, q: float, level: float = 0.95) -> Interval:
    """Sample ``q``-quantile with its distribution-free order-statistic interval."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan)
    point = float(np.quantile(x, q, method="inverted_cdf"))
    a = (1 - level) / 2
    lo = int(stats.binom.ppf(a, n, q))            # rank (1-based) of the lower bound
    hi = int(stats.binom.isf(a, n, q)) + 1
    return Interval(point, float(x[max(lo, 1) - 1]), float(x[min(hi, n) - 1]))


def proportion_with_ci(k: int, n: int, level: float = 0.95) -> Interval:
    """Share ``k / n`` with its exact (Clopper-Pearson) interval."""
    if n == 0:
        return Interval(math.nan, math.nan, math.nan)
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="exact")
    return Interval(k / n, float(ci.low), float(ci.high))


def days_to_effective(df: pd.DataFrame) -> np.ndarray:
    """Days demand -> effective for deals with a demand; never effective = +inf."""
    # The one column, masked: filtering the frame would copy every column it holds.
    with_demand = df["demand_day"].notna().to_numpy(dtype=bool)
    days = df["days_demand_to_effective"].astype("Float64").fillna(np.inf).to_numpy(
        dtype=float)
    return days[with_demand]


def mean_with_ci(values: np.ndarray, level: float = 0.95) -> Interval:
    """Sample mean with a normal-approximation interval (Student t for small samples)."""
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        return Interval(float(x.mean()) if len(x) else math.nan, math.nan, math.nan)
    sem = float(stats.sem(x))
    if sem == 0.0:                    # all values equal: the interval is the point
        return Interval(float(x.mean()), float(x.mean()), float(x.mean()))
    low, high = stats.t.interval(level, len(x) - 1, loc=x.mean(), scale=sem)
    return Interval(float(x.mean()), float(low), float(high))


def _fmt_days(x: float) -> str:
    return "never" if math.isinf(x) else f"{x:.0f}"


def calendar_line(df: pd.DataFrame, closing: date) -> str:
    """The deal's calendar in dates: day 0, and the median days of the first Demand
    Notice and of effectiveness (deals with a demand; never effective = +inf)."""
    with_demand = df[df["demand_day"].notna()]
    parts = [f"Day 0 = the closing, {dates.label(0, closing)}"]
    for col, what in (("demand_day", "Demand Notice"), ("effective_day", "effective")):
        if not len(with_demand):
            break
        x = with_demand[col].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
        q = float(np.quantile(x, 0.5, method="inverted_cdf"))
        parts.append(f"median {what} " + ("never" if math.isinf(q) else
                                          f"day {q:.0f} ({dates.label(int(q), closing)})"))
    return "; ".join(parts)


def summary_text(df: pd.DataFrame, closing: date | None = None) -> str:
    """The printed summary of ``regsim run``; with the scenario's ``closing`` date (day 0)
    it also names the median days of demand and effectiveness with their dates.

    A failed deal (its ``error`` set) has no outcomes: it is left out of every statistic
    and counted in the first line."""
    failed = 0
    if "error" in df:
        bad = df["error"].notna().to_numpy(dtype=bool)
        failed = int(bad.sum())
        if failed == len(df):
            return (f"every deal failed ({failed:,}); the first: "
                    f"{str(df['error'].iloc[0])[:300]}\n")
        if failed:
            df = df[~bad]
    n = len(df)
    days = days_to_effective(df)
    m = len(days)
    # A registration required at the closing (PIPE RRA) has no Demand Notice: its
    # "demand" is day 0 (sim/read/outcomes.py).
    required = int(df["registration_required"].fillna(False).astype(bool).sum()) \
        if "registration_required" in df else 0
    asked = (f"{m:,} with a Demand Notice" if not required else
             f"{required:,} with a registration required at the closing, "
             f"{m - required:,} with a Demand Notice")
    played = f"{n:,} deals played ({failed:,} failed, left out)" if failed else f"{n:,} deals"
    lines = [f"{played}; {asked}; "
             f"{int(np.isfinite(days).sum()):,} became effective", ""]
    if closing is not None:
        lines[-1:-1] = [calendar_line(df, closing)]
    lines += _money_lines(df)
    lines.append("Days from Demand Notice to effectiveness (never effective = +inf"
                 + ("; a registration required at the closing counts from the closing):"
                    if required else "):"))
    for q, label in ((0.1, "10%"), (0.5, "median"), (0.9, "90%")):
        iv = quantile_with_ci(days, q)
        lines.append(f"  {label:>6}: {_fmt_days(iv.value):>5}   95% CI "
                     f"[{_fmt_days(iv.low)}, {_fmt_days(iv.high)}]")
    lines.append("")
    lines.append("Probabilities per deal with a demand (exact 95% CI):")
    sub = df[df["demand_day"].notna()].assign(
        piggybacked=lambda t: t["piggyback_requests"] > 0, cut_back=lambda t: t["cutbacks"] > 0)
    for col, clause, label in PROBABILITIES:
        k = int(sub[col].fillna(False).astype(bool).sum())
        iv = proportion_with_ci(k, m)
        lines.append(f"  {label:<42} {clause:<6} {iv.value:6.1%}  [{iv.low:.1%}, {iv.high:.1%}]")
    lines.append("")
    lines.append("Means per deal (95% CI):")
    for col, clause, label in MEANS:
        iv = mean_with_ci(df[col].to_numpy(dtype=float))
        lines.append(f"  {label:<42} {clause:<6} {_usd(iv.value):>11}  "
                     f"[{_usd(iv.low)}, {_usd(iv.high)}]")
    return "\n".join(lines) + "\n"
