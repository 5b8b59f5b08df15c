"""§1(c) withdrawal by cause, and what-if scripts that reach every fact pattern.

§1(c): the demand obligation is "deemed satisfied only when a registration statement ...
shall have (i) become effective, or (ii) been withdrawn at the request of the Investors
requesting such registration (other than solely as a result of material information
concerning the business or financial condition of the Company which is made known to
such Investors after the date on which registration was requested)".

The timeline of every test (see tests/test_demand_path.py): Demand Notice sent day 10 by
inv01, inv02 and inv05 (a majority), received day 12; Company Notice given day 15; filed
day 47; effective day 57. The request day is day 10, the day the Demand Notice was sent.
"""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DEMAND_PATH
from sim.engine import events as ev
from sim.read.audit import audit
from sim.cli.main import main
from sim.core.config import ConfigError, build, deep_merge
from sim.world.distributions import Fixed
from sim.deal.model import run_deal
from sim.read.outcomes import outcomes
from sim.law.rules.limits import withdrawal_uses_demand
from sim.world.script import Script, load_script

BASE = DEMAND_PATH
ALL_SHARES = 3_563_593 * 6


def play(terms, scenario, script=None, **term_changes):
    data = deep_merge(BASE, script or {})
    t = dataclasses.replace(terms, **{"cooldown_scope": "defined_term", **term_changes})
    log = run_deal(t, scenario, seed=0, script=build(Script, data, "test-script"))
    return t, log


def play_cycles(terms, scenario, demands):
    """Play with a ``[[demands]]`` array instead of BASE's ``[demand]``."""
    data = deep_merge({k: v for k, v in BASE.items() if k != "demand"}, {"demands": demands})
    t = dataclasses.replace(terms, cooldown_scope="defined_term")
    return t, run_deal(t, scenario, seed=0, script=build(Script, data, "test-script"))


def withdraw(**w):
    return {"demand": {"withdrawal": w}}


def sent(log):
    return [e for e in log if e.kind == ev.DEMAND_SENT]


# --- The rule, from the words -------------------------------------------------------------

@pytest.mark.parametrize("causes, known, used", [
    (("information",), 11, False),   # made known the day after the request: not used
    (("information",), 10, True),    # made known on the request day: not "after the date"
    (("information",), 3, True),     # known before the request
    (("price",), None, True),        # the price fell
    (("other",), None, True),        # the Investors changed their minds
    (("information", "price"), 11, True),   # not "solely" the later information
])
def test_1c_withdrawal_uses_demand_unless_solely_later_information(causes, known, used):
    assert withdrawal_uses_demand(causes, known, 10) is used


# --- Each cause through the engine ------------------------------------------------------

def test_1c_information_made_known_after_the_request_keeps_the_demand(terms, scenario):
    """Made known day 25 (after the request of day 10), withdrawn day 30: not used; the
    Investors demand again and that registration becomes effective."""
    t, log = play(terms, scenario, withdraw(day=30, cause="information", information_day=25))
    assert log.first(ev.MAI_DISCLOSED).day == 25
    w = log.first(ev.STATEMENT_WITHDRAWN)
    assert (w.day, w.details["causes"], w.details["made_known_day"],
            w.details["request_day"], w.details["demand_used"]) == (
        30, ("information",), 25, 10, False)
    assert [e.details["cycle"] for e in sent(log)] == [0, 1]
    assert log.first(ev.STATEMENT_EFFECTIVE).details["cycle"] == 1
    row = outcomes(log, t)
    assert (row["withdrawn_mai"], row["withdrawals_mai_after"],
            row["withdrawals_using_demand"], row["demands_used"]) == (True, 1, 0, 1)
    assert not [f for f in audit(log, t) if f.severity == "breach"]


def test_1c_information_made_known_between_sending_and_receipt_is_after_the_request(
        terms, scenario):
    """Made known day 11: after the request (sent day 10), before the Company received
    it (day 12): not used."""
    t, log = play(terms, scenario, withdraw(day=20, cause="information", information_day=11))
    assert log.first(ev.STATEMENT_WITHDRAWN).details["demand_used"] is False


@pytest.mark.parametrize("known", [10, 4])
def test_1c_information_known_on_or_before_the_request_uses_the_demand(terms, scenario,
                                                                       known):
    """Made known on the request day (10) or before it (4): the Investors asked for the
    registration knowing it, so the withdrawal uses up the demand; no renewal."""
    t, log = play(terms, scenario, withdraw(day=30, cause="information", information_day=known))
    w = log.first(ev.STATEMENT_WITHDRAWN)
    assert (w.day, w.details["made_known_day"], w.details["demand_used"]) == (30, known, True)
    assert len(sent(log)) == 1 and log.first(ev.STATEMENT_EFFECTIVE) is None
    row = outcomes(log, t)
    assert (row["withdrawals_mai_before"], row["withdrawals_using_demand"],
            row["demands_used"], row["withdrawn_mai"]) == (1, 1, 1, False)
    assert not [f for f in audit(log, t) if f.severity == "breach"]


