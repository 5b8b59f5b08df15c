"""§7: who is an Investor after a private transfer, and which shares pass with the Units."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.law.rules import securities


def test_7_a_transferee_who_signed_a_counterpart_at_the_transfer_is_an_investor():
    """§7: "any transferee of Registrable Shares, if such transferee has executed a
    counterpart hereof at the time of the transfer"."""
    assert securities.transferee_is_investor(True) is True


def test_7_a_transferee_who_did_not_sign_is_not_an_investor():
    assert securities.transferee_is_investor(False) is False


def test_7_shares_bought_in_a_registered_public_distribution_carry_no_rights():
    """§7: "unless the Registrable Shares held by such transferee are acquired in a
    public distribution pursuant to a registration statement"."""
    assert securities.transferee_is_investor(True, public_distribution=True) is False


def test_7_the_registrable_shares_pass_pro_rata_to_the_units_sold():
    """600,000 Units with 3,600,000 Registrable Shares (6 a Unit): 150,000 Units carry
    900,000; all the Units carry all the shares still held."""
    assert securities.transferred_shares(3_600_000, 600_000, 150_000) == 900_000
    assert securities.transferred_shares(3_600_000, 600_000, 600_000) == 3_600_000
    # After selling 5 of every 6 shares in a registration, 100 Units hold 100 shares.
    assert securities.transferred_shares(100, 100, 33) == 33
    assert securities.transferred_shares(100, 100, 0) == 0


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**8), st.integers(1, 10**7), st.integers(0, 10**7))
def test_7_a_transfer_never_carries_more_than_the_shares_held(held, units, sold):
    shares = securities.transferred_shares(held, units, sold)
    assert 0 <= shares <= held
    if sold >= units:
        assert shares == held
