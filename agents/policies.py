"""Decision policies: what the parties choose where the agreement leaves a choice.

Rules (``sim.law.rules``) say what a party *may* or *must* do; a policy says what it
*chooses*. Every draw comes from the party's own named stream at a fixed slot (so
variants share random futures), unless a what-if script fixes it. Three ship:

* :class:`StrategicPolicy` (the default) -- each party weighs the costs it can see
  under the terms in force (``agents.strategy``, ``docs/decisions.md``); with the
  scenario's ``[strategy]`` costs at zero it plays the scenario's draws;
* :class:`ScenarioPolicy` (``"scenario"``) -- behaviour as the scenario's draws
  describe it, blind to the terms (may breach): the exogenous policy;
* :class:`CompliantPolicy` -- the same draws, clamped so the Company follows the
  agreement (prompt notice, filing ready by the deadline, timely responses). Used by
  the property tests ("a compliant Company is never found in breach, except where the
  window is empty").

A researcher's own policy is a subclass of :class:`ScenarioPolicy` named
``"module:Class"`` in a spec's ``policy`` or the CLI's ``--policy``
(:func:`resolve_policy`).
"""

from __future__ import annotations

import importlib
import os
import sys

from agents.company import COMPANY
from agents.strategy.company import CompanyChoices
from agents.strategy.investors import InvestorChoices
from agents.investor import INVESTOR
from agents.investors import WITHDRAWAL
from agents.offerings import OFFERINGS
from sim.world.scenario import Scenario
from sim.world.script import Script
from sim.engine.streams import Stream
from sim.law.terms import Terms

# Slots are computed through the streams' layouts (declared beside the actors drawing
# from them); the hot ones are resolved once: block widths and offsets within a block.
_CW = COMPANY.block
_NOTICE_DELAY, _PREP, _INVOKE_DELAY, _INVOKE_COOLDOWN, _DELAY_HOLD = (
    COMPANY.offset(k) for k in ("notice_delay", "prep", "invoke_delay", "invoke_cooldown",
                                "delay_hold"))
_IW = INVESTOR.block
_PATIENCE, _JOIN, _JOIN_RESPONSE, _INFO_RESPONSE, _SELL_DAYS, _UNDERWRITTEN, _WITHDRAW = (
    INVESTOR.offset(k) for k in ("patience", "join", "join_response", "info_response",
                                 "sell_days", "underwritten", "withdraw"))
_WW = WITHDRAWAL.block
_BEFORE, _BEFORE_DAYS, _BEFORE_WITHDRAW, _OTHER, _OTHER_WITHDRAW, _PRICE = (
    WITHDRAWAL.offset(k) for k in ("before", "before_days", "before_withdraw", "other",
                                   "other_withdraw", "price"))


