"""Hypothesis invariants of the engine, over seeds, deals and negotiated variants."""

import dataclasses

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.engine import events as ev
from sim.law.terms import SOURCES
from sim.read.audit import audit
from sim.deal.model import run_deal
from sim.read.outcomes import outcomes
from sim.law.rules import delay as delay_rules
from sim.law.rules import limits

variants = st.fixed_dictionaries({
    "filing_deadline_days": st.integers(20, 90),
    "filing_floor_days": st.integers(0, 40),
    "promptly_days": st.integers(1, 20),
    "joinder_window_days": st.integers(5, 30),
    "cooldown_days": st.integers(0, 240),
    "cooldown_scope": st.sampled_from(["any_statement", "defined_term", "resale_form"]),
    "cooldown_effect": st.sampled_from(["file", "effective"]),
    "delay_uses": st.integers(0, 2),
    "delay_max_days": st.integers(0, 200),
    "delay_other_activity": st.sampled_from(["ignore", "allow"]),
    "empty_window": st.sampled_from(["file_at_floor", "file_at_deadline"]),
    "company_notice_receipt": st.sampled_from(["last_investor", "first_investor"]),
    "unconditional_notice": st.sampled_from(["company_notice", "company_notice_receipt"]),
    "notices_effective": st.sampled_from(["on_receipt", "by_method", "on_dispatch"]),
})
deals = st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 10_000))
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(variants, deals)
def test_compliant_company_breaches_only_when_the_window_is_empty(terms, scenario, changes,
                                                                  deal):
    """A Company that gives prompt notice, drafts in time and answers comments in time is
    never found in breach, except where an empty window forces one limit to give.

    Assumes terms under which a §6 answer given in the scenario's reasonable time can
    arrive by the deadline (otherwise even a diligent Company files late).
    """
    assume(changes["filing_deadline_days"]
           >= changes["promptly_days"] + scenario.company.info_due_days)
    t = dataclasses.replace(terms, **changes)
    log = run_deal(t, scenario, deal[0], deal[1], policy="compliant")
    findings = audit(log, t)
    breaches = [f for f in findings if f.severity == "breach"
                and not f.kind.endswith("_empty_window")
                and not (f.kind == "filing_deadline_missed" and _window_outruns_deadline(log, t))]
    assert not breaches, breaches
    # §1(c) is a right: a Company may file inside a cooldown (the issuer did in 2003).
    assert all(f.severity == "note" for f in findings if f.kind == "filed_in_cooldown")


def _window_outruns_deadline(log, t):
    """The terms' own joinder window closed after the filing deadline: the Company
    cannot fix the scope of the statement in time (a conflict within the terms)."""
    received = {e.details["cycle"]: e.day for e in log.of_kind(ev.DEMAND_RECEIVED)}
    return any(e.day > received[e.details["cycle"]] + t.filing_deadline_days
               for e in log.of_kind(ev.JOINDER_WINDOW_CLOSED))


@SETTINGS
@given(variants, deals)
def test_delay_used_at_most_as_allowed_and_never_past_its_cap(terms, scenario, changes, deal):
    """§1(d): the delay right is used at most `delay_uses` times, never past its cap."""
    t = dataclasses.replace(terms, **changes)
    log = run_deal(t, scenario, deal[0], deal[1])
    assert len(log.of_kind(ev.DELAY_INVOKED)) <= t.delay_uses
    for end in log.of_kind(ev.DELAY_ENDED):
        assert end.day <= end.details["cap_day"] + 1       # resumes the day after at the latest
        if end.details["offering_effective"]:
            assert end.details["cap_day"] == delay_rules.delay_cap_day(
                end.details["basis_day"], t)
    assert not [f for f in audit(log, t) if f.kind.startswith("delay_")]


