"""Running the contract lint: every registered check on given terms and scenario.

The one module above both :mod:`experiments.lint.core` (context, registry, findings) and
:mod:`experiments.lint.checks` (the checks, registered on import), so the registration runs
one way: checks -> core, and this module imports both.
"""

from __future__ import annotations

from experiments.lint import checks  # noqa: F401 -- registers every check in CHECKS
from experiments.lint.core import (CHECKS, DEFAULT_QUANTILE, SEVERITY_ORDER, Context, Finding,
                                   LintReport, fixed_switch, switches)
from sim.law.terms import Terms
from sim.world.scenario import Scenario


def lint(terms: Terms, scenario: Scenario, q: float = DEFAULT_QUANTILE) -> LintReport:
    """Run every registered check on ``terms`` in ``scenario``.

    Args:
        terms: The terms to lint.
        scenario: The world whose latencies and behaviour bound the chains.
        q: Quantile bounding unbounded distributions (0.5 < q < 1).

    Returns:
        The findings, worst first (then in registration order), and the switches.
    """
    ctx = Context(terms, scenario, q)
    by_name = {s.name: s for s in switches(terms)}
    findings, resolved = [], []
    for c in CHECKS.values():
        sws = tuple(by_name[n] if n in by_name else fixed_switch(terms, n) for n in c.switches)
        if c.kind == "gap" and not all(s.at_default for s in sws):
            resolved.append((c.id, tuple(s for s in sws if not s.at_default)))
            continue
        v = c.fn(ctx)
        if v is not None:
            findings.append(Finding(c.id, c.kind, v.severity, c.clauses, c.words, v.message,
                                    v.condition, sws))
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return LintReport(tuple(findings), tuple(by_name.values()), tuple(resolved), q)
