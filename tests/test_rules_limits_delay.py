"""§1(b) other holders, §1(c) registration limitation, §1(d) Company's delay: fact patterns."""

from __future__ import annotations

from sim.law.rules.delay import (
    activity_supports_delay,
    delay_cap_day,
    delay_end_latest,
    delay_right_left,
    excused_deadline,
    offering_supports_delay,
)
from sim.law.rules.limits import (
    cooldown_end,
    cooldown_release_day,
    counts_for_cooldown,
    demand_available,
    registers_registrable,
    withdrawal_uses_demand,
    effective_statement_satisfies_demand,
)
from sim.law.rules.other_holders import demand_cutback_applies, other_holder_included
from sim.law.terms import Terms

T = Terms()


# --- §1(b) Other Holders ------------------------------------------------------------------

def test_1b_other_holder_request_before_scope_fixed_is_included():
    """§1(b): scope of the demand statement fixed day 23; an Other Holder's request
    received day 20 or day 23 is included, one received day 24 is not."""
    assert other_holder_included(20, 23) is True
    assert other_holder_included(23, 23) is True
    assert other_holder_included(24, 23) is False


def test_1b_no_cutback_of_a_demand_registration_as_written():
    """§1(b): the agreement has no cutback for a demand registration, even underwritten."""
    assert demand_cutback_applies(True, T) is False
    assert demand_cutback_applies(False, T) is False


def test_1b_demand_cutback_switch_applies_only_to_underwritten():
    """§1(b) switch demand_cutback: a negotiated cutback bites only in an underwriting."""
    for rule_name in ("pro_rata_as_3c", "investors_first"):
        terms = Terms(demand_cutback=rule_name)
        assert demand_cutback_applies(True, terms) is True
        assert demand_cutback_applies(False, terms) is False


# --- §1(c) "on one occasion only" ---------------------------------------------------------

def test_1c_demand_available_on_one_occasion_only():
    """§1(c): no demand used yet -> available; one used -> not available."""
    assert demand_available(0, False, T) is True
    assert demand_available(1, False, T) is False


def test_1c_second_demand_does_not_count_against_the_one_occasion():
    """§1(c) "Except as otherwise provided in SECTION 1(a)": the §1(a) second demand for
    shares left out for lack of capital is available though the one demand is used."""
    assert demand_available(1, True, T) is True


def test_1c_demand_available_negotiated_two_demands():
    """§1(c) variant demand_registrations=2: the second ordinary demand is available."""
    two = Terms(demand_registrations=2)
    assert demand_available(1, False, two) is True
    assert demand_available(2, False, two) is False


def test_1c_withdrawal_at_investors_request_uses_the_demand():
    """§1(c)(ii): withdrawn at the requesting Investors' request (they changed their
    minds, the price fell) -> demand satisfied."""
    assert withdrawal_uses_demand(("other",), None, 10) is True
    assert withdrawal_uses_demand(("price",), None, 10) is True


def test_1c_withdrawal_because_of_later_material_adverse_information_does_not():
    """§1(c)(ii): withdrawn at the Investors' request solely because of material
    information about the Company made known after the request -> demand not used;
    made known on the request day or before it, or not solely -> used."""
    assert withdrawal_uses_demand(("information",), 11, 10) is False
    assert withdrawal_uses_demand(("information",), 10, 10) is True
    assert withdrawal_uses_demand(("information",), 9, 10) is True
    assert withdrawal_uses_demand(("information", "price"), 11, 10) is True


def test_1c_withdrawal_not_at_investors_request_does_not_use_the_demand():
    """§1(c): the Company withdraws on its own -> not "withdrawn at the request of the
    Investors", so the demand is not satisfied."""
    assert withdrawal_uses_demand(("other",), None, 10, at_investors_request=False) is False
    assert withdrawal_uses_demand(("information",), 5, 10, at_investors_request=False) is False


# --- §1(c) 180-day cooldown ---------------------------------------------------------------

def test_1c_cooldown_scope_any_statement_counts_every_statement():
    """§1(c) switch cooldown_scope=any_statement (default): a Company primary offering
    (no resale of Registrable Shares, on any form) counts, and so does a resale statement."""
    assert counts_for_cooldown(False, False, T) is True
    assert counts_for_cooldown(True, True, T) is True


