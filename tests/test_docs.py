"""The documentation stays true: every event kind and outcome column is documented."""

from pathlib import Path

from sim.engine import events as ev
from sim.read.outcomes import COLUMN_NAMES
import sim.read.outcomes

ROOT = Path(__file__).resolve().parents[1]


def test_every_event_kind_is_documented():
    text = (ROOT / "docs" / "event-log.md").read_text(encoding="utf-8")
    missing = [k for k in ev.KINDS if f"`{k}`" not in text]
    assert not missing, f"undocumented kinds: {missing}"


def test_every_outcome_column_is_documented():
    doc = sim.read.outcomes.__doc__
    missing = [c for c in COLUMN_NAMES if c not in doc]
    assert not missing, f"undocumented columns: {missing}"


def test_readme_quick_start_is_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_cmd = "python3 -m pip install -e '.[test]' && python3 -m pytest"
    assert "python3 -m pip install -e . && regsim run" in readme
    assert test_cmd in readme
    assert test_cmd in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_shipped_experiment_spec_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    specs = sorted(p.name for p in (ROOT / "experiments" / "specs").glob("*.toml"))
    assert specs and not [s for s in specs if f"`{s}`" not in readme]


def test_the_clause_page_is_what_the_code_says_today():
    """docs/clauses.md is generated from the agreement's text, the rule registry and the
    terms (`python -m sim.law.clauses > docs/clauses.md`): it cannot drift from them."""
    from sim.law.clauses import page

    committed = (ROOT / "docs" / "clauses.md").read_text(encoding="utf-8")
    assert committed == page(), "docs/clauses.md is stale: python -m sim.law.clauses > docs/clauses.md"


def test_every_clause_a_rule_or_term_cites_is_in_the_agreement_or_a_named_source():
    from sim.law.agreement import clauses
    from sim.law.clauses import _sections
    from sim.law.rules._registry import REGISTRY
    from sim.law.terms import SOURCES, clause_of, term_names

    known = set(clauses()) | set(SOURCES)
    cited = {s for r in REGISTRY.values() for s in _sections(r.section)}
    cited |= {s for n in term_names() for s in _sections(clause_of(n).section)}
    assert cited <= known, cited - known
    words = clauses()
    assert words["§1(a)"].startswith("DEMAND REGISTRATION. One or more Investors holding a "
                                     "majority of the Units")
    assert "shall as soon as practicable after the date" in words["§1(a)"]   # across a page
    assert list(words)[:3] == ["recitals", "§1", "§1(a)"] and "§8(g)" in words