@SETTINGS
@given(variants, deals)
def test_nothing_is_filed_inside_a_cooldown(terms, scenario, changes, deal):
    """§1(c): a Company that uses its cooldown right files no demand statement (under
    ``cooldown_effect = file``) or lets none become effective (under ``effective``)
    within `cooldown_days` after another statement in scope became effective: days
    E+1 .. E+cooldown_days. (The exogenous Company that always uses the right: a
    strategic one may ask the Investors to waive instead, tests/test_waivers.py.)"""
    t = dataclasses.replace(terms, **changes)
    always = dataclasses.replace(scenario, company=dataclasses.replace(
        scenario.company, cooldown_invoke_prob=1.0))
    log = run_deal(t, always, deal[0], deal[1], policy="scenario")
    scoped = [d for _, d, registrable, form in log[0].details["prior_statements"]
              if limits.counts_for_cooldown(registrable, form, t)]
    held = ev.STATEMENT_FILED if t.cooldown_effect == "file" else ev.STATEMENT_EFFECTIVE
    for e in log:
        if e.kind == held:
            assert not any(s < e.day <= s + t.cooldown_days for s in scoped)
        if e.kind == ev.OFFERING_EFFECTIVE and limits.counts_for_cooldown(
                e.details["investor_shares"] > 0, e.details["form_permits_resale"], t):
            scoped.append(e.day)
        elif e.kind == ev.STATEMENT_EFFECTIVE and (
                t.cooldown_scope != "defined_term" or e.details["shares"] > 0):
            scoped.append(e.day)


@SETTINGS
@given(variants, deals)
def test_log_is_ordered_cited_and_consistent_with_the_audit(terms, scenario, changes, deal):
    """The log is chronological, every event cites its clause, and the agents' own
    verdict events agree with the independent audit."""
    t = dataclasses.replace(terms, **changes)
    log = run_deal(t, scenario, deal[0], deal[1])
    days = [e.day for e in log]
    assert days == sorted(days)
    assert all(e.kind in ev.KINDS for e in log)
    # A clause of the agreement, the recitals, a market term's source (sim.law.terms.SOURCES,
    # for terms the 2003 agreement lacks), or the scenario (the market's price path).
    assert all(e.clause.startswith("§") or e.clause in ("recitals", "scenario")
               or e.clause in SOURCES for e in log)
    # The agents' own verdict events (the row counts the audit's findings instead).
    kinds = {f.kind for f in audit(log, t)}
    missed = [e.details["fault"] for e in log.of_kind(ev.FILING_DEADLINE_MISSED)]
    assert bool(log.of_kind(ev.COMPANY_NOTICE_LATE)) == ("company_notice_late" in kinds)
    assert ("investor" in missed) == ("filing_late_investor" in kinds)
    assert any(e.details["breach"] for e in log.of_kind(ev.TARGET_MISSED)) == (
        "target_missed_company" in kinds)
    assert ("company" in missed) == any(k.startswith("filing_deadline_missed") for k in kinds)
    assert outcomes(log, t)["filing_deadline_missed"] == ("filing_deadline_missed" in kinds or
                                                          "filing_deadline_missed_empty_window"
                                                          in kinds)


@SETTINGS
@given(deals)
def test_shares_are_conserved(terms, scenario, deal):
    """Registered + left out for capital = requested; sales never exceed registrations;
    the statements effective at any one time, with what was already sold, never cover
    more than the Registrable Shares (§7). (A statement whose period ended frees its
    unsold shares, which a later statement may register again.)"""
    log = run_deal(terms, scenario, deal[0], deal[1])
    total = log[0].details["registrable_shares"]
    live: dict[int, int] = {}
    sold = 0
    for e in log:
        if e.kind == ev.STATEMENT_FILED and not e.details["second"]:
            d = e.details
            assert d["shares_registered"] + d["shares_unregistered_capital"] == d["shares_requested"]
        if e.kind == ev.STATEMENT_EFFECTIVE:
            live[e.details["cycle"]] = e.details["shares"]
        if e.kind == ev.EFFECTIVENESS_ENDED:
            assert 0 <= e.details["shares_sold"] <= e.details["shares_registered"]
            live.pop(e.details["cycle"], None)
            sold += e.details["shares_sold"]
        if e.kind == ev.SELLING_COSTS_PAID and e.details["registration"].startswith("offering-") \
                and e.actor in log[0].details["investor_ids"]:
            sold += e.details["shares"]
        assert sum(live.values()) + sold <= total
