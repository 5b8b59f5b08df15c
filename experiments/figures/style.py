"""One look for every figure: theme, sizes, and a fixed colour and line per variant.

A variant keeps its colour, line style and marker in every figure of a results folder
(and of its report): the base is near-black, the other variants take the colour-blind
palette in spec order. Line styles and markers differ too, so curves that coincide
(variants that do not change an outcome) and grey-scale prints stay readable.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from experiments.execution.files import write_atomic  # noqa: E402

#: Width of a figure in inches: half a 16:9 slide at 1:1, half the report's printed
#: page at ~0.67 (fonts of 10-12 pt print at 7-8 pt).
WIDTH = 5.4
#: Width of a figure that spans the report's page (small multiples).
WIDE = 10.5
PNG_DPI = 150
FORMATS = ("png", "svg")

BASE_COLOR = "#222222"
_STYLES = ["-", "--", "-.", ":", (0, (5, 1.5)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1))]
_MARKERS = ["o", "s", "D", "^", "v", "P", "X", "<", ">", "h"]


def theme() -> dict:
    """The rc parameters of every figure (seaborn whitegrid, notebook-sized fonts)."""
    rc = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook", font_scale=1.05)}
    rc.update({"svg.fonttype": "path", "axes.titleweight": "bold", "axes.titlesize": 12.5,
               "legend.frameon": True, "legend.framealpha": 0.92, "figure.dpi": 100,
               "savefig.bbox": "tight", "savefig.pad_inches": 0.08})
    return rc


@contextmanager
def themed() -> Iterator[None]:
    """Draw (and save) inside the project's theme without changing global settings."""
    with plt.rc_context(theme()):
        yield


@dataclass(frozen=True)
class VariantStyle:
    """How one variant is drawn everywhere."""

    label: str
    color: object
    linestyle: object
    marker: str


def variant_styles(names: Sequence[str], labels: dict[str, str]) -> dict[str, VariantStyle]:
    """A style per variant, fixed by its position in the spec (the base first)."""
    palette = sns.color_palette("colorblind", 10) + sns.color_palette("tab20", 20)
    out = {}
    for i, name in enumerate(names):
        color = BASE_COLOR if i == 0 else palette[(i - 1) % len(palette)]
        out[name] = VariantStyle(labels.get(name, name), color, _STYLES[i % len(_STYLES)],
                                 _MARKERS[i % len(_MARKERS)])
    return out


def save(fig: Figure, out_dir: Path, name: str) -> list[Path]:
    """Write ``<name>.png`` and ``<name>.svg``, each atomically (a full disk or a kill
    never leaves half a figure); returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with themed():
        for fmt in FORMATS:
            path = out_dir / f"{name}.{fmt}"
            write_atomic(path, lambda p, fmt=fmt: fig.savefig(
                p, format=fmt, dpi=PNG_DPI if fmt == "png" else None))
            paths.append(path)
    return paths


def svg_bytes(fig: Figure) -> bytes:
    """The figure as SVG (text as paths: no font needed to display it)."""
    buf = io.BytesIO()
    with themed():
        fig.savefig(buf, format="svg")
    return buf.getvalue()


def png_bytes(fig: Figure, dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG."""
    buf = io.BytesIO()
    with themed():
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
