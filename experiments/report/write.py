"""Writing the comparison report of a results folder: HTML or PDF, by the file's suffix.

The one entry above both renderings (:mod:`experiments.report.html`,
:mod:`experiments.report.pdf`); the PDF's matplotlib back end is imported only for a PDF.
"""

from __future__ import annotations

from pathlib import Path

from experiments.analysis.saved import load_saved
from experiments.figures.plot import READS
from sim.core.config import ConfigError


def write_report(out: str | Path, target: str | Path, point: int = 0) -> Path:
    """Write the report of a results folder to ``target`` (``.html`` or ``.pdf``).

    Raises:
        ConfigError: an unreadable results folder, a design point that does not exist,
            or another file type.
    """
    saved = load_saved(out, columns=READS)
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
        from experiments.report.html import report_html

        tmp.write_text(report_html(saved, point), encoding="utf-8")
    tmp.replace(target)
    return target