def test_1c_events_mai_day_before_the_request_uses_the_demand(terms, scenario):
    """events.mai_day = 5: the information was made known before the Demand Notice of day
    10; the Investors (withdraw_on_mai) withdraw on the demand's receipt, day 12, and the
    demand is used up."""
    t, log = play(terms, scenario, {"events": {"mai_day": 5}})
    d = log.first(ev.MAI_DISCLOSED)
    assert (d.day, d.details["made_known_day"]) == (12, 5)
    w = log.first(ev.STATEMENT_WITHDRAWN)
    assert (w.day, w.details["made_known_day"], w.details["demand_used"]) == (12, 5, True)
    assert len(sent(log)) == 1


def test_1c_withdrawal_for_other_reasons_uses_the_demand(terms, scenario):
    t, log = play(terms, scenario, withdraw(day=30, cause="other"))
    w = log.first(ev.STATEMENT_WITHDRAWN)
    assert (w.day, w.details["causes"], w.details["made_known_day"],
            w.details["demand_used"]) == (30, ("other",), None, True)
    assert outcomes(log, t)["withdrawals_other"] == 1


def test_1c_withdrawal_after_filing_for_other_reasons(terms, scenario):
    """Withdrawn day 50, after the filing of day 47: the Company pays its expenses (§4),
    the demand is used."""
    t, log = play(terms, scenario, withdraw(day=50, cause="other"))
    w = log.first(ev.STATEMENT_WITHDRAWN)
    assert (w.details["filed"], w.details["demand_used"]) == (True, True)
    assert log.first(ev.REGISTRATION_EXPENSES_PAID, withdrawn=True) is not None


def test_1c_price_driven_withdrawal_follows_the_scripted_price_path(terms, scenario):
    """The price falls by e^-1 (to 37%) in month 1 (day 30): below half the price at the
    request; the Investors withdraw on day 30 and the demand is used."""
    script = deep_merge(withdraw(cause="price", price_drop=0.5),
                        {"events": {"market_returns": [-1.0]}})
    t, log = play(terms, scenario, script)
    w = log.first(ev.STATEMENT_WITHDRAWN)
    assert (w.day, w.details["causes"], w.details["demand_used"]) == (30, ("price",), True)
    assert w.details["price"] < 0.5 * w.details["price_at_request"]
    assert outcomes(log, t)["withdrawals_price"] == 1


def test_1c_price_that_does_not_fall_far_enough_keeps_the_statement(terms, scenario):
    script = deep_merge(withdraw(cause="price", price_drop=0.5),
                        {"events": {"market_returns": [-0.5]}})
    t, log = play(terms, scenario, script)
    assert log.first(ev.STATEMENT_WITHDRAWN) is None
    assert log.first(ev.STATEMENT_EFFECTIVE).day == 57


def test_1c_later_information_and_price_is_not_solely_information(terms, scenario):
    t, log = play(terms, scenario, withdraw(day=30, cause=["information", "price"],
                                            information_day=25))
    w = log.first(ev.STATEMENT_WITHDRAWN)
    assert (w.details["causes"], w.details["demand_used"]) == (("information", "price"), True)


@pytest.mark.parametrize("field, value", [("withdraw_other_prob", 1.0),
                                          ("withdraw_price_prob", 1.0)])
def test_scenario_drawn_withdrawals(terms, scenario, field, value):
    """Drawn from the scenario (no scripted withdrawal): a change of mind 10 days after the
    receipt (other) or a price fall of half (the scripted path falls to 37% on day 30)."""
    ib = dataclasses.replace(scenario.investor_behaviour, withdraw_day=Fixed(value=10),
                             **{field: value})
    sc = dataclasses.replace(scenario, investor_behaviour=ib)
    t, log = play(terms, sc, {"events": {"market_returns": [-1.0]}})
    w = log.first(ev.STATEMENT_WITHDRAWN)
    assert w is not None and w.details["demand_used"] is True
    assert w.details["causes"] == (("other",) if field == "withdraw_other_prob" else ("price",))


def test_scenario_drawn_information_known_before_the_request(terms, scenario):
    evs = dataclasses.replace(scenario.events, mai_before_prob=1.0)
    ib = dataclasses.replace(scenario.investor_behaviour, withdraw_day=Fixed(value=10))
    t, log = play(terms, dataclasses.replace(scenario, events=evs, investor_behaviour=ib))
    w = log.first(ev.STATEMENT_WITHDRAWN)
    assert w.details["causes"] == ("information",)
    assert w.details["made_known_day"] <= w.details["request_day"] == 10
    assert w.details["demand_used"] is True


