"""Contract lint: the agreement's gaps and contradictions for given terms and scenario.

A static check, without Monte Carlo (``regsim lint``). Two kinds of finding:

* **chain** -- a chain of deadlines that cannot always be met together (the filing
  floor after the filing deadline, a joinder window shorter than the mail both ways,
  a §1(d) delay cap that the §1(c) cooldown overtakes, ...). Each is decided by interval
  reasoning over the scenario's day bounds (see :meth:`Context.days`) and reported when
  its failure condition can hold; the condition is stated with the numbers in force.
* **gap** -- words the agreement leaves undefined or a rule it does not give ("promptly",
  "Unconditional Company Notice", "such other material activity", the demand-registration
  cutback, the scope of the cooldown, ...). A gap is reported while its interpretation
  switch is still at its default; terms that set the switch have chosen a reading, and
  the gap is listed as resolved instead.

Every check cites its clause and quotes the words it encodes; every number comes from
:class:`~sim.law.terms.Terms` or the :class:`~sim.world.scenario.Scenario`, none is written here.

Bounding the scenario's distributions: a distribution with a finite support (``fixed``,
``uniform``, ``choice``, a ``lognormal`` with ``max``) is bounded by that support; an
unbounded one (``lognormal`` without ``max``, ``exponential``) by its ``quantile``
(default 99.9%) above and ``1 - quantile`` below. Day counts are rounded up, as the
engine rounds them (:func:`sim.world.distributions.whole_days`).

The machinery is here (context, registry, findings); the checks themselves live in
:mod:`experiments.lint.checks` (one function per gap or chain, registering itself on import),
:func:`experiments.lint.linter.lint` runs them,
the rule telling whether a finding bit in one deal's event log in :mod:`experiments.lint.bites`.
The priced part (probability each finding bites, paired effect of each reading) is in
:mod:`experiments.lint.pricing`.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any, Callable, Literal

from scipy.special import ndtri

from sim.world.distributions import Exponential, LogNormal, whole_days
from sim.law.rules import demand as demand_rules
from sim.law.rules import notices
from sim.law.rules.piggyback import investors_may_include
from sim.world.scenario import Scenario
from sim.law.terms import Terms, clause_of, term_names

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
DEFAULT_QUANTILE = 0.999

#: Terms fields that parametrise another switch's alternative rather than read words of
#: the agreement: they matter only when that switch takes the named value.
PARAMETERS = {"cutback_floor_percent": ("cutback_rule", "floor_percent")}


# --- switches -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Switch:
    """An interpretation switch of the terms (a field whose clause says "switch")."""

    name: str
    section: str
    words: str
    value: Any
    default: Any
    alternatives: tuple[Any, ...]
    numeric: bool

    @property
    def at_default(self) -> bool:
        """Whether the terms leave this reading at the preset's default."""
        return self.value == self.default


def _default(name: str) -> Any:
    return next(f.default for f in dataclasses.fields(Terms) if f.name == name)


def _alternatives(name: str, value: Any) -> tuple[tuple[Any, ...], bool]:
    """Other values of a switch: every other choice of a ``Literal``; for a number of
    days, half and twice the value in force (a sensitivity, the text gives no choices)."""
    hint = typing.get_type_hints(Terms, include_extras=True)[name]
    base = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
    if typing.get_origin(base) is Literal:
        return tuple(v for v in typing.get_args(base) if v != value), False
    if isinstance(value, int) and not isinstance(value, bool):
        return numeric_readings(value), True
    return (), True


