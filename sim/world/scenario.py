"""Scenario: the world a deal meets (not negotiable).

Investors and their Units, affiliate groups, notice methods and latencies (§8(a)),
authorized-capital headroom (§1(a)), the stock price process and its trading volume,
the Rule 144 exit the Investors have without a registration, the Company's own
offering plans, the Commission's review process, suspensions (§2) and investor and
company behaviour. The default scenario ships as ``sim/world/presets/bestnet-2003.scenario.toml``
with every figure's source (see ``docs/calibration.md``); a scenario file overrides it
(tables merge, lists replace).
"""

from __future__ import annotations

import functools
import math
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator
from pydantic.dataclasses import dataclass

from sim.core.config import (MAX_COUNT, STRICT, ConfigError, build, deep_merge,
                             load_with_presets, preset_of, shown)
from sim.world.distributions import Dist, Fixed

Prob = Annotated[float, Field(ge=0.0, le=1.0, strict=True)]
Rate = Annotated[float, Field(ge=0.0, le=52.0, strict=True)]
Shares = Annotated[int, Field(ge=0, le=MAX_COUNT, strict=True)]
DayCount = Annotated[int, Field(ge=0, le=3650, strict=True)]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$", strict=True)]


def _iso_date(value: Any) -> Any:
    """A TOML date (``2003-03-30``) or its ISO string (a JSON manifest); nothing else --
    pydantic's lax mode would read a number as a Unix time."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"must be a date such as 2003-03-30 (got {shown(value)})") from None
    if type(value) is not date:
        raise ValueError(f"must be a date such as 2003-03-30 (got {shown(value)})")
    return value


CalendarDate = Annotated[date, BeforeValidator(_iso_date)]
NoticeMethod = Literal["registered_mail", "certified_mail", "personal", "fax", "regular_mail"]
OfferingType = Literal["public", "stock_plan", "rule_145", "convertible_debt"]


def _at_most(dist: Any, key: str, limit: float, what: str) -> None:
    """A distribution of a count (shares, letters) must not draw above ``limit``: its
    largest possible draw (:meth:`bounds`) is checked at load, not when a deal meets it."""
    high = dist.bounds()[1]
    if high > limit:
        raise ValueError(f"{key}: draws up to {high:.4g} {what}; at most {limit:,.0f} "
                         "(give a smaller value, or a lognormal's max)")


@dataclass(frozen=True, kw_only=True, config=STRICT)
class InvestorSpec:
    """An Investor (§7): a signatory holding Units."""

    id: Ident
    units: Annotated[int, Field(gt=0, le=MAX_COUNT, strict=True)]
    group: Ident | None = None
    notice_method: NoticeMethod = "certified_mail"
    #: An affiliate of the Company (Rule 144(a)(1)): its sales stay volume-limited after
    #: two years (Rule 144(k) is for non-affiliates).
    affiliate: Annotated[bool, Field(strict=True)] = False


@dataclass(frozen=True, kw_only=True, config=STRICT)
class OtherHolderSpec:
    """An Other Holder (§1(b)): holds other securities with registration rights."""

    id: Ident
    shares: Annotated[int, Field(gt=0, le=MAX_COUNT, strict=True)]
    request_prob: Prob = 0.0
    sell_in_offering_prob: Prob = 0.0
    notice_method: NoticeMethod = "certified_mail"


@dataclass(frozen=True, kw_only=True, config=STRICT)
class PriorStatement:
    """A Registration Statement of the Company effective before or at closing (§1(c)).

    ``permits_resale``: it registers the Registrable Shares for resale (§7's defined
    term, ``cooldown_scope = defined_term``); ``form_permits_resale``: it is on a form
    that permits secondary resale, whosever shares (``cooldown_scope = resale_form``).
    """

    id: Ident
    effective_day: Annotated[int, Field(ge=-3650, le=0, strict=True)]
    permits_resale: Annotated[bool, Field(strict=True)] = False
    form_permits_resale: Annotated[bool, Field(strict=True)] = False


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Notices:
    """Delivery latency in days per method (§8(a): effective only when received)."""

    registered_mail: Dist
    certified_mail: Dist
    personal: Dist
    fax: Dist
    regular_mail: Dist


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Capital:
    """Authorized-capital headroom for conversion and warrant shares (§1(a))."""

    authorized_common: Shares
    outstanding_common: Shares
    reserved_other: Dist
    increase_days: Dist

    @model_validator(mode="after")
    def _fits(self) -> "Capital":
        if self.outstanding_common > self.authorized_common:
            raise ValueError("outstanding_common: must not exceed authorized_common")
        _at_most(self.reserved_other, "reserved_other", MAX_COUNT, "shares")
        return self


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Market:
    """Geometric Brownian motion of the Common Stock price, sampled monthly."""

    #: USD per share at the closing (BestNet's Common: about $0.30); at most $1,000,000.
    price0: Annotated[float, Field(gt=0.0, le=1e6, strict=True)]
    annual_volatility: Annotated[float, Field(ge=0.0, le=5.0, strict=True)]
    annual_drift: Annotated[float, Field(ge=-2.0, le=2.0, strict=True)] = 0.0
    #: Average weekly trading volume of the Common, in shares (Rule 144(e)(1)(ii)'s
    #: measure; 0 when unknown).
    avg_weekly_volume: Shares = 0
    #: Annual rate at which money is discounted to the closing (effective per year of
    #: 365 days): the value of the registration right (``sim/read/value.py``).
    discount_rate: Annotated[float, Field(ge=0.0, le=1.0, strict=True)] = 0.0


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Rule144Facts:
    """Rule 144 (17 CFR 230.144) as it stood in 2003: the Investors' exit without a
    registration (see :mod:`sim.world.rule144`). An SEC rule, not a negotiated term.

    ``holding_years``: Rule 144(d)(1), "a minimum of one year must elapse between the
    later of the date of the acquisition of the securities from the issuer or from an
    affiliate of the issuer, and any resale". ``volume_months``,
    ``volume_fraction_outstanding``, ``volume_weeks``: Rule 144(e)(1), sales "within the
    preceding three months" shall not exceed the greater of "one percent of the shares
    ... outstanding" and "the average weekly reported volume of trading ... during the
    four calendar weeks preceding" the notice. ``weekly_volume_counts``: whether the
    second measure is available at all (the SEC staff: the OTC Bulletin Board is not an
    "automated quotation system" for Rule 144(e), so an OTCBB stock has only the 1%
    measure). ``unlimited_years``: Rule 144(k), a non-affiliate sells without limit once
    "a period of at least two years has elapsed" since the acquisition.
    """

    holding_years: Annotated[int, Field(ge=0, le=10, strict=True)] = 1
    unlimited_years: Annotated[int, Field(ge=0, le=10, strict=True)] = 2
    volume_months: Annotated[int, Field(ge=1, le=12, strict=True)] = 3
    volume_fraction_outstanding: Prob = 0.01
    volume_weeks: Annotated[int, Field(ge=1, le=52, strict=True)] = 4
    weekly_volume_counts: Annotated[bool, Field(strict=True)] = True

    @model_validator(mode="after")
    def _order(self) -> "Rule144Facts":
        if self.unlimited_years < self.holding_years:
            raise ValueError("unlimited_years: must not be less than holding_years")
        return self


@dataclass(frozen=True, kw_only=True, config=STRICT)
class CompanyBehaviour:
    """How the Company acts where the agreement leaves it a choice."""

    notice_method: NoticeMethod
    notice_delay_days: Dist
    prep_days: Dist
    info_due_days: DayCount
    delay_invoke_prob: Prob
    delay_hold_days: Dist
    cooldown_invoke_prob: Prob = 1.0
    #: Eligible to register resales on Form S-3 (NVCA IRA short-form demands).
    s3_eligible: Annotated[bool, Field(strict=True)] = False
    #: Annual cost to the Company of money raised later than planned: what holding its
    #: own offering back costs (``offerings.hold_back_prob``).
    cost_of_capital: Annotated[float, Field(ge=0.0, le=1.0, strict=True)] = 0.0


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Offerings:
    """The Company's own registrations (plain scenario events in the engine)."""

    rate_per_year: Rate
    max_count: Annotated[int, Field(ge=0, le=8, strict=True)] = 4
    plan_lead_days: Dist
    type_probs: dict[OfferingType, Prob]
    underwritten_prob: Prob
    review_days: Dist
    pull_if_price_drop: Prob
    distribution_days: Dist
    company_shares: Dist
    #: Chance the Company holds its own offering back while a demand registration it did
    #: not delay is pending (§1(c), §1(d)), rather than sell beside the resale.
    hold_back_prob: Prob = 0.0
    #: §1(c) ``cooldown_scope = resale_form``: whether each type's registration form
    #: permits secondary resale (the preset cites the forms).
    form_permits_resale: dict[OfferingType, Annotated[bool, Field(strict=True)]]

    @model_validator(mode="after")
    def _probs(self) -> "Offerings":
        _at_most(self.company_shares, "company_shares", MAX_COUNT, "shares")
        if abs(sum(self.type_probs.values()) - 1.0) > 1e-6:
            raise ValueError(f"type_probs: must sum to 1 (they sum to "
                             f"{sum(self.type_probs.values()):.6g})")
        missing = sorted(set(OfferingType.__args__) - set(self.form_permits_resale))
        if missing:
            raise ValueError("form_permits_resale: give every offering type; missing "
                             + ", ".join(missing))
        return self