def test_script_cause_none_replaces_every_draw(terms, scenario):
    ib = dataclasses.replace(scenario.investor_behaviour, withdraw_other_prob=1.0)
    t, log = play(terms, dataclasses.replace(scenario, investor_behaviour=ib),
                  withdraw(cause="none"))
    assert log.first(ev.STATEMENT_WITHDRAWN) is None


# --- Demand cycles --------------------------------------------------------------------------

def test_demands_array_fixes_the_renewed_demand(terms, scenario):
    """[[demands]]: cycle 0 withdrawn for later information; cycle 1 sent day 80 by
    inv01, inv02, note01 (2,108,194 Units, a majority)."""
    _, log = play_cycles(terms, scenario, [
        {"day": 10, "by": ["inv01", "inv02", "inv05"],
         "withdrawal": {"day": 30, "cause": "information", "information_day": 25}},
        {"day": 80, "by": ["inv01", "inv02", "note01"]}])
    again = sent(log)[1]
    assert (again.day, again.details["cycle"], again.details["initiating"]) == (
        80, 1, ("inv01", "inv02", "note01"))


def test_scripted_demand_after_a_used_withdrawal_is_refused(terms, scenario):
    """Withdrawn for other reasons (used); the script has the Investors demand again on
    day 80: the Company refuses under §1(c), and the audit agrees the demand was used."""
    t, log = play_cycles(terms, scenario, [
        {"day": 10, "by": ["inv01", "inv02", "inv05"],
         "withdrawal": {"day": 30, "cause": "other"}},
        {"day": 80, "by": ["inv01", "inv02", "inv05"]}])
    refused = log.first(ev.DEMAND_REFUSED)
    assert (refused.day, refused.clause) == (82, "§1(c)")
    assert not [f for f in audit(log, t) if f.kind == "demand_refused"]


def test_audit_recomputes_the_withdrawal_from_its_facts(terms, scenario):
    """A log claiming a withdrawal for information made known before the request did not
    use the demand: the audit counts it as used, so the later §1(c) refusal is no breach;
    claiming the reverse for later information makes the refusal a breach."""
    t, log = play_cycles(terms, scenario, [
        {"day": 10, "by": ["inv01", "inv02", "inv05"],
         "withdrawal": {"day": 30, "cause": "information", "information_day": 25}},
        {"day": 80, "by": ["inv01", "inv02", "inv05"]}])
    assert log.first(ev.DEMAND_REFUSED) is None     # not used: the renewal is honoured
    events = list(log)
    w = next(i for i, e in enumerate(events) if e.kind == ev.STATEMENT_WITHDRAWN)
    refused_at = next(i for i, e in enumerate(events) if e.kind == ev.DEMAND_RECEIVED
                      and e.details["cycle"] == 1)
    fake = ev.Event(events[refused_at].day, ev.DEMAND_REFUSED, "company", "§1(c)",
                    dict(cycle=1, reason="demand registration already used", demands_used=1))
    doctored = events[:refused_at + 1] + [fake]
    assert "demand_refused" in {f.kind for f in audit(doctored, t)}
    before = dict(events[w].details, made_known_day=3)
    doctored[w] = events[w]._replace(details=before)
    assert "demand_refused" not in {f.kind for f in audit(doctored, t)}


# --- Partial requests -----------------------------------------------------------------------

def test_partial_requests_in_demand_notice_joinder_and_piggyback(terms, scenario):
    script = {"demand": {"shares": {"inv01": 1_000, "inv02": 2_000}},
              "investors": {"inv09": {"join_shares": 500},
                            "inv08": {"piggyback": True, "piggyback_response_days": 1,
                                      "piggyback_shares": 700}},
              "offerings": [{"type": "public", "plan_day": 0, "file_day": 5,
                             "effective_day": 8, "notice_day": 1}]}
    t, log = play(terms, scenario, script)
    inv05 = 400_000 * 6
    assert log.first(ev.DEMAND_SENT).details["shares"] == 1_000 + 2_000 + inv05
    assert log.first(ev.JOINDER_RECEIVED, shares=500).actor == "inv09"
    pb = log.first(ev.PIGGYBACK_REQUESTED)
    assert (pb.actor, pb.details["shares"]) == ("inv08", 700)


def test_partial_request_never_exceeds_what_the_investor_holds(terms, scenario):
    t, log = play(terms, scenario, {"demand": {"shares": {"inv01": 10**12}}})
    assert log.first(ev.DEMAND_SENT).details["shares"] == (1_000_000 + 600_000 + 400_000) * 6


