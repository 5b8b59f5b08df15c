"""The Company's decision model: effort against the cost of breach (docs/decisions.md).

Each controllable duration (the Company Notice's delay, the drafting until the filing,
each answer to a Commission comment letter) starts from its natural length x0 (the
scenario's draw, same slot) and the Company picks the whole number of days x that
minimises

    effort x max(0, x0 - x)  -  overhang x (x - x0)  +  sum_k breach_k x max(0, x - a_k)

over x0 - floor(max_speedup x x0) <= x <= x0 (up to the filing deadline's allowance a
when the overhang is positive: it holds a ready filing until the deadline). a_k is the
days the clause allows (``promptly_days``; the filing deadline; ``late_response_days``,
the PIPE RRA effectiveness deadline) and breach_k what a day past it costs
(:func:`agents.strategy.money.breach_per_day`). The cost has increasing differences in
(x, -breach_k) and in (x, a_k) and the feasible set rises with a, so the largest
minimiser (the tie-break) never rises with a costlier breach and never falls with a
longer allowance (Topkis): deal by deal, not just on average.

With the costs of a choice at zero, or the choice fixed by a what-if script, it is the
scenario's draw and nothing is logged; otherwise CHOICE_MADE records it.
"""

from __future__ import annotations

import math

from agents.strategy.money import breach_per_day, damages_per_day
from sim.engine import events as ev
from sim.law.rules import resale

_EPS = 1e-9


def choose_days(natural: int, lo: int, hi: int, overhang: float, effort: float,
                breaches: tuple[tuple[int, float], ...]) -> tuple[int, float]:
    """The largest whole number of days in ``[lo, hi]`` minimising effort per day saved
    below ``natural``, minus ``overhang`` per day past it, plus each ``(allowed,
    per_day)`` of ``breaches`` per day past ``allowed``. Returns (days, cost). The cost is
    piecewise linear, so the largest minimiser is a kink or an end: only those are
    compared."""
    def cost(x: int) -> float:
        c = effort * max(0, natural - x) - overhang * (x - natural)
        for allowed, per_day in breaches:
            if x > allowed:
                c += per_day * (x - allowed)
        return c

    candidates = {lo, hi}
    if lo <= natural <= hi:
        candidates.add(natural)
    for allowed, _ in breaches:
        if lo <= allowed <= hi:
            candidates.add(allowed)
    best, best_cost = hi, cost(hi)
    for x in sorted(candidates, reverse=True):
        c = cost(x)
        if c < best_cost - _EPS * max(1.0, abs(best_cost)):
            best, best_cost = x, c
    return best, best_cost


def _rounded(v):
    """Money to the cent in the log (a tuple of amounts element by element)."""
    if isinstance(v, float):
        return round(v, 2)
    if isinstance(v, tuple):
        return tuple(_rounded(x) for x in v)
    return v


def shortest(natural: int, max_speedup: float) -> int:
    """The fewest days effort can bring a natural ``natural`` days down to."""
    return natural - math.floor(max_speedup * natural + _EPS)


