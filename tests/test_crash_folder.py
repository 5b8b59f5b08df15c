"""A results folder is never lost to a mistake (issue 14, items 2 and 5): `run --out` over
another experiment's or a user's folder is refused untouched; a corrupt, empty or foreign
manifest is one line in every command that reads it; a corrupt shard is rerun on resume
and one line when read; two sweeps into one folder: the second is refused at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.execution.folder import read_manifest
from experiments.execution.spec import load_spec
from experiments.execution.sweep import InProcess, load_table, sweep
from conftest import cli, one_line
from sim.core.config import ConfigError

REPO = Path(__file__).resolve().parents[1]

SMALL = """
name = "small"
seed = 11
replications = 60
task_size = 20
outcomes = ["days_to_effective", "filing_deadline_missed"]
[variants.no-delay]
delay_uses = 0
"""


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[Path, Path, pd.DataFrame]:
    """A finished sweep of SMALL: (spec, folder, its table); copied by each test."""
    root = tmp_path_factory.mktemp("finished")
    spec = root / "small.toml"
    spec.write_text(SMALL, encoding="utf-8")
    out = root / "res"
    exp = load_spec(spec)
    sweep(exp, out, InProcess(), progress=False)
    return spec, out, load_table(out, exp)


@pytest.fixture
def res(finished, tmp_path) -> tuple[Path, Path, pd.DataFrame]:
    import shutil

    spec, out, table = finished
    copy = tmp_path / "res"
    shutil.copytree(out, copy)
    return spec, copy, table


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}




# --- item 2: `regsim run --out` over another experiment ----------------------------------
def test_run_over_a_sweep_folder_is_refused_and_the_sweep_is_untouched(res):
    """The issue's case exactly: a `regsim sweep` folder, then `regsim run --out` it."""
    _, out, table = res
    before = snapshot(out)
    code, _, err = cli("run", "--runs", "40", "--out", out, "--workers", "0", "--no-plot")
    one_line(code, err, str(out), "different experiment", "choose another --out")
    assert snapshot(out) == before
    pd.testing.assert_frame_equal(load_table(out), table)


def test_run_over_a_folder_of_the_users_files_is_refused_and_nothing_is_touched(tmp_path):
    mine = tmp_path / "thesis"
    (mine / "chapters").mkdir(parents=True)
    (mine / "notes.txt").write_text("do not lose me\n")
    (mine / "chapters" / "one.tex").write_text("\\chapter{One}\n")
    before = snapshot(mine)
    names = sorted(p.name for p in mine.iterdir())
    code, _, err = cli("run", "--runs", "20", "--out", mine, "--workers", "0", "--no-plot")
    one_line(code, err, str(mine), "not a regsim results folder", "'chapters'",
             "nothing was changed")
    assert snapshot(mine) == before and sorted(p.name for p in mine.iterdir()) == names


def test_sweep_into_a_folder_of_the_users_files_is_refused(res, tmp_path):
    spec, _, _ = res
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "data.csv").write_text("a,b\n")
    with pytest.raises(ConfigError) as err:
        sweep(load_spec(spec), mine, InProcess(), progress=False)
    assert "not a regsim results folder" in str(err.value)
    assert [p.name for p in mine.iterdir()] == ["data.csv"]


def test_fewer_replications_refused_leaves_the_manifest_as_it_was(res):
    """The refusal of fewer replications came after the manifest was rewritten (with the
    smaller count and status "running"): the finished folder then read as unfinished."""
    spec, out, table = res
    manifest = (out / "manifest.json").read_bytes()
    with pytest.raises(ConfigError, match="holds 60 finished replications"):
        sweep(load_spec(spec).with_replications(10), out, InProcess(), progress=False)
    assert (out / "manifest.json").read_bytes() == manifest
    code, _, err = cli("plot", out, "-o", out.parent / "figs")
    assert code == 0, err


# --- item 5: corrupt, empty and foreign manifests ----------------------------------------
BAD_MANIFESTS = {
    "corrupt": ('{"kind": "regsim sweep", "fingerprint": ', "not JSON"),
    "empty": ("", "empty"),
    "a list": ("[]", "a JSON list"),
    "foreign object": ('{"a": 1}', "kind: missing"),
    "another kind": ('{"kind": "notes", "fingerprint": "x", "seed": 1, "replications": 1, '
                     '"task_size": 1, "variants": [{"name": "base"}], "cells": []}',
                     "not 'regsim sweep'"),
}