#: Most comment letters a review may draw (a what-if script's ``comment_letters`` too).
MAX_LETTERS = 20


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Review:
    """The Commission's review of a filed statement (see :mod:`agents.commission`).

    A review with ``troubled_letters`` or more comment letters is troubled: the Company's
    responses in it take ``troubled_response_factor`` times the drawn ``response_days``.
    """

    review_prob: Prob
    no_review_days: Dist
    first_comment_days: Dist
    comment_letters: Dist
    response_days: Dist
    turnaround_days: Dist
    clearance_days: Dist
    troubled_letters: Annotated[int, Field(ge=1, le=20, strict=True)] = 3
    troubled_response_factor: Annotated[float, Field(ge=1.0, le=10.0, strict=True)] = 1.0

    @model_validator(mode="after")
    def _letters(self) -> "Review":
        _at_most(self.comment_letters, "comment_letters", MAX_LETTERS, "letters")
        return self


@dataclass(frozen=True, kw_only=True, config=STRICT)
class InvestorBehaviour:
    """How Investors act where the agreement leaves them a choice."""

    demand_patience_days: Dist
    price_trigger: Annotated[float, Field(ge=0.0, strict=True)]
    join_prob: Prob
    join_response_days: Dist
    info_response_days: Dist
    sell_days: Dist
    withdraw_on_mai_prob: Prob
    withdraw_day: Dist
    withdraw_other_prob: Prob
    withdraw_price_prob: Prob
    withdraw_price_drop: Annotated[float, Field(gt=0.0, lt=1.0, strict=True)]
    piggyback_prob: Prob
    piggyback_response_days: Dist
    demand_underwritten_prob: Prob = 0.0


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Underwriting:
    """The Underwriter's marketing limit and terms (§3(c))."""

    capacity_ratio: Dist
    price_elasticity: Annotated[float, Field(ge=0.0, le=10.0, strict=True)]
    refuse_terms_prob: Prob


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Expenses:
    """Registration Expenses and selling costs (§4), in USD."""

    sec_fee_per_million: Annotated[float, Field(ge=0.0, strict=True)]
    legal_usd: Annotated[float, Field(ge=0.0, strict=True)]
    accounting_usd: Annotated[float, Field(ge=0.0, strict=True)]
    printing_usd: Annotated[float, Field(ge=0.0, strict=True)]
    listing_usd: Annotated[float, Field(ge=0.0, strict=True)]
    blue_sky_per_state_usd: Annotated[float, Field(ge=0.0, strict=True)]
    blue_sky_states: Annotated[int, Field(ge=0, le=60, strict=True)]
    underwriting_discount: Prob
    selling_commission: Prob


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Claims:
    """Misstatement claims after a registration with Investors' shares (§5).

    ``late_notice_prob`` is the chance the claimant gives the §5(c) notice late, and
    ``prejudice_fraction`` the part of each Indemnifying Party's obligation the delay
    then cost it (what it is relieved of), in [0, 1].
    """

    claim_prob: Prob
    loss_fraction: Dist
    company_source_prob: Prob
    corrected_prob: Prob
    fraud_prob: Prob
    claim_day: Dist
    late_notice_prob: Prob
    prejudice_fraction: Dist

    @model_validator(mode="after")
    def _fraction(self) -> "Claims":
        if self.prejudice_fraction.bounds()[1] > 1.0:
            raise ValueError("prejudice_fraction: must lie in [0, 1]")
        return self


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Suspensions:
    """Prospectus amendments during the effectiveness period (§2)."""

    rate_per_year: Rate
    length_days: Dist


