"""A deal's timeline as text: each day's events, the open deadlines, then the audit.

Everything shown is read from the event log and the terms (deadlines are recomputed
with the rule functions as the log unfolds), so a timeline can be printed from a saved
log as well as from a fresh run.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Iterable

from sim.core import dates
from sim.engine import events as ev
from sim.read.audit import Finding
from sim.law.rules import delay as delay_rules
from sim.law.rules import demand as demand_rules
from sim.law.rules import procedures
from sim.law.terms import Terms


def _names(xs) -> str:
    xs = list(xs)
    return ", ".join(xs) if len(xs) <= 6 else ", ".join(xs[:6]) + f" (+{len(xs) - 6})"


def _withdrawal_causes(x, d: Callable[[int], str]) -> str:
    words = {"information": (f"material information made known {d(x['made_known_day'])} "
                             f"({'after' if (x['made_known_day'] or 0) > x['request_day'] else 'not after'}"
                             f" the request of {d(x['request_day'])})"),
             "price": f"the price fell to {x['price']:g} from {x['price_at_request']:g}",
             "other": "other reasons"}
    return " and ".join(words[c] for c in x["causes"])


DESCRIBE: dict[str, Callable[[ev.Event, Callable[[int], str]], str]] = {
    ev.DEAL_CLOSED: lambda e, d: (f"closing: {e.details['investors']} Investors hold "
                               f"{e.details['units']:,} Units = "
                               f"{e.details['registrable_shares']:,} Registrable Shares"
                               + (f"; Warrants exercisable to "
                                  f"{d(e.details['warrant_expiry_day'])}"
                                  if "warrant_expiry_day" in e.details else "")),
    ev.CAPITAL_CHECKED: lambda e, d: (f"authorized-capital headroom {e.details['headroom']:,} for "
                                   f"{e.details['capital_dependent_shares']:,} conversion and "
                                   f"warrant shares (shortfall {e.details['shortfall']:,})"),
    ev.DEMAND_NOT_SENT: lambda e, d: f"no Demand Notice sent: {e.details['reason']}",
    ev.SHARES_ADJUSTED: lambda e, d: (f"stock {e.details['kind']} ({e.details['ratio']:g} for 1): "
                                   f"Registrable Shares {e.details['registrable_before']:,} -> "
                                   f"{e.details['registrable_after']:,}"),
    ev.UNITS_TRANSFERRED: lambda e, d: (
        f"{e.actor} sells {e.details['units']:,} Units ({e.details['shares']:,} Registrable "
        f"Shares) privately to {e.details['to']} at ${e.details['price']:.4f} a share: "
        + ("counterpart signed, an Investor" if e.details["counterpart"]
           else f"no counterpart, the shares lose the rights (Investors' Units now "
                f"{e.details['total_units']:,})")),
    ev.CAPITAL_INCREASED: lambda e, d: f"shareholders authorize {e.details['added']:,} more shares",
    ev.DEMAND_SENT: lambda e, d: (f"{'second ' if e.details['second'] else ''}Demand Notice sent "
                               f"by {e.actor} for {_names(sorted(e.details['initiating']))} "
                               f"({e.details['units']:,} Units) by {e.details['method']}"),
    ev.DEMAND_RECEIVED: lambda e, d: (f"Company receives the Demand Notice "
                                   f"({e.details['shares']:,} shares)"),
    ev.DEMAND_REFUSED: lambda e, d: f"demand refused: {e.details['reason']}",
    ev.COMPANY_NOTICE_GIVEN: lambda e, d: (f"Company Notice given to "
                                        f"{_names(sorted(e.details['recipients']))}, "
                                        f"{e.details['days_after_demand']} days after receipt"),
    ev.COMPANY_NOTICE_LATE: lambda e, d: (f"Company Notice late: {e.details['days_after_demand']} "
                                       f"days > {e.details['allowed_days']} ('promptly')"),
    ev.COMPANY_NOTICE_RECEIVED: lambda e, d: f"{e.actor} receives the Company Notice",
    ev.OTHER_HOLDERS_OFFERED: lambda e, d: f"inclusion offered to {_names(e.details['holders'])}",
    ev.OTHER_HOLDER_REQUESTED: lambda e, d: (f"{e.actor} asks to include {e.details['shares']:,} "
                                          f"shares ({'included' if e.details['included'] else 'too late'})"),
    ev.JOINDER_RECEIVED: lambda e, d: (f"{e.actor}'s request to include {e.details['shares']:,} "
                                    f"shares received (sent {d(e.details['sent_day'])}, "
                                    f"in time to {d(e.details['last_day'])})"),
    ev.JOINDER_REJECTED: lambda e, d: (f"{e.actor}'s request received too late (sent "
                                    f"{d(e.details['sent_day'])}, window ended "
                                    f"{d(e.details['last_day'])})"),
    ev.JOINDER_WINDOW_CLOSED: lambda e, d: (f"joinder window closes: {len(e.details['sellers'])} "
                                         f"sellers, {e.details['shares']:,} shares"),
    ev.FILING_WINDOW_SET: lambda e, d: (f"filing window: {d(e.details['floor'])} to "
                                     f"{d(e.details['deadline'])}"),
    ev.WINDOW_EMPTY: lambda e, d: (f"filing window EMPTY: floor {d(e.details['floor'])} > "
                                f"deadline {d(e.details['deadline'])} "
                                f"(switch {e.details['switch']})"),
    ev.INFO_REQUESTED: lambda e, d: (f"information requested from "
                                  f"{_names(sorted(e.details['investors']))}"
                                  f" (answer within {e.details['due_days']} days)"),
    ev.INFO_RECEIVED: lambda e, d: (f"{e.actor}'s information received after {e.details['days']} "
                                 f"days{' -- LATE' if e.details['late'] else ''}"),
    ev.DELAY_INVOKED: lambda e, d: (f"Company delays the demand (basis: {e.details['basis']}"
                                 f"{' ' + e.details['offering'] if e.details['offering'] else ''})"),
    ev.DELAY_ENDED: lambda e, d: f"delay ends (cap {d(e.details['cap_day'])})",
    ev.COOLDOWN_APPLIED: lambda e, d: (f"{'filing' if e.details['effect'] == 'file' else 'effectiveness'}"
                                       f" held for the cooldown until {d(e.details['until'])}"),
    ev.STATEMENT_FILED: lambda e, d: (f"registration statement filed: "
                                   f"{e.details['shares_registered']:,} shares of "
                                   f"{len(e.details['sellers'])} sellers"
                                   + (f", {e.details['shares_unregistered_capital']:,} left out "
                                      "for lack of capital"
                                      if e.details['shares_unregistered_capital'] else "")),
    ev.FILING_DEADLINE_MISSED: lambda e, d: (f"filed {e.details['days_late']} days after deadline "
                                          f"{d(e.details['deadline'])} "
                                          f"(fault: {e.details['fault']})"),
    ev.FILED_BEFORE_FLOOR: lambda e, d: f"filed {e.details['days_early']} days before the floor",
    ev.REVIEW_DECIDED: lambda e, d: ("Commission will review" if e.details["reviewed"]
                                  else "Commission: no review"),
    ev.COMMENTS_RECEIVED: lambda e, d: f"comment letter {e.details['round']}",
    ev.RESPONSE_FILED: lambda e, d: (f"Company answers comments (round {e.details['round']}, "
                                  f"{e.details['days']} days{', LATE' if e.details['late'] else ''})"),
    ev.REVIEW_CLEARED: lambda e, d: "review cleared, acceleration granted",
    ev.MAI_DISCLOSED: lambda e, d: (f"material adverse information made known to the Investors "
                                 f"{d(e.details['made_known_day'])} (request {d(e.details['request_day'])})"),
    ev.STATEMENT_WITHDRAWN: lambda e, d: (f"withdrawn at the Investors' request: "
                                       f"{_withdrawal_causes(e.details, d)} -- demand "
                                       f"{'USED' if e.details['demand_used'] else 'not used'}"),
    ev.STATEMENT_EFFECTIVE: lambda e, d: (f"statement EFFECTIVE, {e.details['days_from_filing']} "
                                       f"days after filing"),
    ev.TARGET_MISSED: lambda e, d: (f"{e.details['days_over']} days past the effectiveness target"
                                 f" ({'breach' if e.details['breach'] else 'best efforts, no breach'})"),
    ev.DEMAND_SATISFIED: lambda e, d: (f"demand obligation satisfied (demands used: "
                                    f"{e.details['demands_used']})"),
    ev.DEMAND_NOT_SATISFIED: lambda e, d: (
        f"demand NOT satisfied: the statement covers {e.details['shares_registered']:,} of "
        f"{e.details['shares_requested']:,} shares requested"
        + ("" if e.details['underwritten'] == e.details['underwritten_requested'] else
           ", by a method the requesting holders did not choose")
        + f" (demands used: {e.details['demands_used']})"),
    ev.SALES_SUSPENDED: lambda e, d: f"prospectus amended: sales suspended to {d(e.details['until'])}",
    ev.SALES_RESUMED: lambda e, d: "revised prospectus delivered: sales resume",
    ev.EFFECTIVENESS_ENDED: lambda e, d: (f"effectiveness period ends ({e.details['reason']}): "
                                       f"{e.details['shares_sold']:,} shares sold, "
                                       f"{len(e.details['sold_out'])} sellers sold out"),
    ev.OFFERING_PLANNED: lambda e, d: (f"Company fixes plans for a {e.details['type']} offering "
                                    f"({e.details['offering']}, filing {d(e.details['file_day'])})"),
    ev.OFFERING_FILED: lambda e, d: f"Company files its {e.details['type']} offering",
    ev.OFFERING_EFFECTIVE: lambda e, d: f"Company's {e.details['type']} offering effective",
    ev.OFFERING_WITHDRAWN: lambda e, d: f"Company withdraws its {e.details['type']} offering",
    ev.OFFERING_DISTRIBUTED: lambda e, d: "underwriters complete the distribution",
    ev.OTHER_ACTIVITY_COMMENCED: lambda e, d: "other material activity commences",
    ev.REGISTRATION_NOTICE_GIVEN: lambda e, d: (
        f"Registration Notice for {e.details['offering']} given"
        f"{'' if e.details['before_filing'] else ' -- AFTER the filing'} (requests by "
        f"{d(e.details['last_day'])})"),
    ev.REGISTRATION_NOTICE_NOT_REQUIRED: lambda e, d: (
        f"no Registration Notice for {e.details['offering']}: {e.details['reason']}"),
    ev.REGISTRATION_NOTICE_RECEIVED: lambda e, d: f"{e.actor} receives the Registration Notice",
    ev.PIGGYBACK_REQUESTED: lambda e, d: (f"{e.actor} asks to include {e.details['shares']:,} "
                                       f"shares in {e.details['offering']} (sent "
                                       f"{d(e.details['sent_day'])})"),
    ev.PIGGYBACK_REJECTED: lambda e, d: (f"{e.actor}'s Piggy-back Request too late (window ended "
                                      f"{d(e.details['last_day'])})"),
    ev.OTHER_HOLDER_JOINED_OFFERING: lambda e, d: (f"{e.actor} will sell {e.details['shares']:,} "
                                                f"shares in {e.details['offering']}"),
    ev.UNDERWRITING_TERMS_REFUSED: lambda e, d: (f"{e.actor} refuses the underwriting terms and "
                                              "drops out"),
    ev.UNDERWRITER_LIMIT_SET: lambda e, d: (
        f"marketing limit {e.details['limit']:,} shares ({e.details['company_shares']:,} "
        f"Company, {e.details['shares_requested']:,} requested by holders)"),
    ev.CUTBACK_APPLIED: lambda e, d: (
        f"cutback ({e.details['rule']}): " + ", ".join(
            f"{i} {alloc:,}/{req:,}" for i, req, _h, _g, _inv, alloc in e.details["sellers"])),
    ev.REGISTRATION_EXPENSES_PAID: lambda e, d: (
        f"Company pays Registration Expenses of {e.details['registration']}: "
        f"${e.details['total_usd']:,.0f}{' (withdrawn)' if e.details['withdrawn'] else ''}"),
    ev.SELLING_COSTS_PAID: lambda e, d: (f"{e.actor} pay {e.details['item'].replace('_', ' ')} of "
                                      f"${e.details['cost_usd']:,.0f} on {e.details['shares']:,} "
                                      "shares" if e.actor == "investors" else
                                      f"{e.actor} pays {e.details['item'].replace('_', ' ')} of "
                                      f"${e.details['cost_usd']:,.0f} on {e.details['shares']:,} "
                                      "shares"),
    ev.CLAIM_ASSERTED: lambda e, d: (f"claim of ${e.details['loss_usd']:,.0f} over "
                                  f"{e.details['registration']} ({e.details['source']}'s "
                                  "information)"),
    ev.INDEMNITY_RELIEVED: lambda e, d: "late notice: relieved " + (", ".join(
        f"{p} of ${usd:,.0f}" for p, usd in e.details["relieved"]) or "no one") + (
        f" ({e.details['prejudice_fraction']:.0%} prejudiced)"),
    ev.LOSS_ALLOCATED: lambda e, d: "loss borne: " + ", ".join(
        f"{p} ${usd:,.0f}" for p, usd in e.details["borne"] if usd),
    ev.WARRANTS_EXERCISED: lambda e, d: (
        f"Investors exercise Warrants for {e.details['shares']:,} warrant shares at "
        f"${e.details['exercise_price']:.2f} to sell them (price ${e.details['price']:.2f}; "
        f"${e.details['exercise_usd']:,.0f} paid)"),
    ev.WARRANT_SHARES_UNSOLD: lambda e, d: (
        f"{e.details['shares']:,} warrant shares not sold in {e.details['registration']}: "
        + ("out of the money (price ${:.2f} <= exercise price ${:.2f})".format(
            e.details["price"], e.details["exercise_price"])
           if e.details["reason"] == "out_of_the_money"
           else f"the Warrants expired ({d(e.details['expiry_day'])})")),
    ev.DEAL_ENDED: lambda e, d: "end of the deal",
    ev.PRICE_PATH: lambda e, d: (
        f"price path logged: {len(e.details['prices'])} months, "
        f"${min(e.details['prices']):.3f} to ${max(e.details['prices']):.3f} a share"),
    ev.REGISTRATION_REQUIRED: lambda e, d: (
        f"resale registration of all {e.details['shares']:,} Registrable Shares required: "
        f"file by {d(e.details['filing_deadline'])}, effective by "
        f"{d(e.details['effective_deadline'])} ({d(e.details['effective_deadline_reviewed'])} "
        "if reviewed)"),
    ev.DAMAGES_ACCRUED: lambda e, d: (
        f"liquidated damages for the {e.details['failure']} failure: {e.details['days']} days "
        f"({d(e.details['from_day'])} to {d(e.details['to_day'])}), "
        f"${e.details['amount_usd']:,.2f}"),
    ev.DAMAGES_PAID: lambda e, d: (
        f"Company pays ${e.details['amount_usd']:,.2f} liquidated damages"
        + (f" + ${e.details['interest_usd']:,.2f} interest" if e.details["interest_usd"] else "")
        + f" to {len(e.details['payees'])} Investors (pro rata to purchase price)"),
    ev.OFFERING_HELD_BACK: lambda e, d: (
        f"Company holds its {e.details['offering']} back (${e.details['value_usd']:,.0f}) while "
        f"the Investors' registration is pending"),
    ev.OFFERING_RELEASED: lambda e, d: (
        f"Company releases {e.details['offering']} after {e.details['held_days']} days "
        f"(cost ${e.details['cost_usd']:,.0f})"),
    ev.DEMAND_DEFERRED: lambda e, d: (
        f"Company defers the demand ({e.details['basis'].replace('_', ' ')})"
        + (f" until {d(e.details['until'])}" if e.details.get("until") is not None
           else f" until {e.details.get('offering')} is effective + cooldown")),
    ev.DEFERRAL_ENDED: lambda e, d: (
        f"deferral ends ({e.details['basis'].replace('_', ' ')}, {e.details['days']} days)"),
}
# The strategic Company's choices (agents/strategy/company.py; docs/decisions.md).
_TASK = {"notice": "gives the Company Notice", "prep": "has the statement drafted",
         "response": "answers the comment letter"}
_RIGHT = {"delay": "its §1(d) delay", "cooldown": "its §1(c) cooldown right",
          "hold_back": "holding its offering back"}


_INVESTOR_CHOICE = {"join": ("asks to be included", "does not ask to be included"),
                    "piggyback": ("asks to piggy-back", "does not piggy-back"),
                    "accept_underwriting": ("accepts the underwriting terms",
                                            "refuses the underwriting terms")}


def _choice_text(e: ev.Event, d: Callable[[int], str]) -> str:
    x = e.details
    if x["choice"] in _INVESTOR_CHOICE:
        yes, no = _INVESTOR_CHOICE[x["choice"]]
        return (f"{e.actor} {yes if x['chosen'] else no}: registering now is worth "
                f"${x['value_usd']:,.0f} to it against an action cost of "
                f"${x['action_cost_usd']:,.0f}"
                + (f", price ${x['price']:.3f} against its reservation "
                   f"${x['reservation_price']:.3f}" if x.get("reservation_price") else ""))
    if x["choice"] == "withdraw_below":
        return (f"the Initiating Investors will withdraw if the price falls below "
                f"${x['chosen']:.3f} (their reservation)")
    if x["choice"] in _TASK:
        allowed = ", ".join(f"{a} days at ${b:,.0f}/day late"
                            for a, b in zip(x["allowed_days"], x["breach_usd_per_day"]))
        return (f"Company {_TASK[x['choice']]} in {x['chosen']} days, not its natural "
                f"{x['natural']}: effort ${x['effort_usd_per_day']:,.0f}/day"
                + (f", overhang ${x['overhang_usd_per_day']:,.0f}/day"
                   if x.get("overhang_usd_per_day") else "")
                + f" against {allowed} (cost ${x['cost_usd']:,.0f})")
    what = _RIGHT.get(x["choice"], x["choice"].replace("_", " "))
    money = ", ".join(f"{k[:-4].replace('_', ' ')} ${v:,.0f}" for k, v in x.items()
                      if k.endswith("_usd") and isinstance(v, (int, float)))
    return (f"Company {'chooses' if x['chosen'] else 'forgoes'} {what}"
            + (f" ({money})" if money else ""))


DESCRIBE[ev.CHOICE_MADE] = _choice_text
# Coalitions for a demand (§1(a); agents/strategy/investors.py).
DESCRIBE.update({
    ev.DEMAND_SOLICITED: lambda e, d: (
        f"{e.actor} asks {e.details['asked']} ({e.details['units']:,} Units) to join a "
        f"demand: {'yes' if e.details['answer'] else 'no'} ({e.details['reason']}); "
        f"{e.details['units_so_far']:,} of {e.details['total_units']:,} Units so far"),
    ev.COALITION_FORMED: lambda e, d: (
        f"{e.actor} has a majority for a demand: {_names(e.details['members'])} "
        f"({e.details['units']:,} of {e.details['total_units']:,} Units)"),
    ev.COALITION_FAILED: lambda e, d: (
        f"{e.actor} finds no majority for a demand: "
        f"{_names(e.details['members']) or 'nobody'} agreed ({e.details['units']:,} of "
        f"{e.details['total_units']:,} Units)"),
})
# §8(c) waivers and amendments (agents/waivers.py).
_WAIVED = {"filing_deadline": "the filing deadline", "filing_floor": "the 30-day floor"}
DESCRIBE.update({
    ev.WAIVER_REQUESTED: lambda e, d: (
        f"Company asks each Investor to {'amend' if e.details['amendment'] else 'waive'} "
        f"{_WAIVED.get(e.details['term'], e.details['term'])} through "
        f"{d(e.details['through_day'])} ({e.details['reason'].replace('_', ' ')}; it avoids "
        f"${e.details['surplus_usd']:,.0f})"),
    ev.WAIVER_SIGNED: lambda e, d: (
        f"signs the {e.details['waiver']}"
        + (f" for ${e.details['consideration_usd']:,.0f}" if e.details["consideration_usd"]
           else " for nothing")),
    ev.WAIVER_REFUSED: lambda e, d: (
        f"holds out on the {e.details['waiver']}: asks ${e.details['ask_usd']:,.0f} (signing "
        f"costs it ${e.details['loss_usd']:,.0f})"),
    ev.WAIVER_DROPPED: lambda e, d: (
        f"Company drops the {e.details['waiver']} to {', '.join(e.details['holdouts'])} "
        f"(too dear): the breach stays toward them"),
    ev.CONSIDERATION_PAID: lambda e, d: (
        f"Company pays ${e.details['total_usd']:,.0f} for signatures to the "
        f"{e.details['waiver']}"),
    ev.AMENDMENT_AGREED: lambda e, d: "amendment agreed by the Company and each Investor",
    ev.AMENDMENT_FAILED: lambda e, d: (
        f"amendment fails: {', '.join(e.details['holdouts'])} would not sign"),
})


def day_text(closing: date | None) -> Callable[[int], str]:
    """How a day is named inside a sentence: ``day 67 (4 Jun 2003)``, or ``day 67`` when
    the log has no closing date."""
    if closing is None:
        return lambda day: f"day {day}"
    return lambda day: f"day {day} ({dates.short_label(day, closing)})"


def describe(e: ev.Event, closing: date | None = None) -> str:
    """One line of plain English for an event; days named with their dates when the
    closing date (day 0) is known."""
    fn = DESCRIBE.get(e.kind)
    return fn(e, day_text(closing)) if fn else f"{e.kind.lower()} {e.details}"


def closing_of(log: Iterable[ev.Event]) -> date | None:
    """The closing date (day 0) recorded in the log's ``DEAL_CLOSED``, if any."""
    for e in log:
        if e.kind == ev.DEAL_CLOSED:
            return dates.parse_iso(e.details.get("closing_date"))
    return None


