"""Bad values inside input files (terms, scenario, what-if script): one line each.

Issue 14, items 6-9, file side. Every case is a fact pattern: the file's content, then
the parts of the one-line message (file, key, what is allowed) and exit code 2 where it
goes through the command line; never a traceback, never a hang. Valid files load and
play as before (the golden and determinism tests hold the deals themselves).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from click.testing import CliRunner

from sim.cli.main import main
from sim.core.config import ConfigError, shown
from sim.deal.model import run_deal
from sim.law.terms import load_terms
from sim.world.distributions import MAX_DAYS, whole_days, whole_days_vec
from sim.world.scenario import check_against_terms, load_scenario
from sim.world.script import load_script


def write(tmp_path, text: str, name: str = "f.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(load, path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load(path)
    return info.value


def one_line(*args: str) -> str:
    """``regsim ARGS`` in-process: exit code 2 and one line on stderr, returned."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("regsim: error: "), result.stderr
    return lines[0]


# --- item 6: tracebacks from file contents ---------------------------------------------
@pytest.mark.parametrize("load", [load_terms, load_scenario], ids=["terms", "scenario"])
def test_a_preset_that_is_not_a_name_is_one_line(tmp_path, load):
    """``preset = [1]`` raised TypeError (unhashable) in the preset lookup."""
    exc = error_of(load, write(tmp_path, "preset = [1]\n"))
    assert exc.key == "preset" and "[1]" in exc.problem and "allowed: bestnet-2003" in exc.problem


@pytest.mark.parametrize("args", [("terms", "show", "{f}"), ("timeline", "--scenario", "{f}"),
                                  ("timeline", "--script", "{f}")],
                         ids=["terms", "scenario", "script"])
def test_a_file_nested_5000_deep_is_one_line(tmp_path, args):
    """Arrays nested 5,000 deep raised RecursionError (in the TOML parser or later)."""
    path = write(tmp_path, "a = " + "[" * 5000 + "]" * 5000 + "\n")
    line = one_line(*(a.format(f=path) for a in args))
    assert str(path) in line and "nested too deeply; at most 32 levels" in line


def test_nesting_just_past_the_limit_names_the_key(tmp_path):
    path = write(tmp_path, "[review]\nno_review_days = " + "[" * 40 + "]" * 40 + "\n")
    exc = error_of(load_scenario, path)
    assert exc.key.startswith("review.no_review_days[0][0]") and "nested too deeply" in exc.problem


def test_an_infinite_fixed_duration_is_refused_at_load(tmp_path):
    """``{dist="fixed", value=inf}`` raised OverflowError when a deal drew it."""
    path = write(tmp_path, '[review]\nno_review_days = { dist = "fixed", value = inf }\n')
    line = one_line("timeline", "--scenario", path)
    assert f"{path}: review.no_review_days.value: must be a finite number (got inf)" in line


def test_units_beyond_any_physical_count_are_refused(tmp_path):
    path = write(tmp_path, '[[investors]]\nid = "a"\nunits = 4611686018427387904\n')
    exc = error_of(load_scenario, path)
    assert exc.key == "investors[0].units"
    assert "less than or equal to 1000000000000" in exc.problem


# --- item 7: NaN and infinity, everywhere ----------------------------------------------
TERMS_FLOATS = ["demand_threshold = nan", "unit_price_usd = inf",
                "warrant_exercise_price_usd = inf", "damages_rate_percent_per_30_days = nan",
                "cutback_floor_percent = nan"]
SCENARIO_FLOATS = ["[market]\nprice0 = inf", "[market]\nannual_volatility = nan",
                   "[market]\nannual_drift = -inf", "[expenses]\nlegal_usd = inf",
                   "[investor_behaviour]\nprice_trigger = inf",
                   "[review]\nresponse_days = { dist = \"lognormal\", median = 10, sigma = nan }",
                   "[review]\nresponse_days = { dist = \"uniform\", low = 1, high = inf }",
                   "[review]\nresponse_days = { dist = \"exponential\", mean = inf }",
                   "[review]\nresponse_days = { dist = \"choice\", values = [1, inf], "
                   "probs = [0.5, 0.5] }",
                   "[strategy.company]\nbreach_usd_per_day = nan"]
SCRIPT_FLOATS = ["[events]\nmarket_returns = [0.1, nan]",
                 "[demand.withdrawal]\ncause = \"price\"\nprice_drop = nan"]


@pytest.mark.parametrize("text", TERMS_FLOATS)
def test_nan_and_infinity_in_terms(tmp_path, text):
    exc = error_of(load_terms, write(tmp_path, text + "\n"))
    assert exc.key == text.split(" =")[0] and "finite number" in exc.problem


@pytest.mark.parametrize("text", SCENARIO_FLOATS)
def test_nan_and_infinity_in_a_scenario(tmp_path, text):
    exc = error_of(load_scenario, write(tmp_path, text + "\n"))
    assert "finite number" in exc.problem or "got nan" in exc.problem, exc