@dataclass(frozen=True, kw_only=True, config=STRICT)
class MaterialEvents:
    """Material adverse information (§1(c)) and other material activity (§1(d)).

    ``mai_*``: information made known while a demand is pending (days after its receipt);
    ``mai_before_*``: information made known on or before the request (days before the
    Demand Notice was sent) that later leads the Investors to withdraw.
    """

    mai_prob: Prob
    mai_day: Dist
    mai_before_prob: Prob
    mai_before_days: Dist
    other_activity_prob: Prob
    other_activity_day: Dist


@dataclass(frozen=True, kw_only=True, config=STRICT)
class ShareAdjustment:
    """A stock split or stock dividend of the Common on ``day`` (§7: Registrable Shares
    are adjusted for it; Units are not).

    ``ratio`` is new shares per old share: 2.0 for a two-for-one split, 1.05 for a 5%
    stock dividend, 0.1 for a one-for-ten reverse split.
    """

    day: Annotated[int, Field(ge=1, le=3650, strict=True)]
    ratio: Annotated[float, Field(gt=0.0, le=100.0, allow_inf_nan=False, strict=True)]
    kind: Literal["split", "dividend"] = "split"


Usd = Annotated[float, Field(ge=0.0, le=1e9, allow_inf_nan=False, strict=True)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False, strict=True)]


