"""Sweeps: specs, executors, resumable shards, failing replications, paired analysis."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.compare import compare, paired_difference

from sim.read.headline import OUTCOMES
from experiments.execution.spec import load_spec, spec_from_dict
from experiments.execution.sweep import (InProcess, executor_for, frames_by_variant, load_table, plan,
                               sweep)
from sim.core.config import ConfigError
from sim.deal.batch import run_deals

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "experiments" / "specs"


def write_spec(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


SMALL = """
name = "small"
seed = 11
replications = 120
task_size = 50
outcomes = ["days_to_effective", "filing_deadline_missed", "delay_used"]
[variants.deadline-60]
filing_deadline_days = 60
[variants.no-delay]
delay_uses = 0
"""


def run_in_process(exp, out: Path) -> pd.DataFrame:
    sweep(exp, out, InProcess(), progress=False)
    return load_table(out, exp)


# --- specs -------------------------------------------------------------------------------
def test_shipped_specs_load_and_name_their_variants():
    names = {p.stem: load_spec(p) for p in SPECS.glob("*.toml")}
    assert {"as-written", "negotiated-variants", "review-sensitivity"} <= set(names)
    nv = names["negotiated-variants"]
    assert nv.variant_names[0] == "base" and len(nv.variant_names) >= 3
    assert nv.replications >= 10_000
    assert nv.cell(0, "deadline-60").terms.filing_deadline_days == 60
    assert nv.cell(0, "empty-window-deadline").terms.empty_window == "file_at_deadline"
    rs = names["review-sensitivity"]
    assert len(rs.points) == 16 and rs.design_method == "lhs"


def test_lhs_design_is_reproducible_within_ranges_and_rounds_integer_parameters(tmp_path):
    body = """
name = "d"
seed = 3
replications = 10
[design]
method = "lhs"
points = 8
[design.parameters]
"scenario.review.review_prob" = { low = 0.2, high = 0.4 }
"terms.cooldown_days" = { low = 60, high = 180 }
"""
    a = load_spec(write_spec(tmp_path / "d.toml", body))
    b = load_spec(tmp_path / "d.toml")
    assert a.points == b.points
    probs = [p["scenario.review.review_prob"] for p in a.points]
    days = [p["terms.cooldown_days"] for p in a.points]
    assert all(0.2 <= x <= 0.4 for x in probs) and all(isinstance(d, int) for d in days)
    # Latin hypercube: one point in each eighth of every range.
    assert sorted(int((x - 0.2) / 0.2 * 8) for x in probs) == list(range(8))
    assert [c.scenario.review.review_prob for c in a.cells] == probs
    assert [c.terms.cooldown_days for c in a.cells] == days


def test_grid_design_is_the_full_product_with_each_variant(tmp_path):
    body = SMALL + """
