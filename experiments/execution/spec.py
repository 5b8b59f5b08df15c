"""Experiment specs: what a sweep runs, validated on load like terms and scenarios.

A spec is a TOML file::

    name = "negotiated-variants"         # also the results folder: results/<name>/
    description = "..."
    seed = 2026                          # root seed: replication r is deal r of it
    replications = 10000                 # per variant and design point
    outcomes = ["days_to_effective", "filing_deadline_missed"]   # experiments.analysis.compare
    task_size = 2500                     # replications per task (~1 s of work)

    [base]                               # presets or TOML files (relative to the spec)
    terms = "bestnet-2003"
    scenario = "bestnet-2003"

    [variants.deadline-60]               # term overrides; a variant named "base" is
    filing_deadline_days = 60            # the base itself and always comes first
    [variants.slow-review]
    label = "slow SEC review"            # optional display name
    scenario = { review = { review_prob = 0.9 } }   # optional scenario overrides
    [variants.nvca]
    terms = "nvca-2020"                  # optional: another preset or terms file as a
                                         # whole (term overrides apply on top of it)

    [design]                             # optional: a design over parameters
    method = "lhs"                       # grid | lhs | sobol | saltelli | morris
    points = 16                          # lhs / sobol (sobol: a power of two)
    [design.parameters]
    "scenario.review.review_prob" = { low = 0.2, high = 0.9 }    # lhs / sobol / ...
    "terms.cooldown_days" = { values = [90, 180] }               # grid

A sensitivity study (``regsim sensitivity``, docs/sensitivity.md) uses one of two more
methods over ``low``-``high`` ranges, and says what to analyse::

    [design]
    method = "saltelli"                  # Sobol' indices: base x (k + 2) points
    base = 32                            # a power of two
    # method = "morris"                  # screening: trajectories x (k + 1) points
    # trajectories = 10
    # levels = 4                         # even
    [sensitivity]
    outcomes = ["days_demand_to_effective", "value_to_investors_usd"]  # table columns
    variants = ["base"]                  # whose outcomes (default: the base)
    differences = [["base", "nvca"]]     # B - A in each future, of every outcome
    # or [["base", "nvca", "value_to_investors_usd"]]: of one column
    discover = [{ column = "value_to_investors_usd", difference = ["base", "nvca"],
                  below = 0 }]          # PRIM: where nvca does worse (B - A < 0);
    # or { column = ..., variant = "nvca", above = 400, share = 0.5 }: in most futures

The method ``sobol`` is a quasi-random sample of ``points`` points (a design sweep);
``saltelli`` is Saltelli's scheme for Sobol' indices (groups ``A, AB_1..AB_k, B`` of
:func:`experiments.sensitivity.design.sobol_design`), and a larger ``base`` with the
same seed keeps the earlier points (:meth:`Experiment.with_base`).

Every (design point, variant) cell is validated at load: a bad key anywhere gives one
:class:`sim.core.config.ConfigError` line naming the spec file and the key, before anything
is run or written; a design value's error is named by the design's own key
(``design.parameters."terms.cooldown_days".values[2]``). The size is checked from the
file's counts before any cell is built: at most 10,000 design points, 20,000 cells
(points x variants), 10^10 deals (cells x replications) and 10^6 tasks (a larger
``task_size`` for more); :meth:`Experiment.with_replications` and :func:`check_size`
check a number of replications given on the command line. Design samples come from
:mod:`scipy.stats.qmc` (Latin hypercube, scrambled Sobol), seeded from the spec's root
seed, so a design is reproducible.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from dataclasses import dataclass as plain_dataclass
from dataclasses import field as plain_field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sim.read.headline import DEFAULT_OUTCOMES, OUTCOMES
from sim.core.config import (STRICT, ConfigError, as_dict, build, deep_merge, read_toml,
                             shown)
from sim.world.scenario import (SCENARIO_PRESETS, Scenario, check_against_terms,
                                load_scenario, scenario_from_dict)
from sim.law.terms import PRESETS, Terms, check_given, load_terms, term_names

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"     # experiment and variant names
Name = Annotated[str, Field(pattern=NAME_PATTERN, strict=True)]
BASE = "base"
MAX_VARIANTS = 100        # variant codes are stored in 8 bits
MAX_POINTS = 10_000       # design points are stored in 16 bits (signed)
#: Cells (design points x variants) an experiment may have: each is a validated terms
#: and scenario held in memory, and a row group of the results.
MAX_CELLS = 20_000
#: Deals (cells x replications) an experiment may run: a year of a 100-core cluster.
MAX_DEALS = 10**10
#: Tasks (cells x replications / task_size) a sweep may plan: each is an object in
#: memory and a shard on disk; a larger experiment takes a larger ``task_size``.
MAX_TASKS = 1_000_000
#: The policies that ship (:data:`agents.policies.POLICIES`' names).
SHIPPED_POLICIES = ("strategic", "scenario", "compliant")


@dataclass(frozen=True, kw_only=True, config=STRICT)
class BaseInputs:
    """The base terms and scenario: a preset name or a TOML file (relative to the spec)."""

    terms: str = "bestnet-2003"
    scenario: str = "bestnet-2003"


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Parameter:
    """One swept parameter: ``values`` (grid) or a ``low``-``high`` range (lhs, sobol)."""

    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _one_form(self) -> "Parameter":
        if (self.values is None) == (self.low is None or self.high is None):
            raise ValueError("give either values = [...] or low = ... and high = ...")
        if self.values is not None and not self.values:
            raise ValueError("values: at least one value is required")
        for i, value in enumerate(self.values or ()):
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"values[{i}]: must be a finite number (got {value})")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low must be below high (got {self.low} and {self.high})")
        return self


#: The design methods of a sensitivity study (``regsim sensitivity``).
SENSITIVITY_METHODS = ("saltelli", "morris")


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Design:
    """A design over term and scenario parameters (dotted paths ``terms.X``,
    ``scenario.a.b``)."""

    method: Literal["grid", "lhs", "sobol", "saltelli", "morris"] = "grid"
    points: Annotated[int, Field(ge=1, le=MAX_POINTS, strict=True)] | None = None
    #: saltelli: base samples, a power of two (``base x (k + 2)`` points).
    base: Annotated[int, Field(ge=2, le=MAX_POINTS, strict=True)] | None = None
    #: morris: trajectories of ``k + 1`` points, on a grid of ``levels`` levels.
    trajectories: Annotated[int, Field(ge=2, le=MAX_POINTS, strict=True)] | None = None
    levels: Annotated[int, Field(ge=2, le=1000, strict=True)] | None = None
    parameters: dict[str, Parameter]

    @model_validator(mode="after")
    def _consistent(self) -> "Design":
        if not self.parameters:
            raise ValueError("parameters: at least one parameter is required")
        for path, p in self.parameters.items():
            if not (path.startswith("terms.") or path.startswith("scenario.")):
                raise ValueError(f"parameters: {shown(path)} must start with 'terms.' or "
                                 "'scenario.'")
            if self.method == "grid" and p.values is None:
                raise ValueError(f"parameters: {shown(path)} needs values = [...] for a grid")
            if self.method != "grid" and p.values is not None:
                raise ValueError(f"parameters: {shown(path)} needs low and high for {self.method}")
        own = {"saltelli": ("base",), "morris": ("trajectories", "levels")}
        for key in ("base", "trajectories", "levels"):
            if getattr(self, key) is not None and key not in own.get(self.method, ()):
                raise ValueError(f"{key}: only for method " + " or ".join(
                    repr(m) for m, keys in own.items() if key in keys)
                    + f" (method is {self.method!r}); remove {key}")
        if self.method in own:
            if self.points is not None:
                raise ValueError(f"points: a {self.method} design's size comes from "
                                 + ("base" if self.method == "saltelli" else "trajectories")
                                 + "; remove points")
            if self.method == "saltelli" and self.base is None:
                raise ValueError("base: required for method 'saltelli' (a power of two, "
                                 "e.g. 32: base x (parameters + 2) points)")
            if self.method == "saltelli" and self.base & (self.base - 1):
                raise ValueError(f"base: must be a power of two, which keeps the "
                                 f"Sobol' sequence balanced (got {self.base}; e.g. 16, "
                                 "32, 64)")
            if self.method == "morris" and self.trajectories is None:
                raise ValueError("trajectories: required for method 'morris' (10 to 50 is "
                                 "usual)")
            if self.method == "morris" and self.levels is not None and self.levels % 2:
                raise ValueError(f"levels: must be an even number (got {self.levels}; "
                                 "4 is usual)")
        elif self.method != "grid":
            if self.points is None:
                raise ValueError(f"points: required for method {self.method!r}")
            if self.method == "sobol" and self.points & (self.points - 1):
                raise ValueError(f"points: a Sobol design needs a power of two "
                                 f"(got {self.points})")
        elif self.points is not None:
            raise ValueError("points: a grid has one point per combination of values; "
                             "remove points")
        return self


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Discover:
    """One scenario discovery of a sensitivity study (``[sensitivity] discover``):
    where ``column`` in ``variant``, or its paired difference ``B - A`` per future
    (``difference = [A, B]``), is ``below`` (or ``above``) a threshold on average over
    the futures, or in more than ``share`` of them (:mod:`experiments.analysis.discovery`)."""

    #: A column of the outcome table (numeric or true/false).
    column: str
    #: The variant whose outcome is judged (default: the base; not with ``difference``).
    variant: str | None = None
    #: ``[A, B]``: the paired difference B - A in each future.
    difference: tuple[str, ...] | None = None
    #: A point is of interest below this threshold ...
    below: float | None = None
    #: ... or above it (exactly one of the two).
    above: float | None = None
    #: None: the mean over futures is compared; a level in (0, 1): the share of futures.
    share: float | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Sensitivity:
    """What a sensitivity study analyses (``[sensitivity]``; checked against the table's
    columns and the spec's variants by :func:`spec_from_dict`)."""

    #: Columns of the outcome table (numeric or true/false).
    outcomes: tuple[str, ...]
    #: The variants whose outcomes are analysed (default: the base).
    variants: tuple[str, ...] = (BASE,)
    #: Paired differences ``[A, B]`` (B - A of every outcome) or ``[A, B, column]``.
    differences: tuple[tuple[str, ...], ...] = ()
    #: A day column counts at most this many days: a deal not there by then, or never,
    #: counts as ``cap_days`` (None: "never" counts as the scenario's horizon). A few
    #: never-effective deals at the horizon can otherwise be most of the variance.
    cap_days: Annotated[int, Field(ge=1, le=36_500, strict=True)] | None = None
    #: Scenario discovery (PRIM): where an outcome, or a paired difference, is worst.
    discover: tuple[Discover, ...] = ()


@dataclass(frozen=True, kw_only=True, config=STRICT)
class SpecFile:
    """The validated top level of a spec file (variants are checked cell by cell)."""

    name: Name
    description: str = ""
    seed: Annotated[int, Field(ge=0, strict=True)]
    replications: Annotated[int, Field(ge=1, le=100_000_000, strict=True)]
    outcomes: tuple[str, ...] = DEFAULT_OUTCOMES
    task_size: Annotated[int, Field(ge=1, le=1_000_000, strict=True)] = 2500
    #: ``scenario`` (behaviour as drawn), ``compliant``, or a researcher's own
    #: ``"module:Class"`` (:func:`agents.policies.resolve_policy`).
    policy: Annotated[str, Field(min_length=1, strict=True)] = "strategic"
    base: BaseInputs = BaseInputs()
    variants: dict[str, dict[str, Any]] = Field(default_factory=dict)
    design: Design | None = None
    sensitivity: Sensitivity | None = None

    @model_validator(mode="after")
    def _check(self) -> "SpecFile":
        unknown = [o for o in self.outcomes if o not in OUTCOMES]
        if unknown:
            raise ValueError(f"outcomes: unknown outcome {shown(unknown[0])}; allowed: "
                             + ", ".join(OUTCOMES))
        if not self.outcomes:
            raise ValueError("outcomes: at least one outcome is required")
        if len(self.variants) + 1 > MAX_VARIANTS:
            raise ValueError(f"variants: at most {MAX_VARIANTS - 1} variants")
        for name in self.variants:
            if not _valid_name(name):
                raise ValueError(f"variants: {shown(name)} is not a valid variant name (lower-case "
                                 "letters, digits, '-' and '_', at most 40)")
        return self


def design_size(design: Design | None) -> int:
    """Points of a design, counted without building them (1 without a design)."""
    if design is None:
        return 1
    if design.method == "grid":
        return math.prod(len(p.values or ()) for p in design.parameters.values())
    k = len(design.parameters)
    if design.method == "saltelli":
        return (design.base or 0) * (k + 2)
    if design.method == "morris":
        return (design.trajectories or 0) * (k + 1)
    return design.points or 0


def _too_many_points(design: Design) -> str:
    """Why a design has too many points, in words that say what to change."""
    n, k = design_size(design), len(design.parameters)
    if design.method == "saltelli":
        most = 1 << int(math.log2(MAX_POINTS // (k + 2)))
        return (f"base = {design.base:,} gives {design.base:,} x ({k} parameters + 2) = "
                f"{n:,} design points; at most {MAX_POINTS:,} (base at most {most:,} "
                f"for {k} parameters)")
    if design.method == "morris":
        return (f"trajectories = {design.trajectories:,} gives {design.trajectories:,} x "
                f"({k} parameters + 1) = {n:,} design points; at most {MAX_POINTS:,} "
                f"(trajectories at most {MAX_POINTS // (k + 1):,} for {k} parameters)")
    return f"{n:,} design points; at most {MAX_POINTS:,}"


def size_problem(cells: int, replications: int, task_size: int) -> str | None:
    """What is wrong with the size of an experiment, or None if it is within limits.

    Limits (:data:`MAX_CELLS`, :data:`MAX_DEALS`, :data:`MAX_TASKS`) are checked from
    counts alone, before a cell or a task is built: a sweep plans one task per
    ``task_size`` replications of each cell.
    """
    tasks = cells * -(-replications // task_size)
    deals = cells * replications
    if cells > MAX_CELLS:
        return (f"{cells:,} cells (design points x variants); at most {MAX_CELLS:,}")
    if deals > MAX_DEALS:
        return (f"{replications:,} replications x {cells:,} cells = {deals:,} deals; at "
                f"most {MAX_DEALS:,} ({MAX_DEALS // cells:,} replications per cell)")
    if tasks > MAX_TASKS:
        return (f"{tasks:,} tasks of task_size = {task_size:,}; at most {MAX_TASKS:,} "
                f"(a larger task_size: at least {-(-deals // MAX_TASKS):,})")
    return None


def check_size(exp: "Experiment", replications: int | None = None,
               source: str | None = None) -> None:
    """Refuse an experiment whose size is beyond the limits (:func:`size_problem`).

    Args:
        exp: The loaded experiment.
        replications: The replications to check (default the experiment's own).
        source: What to name in the message: a command-line option such as
            ``"--replications"``; default the spec file and its ``replications`` key.

    Raises:
        ConfigError: one line naming the source, the counts and the limit.
    """
    reps = exp.replications if replications is None else replications
    problem = size_problem(len(exp.cells), reps, exp.task_size)
    if problem:
        if source is None:
            raise ConfigError(exp.source, "replications", problem)
        raise ConfigError(source, "", problem)


def _valid_name(name: str) -> bool:
    return re.fullmatch(NAME_PATTERN, name) is not None


@plain_dataclass(frozen=True)
class Variant:
    """A named variant: term overrides and scenario overrides over the base."""

    name: str
    label: str
    terms: dict[str, Any]
    scenario: dict[str, Any]
    #: Its own whole terms (a preset or file named by ``terms = "..."``), the base's
    #: terms if None; ``terms`` overrides them.
    own_terms: dict[str, Any] | None = None


@plain_dataclass(frozen=True)
class Cell:
    """What one (design point, variant) pair runs: its terms and scenario."""

    point: int
    variant: str
    terms: Terms
    scenario: Scenario
    #: The scenario as JSON (:func:`scenario_json`), shared by the cells of one scenario
    #: so that :meth:`key` does not write it again per cell; computed if empty.
    scenario_text: str = plain_field(default="", repr=False, compare=False)

    def key(self) -> str:
        """A digest of everything the cell's rows depend on besides seed and deal."""
        # The same bytes as json.dumps([terms, scenario]): a list's items are joined
        # by ", " (a results folder's fingerprint must not change).
        blob = "[" + _json(as_dict(self.terms)) + ", " + (
            self.scenario_text or scenario_json(self.scenario)) + "]"
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def scenario_json(scenario: Scenario) -> str:
    """The scenario as :meth:`Cell.key` digests it."""
    return _json(as_dict(scenario))


@plain_dataclass(frozen=True)
class Experiment:
    """A loaded spec: every cell resolved and validated.

    Attributes:
        source: The spec file (for messages).
        name, description, seed, replications, task_size, policy, outcomes: As in the
            spec file.
        variants: The base first, then the spec's variants in file order.
        parameters: The design's parameter paths (empty without a design).
        points: One dict of parameter values per design point (one empty dict without a
            design).
        cells: Every (point, variant) cell, point-major.
        raw: The spec file's table, for the manifest.
    """

    source: str
    name: str
    description: str
    seed: int
    replications: int
    task_size: int
    policy: str
    outcomes: tuple[str, ...]
    variants: tuple[Variant, ...]
    parameters: tuple[str, ...]
    design_method: str | None
    points: tuple[dict[str, Any], ...]
    cells: tuple[Cell, ...]
    raw: dict[str, Any]
    #: Where the spec's relative paths start (its folder).
    spec_dir: Path = Path(".")
    #: The validated design (None without one).
    design: Design | None = None
    #: What a sensitivity study analyses (``[sensitivity]``), or None.
    sensitivity: Sensitivity | None = None

    @property
    def variant_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variants)

    def cell(self, point: int, variant: str) -> Cell:
        return self.cells[point * len(self.variants) + self.variant_names.index(variant)]

    def fingerprint(self) -> str:
        """A digest of what the rows depend on: cells, seed, policy, task size, engine.

        The number of replications is left out, so a sweep can be extended (``--until-ci``
        or a larger ``replications``) and keep its finished shards.
        """
        from importlib import metadata

        blob = json.dumps({
            "cells": [[c.point, c.variant, c.key()] for c in self.cells],
            "seed": self.seed, "policy": self.policy, "task_size": self.task_size,
            "regsim": metadata.version("regsim"),
        }, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    def with_replications(self, replications: int,
                          source: str = "--replications") -> "Experiment":
        """The same experiment with another number of replications.

        Raises:
            ConfigError: ``replications`` is below 1, or the experiment would be too
                large (:func:`check_size`); the message names ``source`` (the
                command-line option that asked for it).
        """
        from dataclasses import replace

        if isinstance(replications, bool) or not isinstance(replications, int) \
                or replications < 1:
            raise ConfigError(source, "", f"must be a whole number of replications, at "
                              f"least 1 (got {shown(replications)})")
        check_size(self, replications, source)
        return replace(self, replications=replications)

    def with_base(self, base: int, source: str = "--until-ci") -> "Experiment":
        """The same Saltelli study with ``base`` base samples: the same seed, so its
        first ``self.base`` groups of points are the points already run (their cells'
        keys are equal, and a sweep keeps their shards).

        Raises:
            ConfigError: not a Saltelli design, or a design too large (one line naming
                ``source``).
        """
        if self.design is None or self.design.method != "saltelli":
            raise ConfigError(source, "", "base samples are added to a 'saltelli' design "
                              "only")
        raw = {**self.raw, "design": {**self.raw["design"], "base": int(base)},
               "replications": self.replications}
        try:
            return spec_from_dict(raw, self.source, self.spec_dir)
        except ConfigError as exc:
            raise ConfigError(source, "", f"{base} base samples: {exc.problem}") from None


def _resolve_input(value: str, spec_dir: Path, presets) -> str:
    if value in presets:
        return value
    p = Path(value)
    return str(p if p.is_absolute() else spec_dir / p)


def _split_variant(source: str, name: str, table: Any, spec_dir: Path = Path(".")) -> Variant:
    if not isinstance(table, dict):
        raise ConfigError(source, f"variants.{name}", "must be a table of term overrides")
    table = dict(table)
    label = table.pop("label", name)
    scenario = table.pop("scenario", {})
    own = table.pop("terms", None)
    own_terms = None
    if own is not None:
        if not isinstance(own, str):
            raise ConfigError(source, f"variants.{name}.terms", "must be a terms preset ("
                              + ", ".join(PRESETS) + ") or a terms file")
        try:
            own_terms = as_dict(load_terms(_resolve_input(own, spec_dir, PRESETS)))
        except ConfigError as exc:
            raise ConfigError(exc.source, exc.key,
                              f"{exc.problem} (variants.{name}.terms of {source})") from None
    if not isinstance(label, str):
        raise ConfigError(source, f"variants.{name}.label", "must be a string")
    if not isinstance(scenario, dict):
        raise ConfigError(source, f"variants.{name}.scenario",
                          "must be a table of scenario overrides")
    unknown = [k for k in table if k not in term_names()]
    if unknown:
        raise ConfigError(source, f"variants.{name}.{unknown[0]}",
                          "unknown term; allowed: label, scenario, terms (a preset or "
                          "file), or a term: " + ", ".join(term_names()))
    return Variant(name, label, table, scenario, own_terms)


def _nested(path: list[str], value: Any) -> dict[str, Any]:
    out: Any = value
    for part in reversed(path):
        out = {part: out}
    return out


def _lookup(table: dict[str, Any], path: list[str]) -> Any:
    cur: Any = table
    for part in path:
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _parameters_allowed(section: str) -> str:
    """What a design parameter may name, in words."""
    if section == "terms":
        return "allowed: terms.<name>, name one of " + ", ".join(term_names())
    return ("allowed: terms.<name>, or scenario.<dotted key> of a value the scenario "
            "holds (see `regsim scenario show`)")


def _design_points(source: str, design: Design | None, seed: int, base_terms: dict,
                   base_scenario: dict) -> tuple[tuple[str, ...], tuple[dict[str, Any], ...]]:
    """The design's points: one dict of parameter values each."""
    if design is None:
        return (), ({},)
    paths = tuple(design.parameters)
    for path in paths:
        section, _, rest = path.partition(".")
        table = base_terms if section == "terms" else base_scenario
        if _lookup(table, rest.split(".")) is None:
            raise ConfigError(source, f'design.parameters."{path}"',
                              f"no such {section} parameter; " + _parameters_allowed(section))
    if design.method == "grid":
        if design_size(design) > MAX_POINTS:     # checked before the product is built
            raise ConfigError(source, "design", f"{design_size(design):,} points; at most "
                              f"{MAX_POINTS:,}")
        grid = itertools.product(*(design.parameters[p].values for p in paths))
        points = tuple(dict(zip(paths, combo)) for combo in grid)
    elif design.method in SENSITIVITY_METHODS:
        points = tuple(_rounded(paths, row, base_terms, base_scenario)
                       for row in sensitivity_design(design, seed).points)
    else:
        from scipy.stats import qmc        # only a sampled design needs it

        d = len(paths)
        rng = np.random.default_rng(seed)
        sampler = (qmc.LatinHypercube(d=d, rng=rng) if design.method == "lhs"
                   else qmc.Sobol(d=d, scramble=True, rng=rng))
        unit = sampler.random(design.points)
        lows = [design.parameters[p].low for p in paths]
        highs = [design.parameters[p].high for p in paths]
        scaled = qmc.scale(unit, lows, highs)
        points = tuple(_rounded(paths, row, base_terms, base_scenario) for row in scaled)
    if len(points) > MAX_POINTS:
        raise ConfigError(source, "design", f"{len(points)} points; at most {MAX_POINTS}")
    return paths, points


def _rounded(paths: tuple[str, ...], row, base_terms: dict,
             base_scenario: dict) -> dict[str, Any]:
    """A design point's values by parameter: integer parameters (days, counts) take
    whole values, the others floats."""
    point = {}
    for path, x in zip(paths, row):
        section, _, rest = path.partition(".")
        table = base_terms if section == "terms" else base_scenario
        current = _lookup(table, rest.split("."))
        point[path] = (int(round(float(x))) if isinstance(current, int)
                       and not isinstance(current, bool) else float(x))
    return point


def sensitivity_design(design: Design, seed: int):
    """The design of a sensitivity study: Saltelli's
    (:class:`~experiments.sensitivity.design.SobolDesign`) or Morris's
    (:class:`~experiments.sensitivity.design.MorrisDesign`), seeded by the spec's root
    seed; the points before integer parameters are rounded (the analysis reads them)."""
    from experiments.sensitivity.design import Space, morris_design, sobol_design

    space = Space(tuple(design.parameters), tuple(
        (p.low, p.high) for p in design.parameters.values()))
    seed = seed % 2**32          # SALib's samplers take a 32-bit seed
    if design.method == "saltelli":
        return sobol_design(space, design.base, seed)
    return morris_design(space, design.trajectories, design.levels or 4, seed)


def _design_key(design: Design | None, point: dict[str, Any], where: str,
                exc: ConfigError) -> tuple[str, str] | None:
    """The design's own key for an error a design point's value caused, or None.

    A term's error is keyed ``<where>.<term>`` and a scenario's ``a.b`` (its dotted
    path); the parameter ``terms.<term>`` or ``scenario.a.b`` whose value it was is
    reported as ``design.parameters."<path>".values[i]`` (grid) or
    ``design.parameters."<path>"`` (a sampled range, whose message then names it).
    Returns the key and what to add to the problem.
    """
    if design is None:
        return None
    for path, value in point.items():
        section, _, rest = path.partition(".")
        key = f"{where}.{rest}" if section == "terms" else rest
        if exc.key == key or exc.key.startswith(key + ".") or exc.key.startswith(key + "["):
            param = design.parameters[path]
            if param.values is not None:
                index = next((i for i, v in enumerate(param.values)
                              if v is value or v == value), 0)
                return f'design.parameters."{path}".values[{index}]', ""
            return (f'design.parameters."{path}"',
                    f" (a point of the range {shown(param.low)} to {shown(param.high)})")
    return None


def _cell(source: str, point_index: int, point: dict[str, Any], variant: Variant,
          base_terms: dict, base_scenario: dict, design: Design | None = None,
          scenarios: dict | None = None) -> Cell:
    """One cell, validated. ``scenarios`` memoises the scenarios built so far by what
    they depend on (the variant and the point's scenario values): a design over terms
    builds one scenario per variant, not one per point."""
    terms = {**(base_terms if variant.own_terms is None else variant.own_terms),
             **variant.terms}
    given = set(variant.terms)
    scenario_values = []
    for path, value in point.items():
        section, _, rest = path.partition(".")
        if section == "terms":
            terms[rest] = value
            given.add(rest)
        else:
            scenario_values.append((rest, value))
    where = f"variants.{variant.name}" if variant.name != BASE else "base"
    memo = (variant.name, repr(scenario_values))
    try:
        t = build(Terms, terms, source, prefix=where)
        check_given(t, given, source, where)
        s, text = (None, "") if scenarios is None else scenarios.get(memo, (None, ""))
        if s is None:
            scenario = deep_merge(base_scenario, variant.scenario)
            for rest, value in scenario_values:
                scenario = deep_merge(scenario, _nested(rest.split("."), value))
            s = scenario_from_dict(scenario, source)
            if scenarios is not None:
                text = scenario_json(s)
                scenarios[memo] = (s, text)
        check_against_terms(s, t, source, f"{where}.units_offered"
                            if "units_offered" in given else "investors")
    except ConfigError as exc:
        if point:
            own = _design_key(design, point, where, exc)
            if own is not None:
                raise ConfigError(source, own[0], exc.problem + own[1]) from None
            at = ", ".join(f"{k} = {shown(v)}" for k, v in point.items())
            raise ConfigError(source, exc.key, f"{exc.problem} (design point {at})") from None
        raise ConfigError(source, exc.key if exc.key.startswith(where)
                          else f"{where}.scenario.{exc.key}", exc.problem) from None
    return Cell(point_index, variant.name, t, s, text)


def spec_from_dict(table: dict[str, Any], source: str, spec_dir: Path = Path(".")) -> Experiment:
    """Validate a spec table into an :class:`Experiment` (every cell built).

    Its size (:func:`size_problem`) is checked from the table before any cell is built.
    """
    top = build(SpecFile, table, source)
    n_points = design_size(top.design)
    if n_points > MAX_POINTS:
        key = {"saltelli": "design.base", "morris": "design.trajectories"}
        raise ConfigError(source, key.get(top.design.method, "design"),
                          _too_many_points(top.design))
    n_variants = len(top.variants) + (0 if BASE in top.variants else 1)
    problem = size_problem(n_points * n_variants, top.replications, top.task_size)
    if problem:
        if top.design is not None and top.design.method in SENSITIVITY_METHODS \
                and n_points * n_variants > MAX_CELLS:
            size = "base" if top.design.method == "saltelli" else "trajectories"
            raise ConfigError(source, f"design.{size}", f"{n_points:,} design points x "
                              f"{n_variants} variants = {n_points * n_variants:,} cells; "
                              f"at most {MAX_CELLS:,}: a smaller {size} or fewer variants")
        raise ConfigError(source, "replications", problem)
    _check_sensitivity(source, top)
    if top.policy not in SHIPPED_POLICIES:
        # A researcher's own policy: check it loads (this imports the agents, which a
        # spec naming a shipped policy need not: reading finished results stays light).
        from agents.policies import resolve_policy
        try:
            resolve_policy(top.policy)
        except ValueError as exc:
            raise ConfigError(source, "policy", str(exc)) from None
    variants = [Variant(BASE, "as written" if top.base.terms == "bestnet-2003" else BASE, {},
                        {})]
    for name, vt in top.variants.items():
        v = _split_variant(source, name, vt, spec_dir)
        if name == BASE:
            if v.own_terms is not None:
                raise ConfigError(source, "variants.base.terms",
                                  "the base's terms are [base] terms")
            variants[0] = Variant(BASE, v.label if "label" in vt else variants[0].label,
                                  v.terms, v.scenario)
        else:
            variants.append(v)
    try:
        base_terms = as_dict(load_terms(_resolve_input(top.base.terms, spec_dir, PRESETS)))
    except ConfigError as exc:
        raise ConfigError(exc.source, exc.key, f"{exc.problem} (base.terms of {source})") from None
    try:
        base_scenario = as_dict(load_scenario(
            _resolve_input(top.base.scenario, spec_dir, SCENARIO_PRESETS)))
    except ConfigError as exc:
        raise ConfigError(exc.source, exc.key,
                          f"{exc.problem} (base.scenario of {source})") from None
    paths, points = _design_points(source, top.design, top.seed, base_terms, base_scenario)
    scenarios: dict = {}
    cells = tuple(_cell(source, i, pt, v, base_terms, base_scenario, top.design, scenarios)
                  for i, pt in enumerate(points) for v in variants)
    return Experiment(source=source, name=top.name, description=top.description,
                      seed=top.seed, replications=top.replications, task_size=top.task_size,
                      policy=top.policy, outcomes=top.outcomes, variants=tuple(variants),
                      parameters=paths, design_method=top.design.method if top.design else None,
                      points=points, cells=cells, raw=table, spec_dir=spec_dir,
                      design=top.design, sensitivity=top.sensitivity)


def sensitivity_columns() -> tuple[str, ...]:
    """The outcome table's columns a sensitivity study may analyse: every numeric or
    true/false column (not the keys, nor ``error``)."""
    import pyarrow as pa

    from sim.read.table import KEYS, SWEEP_SCHEMA

    return tuple(f.name for f in SWEEP_SCHEMA if f.name not in KEYS and f.name != "error"
                 and (pa.types.is_integer(f.type) or pa.types.is_floating(f.type)
                      or pa.types.is_boolean(f.type)))


def _check_sensitivity(source: str, top: SpecFile) -> None:
    """A ``[sensitivity]`` section fits the design, the table's columns and the
    variants (one line naming the key otherwise)."""
    sens, design = top.sensitivity, top.design
    if sens is None:
        if design is not None and design.method in SENSITIVITY_METHODS:
            raise ConfigError(source, "sensitivity", f"a {design.method} design needs a "
                              "[sensitivity] section: outcomes = [...] (columns of the "
                              "outcome table, e.g. days_demand_to_effective)")
        return
    if design is None or design.method not in SENSITIVITY_METHODS:
        raise ConfigError(source, "design.method", "[sensitivity] needs a design by "
                          "method 'saltelli' (Sobol' indices) or 'morris' (screening), "
                          f"got {design.method if design else 'no design'!r}")
    columns = sensitivity_columns()
    if not sens.outcomes:
        raise ConfigError(source, "sensitivity.outcomes", "at least one column is required")
    for i, column in enumerate(sens.outcomes):
        if column not in columns:
            raise ConfigError(source, f"sensitivity.outcomes[{i}]", f"{shown(column)} is "
                              "not a numeric column of the outcome table; allowed: "
                              + ", ".join(columns))
    names = [BASE] + [v for v in top.variants if v != BASE]
    for i, name in enumerate(sens.variants):
        if name not in names:
            raise ConfigError(source, f"sensitivity.variants[{i}]", f"no variant "
                              f"{shown(name)}; allowed: " + ", ".join(names))
    for i, pair in enumerate(sens.differences):
        key = f"sensitivity.differences[{i}]"
        if len(pair) not in (2, 3):
            raise ConfigError(source, key, "give [A, B] (B - A of every outcome) or "
                              f"[A, B, column]; got {len(pair)} items")
        for j, name in enumerate(pair[:2]):
            if name not in names:
                raise ConfigError(source, f"{key}[{j}]", f"no variant {shown(name)}; "
                                  "allowed: " + ", ".join(names))
        if pair[0] == pair[1]:
            raise ConfigError(source, key, f"{shown(pair[0])} against itself; name two "
                              "different variants")
        if len(pair) == 3 and pair[2] not in columns:
            raise ConfigError(source, f"{key}[2]", f"{shown(pair[2])} is not a numeric "
                              "column of the outcome table; allowed: " + ", ".join(columns))
    for i, d in enumerate(sens.discover):
        _check_discover(source, f"sensitivity.discover[{i}]", d, design, columns, names)


#: Independent design points PRIM needs at least: 10 to peel, 10 to judge the box on.
DISCOVER_POINTS = 20


def discover_points(design: Design) -> int:
    """The independent points a discovery uses: a Saltelli design's A and B rows
    (``2 x base``; its AB rows repeat all but one coordinate of an A row), a Morris
    design's trajectories' starting points."""
    return 2 * design.base if design.method == "saltelli" else design.trajectories


def _check_discover(source: str, key: str, d: Discover, design: Design,
                    columns: tuple[str, ...], names: list[str]) -> None:
    """A discovery entry names a column, a variant or two, one threshold, a share in
    (0, 1), and a design with enough independent points (one line naming the key)."""
    if d.column not in columns:
        raise ConfigError(source, f"{key}.column", f"{shown(d.column)} is not a numeric "
                          "column of the outcome table; allowed: " + ", ".join(columns))
    if d.variant is not None and d.difference is not None:
        raise ConfigError(source, key, "give variant (an outcome) or difference = [A, B] "
                          "(B - A per future), not both")
    for name in [d.variant] if d.variant is not None else []:
        if name not in names:
            raise ConfigError(source, f"{key}.variant", f"no variant {shown(name)}; "
                              "allowed: " + ", ".join(names))
    if d.difference is not None:
        if len(d.difference) != 2:
            raise ConfigError(source, f"{key}.difference", "give [A, B] (B - A in each "
                              f"future); got {len(d.difference)} items")
        for j, name in enumerate(d.difference):
            if name not in names:
                raise ConfigError(source, f"{key}.difference[{j}]", f"no variant "
                                  f"{shown(name)}; allowed: " + ", ".join(names))
        if d.difference[0] == d.difference[1]:
            raise ConfigError(source, f"{key}.difference", f"{shown(d.difference[0])} "
                              "against itself; name two different variants")
    if (d.below is None) == (d.above is None):
        raise ConfigError(source, key, "give one threshold: below = X (a point is of "
                          "interest where the outcome is below X) or above = X")
    threshold = d.below if d.below is not None else d.above
    if not math.isfinite(threshold):
        raise ConfigError(source, f"{key}.{'below' if d.below is not None else 'above'}",
                          f"{threshold}; a finite number")
    if d.share is not None and not 0 < d.share < 1:
        raise ConfigError(source, f"{key}.share", f"{d.share}; a level strictly between 0 "
                          "and 1 (0.5: beyond the threshold in most futures), or leave it "
                          "out for the mean over futures")
    n = discover_points(design)
    if n < DISCOVER_POINTS:
        what = ("base", "2 x base A and B rows") if design.method == "saltelli" else \
            ("trajectories", "one starting point per trajectory")
        raise ConfigError(source, f"design.{what[0]}", f"{n} independent points for "
                          f"{key} ({what[1]}); PRIM needs at least {DISCOVER_POINTS} (10 to "
                          "peel, 10 to judge the box on)")


def load_spec(path: str | Path) -> Experiment:
    """Load and validate a spec file (see the module docstring), or a shipped spec by
    name (``as-written``: :mod:`experiments.specs`).

    Raises:
        ConfigError: no such file and no shipped spec of that name (one line listing
            them), or a bad spec.
    """
    from experiments.specs import shipped

    p = Path(path)
    if not p.is_file() and str(path) in shipped():      # a folder of that name is no spec
        p = shipped()[str(path)]
    elif not p.exists() and not str(path).endswith(".toml"):
        raise ConfigError(str(path), "", "no such file, and not a shipped spec; allowed: a "
                          "spec file, or one of " + ", ".join(shipped()))
    return spec_from_dict(read_toml(p), str(p), p.parent)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")[:18] or "terms"


def file_labels(a: str, b: str) -> tuple[str, str]:
    """Labels of two terms inputs: a preset by its name, a file by its name without the
    suffix (``A.toml`` -> ``A``); two files of the same name by their folder as well
    (``x/deal``, ``y/deal``), or as given, and one input twice as ``A (1)``, ``A (2)``."""
    def stem(x: str) -> str:
        return x if x in PRESETS else Path(x).stem

    la, lb = stem(a), stem(b)
    if la != lb:
        return la, lb
    pa, pb = Path(a).resolve(), Path(b).resolve()
    if a not in PRESETS and b not in PRESETS and pa != pb:
        if pa.parent.name != pb.parent.name:
            return f"{pa.parent.name}/{la}", f"{pb.parent.name}/{lb}"
        if a != b:
            return a, b
    return f"{la} (1)", f"{lb} (2)"


#: The outcomes of ``regsim compare A.toml B.toml``: a spec's default ones, and when the
#: registration became effective, as a date.
TWO_TERMS_OUTCOMES = (DEFAULT_OUTCOMES[:2] + ("days_closing_to_effective",)
                      + DEFAULT_OUTCOMES[2:])


def two_terms_spec(a: str, b: str, runs: int, seed: int) -> Experiment:
    """The spec of ``regsim compare A.toml B.toml``: base = A, one variant = B (the
    terms where B differs from A), labelled by their file names (:func:`file_labels`)."""
    ta, tb = load_terms(a), load_terms(b)
    changed = {name: getattr(tb, name) for name in term_names()
               if getattr(ta, name) != getattr(tb, name)}
    variant = _slug(Path(b).stem)
    if variant == BASE:
        variant = "b"
    label_a, label_b = file_labels(a, b)
    table = {"name": f"compare-{_slug(Path(a).stem)}-vs-{variant}"[:40],
             "description": f"{a} (base) against {b}", "seed": seed, "replications": runs,
             "outcomes": list(TWO_TERMS_OUTCOMES),
             "base": {"terms": a if a in PRESETS else str(Path(a).resolve())},
             "variants": {BASE: {"label": label_a}, variant: {"label": label_b, **changed}}}
    return spec_from_dict(table, f"{a} vs {b}")


def keyed_folder(exp: Experiment, root: Path = Path("results")) -> Path:
    """The results folder of ``regsim compare A.toml B.toml``, keyed by content:
    ``results/<name>-<digest>``, the digest the first 8 characters of the experiment's
    fingerprint (its terms, scenario, seed and policy). Edit B and the folder is new;
    the same files find their finished results again."""
    return root / f"{exp.name}-{exp.fingerprint()[:8]}"


#: The headline outcomes of ``regsim run``: those its printed summary reports.
RUN_OUTCOMES = ("value_to_investors", "company_cost", "days_to_effective", "days_to_effective_p90", "company_notice_late",
                "window_empty", "filing_deadline_missed", "target_missed",
                "target_miss_breach", "delay_used", "withdrawn_mai", "second_demand",
                "piggybacked", "cut_back", "company_expenses", "seller_costs", "loss_company",
                "loss_investors")


def run_spec(terms: str | None, scenario: str | None, runs: int, seed: int,
             policy: str = "strategic") -> Experiment:
    """The spec of ``regsim run``: one variant, the base (``terms`` and ``scenario``, presets
    or TOML files; default the agreement as written in bestnet-2003), ``runs`` replications
    of ``seed``: replication r is deal r of the seed, as in every sweep; the parties
    decide by ``policy`` (:func:`agents.policies.resolve_policy`)."""
    def resolved(value: str | None, presets) -> str:
        if value is None:
            return "bestnet-2003"
        return value if value in presets else str(Path(value).resolve())

    base = {"terms": resolved(terms, PRESETS), "scenario": resolved(scenario, SCENARIO_PRESETS)}
    table = {"name": "run",
             "description": f"regsim run: terms {terms or 'bestnet-2003 (as written)'}, "
                            f"scenario {scenario or 'bestnet-2003'}",
             "seed": seed, "replications": runs, "outcomes": list(RUN_OUTCOMES), "base": base,
             "policy": policy}
    if terms is not None and terms not in PRESETS:
        table["variants"] = {BASE: {"label": Path(terms).stem}}
    return spec_from_dict(table, "regsim run")
