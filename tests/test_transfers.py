"""§7 private transfers of Registrable Shares (agents/transfers.py).

A transferee who "has executed a counterpart hereof at the time of the transfer" is an
Investor: it holds the Units and Registrable Shares sold, counts for the §1(a) majority
and receives the Company Notice. One who has not holds shares that are no longer
Registrable Shares: they leave the holdings, and its Units leave the majority's
denominator. Transfers happen only while none of the seller's shares is committed to a
pending registration. The preset's 3,563,593 Units: inv01 1,000,000, inv02 600,000,
inv05 400,000, inv06 250,000, inv07 200,000, inv08 150,000, inv09 100,000 ...
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents import transfers
from sim.core.config import build
from sim.deal.model import DealModel, run_deal, stream_specs
from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.engine.holdings import Holdings
from sim.read.audit import audit
from sim.read.outcomes import outcomes
from sim.read.timeline import describe
from sim.read.value import deal_value
from sim.world.scenario import scenario_from_dict
from sim.world.script import Script

ON = {"transfers": {"rate_per_year": 0.5, "counterpart_prob": 0.6, "price_discount": 0.28,
                    "units_fraction": {"dist": "uniform", "low": 0.25, "high": 1.0}}}
# Transfers "on" (their streams exist) but so rare none falls in the horizon: the fact
# patterns below place their own transfer.
RARE = {"transfers": {"rate_per_year": 1e-9}}


def script(data: dict) -> Script:
    return build(Script, data, "test-script")


def at_day(monkeypatch, day: int, seller: str, units: int, signed: bool) -> None:
    """Replace the random transfers by one: ``seller`` sells ``units`` on ``day``."""
    def schedule(m):
        m.calendar.at(day, Order.ACTION, lambda _: transfers.execute(
            m, m.investor(seller), "transferee-1", units, signed))
    monkeypatch.setattr(transfers, "schedule", schedule)


def kinds(log, kind):
    return [e for e in log if e.kind == kind]


# --- Fact patterns ----------------------------------------------------------------------
def test_7_a_signed_transferee_is_an_investor_who_receives_the_company_notice(
        terms, monkeypatch):
    """inv06 sells 100,000 of its 250,000 Units to a transferee who signs a counterpart
    on day 5; inv01, inv02 and inv05 demand on day 10. The Company Notice goes to the
    transferee (by inv06's method), who holds 600,000 Registrable Shares; the Units of
    the Investors are unchanged."""
    sc = scenario_from_dict(RARE)
    at_day(monkeypatch, 5, "inv06", 100_000, True)
    log = run_deal(terms, sc, 0, 0, script=script(
        {"demand": {"day": 10, "by": ["inv01", "inv02", "inv05"]}}))
    moved = kinds(log, ev.UNITS_TRANSFERRED)
    assert len(moved) == 1 and moved[0].clause == "§7"
    d = moved[0].details
    assert (moved[0].actor, d["to"], d["units"], d["shares"], d["counterpart"]) == (
        "inv06", "transferee-1", 100_000, 600_000, True)
    assert d["seller_units"] == 150_000 and d["total_units"] == 3_563_593
    assert d["method"] == "certified_mail"                      # inv06's
    notice = log.first(ev.COMPANY_NOTICE_GIVEN)
    assert "transferee-1" in notice.details["recipients"]
    assert any(e.actor == "transferee-1" for e in kinds(log, ev.COMPANY_NOTICE_RECEIVED))
    assert log.first(ev.DEMAND_RECEIVED).details["total_units"] == 3_563_593
    assert not [f for f in audit(log, terms) if f.severity == "inconsistent"]
    assert "transferee-1" in describe(moved[0])


def test_7_the_transferee_counts_for_the_majority_and_the_seller_no_longer_does(
        terms, monkeypatch):
    """inv01 sells all its 1,000,000 Units to a transferee who signs (day 5). A demand
    on day 10 by inv01, inv02 and inv05 (2,000,000 of 3,563,593 Units at the closing)
    now holds 1,000,000: refused (§1(a)); the same demand by the transferee, inv02 and
    inv05 holds 2,000,000: accepted. The audit agrees both times."""
    sc = scenario_from_dict(RARE)
    at_day(monkeypatch, 5, "inv01", 1_000_000, True)
    old = run_deal(terms, sc, 0, 0, script=script(
        {"demand": {"day": 10, "by": ["inv01", "inv02", "inv05"]}}))
    refused = old.first(ev.DEMAND_REFUSED)
    assert refused is not None and refused.clause == "§1(a)"
    assert refused.details["units"] == 1_000_000
    new = run_deal(terms, sc, 0, 0, script=script(
        {"demand": {"day": 10, "by": ["transferee-1", "inv02", "inv05"]}}))
    assert new.first(ev.DEMAND_REFUSED) is None
    assert new.first(ev.DEMAND_RECEIVED).details["units"] == 2_000_000
    assert new.first(ev.DEMAND_SENT).actor == "transferee-1"
    for log in (old, new):
        assert not [f for f in audit(log, terms) if f.kind == "demand_refused"]


def test_7_an_unsigned_transfer_removes_the_rights_and_shrinks_the_denominator(
        terms, monkeypatch):
    """inv02, inv05, inv06, inv07, inv08 and inv09 hold 1,700,000 Units: short of a
    majority of 3,563,593. After inv01 sells its 1,000,000 Units to a transferee who
    signs nothing (day 5), the Investors hold 2,563,593 Units and 1,700,000 is a
    majority: the demand of day 10 is received and not refused. inv01's 6,000,000
    shares are no longer Registrable Shares (they leave the holdings)."""
    sc = scenario_from_dict(RARE)
    group = {"demand": {"day": 10, "by": ["inv02", "inv05", "inv06", "inv07", "inv08",
                                          "inv09"]}}
    before = run_deal(terms, sc, 0, 0, script=script(group))
    assert before.first(ev.DEMAND_REFUSED) is not None
    at_day(monkeypatch, 5, "inv01", 1_000_000, False)
    m = DealModel(terms, sc, 0, script=script(group))
    log = m.run(0)
    d = log.first(ev.UNITS_TRANSFERRED).details
    assert (d["counterpart"], d["investor"], d["shares"], d["total_units"]) == (
        False, False, 6_000_000, 2_563_593)
    assert "method" not in d
    assert log.first(ev.DEMAND_REFUSED) is None
    assert log.first(ev.DEMAND_RECEIVED).details["total_units"] == 2_563_593
    assert m.holdings.lost == {"inv01": 6_000_000}
    assert m.holdings.registrable["inv01"] == 0
    assert "transferee-1" not in m.investors_by_name
    notice = log.first(ev.COMPANY_NOTICE_GIVEN)
    assert "transferee-1" not in notice.details["recipients"]
    assert not [f for f in audit(log, terms) if f.kind == "demand_refused"]


def test_7_no_transfer_of_shares_committed_to_a_pending_registration(terms, monkeypatch):
    """inv01, inv02 and inv05 demand on day 10 (their shares are committed to it): on
    day 20 none of them is free to sell, inv09 (not among them, before any joinder of
    its own) is; and the ledger refuses a transfer of committed shares."""
    seen = {}

    def schedule(m):
        m.calendar.at(11, Order.ACTION, lambda _: seen.setdefault(
            "free", {i.name for i in transfers.free_to_sell(m)}))
    monkeypatch.setattr(transfers, "schedule", schedule)
    run_deal(terms, scenario_from_dict(RARE), 0, 0, script=script(
        {"demand": {"day": 10, "by": ["inv01", "inv02", "inv05"]}}))
    assert not {"inv01", "inv02", "inv05"} & seen["free"]
    assert "inv09" in seen["free"]
    h = Holdings({"a": 60})
    assert h.commit("a", "demand-0", 50) == 50
    assert h.transfer("a", 60, None) == 10          # only the free shares
    assert h.held("a") == 50 and h.lost == {"a": 10}


def test_7_random_transfers_only_from_sellers_with_nothing_pending(terms, monkeypatch):
    """Over many deals with transfers on, every seller had no share committed."""
    real = transfers.execute
    sellers = []

    def checked(m, seller, name, units, signed):
        assert not m.holdings.committed.get(seller.name, 0)
        sellers.append(seller.name)
        return real(m, seller, name, units, signed)
    monkeypatch.setattr(transfers, "execute", checked)
    m = DealModel(terms, scenario_from_dict(ON), 3)
    for deal in range(40):
        m.run(deal)
    assert len(sellers) > 20


# --- Invariants ---------------------------------------------------------------------------
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), deal=st.integers(0, 10**6),
       sign=st.sampled_from([0.0, 0.5, 1.0]), rate=st.sampled_from([0.3, 2.0]))
def test_7_shares_and_units_are_conserved(terms, seed, deal, sign, rate):
    """Registrable Shares of the Investors + shares lost to non-Investors = those of the
    closing; Units of the Investors + Units sold to non-Investors = the closing's; the
    denominator is the Investors' Units; the audit finds no share counted twice."""
    sc = scenario_from_dict({"transfers": {**ON["transfers"], "rate_per_year": rate,
                                           "counterpart_prob": sign}})
    m = DealModel(terms, sc, seed)
    log = m.run(deal)
    h = m.holdings
    assert sum(h.registrable.values()) + sum(h.lost.values()) == sum(h.closing.values())
    lost_units = sum(e.details["units"] for e in log if e.kind == ev.UNITS_TRANSFERRED
                     and not e.details["counterpart"])
    assert sum(i.units for i in m.investors) + lost_units == sc.total_units
    assert m.total_units == sum(i.units for i in m.investors)
    assert set(h.registrable) == {i.name for i in m.investors}
    for name in h.registrable:
        assert 0 <= h.free(name) <= h.held(name)
    assert not [f for f in audit(log, terms) if f.kind == "shares_over_holdings"]
    row = outcomes(log, terms)
    assert row["investors_over_holdings"] == 0


# --- The reduction rule, reuse, the readers -------------------------------------------------
def test_rate_zero_leaves_the_deal_unchanged(terms, scenario):
    """rate_per_year 0 (whatever the other fields say): the same streams and the same
    log as the preset (which ships with transfers off)."""
    off = scenario_from_dict({"transfers": {**ON["transfers"], "rate_per_year": 0.0}})
    assert [s.name for s in stream_specs(off)] == [s.name for s in stream_specs(scenario)]
    for seed, deal in ((0, 0), (7, 3), (2024, 11)):
        assert list(run_deal(terms, off, seed, deal)) == list(
            run_deal(terms, scenario, seed, deal))


def test_transferees_leave_on_reset(terms):
    """The model is reused: a deal played after others equals the same deal played by a
    fresh model, and the transferees of an earlier deal are gone."""
    sc = scenario_from_dict(ON)
    m = DealModel(terms, sc, 5)
    logs = [m.run(d) for d in range(12)]
    assert any(kinds(log, ev.UNITS_TRANSFERRED) for log in logs)
    for d in (0, 7, 11):
        assert list(DealModel(terms, sc, 5).run(d)) == list(logs[d])
    m.run(0)
    n = len(sc.investors) + sum(1 for e in logs[0] if e.kind == ev.UNITS_TRANSFERRED
                                and e.details["counterpart"])
    assert len(m.investors) == n and len(m.investor_group.members) == n
    assert len(m.agents) == len(m.investors) + len(m.other_holders) + 2   # + company, uw


def test_the_value_of_the_right_counts_transferees_as_investors(terms, monkeypatch):
    """inv02 sells all its Units to a transferee who signs on day 5; the transferee,
    inv01 and inv05 demand: what the transferee sells under the statement is the
    Investors' (the value reader lists it; the investment total is the closing's)."""
    sc = scenario_from_dict(RARE)
    base = run_deal(terms, sc, 0, 0, script=script(
        {"demand": {"day": 10, "by": ["inv01", "inv02", "inv05"]}}))
    at_day(monkeypatch, 5, "inv02", 600_000, True)
    log = run_deal(terms, sc, 0, 0, script=script(
        {"demand": {"day": 10, "by": ["transferee-1", "inv01", "inv05"]}}))
    sold = Counter()
    for e in kinds(log, ev.EFFECTIVENESS_ENDED):
        for name, n in e.details["sold_by"]:
            sold[name] += n
    assert sold["transferee-1"] > 0 and sold["inv02"] == 0
    v = deal_value(log, terms)
    assert "transferee-1" in v.by_investor and "inv02" not in v.by_investor
    assert v.investment_usd == deal_value(base, terms).investment_usd


def test_a_holder_id_reserved_for_transferees_is_refused():
    sc = scenario_from_dict({**ON, "investors": [{"id": "transferee-1", "units": 10}]})
    with pytest.raises(ValueError, match="reserved for transferees"):
        stream_specs(sc)


def test_with_transfers_on_the_audit_is_clean_and_transfers_are_common(terms):
    """300 deals with transfers on: no deal's log contradicts itself, no breach the
    policies do not also make without transfers is unflagged (the refused-demand check
    follows the Units), and the transfers sign about as often as drawn."""
    sc = scenario_from_dict(ON)
    m = DealModel(terms, sc, 11)
    signed = Counter()
    for deal in range(300):
        log = m.run(deal)
        for e in kinds(log, ev.UNITS_TRANSFERRED):
            signed[e.details["counterpart"]] += 1
        found = {f.kind for f in audit(log, terms)}
        assert not found & {"shares_over_holdings", "demand_refused"}, (deal, found)
    n = signed[True] + signed[False]
    assert n > 300
    assert 0.5 < signed[True] / n < 0.7


# --- The audit recomputes from the logged transfers (doctored logs) ----------------------
def test_audit_flags_a_refusal_of_a_majority_made_by_an_unsigned_transfer(terms, monkeypatch):
    """The unsigned-transfer deal above, doctored: the Company refuses the demand of
    1,700,000 Units on receipt. Of the Investors' 2,563,593 Units that is a majority:
    the audit, reading the transfer, finds the refusal a breach (§1(a))."""
    at_day(monkeypatch, 5, "inv01", 1_000_000, False)
    log = run_deal(terms, scenario_from_dict(RARE), 0, 0, script=script(
        {"demand": {"day": 10, "by": ["inv02", "inv05", "inv06", "inv07", "inv08",
                                      "inv09"]}}))
    events = list(log)
    i = next(k for k, e in enumerate(events) if e.kind == ev.DEMAND_RECEIVED)
    got = events[i]
    doctored = events[:i + 1] + [ev.Event(got.day, ev.DEMAND_REFUSED, "company", "§1(a)", dict(
        cycle=0, reason="initiating investors do not hold a majority of the Units",
        units=1_700_000, total_units=3_563_593))]
    assert [f.kind for f in audit(doctored, terms)].count("demand_refused") == 1
    assert "demand_refused" not in {f.kind for f in audit(events, terms)}


def test_audit_flags_a_transfer_of_shares_registered_in_a_pending_statement(terms):
    """inv01's shares are registered in the demand statement; a doctored transfer of
    all of them right after the filing counts them twice: the audit's conservation
    finding (§7)."""
    log = run_deal(terms, scenario_from_dict(RARE), 0, 0, script=script(
        {"demand": {"day": 10, "by": ["inv01", "inv02", "inv05"]}}))
    events = list(log)
    i = next(k for k, e in enumerate(events) if e.kind == ev.STATEMENT_FILED)
    assert dict(events[i].details["registered"])["inv01"] > 0
    fake = ev.Event(events[i].day, ev.UNITS_TRANSFERRED, "inv01", "§7", dict(
        to="transferee-1", units=1_000_000, shares=6_000_000, counterpart=True,
        investor=True, price=0.3, usd=1.8e6, seller_units=0, total_units=3_563_593))
    doctored = events[:i + 1] + [fake] + events[i + 1:]
    assert "shares_over_holdings" in {f.kind for f in audit(doctored, terms)}
    assert "shares_over_holdings" not in {f.kind for f in audit(events, terms)}


def test_7_a_signed_transferee_receives_the_registration_notice(terms, monkeypatch):
    """inv05 sells 100,000 Units to a transferee who signs on day 5; the Company gives a
    Registration Notice of its own offering on day 20 (§3(a)): the transferee is among
    its recipients and receives it (its piggy-back election is its own draw)."""
    at_day(monkeypatch, 5, "inv05", 100_000, True)
    log = run_deal(terms, scenario_from_dict(RARE), 0, 0, script=script({
        "offerings": [{"type": "public", "plan_day": 0, "notice_day": 20, "file_day": 40,
                       "effective_day": 90}]}))
    notice = log.first(ev.REGISTRATION_NOTICE_GIVEN)
    assert "transferee-1" in notice.details["recipients"]
    got = [e for e in kinds(log, ev.REGISTRATION_NOTICE_RECEIVED) if e.actor == "transferee-1"]
    assert len(got) == 1 and got[0].day > 20
    assert not [f for f in audit(log, terms) if f.severity == "inconsistent"]


def test_pipe_damages_follow_the_units_of_the_payment_day():
    """PIPE RRA terms (liquidated damages), transfers on: under a mandatory registration
    every share is committed from the closing, so no transfer precedes a payment, and the
    audit finds every payment as agreed. A doctored log in which inv01 sold half its
    Units to a signed transferee before a payment: the payment split by the closing's
    Units is flagged; split by the Units of that day it is not (resale.damages_payees)."""
    from sim.law.rules import resale
    from sim.law.terms import load_terms
    pipe = load_terms("pipe-typical")
    sc = scenario_from_dict({"transfers": {**ON["transfers"], "rate_per_year": 2.0}})
    m = DealModel(pipe, sc, 4)
    target = None
    for deal in range(40):
        log = m.run(deal)
        assert "damages_not_as_agreed" not in {f.kind for f in audit(log, pipe)}, deal
        if target is None and kinds(log, ev.DAMAGES_PAID):
            target = log
    assert target is not None
    events = list(target)
    i = next(k for k, e in enumerate(events) if e.kind == ev.DAMAGES_PAID)
    pay = events[i]
    units = dict(target.first(ev.DEAL_CLOSED).details["units_by_investor"])
    fake = ev.Event(pay.day, ev.UNITS_TRANSFERRED, "inv01", "§7", dict(
        to="transferee-1", units=units["inv01"] // 2, shares=0, counterpart=True,
        investor=True, price=0.3, usd=0.0, seller_units=units["inv01"] - units["inv01"] // 2,
        total_units=sum(units.values())))
    stale = events[:i] + [fake] + events[i:]
    assert "damages_not_as_agreed" in {f.kind for f in audit(stale, pipe)}
    units["transferee-1"] = units["inv01"] // 2
    units["inv01"] -= units["transferee-1"]

    def split(e):            # this payment and every later one, by the Units of the day
        if e.kind != ev.DAMAGES_PAID:
            return e
        total = e.details["amount_usd"] + e.details["interest_usd"]
        return e._replace(details={**e.details, "payees": resale.damages_payees(
            total, list(units.items()))})
    redone = events[:i] + [fake] + [split(e) for e in events[i:]]
    assert "damages_not_as_agreed" not in {f.kind for f in audit(redone, pipe)}


def test_7_a_transferee_who_arrives_during_a_coalition_attempt_is_asked_like_the_others():
    """Seed 2, deal 80 of the shipped scenario with transfers on: coalition attempts for the first
    demand fail and are retried at month starts; meanwhile a signed transferee becomes an
    Investor. The retry counts it among the Investors it may ask (a KeyError before)."""
    from sim.deal.model import DealModel
    from sim.law.terms import load_terms
    from sim.world.scenario import load_scenario
    log = DealModel(load_terms(), scenario_from_dict(
        {"transfers": {**ON["transfers"], "rate_per_year": 0.02, "counterpart_prob": 0.8}}),
        2).run(80)
    transferees = {e.details["to"] for e in log.events if e.kind == ev.UNITS_TRANSFERRED
                   and e.details["counterpart"]}
    assert transferees and log.events[-1].kind == ev.DEAL_ENDED


def test_7_units_sold_with_no_free_registrable_share_still_make_a_holding():
    """A seller whose Registrable Shares are none of them free (all sold or held back)
    sells Units alone: the transferee who signs is an Investor holding 0 Registrable
    Shares, and the ledger knows it (a KeyError when the 100,000-deal check asked what
    it held)."""
    from sim.engine.holdings import Holdings
    h = Holdings({"inv01": 600})
    h.commit("inv01", "demand-0", 600)
    assert h.transfer("inv01", 100, "transferee-1") == 0
    assert h.held("transferee-1") == 0 and h.free("transferee-1") == 0
