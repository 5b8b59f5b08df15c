"""Volume check: many random deals over random scenarios and terms, both policies.

For every deal it checks that

* the engine does not raise (the first few raising cases are kept, replayable);
* the outcome row counts every audit finding kind exactly as the audit reports it
  (:data:`sim.read.audit.FINDING_COLUMNS`): one definition of each breach;
* a compliant Company is in breach only where the terms conflict with themselves (an
  empty §1(a) window, a joinder window that closes after the filing deadline, or a
  filing deadline shorter than a timely Company Notice plus a timely §6 answer);
* no share is registered or sold twice (the audit's conservation finding);
* the agents' own verdict events (``FILING_DEADLINE_MISSED`` ...) agree with the audit
  (the row counts the audit's findings, so a disagreement here is an engine-side
  defect: the agents judged the same facts differently).

Run it as a script (it is not a test)::

    python3 -m experiments.benchmarks.volume_check --deals N --workers 2 [--seed S]
        [--scenario FILE]

``--scenario FILE``: a TOML table merged over every random case's scenario (e.g. a
``[transfers]`` table to check the §7 transfers at volume).

Each chunk is one random case (scenario, terms, seed) played for ``--per-case`` deals
under both policies; the case is drawn from the chunk's own seed, so any worker count
gives the same counts. A failing deal is replayed by :func:`replay` with the printed
``(seed, chunk, policy, deal)``. Exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from sim.engine import events as ev
from sim.read.audit import FINDING_COLUMNS, audit
from sim.deal.model import DealModel
from sim.read.outcomes import COLUMNS, outcomes
from sim.core.config import deep_merge
from sim.world.scenario import scenario_from_dict
from sim.law.terms import FLOOR_RULES, terms_from_dict

POLICIES = ("strategic", "scenario", "compliant")
METHODS = ("registered_mail", "certified_mail", "personal", "fax", "regular_mail")
KEEP = 5          # failing cases kept per check
_TYPES = dict(COLUMNS)

#: A compliant Company may be "in breach" only where the terms conflict with themselves.
EMPTY_WINDOW_KINDS = frozenset({"filing_deadline_missed_empty_window",
                                "filed_before_floor_empty_window"})
#: The agents' own verdict events and the audit kinds they must match (engine side).
VERDICTS = {
    "company_notice_late": (ev.COMPANY_NOTICE_LATE, None, ("company_notice_late",)),
    "window_empty": (ev.WINDOW_EMPTY, None, ("window_empty",)),
    "filing_deadline_missed": (ev.FILING_DEADLINE_MISSED, "company",
                               ("filing_deadline_missed", "filing_deadline_missed_empty_window")),
    "filing_delayed_by_investor": (ev.FILING_DEADLINE_MISSED, "investor",
                                   ("filing_late_investor",)),
    "filed_before_floor": (ev.FILED_BEFORE_FLOOR, None,
                           ("filed_before_floor", "filed_before_floor_empty_window")),
    "effectiveness_target_missed": (ev.TARGET_MISSED, None,
                                    ("target_missed", "target_missed_company")),
}


# --- Random cases ---------------------------------------------------------------------
def _lognormal(r: np.random.Generator, lo: float, hi: float, sigma: float = 0.5) -> dict:
    return {"dist": "lognormal", "median": round(float(r.uniform(lo, hi)), 2), "sigma": sigma}


def random_case(r: np.random.Generator) -> tuple[dict[str, Any], dict[str, Any]]:
    """A random scenario table and terms table, inside their validated ranges."""
    pick = lambda *xs: xs[int(r.integers(len(xs)))]      # noqa: E731
    n = int(r.integers(1, 16))
    groups = [None, None, "g1", "g2"]
    investors = [{"id": f"inv{k:02d}", "units": int(r.integers(1_000, 1_500_000)),
                  "group": groups[int(r.integers(len(groups)))],
                  "notice_method": METHODS[int(r.integers(len(METHODS)))]}
                 for k in range(n)]
    investors = [{k: v for k, v in i.items() if v is not None} for i in investors]
    others = [{"id": f"oh{k:02d}", "shares": int(r.integers(10_000, 3_000_000)),
               "request_prob": float(r.uniform()), "sell_in_offering_prob": float(r.uniform()),
               "notice_method": METHODS[int(r.integers(len(METHODS)))]}
              for k in range(int(r.integers(0, 4)))]
    probs = r.dirichlet(np.ones(4))
    probs = [round(float(p), 4) for p in probs[:3]]
    probs.append(round(1.0 - sum(probs), 6))
    reserved_low = int(r.integers(0, 25_000_000))
    scenario = {
        "name": "volume", "closing_date": pick("2003-03-30", "2003-12-31", "2004-02-29"),
        "horizon_days": int(r.integers(200, 2200)),
        "investors": investors, "other_holders": others,
        "prior_statements": [{"id": "prior", "effective_day": int(r.integers(-400, 1)),
                              "permits_resale": bool(r.integers(2))}],
        "notices": {m: _lognormal(r, 0.5, 10, 0.5) for m in METHODS},
        "capital": {"reserved_other": {"dist": "uniform", "low": reserved_low,
                                       "high": reserved_low + int(r.integers(0, 10_000_000))},
                    "increase_days": _lognormal(r, 10, 300, 0.4)},
        "company": {"notice_method": METHODS[int(r.integers(len(METHODS)))],
                    "notice_delay_days": _lognormal(r, 0.5, 20, 0.8),
                    "prep_days": _lognormal(r, 5, 70, 0.4),
                    "info_due_days": int(r.integers(1, 40)),
                    "delay_invoke_prob": float(r.uniform()),
                    "delay_hold_days": {"dist": "uniform", "low": 0,
                                        "high": int(r.integers(1, 300))},
                    "cooldown_invoke_prob": float(r.uniform())},
        "offerings": {"rate_per_year": float(r.uniform(0, 3)), "max_count": int(r.integers(0, 9)),
                      "plan_lead_days": _lognormal(r, 1, 60), "type_probs": dict(zip(
                          ("public", "stock_plan", "rule_145", "convertible_debt"), probs)),
                      "underwritten_prob": float(r.uniform()),
                      "review_days": _lognormal(r, 1, 120, 0.4),
                      "pull_if_price_drop": float(r.uniform()),
                      "distribution_days": {"dist": "fixed", "value": int(r.integers(0, 30))}},
        "review": {"review_prob": float(r.uniform()),
                   "response_days": _lognormal(r, 2, 40, 0.6)},
        "investor_behaviour": {"demand_patience_days": _lognormal(r, 0.5, 200, 0.8),
                               "price_trigger": float(r.uniform(0, 2)),
                               "join_prob": float(r.uniform()),
                               "join_response_days": _lognormal(r, 0.5, 30, 0.6),
                               "info_response_days": _lognormal(r, 0.5, 40, 0.8),
                               "sell_days": _lognormal(r, 1, 500, 0.8),
                               "withdraw_on_mai_prob": float(r.uniform()),
                               "piggyback_prob": float(r.uniform()),
                               "piggyback_response_days": _lognormal(r, 0.5, 30, 0.6),
                               "demand_underwritten_prob": float(r.uniform()),
                               "withdraw_other_prob": float(r.uniform(0, 0.3)),
                               "withdraw_price_prob": float(r.uniform(0, 0.5)),
                               "withdraw_price_drop": float(r.uniform(0.05, 0.95))},
        "share_adjustments": [{"day": int(r.integers(1, 1500)),
                               "ratio": float(pick(2.0, 1.05, 0.5, 3.0)),
                               "kind": "split"} for _ in range(int(r.integers(0, 3)))],
        "suspensions": {"rate_per_year": float(r.uniform(0, 10))},
        "events": {"mai_prob": float(r.uniform(0, 0.6)),
                   "mai_before_prob": float(r.uniform(0, 0.3)),
                   "other_activity_prob": float(r.uniform())},
        "underwriting": {"capacity_ratio": _lognormal(r, 0.01, 2, 0.6),
                         "refuse_terms_prob": float(r.uniform(0, 0.5))},
        "claims": {"claim_prob": float(r.uniform(0, 0.3)),
                   "late_notice_prob": float(r.uniform(0, 0.5))},
    }
    terms = {
        "filing_deadline_days": int(r.integers(10, 120)),
        "filing_floor_days": int(r.integers(0, 60)),
        "promptly_days": int(r.integers(0, 30)),
        "joinder_window_days": int(r.integers(0, 40)),
        "cooldown_days": int(r.integers(0, 365)),
        "cooldown_scope": pick("any_statement", "defined_term", "resale_form"),
        "cooldown_effect": pick("file", "effective"),
        "delay_uses": int(r.integers(0, 3)),
        "delay_max_days": int(r.integers(0, 240)),
        "delay_plan_window_days": int(r.integers(0, 90)),
        "delay_other_activity": pick("ignore", "allow"),
        "empty_window": pick("file_at_floor", "file_at_deadline"),
        "company_notice_receipt": pick("last_investor", "first_investor"),
        "unconditional_notice": pick("company_notice", "company_notice_receipt"),
        "notices_effective": pick("on_receipt", "by_method", "on_dispatch"),
        "effectiveness_target_days": int(r.integers(10, 240)),
        "late_response_days": int(r.integers(1, 60)),
        "keep_effective_years": int(r.integers(1, 3)),
        "piggyback_window_days": int(r.integers(0, 40)),
        "demand_cutback": pick("none", "pro_rata_as_3c", "investors_first"),
        "cutback_rule": pick("pro_rata_holdings", "pro_rata_requested", "investors_first",
                             "floor_percent"),
        "cutback_floor_percent": float(r.uniform(0, 100)),
        "demand_registrations": int(r.integers(0, 3)),
        "second_demand": bool(r.integers(2)),
        "majority_base": pick("units_held", "units_offered"),
        "demand_threshold": float(r.uniform(0.05, 1.0)),
    }
    if terms["cutback_rule"] not in FLOOR_RULES:     # drawn all the same: the same stream
        del terms["cutback_floor_percent"]            # a floor no rule reads is refused
    return scenario, terms


def case_of(seed: int, chunk: int, overlay: dict | None = None):
    """The (terms, scenario, model seed) of a chunk, from the run seed alone (and a
    table ``overlay`` merged over the random scenario)."""
    r = np.random.default_rng([seed, chunk])
    scenario_table, terms_table = random_case(r)
    if overlay:
        scenario_table = deep_merge(scenario_table, overlay)
    scenario = scenario_from_dict(scenario_table, f"<volume chunk {chunk}>")
    terms = terms_from_dict(terms_table, f"<volume chunk {chunk}>")
    return terms, scenario, int(r.integers(2**31))


def replay(seed: int, chunk: int, policy: str, deal: int, overlay: dict | None = None):
    """The log of one deal of the check, and its terms (to debug a printed failure)."""
    terms, scenario, model_seed = case_of(seed, chunk, overlay)
    return DealModel(terms, scenario, model_seed, policy=policy).run(deal), terms


# --- Checks ---------------------------------------------------------------------------
def column_value(column: str, kinds: Counter) -> Any:
    """What the outcome column must hold given the audit's finding kinds."""
    count = sum(kinds[k] for k in FINDING_COLUMNS[column])
    return count > 0 if _TYPES[column] == "bool" else count


