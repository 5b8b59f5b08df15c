"""Outcomes: one row per deal, computed from the event log and the terms alone.

Column names carry their units. Day columns count calendar days from closing (day 0);
a ``days_*`` column is a duration. Missing values (e.g. never effective) are ``None``
here and nulls in the Parquet table. The first registration is the first demand cycle
to be filed (a demand withdrawn before filing and renewed counts from the first
Demand Notice: what the Investors experience).

The breach columns (every kind of :func:`sim.read.audit.audit` finding, see
:data:`sim.read.audit.FINDING_COLUMNS`) are the audit's own findings, counted: one definition
of each breach, recomputed from the raw facts of the log with the rule functions, never
read from the agents' verdict events. A flag is true if the audit found any; a count
counts findings. They are the last columns of the table.

=================================  =====================================================
column                             meaning
=================================  =====================================================
deal                               deal index within the run
demand_day                         first Demand Notice sent (a mandatory registration, PIPE
                                   RRA: the day it is required, the closing)
demand_received_day                ... received by the Company (§8(a)) (mandatory: the same)
filing_day                         first demand statement filed
effective_day                      first demand statement effective
days_demand_to_filing              filing_day - demand_day
days_filing_to_effective           effective_day - filing_day
days_demand_to_effective           effective_day - demand_day
demands_refused_wrongly            Demand Notices refused though valid (§1(a), §1(c)), count
company_notice_late                a Company Notice came later than ``promptly_days`` (§1(a))
days_to_company_notice             receipt of demand -> Company Notice given (first cycle)
window_empty                       the §1(a) filing window was empty (any cycle)
filing_deadline_missed             filed after the (excused) deadline, Company's fault
filing_delayed_by_investor         filed late only because a §6 answer was late
filed_before_floor                 filed before the 30-day floor (§1(a))
effectiveness_target_missed        effective more than 120 days after filing (§1(a))
target_miss_breach                 ... and the Company's late responses caused it
delay_reused                       the §1(d) delay right was used more than allowed
delay_without_basis                a §1(d) delay invoked with no offering or activity behind it
delay_past_cap                     a §1(d) delay held past its cap day
cooldown_without_basis             filing held for a §1(c) cooldown no statement started
filed_in_cooldown                  filed inside a §1(c) cooldown (a waiver, not a breach)
effectiveness_ended_early          a statement not kept effective as §2(e) requires
requests_dropped                   timely requests to be included left out (§1(a)), count
late_requests_included             late requests included anyway (§1(a)), count
delay_used                         the §1(d) delay was invoked
delay_days                         days from invoking to the end of the delay
cooldown_days                      days the filing (under cooldown_effect = effective: its
                                   effectiveness) waited for a §1(c) cooldown
reviewed                           the Commission reviewed the first statement
comment_letters                    comment letters on the first statement
demands_used                       demand registrations used up (§1(c))
demands_made                       Demand Notices sent (any cycle)
withdrawn_mai                      a registration was withdrawn solely for material
                                   information made known after the request (§1(c)):
                                   the demand was kept
withdrawals_mai_after              withdrawals at the Investors' request whose causes include
                                   material information made known after the request day
withdrawals_mai_before             ... made known on or before the request day
withdrawals_price                  ... whose causes include a fall in the price
withdrawals_other                  ... for other reasons (the Investors changed their minds)
withdrawals_using_demand           withdrawals that used up a demand (§1(c); a withdrawal
                                   with several causes counts under each of them above)
second_demand_made                 a second demand for capital-short shares (§1(a))
registration_required              a resale registration required at the closing (PIPE RRA):
                                   demand_day and demand_received_day are then day 0
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
registration_notices               Registration Notices given for Company offerings (§3(a))
registration_notice_late           a Registration Notice came on or after the filing (§3(a))
piggyback_requests_dropped         timely Piggy-back Requests not honoured (§3(a)), count
late_piggybacks_included           late Piggy-back Requests accepted (§3(a)), count
allocations_not_as_agreed          cutbacks that differ from the agreed rule (§3(c), §1(b)), count
expenses_not_paid_by_company       registrations whose expenses others paid (§4), count
investors_over_holdings            Investors with more shares registered and sold than they
                                   hold (§7): the log contradicts itself, count
demand_method_not_as_requested     a demand statement filed by a method the requesting
                                   holders did not specify (§1(c))
demand_counted_unsatisfied         a demand counted as used by a statement that did not
                                   cover all shares specified by their method (§1(c))
effectiveness_held_past_cooldown   effectiveness held after the cooldown had ended
                                   (``cooldown_effect = effective``, §1(c))
effective_in_cooldown              a demand statement became effective inside a cooldown
                                   (a note: the Company may waive its right, §1(c))
piggyback_requests                 Piggy-back Requests received in time (§3(a))
piggyback_rejected                 ... received too late (§3(a))
piggyback_shares_requested         shares asked for in timely Piggy-back Requests
piggyback_shares_included          Investors' shares included in effective Company offerings
offerings_withdrawn                Company registrations withdrawn (§3(b))
underwriting_terms_refused         Investors who refused the underwriting terms (§3(c))
cutbacks                           underwriter cutbacks applied (§3(c), §1(b))
cutback_fraction                   share of Investors' requested shares cut, over all cutbacks
largest_cutback_fraction           the largest share cut from one Investor in one cutback
company_expenses_usd               Registration Expenses paid by the Company (§4)
rights_expenses_usd                ... for the Investors' own registrations (demand or
                                   mandatory resale statements: what the registration
                                   rights cost; its offerings it would register anyway)
seller_costs_usd                   underwriting discounts and commissions paid by sellers (§4)
claims                             misstatement claims asserted (§5(c))
loss_company_usd                   claim losses borne by the Company (§5)
loss_investors_usd                 ... by Investors (§5(b), §5(d))
loss_others_usd                    ... by others (underwriters, Other Holders)
investment_usd                     what the Investors paid: Units x the Unit price (recitals)
shares_sold_registered             Investors' shares sold under a registration (resale
                                   statements and Company offerings)
proceeds_registered_usd            ... their proceeds at the price path, discounted to the
                                   closing at the scenario's rate
proceeds_rule144_usd               ... the same shares on each Investor's Rule 144 exit
value_to_investors_usd             the realised value of the registrations: the difference
                                   (its mean over deals is the value of the right)
value_to_investors_pct             ... as a percentage of the investment
damages_usd                        liquidated damages paid, with interest (PIPE RRA)
damages_filing_usd                 ... for filing failures (without interest)
damages_effectiveness_usd          ... for effectiveness failures (without interest)
damages_maintenance_usd            ... for suspensions beyond the grace days
damages_interest_usd               interest on damages paid after they were due
offerings_held_back                Company offerings held back while a registration of the
                                   Investors was pending (§1(c), §1(d))
hold_back_days                     days they were held back
hold_back_cost_usd                 their cost: value x cost of capital x days / 365
waivers_asked                      §8(c) waivers or amendments the Company asked for
waivers_granted                    ... signed by every Investor (an amendment: agreed)
holdouts                           Investors' refusals to sign for nothing (each asked a
                                   consideration), count
consideration_usd                  consideration the Company paid for signatures (§8(c))
amendments                         amendments agreed (the Company and each Investor)
company_cost_usd                   what the registration rights cost the Company: the
                                   expenses of the Investors' registrations, damages,
                                   its claim losses, its offerings held back, the
                                   consideration it paid for waivers
damages_not_as_agreed              damages paid other than the terms give (PIPE RRA), count
breaches_waived                    breaches every Investor waived in writing (§8(c)): the
                                   audit's notes, not breaches, count
=================================  =====================================================
"""

