"""What-if scripts: fix decisions and draws of one timeline.

A script is a TOML file; every key is optional and replaces one random draw or one
decision of a policy. Days are whole calendar days from closing (day 0). Keys::

    [demand]                      # the first Demand Notice (demand cycle 0)
    day = 10                      # sent on day 10 ...
    by = ["inv01", "inv03"]       # ... by these Initiating Investors (each named once, at
                                  # least one; without `by`, every Investor; `by` without
                                  # `day`: sent when the last of them wants a registration)
    shares = { inv01 = 500000 }   # shares an Initiating Investor asks to include (partial
                                  # request; default all it holds unregistered, never more)
    underwritten = true           # the method of disposition the requesting holders
                                  # specify (§1(c)): an underwritten sale

    [demand.withdrawal]           # the Investors ask for the statement's withdrawal (§1(c))
    day = 40                      # ... on day 40 (acted on once the Company has the demand,
                                  # and only while the statement is not yet effective)
    cause = "information"         # "information" | "price" | "other" | "none", or a list of
                                  # causes (["information", "price"]: not "solely" information)
    information_day = 30          # material information made known to the Investors on day
                                  # 30 (required with "information"; day defaults to it)
    # price_drop = 0.5            # only with cause = "price" and no day: withdraw on the
                                  # first day the price is 50% below the price on the request
                                  # day (default: investor_behaviour.withdraw_price_drop)
                                  # The request day is the day the Demand Notice is sent;
                                  # only information made known after it, as the sole cause,
                                  # leaves the demand unused (§1(c)).

    [[demands]]                   # instead of [demand]: one table per demand cycle, in order
    day = 10                      # (cycle 0, then the renewed demand after a withdrawal or
    by = ["inv01", "inv02"]       # the second demand of §1(a), ...), each with the keys of
    [demands.withdrawal]          # [demand]; a cycle past the array is drawn. A table for the
    day = 30                      # next cycle also makes the Investors demand again after a
    cause = "other"               # withdrawal that used up the demand (the Company refuses).
    [[demands]]
    day = 80
    by = ["inv01", "inv02", "inv05"]

    [company]
    notice_delay_days = 20        # Company Notice given 20 days after receipt of demand
    prep_days = 25                # drafting done 25 days after receipt of demand
    invoke_delay = true           # use the §1(d) delay right when it is available
    invoke_cooldown = true        # decline to file inside a §1(c) cooldown
    delay_hold_days = 60          # ... and hold until 60 days after the offering is effective
    reserved_other_shares = 0     # authorized capital reserved for other securities
    capital_increase_days = 90    # shareholders authorize more capital 90 days after a shortfall

    [latency]                     # §8(a) delivery days, by recipient or sender id
    default = 3
    inv05 = 12

    [investors.all]               # every Investor ...
    join = true                   # asks to be included
    join_response_days = 5
    join_shares = 100000          # ... asking to include at most 100,000 shares (partial)
    info_response_days = 30       # §6 answer 30 days after the request arrives
    sell_days = 100               # usable days needed to sell out
    withdraw_on_mai = true        # withdraws when material information surfaces (drawn
                                  # information, or events.mai_day)
    piggyback = true              # asks to be included in Company registrations (§3(a))
    piggyback_response_days = 4
    piggyback_shares = 50000      # ... for at most 50,000 shares (partial)
    accept_underwriting = true    # accepts the underwriting terms (§3(c))

    [investors.inv05]             # one Investor: its keys override [investors.all] key by
    join = false                  # key; a key neither table sets is drawn

    [review]
    reviewed = false              # no review
    no_review_days = 7
    first_comment_days = 25
    comment_letters = 2
    response_days = [14, 35]      # per round
    turnaround_days = [10]        # staff days before each later letter
    clearance_days = 4

    [[offerings]]                 # replaces the scenario's random offerings
    type = "public"               # public | stock_plan | rule_145 | convertible_debt
    plan_day = 0                  # plans fixed
    file_day = 5
    effective_day = 60            # or withdrawn_day = 60
    underwritten = true
    distribution_days = 5
    company_shares = 10000000      # the Company's own shares in it
    marketing_limit = 12000000     # the underwriters' limit on all shares (§3(c))
    notice_day = 2                # the Registration Notice is given on day 2 (§3(a))

    [events]
    mai_day = 50                  # material adverse information made known on day 50 while
                                  # the first demand is pending; the Investors withdraw if
                                  # withdraw_on_mai (not with [demand.withdrawal])
    other_activity_day = 10       # other material activity commences (none if absent)
    suspensions = [[30, 7]]       # (days after effectiveness, length) per amendment
    market_returns = [0.1, -0.2]  # monthly log returns of the price path (then zeros)

Withdrawals a script does not fix are drawn as the scenario says (material information
made known after or before the request, a price fall, other reasons), in a scripted run
for the first demand cycle only: a renewed cycle runs its course unless its table says.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator
from pydantic.dataclasses import dataclass

from sim.core.config import MAX_COUNT, STRICT, ConfigError, build, read_toml

Day = Annotated[int, Field(ge=0, le=3650, strict=True)]
Flag = Annotated[bool, Field(strict=True)]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$", strict=True)]


#: Demand cycles a deal plays at most (the first demand, renewals, the second demand).
MAX_DEMAND_CYCLES = 6
#: Causes of a withdrawal at the Investors' request (§1(c)).
WITHDRAWAL_CAUSES = ("information", "price", "other")
Cause = Literal["information", "price", "other", "none"]
Shares = Annotated[int, Field(ge=0, le=MAX_COUNT, strict=True)]


def _as_tuple(value: Any) -> Any:
    """One cause may be written alone: ``cause = "price"`` is ``cause = ["price"]``."""
    return (value,) if isinstance(value, str) else value


@dataclass(frozen=True, kw_only=True, config=STRICT)
class WithdrawalScript:
    """The Investors' request to withdraw the statement of one demand cycle (§1(c))."""

    day: Day | None = None
    cause: Annotated[tuple[Cause, ...], BeforeValidator(_as_tuple)]
    information_day: Day | None = None
    price_drop: Annotated[float, Field(gt=0.0, lt=1.0, strict=True)] | None = None

    @property
    def causes(self) -> tuple[str, ...]:
        """The causes, in the order of :data:`WITHDRAWAL_CAUSES` (empty for "none")."""
        return tuple(c for c in WITHDRAWAL_CAUSES if c in self.cause)

    @model_validator(mode="after")
    def _facts(self) -> "WithdrawalScript":
        given = self.cause
        if not given or len(set(given)) != len(given) or ("none" in given and len(given) > 1):
            raise ValueError("cause: one of 'information', 'price', 'other', 'none', or a "
                             "list of distinct causes without 'none'")
        causes = self.causes
        if not causes:
            if (self.day, self.information_day, self.price_drop) != (None, None, None):
                raise ValueError("cause: 'none' takes no day, information_day or price_drop")
            return self
        if "information" in causes:
            if self.information_day is None:
                raise ValueError("information_day: required key with cause 'information' "
                                 "(the day the information was made known to the Investors)")
            if self.day is not None and self.day < self.information_day:
                raise ValueError("day: must not be before information_day (a withdrawal "
                                 "'as a result of' the information)")
        elif self.information_day is not None:
            raise ValueError("information_day: only with cause 'information'")
        if self.day is None and causes != ("price",) and "information" not in causes:
            raise ValueError("day: required key (only a 'price' withdrawal may leave the day "
                             "to the price path)")
        if self.price_drop is not None and causes != ("price",):
            raise ValueError("price_drop: only with cause 'price' alone")
        return self