@dataclass
class Tally:
    """Counts of one chunk (or of all chunks, merged)."""

    deals: int = 0
    raising: int = 0
    disagreements: Counter = field(default_factory=Counter)
    engine: Counter = field(default_factory=Counter)
    compliant: Counter = field(default_factory=Counter)
    conservation: int = 0
    unmapped: Counter = field(default_factory=Counter)
    examples: dict[str, list] = field(default_factory=dict)

    def keep(self, check: str, case: tuple) -> None:
        kept = self.examples.setdefault(check, [])
        if len(kept) < KEEP:
            kept.append(case)

    def merge(self, other: "Tally") -> None:
        self.deals += other.deals
        self.raising += other.raising
        self.conservation += other.conservation
        for mine, theirs in ((self.disagreements, other.disagreements),
                             (self.engine, other.engine), (self.compliant, other.compliant),
                             (self.unmapped, other.unmapped)):
            mine.update(theirs)
        for check, cases in other.examples.items():
            for case in cases:
                self.keep(check, case)

    @property
    def failed(self) -> bool:
        return bool(self.raising or self.disagreements or self.engine or self.compliant
                    or self.conservation or self.unmapped)


def _window_outruns_deadline(log, terms) -> bool:
    """The terms' own joinder window closed after the filing deadline: the Company
    cannot fix the scope in time (a conflict within the terms)."""
    received = {e.details["cycle"]: e.day for e in log if e.kind == ev.DEMAND_RECEIVED}
    return any(e.day > received[e.details["cycle"]] + terms.filing_deadline_days
               for e in log if e.kind == ev.JOINDER_WINDOW_CLOSED)