from __future__ import annotations

from typing import Any, Iterable

from sim.engine import events as ev
from sim.engine.events import EventLog
from sim.read.audit import FINDING_COLUMNS, Finding, audit
from sim.read.value import deal_value
from sim.law.rules import securities
from sim.law.terms import Terms

#: The outcome columns and their storage types (see :mod:`sim.read.table`): ``i16``/``i32``/
#: ``i64`` integers, ``f32``/``f64`` floats, ``bool``; a ``?`` marks a column that is
#: missing (null) where the event never happened. Narrow types keep a million-deal
#: table small (counts fit 16 bits, days 32; shares and dollars keep 64).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("deal", "i32"), ("demand_day", "i32?"), ("demand_received_day", "i32?"),
    ("filing_day", "i32?"), ("effective_day", "i32?"), ("days_demand_to_filing", "i32?"),
    ("days_filing_to_effective", "i32?"), ("days_demand_to_effective", "i32?"),
    ("days_to_company_notice", "i32?"),
    ("delay_used", "bool"), ("delay_days", "i32?"), ("cooldown_days", "i32"),
    ("reviewed", "bool?"), ("comment_letters", "i16"), ("demands_used", "i16"),
    ("demands_made", "i16"), ("withdrawn_mai", "bool"), ("withdrawals_mai_after", "i16"),
    ("withdrawals_mai_before", "i16"), ("withdrawals_price", "i16"),
    ("withdrawals_other", "i16"), ("withdrawals_using_demand", "i16"),
    ("second_demand_made", "bool"), ("registration_required", "bool"),
    ("shares_requested", "i64"), ("shares_registered", "i64"),
    ("shares_unregistered_capital", "i64"), ("joinders_timely", "i16"),
    ("joinders_late", "i16"), ("info_answers_late", "i16"), ("suspension_days", "i32"),
    ("registrable_shares", "i64"), ("fraction_sold_first_year", "f32"), ("end_day", "i32"),
    ("registration_notices", "i16"),
    ("piggyback_requests", "i16"), ("piggyback_rejected", "i16"),
    ("piggyback_shares_requested", "i64"), ("piggyback_shares_included", "i64"),
    ("offerings_withdrawn", "i16"), ("underwriting_terms_refused", "i16"),
    ("cutbacks", "i16"), ("cutback_fraction", "f32"), ("largest_cutback_fraction", "f32"),
    ("company_expenses_usd", "f64"), ("rights_expenses_usd", "f64"),
    ("seller_costs_usd", "f64"), ("claims", "i16"),
    ("loss_company_usd", "f64"), ("loss_investors_usd", "f64"),
    ("loss_others_usd", "f64"),
    # The value of the registrations to the Investors (sim.read.value.deal_value).
    ("investment_usd", "f64"), ("shares_sold_registered", "i64"),
    ("proceeds_registered_usd", "f64"), ("proceeds_rule144_usd", "f64"),
    ("value_to_investors_usd", "f64"), ("value_to_investors_pct", "f32"),
    # Liquidated damages (PIPE RRA) and the Company's offerings held back (§1(d)):
    # :func:`damages_columns`.
    ("damages_usd", "f64"), ("damages_filing_usd", "f64"),
    ("damages_effectiveness_usd", "f64"), ("damages_maintenance_usd", "f64"),
    ("damages_interest_usd", "f64"), ("offerings_held_back", "i16"),
    ("hold_back_days", "i32"), ("hold_back_cost_usd", "f64"),
    # §8(c) waivers and amendments: :func:`waiver_columns`.
    ("waivers_asked", "i16"), ("waivers_granted", "i16"), ("holdouts", "i16"),
    ("consideration_usd", "f64"), ("amendments", "i16"),
    # What the registration rights cost the Company, all told.
    ("company_cost_usd", "f64"),
    # The audit's findings (sim.read.audit.FINDING_COLUMNS, same order): flags and counts.
    ("demands_refused_wrongly", "i16"), ("company_notice_late", "bool"),
    ("requests_dropped", "i16"), ("late_requests_included", "i16"),
    ("window_empty", "bool"), ("filing_deadline_missed", "bool"),
    ("filing_delayed_by_investor", "bool"), ("filed_before_floor", "bool"),
    ("effectiveness_target_missed", "bool"), ("target_miss_breach", "bool"),
    ("delay_reused", "bool"), ("delay_without_basis", "bool"), ("delay_past_cap", "bool"),
    ("cooldown_without_basis", "bool"), ("filed_in_cooldown", "bool"),
    ("effectiveness_ended_early", "bool"), ("registration_notice_late", "bool"),
    ("piggyback_requests_dropped", "i16"), ("late_piggybacks_included", "i16"),
    ("allocations_not_as_agreed", "i16"), ("expenses_not_paid_by_company", "i16"),
    ("investors_over_holdings", "i16"), ("demand_method_not_as_requested", "bool"),
    ("demand_counted_unsatisfied", "bool"), ("effectiveness_held_past_cooldown", "bool"),
    ("effective_in_cooldown", "bool"), ("damages_not_as_agreed", "i16"),
    ("breaches_waived", "i16"),
)
COLUMN_NAMES = tuple(c for c, _ in COLUMNS)


