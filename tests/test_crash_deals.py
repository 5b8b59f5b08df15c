"""A deal that raises never discards a run (issue 14, item 3): every deal that can be
played is kept, each failing deal is a row with its ``error``, and the run finishes and
says how many failed -- whether a deal raises in its play, or the whole task does
(building the model, a policy's constructor or ``bind``, a chunk's draws, a row that does
not fit the table)."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from experiments.execution.spec import run_spec
from experiments.execution.sweep import InProcess, executor_for, load_table, sweep
from sim.cli.main import main

PLUGINS = '''
from agents.policies import ScenarioPolicy


class EveryTenth(ScenarioPolicy):
    """Raises on deals 3, 13, 23, ...: inside a deal's play."""

    def notice_delay(self, s, cycle):
        if self.model.deal % 10 == 3:
            raise RuntimeError(f"no notice in deal {self.model.deal}")
        return super().notice_delay(s, cycle)


class Unbuildable(ScenarioPolicy):
    """Raises in its constructor: no model can be built."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError("cannot build this policy")


class Unbindable(ScenarioPolicy):
    """Raises when the model binds it."""

    def bind(self, model):
        raise RuntimeError("cannot bind")
'''

RUNS = 40


@pytest.fixture
def plugins(tmp_path, monkeypatch):
    (tmp_path / "crash_policies.py").write_text(textwrap.dedent(PLUGINS), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return "crash_policies"


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    """The deals under the scenario policy, none failing."""
    exp = run_spec(None, None, RUNS, 0, "scenario")
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        sweep(exp, d, InProcess(), progress=False)
        return load_table(d, exp)


def run_cli(out, policy, *extra) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["run", "--runs", str(RUNS), "--out", str(out), "--workers",
                                  "0", "--no-plot", "--policy", policy, *extra])
    return r.exit_code, r.stdout, r.stderr


def test_a_plugin_raising_on_some_deals_keeps_every_other_deal(plugins, tmp_path, clean):
    code, out, err = run_cli(tmp_path / "r", f"{plugins}:EveryTenth")
    assert code == 0, err
    assert "; 4 failed deals" in out.splitlines()[0]
    table = load_table(tmp_path / "r")
    bad = table["error"].notna().to_numpy()
    assert list(table.loc[bad, "replication"]) == [3, 13, 23, 33]
    assert set(table.loc[bad, "error"]) == {f"RuntimeError: no notice in deal {d}"
                                            for d in (3, 13, 23, 33)}
    assert len(table) == RUNS and table.loc[~bad, "error"].isna().all()


@pytest.mark.parametrize("cls, says", [("Unbuildable", "cannot build this policy"),
                                       ("Unbindable", "cannot bind")])
def test_a_plugin_raising_when_built_or_bound_gives_a_finished_run_of_failed_rows(
        plugins, tmp_path, cls, says):
    code, out, err = run_cli(tmp_path / "r", f"{plugins}:{cls}")
    assert code == 0, err
    assert f"; {RUNS} failed deals" in out.splitlines()[0], out
    table = load_table(tmp_path / "r")
    assert len(table) == RUNS and (table["replication"].to_numpy() == np.arange(RUNS)).all()
    assert set(table["error"]) == {f"RuntimeError: {says}"}


def test_a_task_failing_as_a_whole_on_local_workers_is_kept_deal_by_deal(plugins, tmp_path):
    """The same on worker processes: the task's failure is not a traceback of the whole
    run (it was: fut.result() raised in the parent)."""
    exp = run_spec(None, None, RUNS, 0, f"{plugins}:Unbindable")
    exp = exp.with_replications(RUNS)
    with executor_for(1) as ex:
        report = sweep(exp, tmp_path / "r", ex, progress=False)
    assert report.errors == RUNS


def test_a_chunk_whose_draws_raise_is_played_deal_by_deal(tmp_path, monkeypatch, clean):
    """The draws of a chunk are made for all its deals at once, outside the per-deal
    guard: one deal whose draws raise took the whole task with it."""
    from sim.engine.streams import RandomStreams

    original = RandomStreams.prepare

    def prepare(self, start, n):
        if start <= 17 < start + n:
            raise FloatingPointError("draws of deal 17")
        return original(self, start, n)

    monkeypatch.setattr(RandomStreams, "prepare", prepare)
    exp = run_spec(None, None, RUNS, 0, "scenario")
    report = sweep(exp, tmp_path / "r", InProcess(), progress=False)
    table = load_table(tmp_path / "r", exp)
    assert report.errors == 1
    bad = table["error"].notna().to_numpy()
    assert list(table.loc[bad, "replication"]) == [17]
    assert table.loc[bad, "error"].iloc[0] == "FloatingPointError: draws of deal 17"
    pd.testing.assert_frame_equal(table[~bad].reset_index(drop=True),
                                  clean[~bad].reset_index(drop=True))


def test_a_row_that_does_not_fit_the_table_is_an_error_row(tmp_path, monkeypatch, clean):
    """A deal whose outcome row cannot be typed (here, a day that is text) failed the
    whole task in ``rows_to_table``; it is now that deal's error row."""
    import sim.deal.batch as batch

    original = batch.outcomes

    def outcomes(log, terms):
        row = original(log, terms)
        if row["deal"] == 5:
            row["demand_day"] = "soon"
        return row

    monkeypatch.setattr(batch, "outcomes", outcomes)
    exp = run_spec(None, None, RUNS, 0, "scenario")
    report = sweep(exp, tmp_path / "r", InProcess(), progress=False)
    table = load_table(tmp_path / "r", exp)
    assert report.errors == 1
    bad = table["error"].notna().to_numpy()
    assert list(table.loc[bad, "replication"]) == [5]
    pd.testing.assert_frame_equal(table[~bad].reset_index(drop=True),
                                  clean[~bad].reset_index(drop=True))


def test_the_summary_of_a_run_with_failed_deals_leaves_them_out(plugins, tmp_path, clean):
    """A run with failed deals printed $nan for four money lines: a failed deal's row
    has no outcomes, so it is left out of every statistic and counted in the first line."""
    code, out, err = run_cli(tmp_path / "r", f"{plugins}:EveryTenth")
    assert code == 0, err
    assert "nan" not in out.lower(), out
    assert f"{RUNS - 4:,} deals played (4 failed, left out)" in out, out


def test_the_summary_of_a_run_whose_every_deal_failed_says_why(plugins, tmp_path):
    code, out, err = run_cli(tmp_path / "r", f"{plugins}:Unbuildable")
    assert code == 0, err
    assert "nan" not in out.lower(), out
    assert f"every deal failed ({RUNS}); the first: RuntimeError: cannot build this policy" \
        in out, out
    code, out, err = run_cli(tmp_path / "r", f"{plugins}:Unbuildable", "--plot")
    assert code == 0 and "no figures: every deal failed" in out, out + err


def test_the_figures_of_a_run_with_failed_deals_are_drawn(plugins, tmp_path):
    """`regsim run` (figures on) with failed deals ended in an ArrowInvalid traceback: a
    failed deal's probability columns are null."""
    r = CliRunner().invoke(main, ["run", "--runs", str(RUNS), "--out", str(tmp_path / "r"),
                                  "--workers", "0", "--policy", f"{plugins}:EveryTenth"])
    assert r.exit_code == 0, r.stderr or repr(r.exception)
    assert (tmp_path / "r" / "figures").is_dir() and any((tmp_path / "r" / "figures").iterdir())