@dataclass(frozen=True, kw_only=True, config=STRICT)
class CompanyStrategy:
    """What the strategic Company weighs at each choice the agreement leaves it
    (``docs/decisions.md``). All zero: it acts on the scenario's draws."""

    #: Cost of shortening a controllable duration (notice, drafting, an answer to the
    #: Commission) by one day: counsel's and auditors' overtime.
    effort_usd_per_day: Usd = 0.0
    #: Largest share of a natural duration that effort can save.
    max_speedup: Annotated[float, Field(ge=0.0, le=0.9, allow_inf_nan=False,
                                        strict=True)] = 0.0
    #: Cost per day of being in breach of a term without liquidated damages (litigation,
    #: reputation with investors).
    breach_usd_per_day: Usd = 0.0
    #: Cost per day by which the Investors' resale supply comes earlier (overhang).
    overhang_usd_per_day: Usd = 0.0
    #: Share of an own offering's proceeds lost when a resale registration competes with
    #: it (§1(c), §1(d)).
    offering_competition_fraction: Fraction = 0.0


@dataclass(frozen=True, kw_only=True, config=STRICT)
class InvestorStrategy:
    """What a strategic Investor weighs (``docs/decisions.md``). All zero: it acts on
    the scenario's draws."""

    #: Wants a registration once the price reaches this multiple of its cost per share.
    trigger_price_ratio: Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False,
                                                strict=True)] = 0.0
    #: Will not sell (join, piggy-back, stay in a registration) below this multiple of
    #: its cost per share.
    reservation_price_ratio: Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False,
                                                    strict=True)] = 0.0
    #: Cost to an Investor of an action (a demand, a request to join): counsel.
    action_cost_usd: Usd = 0.0