# The kinds that change a column. The rest (about a third of a typical log: notices
# received, §6 requests, suspensions, offerings, ...) is skipped after one set lookup.
_COUNTED = frozenset({
    ev.DEAL_CLOSED, ev.DEMAND_SENT, ev.DEMAND_RECEIVED, ev.COMPANY_NOTICE_GIVEN,
    ev.JOINDER_RECEIVED, ev.JOINDER_REJECTED,
    ev.INFO_RECEIVED, ev.DELAY_INVOKED, ev.DELAY_ENDED, ev.COOLDOWN_APPLIED,
    ev.STATEMENT_FILED,
    ev.REVIEW_DECIDED, ev.COMMENTS_RECEIVED, ev.STATEMENT_EFFECTIVE,
    ev.DEMAND_SATISFIED, ev.STATEMENT_WITHDRAWN, ev.EFFECTIVENESS_ENDED,
    ev.REGISTRATION_NOTICE_GIVEN, ev.PIGGYBACK_REQUESTED, ev.PIGGYBACK_REJECTED,
    ev.OFFERING_EFFECTIVE, ev.OFFERING_WITHDRAWN, ev.UNDERWRITING_TERMS_REFUSED,
    ev.CUTBACK_APPLIED, ev.REGISTRATION_EXPENSES_PAID, ev.SELLING_COSTS_PAID,
    ev.CLAIM_ASSERTED, ev.LOSS_ALLOCATED, ev.REGISTRATION_REQUIRED, ev.UNITS_TRANSFERRED,
    ev.WAIVER_REQUESTED, ev.WAIVER_SIGNED, ev.WAIVER_REFUSED, ev.CONSIDERATION_PAID,
    ev.AMENDMENT_AGREED,
})
_WAIVER_KINDS = frozenset({ev.WAIVER_REQUESTED, ev.WAIVER_SIGNED, ev.WAIVER_REFUSED,
                           ev.CONSIDERATION_PAID, ev.AMENDMENT_AGREED})
