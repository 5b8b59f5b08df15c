"""§4 Allocation of expenses: what a registration costs and who pays each item."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from sim.law.rules._registry import rule

#: Registration fee under Securities Act §6(b) for fiscal 2003 (October 1, 2002 to
#: September 30, 2003): $80.90 per $1,000,000 of the maximum aggregate offering price
#: (Order Making Fiscal 2003 Annual Adjustments to the Fee Rates, Release Nos. 33-8095 and
#: 34-45842, April 29, 2002). A scenario figure, not a term of the agreement.
SEC_FEE_PER_MILLION_FY2003 = 80.90

#: Registration Expenses items, all paid by the Company (§4).
COMPANY_ITEMS = ("registration_fee", "legal", "accounting", "printing", "listing", "blue_sky")
#: Items outside Registration Expenses, borne by each seller on its own shares (§4).
SELLER_ITEMS = ("underwriting_discount", "selling_commission", "seller_counsel")


@dataclass(frozen=True)
class ExpenseFigures:
    """Scenario figures for the cost of one registration, in USD.

    Attributes:
        sec_fee_per_million: Securities Act §6(b) registration fee per $1,000,000 of the
            maximum aggregate offering price; 2003: :data:`SEC_FEE_PER_MILLION_FY2003`
            ($80.90, the fiscal 2003 rate).
        legal_usd: Fees and expenses of counsel for the Company.
        accounting_usd: Auditors' consents and comfort letters.
        printing_usd: Printing and shipping of the statement and prospectuses.
        listing_usd: Exchange (or Nasdaq) listing fees for the shares.
        blue_sky_per_state_usd: State blue sky filing fees and expenses, per state.
        underwriting_discount: Underwriters' discount, a fraction of gross proceeds
            (e.g. 0.07) in an underwritten offering.
        selling_commission: Brokers' commission, a fraction of gross proceeds, on a
            non-underwritten resale.
    """

    sec_fee_per_million: float
    legal_usd: float
    accounting_usd: float
    printing_usd: float
    listing_usd: float
    blue_sky_per_state_usd: float
    underwriting_discount: float
    selling_commission: float

    def __post_init__(self) -> None:
        """Reject negative or non-finite figures and fractions above 1."""
        for f in fields(self):
            value = getattr(self, f.name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"ExpenseFigures.{f.name} must be finite and >= 0, "
                                 f"got {value!r}")
        for name in ("underwriting_discount", "selling_commission"):
            if getattr(self, name) > 1:
                raise ValueError(f"ExpenseFigures.{name} is a fraction of gross proceeds "
                                 f"(0 to 1), got {getattr(self, name)!r}")


@rule("§4", "The Company will pay all Registration Expenses of all registrations under this "
            "Agreement ... all registration and filing fees, exchange listing fees, printing "
            "and shipping expenses, fees and expenses of counsel for the Company, state blue "
            "sky fees and expenses")
def registration_expenses(offering_value_usd: float, states: int,
                          figures: ExpenseFigures) -> dict[str, float]:
    """§4: "'Registration Expenses' shall mean all expenses to be incurred by the Company
    in complying with this Agreement, including, without limitation, all registration and
    filing fees, exchange listing fees, printing and shipping expenses, fees and expenses
    of counsel for the Company, state blue sky fees and expenses".

    The registration fee is ``figures.sec_fee_per_million`` per $1,000,000 of
    ``offering_value_usd`` (the maximum aggregate offering price; for a resale, as
    computed under Rule 457(c) from the market price): at the fiscal 2003 rate of
    $80.90, a $2,000,000 offering pays $161.80. Accounting costs are not named in §4 but
    fall under "including, without limitation": the Company incurs them complying with
    the agreement (auditors' consents). Blue sky costs are per state qualified.

    All the items are borne by the Company (:func:`expenses_payer`), the same whether
    the registration becomes effective or is withdrawn.

    Args:
        offering_value_usd: Maximum aggregate offering price of the securities registered.
        states: Number of states in which the shares are qualified under blue sky laws.
        figures: Scenario cost figures.

    Returns:
        Item -> USD, rounded to cents, for the items of :data:`COMPANY_ITEMS`.
    """
    if offering_value_usd < 0 or states < 0:
        raise ValueError("offering value and number of states must be >= 0")
    return {
        "registration_fee": round(offering_value_usd / 1_000_000
                                  * figures.sec_fee_per_million, 2),
        "legal": round(figures.legal_usd, 2),
        "accounting": round(figures.accounting_usd, 2),
        "printing": round(figures.printing_usd, 2),
        "listing": round(figures.listing_usd, 2),
        "blue_sky": round(states * figures.blue_sky_per_state_usd, 2),
    }


@rule("§4", "The Company will pay all Registration Expenses of all registrations ... shall "
            "not include any and all underwriting discounts and selling commissions")
def expenses_payer(item: str, withdrawn: bool = False) -> str:
    """§4: "The Company will pay all Registration Expenses of all registrations under this
    Agreement"; "Notwithstanding the foregoing, 'Registration Expenses' shall not include
    any and all underwriting discounts and selling commissions applicable to the sale of
    the Units and the Registrable Securities".

    Every Registration Expenses item is paid by the Company. ``withdrawn`` does not change
    the answer: "all registrations" has no exception for a registration withdrawn before
    effectiveness, whoever asked for the withdrawal (§3(b) says the same for a withdrawn
    piggy-back). Underwriting discounts and selling commissions are the seller's, on its
    own shares (:func:`selling_costs`). ``seller_counsel`` is also the seller's: §4 covers
    only "fees and expenses of counsel for the Company", and an Investor's own counsel is
    not an expense "incurred by the Company".

    Args:
        item: One of :data:`COMPANY_ITEMS` or :data:`SELLER_ITEMS`.
        withdrawn: Whether the registration was withdrawn (accepted; no effect).

    Returns:
        ``"company"`` or ``"seller"``.

    Raises:
        ValueError: ``item`` is not a known expense item.
    """
    del withdrawn  # §4: "all registrations", withdrawn or not
    if item in COMPANY_ITEMS:
        return "company"
    if item in SELLER_ITEMS:
        return "seller"
    raise ValueError(f"unknown expense item {item!r}; allowed: "
                     + ", ".join(COMPANY_ITEMS + SELLER_ITEMS))


@rule("§4", "shall not include any and all underwriting discounts and selling commissions "
            "applicable to the sale of the Units and the Registrable Securities")
def selling_costs(gross_proceeds_usd: float, underwritten: bool,
                  figures: ExpenseFigures) -> float:
    """§4: "'Registration Expenses' shall not include any and all underwriting discounts
    and selling commissions applicable to the sale of the Units and the Registrable
    Securities": the seller bears them on its own shares.

    In an underwritten offering the cost is the underwriting discount; in a
    non-underwritten resale it is the brokers' selling commission (never both).

    Args:
        gross_proceeds_usd: The seller's gross proceeds from the shares it sold.
        underwritten: Whether the shares were sold in an underwritten offering.
        figures: Scenario cost figures.

    Returns:
        USD borne by the seller, rounded to cents.
    """
    if gross_proceeds_usd < 0:
        raise ValueError("gross proceeds must be >= 0")
    rate = figures.underwriting_discount if underwritten else figures.selling_commission
    return round(gross_proceeds_usd * rate, 2)
