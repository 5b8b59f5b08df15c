"""What-if scripts: fix decisions and draws of one timeline.

A script is a TOML file; every key is optional and replaces one random draw or one
decision of a policy. Keys (days are whole calendar days; ``[investors.<id>]`` tables
apply to one investor, ``[investors.all]`` to every investor without its own value)::

    [demand]
    day = 10                      # the Demand Notice is sent on day 10
    by = ["inv01", "inv03"]       # ... by these Initiating Investors

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

    [investors.inv05]             # (or [investors.all])
    join = true                   # asks to be included
    join_response_days = 5
    info_response_days = 30       # §6 answer 30 days after the request arrives
    sell_days = 100               # usable days needed to sell out
    withdraw_on_mai = true
    piggyback = true              # asks to be included in Company registrations (§3(a))
    piggyback_response_days = 4
    accept_underwriting = true    # accepts the underwriting terms (§3(c))

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
    mai_day = 50                  # material adverse information disclosed (none if absent)
    other_activity_day = 10       # other material activity commences (none if absent)
    suspensions = [[30, 7]]       # (days after effectiveness, length) per amendment
    market_returns = [0.1, -0.2]  # monthly log returns of the price path (then zeros)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sim.config import STRICT, ConfigError, build, read_toml

Day = Annotated[int, Field(ge=0, le=3650, strict=True)]
Flag = Annotated[bool, Field(strict=True)]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$", strict=True)]


@dataclass(frozen=True, kw_only=True, config=STRICT)
class DemandScript:
    day: Day | None = None
    by: tuple[Ident, ...] | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class CompanyScript:
    notice_delay_days: Day | None = None
    prep_days: Day | None = None
    invoke_delay: Flag | None = None
    invoke_cooldown: Flag | None = None
    delay_hold_days: Day | None = None
    reserved_other_shares: Annotated[int, Field(ge=0, strict=True)] | None = None
    capital_increase_days: Day | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class InvestorScript:
    join: Flag | None = None
    join_response_days: Day | None = None
    info_response_days: Day | None = None
    sell_days: Day | None = None
    withdraw_on_mai: Flag | None = None
    piggyback: Flag | None = None
    piggyback_response_days: Day | None = None
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
    company_shares: Annotated[int, Field(ge=0, strict=True)] = 0
    marketing_limit: Annotated[int, Field(ge=0, strict=True)] | None = None
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

    demand: DemandScript = DemandScript()
    company: CompanyScript = CompanyScript()
    latency: dict[Ident, Day] = Field(default_factory=dict)
    investors: dict[Ident, InvestorScript] = Field(default_factory=dict)
    review: ReviewScript = ReviewScript()
    offerings: tuple[OfferingScript, ...] | None = None
    events: EventsScript = EventsScript()

    def investor(self, investor_id: str) -> InvestorScript | None:
        """The investor's own table, else ``[investors.all]``, else None."""
        return self.investors.get(investor_id) or self.investors.get("all")

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
            must name them (None skips the check).
        other_holder_ids: Other Holder ids, allowed besides investors in ``[latency]``.

    Raises:
        ConfigError: one line naming the file, the key and what is allowed.
    """
    data: dict[str, Any] = read_toml(path)
    script = build(Script, data, str(path))
    if investor_ids is not None:
        allowed = ", ".join(sorted(investor_ids))
        for i, inv in enumerate(script.demand.by or ()):
            if inv not in investor_ids:
                raise ConfigError(str(path), f"demand.by[{i}]",
                                  f"{inv!r} is not an Investor; allowed: {allowed}")
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