# Kinds as module constants: one pass over ~50 events per deal is hot enough that the
# ``ev.`` attribute lookups in every comparison of the dispatch chain showed up.
_INFO_RECEIVED, _JOINDER_RECEIVED, _JOINDER_REJECTED = (
    ev.INFO_RECEIVED, ev.JOINDER_RECEIVED, ev.JOINDER_REJECTED)
_DEAL_CLOSED, _DEMAND_SENT, _DEMAND_RECEIVED = ev.DEAL_CLOSED, ev.DEMAND_SENT, ev.DEMAND_RECEIVED
_COMPANY_NOTICE_GIVEN = ev.COMPANY_NOTICE_GIVEN
_DELAY_INVOKED, _DELAY_ENDED, _COOLDOWN_APPLIED = (
    ev.DELAY_INVOKED, ev.DELAY_ENDED, ev.COOLDOWN_APPLIED)
_STATEMENT_FILED = ev.STATEMENT_FILED
_REVIEW_DECIDED, _COMMENTS_RECEIVED, _STATEMENT_EFFECTIVE = (
    ev.REVIEW_DECIDED, ev.COMMENTS_RECEIVED, ev.STATEMENT_EFFECTIVE)
_DEMAND_SATISFIED, _STATEMENT_WITHDRAWN, _EFFECTIVENESS_ENDED = (
    ev.DEMAND_SATISFIED, ev.STATEMENT_WITHDRAWN, ev.EFFECTIVENESS_ENDED)