@dataclass(frozen=True, kw_only=True, config=STRICT)
class WaiverStrategy:
    """§8(c) waivers and amendments as negotiations (``docs/decisions.md``)."""

    #: A holdout's share of the Company's remaining surplus (Nash bargaining power).
    bargaining_power: Fraction = 0.0
    #: What the Company asks for when a breach would cost it (``agents/waivers.py``):
    #: ``none`` (never asks), ``waiver`` (binds its signers only), ``amendment`` (needs
    #: the Company and each Investor).
    form: Literal["none", "waiver", "amendment"] = "none"


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Strategy:
    """The parties' decision models' parameters (strategic policy)."""

    company: CompanyStrategy = CompanyStrategy()
    investors: InvestorStrategy = InvestorStrategy()
    waivers: WaiverStrategy = WaiverStrategy()


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Transfers:
    """§7 private transfers of Registrable Shares (``agents/transfers.py``,
    ``docs/decisions.md`` "Transfers (§7)"). ``rate_per_year`` 0: none (the default)."""

    #: Private sales per Investor of the closing per year (a Poisson process over the
    #: deal, at ``rate_per_year`` times the number of Investors at the closing).
    rate_per_year: Rate = 0.0
    #: Share of the seller's Units sold in one transfer (at least one Unit, at most all).
    units_fraction: Dist = Fixed(value=1.0)
    #: Chance the transferee executes a counterpart at the time of the transfer (§7) and
    #: so becomes an Investor; otherwise the shares lose the rights.
    counterpart_prob: Prob = 0.0
    #: Discount of the private price to the market price (restricted stock, illiquidity).
    price_discount: Fraction = 0.0


#: Most Investors (and, apart, Other Holders) a scenario may name: a private placement
#: has tens (BestNet's: 3.6 million Units). Each holder adds its own random streams to
#: every chunk of deals (about 1 MB per holder in a chunk of 2,000), so a sweep's memory
#: grows with them.
MAX_HOLDERS = 200


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Scenario:
    """Everything about the world a deal meets; validated and frozen."""

    name: Ident
    closing_date: CalendarDate
    horizon_days: Annotated[int, Field(ge=30, le=3650, strict=True)]
    investors: Annotated[tuple[InvestorSpec, ...], Field(max_length=MAX_HOLDERS)]
    other_holders: Annotated[tuple[OtherHolderSpec, ...], Field(max_length=MAX_HOLDERS)] = ()
    prior_statements: tuple[PriorStatement, ...] = ()
    notices: Notices
    capital: Capital
    market: Market
    company: CompanyBehaviour
    offerings: Offerings
    review: Review
    investor_behaviour: InvestorBehaviour
    suspensions: Suspensions
    events: MaterialEvents
    underwriting: Underwriting
    expenses: Expenses
    claims: Claims
    share_adjustments: tuple[ShareAdjustment, ...] = ()
    rule144: Rule144Facts = Rule144Facts()
    strategy: Strategy = Strategy()
    transfers: Transfers = Transfers()

    @model_validator(mode="after")
    def _unique_ids(self) -> "Scenario":
        if not self.investors:
            raise ValueError("investors: at least one investor is required")
        ids = [i.id for i in self.investors] + [o.id for o in self.other_holders]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"investors: duplicate holder ids (investors and other_holders "
                             f"share one namespace): {', '.join(dupes)}; each id must be unique")
        reserved = {"company", "investors", "commission", "underwriter", "calendar", "all",
                    "default"}
        if reserved & set(ids):
            raise ValueError("investors: holder ids must not be one of "
                             + ", ".join(sorted(reserved)))
        return self

    @model_validator(mode="after")
    def _affiliates_can_sell(self) -> "Scenario":
        for i, inv in enumerate(self.investors):
            if inv.affiliate and rule144_limit(self) == 0:
                raise ValueError(
                    f"investors[{i}].affiliate: an affiliate's Rule 144 volume limit is 0 "
                    "shares, so it could never sell; rule144.volume_fraction_outstanding x "
                    "capital.outstanding_common, or market.avg_weekly_volume (with "
                    "rule144.weekly_volume_counts), must come to at least one share")
        return self

    @property
    def total_units(self) -> int:
        """Units held by all Investors."""
        return sum(i.units for i in self.investors)


