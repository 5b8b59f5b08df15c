"""The Commission's review of a filed statement (scenario process, §2(a)).

Not a party to the agreement, so not a Mesa agent: the review is the world's answer to
a filing, drawn from the ``review`` stream. The Company's responses to comment letters
are its own conduct (§1(a) best efforts) and come from its policy.

A review of ``troubled_letters`` or more comment letters is a troubled one (a small
issuer with going-concern or accounting questions): each of its responses takes
``troubled_response_factor`` times the drawn days, so long reviews are long both in
rounds and in answers (the same draws: no new slot).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generator

from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.world.distributions import whole_days
from sim.law.rules import demand as demand_rules
from sim.engine.streams import slot_of

if TYPE_CHECKING:
    from sim.deal.model import DealModel
    from sim.engine.registration import DemandRegistration

REVIEW_WIDTH = 16
REVIEW_SLOTS = dict(reviewed=0, no_review=1, first_comment=2, letters=3, clearance=4,
                    turnaround=5, response=10)   # turnaround 5..9, response 10..15


def review(model: "DealModel", reg: "DemandRegistration") -> Generator:
    """SimPy sub-process: from filing to the day the statement may become effective.

    Logs the review decision, each comment letter and response, and the clearance.
    Returns (as the generator's value) the Company's own delay in days: response days
    beyond ``late_response_days`` (§1(a)), which decides whether a missed 120-day target
    is the Company's breach. Stops early (returns None) if the statement is withdrawn.
    """
    r = model.world.review
    fixed = model.policy.script.review
    s = model.review_stream
    cal, log = model.calendar, model.log

    def pick(value, dist, slot):
        return value if value is not None else s.days(dist, slot_of(reg.cycle, slot, REVIEW_WIDTH))

    reviewed = fixed.reviewed if fixed.reviewed is not None else s.chance(
        r.review_prob, slot_of(reg.cycle, REVIEW_SLOTS["reviewed"], REVIEW_WIDTH))
    company_delay = 0
    if not reviewed:
        yield cal.until(cal.now + pick(fixed.no_review_days, r.no_review_days,
                                       REVIEW_SLOTS["no_review"]), Order.COMMISSION)
        if reg.withdrawn:
            return None
        log.record(cal.now, ev.REVIEW_DECIDED, "commission", "§2(a)", dict(
            cycle=reg.cycle, reviewed=False))
    else:
        yield cal.until(cal.now + pick(fixed.first_comment_days, r.first_comment_days,
                                       REVIEW_SLOTS["first_comment"]), Order.COMMISSION)
        if reg.withdrawn:
            return None
        letters = fixed.comment_letters if fixed.comment_letters is not None else max(
            1, int(s.sample(r.comment_letters, slot_of(reg.cycle, REVIEW_SLOTS["letters"], REVIEW_WIDTH))))
        log.record(cal.now, ev.REVIEW_DECIDED, "commission", "§2(a)", dict(
            cycle=reg.cycle, reviewed=True))
        slow = r.troubled_response_factor if letters >= r.troubled_letters else 1.0
        for k in range(1, letters + 1):
            log.record(cal.now, ev.COMMENTS_RECEIVED, "commission", "§2(a)", dict(
                cycle=reg.cycle, round=k))
            raw = s.days(r.response_days, slot_of(
                reg.cycle, REVIEW_SLOTS["response"] + k - 1 if k <= 6 else REVIEW_WIDTH + k,
                REVIEW_WIDTH))
            days = model.policy.response_days(raw if slow == 1.0 else whole_days(raw * slow), k)
            yield cal.until(cal.now + days, Order.ACTION)
            if reg.withdrawn:
                return None
            excess = demand_rules.response_excess_days(days, model.terms)
            company_delay += excess
            log.record(cal.now, ev.RESPONSE_FILED, "company", "§1(a)", dict(
                cycle=reg.cycle, round=k, days=days, late=excess > 0, excess_days=excess))
            if k < letters:
                tfixed = fixed.turnaround_days
                slot = slot_of(reg.cycle, REVIEW_SLOTS["turnaround"] + k - 1 if k <= 5
                               else REVIEW_WIDTH + 100 + k, REVIEW_WIDTH)
                turn = (tfixed[k - 1] if tfixed is not None and k - 1 < len(tfixed)
                        else s.days(r.turnaround_days, slot))
                yield cal.until(cal.now + turn, Order.COMMISSION)
                if reg.withdrawn:
                    return None
    yield cal.until(cal.now + pick(fixed.clearance_days, r.clearance_days,
                                   REVIEW_SLOTS["clearance"]), Order.COMMISSION)
    if reg.withdrawn:
        return None
    log.record(cal.now, ev.REVIEW_CLEARED, "commission", "§2(a)", dict(cycle=reg.cycle))
    return company_delay
