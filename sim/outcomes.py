"""Outcomes: one row per deal, computed from the event log alone.

Column names carry their units. Day columns count calendar days from closing (day 0);
a ``days_*`` column is a duration. Missing values (e.g. never effective) are ``None``
here and nulls in the Parquet table. The first registration is the first demand cycle
to be filed (a demand withdrawn before filing and renewed counts from the first
Demand Notice: what the Investors experience).

=================================  =====================================================
column                             meaning
=================================  =====================================================
deal                               deal index within the run
demand_day                         first Demand Notice sent
demand_received_day                ... received by the Company (§8(a))
filing_day                         first demand statement filed
effective_day                      first demand statement effective
days_demand_to_filing              filing_day - demand_day
days_filing_to_effective           effective_day - filing_day
days_demand_to_effective           effective_day - demand_day
company_notice_late                a Company Notice came later than ``promptly_days`` (§1(a))
days_to_company_notice             receipt of demand -> Company Notice given (first cycle)
window_empty                       the §1(a) filing window was empty (any cycle)
filing_deadline_missed             filed after the (excused) deadline, Company's fault
filing_delayed_by_investor         filed late only because a §6 answer was late
filed_before_floor                 filed before the 30-day floor (§1(a))
effectiveness_target_missed        effective more than 120 days after filing (§1(a))
target_miss_breach                 ... and the Company's late responses caused it
delay_used                         the §1(d) delay was invoked
delay_days                         days from invoking to the end of the delay
cooldown_days                      days filing waited for a §1(c) cooldown
reviewed                           the Commission reviewed the first statement
comment_letters                    comment letters on the first statement
demands_used                       demand registrations used up (§1(c))
demands_made                       Demand Notices sent (any cycle)
withdrawn_mai                      a registration was withdrawn after later MAI (§1(c))
second_demand_made                 a second demand for capital-short shares (§1(a))
shares_requested                   shares requested in the first registration
shares_registered                  shares registered in all effective statements
shares_unregistered_capital        shares left out for lack of authorized capital
joinders_timely / joinders_late    requests to be included, in time / too late (§1(a))
info_answers_late                  §6 answers received late
suspension_days                    days of suspended sales (§2)
registrable_shares                 all Registrable Shares of the Investors (§7)
fraction_sold_first_year           shares sold under the first effective statement,
                                   over all Registrable Shares (§2(e) period <= 1 year)
end_day                            last day of the deal
=================================  =====================================================
"""

from __future__ import annotations

from typing import Any, Iterable

from sim import events as ev

COLUMNS: tuple[tuple[str, str], ...] = (
    ("deal", "int"), ("demand_day", "int?"), ("demand_received_day", "int?"),
    ("filing_day", "int?"), ("effective_day", "int?"), ("days_demand_to_filing", "int?"),
    ("days_filing_to_effective", "int?"), ("days_demand_to_effective", "int?"),
    ("company_notice_late", "bool"), ("days_to_company_notice", "int?"),
    ("window_empty", "bool"), ("filing_deadline_missed", "bool"),
    ("filing_delayed_by_investor", "bool"), ("filed_before_floor", "bool"),
    ("effectiveness_target_missed", "bool"), ("target_miss_breach", "bool"),
    ("delay_used", "bool"), ("delay_days", "int?"), ("cooldown_days", "int"),
    ("reviewed", "bool?"), ("comment_letters", "int"), ("demands_used", "int"),
    ("demands_made", "int"), ("withdrawn_mai", "bool"), ("second_demand_made", "bool"),
    ("shares_requested", "int"), ("shares_registered", "int"),
    ("shares_unregistered_capital", "int"), ("joinders_timely", "int"),
    ("joinders_late", "int"), ("info_answers_late", "int"), ("suspension_days", "int"),
    ("registrable_shares", "int"), ("fraction_sold_first_year", "float"), ("end_day", "int"),
)
COLUMN_NAMES = tuple(c for c, _ in COLUMNS)


