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

from typing import Generator

from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.engine.registration import DemandRegistration
from sim.engine.streams import Layout, Purpose
from sim.world.distributions import whole_days
from sim.world.script import MAX_DEMAND_CYCLES
from sim.law.rules import demand as demand_rules
from agents.deal import Deal

# The ``review`` stream, per demand cycle (a sparse stream: cycle c from slot 16c, and
# what does not fit a cycle's block goes to that cycle's own overflow index): whether it
# is reviewed, the days of each step, the number of letters; the turnaround after letter
# k and the Company's response to it for the first 5 and 6 rounds, later rounds spilling
# past the block.
REVIEW = Layout("review", 16, 16, sparse=True, blocks=MAX_DEMAND_CYCLES, purposes=dict(
    reviewed=Purpose(0),
    no_review=Purpose(1, dist=lambda sc, _: sc.review.no_review_days),
    first_comment=Purpose(2, dist=lambda sc, _: sc.review.first_comment_days),
    letters=Purpose(3, dist=lambda sc, _: sc.review.comment_letters),
    clearance=Purpose(4, dist=lambda sc, _: sc.review.clearance_days),
    turnaround=Purpose(5, count=5, spill=117,
                       dist=lambda sc, _: sc.review.turnaround_days),
    response=Purpose(10, count=6, spill=17, dist=lambda sc, _: sc.review.response_days)))


def review(model: Deal, reg: DemandRegistration) -> Generator:
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

    def pick(value, dist, purpose):
        return value if value is not None else s.days(dist, REVIEW.slot(purpose, reg.cycle))

    reviewed = fixed.reviewed if fixed.reviewed is not None else s.chance(
        r.review_prob, REVIEW.slot("reviewed", reg.cycle))
    reg.reviewed = reviewed
    company_delay = 0
    if not reviewed:
        yield cal.until(cal.now + pick(fixed.no_review_days, r.no_review_days,
                                       "no_review"), Order.COMMISSION)
        if reg.withdrawn:
            return None
        log.record(cal.now, ev.REVIEW_DECIDED, "commission", "§2(a)", dict(
            cycle=reg.cycle, reviewed=False))
    else:
        yield cal.until(cal.now + pick(fixed.first_comment_days, r.first_comment_days,
                                       "first_comment"), Order.COMMISSION)
        if reg.withdrawn:
            return None
        letters = fixed.comment_letters if fixed.comment_letters is not None else max(
            1, int(s.sample(r.comment_letters, REVIEW.slot("letters", reg.cycle))))
        log.record(cal.now, ev.REVIEW_DECIDED, "commission", "§2(a)", dict(
            cycle=reg.cycle, reviewed=True))
        slow = r.troubled_response_factor if letters >= r.troubled_letters else 1.0
        for k in range(1, letters + 1):
            log.record(cal.now, ev.COMMENTS_RECEIVED, "commission", "§2(a)", dict(
                cycle=reg.cycle, round=k))
            raw = s.days(r.response_days, REVIEW.slot("response", reg.cycle, k - 1))
            days = model.policy.response_days(raw if slow == 1.0 else whole_days(raw * slow), k,
                                              reg=reg)
            yield cal.until(cal.now + days, Order.ACTION)
            if reg.withdrawn:
                return None
            excess = demand_rules.response_excess_days(days, model.terms)
            company_delay += excess
            log.record(cal.now, ev.RESPONSE_FILED, "company", "§1(a)", dict(
                cycle=reg.cycle, round=k, days=days, late=excess > 0, excess_days=excess))
            if k < letters:
                tfixed = fixed.turnaround_days
                slot = REVIEW.slot("turnaround", reg.cycle, k - 1)
                turn = (tfixed[k - 1] if tfixed is not None and k - 1 < len(tfixed)
                        else s.days(r.turnaround_days, slot))
                yield cal.until(cal.now + turn, Order.COMMISSION)
                if reg.withdrawn:
                    return None
    yield cal.until(cal.now + pick(fixed.clearance_days, r.clearance_days,
                                   "clearance"), Order.COMMISSION)
    if reg.withdrawn:
        return None
    log.record(cal.now, ev.REVIEW_CLEARED, "commission", "§2(a)", dict(cycle=reg.cycle))
    return company_delay