_SELLING_COSTS_PAID, _REGISTRATION_EXPENSES_PAID = (ev.SELLING_COSTS_PAID,
                                                     ev.REGISTRATION_EXPENSES_PAID)
_REGISTRATION_NOTICE_GIVEN, _PIGGYBACK_REQUESTED, _PIGGYBACK_REJECTED = (
    ev.REGISTRATION_NOTICE_GIVEN, ev.PIGGYBACK_REQUESTED, ev.PIGGYBACK_REJECTED)
_OFFERING_EFFECTIVE, _OFFERING_WITHDRAWN, _UNDERWRITING_TERMS_REFUSED = (
    ev.OFFERING_EFFECTIVE, ev.OFFERING_WITHDRAWN, ev.UNDERWRITING_TERMS_REFUSED)
_CUTBACK_APPLIED, _CLAIM_ASSERTED, _LOSS_ALLOCATED = (
    ev.CUTBACK_APPLIED, ev.CLAIM_ASSERTED, ev.LOSS_ALLOCATED)


#: Which breach columns are flags (the rest count findings).
_FLAGS = frozenset(c for c, code in COLUMNS if c in FINDING_COLUMNS and code == "bool")
_KIND_COLUMNS = {k: tuple(c for c, kinds in FINDING_COLUMNS.items() if k in kinds)
                 for kinds in FINDING_COLUMNS.values() for k in kinds}


def breach_columns(findings: Iterable[Finding]) -> dict[str, Any]:
    """The breach columns of a row: the audit's findings, flagged or counted by kind."""
    counts = dict.fromkeys(FINDING_COLUMNS, 0)      # in COLUMNS' order
    columns = _KIND_COLUMNS
    for f in findings:
        for c in columns[f.kind]:
            counts[c] += 1
    for c in _FLAGS:
        counts[c] = counts[c] > 0
    return counts


def value_columns(log: Iterable[ev.Event], terms: Terms) -> dict[str, Any]:
    """The value columns: :func:`sim.read.value.deal_value` (zeros for a log without a
    price path: nothing was sold)."""
    log = log if isinstance(log, EventLog) else EventLog(log)
    if not len(log) or log.events[-1].kind != ev.DEAL_ENDED:
        v = None
    else:
        v = deal_value(log, terms)
    if v is None:
        return {"investment_usd": 0.0, "shares_sold_registered": 0,
                "proceeds_registered_usd": 0.0, "proceeds_rule144_usd": 0.0,
                "value_to_investors_usd": 0.0, "value_to_investors_pct": 0.0}
    return {"investment_usd": round(v.investment_usd, 2), "shares_sold_registered": v.shares_sold,
            "proceeds_registered_usd": round(v.registered_usd, 2),
            "proceeds_rule144_usd": round(v.rule144_usd, 2),
            "value_to_investors_usd": round(v.value_usd, 2),
            "value_to_investors_pct": 100.0 * v.fraction}
_DAMAGES_KINDS = frozenset({ev.DAMAGES_PAID, ev.OFFERING_HELD_BACK, ev.OFFERING_RELEASED})


def waiver_columns(events: Iterable[tuple[str, str, dict]]) -> dict[str, Any]:
    """§8(c): requests, requests every asked Investor signed (an amendment: agreed),
    holdouts (refusals to sign for nothing), consideration paid, amendments agreed; from
    the waiver events ``(kind, actor, details)`` in log order."""
    asked = holdouts = agreed = 0
    paid = 0.0
    wanted: dict[str, set[str]] = {}
    signed: dict[str, set[str]] = {}
    for k, actor, d in events:
        if k == ev.WAIVER_REQUESTED:
            asked += 1
            wanted[d["waiver"]] = set(d["investors"])
        elif k == ev.WAIVER_SIGNED:
            signed.setdefault(d["waiver"], set()).add(actor)
        elif k == ev.WAIVER_REFUSED:
            holdouts += 1
        elif k == ev.CONSIDERATION_PAID:
            paid += d["total_usd"]
        else:
            agreed += 1
    granted = sum(1 for w, who in wanted.items() if who <= signed.get(w, set()))
    return {"waivers_asked": asked, "waivers_granted": granted, "holdouts": holdouts,
            "consideration_usd": round(paid, 2), "amendments": agreed}


