"""The Python API: regsim from a notebook, a few lines for each thing the CLI does.

Thin wrappers over the functions the ``regsim`` commands use, returning pandas
DataFrames and Matplotlib figures instead of printing (docs/api.md, whose examples a test
runs)::

    from experiments.notebook import api

    deals = api.run_deals(200)                      # one row per deal (sim/read/outcomes.py)
    deal = api.play(seed=0, deal=3)                 # one deal: events, timeline, chart
    res = api.experiment("as-written", replications=50, out="results/as-written")
    res.table                                       # the sweep table
    api.compare("bestnet-2003", "my-terms.toml", runs=200)   # paired differences
    res.plot()                                      # the figures of `regsim plot`

Terms and scenarios are given as the CLI takes them (a preset name such as
``"pipe-typical"``, a TOML file, or None for the agreement as written in the bestnet-2003
scenario) or as loaded objects. Bad input raises :class:`sim.core.config.ConfigError`,
whose message is the CLI's one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Sequence

import pandas as pd

from agents.policies import DEFAULT_POLICY, resolve_policy
from experiments.analysis import compare as _compare
from experiments.analysis.saved import Saved, load_saved
from experiments.execution import spec as _spec
from experiments.execution import sweep as _sweep
from sim.core.config import ConfigError
from sim.core.dates import label
from sim.deal import batch
from sim.deal.model import DealModel
from sim.engine.events import EventLog
from sim.law.terms import Terms, load_terms
from sim.read.audit import Finding, audit
from sim.read.timeline import render
from sim.world.scenario import Scenario, check_against_terms, load_scenario
from sim.world.script import Script

__all__ = ["Deal", "Results", "compare", "experiment", "load", "load_inputs", "play",
           "run_deals", "with_verdicts"]


def load_inputs(terms: str | Path | Terms | None = None,
                scenario: str | Path | Scenario | None = None) -> tuple[Terms, Scenario]:
    """The terms and the scenario, loaded and checked against each other.

    Args:
        terms: A preset name, a TOML file, a :class:`Terms`, or None (bestnet-2003).
        scenario: A preset name, a TOML file, a :class:`Scenario`, or None (bestnet-2003).

    Raises:
        ConfigError: a bad file, or a scenario the terms cannot run in.
    """
    t = terms if isinstance(terms, Terms) else load_terms(terms)
    s = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    check_against_terms(s, t, _name(scenario, "bestnet-2003"))
    return t, s


def _name(value: str | Path | Terms | Scenario | None, default: str) -> str:
    """How a timeline header names an input: the preset or file, as the CLI does."""
    if value is None:
        return default
    return str(value) if isinstance(value, (str, Path)) else f"{type(value).__name__} object"


def run_deals(runs: int = 1000, *, terms: str | Path | Terms | None = None,
              scenario: str | Path | Scenario | None = None, seed: int = 0,
              first: int = 0, policy: str = DEFAULT_POLICY) -> pd.DataFrame:
    """Play deals ``first .. first + runs - 1`` of ``seed`` in this process.

    Args:
        runs: How many deals.
        terms, scenario: As :func:`load_inputs` takes them.
        seed: The root seed (deal d of a seed is the same deal in every run and sweep).
        first: The first deal's index.
        policy: How the parties decide (``strategic``, ``scenario``, ``compliant``).

    Returns:
        One row per deal, a column per outcome (documented in :mod:`sim.read.outcomes`).
    """
    if runs < 1:
        raise ConfigError("runs", "", f"{runs}: at least 1 deal")
    t, s = load_inputs(terms, scenario)
    return batch.run_deals(t, s, seed, first, runs, policy=policy)


@dataclass
class Deal:
    """One deal played: its event log and what is read from it.

    Attributes:
        log: The frozen event log (docs/event-log.md).
        terms, scenario: What it ran under.
        seed, deal: Which deal it is.
        terms_name, scenario_name: How the timeline's header names the inputs.
    """

    log: EventLog
    terms: Terms
    scenario: Scenario
    seed: int
    deal: int
    terms_name: str = "bestnet-2003 (the agreement as written)"
    scenario_name: str = "bestnet-2003"

    @cached_property
    def events(self) -> pd.DataFrame:
        """The log as a table: ``day``, ``date`` (``Wed 23 Apr 2003``), ``kind``,
        ``actor``, ``clause``, ``details`` (a dict), one row per event."""
        closing = self.scenario.closing_date
        return pd.DataFrame(
            [{"day": e.day, "date": label(e.day, closing), "kind": e.kind, "actor": e.actor,
              "clause": e.clause, "details": dict(e.details)} for e in self.log],
            columns=["day", "date", "kind", "actor", "clause", "details"])

    @cached_property
    def findings(self) -> list[Finding]:
        """The audit of the log against the terms (:mod:`sim.read.audit`)."""
        return audit(self.log, self.terms)

    def timeline(self) -> str:
        """The text of ``regsim timeline``: days with dates, open deadlines, the audit."""
        return render(self.log, self.terms, self.findings,
                      terms_name=self.terms_name, scenario_name=self.scenario_name)

    def figure(self, title: str = ""):
        """The deal's Gantt chart (a Matplotlib figure, as ``regsim timeline --plot``)."""
        from experiments.figures.gantt import gantt_figure

        return gantt_figure(self.log, self.terms, title or (
            f"{self.terms_name}: seed {self.seed}, deal {self.deal}"))


