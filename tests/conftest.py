"""Shared fixtures: the agreement as written and the default scenario."""

import pytest

import sim.model

from sim.scenario import load_scenario
from sim.terms import load_terms


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

    monkeypatch.setattr(sim.model.DealModel, "__init__", refuse)
