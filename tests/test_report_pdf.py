"""The PDF report is the HTML page printed (WeasyPrint): one layout for both formats.

Read from the committed results fixtures (never a re-run). The PDF's text holds the
page's headings, table headers and figure titles; every page, rendered to pixels, has
nothing in its outer margin (nothing overflows: long keys, labels, paths and hashes
wrap); the page count is sane; the closing date and the deal calendar appear as dates;
without Pango, `regsim report -o report.pdf` says so in one line.
"""

from __future__ import annotations

import builtins
import re
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

import experiments.report.html as report_page
from experiments.analysis.saved import Saved, load_saved
from experiments.figures.plot import READS
from experiments.report.content import closing_text
from experiments.report.html import report_html
from experiments.report.pdf import write_pdf
from sim.cli.main import main

FIXTURES = Path(__file__).parent / "fixtures" / "results"
VARIANTS = FIXTURES / "variants"
DESIGN = FIXTURES / "tiny-design"
MM = 72 / 25.4                       # PDF points per millimetre

pytestmark = pytest.mark.usefixtures("no_model")


def with_closing(saved: Saved, closing: str = "2003-03-30") -> Saved:
    """The results as a newer regsim records them: the scenario's closing date in the
    manifest (the fixtures were made before scenarios had one)."""
    scenario = dict(saved.manifest.get("scenario") or {}, closing_date=closing)
    return replace(saved, manifest=dict(saved.manifest, scenario=scenario))


class Headings(HTMLParser):
    """The text of the page's h1, h2, th and figcaption title (b) elements."""

    TAGS = ("h1", "h2", "th", "b")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS and self._open is None:
            self._open = []

    def handle_endtag(self, tag):
        if tag in self.TAGS and self._open is not None:
            self.found.append(" ".join("".join(self._open).split()))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)


def pdf_text(path: Path) -> str:
    """All the PDF's text, white space (line breaks, soft hyphens) collapsed."""
    doc = pdfium.PdfDocument(path)
    text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return " ".join(text.replace("\u00ad", "").replace("\ufffe", "").split())


def margin_ink(path: Path, strip_mm: tuple[float, float, float, float] = (10, 9, 5, 9)
               ) -> list[tuple[int, str]]:
    """Pages (1-based) and sides where the outer strip of the page (top, right, bottom,
    left, in mm; inside the page margins, outside the page-number line) holds ink."""
    doc = pdfium.PdfDocument(path)
    found = []
    for i in range(len(doc)):
        pixels = np.asarray(doc[i].render(scale=1).to_pil().convert("L"))
        h, w = pixels.shape
        top, right, bottom, left = (round(s * MM) for s in strip_mm)
        strips = {"top": pixels[:top], "right": pixels[:, w - right:],
                  "bottom": pixels[h - bottom:], "left": pixels[:, :left]}
        found += [(i + 1, side) for side, strip in strips.items() if strip.min() < 245]
    return found


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> tuple[str, Path]:
    """The variants report as HTML, and that same page printed to PDF."""
    saved = with_closing(load_saved(VARIANTS, columns=READS))
    page = report_html(saved)
    pdf = write_pdf(saved, tmp_path_factory.mktemp("pdf") / "report.pdf", 0, page)
    return page, pdf


def test_pdf_holds_every_heading_header_and_figure_title_of_the_page(variants):
    page, pdf = variants
    text = pdf_text(pdf)
    headings = Headings(page).found
    assert {"Headline numbers", "Terms that differ", "Figures", "Provenance"} <= {
        h.split(" (")[0] for h in headings}
    missing = [h for h in headings if h.replace(" ", "") not in text.replace(" ", "")]
    assert missing == []
    # One layout: the PDF's headings come in the page's order.
    h2 = [h for h in headings if h in ("Headline numbers", "Figures", "Provenance")]
    assert sorted(h2, key=text.index) == h2


def test_nothing_is_printed_in_the_outer_margin_of_any_page(variants):
    _, pdf = variants
    assert margin_ink(pdf) == []


def test_pages_are_a4_and_their_count_sane_with_page_numbers(variants):
    _, pdf = variants
    doc = pdfium.PdfDocument(pdf)
    assert 2 <= len(doc) <= 4
    for i in range(len(doc)):
        w, h = doc[i].get_size()
        assert (round(w / MM), round(h / MM)) == (210, 297)
        assert f"page {i + 1} of {len(doc)}" in doc[i].get_textpage().get_text_range()


def test_the_pdf_names_the_closing_and_the_calendar_in_dates(variants):
    _, pdf = variants
    text = pdf_text(pdf)
    assert "Day 0 is the closing, Sun 30 Mar 2003." in text
    for what in ("median Demand Notice", "median effective"):
        assert what in text
    assert re.search(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} 200\d \(day \d+\)",
                     text)


