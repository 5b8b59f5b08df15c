"""Bite rules of the contract lint: when a finding's situation occurs in one deal.

Each finding of :mod:`experiments.lint.core` has one rule here, registered under the finding's id,
that reads a deal's event log (grouped by kind, :func:`by_kind`) and the terms, and says
whether the finding *bit* in that deal: the situation its condition describes occurred
(an empty filing window, a request to be included that the reading decided, a cooldown
the readings disagree on, ...). Each rule states what it counts (``Bite.what``). The
rules read the log alone, as the outcomes and the audit do; a gap's rule is exact for
the gap's default reading (gaps are reported only at their default).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from sim.engine import events as ev
from experiments.lint.core import numeric_readings
from sim.law.rules import delay as delay_rules
from sim.law.rules import demand as demand_rules
from sim.law.rules import limits, notices
from sim.law.terms import Terms

Log = dict[str, list[ev.Event]]
BiteFn = Callable[[Log, Terms], bool]


@dataclass(frozen=True)
class Bite:
    """What counts as a finding biting in one deal, and the rule that reads it."""

    what: str
    fn: BiteFn


BITES: dict[str, Bite] = {}


def bite(finding_id: str, what: str) -> Callable[[BiteFn], BiteFn]:
    """Register the bite rule of ``finding_id``."""

    def mark(fn: BiteFn) -> BiteFn:
        BITES[finding_id] = Bite(what, fn)
        return fn

    return mark


def by_kind(log: Iterable[ev.Event]) -> Log:
    """A deal's events grouped by kind (log order kept within a kind)."""
    out: Log = defaultdict(list)
    for e in log:
        out[e.kind].append(e)
    return out


def _per_cycle(events: list[ev.Event], key: str = "deadline") -> dict[int, Any]:
    return {e.details["cycle"]: e.details[key] for e in events}


@bite("empty-filing-window", "the §1(a) filing window was empty (floor after deadline)")
def _empty_window(log: Log, terms: Terms) -> bool:
    return bool(log[ev.WINDOW_EMPTY])


@bite("company-notice-receipt", "the other Investors received the Company Notice on "
      "different days and the reading mattered: the Company filed on the floor, or the "
      "window was empty under one reading only")
def _receipts_differ(log: Log, terms: Terms) -> bool:
    days: dict[int, list[int]] = defaultdict(list)
    for e in log[ev.COMPANY_NOTICE_RECEIVED]:
        days[e.details["cycle"]].append(e.day)
    filed = {e.details["cycle"]: e.day for e in log[ev.STATEMENT_FILED]}
    floor_days = terms.filing_floor_days
    for e in log[ev.FILING_WINDOW_SET]:
        got, c, deadline = days[e.details["cycle"]], e.details["cycle"], e.details["deadline"]
        if len(set(got)) < 2:
            continue
        first, last = min(got) + floor_days, max(got) + floor_days
        if (first > deadline) != (last > deadline) or filed.get(c) == e.details["floor"]:
            return True
    return False


def _late_joinders(log: Log) -> list[ev.Event]:
    """Requests to be included rejected for lateness alone (not for a withdrawal, §1(c))."""
    withdrawn = {e.details["cycle"]: e.day for e in log[ev.STATEMENT_WITHDRAWN]}
    return [e for e in log[ev.JOINDER_REJECTED] if e.details["days_late"] > 0
            and withdrawn.get(e.details["cycle"], e.day + 1) > e.day]


@bite("unconditional-company-notice", "a request to be included arrived between the Company "
      "Notice's giving and its receipt + the joinder window (the reading decided it)")
def _unconditional(log: Log, terms: Terms) -> bool:
    window = terms.joinder_window_days
    got = {(e.details["cycle"], e.actor): e.day for e in log[ev.COMPANY_NOTICE_RECEIVED]}
    gave = {(e.details["cycle"], e.actor): e.details["given_day"]
            for e in log[ev.COMPANY_NOTICE_RECEIVED]}
    # As given "company_notice": rejected, but in time counted from this Investor's receipt;
    # as given "company_notice_receipt": accepted, but late counted from the giving (§8(a)).
    for e in _late_joinders(log):
        c = e.details["cycle"]
        if (c, e.actor) in got and e.day <= got[c, e.actor] + window:
            return True
    return any(e.day > gave[e.details["cycle"], e.actor] + window
               for e in log[ev.JOINDER_RECEIVED] if (e.details["cycle"], e.actor) in gave)


@bite("joinder-window-latency", "a request to be included sent within the joinder window "
      "arrived after it (rejected)")
def _joinder_mail(log: Log, terms: Terms) -> bool:
    return any(e.details["sent_day"] <= e.details["last_day"] for e in _late_joinders(log))


@bite("joinder-window-after-filing-deadline", "the joinder window closed after the filing "
      "deadline")
