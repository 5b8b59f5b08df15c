"""A researcher's own decision policy as a plug-in (``module:Class``): resolved by name in
the model, a spec, ``regsim timeline`` and ``regsim run``; named in the manifest; a bad
name is one line."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from agents.policies import POLICIES, CompliantPolicy, ScenarioPolicy, resolve_policy
from experiments.execution.spec import load_spec
from sim.cli.main import main
from sim.core.config import ConfigError
from sim.deal.model import run_deal
from sim.engine import events as ev
from sim.law.terms import load_terms
from sim.world.scenario import load_scenario

HASTY = '''
from agents.policies import ScenarioPolicy


class Hasty(ScenarioPolicy):
    """A Company that drafts every statement in one day."""

    def prep_days(self, s, cycle):
        return 1


NOT_A_POLICY = object()
'''


@pytest.fixture
def hasty(tmp_path, monkeypatch):
    (tmp_path / "my_policies.py").write_text(textwrap.dedent(HASTY), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "my_policies:Hasty"


def test_shipped_names_and_classes_resolve():
    assert resolve_policy("scenario") is ScenarioPolicy
    assert resolve_policy("compliant") is CompliantPolicy
    assert resolve_policy(CompliantPolicy) is CompliantPolicy
    from experiments.execution.spec import SHIPPED_POLICIES
    assert set(POLICIES) == set(SHIPPED_POLICIES) == {"strategic", "scenario", "compliant"}


@pytest.mark.parametrize("name, says", [
    ("nope", "unknown policy 'nope'"),
    ("no_such_module_here:X", "cannot load policy"),
    ("my_policies:Missing", "cannot load policy"),
    ("my_policies:NOT_A_POLICY", "not a subclass"),
])
def test_a_bad_policy_is_one_line(hasty, name, says):
    with pytest.raises(ValueError) as err:
        resolve_policy(name)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_a_plug_in_policy_decides_in_the_model(hasty):
    """The same deal under the researcher's Company files sooner than as drawn: only the
    choice it overrides moves (drafting), and its log is its own."""
    terms, sc = load_terms(), load_scenario()
    drawn = run_deal(terms, sc, seed=1, deal=0, policy="scenario")   # the class it extends
    fast = run_deal(terms, sc, seed=1, deal=0, policy=hasty)
    d_file, f_file = drawn.first(ev.STATEMENT_FILED), fast.first(ev.STATEMENT_FILED)
    assert f_file.details["drafted_day"] < d_file.details["drafted_day"]
    assert f_file.day <= d_file.day
    assert (fast.first(ev.DEMAND_SENT).day == drawn.first(ev.DEMAND_SENT).day)


def test_spec_and_run_name_the_policy(hasty, tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text(f'name = "p"\nseed = 1\nreplications = 20\npolicy = "{hasty}"\n',
                    encoding="utf-8")
    assert load_spec(spec).policy == hasty
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "p"\nseed = 1\nreplications = 20\npolicy = "nope"\n',
                   encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_spec(bad)
    assert "policy: unknown policy 'nope'" in str(err.value)
    out = tmp_path / "run"
    r = CliRunner().invoke(main, ["run", "--runs", "30", "--out", str(out), "--workers", "0",
                                  "--no-plot", "--policy", hasty])
    assert r.exit_code == 0, r.output
    assert json.loads((out / "manifest.json").read_text())["policy"] == hasty


def test_cli_bad_policy_is_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "run"
    r = CliRunner().invoke(main, ["run", "--runs", "10", "--out", str(out), "--policy", "x"])
    assert r.exit_code == 2 and "unknown policy 'x'" in r.output
    assert len(r.output.strip().splitlines()) == 1 and not out.exists()
    r = CliRunner().invoke(main, ["timeline", "--policy", "x:Y"])
    assert r.exit_code == 2 and "cannot load policy" in r.output


def test_timeline_plays_a_plug_in_policy(hasty):
    r = CliRunner().invoke(main, ["timeline", "--seed", "1", "--policy", hasty])
    assert r.exit_code == 0, r.output
    assert "registration statement filed" in r.output


def test_a_policy_module_in_the_working_folder_imports(tmp_path, monkeypatch):
    """``regsim run --policy mine:Hasty`` from the folder holding ``mine.py``: the
    console script's path does not hold the working folder, the resolver adds it."""
    import sys
    (tmp_path / "mine.py").write_text(textwrap.dedent(HASTY), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    cls = resolve_policy("mine:Hasty")
    assert issubclass(cls, ScenarioPolicy) and cls.__name__ == "Hasty"


def test_the_strategy_mixins_do_not_shadow_each_other():
    """Each party's decision model is a mixin of StrategicPolicy: a helper of one with
    the name of the other's would silently take its place in the method order."""
    from agents.strategy.company import CompanyChoices
    from agents.strategy.investors import InvestorChoices
    own = [{k for k in vars(c) if not k.startswith("__")}
           for c in (CompanyChoices, InvestorChoices)]
    assert not own[0] & own[1]