#: Longest Rule 144 exit an affiliate may need, in months (100 years, as the longest
#: drawn duration, ``sim/world/distributions.py: MAX_DAYS``).
MAX_EXIT_MONTHS = 1200


def rule144_limit(scenario: Scenario) -> int:
    """Rule 144(e)(1)'s limit per period in ``scenario`` (the same arithmetic as
    :func:`sim.world.rule144.volume_limit`, which imports this module)."""
    facts = scenario.rule144
    by_outstanding = math.floor(facts.volume_fraction_outstanding
                                * scenario.capital.outstanding_common + 1e-9)
    by_volume = (math.floor(scenario.market.avg_weekly_volume + 1e-9)
                 if facts.weekly_volume_counts else 0)
    return max(by_outstanding, by_volume)


def check_against_terms(scenario: Scenario, terms: Any, source: str,
                        key: str = "investors") -> None:
    """Checks of a scenario that need the terms (the two come from different files, so
    they are made where both are loaded: by every command that plays deals, and by each
    cell of a spec).

    - The Investors cannot hold more Units than the Company offered: ``investors[*].units``
      sum to at most the terms' ``units_offered`` (recitals).
    - An affiliate's Rule 144 exit of its Registrable Shares (``units`` x the terms'
      shares per Unit) at the volume limit takes at most :data:`MAX_EXIT_MONTHS`.

    Args:
        scenario: The validated scenario.
        terms: The validated terms (``units_offered``, ``registrable_per_unit``).
        source: The file to name.
        key: The key to name for the Units offered: ``investors``, or the
            ``units_offered`` a spec's variant sets.

    Raises:
        ConfigError: one line naming ``source``, the key and what is allowed.
    """
    held, offered = scenario.total_units, terms.units_offered
    if held > offered:
        raise ConfigError(source, key, f"the Investors hold {held:,} Units, more than the "
                          f"{offered:,} Units offered (terms: units_offered); the units "
                          "must sum to at most units_offered")
    limit, months = rule144_limit(scenario), scenario.rule144.volume_months
    for i, inv in enumerate(scenario.investors):
        if inv.affiliate and limit > 0:
            shares = inv.units * terms.registrable_per_unit
            need = -(-shares // limit) * months
            if need > MAX_EXIT_MONTHS:
                raise ConfigError(source, f"investors[{i}]", (
                    f"the affiliate's {shares:,} Registrable Shares take {need:,} months to "
                    f"sell under Rule 144 ({limit:,} shares per {months} months); at most "
                    f"100 years: a larger volume limit (rule144, capital.outstanding_common, "
                    f"market.avg_weekly_volume) or fewer units"))


SCENARIO_PRESETS = {"bestnet-2003": "bestnet-2003.scenario.toml"}
DEFAULT_SCENARIO = "bestnet-2003"


@functools.lru_cache(maxsize=None)
def _preset_table(name: str) -> dict[str, Any]:
    """A shipped scenario's table, parsed once (callers never change it: deep_merge
    copies what it merges into)."""
    text = resources.files("sim.world.presets").joinpath(SCENARIO_PRESETS[name]).read_text("utf-8")
    return tomllib.loads(text)


def scenario_from_dict(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a scenario table (``preset`` key optional) over its preset."""
    data = dict(data)
    preset = preset_of(data, SCENARIO_PRESETS, DEFAULT_SCENARIO, source)
    return build(Scenario, deep_merge(_preset_table(preset), data), source)


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Load a scenario: a preset name, a TOML file overriding a preset, or the default."""
    return load_with_presets(path, SCENARIO_PRESETS, DEFAULT_SCENARIO, scenario_from_dict)
