"""Fact patterns for counting days (RULES.md "Counting days"), the §1(c) cooldown's scope
and effect, and §8(a) notices, played through the model with what-if scripts.

Unless a test says otherwise (as in ``test_demand_path``): Demand Notice sent day 10 by
inv01, inv02 and inv05; every notice takes 2 days to arrive; the Company sends its
Company Notice 3 days after receipt; drafting takes 20 days; every Investor asks to be
included 2 days after the notice arrives and answers §6 requests after 3; no review
(effective 7 + 3 days after filing); no offerings. So: Demand Notice received day 12,
Company Notice sent day 15 and received day 17, floor day 47, deadline day 57.
"""

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DEMAND_PATH
from sim.engine import events as ev
from sim.read.audit import audit
from sim.core.config import build, deep_merge
from sim.deal.model import run_deal
from sim.law.rules.notices import MAIL_METHODS, given_day
from sim.world.scenario import scenario_from_dict
from sim.world.script import Script

BASE = deep_merge(DEMAND_PATH, {"company": {"invoke_delay": False,
                                          "invoke_cooldown": True}})
METHODS = ("registered_mail", "certified_mail", "personal", "fax", "regular_mail")
READINGS = ("by_method", "on_receipt", "on_dispatch")


def scenario_with(company_method=None, investor_method=None, **tables):
    """The default scenario with every Investor's and/or the Company's notice method set."""
    base = scenario_from_dict({})
    data = dict(tables)
    if company_method:
        data["company"] = {"notice_method": company_method}
    if investor_method:
        data["investors"] = [{k: v for k, v in dict(id=i.id, units=i.units, group=i.group,
                                                     notice_method=investor_method).items()
                              if v is not None} for i in base.investors]
    return scenario_from_dict(data)


def play(terms, scenario, script=None, policy="strategic", **term_changes):
    t = dataclasses.replace(terms, **{"cooldown_scope": "defined_term", **term_changes})
    data = deep_merge(BASE, script or {})
    return t, run_deal(t, scenario, seed=0, script=build(Script, data, "test-script"),
                      policy=policy)


def breaches(log, t):
    return [f for f in audit(log, t) if f.severity == "breach"]


# --- Counting days: the §1(c) cooldown ---------------------------------------------------------

def test_1c_cooldown_covers_day_180_after_the_effective_date(terms, scenario):
    """§1(c) "within 180 days after the effective date": the 2002 resale statement was
    effective day -86, so the cooldown covers days -85 .. 94 and the Company must act
    from day 95 (as the joinder window "within twenty (20) days after" day 15 covers
    day 35). Drafting done day 94 (prep 82 days): the filing waits to day 95. (The
    exogenous policy: a late strategic Company asks the Investors to waive the deadline
    instead, tests/test_waivers.py.)"""
    t, log = play(terms, scenario, {"company": {"prep_days": 82}}, policy="scenario",
                  cooldown_scope="any_statement")
    held = log.first(ev.COOLDOWN_APPLIED)
    assert (held.day, held.details["until"]) == (94, 95)
    assert log.first(ev.STATEMENT_FILED).day == 95
    assert log.first(ev.FILING_DEADLINE_MISSED) is None
    assert not breaches(log, t)


def test_1c_cooldown_effect_effective_files_on_time_and_holds_effectiveness(terms, scenario):
    """§1(c) switch cooldown_effect = effective: the Company "shall not be required to
    effect any registration" read as *become effective*: it files at the floor (day 47)
    though inside the cooldown of the day -86 statement, the review clears day 57, and
    effectiveness waits to day 95."""
    t, log = play(terms, scenario, cooldown_scope="any_statement", cooldown_effect="effective")
    assert log.first(ev.STATEMENT_FILED).day == 47
    held = log.first(ev.COOLDOWN_APPLIED)
    assert (held.day, held.details["until"], held.details["effect"]) == (57, 95, "effective")
    assert log.first(ev.STATEMENT_EFFECTIVE).day == 95
    assert not breaches(log, t)
    assert log.first(ev.STATEMENT_EFFECTIVE).details["days_from_filing"] == 48


