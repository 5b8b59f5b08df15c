"""The comparison report, read from the committed results fixtures (never a re-run).

HTML: the diff table of the terms with their clauses, the headline numbers with
intervals and paired differences, every figure embedded (SVG data URIs, nothing
fetched), the manifest facts at the foot. The PDF is this page printed
(tests/test_report_pdf.py). A real headless Chromium renders the page (installed from
Debian's packages when missing; the test is skipped with the reason when it cannot be),
the screenshot is checked not to be blank, and printed by the browser it takes the A4
pages of its print style sheet.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image as mpimg
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from experiments.report.content import terms_diff
from experiments.report.html import report_html
from experiments.analysis.saved import load_saved
from sim.cli.main import main

FIXTURES = Path(__file__).parent / "fixtures" / "results"
VARIANTS = FIXTURES / "variants"
DESIGN = FIXTURES / "tiny-design"
# Base and three variants: time to effectiveness one panel per variant over the base.
COMPARISON_FIGURES = ["ecdf-by-variant", "probabilities", "forest-paired-differences",
                      "cutbacks", "money-by-party"]
DESIGN_FIGURES = ["ecdf-days-to-effective"] + COMPARISON_FIGURES[1:] + [
    "design-effects", "design-heatmap"]
LABELS = ["as written", "file within 60 days", "cooldown 90 days", "cutback: Investors first"]


class Page(HTMLParser):
    """The parts of the report the tests read: tables by id, figures, external links."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.figures: dict[str, str] = {}
        self.external: list[str] = []
        self.footer = ""
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._figure: str | None = None
        self._in_footer = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href"):
            if key in a and not a[key].startswith(("data:", "#")):
                self.external.append(a[key])
        if tag == "table":
            self._table = a.get("id", f"table-{len(self.tables)}")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("div", "span") and self._cell is not None:
            self._cell.append(" ")
        elif tag == "figure":
            self._figure = a["id"]
        elif tag == "img" and self._figure:
            self.figures[self._figure] = a["src"]
        elif tag == "footer":
            self._in_footer = True

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "figure":
            self._figure = None
        elif tag == "footer":
            self._in_footer = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_footer:
            self.footer += data


# Figures and the report read saved results only: building a model fails the test.
pytestmark = pytest.mark.usefixtures("no_model")


@pytest.fixture(scope="module")
def variants_html() -> str:
    return report_html(load_saved(VARIANTS))


@pytest.fixture(scope="module")
def page(variants_html) -> Page:
    return Page(variants_html)


def test_diff_table_lists_each_changed_term_with_its_clause_and_values(page):
    rows = page.tables["terms-diff"]
    assert rows[0] == ["term", "clause", *LABELS]
    by_term = {r[0].split()[0]: r for r in rows[1:]}
    assert set(by_term) == {"filing_deadline_days", "cooldown_days", "cutback_rule"}
    assert by_term["filing_deadline_days"][1:] == ["§1(a)", "45", "60", "45", "45"]
    assert "no more than 45 days from receipt" in by_term["filing_deadline_days"][0]
    assert by_term["cooldown_days"][1:] == ["§1(c)", "180", "180", "90", "180"]
    assert by_term["cutback_rule"][1:] == ["§3(c)", "pro_rata_holdings", "pro_rata_holdings",
                                           "pro_rata_holdings", "investors_first"]


def test_terms_diff_includes_scenario_overrides_of_a_variant():
    saved = load_saved(VARIANTS)
    manifest = {**saved.manifest, "variants": [
        *saved.manifest["variants"][:3],
        {**saved.manifest["variants"][3], "scenario": {"review": {"review_prob": 0.9}}}]}
    rows = terms_diff(type(saved)(saved.out, manifest, saved.table))
    last = rows[-1]
    assert (last.name, last.section) == ("scenario.review.review_prob", "scenario")
    assert last.values["investors-first"] == 0.9
    assert last.values["base"] == "(base scenario)"


def test_headline_numbers_have_intervals_and_paired_differences(page):
    rows = page.tables["headline"]
    assert rows[0] == ["outcome (clause)", *LABELS]
    assert [r[0] for r in rows[1:]] == [
        "median days Demand Notice → effective §1(a)",
        "90th percentile days Demand Notice → effective §1(a)",
        "filing deadline missed (Company) §1(a)", "filing window empty §1(a)",
        "120-day target missed §1(a)", "an underwriter cut Investors back §3(c)",
        "Company Registration Expenses §4", "claim losses, Investors §5"]
    median = rows[1]
    assert re.fullmatch(r"\d+ \[\d+, \d+\]", median[1])            # base: no difference
    # The 90-day cooldown makes deals effective sooner: a negative paired difference.
    cooldown = re.fullmatch(r"\d+ \[\d+, \d+\] Δ (-\d+) \[(-\d+), (-\d+)\]"
                            r" better for the Investors", median[3])
    assert cooldown and int(cooldown.group(3)) < 0
    assert median[2].endswith("Δ +0 [+0, +0]")                     # no deal differs
    # Probabilities in percent, differences in percentage points.
    assert re.fullmatch(r"\d+\.\d% \[[\d.]+, [\d.]+\] Δ [+-]\d+\.\d pts "
                        r"\[[+-][\d.]+, [+-][\d.]+\]( (better|worse) for the \w+)?",
                        rows[3][2])


