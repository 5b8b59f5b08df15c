"""Fact patterns for §8(c) amendments and waivers (sim/law/rules/amendments.py)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.law.rules.amendments import (amendment_effective, breach_remains_toward,
                                      waived_toward, waiver_covers)

INVESTORS = ("inv01", "inv02", "inv03")


def test_8c_amendment_needs_each_investor():
    """"with the written consent of the Company and each of the Investors": two of three
    signatures (a majority of anything) do not amend; all three do."""
    assert not amendment_effective({"inv01", "inv02"}, INVESTORS)
    assert amendment_effective(set(INVESTORS), INVESTORS)
    assert amendment_effective(set(INVESTORS) | {"company"}, INVESTORS)
    assert not amendment_effective({"company"}, ())


def test_8c_waiver_binds_only_its_signer():
    """"no such waiver shall be effective unless in writing and signed by such party"."""
    assert waived_toward("inv01", {"inv01"}, False, INVESTORS)
    assert not waived_toward("inv02", {"inv01"}, False, INVESTORS)


def test_8c_consent_to_a_failed_amendment_is_no_waiver():
    """A signature on an amendment that one Investor refused binds nobody."""
    assert not waived_toward("inv01", {"inv01", "inv02"}, True, INVESTORS)
    assert waived_toward("inv01", set(INVESTORS), True, INVESTORS)


def test_8c_no_continuing_waiver():
    """"shall not be deemed to be ... a further or continuing waiver": a waiver of the
    deadline through day 64 of registration 0 covers a filing on day 64 of it, not day 65,
    nor registration 1 (a waiver may be retroactive: the day it was signed is not read)."""
    assert waiver_covers(64, 64, 0, 0)
    assert waiver_covers(58, 64, 0, 0)
    assert not waiver_covers(65, 64, 0, 0)
    assert not waiver_covers(60, 64, 1, 0)


def test_8c_breach_remains_toward_non_signers_in_order():
    assert breach_remains_toward(INVESTORS, {"inv02"}) == ("inv01", "inv03")
    assert breach_remains_toward(INVESTORS, set(INVESTORS)) == ()


@settings(max_examples=50)
@given(signers=st.sets(st.sampled_from(INVESTORS + ("company",))), amendment=st.booleans())
def test_8c_excused_and_remaining_partition_the_investors(signers, amendment):
    """Toward each Investor the breach is either waived or remains, never both; an
    amendment excuses all or none."""
    waived = {i for i in INVESTORS if waived_toward(i, signers, amendment, INVESTORS)}
    remains = set(breach_remains_toward(INVESTORS, waived))
    assert waived | remains == set(INVESTORS) and not waived & remains
    if amendment:
        assert waived in (set(), set(INVESTORS))
