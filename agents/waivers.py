"""§8(c) waivers and amendments as negotiations (``docs/decisions.md``).

When a breach would cost the Company (an empty §1(a) window, a filing deadline it will
miss, a §1(c) cooldown hold past its deadline), it may ask the Investors to waive the
term for this registration (binds only those who sign) or to amend it (needs the Company
and *each* Investor). The Company's surplus ``S`` is the breach cost it avoids
(:func:`agents.strategy.money.breach_per_day` x days); each Investor's cost of signing
``L_i`` is the value of the liquidity the waiver postpones (its shares in the
registration, :func:`sim.world.marketability.value_of_registering`, for the days
postponed; negative when the waiver speeds the registration) plus its share of any
damages it gives up. It signs for nothing when ``L_i <= 0``; else it holds out and asks
``L_i + bargaining_power x (S_i - L_i)`` (Nash split of its slice ``S_i`` of the
surplus, pro rata to Units). The Company pays a waiver's holdout when its ask is within
its slice, an amendment's holdouts when the asks together are within ``S``; else it
drops the request and accepts the breach. No draws: the negotiation is deterministic.

Which breach a signed paper excuses, and toward whom, is the law's
(:mod:`sim.law.rules.amendments`); the audit asks the same rules.
"""

from __future__ import annotations

from agents.deal import Deal
from agents.strategy.money import breach_per_day, damages_per_day
from sim.engine import events as ev
from sim.engine.registration import DemandRegistration
from sim.law.rules import amendments
from sim.law.rules import demand as demand_rules
from sim.law.rules import limits
from sim.world.marketability import value_of_registering

CLAUSE = "§8(c)"
#: The terms a request may waive: the §1(a) filing deadline, the §1(a) 30-day floor.
DEADLINE, FLOOR = "filing_deadline", "filing_floor"


def signing_cost(shares: int, price: float, volatility: float, days_postponed: int,
                 damages_given_up: float) -> float:
    """``L_i``: what signing costs an Investor: the value of being able to sell its
    ``shares`` now rather than ``days_postponed`` later (negative: the waiver brings the
    registration forward by that many days, a gain), plus the damages it gives up."""
    years = abs(days_postponed) / 365.0
    liquidity = value_of_registering(shares, price, volatility, years)
    return (liquidity if days_postponed > 0 else -liquidity) + damages_given_up


def asking_price(loss: float, surplus_share: float, power: float) -> float:
    """What an Investor asks for its signature: nothing when signing costs it nothing
    (``loss <= 0``); else its loss plus ``power`` of what its signature leaves the
    Company (``surplus_share - loss``, if positive): the Nash split."""
    if loss <= 0.0:
        return 0.0
    return loss + power * max(0.0, surplus_share - loss)


