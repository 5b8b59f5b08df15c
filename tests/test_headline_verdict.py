"""Who a change serves: each headline outcome's direction, as a term sheet reads it."""

import math

import pytest

from sim.read.headline import OUTCOMES


@pytest.mark.parametrize("name, down, up", [
    ("days_to_effective", "better for the Investors", "worse for the Investors"),
    ("delay_used", "better for the Investors", "better for the Company"),
    # Expenses the Company pays for the Investors' registrations cost the Investors
    # nothing either way: more of them is worse for the Company, not a gain to them.
    ("rights_expenses", "better for the Company", "worse for the Company"),
    ("damages", "better for the Company", "better for the Investors"),
    ("company_expenses", "better for the Company", "worse for the Company"),
    ("value_to_investors", "worse for the Investors", "better for the Investors"),
    ("piggybacked", "", ""),
])
def test_a_change_names_the_party_it_serves(name, down, up):
    o = OUTCOMES[name]
    assert (o.verdict(-1.0), o.verdict(2.5)) == (down, up)


@pytest.mark.parametrize("delta", [0.0, math.nan])
def test_no_change_serves_nobody(delta):
    assert OUTCOMES["days_to_effective"].verdict(delta) == ""


def test_every_party_named_is_a_party():
    for o in OUTCOMES.values():
        assert {o.lower_better_for, o.higher_better_for} <= {"", "Investors", "Company"}
        assert not o.lower_better_for or o.lower_better_for != o.higher_better_for
