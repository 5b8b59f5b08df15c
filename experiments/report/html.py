"""The one-page comparison report of a sweep: one self-contained HTML file (or a PDF).

The report reads only the results folder (:mod:`experiments.analysis.saved`): the terms that
differ between variants, with their clauses (from the manifest's cells and
:func:`sim.law.terms.clause_of`); the headline numbers with 95% intervals and paired
differences against the base (:func:`experiments.analysis.compare.compare`); every figure
:func:`experiments.figures.outcomes.figures_for` draws, embedded as SVG data URIs; and at the
foot the manifest's facts (seed, replications, versions, git commit). Its print style
sheet fits a comparison on two A4 or Letter pages (a design sweep adds its design
figures). :func:`write_pdf` (``experiments.report.pdf``) lays the same out with
matplotlib.
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.analysis.compare import OUTCOMES, compare
from experiments.figures.outcomes import Made, figures_for
from experiments.analysis.saved import Saved, load_saved, short_name
from experiments.figures.style import svg_bytes
from experiments.analysis.tables import fmt
from sim.core.config import ConfigError
from sim.law.terms import clause_of, term_names


@dataclass(frozen=True)
class DiffRow:
    """One term (or scenario setting) that differs between variants.

    Attributes:
        name: The term, or ``scenario.<path>`` for a scenario override.
        section: Its clause (``§1(a)``), or ``scenario``.
        words: The clause's words (empty for a scenario setting).
        values: The value under each variant, in spec order.
    """

    name: str
    section: str
    words: str
    values: dict[str, Any]


def _flat(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out = {}
    for k, v in table.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def terms_diff(saved: Saved, point: int = 0) -> list[DiffRow]:
    """The terms whose value is not the same under every variant at ``point``, in the
    order of the terms, then each variant's scenario overrides."""
    cells = {v: saved.terms(v, point) for v in saved.variants}
    rows = []
    for name in term_names():
        values = {v: cells[v].get(name) for v in saved.variants}
        if len({repr(x) for x in values.values()}) > 1:
            c = clause_of(name)
            rows.append(DiffRow(name, c.section, c.words, values))
    overrides = {v["name"]: _flat(v.get("scenario") or {}) for v in saved.manifest["variants"]}
    for key in dict.fromkeys(k for o in overrides.values() for k in o):
        values = {v: overrides[v].get(key, "(base scenario)") for v in saved.variants}
        rows.append(DiffRow(f"scenario.{key}", "scenario", "", values))
    return rows


def value_text(value: Any) -> str:
    """A term value as a reader sees it: ``true``, ``45``, ``investors_first``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Cell:
    """One headline cell: an estimate and, for a variant, its paired difference."""

    estimate: str
    interval: str
    diff: str = ""
    diff_interval: str = ""
    significant: bool = False


def _num(value: float, unit: str, signed: bool = False) -> str:
    """A headline number, short: dollars as ``$214k`` or ``$1.2k``, else as
    :func:`experiments.analysis.tables.fmt` writes it."""
    if unit != "USD" or not math.isfinite(value) or abs(value) < 1000:
        return fmt(value, unit, signed)
    sign = "-" if value < 0 else ("+" if signed else "")
    k = abs(value) / 1000
    return f"{sign}${k:,.0f}k" if k >= 10 else f"{sign}${k:.1f}k"


def _ci(low: float, high: float, unit: str, signed: bool = False) -> str:
    """An interval without repeating the unit: ``[1.1, 6.4]`` (percent or points),
    ``[98, 114]``, ``[-$1.6k, +$525]``."""
    if unit == "probability" and math.isfinite(low) and math.isfinite(high):
        f = "+.1f" if signed else ".1f"
        return f"[{low * 100:{f}}, {high * 100:{f}}]"
    return f"[{_num(low, unit, signed)}, {_num(high, unit, signed)}]"


def _delta(value: float, unit: str) -> str:
    """A paired difference, short: ``-2.5 pts``, ``-27``, ``-$537``."""
    if unit == "probability" and math.isfinite(value):
        return f"{value * 100:+.1f} pts"
    return _num(value, unit, True)


def headline(saved: Saved, point: int = 0) -> list[tuple[str, str, dict[str, Cell]]]:
    """Per headline outcome: (label, clause, cell per variant).

    A difference is ``significant`` when its paired 95% interval excludes zero.
    """
    if not saved.outcomes:
        return []
    cmp = compare(saved.frames(point), "base", saved.outcomes)
    out = []
    for name in saved.outcomes:
        o = OUTCOMES[name]
        cells = {}
        for _, r in cmp[cmp["outcome"] == name].iterrows():
            cell = Cell(_num(r["estimate"], o.unit), _ci(r["low"], r["high"], o.unit))
            if r["variant"] != "base":
                lo, hi = r["diff_low"], r["diff_high"]
                sig = bool(not math.isnan(lo) and not math.isnan(hi) and (lo > 0 or hi < 0))
                cell = Cell(cell.estimate, cell.interval, _delta(r["diff"], o.unit),
                            _ci(lo, hi, o.unit, True), sig)
            cells[r["variant"]] = cell
        out.append((o.label.replace(" -> ", " → "), o.clause, cells))
    return out


#: How the report's intervals are made (printed at the foot).
INTERVALS = ("95%; quantiles: order statistics, paired bootstrap (never effective counts); "
             "probabilities: Clopper-Pearson, paired t; money: t (experiments/analysis/compare.py)")


def provenance(saved: Saved) -> list[tuple[str, str]]:
    """The manifest facts printed at the foot of the report."""
    m = saved.manifest
    versions = ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items())
    design = m.get("design", {})
    facts = [("experiment", f"{m['name']} ({m.get('spec_file') or 'no spec file'})"),
             ("root seed", str(m["seed"])),
             ("replications", f"{m['replications']:,} per variant and design point "
                              f"(replication r of every variant is deal r of the seed)"),
             ("variants", ", ".join(saved.variants)),
             ("design", f"{design.get('method')}, {len(saved.points)} points"
              if saved.parameters else "none (one point)"),
             ("policy, task size", f"{m.get('policy')}, {m.get('task_size')} replications"),
             ("fingerprint", str(m.get("fingerprint"))),
             ("git commit", str(m.get("git_commit") or "unknown")), ("versions", versions),
             ("intervals", INTERVALS)]
    return facts


def design_rows(saved: Saved) -> list[tuple[str, str, str]]:
    """The swept parameters: (parameter, clause, values or range)."""
    spec = saved.manifest.get("spec", {}).get("design", {}).get("parameters", {})
    rows = []
    for p in saved.parameters:
        section = "scenario"
        if p.startswith("terms."):
            section = clause_of(short_name(p)).section
        given = spec.get(p, {})
        if "values" in given:
            values = ", ".join(value_text(v) for v in given["values"])
        elif "low" in given:
            values = f"{value_text(given['low'])} to {value_text(given['high'])}"
        else:
            values = ", ".join(dict.fromkeys(value_text(pt[p]) for pt in saved.points))
        rows.append((short_name(p), section, values))
    return rows


# --- HTML --------------------------------------------------------------------------------
CSS = """
:root { --ink: #1d1d1f; --muted: #6b6b70; --rule: #d8d8dc; --sig: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 18px 0 6px; border-bottom: 1px solid var(--rule);
  padding-bottom: 2px; }