@dataclass(frozen=True, kw_only=True, config=STRICT)
class DemandScript:
    """One demand cycle: when, by whom, for how many shares, and its withdrawal."""

    day: Day | None = None
    by: tuple[Ident, ...] | None = None
    shares: dict[Ident, Shares] = Field(default_factory=dict)
    underwritten: Flag | None = None
    withdrawal: WithdrawalScript | None = None

    @model_validator(mode="after")
    def _initiating(self) -> "DemandScript":
        if self.by is not None:
            if not self.by:
                raise ValueError("by: name at least one Initiating Investor (leave `by` out "
                                 "for every Investor)")
            twice = sorted({i for i in self.by if self.by.count(i) > 1})
            if twice:
                raise ValueError(f"by: names {twice[0]!r} twice; each Initiating Investor "
                                 "once (its Units count once)")
        return self


@dataclass(frozen=True, kw_only=True, config=STRICT)
class CompanyScript:
    notice_delay_days: Day | None = None
    prep_days: Day | None = None
    invoke_delay: Flag | None = None
    invoke_cooldown: Flag | None = None
    delay_hold_days: Day | None = None
    reserved_other_shares: Shares | None = None
    capital_increase_days: Day | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class InvestorScript:
    join: Flag | None = None
    join_response_days: Day | None = None
    join_shares: Shares | None = None
    info_response_days: Day | None = None
    sell_days: Day | None = None
    withdraw_on_mai: Flag | None = None
    piggyback: Flag | None = None
    piggyback_response_days: Day | None = None
    piggyback_shares: Shares | None = None
    accept_underwriting: Flag | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class ReviewScript:
    reviewed: Flag | None = None
    no_review_days: Day | None = None
    first_comment_days: Day | None = None
    comment_letters: Annotated[int, Field(ge=1, le=20, strict=True)] | None = None
    response_days: tuple[Day, ...] | None = None
    turnaround_days: tuple[Day, ...] | None = None
    clearance_days: Day | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class OfferingScript:
    type: Literal["public", "stock_plan", "rule_145", "convertible_debt"] = "public"
    plan_day: Day = 0
    file_day: Day
    effective_day: Day | None = None
    withdrawn_day: Day | None = None
    underwritten: Flag = False
    distribution_days: Day = 0
    company_shares: Shares = 0
    marketing_limit: Shares | None = None
    notice_day: Day | None = None

    @model_validator(mode="after")
    def _outcome(self) -> "OfferingScript":
        if (self.effective_day is None) == (self.withdrawn_day is None):
            raise ValueError("effective_day: give exactly one of effective_day or withdrawn_day")
        end = self.effective_day if self.effective_day is not None else self.withdrawn_day
        if not self.plan_day <= self.file_day <= end:
            raise ValueError("file_day: days must satisfy plan_day <= file_day <= "
                             "effective_day (or withdrawn_day)")
        if self.notice_day is not None and self.notice_day < self.plan_day:
            raise ValueError("notice_day: must not be before plan_day")
        return self