def play(*, terms: str | Path | Terms | None = None,
         scenario: str | Path | Scenario | None = None, seed: int = 0, deal: int = 0,
         script: Script | None = None, policy: str = DEFAULT_POLICY) -> Deal:
    """Play one deal (``regsim timeline``) and return it.

    To step it day by day instead, with Mesa's data collection, build
    ``DealModel(terms, scenario, seed, deal=deal, collect=True)`` (docs/api.md).

    Args:
        terms, scenario: As :func:`load_inputs` takes them.
        seed, deal: Which deal.
        script: A what-if script (:func:`sim.world.script.load_script`).
        policy: How the parties decide.
    """
    t, s = load_inputs(terms, scenario)
    log = DealModel(t, s, seed, script=script, policy=resolve_policy(policy)).run(deal)
    return Deal(log, t, s, seed, deal,
                _name(terms, "bestnet-2003 (the agreement as written)"),
                _name(scenario, "bestnet-2003"))


@dataclass
class Results:
    """A results folder of an experiment: its table and its analyses.

    Attributes:
        out: The results folder.
        saved: The folder read back (:class:`experiments.analysis.saved.Saved`).
    """

    out: Path
    saved: Saved

    @property
    def table(self) -> pd.DataFrame:
        """The sweep table: one row per (point, variant, replication), a column per
        outcome; ``variant`` is categorical, the base first."""
        return self.saved.table

    @property
    def variants(self) -> list[str]:
        """Variant names, the base first."""
        return self.saved.variants

    def frames(self, point: int = 0) -> dict[str, pd.DataFrame]:
        """The rows of one design point, one table per variant (replications aligned)."""
        return self.saved.frames(self.saved.check_point(point))

    def compare(self, point: int = 0, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
        """Estimates and paired differences against the base (``regsim compare``).

        Returns:
            One row per (outcome, variant): ``estimate``, ``low``, ``high`` and, for the
            variants, ``diff`` with its paired interval ``diff_low``, ``diff_high`` and
            ``verdict`` (whom the difference favours: "better for the Investors", ...).
        """
        table = _compare.compare(self.frames(point), self.variants[0],
                                 list(outcomes or self.saved.outcomes))
        return with_verdicts(table)

    def plot(self, fig_dir: str | Path | None = None, point: int = 0) -> list[Path]:
        """Write the folder's figures as PNG and SVG (``regsim plot``); their paths."""
        from experiments.figures.plot import plot_results

        return plot_results(self.out, fig_dir, point)


def with_verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a ``verdict`` column: the party each ``diff`` favours when its
    paired interval excludes zero (as ``regsim compare`` says it), or ""."""
    from experiments.analysis.tables import verdict
    from sim.read.headline import OUTCOMES

    if "diff" not in table:
        return table.assign(verdict="")
    table = table.copy()
    table["verdict"] = [verdict(OUTCOMES[o], d, lo, hi) if pd.notna(d) else ""
                        for o, d, lo, hi in zip(table["outcome"], table["diff"],
                                                table["diff_low"], table["diff_high"])]
    return table


def load(out: str | Path) -> Results:
    """Read a finished experiment's results folder.

    Raises:
        ConfigError: not a results folder, or an unfinished sweep.
    """
    return Results(Path(out), load_saved(out))


def experiment(spec: str | Path, *, out: str | Path | None = None,
               replications: int | None = None, workers: int | None = 0) -> Results:
    """Run an experiment, or resume it, and return its results (``regsim sweep``).

    Args:
        spec: A spec file, or a shipped spec's name (``"as-written"``,
            ``"negotiated-variants"``, ... : :func:`experiments.specs.shipped`).
        out: The results folder (default ``results/<experiment name>``); a folder holding
            the finished experiment is read back, not run again.
        replications: Override the spec's replications (deals per variant).
        workers: Worker processes: 0 (the default) plays the deals in this process,
            N in N processes, None in one per core.
    """
    exp = _spec.load_spec(spec)
    if replications:
        exp = exp.with_replications(replications)
    return _run(exp, out, workers)


def _run(exp: _spec.Experiment, out: str | Path | None,
         workers: int | None = 0) -> Results:
    from experiments.execution.files import check_writable
    from experiments.execution.folder import check_folder

    folder = Path(out) if out is not None else Path("results") / exp.name
    check_folder(folder)
    check_writable(folder, "out")
    with _sweep.executor_for(workers) as executor:
        _sweep.sweep(exp, folder, executor, progress=False)
    return load(folder)


def compare(a: str | Path, b: str | Path, *, runs: int = 1000, seed: int = 0,
            out: str | Path | None = None, outcomes: Sequence[str] | None = None,
            workers: int | None = 0) -> pd.DataFrame:
    """Terms B against terms A on the same deals (``regsim compare A.toml B.toml``).

    Args:
        a, b: Terms files or preset names; A is the base.
        runs: Deals per side (paired: deal d of ``seed`` under A and under B).
        seed: The root seed.
        out: The results folder (default, as ``regsim compare``: keyed by content,
            ``results/compare-<a>-vs-<b>-<digest>``, so an edited B gets a new folder).
        outcomes: Headline outcomes (default: those of ``regsim compare``).
        workers: As :func:`experiment`.

    Returns:
        As :meth:`Results.compare`: per outcome, a row for A and a row for B with B - A.
    """
    exp = _spec.two_terms_spec(str(a), str(b), runs, seed)
    return _run(exp, out if out is not None else _spec.keyed_folder(exp),
                workers).compare(outcomes=outcomes)
