"""Mesa's conventions: a deal stepped day by day, ``model.time``, the data collector."""

import inspect

import mesa
import pytest

from agents.investor import Investor
from sim.core.dates import label
from sim.deal.model import MODEL_REPORTERS, DealModel, run_deal


def stepped(terms, scenario, seed, deal, **kw):
    model = DealModel(terms, scenario, seed, deal=deal, **kw)
    while model.running:
        model.step()
    return model


@pytest.mark.parametrize("seed,deal", [(0, 0), (3, 1), (2024, 3665), (2024, 8557), (1, 0)])
def test_stepping_day_by_day_gives_the_run_log(terms, scenario, seed, deal):
    model = stepped(terms, scenario, seed, deal)
    assert model.log.to_jsonl() == run_deal(terms, scenario, seed, deal).to_jsonl()


def test_stepping_with_the_collector_on_gives_the_run_log(terms, scenario):
    model = stepped(terms, scenario, 7, 2, collect=True)
    assert model.log.to_jsonl() == run_deal(terms, scenario, 7, 2).to_jsonl()


def test_time_is_the_calendar_day_played_through(terms, scenario):
    model = DealModel(terms, scenario, 0, deal=0)
    assert model.time == 0 and model.day == 0 and model.steps == 0
    first = [e.day for e in model.log]
    assert first and set(first) == {0}            # the closing, nothing later
    for n in range(1, 40):
        model.step()
        assert model.time == n == model.day == model.steps
        assert model.calendar.now <= n
        assert all(e.day <= n for e in model.log)
    assert isinstance(model.time, float)           # as Mesa >= 3.4 types Model.time


def test_a_model_built_without_a_deal_begins_deal_0_on_its_first_step(terms, scenario):
    model = DealModel(terms, scenario, 0)
    model.step()
    assert model.time == 1
    model.run_model()                              # Mesa's loop: while running, step
    assert not model.running
    assert model.log.to_jsonl() == run_deal(terms, scenario, 0, 0).to_jsonl()
    assert model.time == model.day >= model.log.first("DEAL_ENDED").day


def test_the_deal_ends_when_the_calendar_is_empty(terms, scenario):
    model = stepped(terms, scenario, 0, 4)
    end = model.log[-2 if model.log[-1].kind == "PRICE_PATH" else -1]
    kinds = [e.kind for e in model.log]
    assert "DEAL_ENDED" in kinds
    ended = model.log.first("DEAL_ENDED").day
    assert model.day >= ended and model.day == model.time
    before = len(model.log)
    model.step()                                   # after the end only days pass
    assert len(model.log) == before and not model.running and end


def test_collector_is_off_by_default_and_records_every_day_when_on(terms, scenario):
    assert DealModel(terms, scenario, 0).datacollector is None
    assert DealModel(terms, scenario, 0, deal=1).datacollector is None
    model = stepped(terms, scenario, 0, 0, collect=True)
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == list(MODEL_REPORTERS)
    assert list(frame["day"]) == list(range(model.day + 1))
    closing = scenario.closing_date
    assert frame["date"].iloc[0] == label(0, closing)
    assert frame["date"].iloc[-1] == label(model.day, closing)
    assert frame["phase"].iloc[0] == "closed" and frame["phase"].iloc[-1] == "ended"
    effective = model.log.first("STATEMENT_EFFECTIVE")
    assert effective is not None                   # this deal registers shares
    registered = frame["shares_registered"]
    assert registered.iloc[effective.day - 1] == 0
    assert registered.iloc[effective.day] == effective.details["shares"]
    assert registered.is_monotonic_increasing
    paid = frame["company_paid_usd"]
    assert paid.is_monotonic_increasing and paid.iloc[-1] > 0
    expenses = sum(e.details["total_usd"] for e in model.log.of_kind(
        "REGISTRATION_EXPENSES_PAID") if e.details["payer"] == "company")
    assert paid.iloc[-1] == pytest.approx(expenses, abs=0.01)
    agents = model.datacollector.get_agenttype_vars_dataframe(Investor)
    last = agents.xs(agents.index.get_level_values(0).max(), level=0)
    assert len(last) == len(model.investors)
    assert last["shares_registered"].sum() == registered.iloc[-1]


def test_the_model_follows_mesa_3(terms, scenario):
    """``rng=`` is passed to mesa.Model, and no scheduler is used (Mesa 3 removed them)."""
    source = inspect.getsource(DealModel.__init__)
    assert "super().__init__(rng=seed)" in source
    model = DealModel(terms, scenario, 5)
    assert isinstance(model, mesa.Model) and model.rng is not None
    import sim.deal.model as module
    text = inspect.getsource(module)
    for scheduler in ("mesa.time", "RandomActivation", "BaseScheduler", "SimultaneousActivation"):
        assert scheduler not in text
    assert not hasattr(model, "schedule")


def test_the_collector_s_open_deadlines_are_the_timeline_s(terms, scenario):
    """Seed 0, deal 0: the Demand Notice is received on day 4 (Thu 3 Apr 2003), which
    opens the Company Notice (due day 14) and the filing deadline (day 49), as the
    timeline prints them; after filing, the effectiveness target is open. The collector
    counts what the timeline shows on every day, not only filing deadlines."""
    from sim.read.timeline import OpenDeadlines

    model = stepped(terms, scenario, 0, 0, collect=True)
    frame = model.datacollector.get_model_vars_dataframe()
    received = model.log.first("DEMAND_RECEIVED").day
    closing = scenario.closing_date
    assert frame["open_deadlines"].iloc[received] == 2
    assert frame["next_deadline"].iloc[received] == label(received + terms.promptly_days,
                                                          closing)
    filed = model.log.first("STATEMENT_FILED").day
    assert frame["open_deadlines"].iloc[filed] >= 1
    tracker, events, expected = OpenDeadlines(terms, closing), list(model.log.events), []
    for day in range(model.day + 1):
        while events and events[0].day <= day:
            tracker.update(events.pop(0))
        expected.append(len(tracker.due(day)))
    assert list(frame["open_deadlines"]) == expected
