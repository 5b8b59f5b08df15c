"""Golden event logs: seeded runs must reproduce the checked-in JSON Lines byte for byte.

A deliberate change of behaviour regenerates them with
``REGSIM_UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py`` -- and the diff of the
golden files then shows, event by event, what the change did. The files are what
``regsim timeline --json`` prints: each record with its ``date``.
"""

import os
from pathlib import Path

import pytest

from sim.deal.model import run_deal
from sim.world.script import load_script

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("REGSIM_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with REGSIM_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        for i, (a, b) in enumerate(zip(text.splitlines(), expected.splitlines())):
            if a != b:
                pytest.fail(f"{name} differs first at line {i + 1}:\n  got      {a}\n  expected {b}")
        pytest.fail(f"{name}: {len(text.splitlines())} lines, expected {len(expected.splitlines())}")


# (2024, 3665): a deal where many demand clauses bite: a late Company Notice and the empty
# window it causes, the §1(c) cooldown, capital shortfall (the first statement leaves shares
# out, so the demand is not satisfied), a late joinder, suspensions, a second demand delayed
# under §1(d) until the offering is withdrawn, the Commission's review, unsold warrant shares.
# (2024, 8557): Company registrations: a Registration Notice, seven Piggy-back Requests and
# one too late, the Underwriter's §3(c) cutback pooling the fund-a partners, an excluded
# stock-plan registration, warrant shares unsold (expired), a §5 claim.
@pytest.mark.parametrize("seed, deal", [(1, 0), (2024, 3665), (2024, 8557)])
def test_seeded_deal_matches_golden_log(terms, scenario, seed, deal):
    _check(f"seed{seed}-deal{deal}.jsonl", run_deal(terms, scenario, seed, deal).to_jsonl(
        closing=scenario.closing_date))


def test_what_if_script_matches_golden_log(terms, scenario):
    ids = {i.id for i in scenario.investors}
    script = load_script(HERE / "data" / "whatif.toml", ids)
    _check("whatif-seed0.jsonl", run_deal(terms, scenario, 0, 0, script=script).to_jsonl(
        closing=scenario.closing_date))