p { margin: 4px 0; }
.lede { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; table-layout: fixed; }
th, td { padding: 3px 6px; border-bottom: 1px solid var(--rule); text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
col.clause { width: 5em; }
th { font-weight: 600; background: #f4f4f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.same { color: var(--muted); }
.changed { font-weight: 700; }
.words { color: var(--muted); font-size: 11.5px; }
span.clause { color: var(--muted); white-space: nowrap; }
.ci { color: var(--muted); font-size: 11px; }
.delta { font-size: 11.5px; }
.sig { color: var(--sig); font-weight: 700; }
.sig .ci { font-weight: 400; }
.note { color: var(--muted); font-size: 11.5px; }
.hint { color: var(--muted); font-size: 11.5px; font-weight: 400; }
.figures { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  grid-auto-flow: row dense; gap: 12px 18px; }
figure { margin: 0; min-width: 0; break-inside: avoid; page-break-inside: avoid; }
figure.wide { grid-column: 1 / -1; }
figure img { display: block; width: 100%; height: auto; margin: 0 auto; }
figcaption { font-size: 11.5px; color: var(--muted); margin-top: 2px; }
footer { margin-top: 20px; font-size: 11.5px; color: var(--muted); }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 1px 12px; margin: 0; }
footer dt { font-weight: 600; color: var(--ink); }
footer dd { margin: 0; overflow-wrap: anywhere; }
@page { size: auto; margin: 8mm 11mm; }
@media print {
  body { font-size: 9.5pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 15pt; }
  h2 { font-size: 11pt; margin: 7px 0 3px; break-after: avoid; page-break-after: avoid; }
  .hint { font-size: 7.5pt; }
  table { font-size: 7.8pt; }
  .words { font-size: 6.6pt; white-space: nowrap; overflow: hidden;
    text-overflow: ellipsis; }
  .words, .delta, .note, footer { font-size: 7.5pt; }
  figcaption { font-size: 7pt; margin-top: 0; }
  .ci { font-size: 6.8pt; }
  th, td { padding: 2px 4px; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .figures { gap: 4px 10px; }
  figure img { width: auto; max-width: 100%; max-height: 70mm; }
  figure.wide img { max-height: 76mm; }
  footer { margin-top: 2px; font-size: 6.8pt; line-height: 1.25; }
  footer h2 { margin-top: 4px; }
  footer dl { grid-template-columns: max-content 1fr max-content 1fr; }
}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _first_column(variants: int, widest: int, narrowest: int) -> int:
    """Width (%) of a table's first column: narrower as variant columns are added."""
    return max(narrowest, widest - 4 * max(0, variants - 4))


def _breakable(text: str) -> str:
    """Escaped, with line-break chances after underscores (``pro_rata_holdings``)."""
    return _e(text).replace("_", "_<wbr>")


def _diff_html(saved: Saved, point: int) -> str:
    rows = terms_diff(saved, point)
    if not rows:
        return ("<p>The variants share every term"
                + (" at this design point" if saved.parameters else "") + ".</p>")
    labels = saved.labels
    head = "".join(f"<th>{_e(labels[v])}</th>" for v in saved.variants)
    body = []
    for r in rows:
        base = r.values["base"]
        cells = "".join(
            f"<td class=\"{'same' if v != 'base' and r.values[v] == base else 'changed'}\">"
            f"{_breakable(value_text(r.values[v]))}</td>" for v in saved.variants)
        words = f"<div class=\"words\">{_e(r.words)}</div>" if r.words else ""
        body.append(f"<tr><td><code>{_e(r.name)}</code>{words}</td><td>{_e(r.section)}</td>"
                    f"{cells}</tr>")
    return (f"<table class=\"diff\" id=\"terms-diff\"><colgroup>"
            f"<col style=\"width: {_first_column(len(saved.variants), 44, 26)}%\">"
            f"<col class=\"clause\">{'<col>' * len(saved.variants)}</colgroup><thead><tr>"
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


def _design_html(saved: Saved) -> str:
    if not saved.parameters:
        return ""
    rows = "".join(f"<tr><td><code>{_e(p)}</code></td><td>{_e(c)}</td><td>{_e(v)}</td></tr>"
                   for p, c, v in design_rows(saved))
    return ("<h2>Design</h2><table class=\"design\"><thead><tr><th>parameter</th>"
            f"<th>clause</th><th>values</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<p class=\"note\">{_e(saved.manifest['design']['method'])} design, "
            f"{len(saved.points)} points; the design figures show every point.</p>")


def _figure_html(m: Made) -> str:
    data = base64.b64encode(svg_bytes(m.fig)).decode("ascii")
    return (f"<figure class=\"{'wide' if m.wide else 'half'}\" id=\"fig-{_e(m.name)}\">"
            f"<img alt=\"{_e(m.title)}\" src=\"data:image/svg+xml;base64,{data}\">"
            f"<figcaption><b>{_e(m.title)}.</b> {_e(m.caption)}</figcaption></figure>")


def _footer_html(saved: Saved) -> str:
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in provenance(saved))
    return f"<footer id=\"provenance\"><h2>Provenance</h2><dl>{items}</dl></footer>"


def report_html(saved: Saved, point: int = 0, made: list[Made] | None = None) -> str:
    """The report as one self-contained HTML page (no external file or network)."""
    made = figures_for(saved, point) if made is None else made
    m = saved.manifest
    n = saved.replications
    facts = (f"{len(saved.variants)} variant{'s' if len(saved.variants) > 1 else ''}"
             + (f" × {len(saved.points)} design points" if saved.parameters else "")
             + f", {n:,} replications each, root seed {m['seed']}: replication r of every "
               "variant meets the same random future (deal r), so differences are the "
               "terms' doing.")
    figures = "".join(_figure_html(x) for x in made)
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>regsim report: {_e(m['name'])}</title><style>{CSS}</style></head><body><main>"
        f"<header><h1>{_e(m['name'])}: how the terms move the outcomes</h1>"
        f"<p><span class=\"lede\">{_e(m.get('description') or '')}</span> {_e(facts)}</p>"
        "</header>"
        "<section id=\"terms\"><h2>Terms that differ <span class=\"hint\">(bold: the "
        f"variant's value; grey: as the base)</span></h2>{_diff_html(saved, point)}</section>"
        f"{_design_html(saved)}"
        "<section id=\"numbers\"><h2>Headline numbers <span class=\"hint\">(estimate [95% "
        "interval]; Δ: paired difference against the base, blue where its interval excludes "
        f"zero)</span></h2>{_headline_html(saved, point)}"
        "</section>"
        f"<section id=\"figures\"><h2>Figures</h2><div class=\"figures\">{figures}</div>"
        f"</section>{_footer_html(saved)}</main></body></html>\n")


def write_report(out: str | Path, target: str | Path, point: int = 0) -> Path:
    """Write the report of a results folder to ``target`` (``.html`` or ``.pdf``).

    Raises:
        ConfigError: an unreadable results folder, a design point that does not exist,
            or another file type.
    """
    saved = load_saved(out)
    saved.check_point(point)
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise ConfigError(str(target), "", "the report is written as .html or .pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    if suffix == ".pdf":
        from experiments.report.pdf import write_pdf

        write_pdf(saved, tmp, point)
    else:
        tmp.write_text(report_html(saved, point), encoding="utf-8")
    tmp.replace(target)
    return target