def _joinder_after_deadline(log: Log, terms: Terms) -> bool:
    deadline = _per_cycle(log[ev.FILING_WINDOW_SET])
    return any(e.day > deadline.get(e.details["cycle"], e.day)
               for e in log[ev.JOINDER_WINDOW_CLOSED])


@bite("promptly-undefined", "the Company Notice came later than the shortest and no later "
      "than the longest reading of 'promptly' (value in force, half, twice)")
def _promptly(log: Log, terms: Terms) -> bool:
    readings = (terms.promptly_days, *numeric_readings(terms.promptly_days))
    low, high = min(readings), max(readings)
    return any(low < e.details["days_after_demand"] <= high
               for e in log[ev.COMPANY_NOTICE_GIVEN])


@bite("majority-of-the-units", "a Demand Notice's Initiating Investors held a majority under "
      "one reading of 'the Units' and not under the other")
def _majority(log: Log, terms: Terms) -> bool:
    other = dataclasses.replace(terms, majority_base="units_offered" if terms.majority_base
                                == "units_held" else "units_held")
    return any(demand_rules.is_initiating_majority(e.details["units"], e.details["total_units"],
                                                   terms)
               != demand_rules.is_initiating_majority(e.details["units"],
                                                      e.details["total_units"], other)
               for e in log[ev.DEMAND_RECEIVED])


@bite("info-answers-after-filing-deadline", "a §6 answer within the reasonable time arrived "
      "after the filing deadline")
def _info_after_deadline(log: Log, terms: Terms) -> bool:
    deadline = _per_cycle(log[ev.FILING_WINDOW_SET])
    return any(not e.details["late"] and e.day > deadline.get(e.details["cycle"], e.day)
               for e in log[ev.INFO_RECEIVED])


@bite("effectiveness-target-vs-review", "the 120-day target was missed without the Company's "
      "late responses causing it (no breach)")
def _target(log: Log, terms: Terms) -> bool:
    return any(not e.details["breach"] for e in log[ev.TARGET_MISSED])


@bite("demand-cutback-missing", "a demand registration was underwritten (the switch decides "
      "any cutback)")
def _demand_underwritten(log: Log, terms: Terms) -> bool:
    return any(e.details["underwritten"] for e in log[ev.STATEMENT_FILED])


def _statements(log: Log) -> list[tuple[int, bool, bool]]:
    """(effective day, registers Registrable Shares, form permits resale) of every
    statement in the log, by the rule the Company and the audit use for §1(c)."""
    out = [(day, resale, form) for e in log[ev.DEAL_CLOSED]
           for _id, day, resale, form in e.details["prior_statements"]]
    out += [(e.day, limits.registers_registrable(e.details["investor_shares"]),
             e.details["form_permits_resale"]) for e in log[ev.OFFERING_EFFECTIVE]]
    out += [(e.day, limits.registers_registrable(e.details["shares"]), True)
            for e in log[ev.STATEMENT_EFFECTIVE]]
    return out


def _ready_days(log: Log, terms: Terms) -> list[int]:
    """Per cycle, the day the Company would have acted but for a cooldown: its first
    cooldown hold, else the day it filed (``cooldown_effect = file``) or became effective
    (``effective``)."""
    acted = log[ev.STATEMENT_FILED if terms.cooldown_effect == "file" else ev.STATEMENT_EFFECTIVE]
    ready: dict[int, int] = {}
    for e in acted:
        ready.setdefault(e.details["cycle"], e.day)
    for e in reversed(log[ev.COOLDOWN_APPLIED]):          # first cooldown of a cycle wins
        ready[e.details["cycle"]] = e.day
    return list(ready.values())


@bite("cooldown-scope", "the readings of 'any other Registration Statement' gave a "
      "different cooldown on the day the Company would act")
def _cooldown_scope(log: Log, terms: Terms) -> bool:
    statements = _statements(log)
    readings = [dataclasses.replace(terms, cooldown_scope=v)
                for v in ("any_statement", "defined_term", "resale_form")]
    for day in _ready_days(log, terms):
        ends = {limits.cooldown_end(day, [d for d, registrable, form in statements
                                          if limits.counts_for_cooldown(registrable, form, t)], t)
                for t in readings}
        if len(ends) > 1:
            return True
    return False


@bite("cooldown-effect", "a cooldown held a demand registration (the reading decided "
      "whether the filing or effectiveness waited)")
def _cooldown_effect(log: Log, terms: Terms) -> bool:
    return bool(log[ev.COOLDOWN_APPLIED])


@bite("delay-cap-vs-cooldown", "a cooldown held the filing past the §1(d) cap of a delay")
def _cap_overtaken(log: Log, terms: Terms) -> bool:
    cap = {e.details["cycle"]: e.details["cap_day"] for e in log[ev.DELAY_ENDED]
           if e.details["offering_effective"]}
    # The delayed request resumes the day after the cap day at the latest (§1(d)).
    return any(e.details["until"] > cap[e.details["cycle"]] + 1 for e in log[ev.COOLDOWN_APPLIED]
               if e.details["cycle"] in cap)


