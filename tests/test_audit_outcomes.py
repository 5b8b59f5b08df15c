"""The audit and the outcome row: one definition of each breach, fact patterns for the
audit's own readings (§6 fault after a delay, §2(e) with shares cut to nothing, §7
conservation), and a smoke run of the volume check.

The fact patterns share the demand path of ``tests/test_demand_path.py``: Demand Notice
sent day 10 by inv01, inv02 and inv05, every notice takes 2 days, Company Notice 3 days
after receipt (given day 15, received day 17), window days 47-57, drafting 20 days, §6
answers after 3 days, no review (effective 10 days after filing), no offerings.
"""

import dataclasses
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.benchmarks import volume_check as vc
from sim.read import audit as audit_module
from sim.engine import events as ev
from sim.read.audit import FINDING_COLUMNS, audit
from sim.core.config import build, deep_merge, read_toml
from sim.world.distributions import Fixed
from sim.deal.model import run_deal
from sim.read.outcomes import COLUMNS, outcomes
from sim.world.script import Script

BASE = {
    "demand": {"day": 10, "by": ["inv01", "inv02", "inv05"]},
    "company": {"notice_delay_days": 3, "prep_days": 20},
    "latency": {"default": 2},
    "investors": {"all": {"join": False, "info_response_days": 3, "sell_days": 100,
                          "piggyback": False}},
    "review": {"reviewed": False, "no_review_days": 7, "clearance_days": 3},
    "offerings": [],
    "events": {"suspensions": [], "market_returns": []},
}
WHATIF = Path(__file__).parent / "data" / "whatif.toml"


def play(terms, scenario, script=None, **term_changes):
    t = dataclasses.replace(terms, **{"cooldown_scope": "defined_term", **term_changes})
    s = build(Script, deep_merge(BASE, script or {}), "test-script")
    return t, run_deal(t, scenario, seed=0, script=s)


def kinds(log, t):
    return Counter(f.kind for f in audit(log, t))


# --- One definition of each breach ---------------------------------------------------
def test_every_finding_kind_the_audit_can_report_has_an_outcome_column():
    """Every kind written in sim/read/audit.py is counted by an outcome column (a target
    missed by the Company's fault by two: the miss and the breach), and every such
    column is typed (a flag or a count) in COLUMNS."""
    source = Path(audit_module.__file__).read_text("utf-8")
    written = set(re.findall(r'Finding\([^,]+,\s*"[a-z_]+",\s*"([a-z_]+)"', source))
    written |= {k + "_empty_window" for k in ("filing_deadline_missed", "filed_before_floor")}
    mapped = {k for ks in FINDING_COLUMNS.values() for k in ks}
    assert written <= mapped, written - mapped
    types = dict(COLUMNS)
    assert all(types[c] in ("bool", "i16", "i32") for c in FINDING_COLUMNS)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 5000))
def test_outcome_breach_columns_are_the_audit_findings(terms, scenario, seed, deal):
    """The row counts exactly what the audit finds (any seed, the default world)."""
    log = run_deal(terms, scenario, seed, deal)
    row, found = outcomes(log, terms), kinds(log, terms)
    for column in FINDING_COLUMNS:
        assert row[column] == vc.column_value(column, found), column


# --- §6: a late answer after a §1(d) delay is the Investor's fault --------------------
DELAY_THEN_LATE_ANSWER = {
    "company": {"invoke_delay": True, "delay_hold_days": 50},
    "offerings": [{"type": "public", "plan_day": 0, "file_day": 5, "effective_day": 60,
                   "notice_day": 1}],
    # An Investor's own table replaces [investors.all]: repeat what must stay fixed.
    "investors": {"inv01": {"join": False, "info_response_days": 120, "sell_days": 100,
                            "piggyback": False}},
}


def test_6_late_answer_after_a_delay_ends_is_the_investors_fault(terms, scenario):
    """§1(d): the offering under way at the demand (filed day 5, effective day 60) lets
    the Company delay; it holds to day 110 (60 + 50), which excuses the deadline to day
    110. §6: inv01's answer to the request of day 15 (received day 17) is sent 120 days
    later and arrives day 139, late; the Company files that day. "A late answer delays
    filing and is the Investor's fault, not the Company's": engine, audit and row agree."""
    t, log = play(terms, scenario, DELAY_THEN_LATE_ANSWER)
    assert log.first(ev.DELAY_ENDED).day == 110
    assert log.first(ev.INFO_RECEIVED, late=True).day == 139
    assert log.first(ev.STATEMENT_FILED).day == 139
    missed = log.first(ev.FILING_DEADLINE_MISSED)
    assert (missed.clause, missed.details["fault"], missed.details["deadline"]) == (
        "§6", "investor", 110)
    found = kinds(log, t)
    assert found["filing_late_investor"] == 1 and not found["filing_deadline_missed"]
    row = outcomes(log, t)
    assert row["filing_delayed_by_investor"] is True
    assert row["filing_deadline_missed"] is False


def test_6_company_that_waits_on_after_the_late_answer_is_late_itself(terms, scenario):
    """§6 with §1(a): the same late answer (day 139), but the Company's drafting runs to
    day 150: it files day 150, after the answer, and the delay past day 110 is its own."""
    script = deep_merge(DELAY_THEN_LATE_ANSWER, {"company": {"prep_days": 138}})
    t, log = play(terms, scenario, script)
    assert log.first(ev.STATEMENT_FILED).day == 150
    assert log.first(ev.FILING_DEADLINE_MISSED).details["fault"] == "company"
    assert kinds(log, t)["filing_deadline_missed"] == 1
    assert outcomes(log, t)["filing_deadline_missed"] is True


