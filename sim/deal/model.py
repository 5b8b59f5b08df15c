"""DealModel: one registration-rights deal as a Mesa model on a SimPy calendar.

The model is the composition root, above the agents: it builds the named random streams
(from the layouts the actors declare) and the agents, resets them per deal, keeps the
market's price path and the §7 share adjustments, and runs the calendar; every party's
behaviour lives in ``agents/``, which see the model only as :class:`agents.deal.Deal`.
It is a pure function of (terms, scenario, seed, deal index) and returns the frozen
event log. It is built once and reused for many deals (``run(deal)`` resets all per-deal
state), which keeps the per-deal cost to the calendar and the agents' reactions.

SimPy owns the clock. Mesa's conventions hold where they fit: ``run(deal)`` plays a whole
deal at once (the batches), and a deal can also be played day by day, as Mesa models are
stepped: ``DealModel(terms, scenario, seed, deal=d)`` plays the closing (day 0);
each ``step()`` runs the calendar to the next day, with ``model.time`` the day played
through (a float, as Mesa >= 3.4 defines it; Mesa 3.3 has no ``time``, the model sets
it) and ``model.steps`` Mesa's count of steps; ``model.running`` turns False when the
deal's calendar is empty, its log then ``model.log``, the same log ``run(d)`` returns.
With ``collect=True`` a Mesa ``DataCollector`` (``model.datacollector``) records the
deal's state each day (:data:`MODEL_REPORTERS`, :data:`INVESTOR_REPORTERS`), so Mesa's
own tools (``run_model``, ``batch_run``, SolaraViz) can drive one deal. No schedulers:
the calendar orders each day's events (:mod:`sim.engine.calendar`). One deal is stepped
per model; ``run`` never steps, and leaves ``time`` and ``steps`` alone. (Checked with
Mesa 3.3.1 and 3.5.1, where ``step()`` runs Mesa's own event list to the next whole time.)
"""

from __future__ import annotations

import math

import mesa

from agents import costs, transfers
from agents.capital import CAPITAL
from agents.claims import CLAIMS
from agents.commission import REVIEW
from agents.company import COMPANY, EVENTS, Company
from agents.effectiveness import SUSPENSION
from agents.investor import INVESTOR, PIGGYBACK, Investor
from agents.investors import WITHDRAWAL, Investors
from agents.offerings import OFFERINGS, draw_offerings, offering_process
from agents.other_holder import OTHER_HOLDER, OtherHolder
from agents.policies import DEFAULT_POLICY, ScenarioPolicy, resolve_policy
from agents.underwriter import UNDERWRITER, Underwriter
from sim.engine import events as ev
from sim.engine.calendar import Calendar, Order
from sim.engine.events import EventLog
from sim.engine.holdings import Holdings
from sim.engine.registration import DemandRegistration
from sim.core.dates import label
from sim.read.timeline import OpenDeadlines
from sim.engine.streams import NORMAL, Layout, Purpose, RandomStreams, StreamSpec
from sim.law.rules import resale, securities
from sim.law.terms import Terms
from sim.world import rule144
from sim.world.scenario import Scenario
from sim.world.script import Script

DAYS_PER_MONTH = 30


def _market_width(sc: Scenario) -> int:
    months = sc.horizon_days // DAYS_PER_MONTH + 2
    return (months + 3) // 4 * 4


# The ``market`` stream: one standard normal per month of the price path (months past
# the window in overflow).
MARKET = Layout("market", _market_width, 1, blocks=_market_width, purposes=dict(
    month=Purpose(0, dist=lambda sc, _: NORMAL)))
# The streams of the world and the parties, in row order; then one stream per Investor
# (its own and its piggy-back stream) and per Other Holder.
LAYOUTS = (COMPANY, REVIEW, SUSPENSION, MARKET, CAPITAL, OFFERINGS, EVENTS, WITHDRAWAL,
           UNDERWRITER, CLAIMS)
INVESTOR_LAYOUTS = (INVESTOR, PIGGYBACK)
OTHER_HOLDER_LAYOUTS = (OTHER_HOLDER,)