def _info_outruns_deadline(terms, scenario) -> bool:
    """A §6 answer in the scenario's reasonable time may arrive after the deadline."""
    return terms.filing_deadline_days < terms.promptly_days + scenario.company.info_due_days


def check_deal(log, terms, scenario, policy: str, tally: Tally, where: tuple,
               row_of: Callable = outcomes) -> None:
    """Check one deal's log; update ``tally``."""
    findings = audit(log, terms)
    row = row_of(log, terms)
    kinds = Counter(f.kind for f in findings)
    for kind in kinds:
        if not any(kind in ks for ks in FINDING_COLUMNS.values()):
            tally.unmapped[kind] += 1
            tally.keep("unmapped", where)
    for column in FINDING_COLUMNS:
        if row[column] != column_value(column, kinds):
            tally.disagreements[column] += 1
            tally.keep(f"disagree:{column}", where)
    for column, (kind, fault, audit_kinds) in VERDICTS.items():
        engine = any(e.kind == kind and (fault is None or e.details.get("fault") == fault)
                     for e in log)
        if engine != any(kinds[k] for k in audit_kinds):
            tally.engine[column] += 1
            tally.keep(f"engine:{column}", where)
    if kinds["shares_over_holdings"]:
        tally.conservation += 1
        tally.keep("conservation", where)
    if policy == "compliant":
        for f in findings:
            if f.severity != "breach" or f.kind in EMPTY_WINDOW_KINDS:
                continue
            if f.kind == "filing_deadline_missed" and (
                    _window_outruns_deadline(log, terms) or _info_outruns_deadline(terms, scenario)):
                continue
            tally.compliant[f.kind] += 1
            tally.keep(f"compliant:{f.kind}", where)