[design]
method = "grid"
[design.parameters]
"terms.cooldown_days" = { values = [90, 180] }
"scenario.review.review_prob" = { values = [0.3, 0.6, 0.9] }
"""
    exp = load_spec(write_spec(tmp_path / "g.toml", body))
    assert len(exp.points) == 6 and len(exp.cells) == 18
    cell = exp.cell(5, "no-delay")
    assert (cell.terms.cooldown_days, cell.scenario.review.review_prob,
            cell.terms.delay_uses) == (180, 0.9, 0)


BAD_SPECS = [
    ("unknown top key", 'name = "x"\nseed = 1\nreplications = 5\nrepetitions = 4\n',
     "repetitions: unknown key"),
    ("bad variant term", 'name = "x"\nseed = 1\nreplications = 5\n[variants.v]\n'
     'filing_deadline = 60\n', "variants.v.filing_deadline: unknown term"),
    ("bad term value", 'name = "x"\nseed = 1\nreplications = 5\n[variants.v]\n'
     'empty_window = "later"\n', "variants.v.empty_window"),
    ("bad outcome", 'name = "x"\nseed = 1\nreplications = 5\noutcomes = ["speed"]\n',
     "outcomes: unknown outcome 'speed'"),
    ("missing seed", 'name = "x"\nreplications = 5\n', "seed: required key is missing"),
    ("bad name", 'name = "My Sweep"\nseed = 1\nreplications = 5\n', "name:"),
    ("sobol not a power of two", 'name = "x"\nseed = 1\nreplications = 5\n[design]\n'
     'method = "sobol"\npoints = 6\n[design.parameters]\n'
     '"terms.cooldown_days" = { low = 90, high = 180 }\n', "power of two"),
    ("unknown parameter", 'name = "x"\nseed = 1\nreplications = 5\n[design]\n'
     '[design.parameters]\n"scenario.review.speed" = { values = [1] }\n',
     "no such scenario parameter"),
    ("grid without values", 'name = "x"\nseed = 1\nreplications = 5\n[design]\n'
     '[design.parameters]\n"terms.cooldown_days" = { low = 1, high = 2 }\n',
     "needs values"),
    ("bad design value", 'name = "x"\nseed = 1\nreplications = 5\n[design]\n'
     '[design.parameters]\n"scenario.review.review_prob" = { values = [0.5, 1.5] }\n',
     'design.parameters."scenario.review.review_prob".values[1]: must be less than or equal '
     "to 1 (got 1.5)"),
    ("not TOML", 'name = "x\n', "not valid TOML"),
]


@pytest.mark.parametrize("case,body,expected", BAD_SPECS, ids=[c[0] for c in BAD_SPECS])
def test_malformed_spec_is_one_line(tmp_path, case, body, expected):
    path = write_spec(tmp_path / "bad.toml", body)
    with pytest.raises(ConfigError) as err:
        load_spec(path)
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg and expected in msg, msg


def test_malformed_spec_exits_2_and_touches_no_shard(tmp_path):
    out = tmp_path / "res"
    good = write_spec(tmp_path / "good.toml", SMALL)
    run_in_process(load_spec(good), out)
    before = {p.name: p.read_bytes() for p in (out / "shards").iterdir()}
    manifest = (out / "manifest.json").read_bytes()
    bad = write_spec(tmp_path / "bad.toml", SMALL.replace("delay_uses = 0", "delay_uses = -1"))
    proc = subprocess.run([sys.executable, "-m", "sim.cli.main", "sweep", str(bad), "--out",
                           str(out), "--workers", "0"], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("regsim: error: ") and "delay_uses" in lines[0]
    assert "Traceback" not in proc.stderr
    assert {p.name: p.read_bytes() for p in (out / "shards").iterdir()} == before
    assert (out / "manifest.json").read_bytes() == manifest


def test_changed_spec_refuses_to_mix_with_old_shards(tmp_path):
    out = tmp_path / "res"
    run_in_process(load_spec(write_spec(tmp_path / "a.toml", SMALL)), out)
    before = sorted(p.name for p in (out / "shards").iterdir())
    changed = load_spec(write_spec(tmp_path / "b.toml",
                                   SMALL.replace("filing_deadline_days = 60",
                                                 "filing_deadline_days = 75")))
    with pytest.raises(ConfigError) as err:
        sweep(changed, out, InProcess(), progress=False)
    assert "different experiment" in str(err.value)
    assert "filing_deadline_days 60 -> 75" in str(err.value)
    assert sorted(p.name for p in (out / "shards").iterdir()) == before


# --- execution -----------------------------------------------------------------------------
def test_rows_equal_a_direct_run_of_each_cell(tmp_path):
    exp = load_spec(write_spec(tmp_path / "s.toml", SMALL))
    table = run_in_process(exp, tmp_path / "res")
    assert list(table["variant"].cat.categories) == ["base", "deadline-60", "no-delay"]
    keys = table[["point", "variant", "replication"]]
    pd.testing.assert_frame_equal(keys, keys.sort_values(list(keys)).reset_index(drop=True))
    pd.testing.assert_frame_equal(load_table(tmp_path / "res"), table)   # without the spec
    assert len(table) == 3 * 120 and table["error"].isna().all()
    for variant, df in frames_by_variant(table).items():
        cell = exp.cell(0, variant)
        direct = run_deals(cell.terms, cell.scenario, exp.seed, 0, 120)
        assert (df["replication"].to_numpy() == np.arange(120)).all()
        pd.testing.assert_frame_equal(
            df.drop(columns=["point", "variant", "replication", "error"]),
            direct.drop(columns=["deal"]), check_dtype=True)


def test_same_table_in_process_one_and_two_workers_and_dask_local_cluster(tmp_path):
    exp = load_spec(write_spec(tmp_path / "s.toml", SMALL))
    tables = {"in-process": run_in_process(exp, tmp_path / "a")}
    for label, workers, dask in (("1 worker", 1, None), ("2 workers", 2, None),
                                 ("dask LocalCluster", 2, "local")):
        with executor_for(workers, dask) as ex:
            sweep(exp, tmp_path / label, ex, progress=False)
        tables[label] = load_table(tmp_path / label, exp)
    ref = tables.pop("in-process")
    for label, df in tables.items():
        pd.testing.assert_frame_equal(df, ref, obj=label)


def test_a_failing_replication_is_a_row_with_its_error(tmp_path, monkeypatch):
    from sim.deal.model import DealModel

    original = DealModel.run

    def flaky(self, deal, *args, **kwargs):
        if deal == 7:
            raise RuntimeError("boom in deal 7")
        return original(self, deal, *args, **kwargs)

    monkeypatch.setattr(DealModel, "run", flaky)
    exp = load_spec(write_spec(tmp_path / "s.toml", SMALL))
    report = sweep(exp, tmp_path / "res", InProcess(), progress=False)
    table = load_table(tmp_path / "res", exp)
    assert report.errors == 3 and len(table) == 360
    bad = table[table["error"].notna()]
    assert list(bad["replication"]) == [7, 7, 7]
    assert set(bad["error"]) == {"RuntimeError: boom in deal 7"}
    assert bad["days_demand_to_effective"].isna().all() and bad["window_empty"].isna().all()
    # The failed deal is left out of the estimates, not counted as a value.
    frames = frames_by_variant(table)
    cmp = compare(frames, "base", ["days_to_effective"])
    assert (cmp["n"] == 119).all()


def test_more_replications_extend_the_sweep_without_duplicates(tmp_path):
    exp = load_spec(write_spec(tmp_path / "s.toml", SMALL))
    out = tmp_path / "res"
    first = sweep(exp.with_replications(70), out, InProcess(), progress=False)
    assert first.ran == 6                                  # blocks of 50 + 20 per variant
    again = sweep(exp, out, InProcess(), progress=False)   # 120 = 50 + 50 + 20
    assert (again.reused, again.replaced, again.ran) == (3, 3, 6)
    table = load_table(out, exp)
    fresh = run_in_process(exp, tmp_path / "fresh")
    pd.testing.assert_frame_equal(table, fresh)
    assert not table.duplicated(["point", "variant", "replication"]).any()


def test_fewer_replications_than_finished_are_refused_and_nothing_is_deleted(tmp_path):
    """A 120-replication sweep, then `--replications 10` into the same folder: it used to
    delete every finished shard ("0 kept, 2 run, 6 partial replaced"). It is refused in
    one line naming what the folder holds, and every shard is still there."""
    exp = load_spec(write_spec(tmp_path / "s.toml", SMALL))
    out = tmp_path / "res"
    sweep(exp, out, InProcess(), progress=False)
    before = sorted(p.name for p in (out / "shards").glob("*.parquet"))
    with pytest.raises(ConfigError) as err:
        sweep(exp.with_replications(10), out, InProcess(), progress=False)
    assert "holds 120 finished replications" in str(err.value)
    assert "--replications 120" in str(err.value)
    assert sorted(p.name for p in (out / "shards").glob("*.parquet")) == before
    pd.testing.assert_frame_equal(load_table(out, exp), run_in_process(exp, tmp_path / "b"))


# A sweep killed (main or worker, SIGKILL) then rerun gives the uninterrupted table:
# tests/test_crash_kill.py.


def test_tasks_carry_seed_material_and_about_task_size_replications():
    exp = load_spec(SPECS / "negotiated-variants.toml")
    tasks = plan(exp)
    assert len(tasks) == len(exp.variants) * 4 and {t.count for t in tasks} == {2500}
    assert all(isinstance(t.seed, int) for t in tasks)
    assert len({t.shard_name for t in tasks}) == len(tasks)


# --- common random numbers and paired analysis ---------------------------------------------
def test_a_variant_changes_only_the_deals_its_term_touches(terms, scenario):
    """No delay right: every deal in which the Company did not use its delay is the same
    deal under both terms (no draw shifted because the variant drew less elsewhere)."""
    import dataclasses

    base = run_deals(terms, scenario, 2026, 0, 1500)
    variant = run_deals(dataclasses.replace(terms, delay_uses=0), scenario, 2026, 0, 1500)
    untouched = ~base["delay_used"].to_numpy(dtype=bool)
    assert untouched.sum() >= 1400 and (~untouched).sum() >= 3
    pd.testing.assert_frame_equal(base[untouched].reset_index(drop=True),
                                  variant[untouched].reset_index(drop=True))


def test_pairing_narrows_the_interval_of_a_filing_deadline_change(terms, scenario):
    """Filing deadline 45 -> 60 days: the paired 95% interval of the difference in median
    days to effectiveness is at least 3x narrower than an unpaired comparison of the
    same size (the variant run on independent futures, another seed). The Company always
    uses its §1(c) cooldown right here: otherwise the later deadline also changes its
    choice (a Company that would file late uses the right), a real but noisier effect."""
    import dataclasses

    n = 1500
    scenario = dataclasses.replace(scenario, company=dataclasses.replace(
        scenario.company, cooldown_invoke_prob=1.0))
    late = dataclasses.replace(terms, filing_deadline_days=60)
    # The exogenous draws: pairing is a property of the random futures, not the policy.
    base = run_deals(terms, scenario, 1, 0, n, policy="scenario")
    paired = run_deals(late, scenario, 1, 0, n, policy="scenario")
    independent = run_deals(late, scenario, 2, 0, n, policy="scenario")
    o = OUTCOMES["days_to_effective"]
    d_paired = paired_difference(base, paired, o)
    d_unpaired = paired_difference(base, independent, o)
    assert d_unpaired.width >= 3 * d_paired.width and d_unpaired.width >= 4
    # The unpaired interval the analysis reports for the paired run estimates the same.
    assert abs(d_paired.unpaired_width - d_unpaired.width) <= 0.5 * d_unpaired.width
    # The deadline changes breach flags, with a precise paired difference.
    p = paired_difference(base, paired, OUTCOMES["window_empty"])
    assert p.value < 0 and p.high < 0 and p.width <= p.unpaired_width


def test_paired_intervals_on_known_data():
    rng = np.random.default_rng(0)
    x = rng.integers(50, 150, 4000).astype(float)
    base = pd.DataFrame({"days_demand_to_effective": x, "demand_day": 0.0,
                         "filing_deadline_missed": x > 140})
    shifted = base.assign(days_demand_to_effective=x + 5, filing_deadline_missed=x > 120)
    d = paired_difference(base, shifted, OUTCOMES["days_to_effective"])
    assert (d.value, d.low, d.high) == (5, 5, 5) and d.unpaired_width >= 4
    p = paired_difference(base, shifted, OUTCOMES["filing_deadline_missed"])
    truth = float(np.mean(x > 120) - np.mean(x > 140))
    assert p.value == pytest.approx(truth) and p.low < truth < p.high
    assert p.narrowing > 1
    same = paired_difference(base, base, OUTCOMES["filing_deadline_missed"])
    assert (same.value, same.low, same.high, same.differing) == (0, 0, 0, 0)


# --- command line ------------------------------------------------------------------------------
def test_sweep_and_compare_commands_print_paired_differences(tmp_path):
    from click.testing import CliRunner

    from sim.cli.main import main

    spec = write_spec(tmp_path / "s.toml", SMALL)
    out = tmp_path / "res"
    r = CliRunner().invoke(main, ["sweep", str(spec), "--out", str(out), "--workers", "0"])
    assert r.exit_code == 0, r.output
    assert "paired 95% CI" in r.output and "deadline-60" in r.output
    assert (out / "manifest.json").exists() and len(list((out / "shards").iterdir())) == 9
    r = CliRunner().invoke(main, ["compare", str(spec), "--out", str(out), "--workers", "0"])
    assert r.exit_code == 0 and "9 kept, 0 run" in r.output
    a = write_spec(tmp_path / "a.toml", "")
    b = write_spec(tmp_path / "b.toml", "delay_uses = 0\n")
    r = CliRunner().invoke(main, ["compare", str(a), str(b), "--runs", "200", "--out",
                                  str(tmp_path / "ab"), "--workers", "0"])
    assert r.exit_code == 0, r.output
    assert "variant - base" in r.output and "delay right used" in r.output


def test_until_ci_adds_replications_until_the_interval_is_narrow(tmp_path):
    from click.testing import CliRunner

    from sim.cli.main import main

    spec = write_spec(tmp_path / "s.toml", SMALL.replace(
        'outcomes = ["days_to_effective"', 'outcomes = ["filing_deadline_missed"'))
    out = tmp_path / "res"
    r = CliRunner().invoke(main, ["sweep", str(spec), "--out", str(out), "--workers", "0",
                                  "--until-ci", "0.03", "--max-replications", "2000"])
    assert r.exit_code == 0, r.output
    widths = [float(line.split(": ")[1].split(" at ")[0]) for line in r.output.splitlines()
              if "widest 95% interval" in line]
    assert len(widths) >= 2 and widths[-1] < 0.03 <= widths[0]
    assert json.loads((out / "manifest.json").read_text())["replications"] > 120


# --- invariants --------------------------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

@__import__("functools").lru_cache(maxsize=None)
def _direct(variant: str) -> pd.DataFrame:
    """Deals 0-39 of seed 9 under the base terms or the 90-day cooldown, run directly."""
    import dataclasses

    from sim.world.scenario import load_scenario
    from sim.law.terms import load_terms

    terms = load_terms()
    if variant == "v":
        terms = dataclasses.replace(terms, cooldown_days=90)
    return run_deals(terms, load_scenario(), 9, 0, 40).drop(columns=["deal"])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(task_size=st.integers(1, 40), replications=st.integers(1, 40),
       first_part=st.integers(1, 40))
def test_table_does_not_depend_on_task_size_or_on_stopping_part_way(
        tmp_path_factory, task_size, replications, first_part):
    """Any task size, and a sweep first run to fewer replications then extended, give
    the rows of one direct run of the same deals."""
    body = (f'name = "h"\nseed = 9\nreplications = {replications}\n'
            f'task_size = {task_size}\n[variants.v]\ncooldown_days = 90\n')
    out = tmp_path_factory.mktemp("h")
    exp = spec_from_dict(__import__("tomllib").loads(body), "h.toml")
    sweep(exp.with_replications(min(first_part, replications)), out, InProcess(),
          progress=False)
    sweep(exp, out, InProcess(), progress=False)
    table = load_table(out, exp)
    for variant, df in frames_by_variant(table).items():
        direct = _direct(variant).head(replications)
        pd.testing.assert_frame_equal(
            df.drop(columns=["point", "variant", "replication", "error"]), direct)
