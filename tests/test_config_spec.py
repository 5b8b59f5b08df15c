"""Experiment specs: sizes checked before anything is built, design errors under the
design's own key, and a large legal grid validated cheaply (issue 14, items 6-9).
"""

from __future__ import annotations

import json
import hashlib
import time

import pytest

from experiments.execution.spec import (MAX_DEALS, MAX_POINTS, MAX_TASKS, check_size,
                                        load_spec, size_problem)
from sim.core.config import ConfigError, as_dict


def spec(tmp_path, body: str, name: str = "spec.toml"):
    path = tmp_path / name
    path.write_text('name = "x"\nseed = 1\n' + body, encoding="utf-8")
    return path


def refused(path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_spec(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    return info.value


def grid(*values: list) -> str:
    names = ["cooldown_days", "promptly_days", "filing_floor_days", "delay_max_days"]
    return "[design]\n[design.parameters]\n" + "".join(
        f'"terms.{n}" = {{ values = {v} }}\n' for n, v in zip(names, values))


# --- sizes, before any cell is built ------------------------------------------------
def test_a_grid_of_a_million_points_is_refused_before_it_is_built(tmp_path):
    """A 10,000-point grid took 2 minutes and 5.7 GB to validate; more never finished."""
    path = spec(tmp_path, "replications = 10\n" + grid(*[list(range(1, 101))] * 3))
    start = time.perf_counter()
    exc = refused(path)
    assert time.perf_counter() - start < 1.0
    assert exc.key == "design" and f"1,000,000 design points; at most {MAX_POINTS:,}" in exc.problem


def test_too_many_deals_in_the_file_are_refused(tmp_path):
    path = spec(tmp_path, "replications = 100000000\n" + grid(list(range(1, 201))))
    exc = refused(path)
    assert exc.key == "replications"
    assert f"100,000,000 replications x 200 cells = 20,000,000,000 deals; at most " \
           f"{MAX_DEALS:,}" in exc.problem


def test_too_many_tasks_ask_for_a_larger_task_size(tmp_path):
    path = spec(tmp_path, "replications = 10000000\ntask_size = 1\n")
    exc = refused(path)
    assert exc.key == "replications" and f"at most {MAX_TASKS:,}" in exc.problem
    assert "a larger task_size: at least 10" in exc.problem


def test_more_replications_asked_on_the_command_line_are_checked(tmp_path):
    """``--replications 10**12`` built 5 * 10^10 tasks."""
    exp = load_spec(spec(tmp_path, "replications = 10\n" + grid([90, 180])))
    with pytest.raises(ConfigError) as info:
        exp.with_replications(10**12)
    assert str(info.value).startswith("--replications: 1,000,000,000,000 replications x 2 "
                                      "cells = 2,000,000,000,000 deals; at most")
    with pytest.raises(ConfigError) as info:
        exp.with_replications(0, "--max-replications")
    assert str(info.value).startswith("--max-replications: must be a whole number")
    assert exp.with_replications(500).replications == 500
    check_size(exp)                       # the file's own size is fine
    with pytest.raises(ConfigError):
        check_size(exp, 10**11, "--runs")


def test_size_problem_counts_cells_deals_and_tasks():
    assert size_problem(1, 10_000, 2500) is None
    assert "cells" in size_problem(10**6, 1, 1)
    assert "deals" in size_problem(2, MAX_DEALS, 10**6)
    assert "tasks" in size_problem(1, MAX_TASKS + 1, 1)


# --- design errors under the design's key -------------------------------------------
def test_a_bad_grid_value_is_reported_under_its_place_in_the_grid(tmp_path):
    """Design errors were reported under base.<term> with the design point appended."""
    exc = refused(spec(tmp_path, "replications = 10\n" + grid([90, 180, 5000])))
    assert exc.key == 'design.parameters."terms.cooldown_days".values[2]'
    assert exc.problem == "must be less than or equal to 3650 (got 5000)"


def test_a_bad_scenario_value_of_a_grid_with_variants(tmp_path):
    body = ('replications = 10\n[variants.v]\nfiling_deadline_days = 60\n[design]\n'
            '[design.parameters]\n"scenario.market.price0" = { values = [0.3, inf] }\n')
    exc = refused(spec(tmp_path, body))
    assert exc.key == 'design.parameters."scenario.market.price0".values[1]'
    assert "finite number" in exc.problem


def test_a_sampled_range_beyond_what_is_allowed_names_the_range(tmp_path):
    body = ('replications = 10\n[design]\nmethod = "lhs"\npoints = 4\n[design.parameters]\n'
            '"terms.demand_threshold" = { low = 0.5, high = 3.0 }\n')
    exc = refused(spec(tmp_path, body))
    assert exc.key == 'design.parameters."terms.demand_threshold"'
    assert "less than or equal to 1" in exc.problem and "range 0.5 to 3.0" in exc.problem


def test_nan_in_a_design_range_is_refused(tmp_path):
    body = ('replications = 10\n[design]\nmethod = "lhs"\npoints = 4\n[design.parameters]\n'
            '"terms.demand_threshold" = { low = nan, high = 0.9 }\n')
    exc = refused(spec(tmp_path, body))
    assert exc.key == 'design.parameters."terms.demand_threshold".low'
    assert "finite number" in exc.problem


def test_a_variants_nonsense_is_reported_under_the_variant(tmp_path):
    body = ('replications = 10\n[variants.v]\ncutback_floor_percent = 5.0\n'
            '[variants.w.scenario.market]\nprice0 = inf\n')
    exc = refused(spec(tmp_path, body))
    assert exc.key == "variants.v.cutback_floor_percent" and "ignores it" in exc.problem
    body = 'replications = 10\n[variants.w]\nunits_offered = 1000\n'
    exc = refused(spec(tmp_path, body, "b.toml"))
    assert exc.key == "variants.w.units_offered"
    assert "the Investors hold 3,563,593 Units, more than the 1,000 Units offered" in exc.problem


def test_a_preset_that_is_not_a_name_in_a_variant_scenario(tmp_path):
    body = 'replications = 10\n[variants.v.scenario]\npreset = [1]\n'
    exc = refused(spec(tmp_path, body))
    assert exc.key.endswith("preset") and "unknown preset [1]" in exc.problem


# --- a large legal grid is cheap -----------------------------------------------------
def test_a_10000_point_grid_validates_in_seconds_and_shares_its_scenarios(tmp_path):
    values = list(range(1, 101))
    body = ("replications = 10\n[design]\n[design.parameters]\n"
            f'"terms.cooldown_days" = {{ values = {values} }}\n'
            f'"scenario.review.review_prob" = {{ values = {[v / 100 for v in values]} }}\n')
    start = time.perf_counter()
    exp = load_spec(spec(tmp_path, body))
    assert len(exp.cells) == 10_000 and time.perf_counter() - start < 5.0
    assert len({id(c.scenario) for c in exp.cells}) == 100
    cell = exp.cell(4321, "base")
    assert (cell.terms.cooldown_days, cell.scenario.review.review_prob) == (44, 0.22)
    # The digest is the one a results folder recorded before (resume must still match).
    blob = json.dumps([as_dict(cell.terms), as_dict(cell.scenario)], sort_keys=True,
                      default=str)
    assert cell.key() == hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def test_nan_among_grid_values_is_one_line(tmp_path):
    """``values = [0.5, nan]`` raised StopIteration while naming the bad value's index."""
    body = ('replications = 10\n[design]\n[design.parameters]\n'
            '"terms.demand_threshold" = { values = [0.5, nan] }\n')
    exc = refused(spec(tmp_path, body))
    assert exc.key == 'design.parameters."terms.demand_threshold".values[1]'
    assert exc.problem == "must be a finite number (got nan)"


@pytest.mark.parametrize("body", [
    'replications = 10\noutcomes = ["{x}"]\n',
    'replications = 10\n[variants."{x}"]\nfiling_deadline_days = 60\n',
    'replications = 10\n[design]\n[design.parameters]\n"{x}" = {{ values = [1] }}\n'],
    ids=["outcome", "variant name", "design path"])
def test_a_long_bad_name_in_a_spec_is_cut(tmp_path, body):
    exc = refused(spec(tmp_path, body.format(x="x" * 100_000)))
    assert "... (100,002 chars)" in exc.problem and "x" * 100 not in str(exc)
