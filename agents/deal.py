"""The deal as an agent sees it: a typing Protocol of what the agents read and call.

The agents live below the deal model that composes them (``sim.deal.model``): they
name this protocol, never the model, so no import runs upward. Its types come from the
layers below the agents (engine, law, world); where a concrete agent class would make
an import cycle among the agents, the type is left loose (``Any``).
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence

from sim.engine.calendar import Calendar
from sim.engine.events import EventLog
from sim.engine.holdings import Holdings
from sim.engine.registration import DemandRegistration
from sim.engine.streams import RandomStreams, Stream
from sim.law.rules.expenses import ExpenseFigures
from sim.law.terms import Terms
from sim.world.scenario import Scenario


class Deal(Protocol):
    """One deal under way: its terms, world, clock, log, streams, ledger and parties."""

    terms: Terms
    world: Scenario                 # the scenario (``Model.scenario`` is Mesa's)
    seed: int
    deal: int
    streams: RandomStreams
    policy: Any                     # agents.policies.ScenarioPolicy (it reads the agents)
    calendar: Calendar
    log: EventLog
    holdings: Holdings
    expense_figures: ExpenseFigures
    # Streams of the world's processes, viewed for the current deal.
    offerings_stream: Stream
    withdrawal_stream: Stream
    review_stream: Stream
    claims_stream: Stream
    transfers_stream: Stream        # only with §7 transfers on (agents/transfers.py)
    capital_stream: Stream
    events_stream: Stream
    # The parties (agents.company.Company, agents.investor.Investor, ...).
    company: Any
    investors: Sequence[Any]
    investors_by_name: dict[str, Any]
    investor_group: Any             # agents.investors.Investors
    other_holders: Sequence[Any]
    underwriter: Any
    # Deal-wide facts and records.
    total_units: int
    registrable_total: int
    share_factor: float
    warrant_expiry_day: int
    rule144_day: int | None         # PIPE RRA keep_effective_until: Rule 144(k) day
    activity_day: int | None
    offerings: list[Any]            # agents.offerings.OfferingPlan
    registrations: list[DemandRegistration]

    def investor(self, name: str) -> Any:
        """The Investor with id ``name``."""

    def price_at(self, day: int) -> float:
        """Price on ``day`` per share at the closing."""

    def share_price(self, day: int) -> float:
        """Price of one share as it is on ``day``."""

    def price_trigger_day(self, start: int, until: int) -> int | None:
        """First month start in ``[start, until]`` with the price at the trigger."""

    def demand_pending(self) -> bool:
        """Whether a demand registration is under way."""