def damages_columns(log: Iterable[ev.Event]) -> dict[str, Any]:
    """Liquidated damages paid (PIPE RRA: DAMAGES_PAID, by failure, interest apart; in
    total with interest) and the Company's own offerings held back for a pending
    registration of the Investors (OFFERING_HELD_BACK / OFFERING_RELEASED): count, days
    held, cost of capital."""
    by = dict.fromkeys(("filing", "effectiveness", "maintenance"), 0.0)
    interest = cost = 0.0
    held = held_days = 0
    for e in log:
        k = e.kind
        if k not in _DAMAGES_KINDS:
            continue
        d = e.details
        if k == ev.DAMAGES_PAID:
            by[d["failure"]] += d["amount_usd"]
            interest += d["interest_usd"]
        elif k == ev.OFFERING_HELD_BACK:
            held += 1
        else:
            held_days += d["held_days"]
            cost += d["cost_usd"]
    return {"damages_usd": round(sum(by.values()) + interest, 2),
            "damages_filing_usd": round(by["filing"], 2),
            "damages_effectiveness_usd": round(by["effectiveness"], 2),
            "damages_maintenance_usd": round(by["maintenance"], 2),
            "damages_interest_usd": round(interest, 2), "offerings_held_back": held,
            "hold_back_days": held_days, "hold_back_cost_usd": round(cost, 2)}