class ScenarioPolicy:
    """Choices as the scenario's behaviour figures describe them.

    Args:
        terms: The negotiated terms (for clamping in subclasses).
        scenario: The world the deal meets.
        script: Optional what-if script whose fixed values win over draws.
    """

    def __init__(self, terms: Terms, scenario: Scenario, script: Script | None = None) -> None:
        self.terms = terms
        self.scenario = scenario
        self.script = script or Script()
        self.scripted = script is not None
        # Looked up for every draw: keep the scenario's tables one attribute away.
        self._notices = scenario.notices
        self._ib = scenario.investor_behaviour
        self.model = None

    def bind(self, model) -> None:
        """The deal model this policy decides in (built once, reused across deals): a
        decision may read the deal's state (the calendar, the registrations, the price
        path so far), never change it."""
        self.model = model

    def registration(self, cycle: int):
        """The demand (or mandatory) registration of ``cycle`` in the bound deal, or None."""
        return next((r for r in self.model.registrations if r.cycle == cycle), None)

    # --- Company ---------------------------------------------------------------------
    def notice_delay(self, s: Stream, cycle: int) -> int:
        """Days from receipt of the Demand Notice to giving the Company Notice."""
        fixed = self.script.company.notice_delay_days
        if fixed is not None:
            return fixed
        slot = cycle * _CW + _NOTICE_DELAY
        return s.days(self.scenario.company.notice_delay_days, slot)

    def prep_days(self, s: Stream, cycle: int) -> int:
        """Days from receipt of the Demand Notice until the statement is drafted."""
        fixed = self.script.company.prep_days
        if fixed is not None:
            return fixed
        slot = cycle * _CW + _PREP
        return s.days(self.scenario.company.prep_days, slot)

    def invoke_delay(self, s: Stream, cycle: int, *, basis=None) -> bool:
        """Whether the Company uses an available §1(d) delay (``basis``: the offering
        that supports it, ``"activity"``, or None for an NVCA IRA Board deferral)."""
        fixed = self.script.company.invoke_delay
        if fixed is not None:
            return fixed
        slot = cycle * _CW + _INVOKE_DELAY
        return s.chance(self.scenario.company.delay_invoke_prob, slot)

    def invokes_cooldown(self, s: Stream, cycle: int, late: bool = False) -> bool:
        """Whether the Company uses its §1(c) right not to effect a registration inside a
        cooldown (a right, not a duty: the issuer filed its 2003 statement inside the
        cooldown of its January 2003 statement). One draw per demand cycle; a Company
        that would otherwise file after its §1(a) deadline (``late``) always uses the
        right, which excuses the lateness."""
        fixed = self.script.company.invoke_cooldown
        if fixed is not None:
            return fixed
        if late:
            return True
        slot = cycle * _CW + _INVOKE_COOLDOWN
        return s.chance(self.scenario.company.cooldown_invoke_prob, slot)

    def delay_hold(self, s: Stream, cycle: int) -> int:
        """Days after the basis (offering effective) the Company wants to hold the demand."""
        fixed = self.script.company.delay_hold_days
        if fixed is not None:
            return fixed
        slot = cycle * _CW + _DELAY_HOLD
        return s.days(self.scenario.company.delay_hold_days, slot)


    def response_days(self, raw_days: int, round_no: int, *, reg=None) -> int:
        """Days the Company takes to answer comment letter ``round_no`` (1-based) in the
        review of ``reg``."""
        fixed = self.script.review.response_days
        if fixed is not None and round_no - 1 < len(fixed):
            return fixed[round_no - 1]
        return raw_days

    def holds_back(self, s: Stream, plan, reg) -> bool:
        """Whether the Company holds its own offering ``plan`` back while the Investors'
        registration ``reg`` is pending (agents.offerings.hold_back): a draw with
        ``offerings.hold_back_prob``."""
        p = self.scenario.offerings.hold_back_prob
        return p > 0 and s.chance(p, OFFERINGS.slot("hold_back", plan.index))

    #: §8(c): whether the Company negotiates waivers and amendments when a breach would
    #: cost it (``agents/waivers.py``, the scenario's ``[strategy.waivers]``): a choice
    #: that weighs costs, so the exogenous policies never ask.
    negotiates_waivers = False

    # --- Investors -------------------------------------------------------------------
    # Only a script fixes an Investor's choices, so the (hot) unscripted path tests
    # ``self.scripted`` before calling ``_inv``.
    def _inv(self, investor_id: str, name: str):
        return self.script.investor_value(investor_id, name)

    def demand_shares(self, investor_id: str, cycle: int, available: int) -> int:
        """Shares an Initiating Investor asks to include in the Demand Notice: all it
        holds unregistered, or fewer where a script says so."""
        if self.scripted:
            d = self.script.demand_for(cycle)
            fixed = d.shares.get(investor_id) if d is not None else None
            if fixed is not None:
                return min(fixed, available)
        return available

    def asks_shares(self, investor_id: str, key: str, available: int) -> int:
        """Shares asked for in a request to be included (``key`` ``join_shares``, §1(a))
        or a Piggy-back Request (``piggyback_shares``, §3(a)): all available, or fewer
        where a script says so."""
        fixed = self._inv(investor_id, key) if self.scripted else None
        return available if fixed is None else min(fixed, available)

    def patience(self, s: Stream, investor_id: str, cycle: int) -> int:
        """Days (from the cycle's start) until the Investor wants a registration."""
        return s.days(self._ib.demand_patience_days, cycle * _IW + _PATIENCE)

    def joins(self, s: Stream, investor_id: str, cycle: int, *, reg=None) -> bool:
        """Whether an Investor asks to be included after a Company Notice (``reg``: the
        registration noticed, for a policy that weighs it)."""
        fixed = self._inv(investor_id, "join") if self.scripted else None
        if fixed is not None:
            return fixed
        return s.chance(self._ib.join_prob, cycle * _IW + _JOIN)

    def join_response(self, s: Stream, investor_id: str, cycle: int) -> int:
        fixed = self._inv(investor_id, "join_response_days") if self.scripted else None
        if fixed is not None:
            return fixed
        return s.days(self._ib.join_response_days, cycle * _IW + _JOIN_RESPONSE)

    def info_response(self, s: Stream, investor_id: str, cycle: int) -> int:
        fixed = self._inv(investor_id, "info_response_days") if self.scripted else None
        if fixed is not None:
            return fixed
        return s.days(self._ib.info_response_days, cycle * _IW + _INFO_RESPONSE)

    def sell_days(self, s: Stream, investor_id: str, cycle: int) -> int:
        fixed = self._inv(investor_id, "sell_days") if self.scripted else None
        if fixed is not None:
            return max(fixed, 1)
        days = s.days(self._ib.sell_days, cycle * _IW + _SELL_DAYS)
        return days if days > 1 else 1

    def demand_underwritten(self, s: Stream, investor_id: str, cycle: int) -> bool:
        """§1(c): the method of disposition the requesting holders specify in the Demand
        Notice: an underwritten sale (True) or not; drawn from the lead's stream."""
        fixed = self.script.demand_for(cycle) if self.scripted else None
        if fixed is not None and fixed.underwritten is not None:
            return fixed.underwritten
        return s.chance(self._ib.demand_underwritten_prob,
                        cycle * _IW + _UNDERWRITTEN)

    def withdraws_on_mai(self, s: Stream, investor_id: str, cycle: int) -> bool:
        fixed = self._inv(investor_id, "withdraw_on_mai") if self.scripted else None
        if fixed is not None:
            return fixed
        slot = cycle * _IW + _WITHDRAW
        return s.chance(self._ib.withdraw_on_mai_prob, slot)

    # --- Withdrawal at the Investors' request (§1(c)), drawn per demand cycle ------------
    def earlier_information(self, s: Stream, cycle: int) -> tuple[int, int] | None:
        """Material information made known on or before the request leads the Investors
        to withdraw: (days before the request it was made known, days after the demand's
        receipt they withdraw), or None."""
        base = cycle * _WW
        if not s.chance(self.scenario.events.mai_before_prob, base + _BEFORE):
            return None
        return (s.days(self.scenario.events.mai_before_days,
                       base + _BEFORE_DAYS),
                s.days(self._ib.withdraw_day, base + _BEFORE_WITHDRAW))

    def changes_mind(self, s: Stream, cycle: int) -> int | None:
        """Days after the demand's receipt the Investors withdraw for other reasons."""
        base = cycle * _WW
        if not s.chance(self._ib.withdraw_other_prob, base + _OTHER):
            return None
        return s.days(self._ib.withdraw_day, base + _OTHER_WITHDRAW)

    def price_sensitive(self, s: Stream, cycle: int) -> bool:
        """Whether the Investors withdraw once the price falls ``withdraw_price_drop``
        below its level on the request day."""
        return s.chance(self._ib.withdraw_price_prob,
                        cycle * _WW + _PRICE)

    def withdrawal_price(self, s: Stream, cycle: int, reg) -> float | None:
        """The price (per share at the closing) below which the Initiating Investors ask
        to withdraw ``reg`` (§1(c)), or None: when :meth:`price_sensitive`, the request
        day's price less ``withdraw_price_drop``."""
        if not self.price_sensitive(s, cycle):
            return None
        return self.model.price_at(reg.demand_sent_day) * (1 - self._ib.withdraw_price_drop)

    def forms_coalitions(self) -> bool:
        """Whether an Investor who wants a registration solicits the others for a
        majority (the strategic Investors) instead of the group meeting on its members'
        drawn days (:func:`agents.investor.initiating_group`)."""
        return False

    # --- Company registrations (§3) ------------------------------------------------
    def registration_notice_delay(self, s: Stream, plan) -> int:
        """Days from fixing the plans to giving the Registration Notice (§3(a))."""
        if plan.notice_day is not None:
            return plan.notice_day - plan.plan_day
        slot = OFFERINGS.slot("notice", plan.index)
        return s.days(self.scenario.company.notice_delay_days, slot)

    def elects_piggyback(self, inv, plan) -> bool:
        """Whether ``inv`` asks to be included in ``plan`` (§3(a)): more likely when the
        price is at or above the closing price, less while a demand is under way."""
        fixed = self._inv(inv.name, "piggyback") if self.scripted else None
        if fixed is not None:
            return fixed
        m = inv.model
        ratio = m.price_at(m.calendar.now) / self.scenario.market.price0
        p = self._ib.piggyback_prob * min(1.0, ratio)
        if m.demand_pending():
            p *= 0.5
        return inv.piggyback_stream.chance(p, inv.piggyback_slot(plan, "elect"))

    def piggyback_response(self, inv, plan) -> int:
        """Days from receiving the Registration Notice to sending the request."""
        fixed = self._inv(inv.name, "piggyback_response_days") if self.scripted else None
        if fixed is not None:
            return fixed
        return inv.piggyback_stream.days(self._ib.piggyback_response_days,
                                         inv.piggyback_slot(plan, "response"))

    def accepts_underwriting_terms(self, inv, plan) -> bool:
        """§3(c): an Investor must accept the underwriting terms or drop out."""
        fixed = self._inv(inv.name, "accept_underwriting") if self.scripted else None
        if fixed is not None:
            return fixed
        return not inv.piggyback_stream.chance(self.scenario.underwriting.refuse_terms_prob,
                                               inv.piggyback_slot(plan, "accept"))

    # --- Notices (§8(a)) -------------------------------------------------------------
    def latency(self, s: Stream, method: str, slot: int, *ids: str) -> int:
        """Delivery days of a notice sent by ``method``, drawn from the recipient's or
        sender's stream at ``slot`` (whose stream: the investor's, either way)."""
        if self.scripted:
            fixed = self.script.latency_for(*ids)
            if fixed is not None:
                return fixed
        return s.days(getattr(self._notices, method), slot)


