"""Writing the comparison report of a results folder: HTML or PDF, by the file's suffix.

The one entry above both formats: the HTML page (:mod:`experiments.report.html`), and
the same page printed to PDF (:mod:`experiments.report.pdf`, WeasyPrint, imported only
for a PDF).
"""

from __future__ import annotations

from pathlib import Path

from experiments.analysis.saved import load_saved
from experiments.execution.files import check_writable, write_atomic, write_error
from experiments.figures.plot import READS
from sim.core.config import ConfigError


def write_report(out: str | Path, target: str | Path, point: int = 0) -> Path:
    """Write the report of a results folder to ``target`` (``.html`` or ``.pdf``).

    Raises:
        ConfigError: an unreadable results folder, a design point that does not exist,
            another file type, a place that cannot be written, or, for a PDF, no
            WeasyPrint or Pango to print it (checked first; a failed write leaves no file
            behind).
    """
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise ConfigError(str(target), "", "the report is written as .html or .pdf")
    check_writable(target.parent, "-o")
    if suffix == ".pdf":
        from experiments.report.pdf import printer

        printer(target)
    saved = load_saved(out, columns=READS)
    saved.check_point(point)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(target.parent, exc, "-o") from None
    from experiments.report.html import report_html

    page = report_html(saved, point)
    if suffix == ".pdf":
        from experiments.report.pdf import write_pdf

        write_atomic(target, lambda tmp: write_pdf(saved, tmp, point, page))
    else:
        write_atomic(target, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return target