# --- §2(e): shares cut to nothing ----------------------------------------------------
def _underwritten(scenario, ratio):
    """The world with every demand underwritten and the Underwriter's room fixed."""
    return dataclasses.replace(
        scenario,
        investor_behaviour=dataclasses.replace(scenario.investor_behaviour,
                                               demand_underwritten_prob=1.0),
        underwriting=dataclasses.replace(scenario.underwriting,
                                         capacity_ratio=Fixed(value=ratio)))


@pytest.mark.parametrize("ratio, registered", [(0.0, 0), (1e-7, 1)])
def test_2e_sellers_cut_to_nothing_have_nothing_to_sell(terms, scenario, ratio, registered):
    """§2(e): the statement stays effective until "the sale ... of all Units and
    Registrable Shares covered by the Registration Statement". An underwritten demand
    (§1(b), `demand_cutback = pro_rata_as_3c`) whose Underwriter takes no room, or one
    share, covers nothing, or one seller's one share: the sellers cut to 0 have nothing
    to sell, so the period ends when the covered shares are sold (at once if none)."""
    t = dataclasses.replace(terms, cooldown_scope="defined_term",
                            demand_cutback="pro_rata_as_3c")
    s = build(Script, BASE, "test-script")
    log = run_deal(t, _underwritten(scenario, ratio), seed=0, script=s)
    filed = log.first(ev.STATEMENT_FILED)
    assert filed.details["shares_registered"] == registered
    assert 0 in dict(filed.details["registered"]).values()
    end = log.first(ev.EFFECTIVENESS_ENDED)
    assert end.details["reason"] == "all_sold"
    assert not kinds(log, t)["effectiveness_ended_early"]
    assert outcomes(log, t)["effectiveness_ended_early"] is False


# --- §7: no share registered or sold twice -------------------------------------------
def test_7_conservation_flags_a_share_sold_twice(terms, scenario):
    """The audit's conservation check finds an Investor whose shares are registered in
    a demand statement while it sells the same shares in an offering (a planted log)."""
    t, log = play(terms, scenario)
    holdings = dict(log[0].details["holdings"])
    filed = log.first(ev.STATEMENT_FILED)
    sale = ev.Event(filed.day + 1, ev.SELLING_COSTS_PAID, "inv01", "§4", dict(
        registration="offering-1", shares=holdings["inv01"], gross_usd=0.0, cost_usd=0.0,
        item="underwriting_discount"))
    planted = list(log)
    planted.insert(planted.index(filed) + 1, sale)
    assert not kinds(log, t)["shares_over_holdings"]
    found = [f for f in audit(planted, t) if f.kind == "shares_over_holdings"]
    assert [(f.day, f.severity) for f in found] == [(filed.day + 1, "inconsistent")]
    assert outcomes(planted, t)["investors_over_holdings"] == 1


def test_7_piggybacked_shares_are_not_also_sold_under_the_demand(terms, scenario):
    """§7: shares sold in a registered public distribution stop being Registrable
    Shares. The README what-if (demand day 10, a public offering filed day 5, effective
    day 60) with every Investor piggy-backing: what an Investor sells in the offering
    must not also be registered or sold under the demand statement."""
    data = deep_merge(read_toml(WHATIF), {"investors": {"all": {"piggyback": True}}})
    log = run_deal(terms, scenario, seed=0, script=build(Script, data, str(WHATIF)))
    assert log.first(ev.OFFERING_EFFECTIVE).details["investor_shares"] > 0
    assert not [f for f in audit(log, terms) if f.kind == "shares_over_holdings"]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 60), st.integers(1, 60), st.integers(0, 120), st.integers(0, 10),
       st.integers(0, 3))
def test_7_no_share_registered_or_sold_twice(terms, scenario, demand_day, file_day,
                                             review_days, notice_day, seed):
    """§7 invariant: whatever the timing of a demand and of a public offering every
    Investor piggy-backs on, no Investor has more shares registered and sold than it
    holds."""
    data = deep_merge(read_toml(WHATIF), {
        "demand": {"day": demand_day},
        "offerings": [{"type": "public", "plan_day": 0, "notice_day": notice_day,
                       "file_day": file_day + notice_day,
                       "effective_day": file_day + notice_day + review_days}],
        "investors": {"all": {"piggyback": True}}})
    log = run_deal(terms, scenario, seed=seed, script=build(Script, data, str(WHATIF)))
    assert not [f for f in audit(log, terms) if f.kind == "shares_over_holdings"]


# --- The volume check ----------------------------------------------------------------
def test_volume_check_runs_and_finds_no_disagreement():
    """A small run in this process: every deal plays and the row agrees with the audit."""
    tally = vc.volume_check(300, seed=1, workers=1, per_case=25)
    assert tally.deals == 300
    assert not tally.disagreements and not tally.unmapped
    assert "deals played" in vc.summary(tally)


def test_volume_check_detects_a_planted_disagreement(terms, scenario):
    """A row that misses one finding is counted, with a replayable case."""
    t, log = play(terms, scenario, {"company": {"notice_delay_days": 30}})
    assert kinds(log, t)["company_notice_late"]

    def wrong_row(log, t):
        return {**outcomes(log, t), "company_notice_late": False}

    tally = vc.Tally()
    vc.check_deal(log, t, scenario, "scenario", tally, ("planted",), row_of=wrong_row)
    assert tally.disagreements == Counter({"company_notice_late": 1})
    assert tally.examples["disagree:company_notice_late"] == [("planted",)]
    assert tally.failed
