"""The comparison report as one self-contained HTML page, on screen and in print.

It renders the facts of :mod:`experiments.report.content` (terms that differ, headline
numbers with paired differences, the deal calendar in dates, design, provenance) and
every figure :func:`experiments.figures.plot.figures_for` draws, embedded as SVG data
URIs. The one style sheet serves both: a page in a browser, and A4 pages in print
(margins, page numbers, headings kept with what follows, tables of fixed layout that
wrap long keys, figures scaled to the page width).
:mod:`experiments.report.pdf` prints this same page to PDF;
:func:`experiments.report.write.write_report` picks one by the file's suffix.
"""

from __future__ import annotations

import base64
import html
from typing import Any

from experiments.analysis.saved import Saved
from experiments.figures.common import Made
from experiments.analysis import discovery
from experiments.figures.plot import (DISCOVERY_FIGURE, LEAD_FIGURE, SENSITIVITY_FIGURE,
                                      figures_for)
from experiments.figures.style import svg_bytes
from experiments.report.content import (calendar, design_rows, diff_columns, diff_heading,
                                        diff_hint, discovery_note, facts, headline,
                                        index_note, index_tables, no_diff_text,
                                        one_variant, provenance, terms_diff, title,
                                        value_text)


# --- HTML --------------------------------------------------------------------------------
CSS = """
:root { --ink: #1d1d1f; --muted: #6b6b70; --rule: #d8d8dc; --sig: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "DejaVu Sans", sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 18px 0 6px; border-bottom: 1px solid var(--rule);
  padding-bottom: 2px; break-after: avoid; page-break-after: avoid; }
p { margin: 4px 0; }
.lede { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; table-layout: fixed; }
thead { display: table-header-group; }
th, td { padding: 3px 6px; border-bottom: 1px solid var(--rule); text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
tr { break-inside: avoid; page-break-inside: avoid; }
col.clause { width: 5em; }
th { font-weight: 600; background: #f4f4f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 0.95em; overflow-wrap: anywhere; }
.same { color: var(--muted); }
.changed { font-weight: 700; }
.words { color: var(--muted); font-size: 11.5px; }
span.clause { color: var(--muted); white-space: nowrap; }
.ci { color: var(--muted); font-size: 11px; }
.delta { font-size: 11.5px; }
.verdict { font-size: 10.5px; color: #1f5fa8; }
.sig { color: var(--sig); font-weight: 700; }
.sig .ci { font-weight: 400; }
.note { color: var(--muted); font-size: 11.5px; }
.hint { color: var(--muted); font-size: 11.5px; font-weight: 400; }
table.calendar { margin-top: 4px; }
.figrow { margin: 0 0 12px; break-inside: avoid; page-break-inside: avoid; }
figure { display: inline-block; vertical-align: top; margin: 0; width: 100%;
  break-inside: avoid; page-break-inside: avoid; }
figure.half { width: 49%; }
figure.half + figure.half { margin-left: 2%; }
figure img { display: block; width: 100%; height: auto; }
figcaption { font-size: 11.5px; color: var(--muted); margin-top: 2px; }
footer { margin-top: 20px; font-size: 11.5px; color: var(--muted); break-inside: avoid;
  page-break-inside: avoid; }
footer table { font-size: inherit; }
footer h2 { color: var(--ink); }
footer th { width: 11em; background: none; color: var(--ink); white-space: nowrap;
  word-break: normal; }
footer th, footer td { border: 0; padding: 1px 12px 1px 0; }
@page { size: A4; margin: 14mm 13mm 16mm;
  @bottom-left { content: string(doc-title); font: 7pt "DejaVu Sans", sans-serif;
    color: #6b6b70; }
  @bottom-right { content: "page " counter(page) " of " counter(pages);
    font: 7pt "DejaVu Sans", sans-serif; color: #6b6b70; } }
@media print {
  body { font-size: 9pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 14pt; string-set: doc-title content(); }
  h2 { font-size: 10.5pt; margin: 8px 0 3px; }
  .hint, .words, .delta, .note, figcaption { font-size: 7pt; }
  .verdict { font-size: 6.5pt; }
  table { font-size: 7.5pt; }
  .ci { font-size: 6.5pt; }
  th, td { padding: 2px 4px; }
  .figrow { margin-bottom: 6px; }
  figure.wide img { width: auto; max-width: 100%; max-height: 150mm; margin: 0 auto; }
  footer { margin-top: 6px; font-size: 7pt; line-height: 1.25; }
  footer th { width: 11em; }
}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _first_column(variants: int, widest: int, narrowest: int) -> int:
    """Width (%) of a table's first column: narrower as variant columns are added, and
    half the width beside one variant's column."""
    if variants == 1:
        return max(widest, 50)
    return max(narrowest, widest - 4 * max(0, variants - 4))


