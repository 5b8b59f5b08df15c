"""Contract lint (``regsim lint``): the agreement's gaps and deadline chains, and their price.

Static part: each kind of finding is reported on the agreement as written, with its
clauses, exact condition and switch; a variant that removes the problem no longer
reports it, one that creates an infeasible chain does, and the boundary of each chain
condition sits where the interval arithmetic says. Priced part: the probability that a
finding bites agrees with a direct count of the same deals (and of other deals) within
its interval, and effects are paired differences of the same deals. CLI: text, JSON, and
the one-line error with exit code 2 for a bad file.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

import experiments.lint.checks
import experiments.lint.linter
from experiments.lint.pricing import HEADLINE, POLICY, bite_table, price
from experiments.analysis.summary import proportion_with_ci
from sim.cli.main import main
from sim.world.distributions import Choice, Fixed, LogNormal, Uniform
from experiments.lint.core import CHECKS, PARAMETERS, Context, quantile, switches
from experiments.lint.linter import lint
from experiments.lint.bites import BITES
from sim.law.terms import SOURCES
from sim.deal.batch import run_deals
from sim.world.scenario import scenario_from_dict
from sim.law.terms import Terms, clause_of, term_names


def findings(terms, scenario):
    return {f.id: f for f in lint(terms, scenario).findings}


def scen(**tables):
    """The default scenario with some tables overridden (tables merge, lists replace)."""
    return scenario_from_dict(tables)


def with_dist(scenario, table: str, **dists):
    """``scenario`` with distributions of one table replaced (a TOML override would merge
    the new distribution's keys into the preset's)."""
    sub = dataclasses.replace(getattr(scenario, table), **dists)
    return dataclasses.replace(scenario, **{table: sub})


# --- the registry ---------------------------------------------------------------------------
def test_every_check_cites_its_clause_and_has_a_bite_rule():
    assert len(CHECKS) >= 15
    for c in CHECKS.values():
        assert (c.fn.__doc__ or "").lstrip().startswith(c.clauses[0]), c.id
        assert c.words.strip() and all(s.startswith("§") or s == "recitals" or s in SOURCES
                                       for s in c.clauses)
        assert c.id in BITES, f"{c.id}: no bite rule"
    assert set(BITES) == set(CHECKS)


def test_every_interpretation_switch_is_governed_by_a_check():
    named = {n for n in term_names() if "switch" in clause_of(n).words} - set(PARAMETERS)
    assert {s.name for s in switches(Terms())} == named
    cited = {s for c in CHECKS.values() for s in c.switches}
    assert named <= cited, f"switches no check names: {named - cited}"


def test_no_number_of_the_agreement_is_written_in_the_checks():
    """The checks read every number from Terms: none of the agreement's day counts,
    thresholds or unit counts appears as a literal in their code (quoted words aside)."""
    agreement = {getattr(Terms(), n) for n in term_names()
                 if isinstance(getattr(Terms(), n), (int, float))
                 and not isinstance(getattr(Terms(), n), bool)} - {0, 1, 2}
    for module in (experiments.lint.checks, experiments.lint.core, experiments.lint.linter):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
                    and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)}
        assert not literals & agreement, (module.__name__, literals & agreement)


# --- bounds ---------------------------------------------------------------------------------
def test_bounds_support_for_finite_distributions_quantile_for_unbounded(terms, scenario):
    ctx = Context(terms, scenario, 0.999)
    assert ctx.days(Fixed(value=4.2), "k").high == 5             # whole days, rounded up
    assert (ctx.days(Uniform(low=3, high=7), "k").low, ctx.days(Uniform(low=3, high=7), "k").high) == (3, 7)
    assert ctx.days(Choice(values=(0, 1, 9), probs=(0.5, 0.5, 0.0)), "k").high == 1
    capped = ctx.days(LogNormal(median=25, sigma=0.2, max=30), "k")
    assert (capped.high, capped.how) == (30, "support")
    ln = LogNormal(median=3, sigma=0.35)
    assert quantile(ln, 0.999) == pytest.approx(3 * math.exp(0.35 * 3.090232), rel=1e-6)
    b = ctx.days(ln, "notices.certified_mail")
    assert (b.high, b.how) == (9, "q99.9")
    assert Context(terms, scenario, 0.99).days(ln, "k").high == 7


def test_receipt_is_arrival_and_the_giving_follows_the_method(scenario):
    """§8(a): receipt is arrival under every reading; the day a notice is given is the day
    sent for mail (by_method), on arrival for the other methods (or for all, on_receipt)."""
    for reading in ("by_method", "on_receipt", "on_dispatch"):
        assert Context(Terms(notices_effective=reading), scenario).latency(
            "certified_mail").high == 9
    ctx = Context(Terms(), scenario)
    assert (ctx.until_given("certified_mail").high, ctx.after_given("certified_mail").high) == (0, 9)
    assert (ctx.until_given("regular_mail").high, ctx.after_given("regular_mail").high) == (19, 0)
    receipt = Context(Terms(notices_effective="on_receipt"), scenario)
    assert (receipt.until_given("certified_mail").high, receipt.after_given("certified_mail").high) == (9, 0)
    dispatch = Context(Terms(notices_effective="on_dispatch"), scenario)
    assert (dispatch.until_given("fax").high, dispatch.after_given("fax").high) == (0, 1)


# --- the agreement as written -----------------------------------------------------------------
def test_as_written_reports_the_known_gaps_with_clause_and_switch(terms, scenario):
    f = findings(terms, scenario)
    expect = {"empty-filing-window": ("§1(a)", "empty_window"),
              "unconditional-company-notice": ("§1(a)", "unconditional_notice"),
              "such-other-material-activity": ("§1(d)", "delay_other_activity"),
              "demand-cutback-missing": ("§1(b)", "demand_cutback"),
              "cooldown-scope": ("§1(c)", "cooldown_scope")}
    for fid, (clause, switch) in expect.items():
        assert clause in f[fid].clauses and switch in [s.name for s in f[fid].switches], fid
        assert f[fid].message and f[fid].condition
    window = f["empty-filing-window"]
    assert window.severity == "warning" and window.kind == "chain"
    assert ("Company Notice received more than filing_deadline_days - filing_floor_days = "
            "45 - 30 = 15 days after the Demand Notice's receipt") in window.condition
    assert "promptly_days + max notice latency > 15: 10 + 9 (notices.certified_mail, q99.9) = 19" in window.condition
    assert f["demand-cutback-missing"].severity == "info"        # never underwritten here
    assert "day 94" in f["cooldown-scope"].message               # -86 + 180
    empty = next(s for s in f["empty-filing-window"].switches if s.name == "empty_window")
    assert empty.alternatives == ("file_at_deadline",) and empty.at_default


# --- chains: removed, created, and their exact boundary -------------------------------------------
@pytest.mark.parametrize("variant", [dict(filing_deadline_days=60), dict(promptly_days=5),
                                     dict(filing_floor_days=26)])
def test_a_variant_that_closes_the_gap_removes_the_empty_window(variant, scenario):
    assert "empty-filing-window" not in findings(Terms(**variant), scenario)


def test_a_floor_after_the_deadline_is_an_error(scenario):
    f = findings(Terms(filing_floor_days=50), scenario)["empty-filing-window"]
    assert f.severity == "error" and "45 - 50 = -5" in f.condition


@pytest.mark.parametrize("latency,reported", [(5, False), (6, True)])
def test_empty_window_boundary_is_promptly_plus_latency_equal_to_the_slack(
        latency, reported, scenario):
    """Fixed mail latency: 10 + 5 = 15 is not more than 45 - 30; 10 + 6 = 16 is."""
    s = with_dist(scenario, "notices", certified_mail=Fixed(value=latency))
    assert ("empty-filing-window" in findings(Terms(), s)) is reported


def test_joinder_window_latency_both_ways(scenario):
    f = findings(Terms(), scenario)["joinder-window-latency"]
    assert "regular_mail: 9 + 19 (notices.regular_mail, q99.9) = 28 (inv04, inv08, inv11)" in f.condition
    assert "certified_mail:" not in f.condition                  # 9 + 9 = 18 <= 20
    assert "joinder-window-latency" not in findings(Terms(joinder_window_days=40), scenario)
    short = findings(Terms(joinder_window_days=10), scenario)["joinder-window-latency"]
    assert "certified_mail: 9 + 9" in short.condition
    # From receipt (the alternative reading), only the way back counts: 19 <= 20.
    assert "joinder-window-latency" not in findings(
        Terms(unconditional_notice="company_notice_receipt"), scenario)
    fixed = with_dist(scenario, "notices", certified_mail=Fixed(value=12),
                      regular_mail=Fixed(value=12))
    assert findings(Terms(), fixed)["joinder-window-latency"].severity == "error"   # 24 > 20 always


def test_joinder_window_closing_after_the_filing_deadline_is_created_by_a_variant(scenario):
    assert "joinder-window-after-filing-deadline" not in findings(Terms(), scenario)
    f = findings(Terms(promptly_days=30), scenario)["joinder-window-after-filing-deadline"]
    assert f.severity == "warning" and "30 + 20 = 50 > filing_deadline_days = 45" in f.condition
    assert findings(Terms(joinder_window_days=50), scenario)[
        "joinder-window-after-filing-deadline"].severity == "error"


def test_info_answers_after_the_deadline(scenario):
    assert "info-answers-after-filing-deadline" not in findings(Terms(), scenario)
    f = findings(Terms(promptly_days=30), scenario)["info-answers-after-filing-deadline"]
    assert "promptly_days + company.info_due_days = 30 + 20 = 50 > filing_deadline_days = 45" in f.condition


def test_delay_cap_overtaken_by_the_cooldown(scenario):
    f = findings(Terms(), scenario)["delay-cap-vs-cooldown"]
    assert "cooldown_days = 180 > delay_max_days = 120" in f.condition
    assert "delay-cap-vs-cooldown" not in findings(Terms(cooldown_days=120), scenario)
    assert "delay-cap-vs-cooldown" not in findings(Terms(delay_uses=0), scenario)
    assert "delay-cap-vs-cooldown" not in findings(Terms(), scen(offerings={"rate_per_year": 0.0}))


def test_piggyback_window_and_effectiveness_target(scenario):
    f = findings(Terms(), scenario)
    assert "piggyback_window_days = 20" in f["piggyback-window-latency"].condition
    assert "piggyback-window-latency" not in findings(Terms(), scen(offerings={"rate_per_year": 0.0}))
    assert "= 505 > effectiveness_target_days = 120" in f["effectiveness-target-vs-review"].condition
    quick = scen(review={"review_prob": 0.0})     # no review: 7-day median, far below 120
    assert "effectiveness-target-vs-review" not in findings(Terms(), quick)


# --- gaps: at the default reported, once chosen resolved ---------------------------------------
@pytest.mark.parametrize("gap,switch,value", [
    ("unconditional-company-notice", "unconditional_notice", "company_notice_receipt"),
    ("such-other-material-activity", "delay_other_activity", "allow"),
    ("demand-cutback-missing", "demand_cutback", "investors_first"),
    ("cooldown-scope", "cooldown_scope", "defined_term"),
    ("cooldown-scope", "cooldown_scope", "resale_form"),
    ("cooldown-effect", "cooldown_effect", "effective"),
    ("company-notice-receipt", "company_notice_receipt", "first_investor"),
    ("majority-of-the-units", "majority_base", "units_offered"),
    ("promptly-undefined", "promptly_days", 7),
    ("notices-effective", "notices_effective", "on_receipt"),
    ("cap-excess", "cap_excess", "contribution"),
    ("contribution-basis", "contribution_basis", "relative_fault"),
])
def test_a_gap_is_reported_at_its_default_and_resolved_once_chosen(gap, switch, value, scenario):
    assert gap in findings(Terms(), scenario)
    report = lint(Terms(**{switch: value}), scenario)
    assert gap not in {f.id for f in report.findings}
    assert (gap, (switch,)) in [(g, tuple(s.name for s in sws)) for g, sws in report.resolved]


def test_gap_severity_follows_what_the_scenario_can_reach(scenario):
    underwritten = scen(investor_behaviour={"demand_underwritten_prob": 0.5})
    assert findings(Terms(), underwritten)["demand-cutback-missing"].severity == "warning"
    assert findings(Terms(), scen(events={"other_activity_prob": 0.0}))[
        "such-other-material-activity"].severity == "info"
    assert findings(Terms(cap_excess="contribution"), scenario)[
        "contribution-basis"].severity == "warning"
    few = scen(investors=[{"id": "a", "units": 1_000_000}, {"id": "b", "units": 900_000}])
    assert "can never make a demand" in findings(Terms(), few)["majority-of-the-units"].message


# --- priced: probabilities against direct counts, paired effects ---------------------------------
RUNS = 300
PRICED = ("empty-filing-window", "unconditional-company-notice", "promptly-undefined")


@pytest.fixture(scope="module")
def priced(terms, scenario):
    report = lint(terms, scenario)
    report = dataclasses.replace(report, findings=tuple(f for f in report.findings
                                                         if f.id in PRICED))
    return report, price(report, terms, scenario, 0, RUNS), run_deals(terms, scenario, 0, 0, RUNS, policy=POLICY)


def test_empty_window_probability_is_the_direct_count_and_covers_another_sample(
        priced, terms, scenario):
    _, pricing, base = priced
    p = pricing.findings["empty-filing-window"]
    assert p.count == int(base["window_empty"].sum())            # same deals, same count
    other = run_deals(terms, scenario, 7, 0, 2000, policy=POLICY)                # independent futures
    assert p.probability.low <= other["window_empty"].mean() <= p.probability.high


def test_unconditional_notice_probability_agrees_with_the_paired_count(priced, terms, scenario):
    """Bites: a request rejected as late that the other reading would take; direct count:
    deals whose late requests fall when the other reading is played on the same futures."""
    _, pricing, base = priced
    alt = run_deals(Terms(unconditional_notice="company_notice_receipt"), scenario, 0, 0, RUNS, policy=POLICY)
    direct = (base["joinders_late"].astype(int) > alt["joinders_late"].astype(int)).mean()
    p = pricing.findings["unconditional-company-notice"].probability
    assert 0 < p.value and p.low <= direct <= p.high


def test_promptly_probability_agrees_with_the_verdicts_that_flip(priced, scenario):
    _, pricing, base = priced
    flips = base["company_notice_late"].copy() != base["company_notice_late"]
    for days in (5, 20):
        alt = run_deals(Terms(promptly_days=days), scenario, 0, 0, RUNS, policy=POLICY)
        flips |= alt["company_notice_late"] != base["company_notice_late"]
    p = pricing.findings["promptly-undefined"].probability
    assert p.low <= flips.mean() <= p.high


def test_effects_are_paired_differences_of_the_same_deals(priced, scenario):
    _, pricing, base = priced
    effects = {(e.switch, e.value, e.outcome.name): e.difference
               for e in pricing.findings["empty-filing-window"].effects}
    assert {k[:2] for k in effects} == {("empty_window", "file_at_deadline"),
                                        ("company_notice_receipt", "first_investor")}
    alt = run_deals(Terms(company_notice_receipt="first_investor"), scenario, 0, 0, RUNS, policy=POLICY)
    d = effects["company_notice_receipt", "first_investor", "window_empty"]
    has = base["demand_day"].notna()
    assert d.value == pytest.approx(alt["window_empty"][has].mean() - base["window_empty"][has].mean())
    assert d.value < 0 and d.low <= d.value <= d.high           # the first receipt comes sooner
    assert d.differing == int((alt["window_empty"] != base["window_empty"]).sum())
    assert set(HEADLINE) >= {"days_to_effective", "filing_deadline_missed", "window_empty"}


def test_bite_rules_of_rarer_findings_fire_when_the_scenario_makes_them_likely(scenario):
    """Seller-caused claims above the cap; underwritten demand registrations; delays that a
    cooldown overtakes: each bite rule fires, and only in deals showing its outcome."""
    claims = with_dist(scen(claims={"claim_prob": 1.0, "company_source_prob": 0.0}), "claims",
                       loss_fraction=Fixed(value=1.0))
    b = bite_table(Terms(), claims, 0, 60, ["cap-excess"])
    assert b["cap-excess"].any()
    base = run_deals(Terms(), claims, 0, 0, 60, policy=POLICY)
    alt = run_deals(Terms(cap_excess="contribution"), claims, 0, 0, 60, policy=POLICY)
    assert (alt["loss_investors_usd"] > base["loss_investors_usd"])[b["cap-excess"]].all()
    uw = scen(investor_behaviour={"demand_underwritten_prob": 1.0})
    assert bite_table(Terms(), uw, 0, 20, ["demand-cutback-missing"])[
        "demand-cutback-missing"].all()
    busy = scen(offerings={"rate_per_year": 6.0, "type_probs": {
        "public": 1.0, "stock_plan": 0.0, "rule_145": 0.0, "convertible_debt": 0.0}},
                company={"delay_invoke_prob": 1.0})
    b = bite_table(Terms(), busy, 0, 100, ["delay-cap-vs-cooldown"])["delay-cap-vs-cooldown"]
    rows = run_deals(Terms(), busy, 0, 0, 100, policy=POLICY)
    assert b.any() and (rows["delay_used"] & (rows["cooldown_days"] > 0))[b].all()
    assert proportion_with_ci(int(b.sum()), 100).low > 0


# --- CLI ------------------------------------------------------------------------------------
def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_text_and_json(tmp_path):
    r = invoke("lint")
    assert r.exit_code == 0, r.output
    assert "empty-filing-window" in r.output and "Interpretation switches at their default" in r.output
    r = invoke("lint", "--json")
    data = json.loads(r.output)
    row = next(f for f in data["findings"] if f["id"] == "cooldown-scope")
    assert {"id", "severity", "clauses", "message", "condition", "switches", "probability",
            "effects"} <= set(row)
    assert row["probability"] is None and data["runs"] is None
    (tmp_path / "d60.toml").write_text("filing_deadline_days = 60\n", encoding="utf-8")
    ids = {f["id"] for f in json.loads(invoke("lint", tmp_path / "d60.toml", "--json").output)[
        "findings"]}
    assert "empty-filing-window" not in ids and "cooldown-scope" in ids


def test_cli_priced_json_has_probabilities_and_effects():
    r = invoke("lint", "--runs", 40, "--seed", 3, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["runs"] == {"n": 40, "seed": 3}
    for f in data["findings"]:
        p = f["probability"]
        assert p["n"] == 40 and p["low"] <= p["value"] <= p["high"] and p["bite"]
        assert all(e["switch"] in [s["name"] for s in f["switches"]] for e in f["effects"])


@pytest.mark.parametrize("where,text,key", [
    ("terms", "filing_deadline_dayz = 3\n", "filing_deadline_dayz"),
    ("terms", 'empty_window = "file_later"\n', "empty_window"),
    ("scenario", '[notices]\nfax = { dist = "gamma" }\n', "notices.fax"),
])
def test_cli_bad_file_is_one_line_and_exit_2(where, text, key, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    args = ("lint", bad) if where == "terms" else ("lint", "--scenario", bad)
    r = invoke(*args)
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"regsim: error: {bad}: {key}: ")


@pytest.mark.parametrize("preset, present, absent", [
    ("bestnet-2003", {"empty-filing-window", "cooldown-scope"}, {"closing-filing-deadline"}),
    ("pipe-typical", {"closing-filing-deadline"}, set()),
    ("nvca-2020", set(), {"empty-filing-window", "demand-cutback-missing", "cooldown-scope",
                          "closing-filing-deadline"}),
])
def test_the_lint_runs_on_every_shipped_preset(preset, present, absent):
    """Issue 12: the lint runs on each term-sheet preset and reads its own terms: the
    PIPE agreement's 30-day filing deadline from the closing against drafting time; the
    NVCA terms close the empty window (no floor), the missing demand cutback and the
    cooldown-scope gap of the 2003 text."""
    r = invoke("lint", preset, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    ids = {f["id"] for f in data["findings"]}
    assert present <= ids and not (absent & ids), ids


def test_cli_exit_status_follows_the_worst_finding(tmp_path):
    """As linters do: 1 when a finding reaches --fail-on (default: error), else 0; the
    report is printed either way (issue 15, item 5)."""
    floor = tmp_path / "floor50.toml"
    floor.write_text("filing_floor_days = 50\n", encoding="utf-8")     # an empty window
    r = invoke("lint", floor)
    assert r.exit_code == 1 and "empty-filing-window" in r.stdout, r.output
    assert invoke("lint", floor, "--json").exit_code == 1
    assert invoke("lint", floor, "--fail-on", "never").exit_code == 0
    assert invoke("lint").exit_code == 0                               # warnings only
    r = invoke("lint", "--fail-on", "warning")
    assert r.exit_code == 1 and "14 warnings" in r.stdout, r.output
    assert invoke("lint", "--fail-on", "info").exit_code == 1
    r = invoke("lint", "--fail-on", "sometimes")
    assert r.exit_code == 2 and "--fail-on" in r.stderr