def run_chunk(args: tuple) -> Tally:
    """Play one chunk: one random case, ``per_case`` deals under each policy."""
    seed, chunk, per_case, *rest = args
    tally = Tally()
    terms, scenario, model_seed = case_of(seed, chunk, rest[0] if rest else None)
    for policy in POLICIES:
        model = DealModel(terms, scenario, model_seed, policy=policy)
        model.streams.prepare(0, per_case)
        for deal in range(per_case):
            where = (seed, chunk, policy, deal)
            tally.deals += 1
            try:
                log = model.run(deal)
            except Exception as exc:  # noqa: BLE001 -- counted and kept for replay
                tally.raising += 1
                tally.keep("raising", where + (f"{type(exc).__name__}: {exc}",))
                model = DealModel(terms, scenario, model_seed, policy=policy)
                model.streams.prepare(deal + 1, max(per_case - deal - 1, 1))
                continue
            check_deal(log, terms, scenario, policy, tally, where)
    return tally


def volume_check(deals: int, seed: int = 0, workers: int = 1, per_case: int = 25,
                 overlay: dict | None = None) -> Tally:
    """Play about ``deals`` deals (half under each policy); return the merged tally."""
    chunks = max(1, deals // (per_case * len(POLICIES)))
    jobs = [(seed, c, per_case, overlay) for c in range(chunks)]
    total = Tally()
    if workers <= 1:
        for job in jobs:
            total.merge(run_chunk(job))
    else:
        with ProcessPoolExecutor(workers) as pool:
            for part in pool.map(run_chunk, jobs, chunksize=4):
                total.merge(part)
    return total


def summary(t: Tally) -> str:
    """The summary table of a check."""
    lines = [f"deals played                 {t.deals:>10,}",
             f"deals raising                {t.raising:>10,}",
             f"conservation violations      {t.conservation:>10,}"]
    for title, counts in (("outcome row vs audit", t.disagreements),
                          ("compliant Company in breach", t.compliant),
                          ("finding kinds without a column", t.unmapped),
                          ("agents' verdict events vs audit", t.engine)):
        lines.append(f"{title}: {sum(counts.values()):,}")
        lines += [f"  {k:<38}{v:>10,}" for k, v in counts.most_common()]
    if t.examples:
        lines.append("first cases (seed, chunk, policy, deal); replay with "
                     "experiments.benchmarks.volume_check.replay:")
        for check, cases in sorted(t.examples.items()):
            lines += [f"  {check}: {case}" for case in cases]
    lines.append("FAILED" if t.failed else "OK")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--deals", type=int, default=10_000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--per-case", type=int, default=25)
    p.add_argument("--scenario", default=None,
                   help="TOML file merged over every random scenario (e.g. [transfers])")
    a = p.parse_args(argv)
    overlay = None
    if a.scenario:
        with open(a.scenario, "rb") as f:
            overlay = tomllib.load(f)
    t = volume_check(a.deals, a.seed, a.workers, a.per_case, overlay)
    print(summary(t))
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
