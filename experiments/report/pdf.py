"""The report as a PDF, laid out with matplotlib on A4 pages (PdfPages).

The same content as the HTML report (:mod:`experiments.report.content`): the terms that
differ, the design, the headline numbers with intervals and paired differences, every
figure (drawn at 200 dpi, two half-width figures side by side), and the manifest facts.
"""

from __future__ import annotations

import io
from pathlib import Path
from textwrap import shorten, wrap

import matplotlib.image as mpimg
from matplotlib import rc_context
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from experiments.analysis.saved import Saved
from experiments.figures.common import Made
from experiments.figures.plot import LEAD_FIGURE, figures_for
from experiments.figures.style import png_bytes, themed
from experiments.report.content import (design_rows, diff_columns, diff_heading, facts,
                                        headline, no_diff_text, one_variant, provenance,
                                        terms_diff, title, value_text)

A4 = (8.27, 11.69)
MARGIN = 0.45
GAP = 0.15
LINE = 0.155          # inches per table line at 7 pt


class _Pages:
    """A cursor over A4 pages: text, tables and images placed top to bottom."""

    def __init__(self, pdf: PdfPages, title: str) -> None:
        self.pdf, self.title = pdf, title
        self.fig: Figure | None = None
        self.y = 0.0
        self.number = 0

    @property
    def width(self) -> float:
        return A4[0] - 2 * MARGIN

    def new_page(self) -> None:
        self.flush()
        self.number += 1
        self.fig = Figure(figsize=A4)
        self.y = A4[1] - MARGIN
        self.fig.text(1 - MARGIN / A4[0], 0.35 / A4[1], f"{self.title} -- page {self.number}",
                      ha="right", fontsize=7, color="0.45")

    def flush(self) -> None:
        if self.fig is not None:
            self.pdf.savefig(self.fig)
            self.fig = None

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` inches fit below the cursor."""
        if self.fig is None or self.y - height < MARGIN + 0.2:
            self.new_page()

    def text(self, s: str, size: float = 8, weight: str = "normal", color: str = "black",
             chars: int = 120) -> None:
        lines = wrap(s, chars) or [""]
        height = len(lines) * size / 72 * 1.35
        self.room(height)
        self.fig.text(MARGIN / A4[0], self.y / A4[1], "\n".join(lines), va="top", ha="left",
                      fontsize=size, fontweight=weight, color=color, linespacing=1.3)
        self.y -= height + 0.05

    def table(self, header: list[str], rows: list[list[str]], widths: list[float],
              lines: int = 1, fontsize: float = 6.8) -> None:
        """A table whose rows each take ``lines`` lines; split across pages if long."""
        per_row = LINE * lines + 0.04
        while rows:
            self.room(LINE + 0.04 + per_row)
            fit = max(1, int((self.y - MARGIN - 0.2 - LINE - 0.04) // per_row))
            chunk, rows = rows[:fit], rows[fit:]
            height = LINE + 0.04 + per_row * len(chunk)
            ax = self.fig.add_axes((MARGIN / A4[0], (self.y - height) / A4[1],
                                    self.width / A4[0], height / A4[1]))
            ax.axis("off")
            t = ax.table(cellText=chunk, colLabels=header, colWidths=widths,
                         bbox=(0, 0, 1, 1), cellLoc="left", colLoc="left")
            t.auto_set_font_size(False)
            t.set_fontsize(fontsize)
            for (r, _c), cell in t.get_celld().items():
                cell.set_edgecolor("0.82")
                cell.set_linewidth(0.4)
                cell.PAD = 0.02
                if r == 0:
                    cell.set_facecolor("0.94")
                    cell.set_text_props(fontweight="bold")
            self.y -= height + 0.12

    def images(self, made: list[Made]) -> None:
        """Figures in order, a wide one per row and half-width ones two to a row (a half
        figure takes the next half figure beside it, as the HTML grid does)."""
        todo = list(made)
        while todo:
            first = todo.pop(0)
            partner = None if first.wide else next((m for m in todo if not m.wide), None)
            if partner is not None:
                todo.remove(partner)
            self._row([first] + ([partner] if partner else []))

    def _row(self, row: list[Made]) -> None:
        width = self.width if row[0].wide else (self.width - GAP) / 2
        pics = [mpimg.imread(io.BytesIO(png_bytes(m.fig, dpi=200)), format="png")
                for m in row]
        caption = 0.4
        height = max(width * p.shape[0] / p.shape[1] for p in pics)
        height = min(height, A4[1] - 2 * MARGIN - 0.6 - caption)
        self.room(height + caption)
        for k, (m, pic) in enumerate(zip(row, pics)):
            x = MARGIN + k * (width + GAP)
            ax = self.fig.add_axes((x / A4[0], (self.y - height) / A4[1], width / A4[0],
                                    height / A4[1]))
            ax.imshow(pic, interpolation="lanczos")
            ax.set_anchor("N")
            ax.axis("off")
            self.fig.text(x / A4[0], (self.y - height - 0.04) / A4[1],
                          "\n".join(wrap(f"{m.title}. {m.caption}",
                                         int(width * 22))[:4]),
                          va="top", fontsize=6.2, color="0.35")
        self.y -= height + caption + 0.1


def _header(label: str, variants: int = 4) -> str:
    """A column header on two lines, or three narrower ones when there are many variants."""
    if variants <= 4:
        return "\n".join(wrap(label, 18)[:2]) or label
    return "\n".join(wrap(label, 13)[:3]) or label


def _fontsize(variants: int) -> float:
    """Table font size: 6.8 pt up to four variants, smaller as columns are added."""
    return 6.8 if variants <= 4 else max(5.4, 6.8 - 0.35 * (variants - 4))


def _diff_table(saved: Saved, point: int, pages: _Pages) -> None:
    rows = terms_diff(saved, point)
    if not rows:
        pages.text(no_diff_text(saved), 8)
        return
    columns = diff_columns(saved)
    n = len(columns)
    labels = [_header(label, n) for _, label in columns]
    body = [[f"{r.name}\n{shorten(r.words, 52)}" if r.words else r.name, r.section]
            + [value_text(r.values[v]) for v, _ in columns] for r in rows]
    pages.table(["term", "clause"] + labels, body, [0.34, 0.08] + [0.58 / n] * n,
                lines=2 if n <= 4 else 3, fontsize=_fontsize(n))


def _headline_table(saved: Saved, point: int, pages: _Pages) -> None:
    rows = headline(saved, point)
    if not rows:
        return
    n = len(saved.variants)
    wide = n <= 4                     # room for the differences' intervals too
    body = []
    for label, clause, cells in rows:
        line = ["\n".join(wrap(f"{label} {clause}", 34)[:2])]
        for v in saved.variants:
            c = cells[v]
            diff = f"\nΔ {c.diff}{' ' + c.diff_interval if wide else ''}" if c.diff else ""
            sep = " " if wide else "\n"        # narrow columns: the interval on its own line
            line.append(f"{c.estimate}{sep}{c.interval}{diff}{' *' if c.significant else ''}")
        body.append(line)
    pages.table(["outcome"] + [_header(saved.labels[v], n) for v in saved.variants], body,
                [0.24] + [0.76 / n] * n, lines=2 if wide else 3, fontsize=_fontsize(n))
    if one_variant(saved):
        pages.text("Estimate [95% interval].", 6.5, color="0.35", chars=160)
        return
    pages.text("Estimate [95% interval]; Δ: paired difference against the base over the "
               "same random futures [paired 95% interval]; * the interval excludes zero.",
               6.5, color="0.35", chars=160)


def write_pdf(saved: Saved, target: Path, point: int = 0) -> Path:
    """Write the report as an A4 PDF."""
    m = saved.manifest
    # Whole A4 pages: the theme's tight bounding box would crop each page to its content.
    with themed(), rc_context({"savefig.bbox": "standard"}), \
            PdfPages(target, metadata={"Title": f"regsim report: {m['name']}",
                                       "Creator": "regsim"}) as pdf:
        pages = _Pages(pdf, f"regsim report: {m['name']}")
        pages.text(title(saved), 14, "bold")
        if m.get("description"):
            pages.text(m["description"], 8.5, color="0.35")
        pages.text(facts(saved), 8.5)
        # The report leads with the money (who gains what) and the headline numbers;
        # the terms that differ follow, then every other figure.
        made = figures_for(saved, point)
        pages.text("Headline numbers" + (f" at design point {point} "
                                         f"({saved.point_text(point)})"
                                         if saved.parameters else ""), 10.5, "bold")
        _headline_table(saved, point, pages)
        pages.images([x for x in made if x.name == LEAD_FIGURE])
        pages.text(diff_heading(saved), 10.5, "bold")
        _diff_table(saved, point, pages)
        if saved.parameters:
            pages.text("Design", 10.5, "bold")
            pages.table(["parameter", "clause", "values"],
                        [list(r) for r in design_rows(saved)], [0.4, 0.15, 0.45])
        pages.images([x for x in made if x.name != LEAD_FIGURE])
        pages.text("Provenance", 10.5, "bold")
        pages.text(" · ".join(f"{key}: {value}" for key, value in provenance(saved)), 6.5,
                   color="0.3", chars=190)
        pages.flush()
    return target