class CompanyChoices:
    """Mixin over :class:`agents.policies.ScenarioPolicy`: the Company's choices."""

    # --- helpers ---------------------------------------------------------------------
    def _choice(self, clause: str, choice: str, cycle: int, natural: int, chosen: int,
                **costs) -> None:
        m = self.model
        m.log.record(m.calendar.now, ev.CHOICE_MADE, "company", clause, dict(
            choice=choice, cycle=cycle, natural=natural, chosen=chosen,
            **{k: _rounded(v) for k, v in costs.items()}))

    def _duration(self, clause: str, choice: str, cycle: int, natural: int, elapsed: int,
                  breaches: tuple[tuple[int, float], ...], hold_to: int | None = None) -> int:
        """``natural`` days, or fewer/more where the costs say so (module docstring).
        ``elapsed``: days already gone (never chosen fewer); ``hold_to``: the allowance
        a positive overhang may hold a ready filing to."""
        c = self.scenario.strategy.company
        overhang = c.overhang_usd_per_day if hold_to is not None else 0.0
        if not overhang and not any(b for _, b in breaches):
            return natural
        lo = max(shortest(natural, c.max_speedup), min(elapsed, natural))
        hi = max(natural, hold_to) if overhang and hold_to is not None else natural
        if lo == hi:                 # nothing to choose (no speed-up, nothing to hold)
            return natural
        chosen, cost = choose_days(natural, lo, hi, overhang, c.effort_usd_per_day, breaches)
        if chosen == natural:        # the natural pace stands: nothing to explain
            return chosen
        self._choice(clause, choice, cycle, natural, chosen,
                     allowed_days=tuple(a for a, _ in breaches),
                     breach_usd_per_day=tuple(b for _, b in breaches),
                     effort_usd_per_day=c.effort_usd_per_day, overhang_usd_per_day=overhang,
                     cost_usd=cost)
        return chosen

    # --- §1(a): the Company Notice ---------------------------------------------------
    def notice_delay(self, s, cycle: int) -> int:
        """§1(a) "promptly" (``promptly_days``): the notice's natural delay, shortened when
        a day late costs more than a day of effort (no damages run on it: the cost of
        being in breach)."""
        natural = super().notice_delay(s, cycle)
        if (not self.scenario.strategy.company.max_speedup
                or self.script.company.notice_delay_days is not None):
            return natural
        b = breach_per_day(self.model, None)
        if not b:
            return natural
        return self._duration("§1(a)", "notice", cycle, natural, 0,
                              ((self.terms.promptly_days, b),))

    # --- §1(a), PIPE RRA: drafting until the filing ----------------------------------
    def prep_days(self, s, cycle: int) -> int:
        """Days from receipt (or the closing) until the statement is drafted. Decided
        once the filing deadline is known: at FILING_WINDOW_SET for a demand, at the
        closing for the mandatory registration (agents/company.py asks then)."""
        natural = super().prep_days(s, cycle)
        c = self.scenario.strategy.company
        if (not (c.max_speedup or c.overhang_usd_per_day) or self.model is None
                or self.script.company.prep_days is not None):
            return natural
        reg = self.registration(cycle)
        if reg is None or reg.deadline < 0:
            return natural
        m = self.model
        allowed = reg.deadline - reg.received_day
        b = breach_per_day(m, "filing")
        clause = "PIPE RRA" if reg.mandatory else "§1(a)"
        return self._duration(clause, "prep", cycle, natural,
                              m.calendar.now - reg.received_day, ((allowed, b),) if b else (),
                              hold_to=allowed)

    # --- §1(a), PIPE RRA: answers to comment letters ----------------------------------
    def response_days(self, raw_days: int, round_no: int, *, reg=None) -> int:
        """§1(a) best efforts: an answer of more than ``late_response_days`` is the
        Company's own delay (the cost of being in breach, or the effectiveness
        failure's damages where the terms put them); for the mandatory registration
        (PIPE RRA) each day past the effectiveness deadline also runs damages."""
        natural = super().response_days(raw_days, round_no)
        fixed = self.script.review.response_days
        if (not self.scenario.strategy.company.max_speedup or reg is None
                or (fixed is not None and round_no - 1 < len(fixed))):
            return natural
        m = self.model
        breaches = []
        b = breach_per_day(m, "effectiveness" if not reg.mandatory else None)
        if b:
            breaches.append((self.terms.late_response_days, b))
        if reg.mandatory:
            d = damages_per_day(m, "effectiveness")
            if d:
                deadline = resale.closing_effective_deadline_day(reg.received_day, True,
                                                                 self.terms)
                breaches.append((deadline - m.calendar.now, d))
        if not breaches:
            return natural
        return self._duration("PIPE RRA" if reg.mandatory else "§1(a)", "response",
                              reg.cycle, natural, 0, tuple(breaches))

    # --- §1(d) delay, NVCA IRA deferral ---------------------------------------------
    def invoke_delay(self, s, cycle: int, *, basis=None) -> bool:
        """§1(d) (and the NVCA IRA Board deferral): delay when the value of the
        Company's offering undisturbed (``offering_competition_fraction`` x its
        proceeds) plus the overhang over the days held outweighs the breach and damages
        the delay triggers: none, as the delay excuses the filing deadline
        (``delay.excused_deadline``), so any positive value decides."""
        c = self.scenario.strategy.company
        if (self.script.company.invoke_delay is not None
                or not (c.offering_competition_fraction or c.overhang_usd_per_day)):
            return super().invoke_delay(s, cycle)
        m = self.model
        hold = self.delay_hold(s, cycle)
        proceeds = 0.0
        if basis is not None and basis != "activity":
            proceeds = basis.company_shares * m.share_price(m.calendar.now)
        value = c.offering_competition_fraction * proceeds + c.overhang_usd_per_day * hold
        breach = 0.0
        use = value > breach
        self._choice("§1(d)" if self.terms.delay_basis == "offering" else "NVCA IRA",
                     "delay", cycle, None, use, value_usd=value, breach_usd=breach,
                     hold_days=hold)
        return use

    # --- §1(c) cooldown right, NVCA IRA blackout --------------------------------------
    def invokes_cooldown(self, s, cycle: int, late: bool = False) -> bool:
        """§1(c): the Company uses its cooldown right when it has a reason: a positive
        overhang (a later resale supply is worth money to it), or a filing late anyway
        (the right excuses it); else the draw."""
        c = self.scenario.strategy.company
        if self.script.company.invoke_cooldown is not None or late or not c.overhang_usd_per_day:
            return super().invokes_cooldown(s, cycle, late)
        self._choice("§1(c)", "cooldown", cycle, None, True,
                     overhang_usd_per_day=c.overhang_usd_per_day)
        return True

    # --- §1(c), §1(d): its own offering beside a pending registration ---------------
    def holds_back(self, s, plan, reg) -> bool:
        """Hold an own offering back while the Investors' registration is pending when
        what the competition takes (``offering_competition_fraction`` x its value) is
        more than waiting costs (``company.cost_of_capital`` x value x the days the
        registration is expected to stay pending / 365: to its effectiveness deadline,
        the §1(a) target or the PIPE RRA deadline with review)."""
        c = self.scenario.strategy.company
        if not c.offering_competition_fraction:
            return super().holds_back(s, plan, reg)
        m = self.model
        today = m.calendar.now
        value = plan.company_shares * m.share_price(today)
        filed = reg.filed_day if reg.filed_day >= 0 else max(today, reg.deadline)
        expected = resale.effectiveness_deadline_day(
            filed, True, self.terms, reg.received_day if reg.mandatory else None)
        days = max(1, expected - today)
        loss = c.offering_competition_fraction * value
        wait = self.scenario.company.cost_of_capital * value * days / 365
        hold = loss > wait
        self._choice("§1(d)", "hold_back", reg.cycle, None, hold, loss_usd=loss,
                     wait_usd=wait, expected_pending_days=days, offering=plan.id)
        return hold
