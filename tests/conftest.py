"""Shared fixtures: the agreement as written and the default scenario."""

import pytest

from sim.scenario import load_scenario
from sim.terms import load_terms


@pytest.fixture(scope="session")
def terms():
    return load_terms()


@pytest.fixture(scope="session")
def scenario():
    return load_scenario()