@bite("such-other-material-activity", "material activity was under way at a Demand Notice's "
      "receipt and no offering supported a delay (the reading decides the delay right)")
def _activity(log: Log, terms: Terms) -> bool:
    allow = dataclasses.replace(terms, delay_other_activity="allow")
    starts = [e.day for e in log[ev.OTHER_ACTIVITY_COMMENCED]]
    by_offering = {e.details["cycle"] for e in log[ev.DELAY_INVOKED]
                   if e.details["basis"] == "offering"}
    return any(delay_rules.activity_supports_delay(e.day, a, allow) for e in log[ev.DEMAND_RECEIVED]
               if e.details["cycle"] not in by_offering for a in starts)


@bite("piggyback-window-latency", "a Piggy-back Request sent within the window arrived after "
      "it (rejected)")
def _piggyback_mail(log: Log, terms: Terms) -> bool:
    return any(e.details["sent_day"] <= e.details["last_day"] and not e.details["resolved"]
               for e in log[ev.PIGGYBACK_REJECTED])


def _seller_claims(log: Log) -> list[tuple[str, float, dict[str, float]]]:
    """(source, loss, borne by party before any §5(c) late-notice relief) of each claim
    resting on an Investor's information."""
    sources = [(e.details["source"], e.details["loss_usd"]) for e in log[ev.CLAIM_ASSERTED]]
    relieved = {e.details["registration"]: e.details["relieved"]
                for e in log[ev.INDEMNITY_RELIEVED]}
    allocated = []
    for e in log[ev.LOSS_ALLOCATED]:
        borne = dict(e.details["borne"])
        for party, usd in relieved.get(e.details["registration"], ()):
            borne[party] = borne.get(party, 0.0) + usd   # only the source's share is read
        allocated.append(borne)
    return [(src, loss, borne) for (src, loss), borne in zip(sources, allocated)
            if src != "company"]


@bite("cap-excess", "a claim on a Selling Investor's information exceeded what the cap let "
      "that Investor bear (it bore part, not all, of the loss)")
def _cap_excess(log: Log, terms: Terms) -> bool:
    return any(0 < borne.get(src, 0.0) < loss - 0.005 for src, loss, borne in _seller_claims(log))


@bite("contribution-basis", "a claim on a Selling Investor's information while cap_excess = "
      "contribution (contribution may share it; an upper bound)")
def _contribution(log: Log, terms: Terms) -> bool:
    return terms.cap_excess == "contribution" and bool(_seller_claims(log))


@bite("notices-effective", "a request to be included or a Piggy-back Request arrived on a "
      "day that the readings of when the notice was given judge differently")
def _notice_readings(log: Log, terms: Terms) -> bool:
    readings = [dataclasses.replace(terms, notices_effective=v)
                for v in ("by_method", "on_receipt", "on_dispatch")]

    def decided(day: int, sent: int, arrived: int, method: str, window: int) -> bool:
        lasts = {notices.given_day(sent, arrived, t, method) + window for t in readings}
        return min(lasts) < day <= max(lasts)

    sent = {e.details["cycle"]: (e.day, e.details["method"]) for e in log[ev.COMPANY_NOTICE_GIVEN]}
    got = {(e.details["cycle"], e.actor): e.day for e in log[ev.COMPANY_NOTICE_RECEIVED]}
    for e in log[ev.JOINDER_RECEIVED] + _late_joinders(log):
        c = e.details["cycle"]
        if c in sent and (c, e.actor) in got and decided(
                e.day, sent[c][0], got[c, e.actor], sent[c][1], terms.joinder_window_days):
            return True
    rn = {e.details["offering"]: (e.day, e.details["method"])
          for e in log[ev.REGISTRATION_NOTICE_GIVEN]}
    rgot = {(e.details["offering"], e.actor): e.day for e in log[ev.REGISTRATION_NOTICE_RECEIVED]}
    for e in log[ev.PIGGYBACK_REQUESTED] + log[ev.PIGGYBACK_REJECTED]:
        o = e.details["offering"]
        if (o in rn and (o, e.actor) in rgot and not e.details["resolved"] and decided(
                e.day, rn[o][0], rgot[o, e.actor], rn[o][1], terms.piggyback_window_days)):
            return True
    return False


@bite("closing-filing-deadline", "the mandatory resale statement was filed after the "
      "closing's filing deadline (PIPE RRA)")
def _closing_filing(log: Log, terms: Terms) -> bool:
    deadline = _per_cycle(log[ev.REGISTRATION_REQUIRED], "filing_deadline")
    return any(e.day > deadline[e.details["cycle"]] for e in log[ev.STATEMENT_FILED]
               if e.details["cycle"] in deadline)