def test_1c_cooldown_scope_defined_term_counts_only_statements_of_registrable_shares():
    """§1(c) switch cooldown_scope=defined_term: only a §7 "Registration Statement", one
    that "permits the secondary resale thereunder of the Units and the Registrable
    Shares", counts -- a resale form carrying only other holders' shares does not."""
    defined = Terms(cooldown_scope="defined_term")
    assert counts_for_cooldown(False, False, defined) is False
    assert counts_for_cooldown(False, True, defined) is False
    assert counts_for_cooldown(True, True, defined) is True


def test_1c_cooldown_scope_resale_form_reads_the_form():
    """§1(c) switch cooldown_scope=resale_form: §7 read as a form test -- a statement on a
    form that permits secondary resale counts (the 2002 resale statement of other holders'
    shares); a Form S-8 stock-plan statement does not."""
    form = Terms(cooldown_scope="resale_form")
    assert counts_for_cooldown(False, True, form) is True
    assert counts_for_cooldown(False, False, form) is False


def test_1c_registration_statement_of_the_registrable_shares_needs_investors_shares():
    """§7 "permits the secondary resale ... of the Units and the Registrable Shares": an
    offering with 250,000 Investors' shares does; one with none (only the Company's and
    Other Holders' shares) does not."""
    assert registers_registrable(250_000) is True
    assert registers_registrable(0) is False


def test_1c_cooldown_statement_effective_day_minus_86_covers_filing_day_50():
    """§1(c): a statement effective day -86 (before closing); filing planned day 50 is
    within 180 days after it -> the Company need not file until day 95."""
    assert cooldown_end(50, [-86], T) == 95


def test_1c_cooldown_covers_day_180_and_frees_day_181():
    """§1(c) "within 180 days after" E covers days E+1 .. E+180 (RULES.md "Counting
    days", as the joinder window): -86 + 180 = day 94 is still inside; day 95 is free."""
    assert cooldown_end(94, [-86], T) == 95
    assert cooldown_end(95, [-86], T) is None
    assert cooldown_release_day(50, [-86], T) == 95


def test_1c_cooldown_starts_the_day_after_the_effective_day():
    """§1(c): statement effective day 50 -> days 51 .. 230 are within 180 days after it;
    day 50 itself is not "after" it."""
    assert cooldown_end(50, [50], T) is None
    assert cooldown_end(51, [50], T) == 231


def test_1c_cooldown_statement_effective_after_filing_day_does_not_count():
    """§1(c): a statement effective day 60 does not block a filing on day 50."""
    assert cooldown_end(50, [60], T) is None


def test_1c_cooldown_no_other_statements():
    """§1(c): no other Registration Statement -> no cooldown."""
    assert cooldown_end(50, [], T) is None


def test_1c_cooldown_multiple_statements_latest_end_governs():
    """§1(c): statements effective days -150, -86 and -200 (the last one's cooldown ended
    day -20); day 20 is inside the first two, which free days 31 and 95 -> day 95."""
    assert cooldown_end(20, [-150, -86, -200], T) == 95
    assert cooldown_end(40, [-150], T) is None


def test_1c_cooldowns_in_a_chain_release_at_the_last_end():
    """§1(c): statements effective days -86 and 90: a day-50 filing waits to day 95, which
    is within 180 days after day 90 -> it waits again, to day 271."""
    assert cooldown_release_day(50, [-86, 90], T) == 271


def test_1c_cooldown_negotiated_90_days():
    """§1(c) variant cooldown_days=90: effective day -86 covers days -85 .. 4; day 50 is
    free, day 4 waits to day 5."""
    short = Terms(cooldown_days=90)
    assert cooldown_end(50, [-86], short) is None
    assert cooldown_end(4, [-86], short) == 5


# --- §1(d) Company's right to delay -------------------------------------------------------

def test_1d_engaged_offering_filed_before_demand_not_resolved_supports_delay():
    """§1(d) "engaged": offering planned day 5, filed day 10, still pending at the demand
    on day 20 -> the Company may delay."""
    assert offering_supports_delay(20, 5, 10, None, True, T) is True
    assert offering_supports_delay(20, 5, 10, 30, True, T) is True


def test_1d_offering_resolved_before_demand_does_not_support_delay():
    """§1(d): offering filed day 10 and effective (or withdrawn) day 15, demand day 20 ->
    the Company is no longer engaged in it."""
    assert offering_supports_delay(20, 5, 10, 15, True, T) is False
    assert offering_supports_delay(20, 5, 10, 20, True, T) is False


def test_1d_fixed_plans_filing_within_30_days_of_demand_supports_delay():
    """§1(d) "fixed plans to engage within 30 days": plan fixed day 15, demand day 20,
    filing day 50 (30 days later) -> may delay; filing day 51 -> may not."""
    assert offering_supports_delay(20, 15, 50, None, True, T) is True
    assert offering_supports_delay(20, 15, 51, None, True, T) is False


