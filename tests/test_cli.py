"""The ``regsim`` command line, end to end through click's CliRunner (and one real process).

Bad input: every mistake in a terms, scenario or script file exits with code 2 and prints
exactly one line "regsim: error: FILE: KEY: problem" naming the file, the dotted key and
what is allowed, never a traceback. Good input: ``terms show/diff``, ``timeline`` (text
and JSON Lines, deterministic per seed), what-if scripts, and ``run`` (summary, parquet
shards and manifest as a sweep's, figures; then plot and report on its folder).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli.main import main
from sim.law.terms import clause_of, term_names


def invoke(*args: str):
    """Run ``regsim ARGS`` in-process; exceptions other than SystemExit surface as results."""
    return CliRunner().invoke(main, [str(a) for a in args])


def events(output: str) -> list[dict]:
    """Parse JSON Lines output (every line must be a JSON object)."""
    return [json.loads(line) for line in output.splitlines()]


# --- bad input ---------------------------------------------------------------------------
TERMS_SHOW = ("terms", "show", "{f}")
TERMS_TL = ("timeline", "--terms", "{f}")
SCEN = ("timeline", "--scenario", "{f}")
SCRIPT = ("timeline", "--script", "{f}")

# (id, command, file text or None for "no file", key or None, hints that must all appear)
BAD = [
    ("terms-unknown-key", TERMS_SHOW, "filing_deadline_dayz = 3\n", "filing_deadline_dayz",
     ["allowed keys", "filing_deadline_days", "demand_threshold"]),
    ("terms-string-for-int", TERMS_TL, 'filing_deadline_days = "45"\n',
     "filing_deadline_days", ["integer", "'45'"]),
    ("terms-string-for-bool", TERMS_SHOW, 'second_demand = "yes"\n', "second_demand",
     ["boolean"]),
    ("terms-negative-days", TERMS_SHOW, "cooldown_days = -1\n", "cooldown_days",
     ["greater than or equal to 0"]),
    ("terms-threshold-0", TERMS_SHOW, "demand_threshold = 0.0\n", "demand_threshold",
     ["greater than 0"]),
    ("terms-threshold-1.5", TERMS_TL, "demand_threshold = 1.5\n", "demand_threshold",
     ["less than or equal to 1"]),
    ("terms-bad-switch", TERMS_SHOW, 'empty_window = "file_later"\n', "empty_window",
     ["'file_at_floor'", "'file_at_deadline'"]),
    ("terms-bad-toml", TERMS_SHOW, "filing_deadline_days = \n", None,
     ["not valid TOML", "line 1"]),
    ("terms-missing-file", TERMS_TL, None, None, ["file not found"]),
    ("terms-unknown-preset", TERMS_SHOW, 'preset = "bestnet-2004"\n', "preset",
     ["unknown preset", "bestnet-2003"]),
    ("scenario-prob-above-1", SCEN, "[review]\nreview_prob = 1.5\n", "review.review_prob",
     ["less than or equal to 1"]),
    ("scenario-prob-string", SCEN, '[review]\nreview_prob = "high"\n', "review.review_prob",
     ["number"]),
    ("scenario-unknown-dist", SCEN,
     '[review]\nno_review_days = { dist = "gamma", median = 7 }\n', "review.no_review_days",
     ["'gamma'", "'lognormal'", "'uniform'", "'choice'"]),
    ("scenario-choice-sum", SCEN,
     '[notices]\nfax = { dist = "choice", values = [0, 1], probs = [0.5, 0.2] }\n',
     "notices.fax", ["sum to 1"]),
    ("scenario-uniform-high-low", SCEN,
     '[capital]\nreserved_other = { dist = "uniform", low = 10, high = 5 }\n',
     "capital.reserved_other", ["high", "low"]),
    pytest.param("scenario-duplicate-ids", SCEN,
                 '[[investors]]\nid = "a"\nunits = 5\n[[investors]]\nid = "a"\nunits = 6\n',
                 "investors", ["duplicate", "a"]),
    ("scenario-zero-units", SCEN,
     '[[investors]]\nid = "a"\nunits = 5\n[[investors]]\nid = "b"\nunits = 0\n',
     "investors[1].units", ["greater than 0"]),
    ("scenario-unknown-top-key", SCEN, "horizon = 5\n", "horizon",
     ["allowed keys", "horizon_days", "investors"]),
    ("script-unknown-investor", SCRIPT, '[demand]\nby = ["inv01", "inv99"]\n', "demand.by[1]",
     ["'inv99'", "inv01", "note01"]),
    ("script-other-holder-demands", SCRIPT, '[demand]\nby = ["oh01"]\n', "demand.by[0]",
     ["not an Investor", "inv01"]),
    ("script-effective-and-withdrawn", SCRIPT,
     "[[offerings]]\nfile_day = 5\neffective_day = 60\nwithdrawn_day = 70\n", "offerings[0]",
     ["exactly one of effective_day or withdrawn_day"]),
    ("script-string-for-int", SCRIPT, '[company]\nnotice_delay_days = "20"\n',
     "company.notice_delay_days", ["integer"]),
    pytest.param("script-string-for-bool", SCRIPT, '[review]\nreviewed = "no"\n',
                 "review.reviewed", ["boolean"]),
]


def _case_id(case) -> str:
    return case.values[0] if hasattr(case, "values") else case[0]


@pytest.mark.parametrize("name,command,text,key,hints", BAD, ids=[_case_id(c) for c in BAD])
def test_bad_input_is_one_line_exit_2(tmp_path, name, command, text, key, hints):
    f = tmp_path / f"{name}.toml"
    if text is not None:
        f.write_text(text, encoding="utf-8")
    result = invoke(*(a.format(f=f) for a in command))
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not an escaped KeyError etc.
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    line = lines[0]
    assert "Traceback" not in line and "ArgsKwargs" not in line
    assert line.startswith(f"regsim: error: {f}: ")
    if key is not None:
        assert line.startswith(f"regsim: error: {f}: {key}"), line
    for hint in hints:
        assert hint in line, f"{hint!r} missing from: {line}"


def test_bad_input_in_a_real_process(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('empty_window = "file_later"\n', encoding="utf-8")
    proc = subprocess.run(["regsim", "terms", "show", str(bad)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(bad) in proc.stderr and "empty_window" in proc.stderr


# --- terms show / diff -------------------------------------------------------------------
def test_terms_show_lists_every_term_with_its_clause():
    result = invoke("terms", "show")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name in term_names():
        row = [ln for ln in lines if ln.startswith(f"{name} = ")]
        assert len(row) == 1, name
        assert clause_of(name).section in row[0]
    (deadline,) = [ln for ln in lines if ln.startswith("filing_deadline_days = ")]
    assert "45" in deadline and "§1(a)" in deadline


def test_terms_show_file_applies_the_override(tmp_path):
    f = tmp_path / "t.toml"
    f.write_text("filing_deadline_days = 60\n", encoding="utf-8")
    result = invoke("terms", "show", f)
    assert result.exit_code == 0, result.output
    (deadline,) = [ln for ln in result.output.splitlines()
                   if ln.startswith("filing_deadline_days = ")]
    assert "60" in deadline and "45 days" in deadline  # new value, the clause's words


def test_terms_diff_shows_only_changed_terms(tmp_path):
    b = tmp_path / "b.toml"
    b.write_text("filing_deadline_days = 60\n", encoding="utf-8")
    result = invoke("terms", "diff", "bestnet-2003", b)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    rows = [ln for ln in lines if "filing_deadline_days" in ln]
    assert len(rows) == 1
    assert rows[0].split() == ["filing_deadline_days", "45", "->", "60"]
    # Under its clause's heading, with the words it encodes on the next line.
    at = lines.index(rows[0])
    assert lines[at - 1] == "§1(a)"
    assert "no more than 45 days from receipt by the Company of the Demand Notice" in lines[at + 1]
    unchanged = [n for n in term_names() if n != "filing_deadline_days"]
    assert not [n for n in unchanged if n in result.output]
    assert "no differences" not in result.output


def test_terms_diff_of_the_market_presets_is_clause_by_clause():
    """Issue 12: `regsim terms diff bestnet-2003 nvca-2020` groups the differences under
    each clause, in the agreement's order, the market's own terms last under their
    source, each with its words."""
    result = invoke("terms", "diff", "bestnet-2003", "nvca-2020")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("bestnet-2003 -> nvca-2020: ") and "terms differ" in lines[0]
    heads = [ln for ln in lines if ln and not ln.startswith(" ") and "->" not in ln]
    assert heads == ["§1(a)", "§1(b)", "§1(c)", "§3(c)",
                     "NVCA IRA  (a market term: not in the 2003 agreement)"]
    flat = [ln.split() for ln in lines]
    assert ["filing_deadline_days", "45", "->", "60"] in flat
    assert ["demand_min_percent", "0.0", "->", "40.0"] in flat
    assert ["blackout_before_days", "0", "->", "60"] in flat
    pipe = invoke("terms", "diff", "bestnet-2003", "pipe-typical")
    assert ["registration_trigger", '"demand"', "->", '"closing"'] in [
        ln.split() for ln in pipe.output.splitlines()]
    assert "PIPE RRA  (a market term: not in the 2003 agreement)" in pipe.output


def test_terms_diff_identical_says_no_differences(tmp_path):
    same = tmp_path / "same.toml"
    same.write_text("filing_deadline_days = 45\n", encoding="utf-8")
    for a, b in (("bestnet-2003", "bestnet-2003"), ("bestnet-2003", same)):
        result = invoke("terms", "diff", a, b)
        assert result.exit_code == 0, result.output
        assert result.output.strip() == "no differences"


# --- timeline ------------------------------------------------------------------------------
def test_timeline_text_has_days_clauses_deadlines_and_audit():
    result = invoke("timeline", "--seed", "1")
    assert result.exit_code == 0, result.output
    out = result.output
    lines = out.splitlines()
    assert lines[0].startswith("regsim timeline -- terms: bestnet-2003")
    assert "seed 1, deal 0" in lines[0] and "day 0 = the closing, Sun 30 Mar 2003" in lines[0]
    assert "Day 0 · Sun 30 Mar 2003" in lines
    # Each day with its date, each open deadline too (day 0 = Sun 30 Mar 2003).
    import datetime
    import re
    closing = datetime.date(2003, 3, 30)
    fmt = lambda d: closing + datetime.timedelta(days=d)
    heads = [re.fullmatch(r"Day (\d+) · \w{3} (\d+ \w{3} \d{4})", ln) for ln in lines]
    heads = [(int(m[1]), m[2]) for m in heads if m]
    assert len(heads) > 3
    for day, date in heads:
        assert date == f"{fmt(day).day} {fmt(day):%b %Y}", (day, date)
    due = [ln for ln in lines if re.match(r"    day +\d+  \w{3} \d+ \w{3} \d{4} +Company Notice due", ln)]
    assert due, "an open deadline with its date"
    assert "§1(a)" in out and "§8(a)" in out
    assert "open deadlines" in out
    assert "Audit findings" in out


def test_timeline_json_lines_have_the_schema():
    result = invoke("timeline", "--seed", "1", "--json")
    assert result.exit_code == 0, result.output
    log = events(result.output)
    assert len(log) > 5
    for record in log:
        assert {"day", "date", "kind", "actor", "clause"} <= record.keys()
        assert isinstance(record["day"], int)
        assert (date.fromisoformat(record["date"]) - date(2003, 3, 30)).days == record["day"]
    assert log[0]["kind"] == "DEAL_CLOSED" and log[0]["day"] == 0
    assert [r["day"] for r in log] == sorted(r["day"] for r in log)


@pytest.mark.parametrize("extra", [(), ("--json",)], ids=["text", "json"])
def test_timeline_is_deterministic_per_seed(extra):
    first, second = (invoke("timeline", "--seed", "1", *extra) for _ in range(2))
    other = invoke("timeline", "--seed", "2", *extra)
    assert first.exit_code == second.exit_code == other.exit_code == 0
    assert first.output == second.output
    assert first.output != other.output  # the seed matters at all


WHAT_IF = """\
[demand]
day = 10
by = ["inv01", "inv02", "inv05"]