def numeric_readings(value: int) -> tuple[int, ...]:
    """The sensitivity readings of a number of days: half and twice ``value`` (not itself)."""
    return tuple(v for v in dict.fromkeys((value // 2, max(2 * value, 1))) if v != value)


def fixed_switch(terms: Terms, name: str) -> Switch:
    """A term a check names that is not a switch (shown with its value, no alternatives)."""
    c = clause_of(name)
    return Switch(name, c.section, c.words, getattr(terms, name), _default(name), (), False)


def switches(terms: Terms) -> list[Switch]:
    """The interpretation switches of ``terms`` in declaration order (see :data:`PARAMETERS`)."""
    out = []
    for name in term_names():
        c = clause_of(name)
        if "switch" not in c.words or name in PARAMETERS:
            continue
        value = getattr(terms, name)
        alts, numeric = _alternatives(name, value)
        out.append(Switch(name, c.section, c.words, value, _default(name), alts, numeric))
    return out


# --- bounds -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bound:
    """Whole-day bounds of a scenario figure and how they were obtained."""

    low: int
    high: int
    how: str        # "support", "q99.9" ... or why it is zero
    key: str        # the scenario key, e.g. "notices.certified_mail"

    def __str__(self) -> str:
        return f"{self.high} ({self.key}, {self.how})"


def quantile(dist, q: float) -> float:
    """The ``q``-quantile of a scenario distribution: every distribution samples by
    inverse CDF from one uniform ``u`` or its normal transform ``z`` (``sim.world.distributions``)."""
    return dist.sample(q, float(ndtri(q)))


@dataclass(frozen=True)
class Context:
    """What the checks read: the terms, the scenario, and the quantile bounding tails."""

    terms: Terms
    scenario: Scenario
    q: float = DEFAULT_QUANTILE

    @property
    def q_label(self) -> str:
        # As a percentage without a numeric literal (the lint's code may not write a
        # number that equals a term's default, tests/test_lint.py).
        return "q" + f"{self.q:%}".rstrip("%").rstrip("0").rstrip(".")

    def days(self, dist, key: str) -> Bound:
        """Whole-day bounds of ``dist``: its support if finite, else its quantiles."""
        if isinstance(dist, Exponential) or (isinstance(dist, LogNormal) and dist.max is None):
            lo, hi, how = quantile(dist, 1 - self.q), quantile(dist, self.q), self.q_label
        else:
            (lo, hi), how = dist.bounds(), "support"
        return Bound(whole_days(lo), whole_days(hi), how, key)

    def latency(self, method: str) -> Bound:
        """Days from sending a notice by ``method`` to its arrival: its receipt, whatever
        the reading of §8(a) (:func:`sim.law.rules.notices.received_day`)."""
        return self.days(getattr(self.scenario.notices, method), f"notices.{method}")

    def given_on_sending(self, method: str) -> bool:
        """§8(a) switch ``notices_effective``: whether a notice sent by ``method`` is given
        the day it is sent (else the day it arrives), :func:`sim.law.rules.notices.given_day`."""
        return notices.given_day(0, 1, self.terms, method) == 0

    def until_given(self, method: str) -> Bound:
        """Days from sending a notice by ``method`` to the day it is *given* (§8(a)): none
        when given on sending, else its latency."""
        if self.given_on_sending(method):
            return Bound(0, 0, f"given when sent: notices_effective = "
                               f"{self.terms.notices_effective}", f"notices.{method}")
        return self.latency(method)

    def after_given(self, method: str) -> Bound:
        """Days from the day a notice sent by ``method`` is given to its arrival: its
        latency when given on sending, else none. A window that runs from the giving
        loses these days before the recipient learns of the notice."""
        if self.given_on_sending(method):
            return self.latency(method)
        return Bound(0, 0, f"given on receipt: notices_effective = "
                           f"{self.terms.notices_effective}", f"notices.{method}")

    @property
    def company_method(self) -> str:
        return self.scenario.company.notice_method

    @property
    def recipients_possible(self) -> bool:
        """§1(a) "each other Investor": some Investor can be outside an initiating majority."""
        units = [i.units for i in self.scenario.investors]
        total = sum(units)
        return demand_rules.is_initiating_majority(total - min(units), total, self.terms)

    @property
    def offerings_investors_may_join(self) -> bool:
        """The scenario can draw a Company registration Investors may join (§3(a))."""
        o = self.scenario.offerings
        return o.rate_per_year > 0 and o.max_count > 0 and any(
            p > 0 and investors_may_include(t) for t, p in o.type_probs.items())


# --- findings and the check registry ----------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    """What a check found: severity, what goes wrong, and the exact failure condition."""

    severity: Severity
    message: str
    condition: str


@dataclass(frozen=True)
class Check:
    """A registered check: stable id, kind, clauses, the words it encodes, its switches."""

    id: str
    kind: Literal["chain", "gap"]
    clauses: tuple[str, ...]
    words: str
    switches: tuple[str, ...]
    fn: Callable[[Context], Verdict | None]


@dataclass(frozen=True)
class Finding:
    """One finding of the lint (a check whose condition can hold)."""

    id: str
    kind: str
    severity: Severity
    clauses: tuple[str, ...]
    words: str
    message: str
    condition: str
    switches: tuple[Switch, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {"id": self.id, "kind": self.kind, "severity": self.severity,
                "clauses": list(self.clauses), "words": self.words, "message": self.message,
                "condition": self.condition,
                "switches": [switch_dict(s) for s in self.switches]}


def switch_dict(s: Switch) -> dict[str, Any]:
    """A switch as plain data."""
    return {"name": s.name, "section": s.section, "value": s.value, "default": s.default,
            "at_default": s.at_default, "alternatives": list(s.alternatives),
            "numeric": s.numeric}


CHECKS: dict[str, Check] = {}


def check(id: str, kind: Literal["chain", "gap"], clauses: tuple[str, ...], words: str,
          switches: tuple[str, ...] = ()):
    """Register a check under its stable ``id``; its docstring must start with its clause."""

    def mark(fn: Callable[[Context], Verdict | None]):
        if not (fn.__doc__ or "").lstrip().startswith(clauses[0]):
            raise ValueError(f"{fn.__name__}: docstring must start with {clauses[0]}")
        unknown = set(switches) - set(term_names())
        if unknown:
            raise ValueError(f"{fn.__name__}: unknown switches {sorted(unknown)}")
        CHECKS[id] = Check(id, kind, clauses, words, switches, fn)
        return fn

    return mark


@dataclass(frozen=True)
class LintReport:
    """Findings, the switches of the terms, and the gaps the terms resolved."""

    findings: tuple[Finding, ...]
    switches: tuple[Switch, ...]
    resolved: tuple[tuple[str, tuple[Switch, ...]], ...]   # (gap id, switches set)
    quantile: float

    def covering(self, switch: str) -> list[str]:
        """Ids of the findings that cite ``switch``."""
        return [f.id for f in self.findings if any(s.name == switch for s in f.switches)]
