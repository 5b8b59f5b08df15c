"""`regsim compare A.toml B.toml`: iterating on a variant (issue 15, items 1 and 2).

The default results folder is keyed by the experiment's content, so editing B gives a
new folder and keeps the old one; the same content reuses its folder; an --out holding
another experiment is refused unless --replace; variants are labelled by file name; the
terms that differ are printed; the comparison is written as CSV and JSON (what --json
prints), with dates beside absolute days and who each clear difference serves.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli.main import main
from sim.law.terms import load_terms

RUNS = "200"


def _compare(*args: str):
    return CliRunner().invoke(main, ["compare", *args, "--runs", RUNS, "--workers", "0"])


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A deal team's folder: A and B compared, then B edited (60 -> 75) and compared
    again; returns the folder and both results."""
    here = tmp_path_factory.mktemp("desk")
    old = os.getcwd()
    os.chdir(here)
    try:
        Path("A.toml").write_text("filing_deadline_days = 45\n", encoding="utf-8")
        Path("B.toml").write_text("filing_deadline_days = 60\n", encoding="utf-8")
        first = _compare("A.toml", "B.toml")
        folders_first = sorted(p.name for p in Path("results").iterdir())
        Path("B.toml").write_text("filing_deadline_days = 75\n", encoding="utf-8")
        second = _compare("A.toml", "B.toml")
        folders_second = sorted(p.name for p in Path("results").iterdir())
        again = _compare("A.toml", "B.toml", "--json")
        yield {"dir": here, "first": first, "second": second, "again": again,
               "folders_first": folders_first, "folders_second": folders_second}
    finally:
        os.chdir(old)


def test_editing_b_gives_a_new_folder_and_keeps_the_old_one(desk):
    assert desk["first"].exit_code == 0, desk["first"].output
    assert desk["second"].exit_code == 0, desk["second"].output
    assert len(desk["folders_first"]) == 1
    assert len(desk["folders_second"]) == 2
    assert desk["folders_first"][0] in desk["folders_second"]
    for name in desk["folders_second"]:
        assert name.startswith("compare-a-vs-b-")
        shards = list((desk["dir"] / "results" / name / "shards").glob("*.parquet"))
        assert len(shards) == 2, name           # nothing of the first run was lost


def test_the_same_content_reuses_its_folder(desk):
    r = desk["again"]
    assert r.exit_code == 0, r.output
    assert "2 kept, 0 run" in r.stderr
    assert len(list((desk["dir"] / "results").iterdir())) == 2


def test_variants_are_labelled_by_file_name(desk):
    out = desk["first"].stdout
    table = out[out.index("value of the registrations"):]
    assert "\n  A " in table and "\n  B " in table
    assert "base" not in table.split("\n")[2]


def test_the_terms_that_differ_are_printed_before_the_table(desk):
    out = desk["second"].stdout
    assert "filing_deadline_days" in out
    line = next(x for x in out.splitlines() if "filing_deadline_days" in x)
    assert "45" in line and "75" in line and "§1(a)" in out
    assert out.index("filing_deadline_days") < out.index("value of the registrations")


def test_where_it_wrote_is_said_at_the_end(desk):
    out = desk["second"].stdout.rstrip().splitlines()
    folder = [p for p in desk["folders_second"] if p not in desk["folders_first"]][0]
    tail = "\n".join(out[-3:])
    assert folder in tail and "comparison.csv" in tail and "comparison.json" in tail


def test_tables_are_written_as_csv_and_json_equal_to_json_output(desk):
    r = desk["again"]
    folder = desk["dir"] / "results" / [p for p in desk["folders_second"]
                                        if p not in desk["folders_first"]][0]
    text = (folder / "comparison.json").read_text(encoding="utf-8")
    assert r.stdout == text                 # --json prints the file, nothing else
    data = json.loads(text)
    rows = data["rows"]
    csv = pd.read_csv(folder / "comparison.csv")
    assert len(csv) == len(rows)
    assert set(csv["variant_label"]) == {"A", "B"}
    for key in ("estimate", "low", "high", "diff", "diff_low", "diff_high",
                "unpaired_low", "unpaired_high", "verdict"):
        assert key in rows[0] and key in csv.columns
    # who a clear difference serves: the 75-day deadline leaves no window empty
    empty = next(x for x in rows if x["outcome"] == "window_empty" and x["variant_label"] == "B")
    assert empty["diff_high"] < 0
    assert empty["verdict"] == "better for the Investors"
    assert data["terms_differ"] == [{"variant": "b", "term": "filing_deadline_days",
                                     "clause": "§1(a)", "base": 45, "value": 75}]


