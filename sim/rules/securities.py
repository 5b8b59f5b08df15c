"""Recitals and §7: Units and Registrable Shares."""

from __future__ import annotations

from sim.rules._registry import rule
from sim.terms import Terms


@rule("§7", "Registrable Shares ... Common Stock issued ... pursuant to the conversion of the "
            "Preferred Stock and upon exercise of the Warrants")
def registrable_shares(units: int, terms: Terms) -> int:
    """§7: Registrable Shares are the Common issued with the Units plus the Common issued
    "pursuant to the conversion of the Preferred Stock and upon exercise of the Warrants".

    With the recitals' Unit (3 Common + 1 Preferred convertible into 2 + 1 Warrant for 1)
    that is 6 Registrable Shares per Unit.
    """
    return units * terms.registrable_per_unit


@rule("§7", "Registrable Shares shall also mean all shares of Common Stock issued to the "
            "Investors pursuant to the conversion ... and upon exercise of the Warrants")
def capital_dependent_shares(units: int, terms: Terms) -> int:
    """§7: the conversion and warrant shares of ``units``: the Registrable Shares that
    need authorized but unissued Common (the §1(a) capital condition)."""
    return units * terms.capital_dependent_per_unit