def test_1c_cooldown_effect_effective_does_not_excuse_the_filing_deadline(terms, scenario):
    """§1(c) cooldown_effect = effective: drafting done only day 94, past the day-57
    deadline; the cooldown (to day 94) no longer excuses the filing: a breach of §1(a),
    in the engine's log and in the audit alike. Under `file` the same facts are excused."""
    script = {"company": {"prep_days": 82}}
    t, log = play(terms, scenario, script, cooldown_scope="any_statement",
                  cooldown_effect="effective")
    assert log.first(ev.STATEMENT_FILED).day == 94
    missed = log.first(ev.FILING_DEADLINE_MISSED)
    assert (missed.details["deadline"], missed.details["fault"]) == (57, "company")
    assert [f.kind for f in breaches(log, t)] == ["filing_deadline_missed"]
    t, log = play(terms, scenario, script, cooldown_scope="any_statement",
                  cooldown_effect="file")
    assert log.first(ev.FILING_DEADLINE_MISSED) is None and not breaches(log, t)


# --- §1(c) scope: one definition for the engine and the audit ---------------------------------

OFFERING_WITH_OTHERS = {
    "offerings": [{"type": "public", "plan_day": 0, "notice_day": 1, "file_day": 5,
                   "effective_day": 20, "underwritten": True, "company_shares": 1_000_000,
                   "marketing_limit": 100_000_000}]}


@pytest.fixture(scope="module")
def others_sell():
    """Both Other Holders sell in every underwritten Company offering (§3(c))."""
    return scenario_from_dict({"other_holders": [
        {"id": "oh01", "shares": 1_000_000, "sell_in_offering_prob": 1.0},
        {"id": "oh02", "shares": 500_000, "sell_in_offering_prob": 1.0}]})


@pytest.mark.parametrize("scope, filed", [
    ("defined_term", 47),       # no Investor's shares in it: not a §7 Registration Statement
    ("any_statement", 201),     # day 20 + 181
    ("resale_form", 201),       # a public offering's form admits selling holders
])
def test_1c_offering_with_only_other_holders_shares(terms, others_sell, scope, filed):
    """§1(c) with §7: the Company's underwritten offering, effective day 20, sells only its
    own and the Other Holders' shares (no Investor piggy-backs). Under `defined_term` it
    does not "permit the secondary resale ... of the Units and the Registrable Shares", so
    it holds no filing; engine and audit read the same logged facts the same way."""
    t, log = play(terms, others_sell, OFFERING_WITH_OTHERS, cooldown_scope=scope)
    eff = log.first(ev.OFFERING_EFFECTIVE)
    assert eff.details["investor_shares"] == 0 and eff.details["other_holder_shares"] == 1_500_000
    assert eff.details["form_permits_resale"] is True
    assert log.first(ev.STATEMENT_FILED).day == filed
    assert (log.first(ev.COOLDOWN_APPLIED) is None) == (scope == "defined_term")
    assert not [f for f in audit(log, t) if f.kind.startswith("cooldown") or f.severity == "breach"]


@pytest.mark.parametrize("kind, filed", [("stock_plan", 95), ("public", 201)])
def test_1c_resale_form_reads_the_offerings_form(terms, scenario, kind, filed):
    """§1(c) switch cooldown_scope = resale_form: the 2002 resale statement (day -86) is on
    a resale form, so it holds the filing from the floor (day 47) to day 95, though it
    registered none of these shares. A Form S-8 stock-plan statement effective day 20
    permits no secondary resale and holds nothing more; a public offering's form does
    (to day 201)."""
    script = {"offerings": [{"type": kind, "plan_day": 0, "notice_day": 1, "file_day": 5,
                             "effective_day": 20}]}
    t, log = play(terms, scenario, script, cooldown_scope="resale_form")
    assert log.first(ev.STATEMENT_FILED).day == filed
    assert not breaches(log, t)


# --- §8(a): receipt is physical arrival; "given" depends on the method ------------------------

