"""Sweep benchmark: whole-sweep throughput by executor, and memory at a million deals.

The engine's own benchmark (:mod:`experiments.benchmarks.deals`) measures one core. This one
runs a real sweep -- the shipped ``negotiated-variants`` spec cut to its first three
variants -- through :func:`experiments.execution.sweep.sweep` into a fresh folder, so the figures
include task shipping, result transfer and the atomic Parquet writes:

* ``scaling``: deals/s on a local process pool with 1 and with 2 workers, and on a Dask
  ``LocalCluster`` with 2 single-threaded worker processes; configurations interleaved,
  each timed ``--repeats`` times (median reported). Executors are started and warmed up
  (every worker has imported regsim) before the clock starts; their start-up time is
  reported separately.
* ``memory``: a sweep of ``--million`` deals (default 10^6) on 2 workers, reporting the
  peak resident memory of the sweeping process and of the largest worker (rows stream
  to disk shard by shard, so neither grows with the number of deals), and the
  in-memory size of the finished table loaded back (typed Arrow columns) per deal.

Run it as a script (it is not a test)::

    python3 -m experiments.benchmarks.sweep scaling [--replications N] [--repeats R]
    python3 -m experiments.benchmarks.sweep memory [--deals N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import time
from concurrent.futures import Executor, wait
from pathlib import Path

from experiments.execution.spec import Experiment, load_spec
from experiments.execution.sweep import executor_for, load_table, sweep

SPEC = Path(__file__).resolve().parent / "specs" / "negotiated-variants.toml"


def three_variants(replications: int) -> Experiment:
    """The shipped negotiated-variants spec cut to base + its first two variants."""
    from dataclasses import replace

    exp = load_spec(SPEC)
    keep = exp.variant_names[:3]
    return replace(exp, variants=exp.variants[:3],
                   cells=tuple(c for c in exp.cells if c.variant in keep),
                   replications=replications)


def _warm(executor: Executor, workers: int) -> None:
    """Make every worker import the engine before timing starts."""
    futures = [executor.submit(__import__, "sim.deal.model") for _ in range(4 * workers)]
    wait(futures)


def _timed_sweep(exp: Experiment, executor: Executor) -> float:
    out = Path(tempfile.mkdtemp(prefix="regsim-bench-"))
    try:
        started = time.perf_counter()
        sweep(exp, out, executor, progress=False)
        return time.perf_counter() - started
    finally:
        shutil.rmtree(out, ignore_errors=True)


def scaling(replications: int, repeats: int) -> None:
    exp = three_variants(replications)
    deals = replications * len(exp.variants)
    configs = {"process pool, 1 worker": (1, None), "process pool, 2 workers": (2, None),
               "Dask LocalCluster, 2 workers": (2, "local")}
    times: dict[str, list[float]] = {k: [] for k in configs}
    startup: dict[str, float] = {}
    for _ in range(repeats):
        for label, (workers, dask) in configs.items():
            t0 = time.perf_counter()
            with executor_for(workers, dask) as ex:
                _warm(ex, workers)
                startup[label] = time.perf_counter() - t0
                times[label].append(_timed_sweep(exp, ex))
    print(f"sweep: {len(exp.variants)} variants x {replications:,} replications = "
          f"{deals:,} deals, task size {exp.task_size:,}; {repeats} repeats, "
          f"{os.cpu_count()} cores")
    rate = {k: deals / statistics.median(v) for k, v in times.items()}
    for label, ts in times.items():
        print(f"  {label:<30} median {deals / statistics.median(ts):>7,.0f} deals/s  "
              f"(min {deals / max(ts):,.0f}, max {deals / min(ts):,.0f}); "
              f"executor start-up {startup[label]:.1f} s")
    one, two = rate["process pool, 1 worker"], rate["process pool, 2 workers"]
    dask = rate["Dask LocalCluster, 2 workers"]
    print(f"  speed-up 1 -> 2 workers: {two / one:.2f}x (target >= 1.8x)")
    print(f"  Dask LocalCluster vs process pool (2 workers): {dask / two - 1:+.1%} "
          "(target within 15%)")


def _rss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024          # Linux: KiB


def memory_figures(deals: int) -> None:
    exp = three_variants(deals // 3)
    n = exp.replications * len(exp.variants)
    out = Path(tempfile.mkdtemp(prefix="regsim-bench-mem-"))
    before = _rss_mib(resource.RUSAGE_SELF)
    try:
        started = time.perf_counter()
        with executor_for(2, None) as ex:
            sweep(exp, out, ex, progress=False)
        seconds = time.perf_counter() - started
        sweep_peak = _rss_mib(resource.RUSAGE_SELF)
        worker_peak = _rss_mib(resource.RUSAGE_CHILDREN)
        on_disk = sum(f.stat().st_size for f in (out / "shards").iterdir())
        table = load_table(out, exp)
        in_memory = int(table.memory_usage(deep=True).sum())
        loaded_peak = _rss_mib(resource.RUSAGE_SELF)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"memory: {n:,} deals ({len(exp.variants)} variants x {exp.replications:,}) on 2 "
          f"workers in {seconds:.0f} s ({n / seconds:,.0f} deals/s)")
    print(f"  sweeping process peak RSS {sweep_peak:,.0f} MiB (before the sweep "
          f"{before:,.0f} MiB); largest worker peak RSS {worker_peak:,.0f} MiB")
    print(f"  shards on disk {on_disk / 2**20:,.1f} MiB ({on_disk / n:.1f} bytes/deal)")
    print(f"  table loaded back: {in_memory / 2**20:,.1f} MiB in memory = "
          f"{in_memory / n:.0f} bytes/deal (target <= 200); process peak RSS after "
          f"loading {loaded_peak:,.0f} MiB")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("scaling", help="deals/s on 1 and 2 workers and on Dask")
    s.add_argument("--replications", type=int, default=20_000)
    s.add_argument("--repeats", type=int, default=3)
    m = sub.add_parser("memory", help="peak memory of a million-deal sweep")
    m.add_argument("--deals", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    if args.what == "scaling":
        scaling(args.replications, args.repeats)
    else:
        memory_figures(args.deals)


if __name__ == "__main__":
    main()
