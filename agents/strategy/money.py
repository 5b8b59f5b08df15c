"""What a day of breach costs the Company, as the decision models see it.

DECISIONS: "breach cost = damages per day late under the terms + a fixed cost of being
in breach (litigation, reputation; weak) for agreements without damages". The damages
side reads the terms (PIPE RRA: a rate per 30 days of the purchase price, for the
failures the terms name); the other side is the scenario's
``strategy.company.breach_usd_per_day``. A day costs the greater of the two: damages
below the cost of being in breach do not make a breach cheaper (liquidated damages are
the Investors' floor, their name with the next investors the Company's own).
"""

from __future__ import annotations

from agents.deal import Deal
from sim.law.terms import DAMAGES_PERIOD_DAYS

#: The failures liquidated damages may run for (PIPE RRA), and the terms' switch of each.
FAILURES = {"filing": "damages_on_filing_failure",
            "effectiveness": "damages_on_effectiveness_failure",
            "maintenance": "damages_on_maintenance_failure"}


def purchase_price_usd(model: Deal) -> float:
    """The Investors' purchase price: their Units x the Unit price (recitals)."""
    return model.total_units * model.terms.unit_price_usd


def damages_per_day(model: Deal, failure: str | None) -> float:
    """Liquidated damages a day of ``failure`` (``filing``, ``effectiveness``,
    ``maintenance``; None: a breach the terms put no damages on) costs before any cap:
    the rate per 30 days of the purchase price, pro-rated (PIPE RRA)."""
    terms = model.terms
    rate = terms.damages_rate_percent_per_30_days
    if failure is None or rate <= 0 or not getattr(terms, FAILURES[failure]):
        return 0.0
    return rate / 100.0 * purchase_price_usd(model) / DAMAGES_PERIOD_DAYS


def breach_per_day(model: Deal, failure: str | None) -> float:
    """What a day in breach costs the Company: the greater of the damages the terms put
    on ``failure`` and the scenario's cost of being in breach (litigation, reputation:
    ``strategy.company.breach_usd_per_day``). Damages priced below that cost never make
    a breach cheaper than an agreement without them (so higher damages never make the
    Company slower: the directional property of tests/test_strategy_company.py)."""
    return max(damages_per_day(model, failure),
               model.world.strategy.company.breach_usd_per_day)
