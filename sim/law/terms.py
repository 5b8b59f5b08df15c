"""Terms: what the parties negotiate.

Every number of the 2003 agreement and every interpretation switch of the reading
(``docs/clauses.md``)
lives here, and nowhere else, as a typed, frozen, keyword-only field carrying the clause
it comes from. The defaults are the agreement as written (preset ``bestnet-2003``).
A terms file is a partial TOML table that overrides a preset.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from sim.core.config import (MAX_COUNT, STRICT, Clause, ConfigError, build,
                             load_with_presets, preset_of)

Days = Annotated[int, Field(ge=0, le=3650, strict=True)]
Count = Annotated[int, Field(ge=0, le=100, strict=True)]
PositiveCount = Annotated[int, Field(ge=1, le=100, strict=True)]
Years = Annotated[int, Field(ge=0, le=10, strict=True)]

#: Sources of terms that are not clauses of the 2003 agreement: the section name a
#: :class:`Clause` (and a rule) cites -> where its words come from.
SOURCES = {
    "PIPE RRA": "a typical PIPE registration rights agreement: docs/calibration.md, "
                "'Contract terms seen in the market' (PIPE resale registration) and 'More "
                "market terms' (liquidated damages in filed PIPE registration rights "
                "agreements); absent from the 2003 agreement (preset pipe-typical sets them)",
    "NVCA IRA": "the NVCA model Investors' Rights Agreement (2020), section 2 (demand, "
                "Form S-3 and piggyback registrations): docs/calibration.md, 'Contract "
                "terms seen in the market' and 'More market terms' (cutback floors); absent "
                "from the 2003 agreement (preset nvca-2020 sets them)",
}

#: "per 30 days" of ``damages_rate_percent_per_30_days``: the damages period, in days.
DAMAGES_PERIOD_DAYS = 30
#: "in any 12 months" of ``damages_grace_days_per_12_months``, as whole calendar years.
DAMAGES_GRACE_WINDOW_YEARS = 1

#: Keys of older terms files that were replaced: old key -> the one-line advice.
RENAMED = {
    "keep_effective_days": "replaced by keep_effective_years (whole calendar years, §2(e): "
                           "a year across February 29 has 366 days); e.g. "
                           "keep_effective_years = 1",
}


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Terms:
    """The negotiated terms of a registration-rights agreement.

    Field defaults are the BestNet agreement of March 30, 2003 as written. Each field's
    ``Clause`` marker (see :func:`clause_of`) names the section and quotes its words.
    """

    # --- Securities (recitals, §7) -------------------------------------------------
    common_per_unit: Annotated[PositiveCount, Clause(
        "recitals", "each unit consisting of ... three shares of Common Stock")] = 3
    preferred_per_unit: Annotated[Count, Clause(
        "recitals", "one share of Series A Preferred Stock")] = 1
    common_per_preferred: Annotated[Count, Clause(
        "recitals", "the Preferred Stock is convertible into two shares of Common Stock")] = 2
    warrants_per_unit: Annotated[Count, Clause(
        "recitals", "three-year warrants ... to purchase one share of Common Stock")] = 1
    common_per_warrant: Annotated[Count, Clause(
        "recitals", "warrants to purchase one share of Common Stock")] = 1

    warrant_exercise_price_usd: Annotated[float, Field(ge=0.0, le=1e6, strict=True), Clause(
        "recitals", "warrants ... to purchase one share of Common Stock at a per share "
        "exercise price of $0.30")] = 0.30
    warrant_term_years: Annotated[Years, Clause(
        "recitals", "three-year warrants (the 'Warrants')")] = 3

    unit_price_usd: Annotated[float, Field(gt=0.0, le=1e6, strict=True), Clause(
        "recitals", "at a purchase price per Unit of $0.30")] = 0.30

    units_offered: Annotated[int, Field(ge=1, le=MAX_COUNT, strict=True), Clause(
        "recitals", "a portion of the 4,500,000 units (collectively, the 'Units' ...) offered "
        "by the Company")] = 4_500_000

    # --- Demand registration (§1(a)) -----------------------------------------------
    demand_threshold: Annotated[float, Field(gt=0.0, le=1.0, strict=True), Clause(
        "§1(a)", "One or more Investors holding a majority of the Units")] = 0.5
    majority_base: Annotated[Literal["units_held", "units_offered"], Clause(
        "§1(a)", "switch: 'a majority of the Units' -- of the Units the Investors hold, or of "
        "the 4,500,000 Units the recitals define as 'the Units'")] = "units_held"
    promptly_days: Annotated[Days, Clause(
        "§1(a)", "the Company shall promptly notify each other Investor "
        "(switch: days after which a Company Notice is late)")] = 10
    joinder_window_days: Annotated[Days, Clause(
        "§1(a)", "provided that such written request is received within twenty (20) days "
        "after the date on which the Company Notice is given")] = 20
    filing_floor_days: Annotated[Days, Clause(
        "§1(a)", "in no event less than 30 days from receipt of the Company Notice")] = 30
    filing_deadline_days: Annotated[Days, Clause(
        "§1(a)", "no more than 45 days from receipt by the Company of the Demand Notice")] = 45
    empty_window: Annotated[Literal["file_at_floor", "file_at_deadline"], Clause(
        "§1(a)", "switch: what the Company does when the 30-day floor falls after the "
        "45-day deadline")] = "file_at_floor"
    company_notice_receipt: Annotated[Literal["last_investor", "first_investor"], Clause(
        "§1(a)", "switch: whose 'receipt of the Company Notice' starts the 30 days")] = (
        "last_investor")
    effectiveness_target_days: Annotated[Days, Clause(
        "§1(a)", "commercially reasonable best efforts to promptly cause to become "
        "effective no later than 120 days from filing")] = 120
    late_response_days: Annotated[Days, Clause(
        "§1(a)", "switch: 'commercially reasonable best efforts' -- a Company response to "
        "Commission comments taking longer than this is the Company's own delay")] = 30
    unconditional_notice: Annotated[Literal["company_notice", "company_notice_receipt"], Clause(
        "§1(a)", "switch: requests 'received by the Company within twenty (20) days from "
        "the date on which the Unconditional Company Notice is received' (undefined term)"
    )] = "company_notice"
    second_demand: Annotated[bool, Field(strict=True), Clause(
        "§1(a)", "unable to file ... all of the Registrable Shares as a result of the failure "
        "to have sufficient authorized capital stock ... a second Demand Registration")] = True

    # --- Other holders (§1(b)) -----------------------------------------------------
    demand_cutback: Annotated[Literal["none", "pro_rata_as_3c", "investors_first"], Clause(
        "§1(b)", "switch: the agreement has no cutback rule for a demand registration")] = "none"

    # --- Limits (§1(c)) ------------------------------------------------------------
    demand_registrations: Annotated[Count, Clause(
        "§1(c)", "obligated to register Investor stock pursuant to SECTION 1(a) on one "
        "occasion only")] = 1
    cooldown_days: Annotated[Days, Clause(
        "§1(c)", "shall not be required to effect any registration within 180 days after "
        "the effective date of any other Registration Statement")] = 180
    cooldown_scope: Annotated[Literal[
        "any_statement", "defined_term", "resale_form", "company_registrations"], Clause(
        "§1(c)", "switch: 'any other Registration Statement' read as any statement, as the "
        "§7 defined term (permits resale of the Registrable Shares), or as a form test (a "
        "form that permits secondary resale); company_registrations: NVCA IRA '180 days "
        "after the effective date of a Company-initiated registration' (the Company's "
        "own offerings only)")] = "any_statement"
    cooldown_effect: Annotated[Literal["file", "effective"], Clause(
        "§1(c)", "switch: 'shall not be required to effect any registration within 180 days' "
        "-- need not file, or need not become effective, inside the cooldown")] = "file"

    # --- Company's right to delay (§1(d)) ------------------------------------------
    delay_uses: Annotated[Count, Clause(
        "§1(d)", "such right to delay a request to be exercised by the Company not more "
        "than once")] = 1
    delay_max_days: Annotated[Days, Clause(
        "§1(d)", "for a period not in excess of 120 days from the effective date of such "
        "offering")] = 120
    delay_plan_window_days: Annotated[Days, Clause(
        "§1(d)", "engaged or has fixed plans to engage within 30 days of the time of the "
        "Demand Notice")] = 30
    delay_other_activity: Annotated[Literal["ignore", "allow"], Clause(
        "§1(d)", "switch: 'or 120 days from the date of commencement of such other material "
        "activity' has no antecedent")] = "ignore"

    # --- Procedures (§2) -----------------------------------------------------------
    keep_effective_years: Annotated[Years, Clause(
        "§2(b), §2(e)", "until the earlier of the sale of all ... or one year after the "
        "effective date (calendar years: 366 days across February 29)")] = 1

    # --- Piggy-back (§3) -----------------------------------------------------------
    piggyback_window_days: Annotated[Days, Clause(
        "§3(a)", "received within twenty (20) days after the date on which the "
        "Registration Notice is given")] = 20
    cutback_rule: Annotated[Literal[
        "pro_rata_holdings", "pro_rata_requested", "investors_first", "floor_percent",
        "investors_first_floor"], Clause(
        "§3(c)", "allocated in proportion, as nearly as practicable to the amounts of "
        "registrable securities held by such holders")] = "pro_rata_holdings"
    cutback_floor_percent: Annotated[float, Field(ge=0.0, le=100.0, strict=True), Clause(
        "§3(c)", "switch for `floor_percent` (percent of the room the Company's shares "
        "leave) and `investors_first_floor` (NVCA IRA: percent of the whole offering): "
        "minimum share of the offering for Investors")] = 0.0

    # --- Indemnification and contribution (§5) ----------------------------------------
    contribution_basis: Annotated[Literal["relative_benefits", "relative_fault"], Clause(
        "§5(d)", "in such proportion as is appropriate to reflect the relative benefits ... or "
        "if ... not permitted by applicable law ... also the relative fault (switch)")] = (
        "relative_benefits")

    cap_excess: Annotated[Literal["indemnified_party", "contribution"], Clause(
        "§5(b), §5(d)", "limited to an amount equal to the proceeds to each Selling Investor "
        "... for any reason other than as specified therein (switch: who bears a loss above "
        "the cap)")] = "indemnified_party"

    # --- Notices (§8(a)) -----------------------------------------------------------
    notices_effective: Annotated[Literal["by_method", "on_receipt", "on_dispatch"], Clause(
        "§8(a)", "shall be deemed to have been given if sent by registered or certified mail "
        "... may also be given by personal delivery, by facsimile or by regular mail, but shall "
        "be effective only if and when actually received (switch: the day a notice is given; "
        "receipt is always its arrival)")] = "by_method"

    # --- Liquidated damages (absent from the 2003 agreement; PIPE RRA) -----------------
    # The 2003 agreement has no liquidated damages: a rate of 0 (the default) means none,
    # and every other damages term is then inert. A typical PIPE registration rights
    # agreement (preset pipe-typical) sets them; see SOURCES["PIPE RRA"].
    damages_rate_percent_per_30_days: Annotated[float, Field(ge=0.0, le=100.0, strict=True),
                                                Clause(
        "PIPE RRA", "liquidated damages about 1% of the investment per 30 days late (some "
        "1.5-2%) ... 1% of the purchase price per 30 days late (pro-rated) (0 = none: the "
        "2003 agreement has no liquidated damages)")] = 0.0
    damages_cap_percent: Annotated[float, Field(ge=0.0, le=100.0, strict=True), Clause(
        "PIPE RRA", "capped near 10% ... caps near 10% of the investment (percent of the "
        "purchase price; 0 = no cap)")] = 0.0
    damages_interest_percent_per_year: Annotated[float, Field(ge=0.0, le=100.0, strict=True),
                                                 Clause(
        "PIPE RRA", "often with 1% per month interest on unpaid damages (simple interest, "
        "percent per year; 0 = none)")] = 0.0
    damages_on_filing_failure: Annotated[bool, Field(strict=True), Clause(
        "PIPE RRA", "liquidated damages ... per 30 days late: a statement not filed by its "
        "filing deadline")] = True
    damages_on_effectiveness_failure: Annotated[bool, Field(strict=True), Clause(
        "PIPE RRA", "liquidated damages ... per 30 days late: a statement not effective by "
        "its effectiveness deadline")] = True
    damages_on_maintenance_failure: Annotated[bool, Field(strict=True), Clause(
        "PIPE RRA", "Maintenance failures usually allow grace periods ... before damages "
        "run: sales suspended beyond the grace days")] = True
    damages_grace_consecutive_days: Annotated[Days, Clause(
        "PIPE RRA", "grace periods of 10 consecutive ... trading days ... before damages run "
        "(counted in calendar days, as every period of the model)")] = 0
    damages_grace_days_per_12_months: Annotated[Days, Clause(
        "PIPE RRA", "grace periods of ... 20 total trading days in any 12 months before "
        "damages run (calendar days; any 12 months: a calendar year)")] = 0

    # --- Mandatory resale registration (absent from the 2003 agreement; PIPE RRA) ------
    registration_trigger: Annotated[Literal["demand", "closing"], Clause(
        "PIPE RRA", "PIPE resale registration: file within 30 days of closing (closing: the "
        "Company registers all Registrable Shares for resale after the closing, no demand "
        "needed; demand: only on a Demand Notice, as §1(a))")] = "demand"
    closing_filing_deadline_days: Annotated[Days, Clause(
        "PIPE RRA", "file within 30 days of closing (45 in some) (registration_trigger = "
        "closing)")] = 0
    closing_effective_deadline_days: Annotated[Days, Clause(
        "PIPE RRA", "effective within 60-90 days of closing without review "
        "(registration_trigger = closing)")] = 0
    closing_effective_deadline_reviewed_days: Annotated[Days, Clause(
        "PIPE RRA", "90-120 with review (days from closing when the Commission reviews the "
        "statement; registration_trigger = closing)")] = 0
    keep_effective_until: Annotated[Literal["years", "rule144_unlimited"], Clause(
        "PIPE RRA", "keep effective until sold or Rule 144 without volume limits "
        "(rule144_unlimited; years: keep_effective_years, as §2(b), §2(e))")] = "years"

    # --- Demand terms of the NVCA model (absent from the 2003 agreement; NVCA IRA) ------
    demand_min_percent: Annotated[float, Field(ge=0.0, le=100.0, strict=True), Clause(
        "NVCA IRA", "a request ... that the Company file a Form S-1 registration statement "
        "with respect to at least [40%] of the Registrable Securities then outstanding "
        "(minimum size, percent of the Registrable Shares; 0 = none)")] = 0.0
    demand_used_min_included_percent: Annotated[float, Field(ge=0.0, le=100.0, strict=True),
                                                Clause(
        "NVCA IRA", "a demand is not used up if under 50% of requested shares are included "
        "(percent of the requested shares a statement must include to use up the demand; "
        "§1(c): 'covering all shares ... specified' = 100)")] = 100.0
    s3_demands_per_12_months: Annotated[Count, Clause(
        "NVCA IRA", "up to 2 short-form (S-3) demands per 12 months (file within 45 days) "
        "(0 = none; only when the Company is eligible for Form S-3)")] = 0
    s3_filing_deadline_days: Annotated[Days, Clause(
        "NVCA IRA", "up to 2 short-form (S-3) demands per 12 months (file within 45 days)")] = 0
    delay_basis: Annotated[Literal["offering", "board_judgment"], Clause(
        "NVCA IRA", "company deferral 30-120 days (board_judgment: on the Board's good faith "
        "judgment that filing now would be materially detrimental, from receipt of the "
        "request; offering: §1(d), a planned registered offering)")] = "offering"
    delay_uses_per: Annotated[Literal["agreement", "twelve_months"], Clause(
        "NVCA IRA", "company deferral ... once in 12 months (twelve_months: delay_uses in "
        "any 12 months; agreement: in all, §1(d) 'not more than once')")] = "agreement"
    blackout_before_days: Annotated[Days, Clause(
        "NVCA IRA", "blackout from 60 days before to 180 days after a company registration "
        "(days before the Company's good faith estimate of the filing of its own "
        "registration; 0 = none)")] = 0
    keep_effective_max_days: Annotated[Days, Clause(
        "NVCA IRA", "keep effective 120 days (days from the effective date, or until the "
        "distribution is complete; 0 = no limit beyond keep_effective_years)")] = 0

    @property
    def registrable_per_unit(self) -> int:
        """Registrable Shares per Unit (§7): Common + conversion shares + warrant shares."""
        return (self.common_per_unit + self.preferred_per_unit * self.common_per_preferred
                + self.warrants_per_unit * self.common_per_warrant)

    @property
    def warrant_shares_per_unit(self) -> int:
        """Registrable Shares per Unit issued on exercise of the Warrants (recitals)."""
        return self.warrants_per_unit * self.common_per_warrant

    @property
    def capital_dependent_per_unit(self) -> int:
        """Shares per Unit that need authorized capital (§1(a)): conversion + warrant."""
        return (self.preferred_per_unit * self.common_per_preferred
                + self.warrants_per_unit * self.common_per_warrant)


#: Shipped presets (``sim/law/presets/<name>.terms.toml``, each citing its sources in
#: comments), in the order they are listed.
PRESET_NAMES = ("bestnet-2003", "pipe-typical", "nvca-2020")
DEFAULT_PRESET = "bestnet-2003"


def _read_presets() -> dict[str, dict[str, Any]]:
    files = resources.files("sim.law.presets")
    return {name: tomllib.loads(files.joinpath(f"{name}.terms.toml").read_text("utf-8"))
            for name in PRESET_NAMES}


#: Presets shipped with the package: name -> overrides of the defaults.
PRESETS: dict[str, dict[str, Any]] = _read_presets()


def clause_of(name: str) -> Clause:
    """The :class:`Clause` marker of a terms field."""
    hints = typing.get_type_hints(Terms, include_extras=True)
    for meta in getattr(hints[name], "__metadata__", ()):
        if isinstance(meta, Clause):
            return meta
    raise KeyError(name)


def term_names() -> list[str]:
    """All terms fields in declaration order."""
    return [f.name for f in dataclasses.fields(Terms)]


def terms_from_dict(data: dict[str, Any], source: str = "<terms>") -> Terms:
    """Validate a terms table (``preset`` key optional) into :class:`Terms`.

    Raises:
        ConfigError: one line naming ``source``, the key and what is allowed.
    """
    data = dict(data)
    for old, advice in RENAMED.items():
        if old in data:
            raise ConfigError(source, old, advice)
    preset = preset_of(data, PRESETS, DEFAULT_PRESET, source)
    terms = build(Terms, {**PRESETS[preset], **data}, source)
    check_given(terms, data, source)
    return terms


#: The cutback rules that read ``cutback_floor_percent`` (§3(c)).
FLOOR_RULES = ("floor_percent", "investors_first_floor")


def check_given(terms: Terms, given: Any, source: str, prefix: str = "") -> None:
    """Cross-field checks of the keys a file sets itself (``given``), over valid terms.

    A key the file sets that the terms then ignore is a mistake the user should hear
    of: ``cutback_floor_percent`` under a ``cutback_rule`` that has no floor. (A value
    inherited from a preset whose rule the file changes is left alone: inert.)

    Raises:
        ConfigError: one line naming both keys and the rules that read the floor.
    """
    if ("cutback_floor_percent" in given and terms.cutback_floor_percent != 0.0
            and terms.cutback_rule not in FLOOR_RULES):
        key = f"{prefix}.cutback_floor_percent" if prefix else "cutback_floor_percent"
        raise ConfigError(source, key, f"set, but cutback_rule = {terms.cutback_rule!r} "
                          "ignores it; only cutback_rule = " + " or ".join(
                              repr(r) for r in FLOOR_RULES) + " reads the floor (§3(c))")


def load_terms(path: str | Path | None = None) -> Terms:
    """Load terms: a preset name, a TOML file overriding a preset, or (None) the default."""
    return load_with_presets(path, PRESETS, DEFAULT_PRESET, terms_from_dict)


def diff_terms(a: Terms, b: Terms) -> list[tuple[str, Any, Any]]:
    """Fields whose values differ between two terms, in declaration order."""
    return [(n, getattr(a, n), getattr(b, n)) for n in term_names()
            if getattr(a, n) != getattr(b, n)]


def diff_by_clause(a: Terms, b: Terms) -> list[tuple[str, list[tuple[str, Any, Any, str]]]]:
    """:func:`diff_terms` grouped by the clause each term cites, clauses in the order the
    terms are declared: ``[(section, [(term, value in a, value in b, words)])]``."""
    groups: dict[str, list[tuple[str, Any, Any, str]]] = {}
    for name, va, vb in diff_terms(a, b):
        c = clause_of(name)
        groups.setdefault(c.section, []).append((name, va, vb, c.words))
    return list(groups.items())