class CompliantPolicy(ScenarioPolicy):
    """The scenario's draws, clamped so the Company follows the agreement.

    The Company gives the Company Notice within ``promptly_days``, has its statement
    drafted in time for the filing deadline, and answers every comment letter within
    ``late_response_days``. Investors behave as in the scenario.
    """

    def notice_delay(self, s: Stream, cycle: int) -> int:
        return min(super().notice_delay(s, cycle), self.terms.promptly_days)

    def prep_days(self, s: Stream, cycle: int) -> int:
        return min(super().prep_days(s, cycle), self.terms.filing_deadline_days)

    def response_days(self, raw_days: int, round_no: int, *, reg=None) -> int:
        return min(super().response_days(raw_days, round_no), self.terms.late_response_days)

    def registration_notice_delay(self, s: Stream, plan) -> int:
        # §3(a): "prior to filing": at the latest the day before the filing day.
        return max(0, min(super().registration_notice_delay(s, plan),
                          plan.file_day - plan.plan_day - 1))


class StrategicPolicy(CompanyChoices, InvestorChoices, ScenarioPolicy):
    """Each party chooses the option with the lowest cost it can see under the terms in
    force (``docs/decisions.md``); the scenario's ``[strategy]`` table holds what it
    weighs. With every cost at zero it is :class:`ScenarioPolicy`."""

    negotiates_waivers = True      # §8(c), agents/waivers.py


