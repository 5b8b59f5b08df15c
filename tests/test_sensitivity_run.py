"""Sensitivity studies run through the sweep executor: specs, the analysis of a saved
table, `regsim sensitivity`, resuming and --until-ci (tiny designs, in this process)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from experiments.analysis import sensitivity as sa
from experiments.execution.spec import load_spec, spec_from_dict
from experiments.execution.sweep import InProcess, extends, load_table, manifest_for, sweep
from sim.cli.main import main
from sim.core.config import ConfigError

REPO = Path(__file__).resolve().parents[1]

TINY = """
name = "tiny"
seed = 7
replications = 4
task_size = 4
[variants.nvca]
terms = "nvca-2020"
[design]
method = "saltelli"
base = 4
[design.parameters]
"scenario.review.review_prob" = { low = 0.1, high = 0.9 }
"scenario.review.response_days.median" = { low = 5, high = 30 }
[sensitivity]
outcomes = ["days_demand_to_effective", "value_to_investors_usd"]
differences = [["base", "nvca", "value_to_investors_usd"]]
"""


def spec(tmp_path: Path, body: str = TINY, name: str = "tiny.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result, key: str) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("regsim: error: "), result.stderr
    assert key in lines[0], lines[0]
    return lines[0]


def shards(out: Path) -> dict[str, int]:
    return {f.name: f.stat().st_mtime_ns for f in (out / "shards").glob("*.parquet")}


# --- the spec ------------------------------------------------------------------------------
@pytest.mark.parametrize("change, key, word", [
    ("base = 4", "base = 6", "power of two"),
    ('outcomes = ["days_demand_to_effective", "value_to_investors_usd"]',
     'outcomes = ["days_to_heaven"]', "sensitivity.outcomes[0]"),
    ('outcomes = ["days_demand_to_effective", "value_to_investors_usd"]',
     'outcomes = ["error"]', "sensitivity.outcomes[0]"),
    ('differences = [["base", "nvca", "value_to_investors_usd"]]',
     'differences = [["base", "nvca2"]]', "sensitivity.differences[0][1]"),
    ('differences = [["base", "nvca", "value_to_investors_usd"]]',
     'differences = [["base", "nvca", "label"]]', "sensitivity.differences[0][2]"),
    ("base = 4", "base = 4096", "design.base"),
    ("base = 4", "points = 4", "points"),
])
def test_a_bad_sensitivity_spec_is_one_line(tmp_path, monkeypatch, change, key, word):
    monkeypatch.chdir(tmp_path)
    body = TINY.replace(change, key)
    assert body != TINY
    line = one_line_error(invoke("sensitivity", spec(tmp_path, body), "--workers", "0"), word)
    assert "tiny.toml" in line
    assert not (tmp_path / "results").exists()


def test_a_too_large_design_says_how_large_it_may_be(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_spec(spec(tmp_path, TINY.replace("base = 4", "base = 4096")))
    assert err.value.key == "design.base"
    assert "4,096 x (2 parameters + 2) = 16,384 design points; at most 10,000" in str(err.value)
    assert "base at most 2,048" in str(err.value)


def test_a_sensitivity_section_needs_a_sensitivity_design_and_back(tmp_path):
    with pytest.raises(ConfigError, match="design.method"):
        load_spec(spec(tmp_path, TINY.replace('method = "saltelli"\nbase = 4',
                                               'method = "sobol"\npoints = 4')))
    with pytest.raises(ConfigError, match="sensitivity: a saltelli design needs"):
        load_spec(spec(tmp_path, TINY.split("[sensitivity]")[0]))


def test_the_saltelli_design_is_sobol_design_and_a_larger_base_keeps_its_points(tmp_path):
    from experiments.sensitivity.design import Space, sobol_design

    exp = load_spec(spec(tmp_path))
    assert len(exp.points) == 4 * (2 + 2) and len(exp.cells) == 2 * 16
    space = Space(exp.parameters, ((0.1, 0.9), (5, 30)))
    want = sobol_design(space, 4, 7).points
    got = np.array([[p[k] for k in exp.parameters] for p in exp.points])
    assert np.allclose(got, want)
    bigger = exp.with_base(8)
    assert len(bigger.points) == 32
    assert [c.key() for c in bigger.cells[:32]] == [c.key() for c in exp.cells]
    assert extends(manifest_for(exp), manifest_for(bigger))
    assert not extends(manifest_for(bigger), manifest_for(exp))
    other = spec_from_dict({**exp.raw, "seed": 8}, "x", tmp_path).with_base(8)
    assert not extends(manifest_for(exp), manifest_for(other))


# --- running and analysing -----------------------------------------------------------------
def test_a_saltelli_study_gives_indices_and_the_chance_share_and_resumes(tmp_path,
                                                                         monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = spec(tmp_path)
    first = invoke("sensitivity", path, "--workers", "0")
    assert first.exit_code == 0, first.output
    out = tmp_path / "results" / "tiny"
    assert "0 kept, 32 run" in first.stderr
    assert "chance share" in first.stdout and "S1 [95% CI]" in first.stdout
    assert "How to read:" in first.stdout
    assert "value_to_investors_usd, nvca - as written (paired, per future)" in first.stdout
    data = json.loads((out / "sensitivity.json").read_text())
    assert data["method"] == "saltelli" and data["base"] == 4
    assert len(data["rows"]) == 3 * 2          # three analyses x two parameters
    for row in data["rows"]:
        assert np.isfinite(row["S1"]) and np.isfinite(row["ST"])
        assert 0 <= row["chance"] <= 1 and row["chance_low"] <= row["chance_high"]
    before = shards(out)
    again = invoke("sensitivity", path, "--workers", "0")
    assert again.exit_code == 0, again.output
    assert "32 kept, 0 run" in again.stderr and "0 deals" in again.stderr
    assert shards(out) == before
    assert again.stdout == first.stdout


def test_the_paired_difference_is_b_minus_a_in_each_future(tmp_path):
    exp = load_spec(spec(tmp_path))
    out = tmp_path / "out"
    sweep(exp, out, InProcess(), progress=False)
    table = load_table(out, exp)
    a = sa.Analysis("value_to_investors_usd", "nvca", "base")
    y, never = sa.array(exp, table, a)
    assert y.shape == (16, 4) and never == 0
    for point in (0, 5, 15):
        at = table[table["point"] == point]
        base = at[at["variant"] == "base"].set_index("replication")["value_to_investors_usd"]
        nvca = at[at["variant"] == "nvca"].set_index("replication")["value_to_investors_usd"]
        assert np.allclose(y[point], (nvca - base).astype(float).to_numpy())
    # a difference of a day column counts "never" as the horizon in each variant
    table.loc[table.index[0], "days_demand_to_effective"] = None
    ys, never = sa.outcome_array(exp, table, "days_demand_to_effective", "base")
    assert never == 1 and ys[0, 0] == exp.cells[0].scenario.horizon_days
    table.loc[table.index[0], "value_to_investors_usd"] = None
    with pytest.raises(ConfigError, match="1 deals of variant 'base' have no value"):
        sa.outcome_array(exp, table, "value_to_investors_usd", "base")


def test_the_tables_and_json_say_the_same(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("sensitivity", spec(tmp_path), "--workers", "0", "--json",
                    "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    written = (tmp_path / "o" / "sensitivity.json").read_text()
    assert result.stdout == written
    rows = json.loads(written)["rows"]
    import csv
    with open(tmp_path / "o" / "sensitivity.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert len(table) == len(rows)
    for got, want in zip(table, rows):
        assert set(got) >= set(want)
        for key, value in want.items():
            if value is None:
                assert got[key] == ""
            elif isinstance(value, float):
                assert float(got[key]) == value
            else:
                assert got[key] == str(value)


def test_until_ci_adds_base_samples_or_replications_and_keeps_every_shard(tmp_path,
                                                                           monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = spec(tmp_path)
    out = tmp_path / "results" / "tiny"
    assert invoke("sensitivity", path, "--workers", "0").exit_code == 0
    before = shards(out)
    grown = invoke("sensitivity", path, "--workers", "0", "--until-ci", "0.01",
                   "--max-deals", "700")
    assert grown.exit_code == 0, grown.output
    assert re.search(r"widest interval \+/-\S+ > \+/-0\.01: add", grown.stderr)
    assert "stopped: the next step runs" in grown.stderr and "--max-deals 700" in grown.stderr
    after = shards(out)
    assert len(after) > len(before)
    assert {k: after[k] for k in before} == before          # kept, not rewritten
    data = json.loads((out / "sensitivity.json").read_text())
    held = (data["base"], data["replications"])
    assert held != (4, 4) and data["points"] * 2 * data["replications"] <= 700
    # a rerun without --until-ci resumes at what the folder holds: nothing run again
    again = invoke("sensitivity", path, "--workers", "0")
    assert again.exit_code == 0, again.output
    assert "resuming there" in again.stderr and " 0 run)" in again.stderr
    assert (json.loads((out / "sensitivity.json").read_text())["base"],
            json.loads((out / "sensitivity.json").read_text())["replications"]) == held


def test_until_ci_needs_a_saltelli_design(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = TINY.replace('method = "saltelli"\nbase = 4', 'method = "morris"\ntrajectories = 4')
    assert body != TINY
    one_line_error(invoke("sensitivity", spec(tmp_path, body), "--workers", "0",
                          "--until-ci", "0.1"), "--until-ci")


def test_a_morris_study_screens_with_its_noise_floor(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = TINY.replace('method = "saltelli"\nbase = 4',
                        'method = "morris"\ntrajectories = 4\nlevels = 4')
    result = invoke("sensitivity", spec(tmp_path, body), "--workers", "0", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["method"] == "morris" and data["points"] == 4 * 3
    for row in data["rows"]:
        assert row["mu_star"] >= 0 and row["noise_floor"] >= 0
        assert row["mu_star_low"] <= row["mu_star"] <= row["mu_star_high"]
        assert row["chance"] is not None


# --- the shipped spec ----------------------------------------------------------------------
def test_the_shipped_drivers_spec_loads_by_name_and_is_the_size_its_comment_says():
    exp = load_spec("drivers")
    assert exp.design_method == "saltelli" and exp.variant_names == ("base", "nvca")
    comment = (REPO / "experiments" / "specs" / "drivers.toml").read_text()
    m = re.search(r"Size: (\d+) base samples x \((\d+) parameters \+ 2\) = ([\d,]+) design "
                  r"points x (\d+) variants = ([\d,]+)\s*#?\s*cells x (\d+) replications = "
                  r"([\d,]+) deals", comment)
    assert m, "the size comment"
    base, k, points, variants, cells, reps, deals = (int(g.replace(",", ""))
                                                     for g in m.groups())
    assert (base, k) == (exp.design.base, len(exp.parameters))
    assert points == len(exp.points) and variants == len(exp.variants)
    assert cells == len(exp.cells) and reps == exp.replications
    assert deals == len(exp.cells) * exp.replications
    assert exp.task_size == exp.replications      # --until-ci keeps every shard
    assert exp.cell(0, "nvca").terms != exp.cell(0, "base").terms
    assert [a.label(exp) for a in sa.analyses(exp)][-1].startswith(
        "value_to_investors_usd, nvca-2020 - as written")


def test_cap_days_counts_a_day_column_at_most_the_cap(tmp_path):
    """`cap_days = 60`: a deal effective on day 75 of the count, or never, counts as 60;
    one effective sooner keeps its day. (Without a cap, "never" is the horizon, which a
    few deals in a thousand then dominate the variance with.)"""
    exp = load_spec(spec(tmp_path, TINY + "cap_days = 60\n"))
    assert exp.sensitivity.cap_days == 60
    out = tmp_path / "out"
    sweep(exp, out, InProcess(), progress=False)
    table = load_table(out, exp)
    raw = table[table["variant"] == "base"]["days_demand_to_effective"].astype(float)
    table.loc[table.index[0], "days_demand_to_effective"] = None
    y, capped = sa.outcome_array(exp, table, "days_demand_to_effective", "base")
    expected = np.minimum(raw.fillna(np.inf).to_numpy(), 60.0)
    expected[0] = 60.0
    assert np.array_equal(y.ravel(), expected)
    replaced = raw.isna().to_numpy() | (raw.to_numpy() > 60)
    replaced[0] = True                      # the deal made "never" above
    assert capped == int(replaced.sum())    # counted as the cap: empty, or past it
    bad = spec(tmp_path, TINY + "cap_days = 0\n", "bad.toml")
    with pytest.raises(ConfigError, match="cap_days"):
        load_spec(bad)


def test_shares_of_a_variance_indistinguishable_from_zero_are_not_printed(tmp_path):
    """When the chance share's interval reaches all of the variance, the parameters'
    part may be nothing, and S1 and ST (shares of that part) are noise over noise (the
    drivers spec printed S1 = 1.18 [-5572.85, 5575.20]): the text shows them as n/a and
    points to the 'of all' columns, which stay."""
    import dataclasses

    exp = load_spec(spec(tmp_path))
    out = tmp_path / "out"
    sweep(exp, out, InProcess(), progress=False)
    results = sa.analyse(exp, load_table(out, exp), resamples=200)
    c = results[0].chance
    swamped = dataclasses.replace(results[0], chance=dataclasses.replace(
        c, value=0.995, low=0.97, high=1.0))
    lines = sa.text(exp, [swamped]).splitlines()
    rows = [line for line in lines if line.strip().startswith("scenario.review.review_prob")]
    assert rows and rows[0].split()[1:3] == ["n/a", "n/a"], rows
    assert any("read the 'of all' columns" in line for line in lines)
    clear = dataclasses.replace(results[0], chance=dataclasses.replace(
        c, value=0.5, low=0.4, high=0.6))
    rows = [line for line in sa.text(exp, [clear]).splitlines()
            if line.strip().startswith("scenario.review.review_prob")]
    assert rows[0].split()[1] != "n/a"


def test_the_report_reads_the_indices_as_the_command_prints_them(tmp_path):
    """The report's index tables follow the command's rules: the cap's words, not the
    horizon's, and S1 and ST as n/a when the chance share's interval reaches 1."""
    import dataclasses

    from experiments.analysis.discovery import Study
    from experiments.report.content import index_tables

    exp = load_spec(spec(tmp_path, TINY + "cap_days = 60\n"))
    out = tmp_path / "out"
    sweep(exp, out, InProcess(), progress=False)
    results = sa.analyse(exp, load_table(out, exp), resamples=200)
    r = results[0]
    swamped = dataclasses.replace(r, never=3, chance=dataclasses.replace(
        r.chance, value=0.995, low=0.97, high=1.0))
    (table,) = index_tables(Study(exp, [swamped], []))
    assert table.never.startswith(sa.never_text(exp, 3)) and "60" in table.never
    assert table.never.endswith(sa.SWAMPED_TEXT[1:])
    assert all(row[1:3] == ("n/a", "n/a") for row in table.rows), table.rows
    assert all(row[3] != "n/a" for row in table.rows)
