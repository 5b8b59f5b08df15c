"""The Company's own registrations, as scenario events (the seam for §3 piggy-back).

Offerings matter to the demand path twice: an offering Investors may include shares in
(§3(a)) that is under way or planned at the demand supports the §1(d) delay, and any
statement's effective date starts a §1(c) cooldown. The piggy-back Registration Notice,
elections and the §3(c) cutback plug in at :func:`offering_process`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generator

from sim import events as ev
from sim.calendar import Order
from sim.effectiveness import poisson_count
from sim.rules.piggyback import investors_may_include

if TYPE_CHECKING:
    from sim.model import DealModel

OFFERING_SLOTS = dict(plan=0, lead=1, type=2, underwritten=3, review=4, distribution=5)
PER_OFFERING = 6
TYPES = ("public", "stock_plan", "rule_145", "convertible_debt")


@dataclass(slots=True)
class OfferingPlan:
    """One registration of the Company's own securities."""

    id: str
    type: str
    plan_day: int
    file_day: int
    decision_day: int            # planned effective day (or the withdrawal day if scripted)
    underwritten: bool
    distribution_days: int
    scripted_withdrawal: bool = False
    resolved_day: int | None = None
    effective: bool = False
    resolved: object = None      # SimPy event, succeeded when effective or withdrawn
    extra: dict = field(default_factory=dict)

    @property
    def investors_may_include(self) -> bool:
        """§3(a): a registration Investors could piggy-back on."""
        return investors_may_include(self.type)


def offering_stream_width(max_count: int) -> int:
    """Slots of the ``offerings`` stream: the count, then six per offering."""
    n = 1 + PER_OFFERING * max_count
    return (n + 3) // 4 * 4


def draw_offerings(model: "DealModel") -> list[OfferingPlan]:
    """The deal's offerings: from the script if it names them, else from the scenario."""
    scripted = model.policy.script.offerings
    if scripted is not None:
        return [OfferingPlan(f"offering-{k + 1}", o.type, o.plan_day, o.file_day,
                             o.effective_day if o.effective_day is not None else o.withdrawn_day,
                             o.underwritten, o.distribution_days,
                             scripted_withdrawal=o.withdrawn_day is not None)
                for k, o in enumerate(scripted)]
    spec, s = model.world.offerings, model.offerings_stream
    horizon = model.world.horizon_days
    count = poisson_count(spec.rate_per_year * horizon / 365, s.u(0), spec.max_count)
    plans = []
    for k in range(count):
        base = 1 + PER_OFFERING * k
        plan_day = int(s.u(base + OFFERING_SLOTS["plan"]) * horizon)
        file_day = plan_day + s.days(spec.plan_lead_days, base + OFFERING_SLOTS["lead"])
        u, cum, kind = s.u(base + OFFERING_SLOTS["type"]), 0.0, TYPES[-1]
        for t in TYPES:
            cum += spec.type_probs.get(t, 0.0)
            if u < cum:
                kind = t
                break
        underwritten = kind == "public" and s.chance(spec.underwritten_prob,
                                                     base + OFFERING_SLOTS["underwritten"])
        # A stock-plan (S-8) statement is effective on filing; others after review.
        review = 0 if kind == "stock_plan" else s.days(spec.review_days,
                                                      base + OFFERING_SLOTS["review"])
        dist = s.days(spec.distribution_days, base + OFFERING_SLOTS["distribution"])
        plans.append(OfferingPlan(f"offering-{k + 1}", kind, plan_day, file_day,
                                  file_day + review, underwritten, dist))
    plans.sort(key=lambda p: (p.plan_day, p.id))
    return plans


def offering_process(model: "DealModel", plan: OfferingPlan) -> Generator:
    """SimPy process of one Company registration: plans fixed, filed, effective or pulled."""
    cal, log = model.calendar, model.log
    yield cal.until(plan.plan_day, Order.ACTION)
    log.record(cal.now, ev.OFFERING_PLANNED, "company", "§1(d)", dict(
        offering=plan.id, type=plan.type, file_day=plan.file_day, underwritten=plan.underwritten,
        investors_may_include=plan.investors_may_include))
    yield cal.until(plan.file_day, Order.ACTION)
    log.record(cal.now, ev.OFFERING_FILED, "company", "§3(a)", dict(
        offering=plan.id, type=plan.type, investors_may_include=plan.investors_may_include))
    yield cal.until(plan.decision_day, Order.COMMISSION)
    go = not plan.scripted_withdrawal and (
        not plan.underwritten or model.underwriter.proceeds(plan, cal.now))
    plan.resolved_day = cal.now
    if go:
        plan.effective = True
        model.company.statements.append((cal.now, False, plan.id))
        log.record(cal.now, ev.OFFERING_EFFECTIVE, "company", "§1(c)", dict(
            offering=plan.id, type=plan.type,
            starts_cooldown_until=cal.now + model.terms.cooldown_days))
    else:
        log.record(cal.now, ev.OFFERING_WITHDRAWN, "company", "§3(b)", dict(
            offering=plan.id, type=plan.type, pulled_by_underwriter=not plan.scripted_withdrawal))
    plan.resolved.succeed()
    if go and plan.underwritten:
        yield cal.until(cal.now + plan.distribution_days, Order.ACTION)
        log.record(cal.now, ev.OFFERING_DISTRIBUTED, "underwriter", "§2(b)", dict(
            offering=plan.id))
