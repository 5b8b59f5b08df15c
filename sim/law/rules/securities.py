"""Recitals and §7: Units, Registrable Shares and the Warrants."""

from __future__ import annotations

from typing import NamedTuple
from datetime import date

from sim.core import dates
from sim.law.rules._registry import rule
from sim.law.terms import Terms


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


@rule("§7", "Registrable Shares shall also mean all shares of Common Stock issued to the "
            "Investors ... upon exercise of the Warrants")
def warrant_shares(shares: int, terms: Terms) -> int:
    """§7 with the recitals: of the Registrable Shares of a Unit (3 Common + 2 on
    conversion + 1 on exercise), one in six is issued "upon exercise of the Warrants".

    The shares an Investor offers carry its Units' mix: of ``shares`` offered,
    ``shares * 1 // 6`` (whole shares, rounded down) are warrant shares.
    """
    return shares * terms.warrant_shares_per_unit // terms.registrable_per_unit


@rule("§7", "three-year warrants (the 'Warrants') to purchase one share of Common Stock")
def warrant_expiry_day(issue_day: int, terms: Terms, closing: date) -> int:
    """§7 with the recitals: "three-year warrants": the last deal day on which a Warrant
    issued on ``issue_day`` may be exercised, ``terms.warrant_term_years`` calendar years
    later (:func:`sim.core.dates.day_after_years`; a term starting March 30, 2003 ends
    March 30, 2006, day 1096). From the next day the warrant shares can no longer be
    issued, so they can never be sold.
    """
    return dates.day_after_years(issue_day, terms.warrant_term_years, closing)


class WarrantSale(NamedTuple):
    """What an Investor offering ``shares`` Registrable Shares actually sells.

    Attributes:
        shares_sold: Shares sold: the Common and conversion shares plus the warrant
            shares exercised.
        warrant_shares: Warrant shares among those offered.
        exercised: Warrant shares exercised (and sold).
        unsold_out_of_money: Warrant shares not sold: price at or below the exercise price.
        unsold_expired: Warrant shares not sold: the Warrant had expired.
        gross_usd: Sale proceeds, ``shares_sold * price``.
        exercise_usd: Exercise price paid, ``exercised * exercise price``.
        net_usd: ``gross_usd - exercise_usd``: the seller's proceeds (before its selling
            costs), the basis of the §5(b) cap and the §5(d) relative benefits.
    """

    shares_sold: int
    warrant_shares: int
    exercised: int
    unsold_out_of_money: int
    unsold_expired: int
    gross_usd: float
    exercise_usd: float
    net_usd: float


@rule("§7", "three-year warrants ... to purchase one share of Common Stock at a per share "
            "exercise price of $0.30")
def warrant_sale(shares: int, price: float, day: int, expiry_day: int,
                 terms: Terms) -> WarrantSale:
    """§7 with the recitals: a warrant share exists only "upon exercise of the Warrants",
    three-year warrants "to purchase one share of Common Stock at a per share exercise
    price of $0.30". So an Investor selling ``shares`` on ``day`` at ``price``:

    * sells its Common and conversion shares;
    * sells its warrant shares (:func:`warrant_shares`) only by exercising, paying the
      exercise price (``terms.warrant_exercise_price_usd``) per share: its proceeds from
      them are ``price - exercise price`` each;
    * does not exercise out of the money (``price <= exercise price``): those shares are
      not sold;
    * cannot exercise after the Warrant expires (``day > expiry_day``,
      :func:`warrant_expiry_day`): those shares are never sold.

    Net proceeds are never negative and never exceed gross proceeds.
    """
    w = warrant_shares(shares, terms)
    strike = terms.warrant_exercise_price_usd
    expired = w if day > expiry_day else 0
    out_of_money = w if not expired and price <= strike else 0
    exercised = w - expired - out_of_money
    sold = shares - expired - out_of_money
    gross = sold * price
    paid = exercised * strike
    return WarrantSale(shares_sold=sold, warrant_shares=w, exercised=exercised,
                       unsold_out_of_money=out_of_money, unsold_expired=expired,
                       gross_usd=gross, exercise_usd=paid, net_usd=gross - paid)


@rule("§7", "'Investor' shall mean a Investor ... or any transferee of Registrable Shares, "
            "if such transferee has executed a counterpart hereof at the time of the transfer")
def transferee_is_investor(counterpart_signed: bool, public_distribution: bool = False) -> bool:
    """§7: "'Investor' shall mean a Investor (as defined in the preamble to this
    Agreement) or any transferee of Registrable Shares, if such transferee has executed a
    counterpart hereof at the time of the transfer to such transferee, unless the
    Registrable Shares held by such transferee are acquired in a public distribution
    pursuant to a registration statement under the Securities Act."

    A transferee is an Investor only if it signed a counterpart *at the time of the
    transfer* (a later signature does not qualify it) and did not buy in a registered
    public distribution. A transferee who is not an Investor holds shares no longer
    "issued to the Investors": they are not Registrable Shares under this agreement, and
    their Units no longer count among the Investors' (§1(a)'s majority).
    """
    return bool(counterpart_signed) and not public_distribution


@rule("§7", "'Registrable Shares' shall mean shares of Common Stock issued to the Investors "
            "pursuant to the Purchase Agreement")
def transferred_shares(held: int, units: int, units_sold: int) -> int:
    """§7: the Registrable Shares that pass with ``units_sold`` of a holder's ``units``
    Units: the holder's Registrable Shares still held (``held``: "issued to the
    Investors", not sold in a registered distribution) pro rata to the Units sold, whole
    shares rounded down; all of them when every Unit is sold."""
    if units <= 0 or units_sold <= 0:
        return 0
    if units_sold >= units:
        return held
    return held * units_sold // units