@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("method", METHODS)
def test_8a_demand_notice_is_received_when_it_arrives(terms, reading, method):
    """§8(a), §1(a): the Demand Notice sent day 10 arrives day 12 whatever its method: the
    Company, "upon receipt", acts from day 12, and the 45 days run from day 12 (deadline
    day 57). "Deemed given" by mail is not "received"."""
    t, log = play(terms, scenario_with(investor_method=method), notices_effective=reading)
    got = log.first(ev.DEMAND_RECEIVED)
    assert (got.day, got.details["sent_day"], got.details["method"]) == (12, 10, method)
    assert got.details["given_day"] == (10 if reading == "on_dispatch" or (
        reading == "by_method" and method in MAIL_METHODS) else 12)
    assert log.first(ev.FILING_WINDOW_SET).details["deadline"] == 57
    assert log.first(ev.COMPANY_NOTICE_GIVEN).day == 15
    assert not breaches(log, t)


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("method", METHODS)
def test_8a_company_notice_given_by_method_received_on_arrival(terms, reading, method):
    """§8(a), §1(a): the Company Notice sent day 15 arrives day 17. The Investors learn of
    it (and can ask to be included) on day 17, and the 30-day floor runs from that receipt
    (day 47). The joinder window runs from the day it is *given*: by registered or
    certified mail "deemed to have been given if sent" (day 15, last day 35); by personal
    delivery, fax or regular mail "effective only if and when actually received" (day 17,
    last day 37). `on_receipt` gives every notice on arrival, `on_dispatch` on sending."""
    t, log = play(terms, scenario_with(company_method=method), notices_effective=reading)
    given = 15 if reading == "on_dispatch" or (
        reading == "by_method" and method in MAIL_METHODS) else 17
    received = [e for e in log if e.kind == ev.COMPANY_NOTICE_RECEIVED]
    assert received and all(e.day == 17 for e in received)
    assert all((e.details["sent_day"], e.details["given_day"]) == (15, given) for e in received)
    assert log.first(ev.FILING_WINDOW_SET).details["floor"] == 47
    assert all(e.day >= 17 + 2 for e in log if e.kind == ev.JOINDER_RECEIVED)
    assert {e.details["last_day"] for e in log if e.kind == ev.JOINDER_RECEIVED} == {given + 20}
    assert not breaches(log, t)


@pytest.mark.parametrize("company_method, accepted", [
    ("certified_mail", False), ("registered_mail", False),
    ("fax", True), ("personal", True), ("regular_mail", True)])
@pytest.mark.parametrize("request_method", METHODS)
def test_8a_request_counts_on_arrival_window_from_giving(terms, company_method, accepted,
                                                         request_method):
    """§1(a): inv09 receives the Company Notice day 17 and sends its request day 34 by any
    method; it arrives day 36. A request must be "received within twenty (20) days after
    the date on which the Company Notice is given" -- received means arrival, whatever the
    request's method. Notice by mail, given day 15: last day 35, too late. Notice by
    fax, personal delivery or regular mail, given on receipt day 17: last day 37, in time."""
    t, log = play(terms, scenario_with(company_method=company_method,
                                       investor_method=request_method),
                  {"investors": {"inv09": {"join": True, "join_response_days": 17}}})
    e = log.first(ev.JOINDER_RECEIVED if accepted else ev.JOINDER_REJECTED, )
    mine = [x for x in log if x.actor == "inv09" and x.kind in (ev.JOINDER_RECEIVED,
                                                                  ev.JOINDER_REJECTED)]
    assert len(mine) == 1 and e is not None
    (req,) = mine
    assert (req.kind == ev.JOINDER_RECEIVED, req.day, req.details["sent_day"]) == (accepted, 36, 34)
    assert not breaches(log, t)


@pytest.mark.parametrize("company_method, accepted", [
    ("certified_mail", False), ("fax", True), ("regular_mail", True)])
def test_8a_piggyback_window_from_giving_request_on_arrival(terms, company_method, accepted):
    """§3(a): Registration Notice sent day 2, arriving day 4; inv09 answers 17 days after
    arrival (day 21) by certified mail, arriving day 23. "Received within twenty (20) days
    after the date on which the Registration Notice is given": by mail given day 2 (last
    day 22, too late); by fax or regular mail given on receipt day 4 (last day 24)."""
    script = {"demand": {"day": 1000},
              "offerings": [{"type": "public", "plan_day": 0, "notice_day": 2,
                             "file_day": 30, "effective_day": 60}],
              "investors": {"inv09": {"piggyback": True, "piggyback_response_days": 17}}}
    t, log = play(terms, scenario_with(company_method=company_method,
                                       investor_method="certified_mail"), script)
    notice = log.first(ev.REGISTRATION_NOTICE_RECEIVED, )
    assert notice.day == 4
    req = next(e for e in log if e.actor == "inv09" and e.kind in (
        ev.PIGGYBACK_REQUESTED, ev.PIGGYBACK_REJECTED))
    assert (req.kind == ev.PIGGYBACK_REQUESTED, req.day, req.details["sent_day"]) == (
        accepted, 23, 21)
    assert req.details["last_day"] == (24 if accepted else 22)
    assert not breaches(log, t)


