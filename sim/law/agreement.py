"""The 2003 agreement's text, shipped as data (``sim/law/agreement.txt``), by clause.

The text is the filed exhibit as it is (BestNet Communications Corp., Exhibit 10.2,
Exhibit C: the Registration Rights Agreement of March 30, 2003). :func:`clauses` splits
it the way rules and terms cite it: ``recitals`` (the opening and the WHEREAS clauses),
each section (``§2``: its opening words) and each lettered subsection (``§1(a)``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

TEXT = Path(__file__).resolve().parent / "agreement.txt"

_SECTION = re.compile(r"^(\d+)\.\s+(.*)$")
_SUBSECTION = re.compile(r"^\s{3,}([a-h])\.\s+(.*)$")
_PAGE_NUMBER = re.compile(r"^\s*\d+\s*$")
_PAGE_BREAK = re.compile(r"\n[ \t]*\n[ \t]*\d+[ \t]*\n[ \t]*\n")


def text() -> str:
    """The agreement as filed."""
    return TEXT.read_text(encoding="utf-8")


@cache
def clauses() -> dict[str, str]:
    """The agreement's words by clause, in the agreement's order: ``recitals``, then
    ``§1``, ``§1(a)``, ... ``§8(g)``, ``signatures`` (after the last clause). Page
    numbers are dropped and each clause's lines joined into one paragraph per blank
    line."""
    out: dict[str, list[str]] = {"recitals": []}
    current, section = "recitals", None
    joined = _PAGE_BREAK.sub("\n", text())         # a paragraph runs on across pages
    for line in joined.splitlines():
        if _PAGE_NUMBER.match(line):
            continue
        m = _SECTION.match(line)
        if m and int(m.group(1)) == (section or 0) + 1:
            section = int(m.group(1))
            current = f"§{section}"
            out[current] = [m.group(2)]
            continue
        m = _SUBSECTION.match(line)
        if m and section is not None and _letter_follows(out, section, m.group(1)):
            current = f"§{section}({m.group(1)})"
            out[current] = [m.group(2)]
            continue
        if section == 8 and "IN WITNESS WHEREOF" in line:
            current = "signatures"
            out[current] = []
        out[current].append(line.strip())
    return {k: _paragraphs(v) for k, v in out.items()}


def _letter_follows(out: dict[str, list[str]], section: int, letter: str) -> bool:
    """Whether ``letter`` is the next subsection of ``section`` (a, then b, ...)."""
    taken = [k for k in out if k.startswith(f"§{section}(")]
    return ord(letter) - ord("a") == len(taken)


def _paragraphs(lines: list[str]) -> str:
    """One paragraph per run of lines; a blank line inside a sentence (a page break
    without a page number: the next line starts in lower case) does not end one."""
    paras, para = [], []
    for i, line in enumerate(lines):
        if line:
            para.append(line)
        elif para and not (i + 1 < len(lines) and lines[i + 1][:1].islower()):
            paras.append(" ".join(para))
            para = []
    if para:
        paras.append(" ".join(para))
    return "\n\n".join(" ".join(p.split()) for p in paras)