@dataclass(frozen=True, kw_only=True, config=STRICT)
class EventsScript:
    mai_day: Day | None = None
    other_activity_day: Day | None = None
    suspensions: tuple[tuple[Day, Annotated[int, Field(ge=1, le=365, strict=True)]], ...] | None = None
    market_returns: tuple[Annotated[float, Field(ge=-5, le=5, strict=True)], ...] | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Script:
    """A what-if script: fixed decisions and draws for one timeline."""

    demand: DemandScript | None = None
    demands: tuple[DemandScript, ...] | None = Field(default=None,
                                                      max_length=MAX_DEMAND_CYCLES)
    company: CompanyScript = CompanyScript()
    latency: dict[Ident, Day] = Field(default_factory=dict)
    investors: dict[Ident, InvestorScript] = Field(default_factory=dict)
    review: ReviewScript = ReviewScript()
    offerings: tuple[OfferingScript, ...] | None = None
    events: EventsScript = EventsScript()

    @model_validator(mode="after")
    def _one_demand_form(self) -> "Script":
        if self.demand is not None and self.demands is not None:
            raise ValueError("demands: give [demand] (the first cycle) or [[demands]] (one "
                             "table per cycle), not both")
        first = self.demand_for(0)
        if (self.events.mai_day is not None and first is not None
                and first.withdrawal is not None):
            raise ValueError("events.mai_day: give it or [demand.withdrawal], not both")
        return self

    def demand_for(self, cycle: int) -> DemandScript | None:
        """The script's table for demand cycle ``cycle`` (0 = first), or None."""
        if self.demands is not None:
            return self.demands[cycle] if cycle < len(self.demands) else None
        return self.demand if cycle == 0 else None

    def investor(self, investor_id: str) -> InvestorScript | None:
        """The investor's table: its own keys, else ``[investors.all]``'s, key by key."""
        own, everyone = self.investors.get(investor_id), self.investors.get("all")
        if own is None or everyone is None:
            return own if own is not None else everyone
        return InvestorScript(**{f.name: (v if (v := getattr(own, f.name)) is not None
                                          else getattr(everyone, f.name))
                                 for f in dataclasses.fields(InvestorScript)})

    def investor_value(self, investor_id: str, key: str) -> Any:
        """One key of an investor's table (its own, else ``[investors.all]``), or None."""
        own = self.investors.get(investor_id)
        value = getattr(own, key) if own is not None else None
        if value is None and (everyone := self.investors.get("all")) is not None:
            value = getattr(everyone, key)
        return value

    def latency_for(self, *ids: str) -> int | None:
        """Fixed delivery days for a notice between ``ids`` (first match), or default."""
        for i in ids:
            if i in self.latency:
                return self.latency[i]
        return self.latency.get("default")


def load_script(path: str | Path, investor_ids: set[str] | None = None,
                other_holder_ids: set[str] = frozenset()) -> Script:
    """Load and validate a what-if script.

    Args:
        path: The TOML file.
        investor_ids: Investor ids of the scenario: ``demand.by`` and ``[investors.*]``
            must name them, in every demand cycle (None skips the check).
        other_holder_ids: Other Holder ids, allowed besides investors in ``[latency]``.

    Raises:
        ConfigError: one line naming the file, the key and what is allowed.
    """
    data: dict[str, Any] = read_toml(path)
    script = build(Script, data, str(path))
    if investor_ids is not None:
        allowed = ", ".join(sorted(investor_ids))
        cycles = ([("demand", script.demand)] if script.demand is not None else []) + [
            (f"demands[{k}]", d) for k, d in enumerate(script.demands or ())]
        for where, d in cycles:
            for i, inv in enumerate(d.by or ()):
                if inv not in investor_ids:
                    raise ConfigError(str(path), f"{where}.by[{i}]",
                                      f"{inv!r} is not an Investor; allowed: {allowed}")
            for inv in d.shares:
                if inv not in investor_ids:
                    raise ConfigError(str(path), f"{where}.shares.{inv}",
                                      f"not an Investor; allowed: {allowed}")
        for key in script.investors:
            if key != "all" and key not in investor_ids:
                raise ConfigError(str(path), f"investors.{key}",
                                  f"not an Investor; allowed: all, {allowed}")
        holders = investor_ids | set(other_holder_ids) | {"company", "default"}
        for key in script.latency:
            if key not in holders:
                raise ConfigError(str(path), f"latency.{key}", "unknown holder; allowed: "
                                  + ", ".join(sorted(holders)))
    return script