@pytest.mark.parametrize("reading", READINGS)
def test_6_answer_by_mail_is_received_when_it_arrives(terms, reading):
    """§6 with §8(a): the §6 request goes out day 15 with the Company Notice, arrives day
    17; inv01 answers 3 days later by certified mail (day 20), received day 22."""
    t, log = play(terms, scenario_with(investor_method="certified_mail"),
                  notices_effective=reading)
    got = log.first(ev.INFO_RECEIVED)
    assert (got.day, got.details["requested_day"]) == (22, 15)


# --- Invariants over random deals -------------------------------------------------------------

@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(READINGS), st.integers(0, 2**32 - 1), st.integers(0, 10_000))
def test_8a_nobody_acts_on_a_notice_before_it_arrives(terms, scenario, reading, seed, deal):
    """§8(a) under every reading: a notice is received on or after the day it is sent;
    its given day is the rule's (sent or arrival, by the method); nobody answers a notice
    before it arrives; and the audit, recomputing each window from the logged days, agrees
    with every request the engine accepted or rejected."""
    t = dataclasses.replace(terms, notices_effective=reading)
    log = run_deal(t, scenario, seed, deal)
    cn, rn, got = {}, {}, {}
    for e in log:
        d = e.details
        if e.kind == ev.DEMAND_RECEIVED:
            assert e.day >= d["sent_day"]
            assert d["given_day"] == given_day(d["sent_day"], e.day, t, d["method"])
        elif e.kind == ev.COMPANY_NOTICE_GIVEN:
            cn[d["cycle"]] = (e.day, d["method"])
        elif e.kind == ev.REGISTRATION_NOTICE_GIVEN:
            rn[d["offering"]] = (e.day, d["method"])
        elif e.kind in (ev.COMPANY_NOTICE_RECEIVED, ev.REGISTRATION_NOTICE_RECEIVED):
            key = d["cycle"] if e.kind == ev.COMPANY_NOTICE_RECEIVED else d["offering"]
            sent, method = (cn if e.kind == ev.COMPANY_NOTICE_RECEIVED else rn)[key]
            assert e.day >= sent == d["sent_day"]
            assert d["given_day"] == given_day(sent, e.day, t, method)
            got[key, e.actor] = e.day
        elif e.kind in (ev.JOINDER_RECEIVED, ev.JOINDER_REJECTED):
            assert d["sent_day"] >= got[d["cycle"], e.actor] and e.day >= d["sent_day"]
        elif e.kind in (ev.PIGGYBACK_REQUESTED, ev.PIGGYBACK_REJECTED):
            assert d["sent_day"] >= got[d["offering"], e.actor] and e.day >= d["sent_day"]
        elif e.kind == ev.INFO_RECEIVED:
            assert e.day >= d["requested_day"]
    disagree = {"request_dropped", "late_request_included", "piggyback_request_dropped",
                "late_piggyback_included", "cooldown_without_basis"}
    assert not [f for f in audit(log, t) if f.kind in disagree]


def test_8a_timeline_shows_each_joinder_window_from_the_day_its_notice_is_given(terms,
                                                                               scenario):
    """A Company Notice by fax is given only when it arrives (§8(a), `by_method`), so the
    window to ask to be included (§1(a): "within twenty (20) days after the date on which
    the Company Notice is given") closes 20 days after the last arrival, and the
    timeline's open deadline says so, not 20 days after sending."""
    from sim.read.timeline import render

    world = dataclasses.replace(scenario, company=dataclasses.replace(
        scenario.company, notice_method="fax"))
    t, log = play(terms, world, {"latency": {"default": 6}})
    given = log.first(ev.COMPANY_NOTICE_GIVEN).day
    arrived = max(e.day for e in log if e.kind == ev.COMPANY_NOTICE_RECEIVED)
    closed = log.first(ev.JOINDER_WINDOW_CLOSED).day
    assert closed == arrived + 20 > given + 20
    text = render(log, t, audit(log, t))
    assert f"day {closed:>4}" in text and "joinder window closes (demand 1)" in text
    lines = [ln for ln in text.splitlines() if "joinder window closes (demand 1)" in ln]
    assert lines[-1].strip().startswith(f"day {closed:>4}")