@pytest.mark.parametrize("text", SCRIPT_FLOATS)
def test_nan_and_infinity_in_a_script(tmp_path, text):
    exc = error_of(load_script, write(tmp_path, text + "\n"))
    assert "finite number" in exc.problem or "got nan" in exc.problem, exc


# --- item 7: every day bounded ---------------------------------------------------------
def test_a_drawn_duration_is_clipped_at_max_days():
    assert whole_days(math.inf) == whole_days(1e300) == MAX_DAYS
    assert whole_days(MAX_DAYS - 0.5) == MAX_DAYS and whole_days(12.2) == 13
    got = whole_days_vec(np.array([-1.0, 2.5, 1e12, np.inf]))
    assert got.tolist() == [0.0, 3.0, MAX_DAYS, MAX_DAYS]


HANGS = {
    "patience 10^12 days": "[investor_behaviour]\ndemand_patience_days = "
                           "{ dist = \"fixed\", value = 1e12 }\n",
    "review 10^12 days": "[review]\nreview_prob = 1.0\nfirst_comment_days = "
                         "{ dist = \"fixed\", value = 1e12 }\nclearance_days = "
                         "{ dist = \"fixed\", value = 1e12 }\n",
    "lognormal sigma 20, no max": "[review]\nreview_prob = 1.0\nresponse_days = "
                                  "{ dist = \"lognormal\", median = 10, sigma = 20 }\n"
                                  "[investor_behaviour]\ndemand_patience_days = "
                                  "{ dist = \"lognormal\", median = 10, sigma = 20 }\n",
}


@pytest.mark.parametrize("text", HANGS.values(), ids=HANGS.keys())
def test_a_day_far_past_the_horizon_finishes_a_deal_quickly(tmp_path, text):
    """The price path and the calendar ran out to the drawn day (10^12 days: a hang)."""
    terms, scenario = load_terms(None), load_scenario(write(tmp_path, text))
    start = time.perf_counter()
    for deal in range(3):
        log = run_deal(terms, scenario, seed=1, deal=deal)
        assert log[-1].day <= 10 * MAX_DAYS
    assert time.perf_counter() - start < 2.0 * 3


def test_the_price_path_ends_at_the_horizon(tmp_path):
    """A day past the horizon has the horizon's price: the path never grows past it,
    whatever day a party asks about."""
    from sim.deal.model import DealModel

    scenario = load_scenario(write(tmp_path, "horizon_days = 600\n"))
    model = DealModel(load_terms(None), scenario, 1, policy="scenario")
    model.run(0)
    last = model.price_at(600)
    assert model.price_at(36_500) == last and model.price_at(10**12) == last
    assert len(model._prices) <= 600 // 30 + 2
    assert model.price_at(590) != model.price_at(0)          # the path is not flat


def test_a_lognormal_sigma_beyond_any_model_is_refused(tmp_path):
    path = write(tmp_path, '[review]\nresponse_days = { dist = "lognormal", median = 10, '
                           'sigma = 50 }\n')
    exc = error_of(load_scenario, path)
    assert exc.key == "review.response_days.sigma" and "less than or equal to 20" in exc.problem


@pytest.mark.parametrize("text,key", [
    ('[review]\ncomment_letters = { dist = "fixed", value = 1e9 }', "review.comment_letters"),
    ('[offerings]\ncompany_shares = { dist = "lognormal", median = 1e9, sigma = 5 }',
     "offerings.company_shares"),
    ('[capital]\nreserved_other = { dist = "lognormal", median = 1e11, sigma = 2 }',
     "capital.reserved_other"),
])
def test_a_count_drawn_beyond_its_bound_is_refused(tmp_path, text, key):
    exc = error_of(load_scenario, write(tmp_path, text + "\n"))
    assert exc.key.startswith(key) and "at most" in exc.problem


# --- item 8: accepted nonsense --------------------------------------------------------
def test_price0_infinite_is_refused(tmp_path):
    line = one_line("timeline", "--scenario", write(tmp_path, "[market]\nprice0 = inf\n"))
    assert "market.price0: must be a finite number" in line


def test_price0_absurd_is_refused(tmp_path):
    exc = error_of(load_scenario, write(tmp_path, "[market]\nprice0 = 1e300\n"))
    assert exc.key == "market.price0" and "less than or equal to 1000000" in exc.problem


def test_investors_cannot_hold_more_units_than_were_offered(tmp_path):
    """8 M Units held of 4.5 M offered ran as if possible."""
    path = write(tmp_path, '[[investors]]\nid = "a"\nunits = 8000000\n')
    scenario = load_scenario(path)
    with pytest.raises(ConfigError) as info:
        check_against_terms(scenario, load_terms(None), str(path))
    assert info.value.key == "investors" and "8,000,000" in info.value.problem
    line = one_line("timeline", "--scenario", path)
    assert f"{path}: investors: the Investors hold 8,000,000 Units" in line
    assert "4,500,000 Units offered (terms: units_offered)" in line
    check_against_terms(load_scenario(None), load_terms(None), "ok")     # the preset fits