def test_dates_beside_absolute_days(desk):
    rows = json.loads(desk["again"].stdout)["rows"]
    row = next(x for x in rows if x["outcome"] == "days_closing_to_effective")
    assert row["estimate_date"].endswith("2003")
    durations = next(x for x in rows if x["outcome"] == "days_to_effective")
    assert durations["estimate_date"] == ""
    table = desk["second"].stdout
    block = table[table.index("median days closing -> effective"):]
    assert " 2003" in block.split("\n\n")[0]
    assert "better for the Investors" in table


def test_an_out_of_another_experiment_is_refused_and_replaced_on_purpose(desk, tmp_path):
    first = desk["dir"] / "results" / desk["folders_first"][0]   # A vs B at 60 days
    a, b = desk["dir"] / "A.toml", desk["dir"] / "B.toml"          # B now at 75 days
    before = sorted(p.name for p in (first / "shards").iterdir())
    r = _compare(str(a), str(b), "--out", str(first))
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "--replace" in r.stderr
    assert "filing_deadline_days 60 -> 75" in r.stderr
    assert sorted(p.name for p in (first / "shards").iterdir()) == before
    # a copy, so that the module's other tests keep their folder
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(first, copy)
    r = _compare(str(a), str(b), "--out", str(copy), "--replace")
    assert r.exit_code == 0, r.output
    assert "replaced" in r.stderr and "filing_deadline_days 60 -> 75" in r.stderr
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["cells"][1]["terms"]["filing_deadline_days"] == 75


def test_replace_leaves_a_folder_with_files_of_its_own_alone(desk, tmp_path):
    import shutil
    copy = tmp_path / "mine"
    shutil.copytree(desk["dir"] / "results" / desk["folders_first"][0], copy)
    (copy / "notes.txt").write_text("mine\n", encoding="utf-8")
    r = _compare(str(desk["dir"] / "A.toml"), str(desk["dir"] / "B.toml"), "--out",
                 str(copy), "--replace")
    assert r.exit_code == 2 and r.stderr.count("\n") == 1 and "notes.txt" in r.stderr
    assert (copy / "manifest.json").exists() and len(list((copy / "shards").iterdir())) == 2


def test_two_files_with_the_same_stem_get_distinct_labels(tmp_path):
    from experiments.execution.spec import two_terms_spec

    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "deal.toml").write_text("filing_deadline_days = 45\n", encoding="utf-8")
    (tmp_path / "y" / "deal.toml").write_text("filing_deadline_days = 60\n", encoding="utf-8")
    exp = two_terms_spec(str(tmp_path / "x" / "deal.toml"), str(tmp_path / "y" / "deal.toml"),
                         10, 0)
    labels = [v.label for v in exp.variants]
    assert labels[0] != labels[1] and all("deal" in x for x in labels)
    same = two_terms_spec(str(tmp_path / "x" / "deal.toml"), str(tmp_path / "x" / "deal.toml"),
                          10, 0)
    assert len({v.label for v in same.variants}) == 2
    preset = two_terms_spec("bestnet-2003", "pipe-typical", 10, 0)
    assert [v.label for v in preset.variants] == ["bestnet-2003", "pipe-typical"]
    assert load_terms("pipe-typical") == preset.cells[1].terms


def test_the_python_api_shares_the_command_s_folder_and_verdicts(tmp_path, monkeypatch):
    """`api.compare(A, B)` writes where `regsim compare A B` looks (the command then keeps
    every shard), and names a winner only where the paired interval excludes zero."""
    from experiments.notebook import api

    monkeypatch.chdir(tmp_path)
    Path("A.toml").write_text("filing_deadline_days = 45\n", encoding="utf-8")
    Path("B.toml").write_text("filing_deadline_days = 60\n", encoding="utf-8")
    diffs = api.compare("A.toml", "B.toml", runs=int(RUNS))
    (folder,) = Path("results").iterdir()
    assert folder.name.startswith("compare-a-vs-b-")
    result = _compare("A.toml", "B.toml")
    assert result.exit_code == 0 and "(2 kept, 0 run)" in result.output, result.output
    b = diffs[diffs["variant"] != "base"]
    clear = (b["diff_low"] > 0) | (b["diff_high"] < 0)
    assert (b.loc[~clear, "verdict"] == "").all()
    assert (b.loc[clear & (b["diff"] != 0), "verdict"] != "").any()
