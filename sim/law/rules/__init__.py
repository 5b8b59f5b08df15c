"""The agreement's rules as pure functions, one per clause.

Each rule's docstring starts with the section it encodes and quotes its words; the
:func:`rule` decorator records that citation in :data:`REGISTRY`, which the tests use to
check that every clause has a rule and a fact-pattern test (``docs/clauses.md`` lists
them, clause by clause). Rules take
terms and plain values (days, shares) and return plain values: no state, no I/O, no
randomness, and no number from the agreement except through ``terms``.
"""

from sim.law.rules._registry import REGISTRY, Rule, rule
from sim.law.rules import (  # noqa: F401  (importing registers the rules)
    amendments,
    cutback,
    damages,
    demand,
    delay,
    expenses,
    indemnity,
    information,
    limits,
    notices,
    other_holders,
    piggyback,
    procedures,
    resale,
    securities,
)

__all__ = ["REGISTRY", "Rule", "rule"]
