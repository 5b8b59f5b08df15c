"""The run summary's money lines read as amounts: a negative bound is -$26, not $-26."""

import pandas as pd

from experiments.analysis.summary import MONEY, _money_lines


def test_a_negative_interval_bound_puts_the_sign_before_the_dollar():
    # Mostly zero, one large and one negative day: the mean is small and the t
    # interval's lower bound falls below zero, as a rare cost's does.
    spread = [0.0] * 40 + [2_000.0, -300.0]
    df = pd.DataFrame({col: spread for col, _, _ in MONEY})
    lines = [line for line in _money_lines(df) if "$" in line]
    assert lines and all("$-" not in line for line in lines), lines
    assert any("[-$" in line for line in lines), lines