def test_1d_plan_fixed_after_the_demand_does_not_support_delay():
    """§1(d) "at the time of any request": plan fixed day 21, after a day-20 demand, even
    with a filing day 30 -> no right to delay."""
    assert offering_supports_delay(20, 21, 30, None, True, T) is False


def test_1d_plan_fixed_on_the_demand_day_counts():
    """§1(d): plan fixed the same day as the demand (day 20), filing day 25 -> may delay."""
    assert offering_supports_delay(20, 20, 25, None, True, T) is True


def test_1d_excluded_offering_type_does_not_support_delay():
    """§1(d) "as to which the Investors may include Units": a pending stock-plan (or Rule
    145, or convertible-debt) registration is not such an offering."""
    assert offering_supports_delay(20, 5, 10, None, False, T) is False
    assert offering_supports_delay(20, 15, 30, None, False, T) is False


def test_1d_activity_ignored_by_default():
    """§1(d) switch delay_other_activity=ignore: "such other material activity" has no
    antecedent; activity commenced day 10 before a day-20 demand gives no right."""
    assert activity_supports_delay(20, 10, T) is False


def test_1d_activity_delay_needs_a_day_of_the_120_left():
    """§1(d) switch delay_other_activity=allow: activity commenced day 10 supports a
    demand received day 129 (the delay may run through day 130), not one on day 130."""
    allow = Terms(delay_other_activity="allow")
    assert activity_supports_delay(129, 10, allow) is True
    assert activity_supports_delay(130, 10, allow) is False


def test_1d_activity_allowed_switch():
    """§1(d) switch delay_other_activity=allow: activity commenced day 10 (or on the demand
    day 20) supports a delay; activity commenced day 21 or none does not."""
    allow = Terms(delay_other_activity="allow")
    assert activity_supports_delay(20, 10, allow) is True
    assert activity_supports_delay(20, 20, allow) is True
    assert activity_supports_delay(20, 21, allow) is False
    assert activity_supports_delay(20, None, allow) is False


def test_1d_delay_right_exercised_not_more_than_once():
    """§1(d): no delay used -> right left; one used -> none left."""
    assert delay_right_left(0, T) is True
    assert delay_right_left(1, T) is False


def test_1d_delay_cap_offering_effective_day_100_ends_day_220():
    """§1(d) "not in excess of 120 days from the effective date of such offering":
    offering effective day 100 -> the request may stay delayed through day 220 and
    resumes on day 221 at the latest ("no more than N days from D": D+N is the last
    allowed day, RULES.md "Counting days")."""
    assert delay_cap_day(100, T) == 220
    assert delay_end_latest(100, T) == 221


def test_1d_delay_cap_negotiated_90_days():
    """§1(d) variant delay_max_days=90: offering effective day 100 -> day 190."""
    assert delay_cap_day(100, Terms(delay_max_days=90)) == 190


def test_1d_excused_deadline_no_suspension_keeps_deadline():
    """§1(d)/§1(c): deadline day 45 and no delay or cooldown -> file by day 45."""
    assert excused_deadline(45, None) == 45


def test_1d_excused_deadline_after_delay_ends():
    """§1(d): deadline day 45, delay ending day 220 -> file by day 220."""
    assert excused_deadline(45, 220) == 220


def test_1d_excused_deadline_suspension_ending_before_deadline_changes_nothing():
    """§1(c): a cooldown ending day 30 before the day-45 deadline -> still day 45."""
    assert excused_deadline(45, 30) == 45


def test_1c_effective_statement_satisfies_only_with_all_shares_by_the_holders_method():
    """§1(c): "deemed satisfied only when a registration statement covering all shares of
    Investor stock specified in notices received ..., for sale in accordance with the
    method of disposition specified by the requesting holders, shall have (i) become
    effective"."""
    assert effective_statement_satisfies_demand(22_400_000, 22_400_000, False, False)
    assert effective_statement_satisfies_demand(22_400_000, 22_400_000, True, True)
    # An underwriter's cutback from 22.4M to 2.0M shares: not all shares covered.
    assert not effective_statement_satisfies_demand(22_400_000, 2_000_000, True, True)
    # A capital shortfall: one share short is short.
    assert not effective_statement_satisfies_demand(22_400_000, 22_399_999, False, False)
    # The Company picked the method: underwritten where the holders asked for a shelf.
    assert not effective_statement_satisfies_demand(22_400_000, 22_400_000, False, True)
