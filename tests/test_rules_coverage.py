"""Coverage of the rules: every rule cites its clause, every clause has a rule and a test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.law.rules import REGISTRY
from sim.law.terms import SOURCES, clause_of, term_names

TESTS_DIR = Path(__file__).resolve().parent
RULES_MD = Path(__file__).resolve().parents[2] / "shared" / "RULES.md"

#: Sections of RULES.md that must each be encoded by at least one registered rule.
REQUIRED_SECTIONS = ("§1(a)", "§1(b)", "§1(c)", "§1(d)", "§2", "§3(a)", "§6", "§7", "§8(a)")
SECTION = re.compile(r"§\d+(?:\([a-z]\))?")


def _covers(rule_section: str, section: str) -> bool:
    """A rule citing ``§2(e)`` covers the heading section ``§2``; ``§1(a)`` only itself."""
    return rule_section == section or ("(" not in section
                                       and rule_section.startswith(section + "("))


def test_registry_is_not_empty():
    """Importing sim.law.rules registers the rules (guards the tests below from passing idly)."""
    assert len(REGISTRY) >= 20


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_rule_docstring_starts_with_its_section(key):
    """Every rule's docstring starts with the section it encodes, e.g. "§1(a): ..."."""
    rule = REGISTRY[key]
    assert SECTION.fullmatch(rule.section) or rule.section in SOURCES, (
        f"{key}: bad section {rule.section!r}: neither a section of the agreement nor a "
        f"source in sim.law.terms.SOURCES")
    doc = (rule.fn.__doc__ or "").lstrip()
    assert doc.startswith(rule.section), f"{key}: docstring must start with {rule.section}"
    assert rule.words.strip(), f"{key}: no words of the agreement recorded"
    assert key.endswith("." + rule.fn.__name__) and rule.name == rule.fn.__name__


def test_every_rules_md_section_heading_has_a_registered_rule():
    """Each of §1(a)-§1(d), §2, §3(a), §6, §7, §8(a) named in a RULES.md heading has a rule."""
    if not RULES_MD.is_file():
        pytest.skip(f"RULES.md not found at {RULES_MD} (shared/ not checked out next to main/)")
    headings = [line for line in RULES_MD.read_text(encoding="utf-8").splitlines()
                if line.startswith("#")]
    headed = {s for line in headings for s in SECTION.findall(line)}
    required = [s for s in REQUIRED_SECTIONS if s in headed]
    assert required, f"no required section found in the headings of {RULES_MD}"
    missing = [s for s in required
               if not any(_covers(r.section, s) for r in REGISTRY.values())]
    assert not missing, f"sections of RULES.md without a registered rule: {missing}"


def test_every_registered_rule_is_called_in_a_rule_test():
    """Every rule function is called in some tests/test_rules_*.py, so a new rule without a
    fact-pattern test fails CI."""
    files = [p for p in sorted(TESTS_DIR.glob("test_rules_*.py"))
             if p.name != Path(__file__).name]
    assert files, "no tests/test_rules_*.py files found"
    text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    untested = sorted(key for key, r in REGISTRY.items()
                      if not re.search(rf"\b{re.escape(r.fn.__name__)}\s*\(", text))
    assert not untested, f"rules without a fact-pattern test: {untested}"


def test_a_rule_outside_the_agreement_cites_a_source_its_terms_cite():
    """A rule of a clause the 2003 agreement lacks (liquidated damages) names a source of
    :data:`sim.law.terms.SOURCES`, and some term carries that source's words: the rule
    is not an orphan, nor a clause passed off as the agreement's."""
    outside = {r.section for r in REGISTRY.values() if not SECTION.fullmatch(r.section)}
    assert outside, "no rule outside the agreement (liquidated damages) is registered"
    assert outside <= set(SOURCES), outside - set(SOURCES)
    term_sections = {clause_of(n).section for n in term_names()}
    assert outside <= term_sections, f"sources no term cites: {outside - term_sections}"
    odd = {s for s in term_sections
           if not (SECTION.search(s) or s == "recitals" or s in SOURCES)}
    assert not odd, f"terms citing neither a section nor a source: {odd}"
