"""Calibration: the issuer's own resale statements are plausible outcomes of the default
scenario, and the §1(c) cooldown is a right the Company may leave unused.

The issuer's record (CALIBRATION.md, SEC EDGAR, CIK 799694): 37 days filing -> effective
without review (Nov 2002); this deal's statement effective by day 50 after closing,
inside the cooldown of the January 3, 2003 statement (2003); over four months with review
(June-Oct 2002). Seeds are fixed, so these checks are deterministic; the margins keep
them from resting on a knife edge.
"""

import dataclasses

import pytest
from click.testing import CliRunner

from agents.company import COMPANY
from experiments.analysis.calibration import FACTS, calibrate, report_text
from conftest import DEMAND_PATH
from sim.engine import events as ev
from sim.read.audit import audit
from sim.cli.main import main
from sim.core.config import build, deep_merge
from sim.deal.model import run_deal
from sim.world.script import Script

MARGIN = 0.03           # each tail beyond a known figure holds >= 3% (plausible: 2.5%)


@pytest.fixture(scope="module")
def checked(terms, scenario):
    return calibrate(terms, scenario, seed=0, deals=4000)


def test_calibration_command_prints_a_verdict_per_statement():
    result = CliRunner().invoke(main, ["calibration", "--deals", "2000", "--seed", "1"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("verdict: plausible") == len(FACTS)
    assert "verdict: 3 of 3 of the issuer's statements plausible" in out
    for label in ("first comment letter", "comment letters per review", "within 60 days",
                  "filing -> effective, reviewed"):
        assert label in out


def test_the_issuers_three_statements_are_plausible_outcomes(checked):
    facts, _ = checked
    for c in facts:
        assert c.plausible, c.fact.label
        assert c.at_least.value >= MARGIN, (c.fact.label, c.at_least)
        if not c.fact.lower_bound:
            assert c.at_most.value >= MARGIN, (c.fact.label, c.at_most)


def test_the_published_review_statistics_hold(checked):
    _, stats = checked
    off = {k: s.value for k, s in stats.items() if not s.consistent}
    assert not off, off


def test_report_flags_an_implausible_statement(checked):
    facts, stats = checked
    bad = [dataclasses.replace(facts[0], at_least=dataclasses.replace(facts[0].at_least,
                                                                      value=0.001))]
    text = report_text(bad + facts[1:], stats, 4000, 0)
    assert "verdict: IMPLAUSIBLE" in text and "CALIBRATION FAILS" in text


# --- §1(c): the cooldown is the Company's right, and it may not use it -------------------
BASE = DEMAND_PATH


def _play(terms, scenario, invoke):
    script = build(Script, deep_merge(BASE, {"company": {"invoke_cooldown": invoke}}), "t")
    t = dataclasses.replace(terms, cooldown_scope="any_statement")
    return t, run_deal(t, scenario, seed=0, script=script)


def test_1c_company_that_uses_its_cooldown_right_files_on_day_95(terms, scenario):
    """§1(c): "shall not be required to effect any registration within 180 days after" the
    statement effective day -86: a Company that uses the right may decline through day 94 (-86 + 180) and files on day 95."""
    _, log = _play(terms, scenario, True)
    assert log.first(ev.COOLDOWN_APPLIED).details["until"] == 95
    assert log.first(ev.STATEMENT_FILED).day == 95


def test_1c_company_may_file_inside_the_cooldown_as_the_issuer_did_in_2003(terms, scenario):
    """§1(c) is a right ("shall not be required"), not a bar: the issuer's 2003 statement
    became effective about day 50, inside the cooldown. Not using the right, the Company
    files at the §1(a) floor (Company Notice received day 17 + 30 = day 47); the audit
    notes the filing inside a cooldown and finds no breach."""
    t, log = _play(terms, scenario, False)
    assert log.first(ev.COOLDOWN_APPLIED) is None
    assert log.first(ev.STATEMENT_FILED).day == 47
    findings = audit(log, t)
    assert "filed_in_cooldown" in {f.kind for f in findings}
    assert not [f for f in findings if f.severity == "breach"]


@pytest.mark.parametrize("prob", [0.0, 1.0])
def test_1c_cooldown_invoke_prob_decides_every_deal_at_its_extremes(terms, scenario, prob):
    """The scenario's cooldown_invoke_prob is the chance the Company uses the right:
    at 1 no demand statement is filed before day 95 (-86 + 180 + 1); at 0 only a Company that
    would otherwise file after its §1(a) deadline waits for the cooldown to end. (The
    exogenous policy, whose draw the figure is; a late strategic Company asks the
    Investors to waive the deadline instead, tests/test_waivers.py.)"""
    world = dataclasses.replace(scenario, company=dataclasses.replace(
        scenario.company, cooldown_invoke_prob=prob))
    t = dataclasses.replace(terms, cooldown_scope="any_statement")
    logs = [run_deal(t, world, seed=3, deal=d, policy="scenario") for d in range(20)]
    filed = [log.first(ev.STATEMENT_FILED).day for log in logs]
    if prob:
        assert min(filed) >= 95 and any(log.first(ev.COOLDOWN_APPLIED) for log in logs)
    else:
        assert min(filed) < 95
        for log in logs:
            held = log.first(ev.COOLDOWN_APPLIED)
            if held is not None:
                assert held.day > log.first(ev.FILING_WINDOW_SET).details["deadline"]


def test_1c_company_that_would_file_late_uses_the_cooldown_right(terms, scenario):
    """§1(c) with §1(a): drafting done day 60, after the day-57 deadline (12 + 45); inside
    the cooldown (through day 94) even a Company that leaves the right unused when it can file in
    time uses it now, so the late filing is excused: filed day 95, no breach. (The
    exogenous policy; the strategic Company asks for a waiver, tests/test_waivers.py.)"""
    world = dataclasses.replace(scenario, company=dataclasses.replace(
        scenario.company, cooldown_invoke_prob=0.0))
    script = build(Script, deep_merge(BASE, {"company": {"prep_days": 48}}), "t")
    t = dataclasses.replace(terms, cooldown_scope="any_statement")
    log = run_deal(t, world, seed=0, script=script, policy="scenario")
    assert log.first(ev.COOLDOWN_APPLIED).day == 60
    assert log.first(ev.STATEMENT_FILED).day == 95
    assert log.first(ev.FILING_DEADLINE_MISSED) is None
    assert not [f for f in audit(log, t) if f.severity == "breach"]


def test_cooldown_decision_has_its_own_company_slot():
    offsets = [p.offset for p in COMPANY.purposes.values()]
    assert len(set(offsets)) == len(offsets)
    assert COMPANY.offset("invoke_cooldown") < COMPANY.block


# --- §2(a) review: troubled reviews answer slower ------------------------------------------
@pytest.mark.parametrize("letters, factor", [(2, 1), (3, 2)])
def test_troubled_review_responses_take_the_factor_times_longer(terms, scenario, letters,
                                                                factor):
    """A review of troubled_letters (3) or more letters is troubled: each response takes
    troubled_response_factor (2) times the drawn days; a 2-letter review is ordinary."""
    def responses(mult):
        world = dataclasses.replace(scenario, review=dataclasses.replace(
            scenario.review, troubled_letters=3, troubled_response_factor=mult))
        script = build(Script, deep_merge(BASE, {"review": {
            "reviewed": True, "comment_letters": letters}}), "t")
        log = run_deal(terms, world, seed=0, script=script)
        return [e.details["days"] for e in log if e.kind == ev.RESPONSE_FILED]

    plain, slow = responses(1.0), responses(2.0)
    assert len(plain) == letters
    assert slow == [factor * d for d in plain]
