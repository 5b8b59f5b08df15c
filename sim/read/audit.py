"""Audit: replay a deal's event log against the terms, independently of the agents.

The audit reads only the raw facts of the log (the days notices were given and
received, requests arrived, the statement was filed and became effective, responses
took, offerings were planned, filed and became effective) and recomputes every
deadline from the terms with the rule functions. It does not read the agents' own
verdicts (``COMPANY_NOTICE_LATE``, ``FILING_DEADLINE_MISSED``, ``breach`` flags ...):
tests compare the two.

Severities:
    ``breach``          the Company (or, for a refusal, whoever refused) broke a clause;
    ``investor_fault``  a deadline was missed because an Investor answered late (§6);
    ``target_missed``   the 120-day best-efforts target was missed, not a breach;
    ``empty_window``    the §1(a) filing window was empty: one limit had to give;
    ``note``            something worth a look that is not a breach (among them a breach
                        every Investor waived in writing, §8(c): a waiver signed by some
                        leaves the breach toward the others, and the finding names them);
    ``inconsistent``    the log contradicts itself (a share registered or sold twice):
                        an engine defect, not an act of a party.

Every finding kind is counted by an outcome column (:data:`FINDING_COLUMNS`), so the
outcome row and the audit share one definition of each breach.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from sim.core import dates
from sim.engine import events as ev
from sim.law.rules import delay as delay_rules
from sim.law.rules import demand as demand_rules
from sim.law.rules import cutback, information, limits, notices, piggyback, procedures
from sim.law.rules import damages as damages_rules
from sim.law.rules import resale, securities
from sim.law.rules import amendments
from sim.law.terms import Terms


#: The outcome column (``sim.read.outcomes.COLUMNS``) that counts each finding kind: a
#: ``bool`` column flags any finding of its kinds, an integer column counts them.
FINDING_COLUMNS: dict[str, tuple[str, ...]] = {
    "demands_refused_wrongly": ("demand_refused",),
    "company_notice_late": ("company_notice_late",),
    "requests_dropped": ("request_dropped",),
    "late_requests_included": ("late_request_included",),
    "window_empty": ("window_empty",),
    "filing_deadline_missed": ("filing_deadline_missed", "filing_deadline_missed_empty_window"),
    "filing_delayed_by_investor": ("filing_late_investor",),
    "filed_before_floor": ("filed_before_floor", "filed_before_floor_empty_window"),
    "effectiveness_target_missed": ("target_missed", "target_missed_company",
                                    "effective_deadline_missed"),
    "target_miss_breach": ("target_missed_company",),
    "delay_reused": ("delay_reused",),
    "delay_without_basis": ("delay_without_basis",),
    "delay_past_cap": ("delay_past_cap",),
    "cooldown_without_basis": ("cooldown_without_basis",),
    "filed_in_cooldown": ("filed_in_cooldown",),
    "effectiveness_ended_early": ("effectiveness_ended_early",),
    "registration_notice_late": ("registration_notice_late",),
    "piggyback_requests_dropped": ("piggyback_request_dropped",),
    "late_piggybacks_included": ("late_piggyback_included",),
    "allocations_not_as_agreed": ("allocation_not_as_agreed",),
    "expenses_not_paid_by_company": ("expenses_not_paid_by_company",),
    "investors_over_holdings": ("shares_over_holdings",),
    "demand_method_not_as_requested": ("method_not_as_requested",),
    "demand_counted_unsatisfied": ("demand_counted_unsatisfied",),
    "effectiveness_held_past_cooldown": ("effectiveness_held_past_cooldown",),
    "effective_in_cooldown": ("effective_in_cooldown",),
    "damages_not_as_agreed": ("damages_not_as_agreed",),
    "breaches_waived": ("filing_deadline_waived", "filed_before_floor_waived"),
}

# Events the §3/§4 and the share-conservation checks read (picked out in the main pass).
_REGISTRATION_KINDS = frozenset({
    ev.REGISTRATION_NOTICE_GIVEN, ev.REGISTRATION_NOTICE_RECEIVED, ev.PIGGYBACK_REQUESTED,
    ev.PIGGYBACK_REJECTED, ev.SHARES_ADJUSTED,
    ev.UNDERWRITING_TERMS_REFUSED, ev.CUTBACK_APPLIED, ev.OFFERING_EFFECTIVE,
    ev.REGISTRATION_EXPENSES_PAID})
_SHARE_KINDS = frozenset({ev.DEAL_CLOSED, ev.STATEMENT_FILED, ev.STATEMENT_WITHDRAWN,
                          ev.EFFECTIVENESS_ENDED, ev.SELLING_COSTS_PAID, ev.SHARES_ADJUSTED,
                          ev.UNITS_TRANSFERRED})
# Every kind the main pass reads beyond grouping by cycle (the audit runs once per deal
# inside the outcome row: the rest of the log is skipped after one set lookup).
_READ_KINDS = _REGISTRATION_KINDS | _SHARE_KINDS | frozenset({
    ev.OFFERING_PLANNED, ev.OFFERING_WITHDRAWN, ev.OTHER_ACTIVITY_COMMENCED,
    ev.STATEMENT_EFFECTIVE, ev.DEMAND_RECEIVED, ev.DELAY_INVOKED, ev.DAMAGES_PAID})
# (DEMAND_DEFERRED and DEFERRAL_ENDED carry a cycle: read with the cycle's events.)


@dataclass(frozen=True)
class Finding:
    """One audit finding: when, how serious, which clause, and what."""

    day: int
    severity: str
    kind: str
    clause: str
    message: str


def audit(log: Iterable[ev.Event], terms: Terms) -> list[Finding]:
    """List every breach, excused delay, missed target and empty window in ``log``.

    Args:
        log: A deal's events, in log order.
        terms: The terms the deal was played under.

    Returns:
        Findings in order of day.
    """
    events = list(log)
    seq: dict[int, int] = {}          # log position of the events whose same-day order matters
    out: list[Finding] = []
    by_cycle: dict[int, list[ev.Event]] = defaultdict(list)
    offerings: dict[str, dict] = defaultdict(dict)
    # §1(c): (effective day, registers Registrable Shares, form permits resale, id)
    statements: list[tuple[int, bool, bool, str]] = []
    registrations: list[ev.Event] = []               # §3, §4 events
    shares: list[ev.Event] = []                      # events that move shares (§7)
    activity_day = None
    total_units = None
    closing = None
    rule144_day = None
    investor_ids: tuple[str, ...] = ()       # §8(c): whose signatures a waiver needs
    facts: dict[int, dict] = {}     # PIPE RRA damages: each registration's raw facts
    paid: list[ev.Event] = []       # ... and the payments logged
    delays = []
    adjustments: list[tuple[int, float]] = []        # (log position, ratio) of §7 splits
    read = _READ_KINDS
    for i, e in enumerate(events):
        _, k, _, _, d = e
        if "cycle" in d:
            by_cycle[d["cycle"]].append(e)
        if k not in read:                # most of a log (receipts, §6, review, sales)
            continue
        if k in _REGISTRATION_KINDS:
            registrations.append(e)
        if k in _SHARE_KINDS:
            shares.append(e)
        if k == ev.DEAL_CLOSED:
            total_units = d["units"]
            closing = dates.parse_iso(d.get("closing_date"))
            rule144_day = d.get("rule144_day")
            investor_ids = tuple(d.get("investor_ids", ()))
            statements += [(day, resale, form, sid)
                           for sid, day, resale, form in d["prior_statements"]]
        elif k == ev.OFFERING_PLANNED:
            offerings[d["offering"]].update(plan_day=e.day, file_day=d["file_day"],
                                           include=d["investors_may_include"])
        elif k == ev.OFFERING_EFFECTIVE:
            offerings[d["offering"]].update(resolved=e.day, effective=True, seq=i)
            # §1(c) cooldown: the same logged facts and the same rule
            # (limits.registers_registrable) as the engine.
            statements.append((e.day, limits.registers_registrable(d["investor_shares"]),
                               d["form_permits_resale"], d["offering"]))
        elif k == ev.OFFERING_WITHDRAWN:
            offerings[d["offering"]].update(resolved=e.day, effective=False, seq=i)
        elif k == ev.OTHER_ACTIVITY_COMMENCED:
            activity_day = e.day
        elif k == ev.STATEMENT_EFFECTIVE:
            # A demand statement is a resale statement (§7): on a resale form.
            statements.append((e.day, limits.registers_registrable(d["shares"]), True,
                               f"demand-{d['cycle']}"))
        elif k == ev.DEMAND_RECEIVED:
            seq[id(e)] = i
        elif k == ev.DELAY_INVOKED:
            delays.append(e)
        elif k == ev.SHARES_ADJUSTED:
            adjustments.append((i, d["ratio"]))
        elif k == ev.DAMAGES_PAID:
            paid.append(e)

    if len(delays) > terms.delay_uses:
        out.append(Finding(delays[terms.delay_uses].day, "breach", "delay_reused", "§1(d)",
                           f"delay right used {len(delays)} times; allowed "
                           f"{terms.delay_uses} ('not more than once')"))
    _audit_company_registrations(registrations, terms, out)
    _audit_conservation(shares, out)
    demands_used = 0
    nvca = _NvcaState()
    adjust = _adjuster(events, adjustments)
    # §7 transfers move Units: the majority is judged on the Units at the demand's receipt.
    majority = (_majority_at_receipt(events, total_units)
                if total_units and any(e.kind == ev.UNITS_TRANSFERRED for e in shares) else {})
    investors_at = _investors_at(events, investor_ids)
    for cycle in sorted(by_cycle):
        evs = by_cycle[cycle]
        if evs[0].kind == ev.REGISTRATION_REQUIRED:
            _audit_mandatory(evs, terms, out, closing, adjust, rule144_day, facts)
            continue
        s3 = _audit_nvca_demand(evs, terms, out, nvca, closing)
        moved, total = majority.get(cycle, (0, total_units))
        used = _audit_cycle(evs, terms, out, offerings, statements, activity_day,
                            total, demands_used, seq, closing=closing, adjust=adjust,
                            s3=s3, nvca=nvca, rule144_day=rule144_day, facts=facts,
                            investor_ids=investor_ids, units_moved=moved,
                            investors_at=investors_at)
        if not s3:              # an S-3 demand has its own allowance (NVCA IRA)
            demands_used = used
    _audit_damages(events, paid, terms, out, closing, facts)
    out.sort(key=lambda f: f.day)
    return out


def _majority_at_receipt(events: list[ev.Event], total_units: int) -> dict[int, tuple[int, int]]:
    """§7 and §1(a): per demand cycle, the Units the Initiating Investors gained (or,
    negative, sold) by private transfers between the Demand Notice's sending and its
    receipt, and the Investors' Units at its receipt (a transferee who signed no
    counterpart is no Investor: its Units leave the total), from the logged transfers."""
    total, delta = total_units, defaultdict(int)
    at_sent: dict[int, dict[str, int]] = {}
    out: dict[int, tuple[int, int]] = {}
    for e in events:
        k, d = e.kind, e.details
        if k == ev.UNITS_TRANSFERRED:
            delta[e.actor] -= d["units"]
            if securities.transferee_is_investor(d["counterpart"]):
                delta[d["to"]] += d["units"]
            else:
                total -= d["units"]
        elif k == ev.DEMAND_SENT:
            at_sent[d["cycle"]] = dict(delta)
        elif k == ev.DEMAND_RECEIVED and d["cycle"] in at_sent:
            sent = at_sent[d["cycle"]]
            out[d["cycle"]] = (sum(delta[i] - sent.get(i, 0) for i in d["initiating"]), total)
    return out


def _audit_cycle(evs: list[ev.Event], terms: Terms, out: list[Finding],
                 offerings: dict[str, dict], statements: list[tuple[int, bool, bool, str]],
                 activity_day: int | None, total_units: int | None, demands_used: int,
                 seq: dict[int, int], closing: date | None = None,
                 adjust=None, s3: bool = False, nvca: "_NvcaState | None" = None,
                 rule144_day: int | None = None,
                 facts: dict[int, dict] | None = None,
                 investor_ids: tuple[str, ...] = (), units_moved: int = 0,
                 investors_at=None) -> int:
    kinds: dict[str, list[ev.Event]] = defaultdict(list)   # by kind, in log order: one
    for e in evs:                                          # pass, not one per question
        kinds[e.kind].append(e)
    first = {k: es[0] for k, es in kinds.items()}
    received = first.get(ev.DEMAND_RECEIVED)
    refused = first.get(ev.DEMAND_REFUSED)
    sent = first.get(ev.DEMAND_SENT)
    if refused is not None and sent is not None and total_units:
        units = sent.details["units"] + units_moved
        if refused.clause == "§1(a)" and demand_rules.is_initiating_majority(
                units, total_units, terms):
            out.append(Finding(refused.day, "breach", "demand_refused", "§1(a)",
                               f"demand by holders of {units:,} of {total_units:,} Units "
                               "refused, though they hold a majority"))
        if refused.clause == "§1(c)" and (s3 or limits.demand_available(
                demands_used, sent.details["second"], terms)):
            out.append(Finding(refused.day, "breach", "demand_refused", "§1(c)",
                               f"demand refused as used, but {demands_used} of "
                               f"{terms.demand_registrations} used"))
    if received is None:
        return demands_used
    rd = received.day
    deferral_end = None                       # NVCA IRA: the Board's judgment, a blackout
    if ev.DEMAND_DEFERRED in first:
        deferral_end = _audit_deferral(first, rd, seq[id(received)], offerings,
                                       nvca if nvca is not None else _NvcaState(),
                                       closing, terms, out)
    given_ev = first.get(ev.COMPANY_NOTICE_GIVEN)
    if given_ev is not None and demand_rules.company_notice_late(rd, given_ev.day, terms):
        out.append(Finding(given_ev.day, "breach", "company_notice_late", "§1(a)",
                           f"Company Notice given {given_ev.day - rd} days after the Demand "
                           f"Notice was received; 'promptly' = within {terms.promptly_days}"))
    # §8(a): each Investor received the Company Notice on arrival; it was given on the day
    # sent or on arrival, by the method (the joinder window runs from the giving).
    receipts = {e.actor: e.day for e in kinds[ev.COMPANY_NOTICE_RECEIVED]}
    given = given_ev.day if given_ev is not None else None
    given_to = {} if given_ev is None else {
        inv: notices.given_day(given, day, terms, given_ev.details["method"])
        for inv, day in receipts.items()}

    # Requests to be included (§1(a)).
    withdrawn = first.get(ev.STATEMENT_WITHDRAWN)
    for e in kinds[ev.JOINDER_RECEIVED] + kinds[ev.JOINDER_REJECTED]:
        if withdrawn is not None and e.day >= withdrawn.day:
            continue          # nothing left to join
        if e.kind in (ev.JOINDER_RECEIVED, ev.JOINDER_REJECTED) and given is not None:
            last = demand_rules.joinder_last_day(given_to.get(e.actor, given),
                                                 receipts.get(e.actor, given), terms)
            if e.kind == ev.JOINDER_REJECTED and e.day <= last:
                out.append(Finding(e.day, "breach", "request_dropped", "§1(a)",
                                   f"{e.actor}'s request received day {e.day}, within the "
                                   f"window ending day {last}, was not included"))
            if e.kind == ev.JOINDER_RECEIVED and e.day > last:
                out.append(Finding(e.day, "note", "late_request_included", "§1(a)",
                                   f"{e.actor}'s request received day {e.day}, after day "
                                   f"{last}, was included"))

    # Filing window (§1(a)).
    anchor = demand_rules.notice_receipt_anchor(tuple(receipts.values()), terms)
    if given is None:
        return demands_used
    window = demand_rules.filing_window(rd, anchor, terms, s3)
    if window.empty and not (withdrawn is not None and withdrawn.day <= anchor):
        out.append(Finding(anchor, "empty_window", "window_empty", "§1(a)",
                           f"Company Notice received day {anchor}, {anchor - rd} days after "
                           f"the Demand Notice: floor day {window.floor} falls after deadline "
                           f"day {window.deadline} (switch empty_window={terms.empty_window})"))
    filed = first.get(ev.STATEMENT_FILED)
    if filed is None:
        return demands_used + _withdrawal_use(first)
    fday = filed.day

    # Suspensions of the deadline: a delay with a basis (§1(d)), a cooldown (§1(c)).
    suspension_end = None
    delay = first.get(ev.DELAY_INVOKED)
    if delay is not None:
        end_ev = first.get(ev.DELAY_ENDED)
        basis_ok, latest = _delay_basis(delay, rd, seq[id(received)], offerings, activity_day,
                                        terms)
        if not basis_ok:
            out.append(Finding(delay.day, "breach", "delay_without_basis", "§1(d)",
                               "delay invoked with no offering engaged or planned within "
                               f"{terms.delay_plan_window_days} days of the demand"))
        elif end_ev is not None:
            if latest is not None and end_ev.day > latest:
                out.append(Finding(end_ev.day, "breach", "delay_past_cap", "§1(d)",
                                   f"delay ended day {end_ev.day}; the request had to resume "
                                   f"by day {latest}"))
            suspension_end = min(end_ev.day, latest) if latest is not None else end_ev.day
    if deferral_end is not None:
        suspension_end = max(suspension_end or deferral_end, deferral_end)
    # §1(c) cooldown: the statements in scope (one rule, the engine's), the holds logged,
    # and what switch cooldown_effect lets a hold excuse.
    scoped = [day for day, registrable, form, sid in statements
              if limits.counts_for_cooldown(registrable, form, terms,
                                            offerings.get(sid, {}).get("include", False))]
    file_effect = terms.cooldown_effect == "file"
    for e in evs:
        if e.kind == ev.COOLDOWN_APPLIED:
            end = limits.cooldown_end(e.day, scoped, terms)
            what = "filing" if e.details["effect"] == "file" else "effectiveness"
            if end is None:
                out.append(Finding(e.day, "breach", "cooldown_without_basis", "§1(c)",
                                   f"{what} held for a cooldown, but no statement in scope "
                                   f"became effective in the {terms.cooldown_days} days before"))
            elif file_effect and e.details["effect"] == "file":
                suspension_end = max(suspension_end or end, end)
    inside = limits.cooldown_end(fday, scoped, terms) if file_effect else None
    if inside is not None:
        out.append(Finding(fday, "note", "filed_in_cooldown", "§1(c)",
                           f"filed day {fday}, inside a cooldown; the Company need not have "
                           f"filed before day {inside} (it may waive its right)"))
    deadline = delay_rules.excused_deadline(window.deadline, suspension_end)
    infos = kinds[ev.INFO_RECEIVED]
    late_infos = [e for e in infos if information.information_late(
        e.details["requested_day"], e.day, e.details["due_days"])]
    info_done = max((e.day for e in infos), default=-1)
    closed = first.get(ev.JOINDER_WINDOW_CLOSED)
    ready_without_info = max(demand_rules.planned_filing_day(window, terms),
                             filed.details["drafted_day"], suspension_end or 0,
                             closed.day if closed is not None else 0)
    fault = information.filing_delay_fault(fday, deadline, ready_without_info, info_done,
                                           bool(late_infos))
    if fault is not None:
        if fault == "investor":
            out.append(Finding(fday, "investor_fault", "filing_late_investor", "§6",
                               f"filed day {fday}, {fday - deadline} days after deadline day "
                               f"{deadline}, on the day the last (late) §6 answer arrived"))
        else:
            forced = " (the window was empty)" if window.empty else ""
            _breach_or_waived(out, kinds, "filing_deadline", filed.details["cycle"], fday, fday,
                              investor_ids, Finding(
                fday, "breach", "filing_deadline_missed" + (
                    "_empty_window" if window.empty else ""), "§1(a)",
                f"filed day {fday}, {fday - deadline} days after deadline day "
                f"{deadline}{forced}"), "filing_deadline_waived", investors_at)
    if fday < window.floor:
        forced = " (the window was empty)" if window.empty else ""
        _breach_or_waived(out, kinds, "filing_floor", filed.details["cycle"], window.floor, fday,
                          investor_ids, Finding(
            fday, "breach", "filed_before_floor" + ("_empty_window" if window.empty else ""),
            "§1(a)", f"filed day {fday}, before the floor day {window.floor}{forced}"),
            "filed_before_floor_waived", investors_at)

    # Effectiveness (§1(a)) and the effectiveness period (§2(e)).
    eff = first.get(ev.STATEMENT_EFFECTIVE)
    if eff is None:
        return demands_used + _withdrawal_use(first)
    _audit_effectiveness_hold(first, eff, scoped, terms, out)
    target = demand_rules.effectiveness_target_day(fday, terms)
    if eff.day > target:
        own = sum(demand_rules.response_excess_days(e.details["days"], terms)
                  for e in kinds[ev.RESPONSE_FILED])
        if demand_rules.target_miss_is_breach(fday, eff.day, own, terms):
            out.append(Finding(eff.day, "breach", "target_missed_company", "§1(a)",
                               f"effective day {eff.day}, {eff.day - target} days after the "
                               f"target; the Company's late responses took {own} extra days"))
        else:
            out.append(Finding(eff.day, "target_missed", "target_missed", "§1(a)",
                               f"effective day {eff.day}, {eff.day - target} days after the "
                               f"{terms.effectiveness_target_days}-day target (best efforts)"))
    if facts is not None:
        facts[eff.details["cycle"]] = _damage_facts(
            kinds, filed, deadline, fault, eff,
            demand_rules.effectiveness_target_day(fday, terms))
    _audit_period(first, filed, eff, terms, out, closing, adjust, rule144_day)
    satisfied = _audit_satisfaction(evs, first, out, adjust, terms)
    return demands_used + (0 if eff.details["second"] or not satisfied else 1)


def _investors_at(events: list[ev.Event], closing_ids: tuple[str, ...]):
    """§7 and §8(c): the Investors at an event of the log -- those of the closing and each
    transferee who signed a counterpart in a transfer logged before it -- as a function of
    the event; None when no transferee ever signed (the closing's Investors throughout)."""
    joined = [(i, e.details["to"]) for i, e in enumerate(events)
              if e.kind == ev.UNITS_TRANSFERRED
              and securities.transferee_is_investor(e.details["counterpart"])]
    if not joined:
        return None
    pos = {id(e): i for i, e in enumerate(events)}

    def at(event: ev.Event) -> tuple[str, ...]:
        here = pos[id(event)]
        return closing_ids + tuple(name for i, name in joined if i < here)
    return at


def _breach_or_waived(out: list[Finding], kinds: dict[str, list[ev.Event]], term: str,
                      cycle: int, day: int, fday: int, investors: tuple[str, ...], breach: Finding,
                      waived_kind: str, investors_at=None) -> None:
    """§8(c): a breach of ``term`` (the instance of ``day``) every Investor waived in a
    signed paper is none (a note); one some waived remains toward the others, and the
    finding says so. The signatures are the Investors' own WAIVER_SIGNED events; an
    amendment binds only if each Investor of the deal signed it."""
    requests = [e for e in kinds.get(ev.WAIVER_REQUESTED, ()) if e.details["term"] == term]
    if not requests:
        out.append(breach)
        return
    signed: dict[str, set[str]] = defaultdict(set)
    for e in kinds[ev.WAIVER_SIGNED]:
        signed[e.details["waiver"]].add(e.actor)
    waived: set[str] = set()
    closing_investors = investors
    for r in requests:
        d = r.details
        if not amendments.waiver_covers(day, d["through_day"], cycle, d["cycle"]):
            continue
        # §7: a transferee who signed a counterpart before the request is an Investor
        # whose signature counts (and is needed).
        investors = investors_at(r) if investors_at is not None else closing_investors
        names = signed[d["waiver"]]
        waived |= {n for n in names if amendments.waived_toward(n, names, d["amendment"],
                                                                  investors)}
    remains = amendments.breach_remains_toward(investors, waived)
    if not remains:
        out.append(Finding(fday, "note", waived_kind, "§8(c)",
                           breach.message + "; waived in writing by every Investor"))
    elif len(remains) < len(investors):
        out.append(Finding(breach.day, breach.severity, breach.kind, breach.clause,
                           breach.message + f"; waived by {', '.join(sorted(waived))}, "
                           f"remains toward {', '.join(remains)} (§8(c))"))
    else:
        out.append(breach)


def _audit_period(first: dict[str, ev.Event], filed: ev.Event, eff: ev.Event, terms: Terms,
                  out: list[Finding], closing: date | None, adjust,
                  rule144_day: int | None) -> None:
    """§2(e) (and PIPE RRA, NVCA IRA): the statement kept effective as long as due."""
    ended = first.get(ev.EFFECTIVENESS_ENDED)
    # §2(e) counts a calendar year from day 0's date; a log without it cannot be checked.
    if ended is None or closing is None:
        return
    if terms.keep_effective_until == "rule144_unlimited" and rule144_day is None:
        return                       # a log without the Rule 144(k) day cannot be checked
    due = procedures.effectiveness_end_day(eff.day, _all_sold_day(filed, ended, eff, adjust),
                                           terms, closing, rule144_day)
    if ended.day < due:
        out.append(Finding(ended.day, "breach", "effectiveness_ended_early", "§2(e)",
                           f"statement kept effective to day {ended.day}, due to day {due}"))


def _audit_mandatory(evs: list[ev.Event], terms: Terms, out: list[Finding],
                     closing: date | None, adjust, rule144_day: int | None,
                     facts: dict[int, dict]) -> None:
    """PIPE RRA: a mandatory resale registration -- filed by the closing's filing
    deadline (unless a late §6 answer held it), effective by the closing's effectiveness
    deadline (with or without review), kept effective as long as due."""
    kinds: dict[str, list[ev.Event]] = defaultdict(list)
    for e in evs:
        kinds[e.kind].append(e)
    first = {k: es[0] for k, es in kinds.items()}
    required = evs[0]
    filed = first.get(ev.STATEMENT_FILED)
    if filed is None:
        return
    fday = filed.day
    deadline = resale.closing_filing_deadline_day(required.day, terms)
    infos = kinds[ev.INFO_RECEIVED]
    late = any(information.information_late(e.details["requested_day"], e.day,
                                            e.details["due_days"]) for e in infos)
    fault = information.filing_delay_fault(fday, deadline, filed.details["drafted_day"],
                                           max((e.day for e in infos), default=-1), late)
    if fault == "investor":
        out.append(Finding(fday, "investor_fault", "filing_late_investor", "§6",
                           f"filed day {fday}, {fday - deadline} days after the closing's "
                           f"deadline day {deadline}, on the day the last (late) §6 answer "
                           "arrived"))
    elif fault is not None:
        out.append(Finding(fday, "breach", "filing_deadline_missed", "PIPE RRA",
                           f"filed day {fday}, {fday - deadline} days after the closing's "
                           f"deadline day {deadline}"))
    eff = first.get(ev.STATEMENT_EFFECTIVE)
    if eff is None:
        return
    decided = first.get(ev.REVIEW_DECIDED)
    reviewed = bool(decided is not None and decided.details["reviewed"])
    eff_deadline = resale.effectiveness_deadline_day(fday, reviewed, terms,
                                                     required_day=required.day)
    if eff.day > eff_deadline:
        out.append(Finding(eff.day, "breach", "effective_deadline_missed", "PIPE RRA",
                           f"effective day {eff.day}, {eff.day - eff_deadline} days after "
                           f"the closing's deadline day {eff_deadline}"
                           f"{' (reviewed)' if reviewed else ''}"))
    facts[required.details["cycle"]] = _damage_facts(kinds, filed, deadline, fault, eff,
                                                     eff_deadline)
    _audit_period(first, filed, eff, terms, out, closing, adjust, rule144_day)


def _damage_facts(kinds: dict[str, list[ev.Event]], filed: ev.Event, deadline: int,
                  fault: str | None, eff: ev.Event, eff_deadline: int) -> dict:
    """The raw facts the damages of one registration are recomputed from."""
    ended = kinds[ev.EFFECTIVENESS_ENDED]
    return dict(filed=filed, filing_deadline=deadline, fault=fault, effective=eff,
                effective_deadline=eff_deadline, ended=ended[0] if ended else None,
                suspensions=tuple((e.day, e.details["until"])
                                  for e in kinds[ev.SALES_SUSPENDED]))


def _audit_damages(events: list[ev.Event], paid: list[ev.Event], terms: Terms,
                   out: list[Finding], closing: date | None, facts: dict[int, dict]) -> None:
    """PIPE RRA: the liquidated damages paid (DAMAGES_PAID) are those the terms give for
    the filing, effectiveness and maintenance failures of the log's raw facts, paid to
    the Investors pro rata to their purchase price (:mod:`sim.law.rules.resale`)."""
    if not paid and terms.damages_rate_percent_per_30_days == 0:
        return
    closed = next((e for e in events if e.kind == ev.DEAL_CLOSED), None)
    if closed is None or closing is None:
        return
    position = {id(e): i for i, e in enumerate(events)}
    triggers = []     # (log position, failure, registration, days, pay day)
    for cycle, f in facts.items():
        key = f"demand-{cycle}"
        filed, eff, ended = f["filed"], f["effective"], f["ended"]
        days = range(0) if f["fault"] == "investor" else damages_rules.filing_failure_days(
            f["filing_deadline"], filed.day, filed.day, terms)
        triggers.append((position[id(filed)], "filing", key, days, filed.day))
        triggers.append((position[id(eff)], "effectiveness", key,
                         damages_rules.effectiveness_failure_days(
                             f["effective_deadline"], eff.day, eff.day, terms), eff.day))
        if ended is not None:
            triggers.append((position[id(ended)], "maintenance", key,
                             damages_rules.maintenance_failure_days(f["suspensions"], terms,
                                                                    closing), ended.day))
    triggers.sort(key=lambda t: t[0])
    price = closed.details["units"] * terms.unit_price_usd
    installments = resale.damages_installments(
        [(fail, tuple(days), day) for _, fail, _, days, day in triggers], price, terms)
    keys = {}                         # the installments' registrations, in the same order
    fails = [(fail, key, tuple(days), day) for _, fail, key, days, day in triggers]
    counted: set[int] = set()
    for fail, key, days, day in fails:
        new = set(days) - counted
        counted |= new
        if new:
            keys.setdefault(len(keys), key)
    due = {}
    for k, inst in enumerate(installments):
        amount, interest = round(inst.amount_usd, 2), round(inst.interest_usd, 2)
        if amount + interest > 0:
            due[(keys[k], inst.failure)] = (amount, interest, inst.pay_day)
    holdings = dict(closed.details.get("units_by_investor", ()))   # their purchase prices
    all_held = sum(holdings.values()) or 1
    at_payment = _units_at_payments(events, holdings)
    for e in paid:
        d = e.details
        if at_payment:          # §7 transfers: pro rata to the Investors' Units that day
            holdings = at_payment[id(e)]
            all_held = sum(holdings.values()) or 1
        want = due.pop((d["registration"], d["failure"]), None)
        got = (d["amount_usd"], d["interest_usd"])
        payees = d["payees"]
        total = d["amount_usd"] + d["interest_usd"]
        if want is None or abs(got[0] - want[0]) > 0.01 or abs(got[1] - want[1]) > 0.01:
            expected = "none" if want is None else f"${want[0]:,.2f} + ${want[1]:,.2f} interest"
            out.append(Finding(e.day, "breach", "damages_not_as_agreed", "PIPE RRA",
                               f"{d['failure']} damages paid ${got[0]:,.2f} + ${got[1]:,.2f} "
                               f"interest for {d['registration']}; the terms give {expected}"))
        elif abs(sum(v for _, v in payees) - total) > 0.005 or any(
                abs(v - total * holdings.get(n, 0) / all_held) > 0.01 * len(payees)
                for n, v in payees):     # cents: the last payee takes the rounding
            out.append(Finding(e.day, "breach", "damages_not_as_agreed", "PIPE RRA",
                               f"{d['failure']} damages of ${total:,.2f} not paid to the "
                               "Investors pro rata to their purchase price"))
    for (key, fail), (amount, interest, day) in due.items():
        out.append(Finding(day, "breach", "damages_not_as_agreed", "PIPE RRA",
                           f"{fail} damages of ${amount:,.2f} + ${interest:,.2f} interest "
                           f"for {key} not paid"))


def _units_at_payments(events: list[ev.Event], units: dict[str, int]) -> dict[int, dict[str, int]]:
    """§7 transfers before PIPE RRA damages payments: the Investors' Units on each
    payment (by ``id`` of its DAMAGES_PAID), from the closing's ``units``; empty
    without transfers."""
    if not any(e.kind == ev.UNITS_TRANSFERRED for e in events):
        return {}
    units, out = dict(units), {}
    for e in events:
        if e.kind == ev.UNITS_TRANSFERRED:
            d = e.details
            units[e.actor] = units.get(e.actor, 0) - d["units"]
            if securities.transferee_is_investor(d["counterpart"]):
                units[d["to"]] = units.get(d["to"], 0) + d["units"]
        elif e.kind == ev.DAMAGES_PAID:
            out[id(e)] = dict(units)
    return out


def _audit_effectiveness_hold(first: dict[str, ev.Event], eff: ev.Event, scoped: list[int],
                              terms: Terms, out: list[Finding]) -> None:
    """§1(c) under ``cooldown_effect = effective``: effectiveness may wait for the end of
    the cooldowns covering the day the review cleared, no longer; effectiveness inside a
    cooldown is the Company's waiver (a note)."""
    if terms.cooldown_effect != "effective":
        return
    cleared = first.get(ev.REVIEW_CLEARED)
    if cleared is not None and first.get(ev.COOLDOWN_APPLIED) is not None:
        release = limits.cooldown_release_day(cleared.day, scoped, terms)
        if eff.day > release:
            out.append(Finding(eff.day, "breach", "effectiveness_held_past_cooldown", "§1(c)",
                               f"effective day {eff.day}; cleared day {cleared.day}, the "
                               f"cooldowns allowed waiting only to day {release}"))
    inside = limits.cooldown_end(eff.day, scoped, terms)
    if inside is not None:
        out.append(Finding(eff.day, "note", "effective_in_cooldown", "§1(c)",
                           f"effective day {eff.day}, inside a cooldown; the Company need "
                           f"not have become effective before day {inside}"))


def _audit_company_registrations(events: list[ev.Event], terms: Terms,
                                 out: list[Finding]) -> None:
    """§3(a) notice and requests, §3(c)/§1(b) allocations, §4 payers."""
    given: dict[str, tuple[int, str]] = {}       # offering -> (day sent, method)
    arrived: dict[tuple[str, str], int] = {}     # (offering, investor) -> day received
    timely: dict[str, dict[str, int]] = defaultdict(dict)
    refused: dict[str, set[str]] = defaultdict(set)
    cut: set[str] = set()
    for e in events:
        d, k = e.details, e.kind
        if k == ev.REGISTRATION_NOTICE_GIVEN:
            given[d["offering"]] = (e.day, d["method"])
            if not piggyback.registration_notice_in_time(e.day, d["file_day"]):
                out.append(Finding(e.day, "breach", "registration_notice_late", "§3(a)",
                                   f"Registration Notice for {d['offering']} given day {e.day}, "
                                   f"not before the filing on day {d['file_day']}"))
        elif k == ev.REGISTRATION_NOTICE_RECEIVED:
            arrived[d["offering"], e.actor] = e.day
        elif k == ev.SHARES_ADJUSTED:        # §7: requests pending are adjusted too
            for requests in timely.values():
                for inv in requests:
                    requests[inv] = int(requests[inv] * d["ratio"])
        elif k in (ev.PIGGYBACK_REQUESTED, ev.PIGGYBACK_REJECTED) and d["offering"] in given:
            # §8(a): the window runs from the day this Investor's notice was given.
            sent, method = given[d["offering"]]
            last = piggyback.piggyback_last_day(notices.given_day(
                sent, arrived.get((d["offering"], e.actor), sent), terms, method), terms)
            if k == ev.PIGGYBACK_REJECTED and e.day <= last and not d["resolved"]:
                out.append(Finding(e.day, "breach", "piggyback_request_dropped", "§3(a)",
                                   f"{e.actor}'s Piggy-back Request received day {e.day}, within "
                                   f"the window ending day {last}, was not accepted"))
            elif k == ev.PIGGYBACK_REQUESTED:
                timely[d["offering"]][e.actor] = d["shares"]
                if e.day > last:
                    out.append(Finding(e.day, "note", "late_piggyback_included", "§3(a)",
                                       f"{e.actor}'s request received day {e.day}, after day "
                                       f"{last}, was accepted"))
        elif k == ev.UNDERWRITING_TERMS_REFUSED:
            refused[d["offering"]].add(e.actor)
        elif k == ev.CUTBACK_APPLIED:
            cut.add(d["registration"])
            _check_allocation(e, terms, out)
        elif k == ev.OFFERING_EFFECTIVE and d["offering"] not in cut:
            owed = sum(v for inv, v in timely[d["offering"]].items()
                       if inv not in refused[d["offering"]])
            if d["investor_shares"] != owed:
                out.append(Finding(e.day, "breach", "piggyback_request_dropped", "§3(a)",
                                   f"{d['offering']} included {d['investor_shares']:,} Investor "
                                   f"shares without a cutback; timely requests asked {owed:,}"))
        elif k == ev.REGISTRATION_EXPENSES_PAID and d["payer"] != "company":
            out.append(Finding(e.day, "breach", "expenses_not_paid_by_company", "§4",
                               f"Registration Expenses of {d['registration']} charged to "
                               f"{d['payer']}; 'The Company will pay all Registration Expenses'"))


def _check_allocation(e: ev.Event, terms: Terms, out: list[Finding]) -> None:
    """Recompute a cutback from its inputs with the rule; any difference is a breach."""
    d = e.details
    sellers = [cutback.Seller(i, req, held, group, inv)
               for i, req, held, group, inv, _ in d["sellers"]]
    if e.clause == "§3(c)":
        expected = cutback.allocate_cutback(d["limit"], sellers, terms, d["company_shares"])
    else:
        expected = cutback.demand_cutback_allocation(d["limit"], sellers, terms)
    got = {i: alloc for i, _, _, _, _, alloc in d["sellers"]}
    if any(got[s.id] != expected.get(s.id, 0) for s in sellers):
        out.append(Finding(e.day, "breach", "allocation_not_as_agreed", e.clause,
                           f"cutback in {d['registration']} differs from the {d['rule']} "
                           "allocation of the same requests and holdings"))


def _adjuster(events: list[ev.Event], adjustments: list[tuple[int, float]]):
    """§7: shares asked for in an event, as adjusted by the splits and stock dividends
    logged after it and before ``until`` (each Investor's count rounded down at each
    one), or None when the deal has none."""
    if not adjustments:
        return None
    pos = {id(e): i for i, e in enumerate(events)}

    def adjust(e: ev.Event, shares: int, until: ev.Event) -> int:
        for at, ratio in adjustments:
            if pos[id(e)] < at < pos[id(until)]:
                shares = int(shares * ratio)
        return shares

    return adjust


def _audit_satisfaction(evs: list[ev.Event], first: dict[str, ev.Event],
                        out: list[Finding], adjust=None, terms: Terms | None = None) -> bool:
    """§1(c): recompute from the log whether the effective statement used the demand up
    (all shares specified in the Demand Notice and the requests included, by the method
    the requesting holders specified), and hold the Company's record to it."""
    sent, filed, eff = first[ev.DEMAND_SENT], first[ev.STATEMENT_FILED], first[ev.STATEMENT_EFFECTIVE]
    joined = [e for e in evs if e.kind == ev.JOINDER_RECEIVED]
    if adjust is None:
        specified = sent.details["shares"] + sum(e.details["shares"] for e in joined)
    else:
        specified = sum(adjust(sent, n, eff) for _, n in sent.details["requested"]) + sum(
            adjust(e, e.details["shares"], eff) for e in joined)
    asked, used = sent.details["underwritten"], filed.details["underwritten"]
    if asked != used:
        out.append(Finding(filed.day, "breach", "method_not_as_requested", "§1(c)",
                           f"statement filed {'underwritten' if used else 'not underwritten'}; "
                           f"the requesting holders asked for "
                           f"{'an underwritten' if asked else 'a non-underwritten'} sale"))
    satisfied = limits.effective_statement_satisfies_demand(
        specified, eff.details["shares"], asked, used, terms)
    if ev.DEMAND_SATISFIED in first and not satisfied:
        out.append(Finding(eff.day, "breach", "demand_counted_unsatisfied", "§1(c)",
                           f"demand counted as satisfied, but the statement covers "
                           f"{eff.details['shares']:,} of {specified:,} shares specified"
                           + ("" if asked == used else ", not by the holders' method")))
    return satisfied


def _all_sold_day(filed: ev.Event, ended: ev.Event, eff: ev.Event,
                  adjust=None) -> int | None:
    """§2(e): the day the Selling Investors had sold "all ... Registrable Shares covered
    by the Registration Statement", or None if some were unsold when the period ended.

    Only sellers the statement registers shares for count: one cut to 0 shares by an
    underwriter or the capital shortfall has nothing to sell, and a statement that
    registers no shares at all has sold them all on its effective day. A split or stock
    dividend between filing and effectiveness adjusts the shares covered (§7: a
    one-share registration halved by a reverse split covers nothing).
    """
    registered = filed.details["registered"]
    if adjust is not None:
        registered = [(inv, adjust(filed, n, eff)) for inv, n in registered]
    covered = sum(1 for _, n in registered if n > 0)
    sold_out = [day for _, day in ended.details["sold_out"]]
    if not covered:
        return ended.details["effective_day"]
    return max(sold_out) if len(sold_out) == covered else None


def _audit_conservation(events: list[ev.Event], out: list[Finding]) -> None:
    """§7: no Registrable Share is registered or sold twice.

    Per Investor, at every step of the log: shares registered in pending or effective
    demand statements (not yet sold), plus shares sold in Company offerings (§3) and
    under demand statements, never exceed the Investor's Registrable Shares. A share
    sold in a Company offering stops being a Registrable Share, so it may not also sit
    in, or be sold under, a demand statement. One finding per Investor, on the first
    day its shares are over-counted.
    """
    holdings: dict[str, int] = {}
    live: dict[int, tuple[tuple[str, int], ...]] = {}   # cycle -> registered, not yet over
    registered: dict[str, int] = defaultdict(int)       # in live demand statements
    sold: dict[str, int] = defaultdict(int)
    flagged: set[str] = set()
    for e in events:
        d, k = e.details, e.kind
        if k == ev.DEAL_CLOSED:
            holdings = dict(d["holdings"])
            continue
        if k == ev.SHARES_ADJUSTED:
            # §7: a split or stock dividend multiplies every Investor's Registrable Shares,
            # what is registered and what was sold (whole shares, rounded down).
            r = d["ratio"]
            for inv, total in holdings.items():
                held = int((total - sold[inv]) * r)
                sold[inv] = int(sold[inv] * r)
                holdings[inv] = sold[inv] + held
            for cycle, regs in live.items():
                live[cycle] = tuple((inv, int(n * r)) for inv, n in regs)
            registered.clear()
            for regs in live.values():
                for inv, n in regs:
                    registered[inv] += n
            continue
        if k == ev.UNITS_TRANSFERRED:
            # §7: the shares leave the transferor; a transferee who signed a counterpart
            # is an Investor holding them, one who did not holds no Registrable Shares.
            holdings[e.actor] = holdings.get(e.actor, 0) - d["shares"]
            if securities.transferee_is_investor(d["counterpart"]):
                holdings[d["to"]] = holdings.get(d["to"], 0) + d["shares"]
            grown = ((e.actor, 0),)          # no transfer of shares still registered
        elif k == ev.STATEMENT_FILED:
            grown = live[d["cycle"]] = d["registered"]
            for inv, n in grown:
                registered[inv] += n
        elif k == ev.STATEMENT_WITHDRAWN or k == ev.EFFECTIVENESS_ENDED:
            # The statement is over: what it registered is free again, what was sold
            # under it is sold (never more than it registered: nothing grows here).
            for inv, n in live.pop(d["cycle"], ()):
                registered[inv] -= n
            for inv, n in d.get("sold_by", ()):
                sold[inv] += n
            continue
        elif e.actor in holdings and not d["registration"].startswith("demand-"):
            grown = ((e.actor, d["shares"]),)      # SELLING_COSTS_PAID in a Company offering
            sold[e.actor] += d["shares"]
        else:
            continue
        for inv, _ in grown:
            if inv not in flagged and registered[inv] + sold[inv] > holdings.get(inv, 0):
                flagged.add(inv)
                out.append(Finding(e.day, "inconsistent", "shares_over_holdings", "§7",
                                   f"{inv}: {registered[inv]:,} shares registered in demand "
                                   f"statements and {sold[inv]:,} sold, over its "
                                   f"{holdings.get(inv, 0):,} Registrable Shares"))


def _withdrawal_use(first: dict[str, ev.Event]) -> int:
    """1 if the cycle's withdrawal used up the demand (§1(c)), from the facts: its causes,
    the day the information was made known, and the day the Demand Notice was sent."""
    w = first.get(ev.STATEMENT_WITHDRAWN)
    if w is None:
        return 0
    d, demand = w.details, first.get(ev.DEMAND_SENT)
    request_day = demand.day if demand is not None else d["request_day"]
    second = demand.details["second"] if demand is not None else False
    return int(not second and limits.withdrawal_uses_demand(
        d["causes"], d["made_known_day"], request_day, d["at_investors_request"]))


def _delay_basis(delay: ev.Event, rd: int, rd_seq: int, offerings: dict[str, dict],
                 activity_day: int | None, terms: Terms) -> tuple[bool, int | None]:
    """Whether a §1(d) basis existed at the demand, and the latest day the delayed request
    resumes (the day after the cap day; the withdrawal day of a withdrawn offering).

    An offering counts as resolved at the demand only if its resolution comes before
    the demand's receipt in the log (same-day order matters).
    """
    for oid, o in offerings.items():
        if "plan_day" not in o:
            continue
        resolved = o.get("resolved")
        known = resolved if resolved is not None and o["seq"] < rd_seq else None
        if delay_rules.offering_supports_delay(
                rd, o["plan_day"], o["file_day"], known, o["include"], terms):
            if delay.details.get("offering") not in (None, oid):
                continue
            if resolved is None:
                return True, None
            return True, (delay_rules.delay_end_latest(resolved, terms) if o.get("effective")
                          else resolved)
    if delay_rules.activity_supports_delay(rd, activity_day, terms):
        return True, delay_rules.delay_end_latest(activity_day, terms)
    return False, None


# --- NVCA IRA: the demand's form and minimum size, deferrals ---------------------------

@dataclass
class _NvcaState:
    """What the NVCA checks carry from cycle to cycle: the receipt days of the S-3
    demands accepted, and the days deferrals on the Board's judgment were invoked."""

    s3_receipts: list[int] = field(default_factory=list)
    deferrals: list[int] = field(default_factory=list)


def _audit_nvca_demand(evs: list[ev.Event], terms: Terms, out: list[Finding],
                       state: _NvcaState, closing: date | None) -> bool:
    """NVCA IRA: recompute whether the cycle's demand was an S-3 demand (from the
    logged eligibility and the S-3 demands accepted before it) and whether a refusal for
    the minimum size was right. Returns whether it is an S-3 demand."""
    if terms.s3_demands_per_12_months == 0 and terms.demand_min_percent == 0:
        return False
    received = next((e for e in evs if e.kind == ev.DEMAND_RECEIVED), None)
    if received is None or "registrable_shares" not in received.details:
        return False
    d = received.details
    refused = next((e for e in evs if e.kind == ev.DEMAND_REFUSED), None)
    s3 = (not d["second"] and closing is not None and limits.is_s3_demand(
        d["s3_eligible"], state.s3_receipts, received.day, closing, terms))
    if refused is not None and refused.clause == "NVCA IRA" and (
            s3 or demand_rules.meets_minimum_size(d["shares"], d["registrable_shares"], terms)):
        out.append(Finding(refused.day, "breach", "demand_refused", "NVCA IRA",
                           f"demand for {d['shares']:,} of {d['registrable_shares']:,} "
                           f"Registrable Shares refused as below the minimum size "
                           f"({terms.demand_min_percent}%)"
                           + (", though it was an S-3 demand" if s3 else "")))
    if s3 and (refused is None or refused.clause == "NVCA IRA"):
        state.s3_receipts.append(received.day)
    return s3


def _audit_deferral(first: dict[str, ev.Event], rd: int, rd_seq: int,
                    offerings: dict[str, dict], state: _NvcaState, closing: date | None,
                    terms: Terms, out: list[Finding]) -> int | None:
    """NVCA IRA: a deferral on the Board's judgment must be within the 12-month
    allowance and end by the cap; a blackout needs a Company offering planned with its
    estimated filing within ``blackout_before_days`` of the receipt and unresolved then.
    Returns the day the deferral excuses the filing deadline to (None: no excuse)."""
    deferred, ended = first[ev.DEMAND_DEFERRED], first.get(ev.DEFERRAL_ENDED)
    basis = deferred.details["basis"]
    if basis == "board_judgment":
        ok = closing is not None and delay_rules.deferral_right_left(
            rd, state.deferrals, closing, terms)
        state.deferrals.append(rd)
        if not ok:
            out.append(Finding(deferred.day, "breach", "delay_reused", "NVCA IRA",
                               f"deferral invoked with {terms.delay_uses} already used in "
                               f"the {terms.delay_uses_per} period"))
            return None
        latest = delay_rules.board_deferral_end_latest(rd, terms)
        if ended is not None and ended.day > latest:
            out.append(Finding(ended.day, "breach", "delay_past_cap", "NVCA IRA",
                               f"deferral ended day {ended.day}; the request had to resume "
                               f"by day {latest}"))
        return min(ended.day, latest) if ended is not None else None
    o = offerings.get(deferred.details["offering"], {})
    resolved = o.get("resolved")
    known = resolved if resolved is not None and o["seq"] < rd_seq else None
    if "plan_day" not in o or not o["include"] or not delay_rules.in_blackout(
            rd, o["plan_day"], o["file_day"], known, terms):
        out.append(Finding(deferred.day, "breach", "delay_without_basis", "NVCA IRA",
                           "demand deferred for a blackout with no Company offering "
                           f"estimated to be filed within {terms.blackout_before_days} "
                           "days"))
        return None
    if resolved is None:
        return None
    latest = delay_rules.blackout_end(resolved, o.get("effective", False), terms)
    if ended is not None and ended.day > latest:
        out.append(Finding(ended.day, "breach", "delay_past_cap", "NVCA IRA",
                           f"blackout deferral ended day {ended.day}; the blackout ended "
                           f"day {latest}"))
    return latest
