"""The money of the registration right across term sheets (issue 12): specs whose
variants are whole presets, the figure "who gains what" and its numbers, and the money
columns of the outcome table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from experiments.analysis.saved import load_saved
from experiments.execution.spec import load_spec
from experiments.figures.money import COMPONENTS, money_rows, who_gains_figure
from experiments.figures.plot import figures_for
from sim.cli.main import main
from sim.core.config import ConfigError
from sim.law.terms import load_terms

SPECS = Path(__file__).resolve().parents[1] / "experiments" / "specs"

SHEETS = """
name = "sheets"
seed = 5
replications = 120
task_size = 60
outcomes = ["value_to_investors", "rights_expenses", "days_closing_to_effective"]
[variants.pipe]
label = "PIPE"
terms = "pipe-typical"
[variants.nvca]
terms = "nvca-2020"
filing_deadline_days = 50
"""


def _spec(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_variant_may_be_another_preset_with_overrides(tmp_path):
    """``terms = "nvca-2020"`` in a variant plays the NVCA preset whole; a term beside
    it overrides the preset; the base stays the agreement as written."""
    exp = load_spec(_spec(tmp_path, SHEETS))
    cells = {c.variant: c.terms for c in exp.cells}
    assert cells["base"] == load_terms("bestnet-2003")
    assert cells["pipe"] == load_terms("pipe-typical")
    nvca = load_terms("nvca-2020")
    assert cells["nvca"].blackout_before_days == nvca.blackout_before_days == 60
    assert cells["nvca"].filing_deadline_days == 50 != nvca.filing_deadline_days


@pytest.mark.parametrize("value, says", [
    ('"nvca-2021"', "not a preset"),
    ("3", "must be a terms preset"),
])
def test_a_bad_variant_preset_is_one_line(tmp_path, value, says):
    body = SHEETS.replace('terms = "nvca-2020"', f"terms = {value}")
    with pytest.raises(ConfigError) as err:
        load_spec(_spec(tmp_path, body))
    line = str(err.value)
    assert "\n" not in line and says in line and "variants.nvca.terms" in line


def test_the_shipped_term_sheets_spec_compares_the_three_presets():
    exp = load_spec(SPECS / "term-sheets.toml")
    assert [v.name for v in exp.variants] == ["base", "pipe-typical", "nvca-2020"]
    cells = {c.variant: c.terms for c in exp.cells}
    for name in ("pipe-typical", "nvca-2020"):
        assert cells[name] == load_terms(name)
    assert exp.outcomes[0] == "value_to_investors"


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sheets")
    out = tmp / "res"
    r = CliRunner().invoke(main, ["compare", str(_spec(tmp, SHEETS)), "--out", str(out),
                                  "--workers", "0"])
    assert r.exit_code == 0, r.output
    assert "value of the registrations to the Investors" in r.output
    return load_saved(out)


def test_money_rows_net_is_the_sum_of_each_party_s_components(sheets):
    rows = money_rows(sheets)
    frames = sheets.frames(0)
    for v, df in frames.items():
        for party in ("Investors", "Company"):
            r = rows[(rows["variant"] == v) & (rows["party"] == party)]
            parts = r[r["column"] != "net"]
            net = r[r["column"] == "net"].iloc[0]
            assert net["value"] == pytest.approx(parts["value"].sum(), rel=1e-9, abs=1e-6)
            assert net["low"] <= net["value"] <= net["high"]
            # Each component is the signed mean of its column over the deals.
            for _, c in parts.iterrows():
                sign = next(s for p, col, s, _, _ in COMPONENTS
                            if p == party and col == c["column"])
                col = df[c["column"]].astype(float).fillna(0.0).to_numpy()
                assert c["value"] == pytest.approx(sign * col.mean(), rel=1e-9, abs=1e-6)
    # The Investors gain, the Company pays: signs as drawn.
    inv = rows[(rows["party"] == "Investors") & (rows["column"] == "value_to_investors_usd")]
    assert (inv["value"] > 0).any()
    comp = rows[(rows["party"] == "Company") & (rows["column"] != "net")]
    assert (comp["value"] <= 0).all()


def test_who_gains_what_is_the_first_figure_one_panel_per_party(sheets):
    made = figures_for(sheets)
    assert made[0].name == "who-gains-what"
    fig = who_gains_figure(sheets)
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == ["Investors", "Company"]
    assert [t.get_text() for t in panels[0].get_yticklabels()] == [
        "as written", "PIPE", "nvca"]
    legend = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert "value of the registrations" in legend and "net, 95% CI" in legend


def test_mandatory_registration_counts_from_the_closing_and_registers_sooner(sheets):
    """The PIPE term sheet has no demand: every deal's registration is required at the
    closing (its "demand" day is day 0), nearly every deal's statement is effective, and
    sooner than under the agreement as written, which waits for a Demand Notice."""
    df = sheets.frames(0)["pipe"]
    assert (df["demand_day"] == 0).all()
    # Demands made are only second demands, for shares short of authorized capital.
    assert ((df["demands_made"] > 0) <= df["second_demand_made"]).all()
    assert df["effective_day"].notna().mean() > 0.9
    assert np.nanmedian(df["effective_day"].astype(float)) < np.nanmedian(
        sheets.frames(0)["base"]["effective_day"].astype(float))


# --- Hypothesis: money is conserved ----------------------------------------------------

import dataclasses                                               # noqa: E402

from hypothesis import HealthCheck, given, settings              # noqa: E402
from hypothesis import strategies as st                          # noqa: E402

from sim.deal.model import run_deal                              # noqa: E402
from sim.engine import events as ev                              # noqa: E402
from sim.read.outcomes import outcomes                           # noqa: E402
from sim.world.scenario import load_scenario                     # noqa: E402

SCENARIO = load_scenario()


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(preset=st.sampled_from(["bestnet-2003", "pipe-typical", "nvca-2020"]),
       rate=st.sampled_from([0.0, 1.0, 2.0]), cap=st.sampled_from([0.0, 5.0, 10.0]),
       interest=st.sampled_from([0.0, 12.0]), seed=st.integers(0, 2 ** 16),
       deal=st.integers(0, 500))
def test_what_one_party_pays_another_appears_on_both_sides(preset, rate, cap, interest,
                                                           seed, deal):
    """Liquidated damages: each payment's payees sum to what the Company pays (damages
    plus interest), every payee is an Investor, the outcome columns hold the same sum on
    the Company's side, and damages (without interest) never exceed the cap. Claim
    losses (§5): the parties' shares sum to the loss. Whatever the term sheet."""
    terms = dataclasses.replace(load_terms(preset), damages_rate_percent_per_30_days=rate,
                                damages_cap_percent=cap,
                                damages_interest_percent_per_year=interest)
    log = run_deal(terms, SCENARIO, seed=seed, deal=deal)
    investors = set(dict(log[0].details["holdings"]))
    paid = received = damages = 0.0
    for e in log.of_kind(ev.DAMAGES_PAID):
        d = e.details
        assert {name for name, _ in d["payees"]} <= investors
        share = sum(usd for _, usd in d["payees"])
        assert share == pytest.approx(d["amount_usd"] + d["interest_usd"], abs=0.005)
        paid += d["amount_usd"] + d["interest_usd"]
        damages += d["amount_usd"]
        received += share
    row = outcomes(log, terms)
    assert row["damages_usd"] == pytest.approx(paid, abs=0.01)
    assert received == pytest.approx(paid, abs=0.01 * max(1, len(log)))
    if rate == 0:
        assert paid == 0
    if cap > 0:
        price = sum(u for u in (dict(log[0].details["holdings"]).values())) // \
            terms.registrable_per_unit * terms.unit_price_usd
        assert damages <= cap / 100 * price + 0.01
    assert row["company_cost_usd"] == pytest.approx(
        row["rights_expenses_usd"] + row["damages_usd"] + row["loss_company_usd"]
        + row["hold_back_cost_usd"], abs=0.02)
    for e in log.of_kind(ev.LOSS_ALLOCATED):
        borne = sum(usd for _, usd in e.details["borne"])
        assert borne <= e.details["loss_usd"] + 0.01


def test_run_summary_says_when_the_registration_was_required_at_the_closing(sheets):
    """The summary of a PIPE run does not call the mandatory registration a Demand
    Notice: it counts the registrations required at the closing."""
    from experiments.analysis.summary import summary_text
    df = sheets.frames(0)["pipe"]
    assert df["registration_required"].all()
    head = summary_text(df).splitlines()[0]
    assert f"{len(df):,} with a registration required at the closing, 0 with a Demand" in head
    base = summary_text(sheets.frames(0)["base"]).splitlines()[0]
    assert "required at the closing" not in base and "with a Demand Notice" in base