# --- [investors.<id>] over [investors.all], key by key -----------------------------------

def test_investor_table_overrides_all_key_by_key(terms, scenario):
    """inv01's own table sets only info_response_days; its join and sell_days still come
    from [investors.all]: it answers §6 on day 15+2+9+2 = 28 and sells out 100 usable
    days after effectiveness (the price, ~4.5 times the closing price from the first
    month, is above the Warrants' exercise price, so its warrant shares are sold too)."""
    t, log = play(terms, scenario, {"investors": {"inv01": {"info_response_days": 9}},
                                    "events": {"market_returns": [1.5]}})
    assert log.first(ev.INFO_RECEIVED).actor in {"inv01", "inv02", "inv05"}
    assert {e.actor: e.day for e in log if e.kind == ev.INFO_RECEIVED}["inv01"] == 28
    end = log.first(ev.EFFECTIVENESS_ENDED)
    assert dict(end.details["sold_out"])["inv01"] == 57 + 100
    s = build(Script, deep_merge(BASE, {"investors": {"inv01": {"info_response_days": 9}}}),
              "t")
    assert (s.investor("inv01").sell_days, s.investor("inv01").info_response_days,
            s.investor("inv02").info_response_days) == (100, 9, 3)


# --- Item 16: refuse a repeated or empty `by`, one line through the CLI ---------------------

@pytest.mark.parametrize("text, key, hint", [
    ('[demand]\nday = 10\nby = ["inv01", "inv01", "inv02"]\n', "demand.by",
     "'inv01' twice"),
    ('[demand]\nday = 10\nby = []\n', "demand.by", "at least one"),
    ('[[demands]]\nday = 10\n[[demands]]\nday = 20\nby = ["inv05", "inv05"]\n',
     "demands[1].by", "'inv05' twice"),
    ('[demand]\nday = 10\n[[demands]]\nday = 20\n', "demands", "not both"),
    ('[demand]\nday = 10\n[demand.withdrawal]\nday = 30\ncause = "information"\n',
     "demand.withdrawal.information_day", "required"),
    ('[demand]\nday = 10\n[demand.withdrawal]\ncause = "gossip"\n', "demand.withdrawal.cause",
     "'information'"),
    ('[demand]\nday = 10\n[demand.withdrawal]\ncause = "other"\n', "demand.withdrawal.day",
     "required"),
    ('[demand]\nday = 10\n[demand.withdrawal]\nday = 30\ncause = "other"\n[events]\n'
     'mai_day = 25\n', "events.mai_day", "not both"),
])
def test_bad_demand_script_is_one_line_exit_2(tmp_path, text, key, hint):
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["timeline", "--script", str(f)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.output.splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0], result.output
    assert lines[0].startswith(f"regsim: error: {f}: {key}"), lines[0]
    assert hint in lines[0], lines[0]


def test_load_script_checks_investors_of_every_cycle(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[[demands]]\nday = 10\n[[demands]]\nday = 20\nby = ["inv99"]\n'
                 '[demands.shares]\ninv98 = 5\n', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_script(f, {"inv01", "inv02"})
    assert exc.value.key == "demands[1].by[0]"


# --- Invariant: engine, rule and audit agree on every scripted withdrawal ------------------

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cause=st.sampled_from(["information", "other", "both"]),
       known=st.integers(0, 40), day=st.integers(13, 56))
def test_engine_rule_and_audit_agree(terms, scenario, cause, known, day):
    causes = ["information", "other"] if cause == "both" else [cause]
    w = {"day": max(day, known), "cause": causes if cause == "both" else cause}
    if "information" in causes:
        w["information_day"] = known
    t, log = play(terms, scenario, withdraw(**w))
    e = log.first(ev.STATEMENT_WITHDRAWN)
    expected = withdrawal_uses_demand(tuple(causes), w.get("information_day"), 10)
    assert e.details["demand_used"] is expected
    renewed = len(sent(log)) == 2
    assert renewed is (not expected)
    assert outcomes(log, t)["withdrawals_using_demand"] == int(expected)
    assert not [f for f in audit(log, t) if f.severity == "breach"]


def test_by_without_day_sends_when_the_last_named_investor_wants_it(terms, scenario):
    """`by` without `day`: inv01, inv02, inv05 send the Demand Notice on the drawn day the
    last of them wants a registration (their own patience draws)."""
    _, log = play_cycles(terms, scenario, [{"by": ["inv01", "inv02", "inv05"]}])
    first = sent(log)[0]
    assert first.details["initiating"] == ("inv01", "inv02", "inv05")
    assert first.day > 0
