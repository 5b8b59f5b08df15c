"""What a restriction on resale costs a holder: the marketability discount.

The strategic policies (``agents.strategy``, ``docs/decisions.md``) weigh a registration
by the value it gives a holder now against the exit the holder has without it. Longstaff
(1995, "How much can marketability affect security values?", Journal of Finance 50(5))
bounds the discount a holder would accept for the right to sell now instead of after a
restriction of ``T`` years, for a stock of annual volatility ``s``: the value of the
lookback put a perfectly timing seller gives up,

    D(T) = (2 + s^2 T / 2) N(s sqrt(T) / 2) + sqrt(s^2 T / (2 pi)) exp(-s^2 T / 8) - 1,

about 30% of the value for ``s`` = 60% and ``T`` = 120 days, 58% for one year. It is an
upper bound (the seller times the market perfectly); the decision models use it as the
*scale* of what waiting costs, never as a realised gain (that is ``sim.read.value``).
"""

from __future__ import annotations

import math

_SQRT2 = math.sqrt(2.0)
_SQRT_2PI = math.sqrt(2.0 * math.pi)


def longstaff_discount(volatility: float, years: float) -> float:
    """Longstaff's (1995) upper bound on the marketability discount, as a fraction of the
    value, for a restriction of ``years`` on a stock of annual ``volatility``.

    Zero for no restriction or no volatility; increasing in both.
    """
    if years <= 0.0 or volatility <= 0.0:
        return 0.0
    v = volatility * volatility * years
    n = 0.5 * (1.0 + math.erf(math.sqrt(v) / 2.0 / _SQRT2))
    return (2.0 + v / 2.0) * n + math.sqrt(v) / _SQRT_2PI * math.exp(-v / 8.0) - 1.0


def restriction_years(day: int, free_day: int | None, horizon_days: int) -> float:
    """Years from ``day`` until the holder may sell freely without a registration
    (``free_day``: Rule 144(k) for a non-affiliate; ``None``, never, for an affiliate,
    bounded by the deal's horizon)."""
    end = horizon_days if free_day is None else free_day
    return max(0, end - day) / 365.0


def value_of_registering(shares: int, price: float, volatility: float,
                         years: float) -> float:
    """The value to a holder of ``shares`` at ``price`` of being able to sell now rather
    than after ``years``: the shares' value times the marketability discount."""
    return shares * price * longstaff_discount(volatility, years)