def test_a_clear_difference_says_whom_it_serves(page):
    """A paired difference whose interval excludes zero is labelled with the party it
    serves (the 90-day cooldown: effective sooner, better for the Investors); one whose
    interval holds zero is not."""
    rows = {r[0]: r for r in page.tables["headline"][1:]}
    cooldown = rows["median days Demand Notice → effective §1(a)"][3]
    assert cooldown.endswith("better for the Investors"), cooldown
    unchanged = rows["median days Demand Notice → effective §1(a)"][2]
    assert "better for" not in unchanged and "worse for" not in unchanged


def test_every_figure_is_embedded_as_svg_and_nothing_is_fetched(page):
    # In rows: a half-width figure takes the next half-width one beside it.
    assert sorted(page.figures) == sorted(f"fig-{n}" for n in COMPARISON_FIGURES)
    for src in page.figures.values():
        assert src.startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(src.split(",", 1)[1])
        assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg[:2000]
    assert page.external == []


def test_manifest_facts_at_the_foot(page):
    manifest = load_saved(VARIANTS).manifest
    for fact in ("root seed", "2026", "200 per variant", manifest["git_commit"],
                 f"numpy {manifest['versions']['numpy']}", "fingerprint"):
        assert fact in page.footer


def test_design_report_names_the_design_and_draws_its_figures():
    page = Page(report_html(load_saved(DESIGN)))
    assert sorted(page.figures) == sorted(f"fig-{n}" for n in DESIGN_FIGURES)
    design = next(t for t in page.tables.values() if t[0] == ["parameter", "clause", "values"])
    assert design[1:] == [["review.review_prob", "scenario", "0.2, 0.5, 0.8"],
                          ["cooldown_days", "§1(c)", "90, 180"]]
    assert page.tables["headline"][0][0].startswith("outcome (clause) at design point 0 (")


def test_cli_report_writes_html_and_refuses_what_it_cannot_write(tmp_path):
    ok = CliRunner().invoke(main, ["report", str(VARIANTS), "-o", str(tmp_path / "r.html")])
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip() == f"wrote {tmp_path / 'r.html'}"
    assert "terms-diff" in (tmp_path / "r.html").read_text(encoding="utf-8")
    bad = CliRunner().invoke(main, ["report", str(VARIANTS), "-o", str(tmp_path / "r.doc")])
    assert bad.exit_code == 2 and bad.output.startswith("regsim: error:")
    assert "written as .html or .pdf" in bad.output
    missing = CliRunner().invoke(main, ["report", str(tmp_path), "-o", str(tmp_path / "x.html")])
    assert missing.exit_code == 2 and "no manifest.json" in missing.output
    assert not (tmp_path / "r.doc").exists() and not (tmp_path / "x.html").exists()


# --- a real browser ----------------------------------------------------------------------
def _find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def _apt_install_chromium() -> str:
    """Install Debian's chromium package; returns why it failed ('' on success)."""
    if shutil.which("apt-get") is None:
        return "no apt-get on this machine"
    if os.geteuid() != 0:
        return "apt-get needs root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=1200)
    if result.returncode != 0:                     # package lists missing or stale
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=600)
        result = subprocess.run(install, env=env, capture_output=True, text=True,
                                timeout=1200)
    return "" if result.returncode == 0 else (result.stderr.strip().splitlines() or ["?"])[-1]


@pytest.fixture(scope="session")
def chromium() -> str:
    """A headless Chromium, installed from Debian's packages where missing."""
    exe = _find_chromium()
    if exe is None:
        why = _apt_install_chromium()
        exe = _find_chromium()
        if exe is None:
            pytest.skip(f"Chromium is not installed and `apt-get install chromium` failed "
                        f"({why}); install it to render the report in a real browser")
    return exe


def _chromium(exe: str, tmp_path: Path, *args: str) -> None:
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}",
           *args]
    subprocess.run(cmd, capture_output=True, timeout=120, check=True)


def test_report_renders_in_headless_chromium_and_prints_on_a4_pages(chromium, tmp_path,
                                                                      variants_html):
    page = tmp_path / "report.html"
    page.write_text(variants_html, encoding="utf-8")
    shot = tmp_path / "report.png"
    _chromium(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1240,1754",
              page.as_uri())
    pixels = mpimg.imread(shot)[..., :3]
    assert pixels.shape[:2] == (1754, 1240)
    ink = (pixels.mean(axis=2) < 0.9).mean()           # share of non-white pixels
    assert pixels.std() > 0.05 and 0.03 < ink < 0.8, (pixels.std(), ink)
    # The top of the page is the title and the diff table, not an error page.
    top = pixels[:300].mean(axis=2)
    assert (top < 0.5).mean() > 0.005
    pdf = tmp_path / "report.pdf"
    _chromium(chromium, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
              page.as_uri())
    assert 2 <= len(pdfium.PdfDocument(pdf)) <= 4
    w, h = pdfium.PdfDocument(pdf)[0].get_size()
    assert (round(w * 25.4 / 72), round(h * 25.4 / 72)) == (210, 297)   # the page's @page


@pytest.mark.parametrize("policy, says", [
    ("strategic", "strategic policy, docs/decisions.md"),
    ("scenario", "blind to the terms (exogenous policy)"),
    ("my_policies:Hasty", "the policy my_policies:Hasty"),
])
def test_the_report_names_the_policy(policy, says):
    from dataclasses import replace
    from experiments.report.content import facts
    saved = load_saved(FIXTURES / "variants")
    saved = replace(saved, manifest=dict(saved.manifest, policy=policy))
    assert says in facts(saved)
    assert says in report_html(saved, 0, [])
