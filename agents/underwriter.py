"""Underwriter: prices or pulls the Company's underwritten offerings (§3(b), §3(c))."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model import DealModel
    from sim.offering import OfferingPlan


class Underwriter(mesa.Agent):
    """The managing underwriter of the Company's own offerings.

    In the engine it decides, on the planned pricing day, whether an underwritten
    offering goes ahead: it pulls the deal when the price has fallen by more than the
    scenario's ``pull_if_price_drop`` since filing (the Company then withdraws, §3(b)).
    The §3(c) marketing limit and cutback build on this agent.
    """

    def __init__(self, model: "DealModel") -> None:
        super().__init__(model)
        self.name = "underwriter"

    def proceeds(self, plan: "OfferingPlan", day: int) -> bool:
        """Whether the offering is priced on ``day`` (True) or pulled (False)."""
        m = self.model
        drop = 1.0 - m.price_at(day) / m.price_at(plan.file_day)
        return drop <= m.world.offerings.pull_if_price_drop