@pytest.mark.parametrize("text,problem", [("units_offered = 1e23", "valid integer"),
                                          ("units_offered = 10000000000000",
                                           "less than or equal to 1000000000000")])
def test_units_offered_is_a_physical_whole_number(tmp_path, text, problem):
    exc = error_of(load_terms, write(tmp_path, text + "\n"))
    assert exc.key == "units_offered" and problem in exc.problem


def test_a_cutback_floor_under_a_rule_without_one_names_both_keys(tmp_path):
    path = write(tmp_path, "cutback_floor_percent = 10.0\n")
    line = one_line("terms", "show", path)
    assert f"{path}: cutback_floor_percent: set, but cutback_rule = 'pro_rata_holdings'" in line
    assert "only cutback_rule = 'floor_percent' or 'investors_first_floor'" in line


def test_a_cutback_floor_with_its_rule_or_inherited_from_a_preset_loads(tmp_path):
    assert load_terms(write(tmp_path, 'cutback_rule = "floor_percent"\n'
                                      "cutback_floor_percent = 10.0\n")).cutback_floor_percent == 10
    # nvca-2020's floor is inert once a file changes the rule: not the file's mistake.
    t = load_terms(write(tmp_path, 'preset = "nvca-2020"\ncutback_rule = "pro_rata_holdings"\n',
                         "g.toml"))
    assert t.cutback_rule == "pro_rata_holdings"


# --- item 9: messages -----------------------------------------------------------------
def test_a_10_mb_value_is_cut_in_the_message(tmp_path):
    path = write(tmp_path, 'name = "' + "a" * 10 * 2**20 + '"\n')
    line = one_line("timeline", "--scenario", path)
    assert len(line) < 400 and "'aaaa" in line and "... (10,485,762 chars)" in line


def test_shown_cuts_long_values_only():
    assert shown("abc") == "'abc'"
    assert shown("x" * 100) == "'" + "x" * 59 + "... (102 chars)"


def test_a_key_with_a_line_break_stays_one_line(tmp_path):
    path = write(tmp_path, '"bad\\nkey" = 1\n')
    line = one_line("terms", "show", path)
    assert "bad\\nkey: unknown key" in line


def test_a_distribution_table_without_dist_says_to_name_one(tmp_path):
    """``{ value = 5 }`` over a lognormal said "value: unknown key"."""
    path = write(tmp_path, "[review]\nno_review_days = { value = 5 }\n")
    exc = error_of(load_scenario, path)
    assert exc.key == "review.no_review_days"
    assert "'value' is not a key of a lognormal distribution; allowed keys: dist, median, " \
           "sigma, max" in exc.problem
    assert "name a distribution: dist = 'choice' | 'exponential' | 'fixed'" in exc.problem


def test_valid_presets_still_load():
    for name in ("bestnet-2003", "pipe-typical", "nvca-2020"):
        load_terms(name)
    load_scenario(None)


@pytest.mark.parametrize("text,key", [
    ("[demand.shares]\ninv01 = 9223372036854775808", "demand.shares.inv01"),
    ("[investors.all]\njoin_shares = 4611686018427387904", "investors.all.join_shares"),
    ("[company]\nreserved_other_shares = 10000000000000", "company.reserved_other_shares"),
    ("[[offerings]]\nfile_day = 5\neffective_day = 60\ncompany_shares = 10000000000000",
     "offerings[0].company_shares"),
])
def test_a_scripts_share_counts_are_bounded(tmp_path, text, key):
    exc = error_of(load_script, write(tmp_path, text + "\n"))
    assert exc.key == key and "less than or equal to 1000000000000" in exc.problem


AFFILIATE = '[market]\navg_weekly_volume = 0\n[[investors]]\nid = "a"\nunits = 1000000\n' \
            'affiliate = true\n[rule144]\nvolume_fraction_outstanding = '


def test_an_affiliate_without_a_rule144_volume_limit_is_refused(tmp_path):
    """An affiliate whose volume limit is 0 raised ValueError in every deal."""
    path = write(tmp_path, AFFILIATE + "0.0\n")
    line = one_line("timeline", "--scenario", path)
    assert f"{path}: investors[0].affiliate: an affiliate's Rule 144 volume limit is 0 shares" in line
    assert "at least one share" in line


def test_an_affiliate_whose_exit_takes_centuries_is_refused(tmp_path):
    """A limit of one share per three months ran the exit out to year 10000 (ValueError)."""
    path = write(tmp_path, AFFILIATE + "0.0000001\n")
    line = one_line("timeline", "--scenario", path)
    assert f"{path}: investors[0]: the affiliate's 6,000,000 Registrable Shares take " in line
    assert "at most 100 years" in line


def test_more_holders_than_a_private_placement_has_are_refused(tmp_path):
    """3,000 Investors took 3 GB per chunk of deals in a sweep."""
    text = "".join(f'[[investors]]\nid = "i{k}"\nunits = 100\n' for k in range(201))
    exc = error_of(load_scenario, write(tmp_path, text))
    assert exc.key == "investors"
    assert exc.problem == "Tuple should have at most 200 items after validation, not 201"
