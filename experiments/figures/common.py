"""What every figure module shares: the drawn-figure record, variant styles, titles,
dollar ticks and side-by-side offsets (no figure is drawn here)."""

from __future__ import annotations

from dataclasses import dataclass
from textwrap import fill as wrap

import numpy as np
from matplotlib.figure import Figure

from sim.read.headline import Outcome
from experiments.analysis.saved import Saved
from experiments.figures.style import variant_styles


@dataclass
class Made:
    """A drawn figure and what the report says about it.

    Attributes:
        name: File stem (``ecdf-days-to-effective``).
        title: Heading in the report.
        caption: One or two sentences: what is drawn, how intervals are made.
        fig: The figure.
        wide: Spans the report's page (small multiples).
    """

    name: str
    title: str
    caption: str
    fig: Figure
    wide: bool = False


def styles_of(saved: Saved):
    """Each variant's colour, line style, marker and label (fixed by spec order)."""
    return variant_styles(saved.variants, saved.labels)


def where_text(saved: Saved, point: int, width: int = 0) -> str:
    """`` at design point 2 (review_prob = 0.5)`` for a design sweep, else ``""``.

    With ``width``, a new title line wrapped to that many characters.
    """
    if not saved.parameters:
        return ""
    text = f"at design point {point} ({saved.point_text(point)})"
    return "\n" + wrap(text, width) if width else " " + text


def usd_tick(x: float, _pos=None) -> str:
    """Dollars for a tick: $0, $500, $1.5k, $220k, $1.2M (no two close ticks alike)."""
    sign, x = ("-" if x < 0 else ""), abs(x)
    if x >= 1e6:
        text = f"{x / 1e6:.1f}".removesuffix(".0") + "M"
    elif x >= 1e4:
        text = f"{x / 1e3:,.0f}k"
    elif x >= 1e3:
        text = f"{x / 1e3:.1f}".removesuffix(".0") + "k"
    else:
        text = f"{x:,.0f}"
    return f"{sign}${text}"


def display(label: str) -> str:
    """A registry label for a figure (``->`` drawn as an arrow)."""
    return label.replace(" -> ", " → ")


def unit_scale(outcome: Outcome) -> tuple[float, str]:
    """Factor and axis unit of an outcome: days, % (probabilities), USD."""
    return {"probability": (100.0, "%"), "USD": (1.0, "USD")}.get(outcome.unit,
                                                                   (1.0, outcome.unit))


def dodge(n: int, i: int, band: float = 0.78) -> float:
    """Offset of series ``i`` of ``n`` side by side within one category's band."""
    return (i - (n - 1) / 2) * band / max(n, 1)


def span(values, margin: float = 0.04, zero: bool = False,
         least: float = 0.0) -> tuple[float, float]:
    """Axis limits that end where the data ends: the finite values' range (with 0 when
    ``zero``), widened by ``margin`` of it on each side and to at least ``least``.

    Args:
        values: The numbers drawn (estimates and interval ends; NaN and inf ignored).
        margin: Share of the range added on each side.
        zero: Keep 0 inside (a bar's base, the no-difference line).
        least: The smallest width (a range of one value would be empty).
    """
    x = np.asarray([v for v in np.ravel(np.asarray(values, dtype=float)) if np.isfinite(v)]
                   + ([0.0] if zero else []), dtype=float)
    if not len(x):
        return (0.0, 1.0)
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < least:                 # too narrow: widen away from a kept zero
        if zero and lo >= 0:
            hi = lo + least
        elif zero and hi <= 0:
            lo = hi - least
        else:
            lo, hi = (lo + hi - least) / 2, (lo + hi + least) / 2
    pad = (hi - lo) * margin
    return (lo - pad, hi + pad)


def verdict_sides(outcome: Outcome) -> tuple[str, str]:
    """What a decrease and an increase of the outcome mean to the parties:
    (``"← better for the Investors"``, ``"worse for the Investors →"``), or ``("", "")``
    for an outcome neither party ranks (:meth:`sim.read.headline.Outcome.verdict`)."""
    left, right = outcome.verdict(-1.0), outcome.verdict(1.0)
    return ("← " + left if left else "", right + " →" if right else "")


def finite(*xs: float) -> bool:
    """All values are numbers (not None, NaN or infinite)."""
    return all(x is not None and np.isfinite(x) for x in xs)