def outcomes(log: Iterable[ev.Event]) -> dict[str, Any]:
    """One outcome row from a deal's event log (no other input).

    Args:
        log: The deal's events in log order.

    Returns:
        A dict with exactly :data:`COLUMN_NAMES` as keys.
    """
    r: dict[str, Any] = dict.fromkeys(COLUMN_NAMES)
    r.update(company_notice_late=False, window_empty=False, filing_deadline_missed=False,
             filing_delayed_by_investor=False, filed_before_floor=False,
             effectiveness_target_missed=False, target_miss_breach=False, delay_used=False,
             cooldown_days=0, comment_letters=0, demands_used=0, demands_made=0,
             withdrawn_mai=False, second_demand_made=False, shares_requested=0,
             shares_registered=0, shares_unregistered_capital=0, joinders_timely=0,
             joinders_late=0, info_answers_late=0, suspension_days=0,
             fraction_sold_first_year=0.0)
    first_cycle = None
    delay_start = None
    sold_first = None
    day = 0
    for e in log:
        k, d, day = e.kind, e.details, e.day
        if k == ev.DEAL_CLOSED:
            r["deal"] = d["deal"]
            r["registrable_shares"] = d["registrable_shares"]
        elif k == ev.DEMAND_SENT:
            r["demands_made"] += 1
            if r["demand_day"] is None:
                r["demand_day"] = day
            if d["second"]:
                r["second_demand_made"] = True
        elif k == ev.DEMAND_RECEIVED:
            if r["demand_received_day"] is None:
                r["demand_received_day"] = day
        elif k == ev.COMPANY_NOTICE_GIVEN:
            if r["days_to_company_notice"] is None:
                r["days_to_company_notice"] = d["days_after_demand"]
        elif k == ev.COMPANY_NOTICE_LATE:
            r["company_notice_late"] = True
        elif k == ev.WINDOW_EMPTY:
            r["window_empty"] = True
        elif k == ev.JOINDER_RECEIVED:
            r["joinders_timely"] += 1
        elif k == ev.JOINDER_REJECTED:
            r["joinders_late"] += 1
        elif k == ev.INFO_RECEIVED:
            r["info_answers_late"] += d["late"]
        elif k == ev.DELAY_INVOKED:
            r["delay_used"] = True
            delay_start = day
        elif k == ev.DELAY_ENDED:
            r["delay_days"] = day - delay_start
        elif k == ev.COOLDOWN_APPLIED:
            r["cooldown_days"] += d["until"] - day
        elif k == ev.STATEMENT_FILED:
            if first_cycle is None:
                first_cycle = d["cycle"]
                r["filing_day"] = day
                r["shares_requested"] = d["shares_requested"]
            r["shares_unregistered_capital"] += d["shares_unregistered_capital"]
        elif k == ev.FILING_DEADLINE_MISSED:
            if d["fault"] == "investor":
                r["filing_delayed_by_investor"] = True
            else:
                r["filing_deadline_missed"] = True
        elif k == ev.FILED_BEFORE_FLOOR:
            r["filed_before_floor"] = True
        elif k == ev.REVIEW_DECIDED:
            if d["cycle"] == first_cycle and r["reviewed"] is None:
                r["reviewed"] = d["reviewed"]
        elif k == ev.COMMENTS_RECEIVED:
            if d["cycle"] == first_cycle:
                r["comment_letters"] += 1
        elif k == ev.STATEMENT_EFFECTIVE:
            if r["effective_day"] is None:
                r["effective_day"] = day
                if r["filing_day"] is not None and d["cycle"] != first_cycle:
                    # the first filing was withdrawn; the effective one counts from its filing
                    r["filing_day"] = day - d["days_from_filing"]
            r["shares_registered"] += d["shares"]
        elif k == ev.TARGET_MISSED:
            r["effectiveness_target_missed"] = True
            r["target_miss_breach"] = r["target_miss_breach"] or d["breach"]
        elif k == ev.DEMAND_SATISFIED:
            r["demands_used"] += d["counts"]
        elif k == ev.STATEMENT_WITHDRAWN:
            if d["caused_by_mai"]:
                r["withdrawn_mai"] = True
            if d["demand_used"]:
                r["demands_used"] += 1
        elif k == ev.EFFECTIVENESS_ENDED:
            r["suspension_days"] += d["suspension_days"]
            if sold_first is None:
                sold_first = d["shares_sold"]
    r["end_day"] = day
    if sold_first is not None and r["registrable_shares"]:
        r["fraction_sold_first_year"] = sold_first / r["registrable_shares"]
    dd, fd, ed = r["demand_day"], r["filing_day"], r["effective_day"]
    if dd is not None and fd is not None:
        r["days_demand_to_filing"] = fd - dd
    if fd is not None and ed is not None:
        r["days_filing_to_effective"] = ed - fd
    if dd is not None and ed is not None:
        r["days_demand_to_effective"] = ed - dd
    return r