def stream_specs(scenario: Scenario) -> list[StreamSpec]:
    """The named streams a deal under ``scenario`` draws from: widths and slot layouts.

    Each stream's layout is declared once, beside the actor that draws from it
    (:class:`sim.engine.streams.Layout`), and the agents compute their slots through it.
    A layout names the distribution each slot is sampled from, so a chunk of deals is
    transformed at once (see :mod:`sim.engine.streams`); it must match what the agents
    ask for at those slots. A mismatch is not an error, only slower: the value is then computed per
    draw with ``math`` instead of NumPy (deterministic either way, though the two may
    round a duration differently in rare last-bit cases).
    """
    specs = [layout.spec(scenario) for layout in LAYOUTS]
    for inv in scenario.investors:
        specs += [layout.spec(scenario, inv) for layout in INVESTOR_LAYOUTS]
    for oh in scenario.other_holders:
        specs += [layout.spec(scenario, oh) for layout in OTHER_HOLDER_LAYOUTS]
    if transfers.active(scenario):    # §7 transfers: their stream, each transferee's own
        specs.append(transfers.TRANSFERS.spec(scenario))
        for inv in transfers.transferee_specs(scenario):
            specs += [layout.spec(scenario, inv) for layout in INVESTOR_LAYOUTS]
    return specs