class OpenDeadlines:
    """Open deadlines derived from the log as it unfolds (label -> (day, clause)).

    Feed it the log's events in order (:meth:`update`); :meth:`due` gives the deadlines
    still open on a day. The timeline prints them; a stepped deal's data collector
    counts them (:mod:`sim.deal.model`).
    """

    def __init__(self, terms: Terms, closing: date | None) -> None:
        self.terms, self.closing = terms, closing
        self.open: dict[str, tuple[int, str]] = {}
        self.receipts: dict[int, list[int]] = {}
        self.received: dict[int, int] = {}
        self.delay_basis: str | None = None
        self.rule144_day: int | None = None       # PIPE RRA: logged in DEAL_CLOSED
        self.required: dict[int, dict] = {}       # PIPE RRA: mandatory registrations

    def update(self, e: ev.Event) -> None:
        t, d, o = self.terms, e.details, self.open
        c = d.get("cycle", 0)
        if e.kind == ev.DEAL_CLOSED:
            self.rule144_day = d.get("rule144_day")
        elif e.kind == ev.REGISTRATION_REQUIRED:
            self.required[c] = d
            o[f"filing deadline (demand {c + 1})"] = (d["filing_deadline"], "PIPE RRA")
        elif e.kind == ev.DEMAND_RECEIVED:
            self.received[c] = e.day
            o[f"Company Notice due (demand {c + 1})"] = (e.day + t.promptly_days, "§1(a)")
            o[f"filing deadline (demand {c + 1})"] = (e.day + t.filing_deadline_days, "§1(a)")
        elif e.kind == ev.COMPANY_NOTICE_GIVEN:
            o.pop(f"Company Notice due (demand {c + 1})", None)
            o[f"joinder window closes (demand {c + 1})"] = (
                demand_rules.joinder_last_day(e.day, e.day, t), "§1(a)")
        elif e.kind == ev.COMPANY_NOTICE_RECEIVED and f"joinder window closes (demand {c + 1})" in o:
            # §8(a): a notice given only on arrival opens this Investor's window later.
            key = f"joinder window closes (demand {c + 1})"
            last = demand_rules.joinder_last_day(d["given_day"], e.day, t)
            if last > o[key][0]:
                o[key] = (last, "§1(a)")
        elif e.kind == ev.FILING_WINDOW_SET:
            o[f"filing floor (demand {c + 1})"] = (d["floor"], "§1(a)")
        elif e.kind == ev.JOINDER_WINDOW_CLOSED:
            o.pop(f"joinder window closes (demand {c + 1})", None)
        elif e.kind == ev.DELAY_INVOKED:
            self.delay_basis = d["offering"]
            o[f"delay ends at the latest ({t.delay_max_days} days after "
              f"{d['offering'] or 'the activity'} {'is effective' if d['offering'] else 'began'})"] = (
                None, "§1(d)")
        elif e.kind == ev.DELAY_ENDED:
            self.open = {k: v for k, v in o.items() if not k.startswith("delay ends")}
        elif e.kind == ev.COOLDOWN_APPLIED:
            o[f"cooldown ends (demand {c + 1})"] = (d["until"], "§1(c)")
        elif e.kind == ev.STATEMENT_FILED:
            for k in (f"filing floor (demand {c + 1})", f"filing deadline (demand {c + 1})", f"cooldown ends (demand {c + 1})"):
                o.pop(k, None)
            if c in self.required:            # a mandatory registration (PIPE RRA)
                o[f"effective deadline, {self.required[c]['effective_deadline_reviewed']} "
                  f"if reviewed (demand {c + 1})"] = (
                    self.required[c]["effective_deadline"], "PIPE RRA")
            else:
                o[f"effectiveness target (demand {c + 1})"] = (
                    demand_rules.effectiveness_target_day(e.day, t), "§1(a)")
        elif e.kind in (ev.STATEMENT_EFFECTIVE, ev.STATEMENT_WITHDRAWN):
            for k in [k for k in o if k.endswith(f"(demand {c + 1})")]:
                o.pop(k)
            if e.kind == ev.STATEMENT_EFFECTIVE and self.closing is not None:
                o[f"keep effective until (demand {c + 1})"] = (
                    procedures.effectiveness_end_day(e.day, None, t, self.closing,
                                                     self.rule144_day), "§2(e)")
        elif e.kind == ev.EFFECTIVENESS_ENDED:
            o.pop(f"keep effective until (demand {c + 1})", None)
        elif e.kind == ev.OFFERING_EFFECTIVE:
            o[f"cooldown after {d['offering']} ends"] = (d["starts_cooldown_until"], "§1(c)")
            for k, (day, clause) in list(o.items()):
                if k.startswith("delay ends") and d["offering"] in k:
                    o[k] = (delay_rules.delay_cap_day(e.day, t), clause)

    def due(self, today: int) -> list[tuple[str, int | None, str]]:
        """The deadlines open on ``today`` (passed ones are dropped), soonest first:
        (label, day or None for one not yet fixed, clause)."""
        live = {k: v for k, v in self.open.items() if v[0] is None or v[0] >= today}
        self.open = live
        ordered = sorted(live.items(), key=lambda kv: (kv[1][0] is None, kv[1][0] or 0, kv[0]))
        return [(label, day, clause) for label, (day, clause) in ordered]

    def lines(self, today: int) -> list[str]:
        """:meth:`due` as the timeline prints it: day number, date, label, clause."""
        width = 17 if self.closing is not None else 0
        return [f"{'day ' + format(day, '>4') if day is not None else '    open':>8}  "
                + (format(dates.label(day, self.closing) if day is not None else "",
                          f"<{width}") if width else "")
                + f"{label} [{clause}]" for label, day, clause in self.due(today)]


