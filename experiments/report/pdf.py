"""The report as a PDF: the HTML page of :mod:`experiments.report.html`, printed.

One layout serves both formats: WeasyPrint lays the same page out on A4 by its print
style sheet (margins, page numbers, headings kept with what follows, tables that wrap,
figures scaled to the page width). WeasyPrint is a Python package (no browser to install)
that gives the same bytes for the same page; it draws text with the Pango library, which
the system provides. Without Pango, writing a PDF stops with one line.
"""

from __future__ import annotations

from pathlib import Path

from experiments.analysis.saved import Saved
from experiments.report.html import report_html
from sim.core.config import ConfigError


def printer(target: str | Path):
    """The WeasyPrint module, or one line saying what to do without it (checked before
    the report's figures are drawn).

    Raises:
        ConfigError: WeasyPrint is not installed, or its system library (Pango) is
            missing (WeasyPrint raises OSError on import then).
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"-o {target}", "", f"cannot print a PDF ({why}); write "
                          "report.html or install Pango") from None
    return weasyprint


def write_pdf(saved: Saved, target: Path, point: int = 0, page: str | None = None) -> Path:
    """Print the report's HTML page (``page``, else made here) to an A4 PDF at ``target``.

    Raises:
        ConfigError: no WeasyPrint or no Pango (:func:`printer`).
    """
    weasyprint = printer(target)
    page = report_html(saved, point) if page is None else page
    weasyprint.HTML(string=page).write_pdf(target)
    return target