[company]
notice_delay_days = 20

[review]
reviewed = false

[[offerings]]
type = "public"
plan_day = 0
file_day = 5
effective_day = 60
"""


def test_what_if_script_fixes_the_timeline(tmp_path):
    script = tmp_path / "what-if.toml"
    script.write_text(WHAT_IF, encoding="utf-8")
    result = invoke("timeline", "--script", script, "--json")
    assert result.exit_code == 0, result.output
    log = events(result.output)
    kinds = {r["kind"]: r for r in reversed(log)}  # first record of each kind

    sent = kinds["DEMAND_SENT"]
    assert (sent["day"], sent["actor"]) == (10, "inv01")
    assert set(sent["details"]["initiating"]) == {"inv01", "inv02", "inv05"}
    received = kinds["DEMAND_RECEIVED"]
    assert received["day"] >= 10  # 10 + receipt latency (§8(a))
    notice = kinds["COMPANY_NOTICE_GIVEN"]
    assert notice["day"] == received["day"] + 20
    assert notice["clause"] == "§1(a)"
    assert "WINDOW_EMPTY" in kinds
    filed = [r for r in log if r["kind"] == "OFFERING_FILED"]
    assert [r["day"] for r in filed] == [5]
    decided = [r for r in log if r["kind"] == "REVIEW_DECIDED"]
    assert decided and all(r["details"]["reviewed"] is False for r in decided)


def test_issue_example_minority_demand_is_refused(tmp_path):
    """inv01 + inv03 hold 1,150,000 of 3,563,593 Units: not a majority (§1(a))."""
    script = tmp_path / "minority.toml"
    script.write_text('[demand]\nday = 10\nby = ["inv01", "inv03"]\n', encoding="utf-8")
    result = invoke("timeline", "--script", script, "--json")
    assert result.exit_code == 0, result.output
    log = events(result.output)
    (refused,) = [r for r in log if r["kind"] == "DEMAND_REFUSED"]
    assert refused["clause"] == "§1(a)"
    assert refused["details"]["units"] == 1_150_000
    assert refused["details"]["total_units"] == 3_563_593
    assert not [r for r in log if r["kind"] == "STATEMENT_FILED"]


# --- run -----------------------------------------------------------------------------------
def test_run_writes_table_manifest_and_plot(tmp_path):
    """`regsim run` is a one-variant sweep: shards and manifest as a sweep writes them,
    the summary, and the sweep's figures (the ECDF of days to effectiveness first)."""
    from experiments.execution.sweep import load_table

    out = tmp_path / "run"
    result = invoke("run", "--runs", "300", "--seed", "2", "--out", out, "--workers", "0")
    assert result.exit_code == 0, result.output
    for text in ("median", "95% CI", "§1(a)"):
        assert text in result.output
    df = load_table(out)
    assert len(df) == 300 and list(df["replication"]) == list(range(300))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {"seed", "replications", "cells", "scenario", "versions"} <= manifest.keys()
    assert (manifest["seed"], manifest["replications"], manifest["status"]) == (2, 300,
                                                                                "complete")
    assert [v["name"] for v in manifest["variants"]] == ["base"]
    assert manifest["cells"][0]["terms"]["filing_deadline_days"] == 45
    ecdf = out / "figures" / "ecdf-days-to-effective.png"
    assert f"wrote {ecdf}" in result.output
    png = ecdf.read_bytes()
    assert len(png) > 1000 and png[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_rows_are_the_deals_of_the_seed(tmp_path):
    """Replication r of `regsim run` is deal r of the seed: the rows of run_deals."""
    from experiments.execution.sweep import load_table
    from sim.deal.batch import run_deals
    from sim.law.terms import load_terms
    from sim.world.scenario import load_scenario

    out = tmp_path / "run"
    assert invoke("run", "--runs", "40", "--seed", "3", "--out", out, "--workers", "0",
                  "--no-plot").exit_code == 0
    assert not (out / "figures").exists()
    saved = load_table(out).drop(columns=["point", "variant", "error"]).rename(
        columns={"replication": "deal"})
    direct = run_deals(load_terms(None), load_scenario(None), 3, 0, 40)
    saved["deal"] = saved["deal"].astype(direct["deal"].dtype)
    pd.testing.assert_frame_equal(saved[list(direct.columns)], direct)


def test_run_refuses_a_folder_of_another_run(tmp_path):
    """Like a sweep, `regsim run` resumes its own folder and refuses to mix: another seed,
    or a folder in the old one-table format, is one line and exit code 2."""
    out = tmp_path / "run"
    assert invoke("run", "--runs", "5", "--out", out, "--workers", "0",
                  "--no-plot").exit_code == 0
    again = invoke("run", "--runs", "5", "--out", out, "--workers", "0", "--no-plot")
    assert again.exit_code == 0 and "1 of 1 tasks kept" in again.output
    other = invoke("run", "--runs", "5", "--seed", "1", "--out", out, "--workers", "0")
    assert other.exit_code == 2 and "seed 0 -> 1" in other.output
    old = tmp_path / "old"
    old.mkdir()
    (old / "manifest.json").write_text('{"kind": "regsim run", "runs": 5}', encoding="utf-8")
    result = invoke("run", "--runs", "5", "--out", old, "--workers", "0")
    assert result.exit_code == 2 and "another format" in result.output


def test_plot_and_report_read_a_run_folder(tmp_path):
    """`regsim plot` and `regsim report` work on what `regsim run` writes."""
    out = tmp_path / "run"
    assert invoke("run", "--runs", "200", "--seed", "1", "--out", out, "--workers", "0",
                  "--no-plot").exit_code == 0
    result = invoke("plot", out)
    assert result.exit_code == 0, result.output
    assert (out / "figures" / "ecdf-days-to-effective.svg").exists()
    for suffix in ("html", "pdf"):
        target = tmp_path / f"r.{suffix}"
        result = invoke("report", out, "-o", target)
        assert result.exit_code == 0, result.output
        assert target.stat().st_size > 1000
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "as written" in page and "fig-ecdf-days-to-effective" in page


def test_report_of_a_run_reads_as_one_set_of_terms_against_the_agreement(tmp_path):
    """A one-variant report describes the terms run, not a comparison: its terms table
    holds what they change from the agreement as written, and no paired differences."""
    terms = tmp_path / "sixty.toml"
    terms.write_text("filing_deadline_days = 60\n", encoding="utf-8")
    out = tmp_path / "run"
    assert invoke("run", "--runs", "60", "--terms", terms, "--out", out, "--workers", "0",
                  "--no-plot").exit_code == 0
    assert invoke("report", out, "-o", tmp_path / "r.html").exit_code == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "outcomes under these terms" in page and "how the terms move" not in page
    assert "Terms that differ from the agreement as written" in page
    diff = page[page.index('id="terms-diff"'):page.index("</table>", page.index('id="terms-diff"'))]
    assert "filing_deadline_days" in diff and ">45<" in diff and ">60<" in diff
    assert "paired difference" not in page and "Δ" not in page
    # A folder written before a term existed does not list that term as changed.
    from experiments.analysis.saved import load_saved
    from experiments.report.content import terms_diff

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    del manifest["cells"][0]["terms"]["cooldown_days"]
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert [r.name for r in terms_diff(load_saved(out))] == ["filing_deadline_days"]


def test_run_with_bad_terms_writes_nothing(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("filing_deadline_days = -5\n", encoding="utf-8")
    out = tmp_path / "run"
    result = invoke("run", "--runs", "5", "--terms", bad, "--out", out)
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 1
    assert "filing_deadline_days" in result.output
    assert not out.exists()


def test_a_distribution_table_in_a_scenario_file_replaces_the_preset_one(tmp_path):
    """`certified_mail = { dist = "fixed", value = 5 }` replaces the preset lognormal
    (its median and sigma are not merged in); a table without `dist` changes one
    parameter and keeps the rest."""
    from sim.world.scenario import load_scenario

    f = tmp_path / "s.toml"
    f.write_text('[notices]\ncertified_mail = { dist = "fixed", value = 5 }\n'
                 '[review]\nresponse_days = { median = 20 }\n', encoding="utf-8")
    s = load_scenario(f)
    base = load_scenario()
    assert s.notices.certified_mail.value == 5
    assert s.review.response_days.median == 20
    assert s.review.response_days.sigma == base.review.response_days.sigma


def test_compare_of_a_finished_sweep_does_not_load_the_engine(tmp_path):
    """Reading finished results (compare, plot, report) never imports Mesa or the agents:
    the engine is loaded where deals are played."""
    spec = tmp_path / "tiny.toml"
    spec.write_text('name = "tiny"\nseed = 1\nreplications = 30\n'
                    '[variants.deadline-60]\nfiling_deadline_days = 60\n', encoding="utf-8")
    out = tmp_path / "tiny"
    assert invoke("sweep", spec, "--workers", "0", "--out", out).exit_code == 0
    code = ("import sys\nfrom click.testing import CliRunner\nfrom sim.cli.main import main\n"
            f"r = CliRunner().invoke(main, ['compare', {str(spec)!r}, '--out', {str(out)!r}])\n"
            "assert r.exit_code == 0, r.output\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'mesa', 'agents', 'simpy'}))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_timeline_imports_no_plotting_or_statistics():
    """`regsim timeline` (text, with dates) stays light: no plotting library, no
    statistics (scipy.stats) and none of the experiments' modules (Mesa itself brings
    pandas and parts of scipy)."""
    code = ("import sys\nfrom click.testing import CliRunner\nfrom sim.cli.main import main\n"
            "r = CliRunner().invoke(main, ['timeline', '--seed', '1'])\n"
            "assert r.exit_code == 0, r.output\n"
            "print(sorted({p for m in sys.modules for p in (m.split('.')[0], "
            "'.'.join(m.split('.')[:2]))} & "
            "{'matplotlib', 'seaborn', 'experiments', 'scipy.stats', 'statsmodels'}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