class DealModel(mesa.Model):
    """A deal under ``terms`` in ``scenario``; ``run(deal)`` plays deal number ``deal``.

    Args:
        terms: The negotiated terms.
        scenario: The world the deal meets.
        seed: Root seed; every named stream is spawned from it.
        script: Optional what-if script fixing decisions and draws.
        policy: ``"strategic"`` (the default: choices that weigh the terms' costs),
            ``"scenario"`` (behaviour as drawn), ``"compliant"``, ``"module:Class"``
            or a subclass of :class:`agents.policies.ScenarioPolicy` overriding any
            decision (:func:`agents.policies.resolve_policy`).
        deal: A deal to play day by day: the model plays its closing (day 0) now, and
            each :meth:`step` one more day. None (the default): nothing is played until
            :meth:`run`, or the first :meth:`step` (which begins deal 0).
        collect: Record the state of the stepped deal each day in a Mesa
            ``DataCollector``, ``self.datacollector`` (implies ``deal=0`` when no deal
            is given); off by default, and never used by :meth:`run`.

    Attributes:
        time: The calendar day a stepped deal has been played through (Mesa's
            ``Model.time``; 0.0 before the first step).
        running: False once the stepped deal's calendar is empty (Mesa's stop flag).
        datacollector: The ``mesa.DataCollector`` of a stepped deal, or None.
    """

    def __init__(self, terms: Terms, scenario: Scenario, seed: int = 0, *,
                 script: Script | None = None,
                 policy: str | type[ScenarioPolicy] = DEFAULT_POLICY,
                 deal: int | None = None, collect: bool = False) -> None:
        super().__init__(rng=seed)   # Mesa's own generators: seeded, not used by the rules
        # The scenario is ``world``: Mesa >= 3.5 reserves ``Model.scenario`` for its own
        # Scenario objects.
        self.terms, self.world, self.seed = terms, scenario, seed
        self.streams = RandomStreams(seed, stream_specs(scenario))
        policy_cls = resolve_policy(policy)
        self.policy = policy_cls(terms, scenario, script)
        self.market_stream = self.streams.stream(MARKET.name)
        self.capital_stream = self.streams.stream(CAPITAL.name)
        self.offerings_stream = self.streams.stream(OFFERINGS.name)
        self.events_stream = self.streams.stream(EVENTS.name)
        self.withdrawal_stream = self.streams.stream(WITHDRAWAL.name)
        self.review_stream = self.streams.stream(REVIEW.name)
        self.claims_stream = self.streams.stream(CLAIMS.name)
        self.deal = 0 if deal is None else deal
        self.transfers_on = transfers.active(scenario)
        if self.transfers_on:
            self.transfers_stream = self.streams.stream(transfers.TRANSFERS.name)
        self.expense_figures = costs.figures(self)
        self.company = Company(self)
        self.investors = [Investor(self, spec) for spec in scenario.investors]
        self.investors_by_name = {i.name: i for i in self.investors}
        self.investor_group = Investors(self, self.investors)
        self.other_holders = [OtherHolder(self, spec) for spec in scenario.other_holders]
        self.underwriter = Underwriter(self)
        self.total_units = scenario.total_units
        self.registrable_total = sum(i.registrable for i in self.investors)
        self.holdings = Holdings({i.name: i.registrable for i in self.investors})
        self._monthly_drift = (scenario.market.annual_drift
                               - 0.5 * scenario.market.annual_volatility ** 2) * (
            DAYS_PER_MONTH / 365)
        self._monthly_vol = scenario.market.annual_volatility * math.sqrt(DAYS_PER_MONTH / 365)
        self.calendar = Calendar()      # one SimPy environment, rewound for every deal
        self.policy.bind(self)
        # Mesa 3.3 numbers agents in a class-level dict keyed by the model, which keeps
        # every model alive (about 0.4 MB each: a volume check builds thousands). All our
        # agents exist by now, so let go of this model's counter (Mesa >= 3.4 has none).
        ids = getattr(mesa.Agent, "_ids", None)
        if ids is not None:
            ids.pop(self, None)
        # Day 0 is the closing (a scenario date); the Warrants are issued with the Units
        # at the closing and expire by the calendar (recitals, §7).
        self.closing_iso = scenario.closing_date.isoformat()
        self.warrant_expiry_day = securities.warrant_expiry_day(0, terms,
                                                                scenario.closing_date)
        # The price path is logged as far as any Investor's Rule 144 exit reaches: the
        # value of a registration compares its sales with that exit (sim/read/value.py).
        self.exit_day = max((rule144.exit_schedule(
            scenario, i.registrable, affiliate=i.affiliate)[-1].day
            for i in self.investors if i.registrable), default=0)
        facts = scenario.rule144
        self._path_facts = dict(
            discount_rate=scenario.market.discount_rate,
            rule144_limit=rule144.exit_limit(scenario), holding_years=facts.holding_years,
            unlimited_years=facts.unlimited_years, volume_months=facts.volume_months,
            affiliates=tuple(i.name for i in self.investors if i.affiliate))
        self.rule144_day = rule144_unlimited_day(terms, scenario)
        # Stepping one deal (Mesa's conventions); run() uses none of it.
        self.time = 0.0                  # Mesa >= 3.4 defines it; 3.3 does not
        self.day: int | None = None      # the day the stepped deal is played through
        self.datacollector = mesa.DataCollector(
            model_reporters=MODEL_REPORTERS,
            agenttype_reporters={Investor: INVESTOR_REPORTERS}) if collect else None
        if deal is not None or collect:
            self.start(deal or 0)

    def investor(self, name: str) -> Investor:
        """The Investor with id ``name``."""
        return self.investors_by_name[name]

    # --- One deal ----------------------------------------------------------------------
    def run(self, deal: int = 0) -> EventLog:
        """Play deal number ``deal`` to its end and return its frozen event log."""
        self._begin(deal)
        self.calendar.run()
        return self._end()

    # --- One deal, day by day (Mesa's step) --------------------------------------------
    def start(self, deal: int = 0) -> None:
        """Begin deal number ``deal`` to be stepped: play its closing day (day 0).

        ``time`` is then 0.0, ``running`` True (unless the deal ended that day), and the
        data collector, if on, holds day 0. One deal is stepped per model: under
        Mesa >= 3.4 ``time`` only moves forward.
        """
        self._begin(deal)
        self.running = True
        self.day = -1
        self._play_next_day()

    def step(self) -> None:
        """Play the next calendar day: every event of that day, in the calendar's order.

        Mesa counts the step (``steps``) and, from 3.4, moves ``time`` on by one; the
        model keeps ``time`` equal to the day played through under either. The first step
        of a model built without ``deal`` begins deal 0 (its closing) and plays day 1.
        When the calendar is empty the deal ends (its log is ``self.log``) and
        ``running`` turns False; later steps only count days.
        """
        if self.day is None:
            self.start(self.deal)
        self._play_next_day()

    def _play_next_day(self) -> None:
        day = self.day = self.day + 1
        self.time = float(day)
        if self.running and not self.calendar.run_day(day):
            self._end()
            self.running = False
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _begin(self, deal: int) -> None:
        """Reset every per-deal state and schedule deal ``deal``'s opening events."""
        self.streams.load(deal)
        self.deal = deal
        self.calendar.reset()
        self.log = EventLog()
        if self.transfers_on:      # §7: the last deal's transferees leave
            transfers.reset(self)
        self.company.reset()
        self.investor_group.reset()
        self.holdings.reset()
        self.registrations: list[DemandRegistration] = []
        self.share_factor = 1.0           # shares now per share at the closing (§7)
        self._factor_days: list[tuple[int, float]] = []
        self._log_prices: list[float] = [0.0]
        self._prices: list[float] = [self.world.market.price0]   # price0 * exp(log price)
        self._last_month = self.world.horizon_days // DAYS_PER_MONTH
        self._start()

    def _end(self) -> EventLog:
        """Log the price path and the end of the deal; freeze and return the log."""
        self._log_price_path()
        self.log.record(self.calendar.now, ev.DEAL_ENDED, "calendar", "§2(e)", dict(
            demands_used=self.company.demands_used))
        return self.log.freeze()

    def _start(self) -> None:
        sc, terms, log = self.world, self.terms, self.log
        log.record(0, ev.DEAL_CLOSED, "company", "recitals", dict(
            seed=self.seed, deal=self.deal, investors=len(self.investors), units=self.total_units,
            registrable_shares=self.registrable_total, other_holders=len(self.other_holders),
            investor_ids=tuple(i.name for i in self.investors),
            holdings=tuple((i.name, i.registrable) for i in self.investors),
            price=sc.market.price0, closing_date=self.closing_iso,
            warrant_expiry_day=self.warrant_expiry_day, prior_statements=tuple(
                (p.id, p.effective_day, p.permits_resale, p.form_permits_resale)
                for p in sc.prior_statements),
            # PIPE RRA keep_effective_until = rule144_unlimited: the §2(e) period's end.
            **({} if self.rule144_day is None else {"rule144_day": self.rule144_day}),
            # PIPE RRA damages are paid pro rata to each Investor's purchase price (Units).
            **({} if not terms.damages_rate_percent_per_30_days else {
                "units_by_investor": tuple((i.name, i.units) for i in self.investors)})))
        self.company.capital.check()
        self.company.statements += [(p.effective_day, p.permits_resale, p.form_permits_resale,
                                     p.id) for p in sc.prior_statements]
        self.offerings = draw_offerings(self)
        for plan in self.offerings:
            plan.resolved = self.calendar.signal()
            self.calendar.process(offering_process(self, plan))
        self.activity_day = self.company.draw_activity()
        if self.activity_day is not None:
            self.calendar.at(self.activity_day, Order.ACTION, lambda _: log.record(
                self.activity_day, ev.OTHER_ACTIVITY_COMMENCED, "company", "§1(d)", {}))
        for adj in sc.share_adjustments:
            self.calendar.at(adj.day, Order.ACTION, lambda _, adj=adj: self._adjust_shares(adj))
        if resale.registration_required(terms):
            self.company.require_registration()
        self.investor_group.schedule_demand(base_day=0, second=False)
        if self.transfers_on:
            transfers.schedule(self)

    def _log_price_path(self) -> None:
        """Log the month-by-month price path, with the market and Rule 144 facts the
        value of a registration is measured by (scenario, not negotiated)."""
        last = max(self.calendar.now, self.exit_day)
        self.price_at(last)                          # extend the path that far
        months = last // DAYS_PER_MONTH + 1 if last > 0 else 1
        self.log.record(self.calendar.now, ev.PRICE_PATH, "market", "scenario", dict(
            month_days=DAYS_PER_MONTH, prices=tuple(self._prices[:months]),
            **self._path_facts))

    def _adjust_shares(self, adj) -> None:
        """§7: "Registrable Shares" include "any other shares of capital stock of the
        Company issued to the Investors in respect of such shares as a result of stock
        splits, stock dividends ...": every Investor's Registrable Shares, and every
        request and registration of them, are multiplied by the ratio (the Units, and so
        the §1(a) majority, are not); the price per share is divided by it."""
        r = adj.ratio
        before = sum(self.holdings.registrable.values())
        self.holdings.scale(r)
        for reg in self.registrations:
            for table in (reg.requested, reg.registered, reg.unregistered_capital, reg.sales):
                for name in table:
                    table[name] = int(table[name] * r)
        for plan in self.offerings:
            for name in plan.requests:
                plan.requests[name] = int(plan.requests[name] * r)
        capital = self.company.capital
        capital.headroom = int(capital.headroom * r)
        self.share_factor *= r
        self._factor_days.append((self.calendar.now, self.share_factor))
        self.registrable_total = sum(self.holdings.registrable.values())
        self.log.record(self.calendar.now, ev.SHARES_ADJUSTED, "company", "§7", dict(
            kind=adj.kind, ratio=r, registrable_before=before,
            registrable_after=self.registrable_total, factor=self.share_factor))

    def share_price(self, day: int) -> float:
        """Price of one share of the Common as it is on ``day`` (after any split or stock
        dividend up to then): :meth:`price_at` is the price per share at the closing."""
        price = self.price_at(day)
        if not self._factor_days:
            return price
        factor = 1.0
        for since, f in self._factor_days:
            if since <= day:
                factor = f
        return price / factor

    # --- Market --------------------------------------------------------------------------
    def price_at(self, day: int) -> float:
        """Price of the Common on ``day`` per share at the closing (adjusted for splits and
        stock dividends, so ratios of prices are returns): GBM sampled monthly (piecewise
        constant). The price of one share as it is then is :meth:`share_price`.

        The path ends at the scenario's horizon: a later day (a duration drawn past the
        horizon, at most ``distributions.MAX_DAYS``) has the horizon's price, so no draw
        can make the path grow without bound."""
        month = min(day // DAYS_PER_MONTH, self._last_month) if day > 0 else 0
        prices = self._prices
        if month < len(prices):             # a month already priced (most calls)
            return prices[month]
        logs = self._log_prices             # extend the path to this month (once per month)
        fixed = self.policy.script.events.market_returns
        drift, vol, normal = self._monthly_drift, self._monthly_vol, self.market_stream.normal
        price0 = self.world.market.price0
        for k in range(len(logs) - 1, month):
            if fixed is not None:
                step = fixed[k] if k < len(fixed) else 0.0
            else:
                step = drift + vol * normal(k)      # MARKET.slot("month", k) == k
            logs.append(logs[-1] + step)
            prices.append(price0 * math.exp(logs[-1]))
        return prices[month]

    def price_trigger_day(self, start: int, until: int) -> int | None:
        """First month start in ``[start, until]`` with the price at the investors' trigger."""
        trigger = self.world.market.price0 * (1 + self.world.investor_behaviour.price_trigger)
        day = start
        while day <= until:
            if self.price_at(day) >= trigger:
                return day
            day = (day // DAYS_PER_MONTH + 1) * DAYS_PER_MONTH
        return None

    def demand_pending(self) -> bool:
        """Whether a demand registration is under way (received, not yet over)."""
        return bool(self.company.active)


# --- The state of a stepped deal, day by day (DealModel(collect=True)) ----------------
# The phase a deal is in after each of these events (the latest one up to the day).
PHASES = {
    ev.DEAL_CLOSED: "closed", ev.REGISTRATION_REQUIRED: "registration required",
    ev.DEMAND_SENT: "demand sent", ev.DEMAND_RECEIVED: "demand received",
    ev.FILING_WINDOW_SET: "preparing the filing", ev.STATEMENT_FILED: "filed",
    ev.STATEMENT_EFFECTIVE: "effective", ev.SALES_SUSPENDED: "sales suspended",
    ev.SALES_RESUMED: "effective", ev.STATEMENT_WITHDRAWN: "withdrawn",
    ev.EFFECTIVENESS_ENDED: "effectiveness ended", ev.DEAL_ENDED: "ended"}


def _events_so_far(model: DealModel):
    day = model.day
    return (e for e in model.log.events if e.day <= day)


def _phase(model: DealModel) -> str:
    phase = ""
    for e in _events_so_far(model):
        phase = PHASES.get(e.kind, phase)
    return phase


def _effective(model: DealModel):
    return [r for r in model.registrations
            if 0 <= r.effective_day <= model.day and not r.withdrawn]


class _DeadlinesSoFar:
    """The timeline's open deadlines (:class:`sim.read.timeline.OpenDeadlines`), fed
    with the log's events as a stepped deal advances, read once per day."""

    def __init__(self, model: DealModel) -> None:
        self.tracker = OpenDeadlines(model.terms, model.world.closing_date)
        self.seen, self.day, self.today = 0, -1, []

    def due(self, model: DealModel) -> list[tuple[str, int | None, str]]:
        if model.day != self.day:
            events = model.log.events
            while self.seen < len(events) and events[self.seen].day <= model.day:
                self.tracker.update(events[self.seen])
                self.seen += 1
            self.day, self.today = model.day, self.tracker.due(model.day)
        return self.today


def _open_deadlines(model: DealModel) -> list[tuple[str, int | None, str]]:
    if getattr(model, "_deadlines_so_far", None) is None:
        model._deadlines_so_far = _DeadlinesSoFar(model)
    return model._deadlines_so_far.due(model)


def _company_paid(model: DealModel) -> float:
    paid = 0.0
    for e in _events_so_far(model):
        d = e.details
        if e.kind == ev.REGISTRATION_EXPENSES_PAID and d.get("payer") == "company":
            paid += d["total_usd"]
        elif e.kind == ev.DAMAGES_PAID:
            paid += d["amount_usd"] + d.get("interest_usd", 0.0)
        elif e.kind == ev.CONSIDERATION_PAID:
            paid += d["total_usd"]
        elif e.kind == ev.LOSS_ALLOCATED:
            paid += sum(usd for party, usd in d["borne"] if party == "company")
    return round(paid, 2)


def _selling_costs(model: DealModel) -> float:
    return round(sum(e.details["cost_usd"] for e in _events_so_far(model)
                     if e.kind == ev.SELLING_COSTS_PAID), 2)


#: What ``DealModel(collect=True).datacollector`` records each day, read from the model
#: and its log up to that day: the day and its date, the phase (the latest of
#: :data:`PHASES`), the shares registered by statements declared effective so far (and
#: not withdrawn before), the deadlines open as the timeline shows them (their number and
#: the next one's date: :class:`sim.read.timeline.OpenDeadlines`), what the Company has paid
#: (Registration Expenses it bore, liquidated damages with interest, consideration for
#: waivers, claim losses) and the sellers' selling costs (§4).
MODEL_REPORTERS = {
    "day": lambda m: m.day,
    "date": lambda m: label(m.day, m.world.closing_date),
    "phase": _phase,
    "shares_registered": lambda m: sum(sum(r.registered.values()) for r in _effective(m)),
    "open_deadlines": lambda m: len(_open_deadlines(m)),
    "next_deadline": lambda m: next(
        (label(d, m.world.closing_date) for _, d, _ in _open_deadlines(m) if d is not None),
        ""),
    "company_paid_usd": _company_paid,
    "selling_costs_usd": _selling_costs,
}
#: Each Investor, each day: its Registrable Shares (§7) and its shares registered by
#: statements declared effective so far.
INVESTOR_REPORTERS = {
    "registrable_shares": lambda a: a.model.holdings.registrable.get(a.name, 0),
    "shares_registered": lambda a: sum(r.registered.get(a.name, 0)
                                       for r in _effective(a.model)),
}


def rule144_unlimited_day(terms: Terms, scenario: Scenario) -> int | None:
    """PIPE RRA ``keep_effective_until = "rule144_unlimited"``: the day the Investors may
    sell all their shares under Rule 144(k), ``rule144.unlimited_years`` from the closing
    (:mod:`sim.world.rule144`); an affiliate never may, so with an affiliate among them
    the statement is kept effective to the horizon. None under ``"years"``."""
    if terms.keep_effective_until != "rule144_unlimited":
        return None
    if any(i.affiliate for i in scenario.investors):
        return scenario.horizon_days
    return rule144.unlimited_day(scenario)


def run_deal(terms: Terms, scenario: Scenario, seed: int = 0, deal: int = 0, *,
             script: Script | None = None,
             policy: str | type[ScenarioPolicy] = DEFAULT_POLICY) -> EventLog:
    """Play one deal and return its event log (a new model; see :class:`DealModel`)."""
    return DealModel(terms, scenario, seed, script=script, policy=policy).run(deal)