def _breakable(text: str) -> str:
    """Escaped, with line-break chances after underscores (``pro_rata_holdings``)."""
    return _e(text).replace("_", "_<wbr>")


def _diff_html(saved: Saved, point: int) -> str:
    rows = terms_diff(saved, point)
    if not rows:
        return f"<p>{_e(no_diff_text(saved))}</p>"
    columns = diff_columns(saved)
    first = columns[0][0]
    head = "".join(f"<th>{_e(label)}</th>" for _, label in columns)
    body = []
    for r in rows:
        ref = r.values[first]
        cells = "".join(
            f"<td class=\"{'same' if v != first and r.values[v] == ref else 'changed'}\">"
            f"{_breakable(value_text(r.values[v]))}</td>" for v, _ in columns)
        words = f"<div class=\"words\">{_e(r.words)}</div>" if r.words else ""
        body.append(f"<tr><td><code>{_e(r.name)}</code>{words}</td><td>{_e(r.section)}</td>"
                    f"{cells}</tr>")
    return (f"<table class=\"diff\" id=\"terms-diff\"><colgroup>"
            f"<col style=\"width: {_first_column(len(columns), 44, 26)}%\">"
            f"<col class=\"clause\">{'<col>' * len(columns)}</colgroup><thead><tr>"
            f"<th>term</th><th>clause</th>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            "</table>")


def _headline_html(saved: Saved, point: int) -> str:
    rows = headline(saved, point)
    if not rows:
        return ""
    head = "".join(f"<th class=\"num\">{_e(saved.labels[v])}</th>" for v in saved.variants)
    body = []
    for label, clause, cells in rows:
        tds = []
        for v in saved.variants:
            c = cells[v]
            diff = ""
            if c.diff:
                diff = (f"<div class=\"delta{' sig' if c.significant else ''}\">Δ {_e(c.diff)} "
                        f"<span class=\"ci\">{_e(c.diff_interval)}</span></div>")
                if c.verdict:
                    diff += f"<div class=\"verdict\">{_e(c.verdict)}</div>"
            tds.append(f"<td class=\"num\">{_e(c.estimate)} <span class=\"ci\">"
                       f"{_e(c.interval)}</span>{diff}</td>")
        body.append(f"<tr><td>{_e(label)} <span class=\"clause\">{_e(clause)}</span></td>"
                    f"{''.join(tds)}</tr>")
    where = f" at design point {point} ({_e(saved.point_text(point))})" if saved.parameters \
        else ""
    return (f"<table class=\"headline\" id=\"headline\"><colgroup>"
            f"<col style=\"width: {_first_column(len(saved.variants), 24, 16)}%\">"
            f"{'<col>' * len(saved.variants)}</colgroup><thead><tr>"
            f"<th>outcome (clause){where}</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def _calendar_html(saved: Saved, point: int) -> str:
    rows = calendar(saved, point)
    if not rows:
        return ""
    head = "".join(f"<th class=\"num\">{_e(saved.labels[v])}</th>" for v in saved.variants)
    body = "".join(f"<tr><td>{_e(what)}</td>"
                   + "".join(f"<td class=\"num\">{_e(cells[v])}</td>" for v in saved.variants)
                   + "</tr>" for what, cells in rows)
    return (f"<table class=\"calendar\" id=\"calendar\"><colgroup>"
            f"<col style=\"width: {_first_column(len(saved.variants), 24, 16)}%\">"
            f"{'<col>' * len(saved.variants)}</colgroup><thead><tr>"
            f"<th>on the calendar (deals with a Demand Notice)</th>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _design_html(saved: Saved, study=None) -> str:
    if not saved.parameters:
        return ""
    shown = ("the sections below analyse them" if study is not None
             else "the design figures show every point")
    rows = "".join(f"<tr><td><code>{_e(p)}</code></td><td>{_e(c)}</td><td>{_e(v)}</td></tr>"
                   for p, c, v in design_rows(saved))
    return ("<h2>Design</h2><table class=\"design\"><thead><tr><th>parameter</th>"
            f"<th>clause</th><th>values</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<p class=\"note\">{_e(saved.manifest['design']['method'])} design, "
            f"{len(saved.points)} points; {shown}.</p>")


def _figure_html(m: Made) -> str:
    data = base64.b64encode(svg_bytes(m.fig)).decode("ascii")
    return (f"<figure class=\"{'wide' if m.wide else 'half'}\" id=\"fig-{_e(m.name)}\">"
            f"<img alt=\"{_e(m.title)}\" src=\"data:image/svg+xml;base64,{data}\">"
            f"<figcaption><b>{_e(m.title)}.</b> {_e(m.caption)}</figcaption></figure>")


def _figure_rows(made: list[Made]) -> str:
    """Figures in order, one row each: a wide figure alone, a half-width one with the
    next half-width one beside it (a row is never split across pages)."""
    todo, rows = list(made), []
    while todo:
        first = todo.pop(0)
        partner = None if first.wide else next((m for m in todo if not m.wide), None)
        if partner is not None:
            todo.remove(partner)
        row = [first] + ([partner] if partner else [])
        # No white space between the figures: they are inline blocks, side by side.
        rows.append("<div class=\"figrow\">" + "".join(_figure_html(m) for m in row)
                    + "</div>")
    return "".join(rows)


def _footer_html(saved: Saved) -> str:
    items = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in provenance(saved))
    return (f"<footer id=\"provenance\"><h2>Provenance</h2><table class=\"facts\">"
            f"<tbody>{items}</tbody></table></footer>")


def _study_html(study, made: list[Made]) -> str:
    """A sensitivity study's two sections: which assumptions drive the outcomes (a table
    of indices per analysis with the chance share beside, and its figure), and where
    the variant loses (PRIM's line, trajectory and box per discovery)."""
    if study is None:
        return ""
    parts = ["<section id=\"drivers\"><h2>Which assumptions drive the outcomes "
             "<span class=\"hint\">(estimate [95% interval])</span></h2>"
             f"<p class=\"note\">{_e(index_note(study))}</p>"]
    for i, t in enumerate(index_tables(study), 1):
        head = "".join(f"<th>{_e(h)}</th>" if j == 0 else f"<th class=\"num\">{_e(h)}</th>"
                       for j, h in enumerate(t.head))
        body = "".join("<tr>" + "".join(
            f"<td>{_breakable(c)}</td>" if j == 0 else f"<td class=\"num\">{_e(c)}</td>"
            for j, c in enumerate(row)) + "</tr>" for row in t.rows)
        never = f" {_e(t.never)}." if t.never else ""
        parts.append(f"<p><b>{_breakable(t.label)}</b>: chance share {_e(t.chance)}."
                     f"{never}</p><table class=\"indices\"><colgroup><col style=\"width: "
                     f"28%\">{'<col>' * (len(t.head) - 1)}</colgroup><thead><tr>{head}"
                     f"</tr></thead><tbody>{body}</tbody></table>")
        parts.append(_figure_rows([m for m in made
                                   if m.name.startswith(f"{SENSITIVITY_FIGURE}{i}-")]))
    parts.append("</section>")
    if study.found:
        parts.append("<section id=\"discovery\"><h2>Where the variant loses</h2>"
                     f"<p class=\"note\">{_e(discovery_note(study))}</p>")
        for i, f in enumerate(study.found, 1):
            parts.append(f"<p><b>{_breakable(f.label)}</b>: {_e(f.line)}</p>")
            parts.append(_figure_rows([m for m in made
                                       if m.name.startswith(f"{DISCOVERY_FIGURE}{i}-")]))
        parts.append("</section>")
    return "".join(parts)


def report_html(saved: Saved, point: int = 0, made: list[Made] | None = None) -> str:
    """The report as one self-contained HTML page (no external file or network); a
    sensitivity study's folder adds its two sections (:func:`_study_html`)."""
    study = discovery.study(saved) if discovery.is_study(saved) else None
    if made is None:
        made = figures_for(saved, point) if study is None else figures_for(saved, point, study)
    m = saved.manifest
    # The report leads with the money (who gains what), beside the headline numbers;
    # the terms that differ follow, then every other figure.
    lead = [x for x in made if x.name == LEAD_FIGURE]
    figures = _figure_rows([x for x in made if x.name != LEAD_FIGURE and not
                            x.name.startswith((SENSITIVITY_FIGURE, DISCOVERY_FIGURE))])
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>regsim report: {_e(m['name'])}</title><style>{CSS}</style></head><body><main>"
        f"<header><h1>{_e(title(saved))}</h1>"
        f"<p><span class=\"lede\">{_e(m.get('description') or '')}</span> "
        f"{_e(facts(saved, point))}</p>"
        "</header>"
        "<section id=\"numbers\"><h2>Headline numbers <span class=\"hint\">(estimate [95% "
        "interval]" + ("" if one_variant(saved) else "; Δ: paired difference against the "
                       "base, blue where its interval excludes zero, with whom it serves")
        + f")</span></h2>{_headline_html(saved, point)}{_calendar_html(saved, point)}"
        "</section>"
        + (f"<section id=\"money\">{_figure_rows(lead)}</section>" if lead else "")
        + f"<section id=\"terms\"><h2>{_e(diff_heading(saved))} <span class=\"hint\">"
        f"({_e(diff_hint(saved))})</span></h2>{_diff_html(saved, point)}</section>"
        f"{_design_html(saved, study)}{_study_html(study, made)}"
        f"<section id=\"figures\"><h2>Figures</h2>{figures}</section>{_footer_html(saved)}</main></body></html>\n")