def test_the_margin_check_sees_an_overflow(tmp_path):
    """The check above can fail: a table wider than the page is caught."""
    import weasyprint

    page = report_html(load_saved(VARIANTS), 0, [])
    wide = page.replace("</main>", "<table style=\"width: 250mm; table-layout: auto\"><tr>"
                        "<td style=\"white-space: nowrap\">" + "overflow " * 40
                        + "</td></tr></table></main>")
    weasyprint.HTML(string=wide).write_pdf(tmp_path / "wide.pdf")
    assert "right" in {side for _, side in margin_ink(tmp_path / "wide.pdf")}


def test_long_labels_keys_paths_and_hashes_wrap_inside_the_page(tmp_path):
    """Long variant labels (column headers), a long spec path, a long commit and a long
    scenario key stay in the page (figures left out: the tables and the provenance are
    what overflowed)."""
    saved = load_saved(VARIANTS)
    m = saved.manifest
    variants = [dict(v, label=f"{v['label']}:_a_label_without_spaces_the_column_must_break")
                for v in m["variants"]]
    manifest = dict(m, variants=variants,
                    spec_file="/" + "/".join(["a-deeply-nested-folder"] * 12) + "/spec.toml",
                    git_commit="f" * 40 + "-dirty-" + "0123456789abcdef" * 4)
    manifest["variants"][1]["scenario"] = {"review": {"a_very_long_scenario_setting_name_"
                                                      "without_any_space": 0.5}}
    wide = Saved(saved.out, manifest, saved.table)
    page = report_html(wide, 0, [])
    pdf = write_pdf(wide, tmp_path / "wide.pdf", 0, page)
    assert margin_ink(pdf) == []
    assert "a_very_long_scenario_setting_name_without_any_space" in pdf_text(pdf).replace(
        " ", "")


def test_a_design_report_keeps_its_design_inside_the_page(tmp_path):
    saved = with_closing(load_saved(DESIGN))
    pdf = write_pdf(saved, tmp_path / "design.pdf", 0, report_html(saved, 0, []))
    assert margin_ink(pdf) == []
    text = pdf_text(pdf)
    assert "Design" in text and "review.review_prob" in text


def test_closing_text_without_a_recorded_date_and_with_variants_closing_apart():
    saved = load_saved(VARIANTS)
    assert "do not record its date" in closing_text(saved)
    apart = with_closing(saved)
    variants = [dict(v) for v in apart.manifest["variants"]]
    variants[2]["scenario"] = {"closing_date": "2004-02-29"}
    apart = replace(apart, manifest=dict(apart.manifest, variants=variants))
    said = closing_text(apart)
    assert said.startswith("Day 0 is each variant's closing:")
    assert "as written Sun 30 Mar 2003" in said and "cooldown 90 days Sun 29 Feb 2004" in said


def test_cli_prints_the_same_page_to_pdf(tmp_path, monkeypatch):
    """`regsim report -o report.pdf` prints the page `-o report.html` writes (figures
    left out here for time: the fixture above prints them)."""
    monkeypatch.setattr(report_page, "figures_for", lambda saved, point=0: [])
    runner = CliRunner()
    html = runner.invoke(main, ["report", str(VARIANTS), "-o", str(tmp_path / "r.html")])
    pdf = runner.invoke(main, ["report", str(VARIANTS), "-o", str(tmp_path / "r.pdf")])
    assert html.exit_code == 0 and pdf.exit_code == 0, (html.output, pdf.output)
    assert pdf.output.strip() == f"wrote {tmp_path / 'r.pdf'}"
    headings = Headings((tmp_path / "r.html").read_text(encoding="utf-8")).found
    text = pdf_text(tmp_path / "r.pdf").replace(" ", "")
    assert headings and all(h.replace(" ", "") in text for h in headings)


def test_without_pango_the_pdf_is_refused_in_one_line(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot "
                          "open shared object file: No such file or directory")
        return real_import(name, *args, **kwargs)

    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", no_pango)
    target = tmp_path / "report.pdf"
    result = CliRunner().invoke(main, ["report", str(VARIANTS), "-o", str(target)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert result.output.startswith(f"regsim: error: -o {target}: cannot print a PDF "
                                    "(cannot load library 'libpango-1.0-0'")
    assert result.output.rstrip().endswith("; write report.html or install Pango")
    assert not target.exists()


def test_figures_go_in_rows_a_half_width_one_beside_the_next(monkeypatch):
    from types import SimpleNamespace

    made = [SimpleNamespace(name=n, wide=n == "w") for n in ("a", "w", "b", "c")]
    monkeypatch.setattr(report_page, "_figure_html", lambda m: f"[{m.name}]")
    rows = re.findall(r'<div class="figrow">(.*?)</div>', report_page._figure_rows(made))
    assert rows == ["[a][b]", "[w]", "[c]"]