POLICIES = {"strategic": StrategicPolicy, "scenario": ScenarioPolicy,
            "compliant": CompliantPolicy}
DEFAULT_POLICY = "strategic"


def resolve_policy(name: str | type[ScenarioPolicy]) -> type[ScenarioPolicy]:
    """A policy class by name: a shipped one (:data:`POLICIES`), or a researcher's own as
    ``"module:Class"`` (importable, the working folder included; a subclass of
    :class:`ScenarioPolicy`, overriding any decision). A class is returned as it is.

    Raises:
        ValueError: one line saying what is allowed (the caller names the file and key).
    """
    if not isinstance(name, str):
        cls = name
    elif name in POLICIES:
        return POLICIES[name]
    elif ":" in name:
        module, _, attr = name.partition(":")
        # A module in the working folder imports as with ``python -m`` (the console
        # script's path does not hold it); workers inherit the path.
        if os.getcwd() not in sys.path and "" not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            cls = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError, ValueError) as exc:    # ValueError: ":X"
            raise ValueError(f"cannot load policy {name!r} ({type(exc).__name__}: {exc}); "
                             f"allowed: {', '.join(POLICIES)} or module:Class") from None
    else:
        raise ValueError(f"unknown policy {name!r}; allowed: {', '.join(POLICIES)} or "
                         "module:Class (a subclass of agents.policies.ScenarioPolicy)")
    if not (isinstance(cls, type) and issubclass(cls, ScenarioPolicy)):
        raise ValueError(f"policy {name!r} is not a subclass of "
                         f"agents.policies.ScenarioPolicy; allowed: {', '.join(POLICIES)} or "
                         "module:Class (a subclass of agents.policies.ScenarioPolicy)")
    return cls