@pytest.mark.parametrize("case", BAD_MANIFESTS)
def test_a_bad_manifest_is_one_line_in_every_command_that_reads_it(res, case, tmp_path):
    spec, out, _ = res
    body, says = BAD_MANIFESTS[case]
    (out / "manifest.json").write_text(body, encoding="utf-8")
    before = snapshot(out)
    manifest = str(out / "manifest.json")
    for args in (["sweep", spec, "--out", out, "--workers", "0"],
                 ["compare", spec, "--out", out, "--workers", "0"],
                 ["run", "--runs", "20", "--out", out, "--workers", "0", "--no-plot"],
                 ["plot", out, "-o", tmp_path / "figs"],
                 ["report", out, "-o", tmp_path / "r.html"]):
        code, _, err = cli(*args)
        one_line(code, err, manifest, says)
    assert snapshot(out) == before
    with pytest.raises(ConfigError):
        read_manifest(out)
    assert not (tmp_path / "figs").exists() and not (tmp_path / "r.html").exists()


# --- item 5: corrupt shards ----------------------------------------------------------------
def corrupt_shards(shards: Path) -> list[str]:
    """Truncate one shard, empty another, write garbage into a third, and give a fourth
    the right footer but too few rows."""
    import pyarrow.parquet as pq

    files = sorted(shards.glob("*.parquet"))
    data = files[0].read_bytes()
    files[0].write_bytes(data[: len(data) // 2])
    files[1].write_bytes(b"")
    files[2].write_bytes(b"PAR1 not a parquet file at all PAR1")
    t = pq.read_table(files[3])
    pq.write_table(t.slice(0, 5), files[3])
    return [f.name for f in files[:4]]


def test_corrupt_shards_are_rerun_on_resume_and_said_in_one_line(res):
    spec, out, table = res
    names = corrupt_shards(out / "shards")
    code, _, err = cli("sweep", spec, "--out", out, "--workers", "0")
    assert code == 0, err
    assert "4 corrupt shards rerun" in err and "2 kept, 4 run" in err, err
    pd.testing.assert_frame_equal(load_table(out, load_spec(spec)), table)
    assert all((out / "shards" / n).stat().st_size > 100 for n in names)


def test_a_corrupt_shard_is_rerun_by_regsim_run_too(tmp_path):
    out = tmp_path / "run"
    args = ("run", "--runs", "30", "--out", out, "--workers", "0", "--no-plot")
    code, first, err = cli(*args)
    assert code == 0, err
    [shard] = (out / "shards").glob("*.parquet")
    shard.write_bytes(shard.read_bytes()[:100])
    code, again, err = cli(*args)
    assert code == 0, err
    assert "1 corrupt shards rerun" in again
    assert first.split("\n", 1)[1] == again.split("\n", 1)[1]     # the same summary


def test_loading_a_corrupt_shard_is_one_line_not_arrow_invalid(res, tmp_path):
    spec, out, _ = res
    corrupt_shards(out / "shards")
    with pytest.raises(ConfigError) as err:
        load_table(out)
    assert "corrupt shard" in str(err.value) and "\n" not in str(err.value)
    for args in (["plot", out, "-o", tmp_path / "figs"],
                 ["report", out, "-o", tmp_path / "r.html"]):
        code, _, e = cli(*args)
        one_line(code, e, "corrupt shard", "rerun")


# --- item 5: a lock ------------------------------------------------------------------------
def test_a_second_sweep_into_the_same_folder_is_refused_at_once(res, tmp_path):
    """One process holds the folder's lock (as a running sweep does); a sweep started
    into the folder meanwhile is refused in one line naming the folder and the pid. When
    the holder is killed, the kernel releases the lock: the next sweep runs."""
    spec, out, _ = res
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from experiments.execution.folder import locked\n"
         f"with locked({str(out)!r}):\n    print('held', flush=True)\n    time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)))
    try:
        assert holder.stdout.readline().strip() == "held"
        before = snapshot(out)
        started = time.monotonic()
        code, _, err = cli("sweep", spec, "--out", out, "--workers", "0")
        assert time.monotonic() - started < 10
        one_line(code, err, str(out), f"pid {holder.pid}", "another regsim process")
        assert snapshot(out) == before
    finally:
        holder.kill()
        holder.wait()
    code, _, err = cli("sweep", spec, "--out", out, "--workers", "0")
    assert code == 0 and "6 kept, 0 run" in err, err