class Waivers:
    """The Company's §8(c) requests in one deal and the papers signed (per-deal state)."""

    def __init__(self, model: Deal, company) -> None:
        self.model = model
        self.company = company
        self.form = model.world.strategy.waivers.form
        self.power = model.world.strategy.waivers.bargaining_power
        # A strategic choice (agents.policies): the exogenous policies never ask.
        self.active = self.form != "none" and model.policy.negotiates_waivers
        self.reset()

    def reset(self) -> None:
        self.count = 0
        # (cycle, term, through_day, signers whose signature is effective, the Investors
        # asked: those at the request, §7)
        self.papers: list[tuple[int, str, int, frozenset[str], tuple[str, ...]]] = []

    # --- What the papers excuse ------------------------------------------------------
    def _covered(self, reg: DemandRegistration, term: str, day: int):
        """Who waived ``term`` for ``day`` and among whom (the Investors the covering
        request asked: a transferee who became an Investor after it takes its
        transferor's Units as they stood, waiver included, §7), or the Investors now
        when no paper covers it."""
        waived: set[str] = set()
        pool = None
        for cycle, t, through, signers, asked in self.papers:
            if t == term and amendments.waiver_covers(day, through, reg.cycle, cycle):
                waived |= signers
                pool = asked
        if pool is None:
            pool = tuple(i.name for i in self.model.investors)
        return waived, pool

    def toward(self, reg: DemandRegistration, term: str, day: int) -> tuple[str, ...]:
        """The Investors toward whom a breach of ``term`` on ``day`` remains (§8(c))."""
        waived, pool = self._covered(reg, term, day)
        return amendments.breach_remains_toward(list(pool), waived)

    def breach_details(self, reg: DemandRegistration, term: str, day: int) -> dict | None:
        """For the Company's own verdict of a breach of ``term`` on ``day``: None when
        every Investor waived it (no breach), else what to add to the verdict's details
        (nothing without a waiver; who waived, and toward whom it remains)."""
        if not self.papers:
            return {}
        waived, pool = self._covered(reg, term, day)
        remains = amendments.breach_remains_toward(list(pool), waived)
        if not remains:
            return None
        if len(remains) == len(pool):
            return {}
        return dict(waived_by=tuple(n for n in pool if n not in remains), toward=remains)

    def deadline(self, reg: DemandRegistration) -> int:
        """The filing deadline as every Investor has waived it (through the latest day
        all of them signed for), else the deadline of the terms."""
        if not self.papers:
            return reg.deadline
        return max([reg.deadline] + [through for cycle, t, through, signers, asked
                                     in self.papers if cycle == reg.cycle
                                     and t == DEADLINE and frozenset(asked) <= signers])

    # --- When to ask -----------------------------------------------------------------
    def at_window(self, reg: DemandRegistration, window, prep_done: int, held: bool) -> None:
        """The filing window is known (§1(a)): where the Company sees it will file after
        the deadline (the window is empty, or its drafting runs late) or before the
        floor, it asks for a waiver of that limit for this registration. Not while a
        §1(d) delay or a deferral runs (it may excuse), nor where the filing day falls
        in a §1(c) cooldown (the hold may excuse: :meth:`instead_of_cooldown`)."""
        m = self.model
        terms = m.terms
        if held:
            return
        planned = demand_rules.planned_filing_day(window, terms)
        day = max(planned, prep_done)
        if (terms.cooldown_effect == "file" and limits.cooldown_end(
                day, self.company.cooldown_days(), terms) is not None):
            return
        if day > window.deadline:
            late = day - window.deadline
            self.negotiate(reg, DEADLINE, "window_empty" if window.empty else "late_filing",
                           window.deadline, day, late, "filing", late)
        elif day < window.floor:
            early = window.floor - day
            self.negotiate(reg, FLOOR, "window_empty", window.floor, window.floor, early,
                           None, -early)

    def instead_of_cooldown(self, reg: DemandRegistration, end: int) -> bool:
        """§1(c): past its deadline and inside a cooldown, the Company would hold the
        filing until ``end``; it asks the Investors instead to waive the deadline through
        today and files now (a hold past the deadline is exposure it avoids; the
        Investors get the registration sooner). Returns whether every Investor signed."""
        m = self.model
        today = m.calendar.now
        signers = self.negotiate(reg, DEADLINE, "cooldown", reg.deadline, today, end - today,
                                 "filing", today - end)
        return bool(signers) and not self.toward(reg, DEADLINE, today)

    # --- The negotiation -------------------------------------------------------------
    def negotiate(self, reg: DemandRegistration, term: str, reason: str, from_day: int,
                  through_day: int, days_avoided: int, failure: str | None,
                  days_postponed: int) -> frozenset[str]:
        """Ask every Investor to waive ``term`` of registration ``reg`` through
        ``through_day``; returns the Investors whose signature is effective.

        Nothing is asked where the Company avoids nothing (its breach cost is zero: the
        reduction to the scenario policy) or where the failure carries liquidated damages
        (a transfer: each Investor's price is at least what the Company saves)."""
        m = self.model
        per_day = breach_per_day(m, failure)
        surplus = per_day * days_avoided
        if surplus <= 0.0 or damages_per_day(m, failure) > 0.0:
            return frozenset()
        today, log = m.calendar.now, m.log
        amendment = self.form == "amendment"
        self.count += 1
        wid = f"waiver-{self.count}"
        investors = list(m.investors)
        total = sum(i.units for i in investors) or 1
        price = m.share_price(today)
        vol = m.world.market.annual_volatility
        log.record(today, ev.WAIVER_REQUESTED, "company", CLAUSE, dict(
            waiver=wid, term=term, cycle=reg.cycle, reason=reason, amendment=amendment,
            from_day=from_day, through_day=through_day, days_avoided=days_avoided,
            breach_usd_per_day=round(per_day, 2), surplus_usd=round(surplus, 2),
            investors=tuple(i.name for i in investors)))
        signed: list[tuple[str, float]] = []
        holdouts: list[tuple[str, float, float, float]] = []   # (investor, ask, slice, L_i)
        for inv in investors:
            slice_ = surplus * inv.units / total
            loss = signing_cost(reg.requested.get(inv.name, 0), price, vol, days_postponed,
                                0.0)
            ask = asking_price(loss, slice_, self.power)
            if ask <= 0.0:
                signed.append((inv.name, 0.0))
                log.record(today, ev.WAIVER_SIGNED, inv.name, CLAUSE, dict(
                    waiver=wid, term=term, cycle=reg.cycle, consideration_usd=0.0,
                    loss_usd=round(loss, 2)))
            else:
                holdouts.append((inv.name, ask, slice_, loss))
                log.record(today, ev.WAIVER_REFUSED, inv.name, CLAUSE, dict(
                    waiver=wid, term=term, cycle=reg.cycle, ask_usd=round(ask, 2),
                    loss_usd=round(loss, 2), surplus_usd=round(slice_, 2)))
        if amendment:
            paid = holdouts if sum(h[1] for h in holdouts) <= surplus else []
        else:
            paid = [h for h in holdouts if h[1] <= h[2]]
        if paid:
            log.record(today, ev.CONSIDERATION_PAID, "company", CLAUSE, dict(
                waiver=wid, term=term, cycle=reg.cycle,
                payees=tuple((name, round(ask, 2)) for name, ask, _, _ in paid),
                total_usd=round(sum(h[1] for h in paid), 2), surplus_usd=round(surplus, 2)))
            for name, ask, _, loss in paid:
                signed.append((name, ask))
                log.record(today, ev.WAIVER_SIGNED, name, CLAUSE, dict(
                    waiver=wid, term=term, cycle=reg.cycle, consideration_usd=round(ask, 2),
                    loss_usd=round(loss, 2)))
        unpaid = tuple(h[0] for h in holdouts if h not in paid)
        names = [n for n, _ in signed]
        if amendment:
            if unpaid:
                log.record(today, ev.AMENDMENT_FAILED, "company", CLAUSE, dict(
                    waiver=wid, term=term, cycle=reg.cycle, holdouts=unpaid))
            else:
                log.record(today, ev.AMENDMENT_AGREED, "company", CLAUSE, dict(
                    waiver=wid, term=term, cycle=reg.cycle, from_value=from_day,
                    to_value=through_day, signers=("company",) + tuple(
                        i.name for i in investors)))
        elif unpaid:
            log.record(today, ev.WAIVER_DROPPED, "company", CLAUSE, dict(
                waiver=wid, term=term, cycle=reg.cycle, reason="too_dear", holdouts=unpaid))
        effective = frozenset(n for n in names if amendments.waived_toward(
            n, names, amendment, [i.name for i in investors]))
        if effective:
            self.papers.append((reg.cycle, term, through_day, effective,
                                tuple(i.name for i in investors)))
        return effective
