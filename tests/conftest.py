"""Shared fixtures: the agreement as written and the default scenario."""

import pytest
from click.testing import CliRunner

import sim.deal.model

from sim.world.scenario import load_scenario
from sim.law.terms import load_terms


@pytest.fixture(scope="session")
def terms():
    return load_terms()


@pytest.fixture(scope="session")
def scenario():
    return load_scenario()


@pytest.fixture
def no_model(monkeypatch):
    """Fail the test if a model is built: what reads saved results must not re-run deals."""
    def refuse(*_a, **_k):
        raise AssertionError("saved results must be read, not re-run: a model was built")

    monkeypatch.setattr(sim.deal.model.DealModel, "__init__", refuse)


#: The demand path most fact patterns start from (a what-if script table): inv01, inv02
#: and inv05 demand on day 10; the Company gives its notice 3 days after receipt and has
#: drafted 20 days after; every notice takes 2 days; every other Investor asks to be
#: included 2 days after the notice arrives, answers §6 in 3 days, sells in 100 usable
#: days and piggy-backs on nothing; no review (effective 7 + 3 days after filing); no
#: Company offerings, suspensions or price moves. Files merge their own keys over it.
DEMAND_PATH = {
    "demand": {"day": 10, "by": ["inv01", "inv02", "inv05"]},
    "company": {"notice_delay_days": 3, "prep_days": 20},
    "latency": {"default": 2},
    "investors": {"all": {"join": True, "join_response_days": 2, "info_response_days": 3,
                          "sell_days": 100, "withdraw_on_mai": True, "piggyback": False}},
    "review": {"reviewed": False, "no_review_days": 7, "clearance_days": 3},
    "offerings": [],
    "events": {"suspensions": [], "market_returns": []},
}


def cli(*args) -> tuple[int, str, str]:
    """Run ``regsim ARGS`` in this process: (exit code, stdout, stderr)."""
    from sim.cli.main import main

    r = CliRunner().invoke(main, [str(a) for a in args])
    return r.exit_code, r.stdout, r.stderr


def one_line(code: int, stderr: str, *expected: str) -> str:
    """Assert a refusal: exit code 2 and one line ``regsim: error: ...`` holding each of
    ``expected``, no traceback; returns the line."""
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("regsim: error: "), stderr
    assert "Traceback" not in stderr
    for e in expected:
        assert e in lines[0], lines[0]
    return lines[0]