def header(log: Iterable[ev.Event], terms_name: str, scenario_name: str) -> str:
    """The timeline's first line: terms, scenario, seed and deal, and the closing date."""
    closed = next((e for e in log if e.kind == ev.DEAL_CLOSED), None)
    parts = [f"regsim timeline -- terms: {terms_name}", f"scenario: {scenario_name}"]
    if closed is not None:
        parts.append(f"seed {closed.details['seed']}, deal {closed.details['deal']}")
        closing = dates.parse_iso(closed.details.get("closing_date"))
        if closing is not None:
            parts.append(f"day 0 = the closing, {dates.label(0, closing)}")
    return "; ".join(parts)


def render(log: Iterable[ev.Event], terms: Terms, findings: list[Finding], *,
           terms_name: str | None = None, scenario_name: str | None = None) -> str:
    """The timeline text: a header, days with their events and open deadlines, then the
    audit. Each day is shown with its date (day 0 = the closing date in the log).

    Args:
        log: The deal's events.
        terms: The terms it ran under (deadlines are recomputed from them).
        findings: The audit of the log.
        terms_name: How the header names the terms (no header when both names are None).
        scenario_name: How the header names the scenario.
    """
    log = list(log)
    closing = closing_of(log)
    say = day_text(closing)
    out: list[str] = []
    if terms_name is not None or scenario_name is not None:
        out += [header(log, terms_name or "?", scenario_name or "?"), ""]
    dl = OpenDeadlines(terms, closing)
    day_events: list[ev.Event] = []
    shown: list[list[str]] = [[]]

    def flush() -> None:
        if not day_events:
            return
        day = day_events[0].day
        out.append(f"Day {day} · {dates.label(day, closing)}" if closing else f"Day {day}")
        for e in day_events:
            dl.update(e)
            fn = DESCRIBE.get(e.kind)
            text = fn(e, say) if fn else f"{e.kind.lower()} {e.details}"
            out.append(f"  {e.clause:<9} {e.actor:<11} {text}")
        pending = dl.lines(day)
        if pending != shown[0] and day_events[-1].kind != ev.DEAL_ENDED:
            out.append("  open deadlines:" if pending else "  open deadlines: none")
            out.extend(f"    {line}" for line in pending)
            shown[0] = pending
        day_events.clear()

    for e in log:
        if day_events and e.day != day_events[0].day:
            flush()
        day_events.append(e)
    flush()
    out.append("")
    out.append("Audit findings" + ("" if findings else ": none"))
    for f in findings:
        when = f"  {dates.label(f.day, closing):<17}" if closing else "  "
        out.append(f"  day {f.day:>4}{when}{f.severity:<14} {f.clause:<6} {f.message}")
    return "\n".join(out) + "\n"


__all__ = ["render", "describe", "header", "closing_of"]
