"""Throughput benchmark of the deal engine: deals per second on one core.

Builds the default model (the agreement as written, the ``bestnet-2003`` scenario),
then plays deals the way :func:`sim.deal.batch.run_deals` does: draws are prepared per chunk
of 2,000 deals (``model.streams.prepare``), each deal is played (``model.run``) and its
outcome row computed (:func:`sim.read.outcomes.outcomes`). The whole pass is repeated and the
median, minimum and maximum throughput over the repeats are reported, with the split of
time between draw preparation, running and outcomes.

Whole sweeps (executors, worker scaling, memory) are measured by
:mod:`experiments.benchmarks.sweep`.

Run it as a script (it is not a test)::

    python3 -m experiments.benchmarks.deals [--deals N] [--repeats R] [--seed S]

Everything runs in this one process, so "per core" is the single-process figure. The
SimPy event count comes from a separate, untimed pass.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

from sim.deal.model import DealModel
from sim.read.outcomes import outcomes
from sim.world.scenario import load_scenario
from sim.law.terms import load_terms

CHUNK = 2000


@dataclass
class Pass:
    """Timings of one benchmark pass over all deals.

    Attributes:
        deals: Deals played.
        events: Log events over all deals.
        prepare_s: Seconds spent preparing draws (``streams.prepare``).
        run_s: Seconds spent playing deals (``model.run``).
        outcomes_s: Seconds spent computing outcome rows.
    """

    deals: int
    events: int
    prepare_s: float
    run_s: float
    outcomes_s: float

    @property
    def total_s(self) -> float:
        """Seconds of the whole pass."""
        return self.prepare_s + self.run_s + self.outcomes_s

    @property
    def rate(self) -> float:
        """Deals per second over the whole pass."""
        return self.deals / self.total_s


def one_pass(model: DealModel, n_deals: int, chunk: int = CHUNK) -> Pass:
    """Play deals ``0 .. n_deals - 1`` on ``model`` in chunks, timing each phase.

    Each deal's outcome row is computed right after the deal, as the runner does (a
    log read later, after thousands of other deals, is no longer in the CPU caches and
    would make the outcomes look several times dearer). The timer is read three times
    per deal, a fraction of a microsecond.

    Args:
        model: A built model (reused for every deal, as the runner does).
        n_deals: Number of deals to play.
        chunk: Deals per draw block.

    Returns:
        The pass's timings and event count.
    """
    prep = run = outc = 0.0
    events = 0
    clock, play, streams, terms = time.perf_counter, model.run, model.streams, model.terms
    for start in range(0, n_deals, chunk):
        n = min(chunk, n_deals - start)
        t0 = clock()
        streams.prepare(start, n)
        prep += clock() - t0
        for deal in range(start, start + n):
            t1 = clock()
            log = play(deal)
            t2 = clock()
            outcomes(log, terms)
            t3 = clock()
            run += t2 - t1
            outc += t3 - t2
            events += len(log)
    return Pass(n_deals, events, prep, run, outc)


def count_simpy_events(model: DealModel, n_deals: int) -> float:
    """Mean SimPy events scheduled per deal, over deals ``0 .. n_deals - 1``.

    SimPy numbers every event it schedules (timeouts, succeeded events, process starts
    and ends) from the environment's ``_eid`` counter, which starts at 0 for each
    deal's calendar; after a deal has run, the counter's next value is its event count.

    Args:
        model: A built model.
        n_deals: Deals to count over.

    Returns:
        Scheduled SimPy events per deal.
    """
    total = 0
    for start in range(0, n_deals, CHUNK):
        n = min(CHUNK, n_deals - start)
        model.streams.prepare(start, n)
        for deal in range(start, start + n):
            model.run(deal)
            total += next(model.calendar.env._eid)
    return total / n_deals


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run the repeats and print the report.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).
    """
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deals", type=int, default=20_000, help="deals per repeat")
    ap.add_argument("--repeats", type=int, default=5, help="timed repeats")
    ap.add_argument("--seed", type=int, default=0, help="root seed")
    args = ap.parse_args(argv)
    if args.deals < 1 or args.repeats < 1:
        ap.error("--deals and --repeats must be at least 1")

    t0 = time.perf_counter()
    model = DealModel(load_terms(), load_scenario(), args.seed)
    build_ms = (time.perf_counter() - t0) * 1e3
    one_pass(model, min(args.deals, CHUNK))            # warm-up (imports, caches)
    passes = [one_pass(model, args.deals) for _ in range(args.repeats)]
    simpy_per_deal = count_simpy_events(model, min(args.deals, 4 * CHUNK))

    rates = [p.rate for p in passes]
    med = statistics.median(rates)
    prep = statistics.median(p.prepare_s for p in passes)
    run = statistics.median(p.run_s for p in passes)
    outc = statistics.median(p.outcomes_s for p in passes)
    total = prep + run + outc
    n = args.deals
    print(f"regsim benchmark: default scenario, seed {args.seed}, {n:,} deals x "
          f"{args.repeats} repeats, chunks of {CHUNK:,} (model built in {build_ms:.0f} ms)")
    print(f"  deals/s per core   median {med:,.0f}   min {min(rates):,.0f}   "
          f"max {max(rates):,.0f}")
    print(f"  us per deal        {1e6 / med:.1f}")
    print(f"  events per deal    {passes[0].events / n:.2f} (log)   "
          f"{simpy_per_deal:.2f} (SimPy scheduled)")
    print("  time split (median per phase):")
    for label, secs in (("prepare draws", prep), ("run deals", run), ("outcomes", outc)):
        print(f"    {label:<14} {secs:7.3f} s  {100 * secs / total:5.1f} %  "
              f"{1e6 * secs / n:6.2f} us/deal")


if __name__ == "__main__":
    main()