def outcomes(log: Iterable[ev.Event], terms: Terms) -> dict[str, Any]:
    """One outcome row from a deal's event log and the terms it was played under.

    The columns are running locals during the pass (cheaper than updating a dict per
    event); the row is built once at the end, in :data:`COLUMN_NAMES` order. The breach
    columns are the audit's findings (:func:`breach_columns`): the terms say what the
    deadlines were.

    Args:
        log: The deal's events in log order.
        terms: The terms the deal was played under.

    Returns:
        A dict with exactly :data:`COLUMN_NAMES` as keys.
    """
    deal = registrable = None
    demand_day = received_day = filing_day = effective_day = None
    days_to_notice = delay_days = reviewed = None
    delay_used = withdrawn_mai = second_made = required = False
    w_after = w_before = w_price = w_other = w_used = 0
    cooldown = letters = demands_used = demands_made = 0
    requested = registered = unregistered = 0
    timely = late_joinders = info_late = suspension = 0
    first_cycle = None
    delay_start = None
    sold_first = None
    day = 0
    # §3-§5 (Company registrations, expenses, claims): rarer kinds (but the §4 payments),
    # handled at the end of the dispatch chain.
    rn = pb_req = pb_rej = pb_shares = pb_incl = withdrawn = refused = cuts = 0
    cut_req = cut_alloc = 0
    largest_cut = company_usd = seller_usd = loss_company = loss_inv = loss_other = 0.0
    rights_usd = 0.0
    n_claims = 0
    investors = set()
    waiver_evs: list[tuple[str, str, dict]] = []
    log = list(log)
    for day, k, _actor, _clause, d in log:
        if k == _INFO_RECEIVED:              # the most frequent kind: one per §6 answer
            info_late += d["late"]
            continue
        if k not in _COUNTED:
            continue
        if k == _JOINDER_RECEIVED:
            timely += 1
        # §4 payments: two to four per deal (each registration, each sale), so tested
        # early in the chain; the branches are exclusive, so their order is only speed.
        elif k == _REGISTRATION_EXPENSES_PAID:
            company_usd += d["total_usd"]
            if d["registration"].startswith("demand-"):
                rights_usd += d["total_usd"]
        elif k == _SELLING_COSTS_PAID:
            seller_usd += d["cost_usd"]
        elif k == _DEMAND_SENT:
            demands_made += 1
            if demand_day is None:
                demand_day = day
            if d["second"]:
                second_made = True
        elif k == _DEMAND_RECEIVED:
            if received_day is None:
                received_day = day
        elif k == ev.REGISTRATION_REQUIRED:      # PIPE RRA: required at the closing, in
            demand_day = received_day = day      # the place of the (first) demand
            required = True
        elif k == _COMPANY_NOTICE_GIVEN:
            if days_to_notice is None:
                days_to_notice = d["days_after_demand"]
        elif k == _STATEMENT_FILED:
            if first_cycle is None:
                first_cycle = d["cycle"]
                filing_day = day
                requested = d["shares_requested"]
            unregistered += d["shares_unregistered_capital"]
        elif k == _REVIEW_DECIDED:
            if d["cycle"] == first_cycle and reviewed is None:
                reviewed = d["reviewed"]
        elif k == _STATEMENT_EFFECTIVE:
            if effective_day is None:
                effective_day = day
                if filing_day is not None and d["cycle"] != first_cycle:
                    # the first filing was withdrawn; the effective one counts from its filing
                    filing_day = day - d["days_from_filing"]
            registered += d["shares"]
        elif k == _DEMAND_SATISFIED:
            demands_used += d["counts"]
        elif k == _EFFECTIVENESS_ENDED:
            suspension += d["suspension_days"]
            if sold_first is None:
                sold_first = d["shares_sold"]
        elif k == _COOLDOWN_APPLIED:
            cooldown += d["until"] - day
        elif k == _DEAL_CLOSED:
            deal = d["deal"]
            registrable = d["registrable_shares"]
            investors = set(d.get("investor_ids", ()))
        elif k == _COMMENTS_RECEIVED:
            if d["cycle"] == first_cycle:
                letters += 1
        elif k == _JOINDER_REJECTED:
            late_joinders += 1
        elif k == _STATEMENT_WITHDRAWN:
            causes = d["causes"]
            if "information" in causes:
                if d["made_known_day"] > d["request_day"]:
                    w_after += 1
                    withdrawn_mai = withdrawn_mai or not d["demand_used"]
                else:
                    w_before += 1
            w_price += "price" in causes
            w_other += "other" in causes
            if d["demand_used"]:
                demands_used += 1
                w_used += 1
        elif k == _DELAY_INVOKED:
            delay_used = True
            delay_start = day
        elif k == _DELAY_ENDED:
            delay_days = day - delay_start
        elif k == _REGISTRATION_NOTICE_GIVEN:
            rn += 1
        elif k == _PIGGYBACK_REQUESTED:
            pb_req += 1
            pb_shares += d["shares"]
        elif k == _PIGGYBACK_REJECTED:
            pb_rej += 1
        elif k == _OFFERING_EFFECTIVE:
            pb_incl += d["investor_shares"]
        elif k == _OFFERING_WITHDRAWN:
            withdrawn += 1
        elif k == _UNDERWRITING_TERMS_REFUSED:
            refused += 1
        elif k == _CUTBACK_APPLIED:
            cuts += 1
            for _id, req, _held, _group, is_investor, alloc in d["sellers"]:
                if is_investor and req:
                    cut_req += req
                    cut_alloc += alloc
                    largest_cut = max(largest_cut, 1 - alloc / req)
        elif k == _CLAIM_ASSERTED:
            n_claims += 1
        elif k == _LOSS_ALLOCATED:
            for party, usd in d["borne"]:
                if party == "company":
                    loss_company += usd
                elif party in investors:
                    loss_inv += usd
                else:
                    loss_other += usd
        elif k in _WAIVER_KINDS:
            waiver_evs.append((k, _actor, d))
        elif k == ev.UNITS_TRANSFERRED:
            # §7: a transferee who signed a counterpart is an Investor from then on.
            if securities.transferee_is_investor(d["counterpart"]):
                investors.add(d["to"])
    fraction = 0.0
    if sold_first is not None and registrable:
        fraction = sold_first / registrable
    row = {
        "deal": deal, "demand_day": demand_day, "demand_received_day": received_day,
        "filing_day": filing_day, "effective_day": effective_day,
        "days_demand_to_filing": (filing_day - demand_day if demand_day is not None
                                  and filing_day is not None else None),
        "days_filing_to_effective": (effective_day - filing_day if filing_day is not None
                                     and effective_day is not None else None),
        "days_demand_to_effective": (effective_day - demand_day if demand_day is not None
                                     and effective_day is not None else None),
        "days_to_company_notice": days_to_notice,
        "delay_used": delay_used, "delay_days": delay_days, "cooldown_days": cooldown,
        "reviewed": reviewed, "comment_letters": letters, "demands_used": demands_used,
        "demands_made": demands_made, "withdrawn_mai": withdrawn_mai,
        "withdrawals_mai_after": w_after, "withdrawals_mai_before": w_before,
        "withdrawals_price": w_price, "withdrawals_other": w_other,
        "withdrawals_using_demand": w_used,
        "second_demand_made": second_made, "registration_required": required,
        "shares_requested": requested,
        "shares_registered": registered, "shares_unregistered_capital": unregistered,
        "joinders_timely": timely, "joinders_late": late_joinders,
        "info_answers_late": info_late, "suspension_days": suspension,
        "registrable_shares": registrable, "fraction_sold_first_year": fraction,
        "end_day": day, "registration_notices": rn,
        "piggyback_requests": pb_req, "piggyback_rejected": pb_rej,
        "piggyback_shares_requested": pb_shares, "piggyback_shares_included": pb_incl,
        "offerings_withdrawn": withdrawn, "underwriting_terms_refused": refused,
        "cutbacks": cuts, "cutback_fraction": 1 - cut_alloc / cut_req if cut_req else 0.0,
        "largest_cutback_fraction": largest_cut, "company_expenses_usd": round(company_usd, 2),
        "rights_expenses_usd": round(rights_usd, 2),
        "seller_costs_usd": round(seller_usd, 2), "claims": n_claims,
        "loss_company_usd": round(loss_company, 2), "loss_investors_usd": round(loss_inv, 2),
        "loss_others_usd": round(loss_other, 2),
    }
    row.update(value_columns(log, terms))
    row.update(damages_columns(log))
    row.update(waiver_columns(waiver_evs))
    row["company_cost_usd"] = round(row["rights_expenses_usd"] + row["damages_usd"]
                                    + row["loss_company_usd"] + row["hold_back_cost_usd"]
                                    + row["consideration_usd"], 2)
    row.update(breach_columns(audit(log, terms)))     # the last columns, in order
    return row


# The row above is written out by hand for speed; it must keep exactly COLUMNS' order.
assert tuple(outcomes((), Terms())) == COLUMN_NAMES, "outcomes() row out of step with COLUMNS"


INVESTOR_COLUMNS = ("deal", "investor", "registration", "requested", "allocated",
                    "cutback_fraction")


def investor_cutbacks(log: Iterable[ev.Event]) -> list[dict[str, Any]]:
    """One row per Investor per cutback (§3(c), §1(b)), from the log alone.

    Columns: :data:`INVESTOR_COLUMNS`; ``cutback_fraction`` is the share of the
    Investor's requested shares the underwriters cut.
    """
    deal, rows = None, []
    for e in log:
        if e.kind == ev.DEAL_CLOSED:
            deal = e.details["deal"]
        elif e.kind == ev.CUTBACK_APPLIED:
            for who, req, _held, _group, is_investor, alloc in e.details["sellers"]:
                if is_investor:
                    rows.append({"deal": deal, "investor": who,
                                 "registration": e.details["registration"], "requested": req,
                                 "allocated": alloc,
                                 "cutback_fraction": 1 - alloc / req if req else 0.0})
    return rows
