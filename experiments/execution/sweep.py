"""Sweeps: many deals over variants and design points, on any executor, resumable.

A sweep splits every (design point, variant) cell into *tasks* of ``task_size``
replications (about a second of work each). A task carries its cell's terms and
scenario, the root seed and the deal indices -- seed material, never a live generator
-- and returns its rows as an Arrow table, written as one Parquet shard, atomically
(write to a temporary name, then rename): by the parent for Dask or in-process tasks, by
the worker itself in the local pool (:func:`run_and_write`).

Execution is written against :class:`concurrent.futures.Executor`:

* a local process pool on all cores (the default; ``workers=1`` is one process);
* Dask distributed (``client.get_executor()``): an existing scheduler's address, or
  ``"local"`` for a :class:`distributed.LocalCluster` -- the way to a cluster
  (dask-jobqueue, Kubernetes) without new code;
* :class:`InProcess`, which runs each task when it is submitted (tests, debugging).

Replication *r* of every cell is deal *r* of the root seed: every variant and design
point meets the same random futures (common random numbers), and a row depends only on
(cell, seed, r). Hence the table, sorted by (point, variant, replication), is identical
for any executor, worker count, task order, or interruption.

Resuming: ``results/<experiment>/manifest.json`` records the experiment's fingerprint
(:meth:`experiments.execution.spec.Experiment.fingerprint`). Rerunning keeps every finished shard
and runs only the missing ones; a spec whose cells, seed or task size changed refuses to
mix with the old shards, except one that only adds design points after the old ones
(:func:`extends`: a Saltelli design's larger base keeps its first points); a kept shard whose footer does not read or whose row count is
wrong is deleted and run again. One sweep at a time writes into a folder (a lock).

Nothing finished is lost: a failing replication is a row whose ``error`` says why (a task
that fails as a whole is played again deal by deal); a worker that dies (killed, out of
memory) has its tasks resubmitted on a fresh pool, a bounded number of times; Ctrl-C or
SIGTERM stops the pool and keeps every finished shard (:class:`Interrupted`).
"""

from __future__ import annotations

import os
import re
import sys
import time
from concurrent.futures import BrokenExecutor, Executor, Future, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from experiments.execution.spec import Experiment
from sim.core.config import ConfigError, as_dict
from experiments.execution.files import write_atomic, write_json
from experiments.execution.folder import (MANIFEST, SHARDS, check_folder, locked, read_manifest,
                                          read_shard, verify_shards)
from experiments.execution.workers import LocalPool, Terminated, stop_on_signals
from experiments.execution.provenance import git_commit, versions
from sim.world.scenario import Scenario
from sim.read.table import KEYS, SWEEP_SCHEMA, rows_to_table, to_frame
from sim.law.terms import Terms

if TYPE_CHECKING:
    from sim.deal.model import DealModel

#: Fresh local pools a sweep starts after workers died, before it gives up.
MAX_FRESH_POOLS = 3

__all__ = ["MANIFEST", "SHARDS", "read_manifest", "Task", "run_task", "executor_for", "plan",
           "sweep", "load_table", "frames_by_variant", "Interrupted", "check_dask_address"]


@dataclass(frozen=True)
class Task:
    """One task: replications ``[first, first + count)`` of one cell.

    Attributes:
        point, variant: The cell.
        block: The task's index within its cell (``first // task_size``).
        first, count: The replications (= deal indices of the root seed).
        terms, scenario, seed, policy: What the rows are a function of.
        cell_key: Digest of (terms, scenario): workers reuse a model per cell.
    """

    point: int
    variant: str
    block: int
    first: int
    count: int
    terms: Terms
    scenario: Scenario
    seed: int
    policy: str
    cell_key: str

    @property
    def shard_name(self) -> str:
        """The shard file: ``p<point>-<variant>-b<block>-n<count>.parquet``."""
        return f"p{self.point:05d}-{self.variant}-b{self.block:06d}-n{self.count}.parquet"


# Models built in this worker process, by (cell, seed, policy): built once, reset per
# deal. A few cells at most are live at once (tasks of a cell are submitted together).
# The engine (Mesa and the agents) is imported where deals are played, in the workers:
# a process that only reads finished results (compare, plot, report) never loads it.
_MODELS: dict[tuple[str, int, str], DealModel] = {}
_MAX_MODELS = 8


def _model(task: Task) -> DealModel:
    from sim.deal.model import DealModel

    key = (task.cell_key, task.seed, task.policy)
    model = _MODELS.pop(key, None)
    if model is None:
        model = DealModel(task.terms, task.scenario, task.seed, policy=task.policy)
    _MODELS[key] = model                      # most recently used last
    while len(_MODELS) > _MAX_MODELS:
        _MODELS.pop(next(iter(_MODELS)))
    return model


def run_task(task: Task) -> pa.Table:
    """Play a task's replications and return its rows (sweep schema, sorted).

    A replication that raises becomes a row with its ``error`` and null outcomes. If the
    task fails as a whole (building the model, drawing a chunk, a row that does not fit
    the table), it is played again deal by deal (:func:`_deal_by_deal`): every deal that
    can be played is kept, and each one that cannot is a row with its error.
    """
    from sim.deal.batch import play

    try:
        rows = play(_model(task), task.first, task.count, catch_errors=True)
        return _table(task, rows)
    except Exception:  # noqa: BLE001 -- every deal is retried alone; its error is kept
        return _table(task, _deal_by_deal(task))


def _table(task: Task, rows: list[dict]) -> pa.Table:
    for row in rows:
        row["replication"] = row["deal"]
    return rows_to_table(rows, SWEEP_SCHEMA, point=task.point, variant=task.variant)


def _deal_by_deal(task: Task) -> list[dict]:
    """The task's rows, each deal played alone on a model built for it if the last one
    failed: a deal that raises anywhere (the model, its draws, its row) is a row with
    its ``error``."""
    from sim.deal.batch import play

    key = (task.cell_key, task.seed, task.policy)
    _MODELS.pop(key, None)              # the failure may have left it in any state
    rows = []
    for deal in range(task.first, task.first + task.count):
        try:
            row = play(_model(task), deal, 1)[0]
            _table(task, [dict(row)])       # the row fits the table
        except Exception as exc:  # noqa: BLE001 -- recorded in the row, not lost
            _MODELS.pop(key, None)
            row = {"deal": deal, "error": f"{type(exc).__name__}: {exc}"[:1000]}
        rows.append(row)
    return rows


def _write_shard(path: Path, table: pa.Table) -> int:
    """Write a task's shard atomically; returns its number of failed replications."""
    write_atomic(path, lambda p: pq.write_table(table, p, compression="zstd"))
    return len(table) - table.column("error").null_count


def run_and_write(task: Task, shards: str) -> int | tuple[str, str, str]:
    """Run a task in a local worker and write its shard there (same machine, same
    folder); returns the number of failed replications, or a write error's (source,
    key, problem).

    The parent receives a few bytes, not the table: a message that short is written to
    the pool's pipe at once, so a worker killed at any moment never leaves half a
    message behind (the pool's reader would wait for the rest forever).
    """
    table = run_task(task)
    try:
        return _write_shard(Path(shards) / task.shard_name, table)
    except ConfigError as exc:
        return (exc.source, exc.key, exc.problem)


class InProcess(Executor):
    """An executor that runs each task in the calling process, when submitted."""

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 -- handed to the caller via the future
            future.set_exception(exc)
        return future


@contextmanager
def executor_for(workers: int | None = None, dask: str | None = None) -> Iterator[Executor]:
    """The executor a sweep runs on.

    Args:
        workers: Local processes (default: all cores); with ``dask="local"``, the
            LocalCluster's workers. ``0`` runs in this process.
        dask: A Dask scheduler address (``tcp://host:8786``), or ``"local"`` to start a
            :class:`distributed.LocalCluster` (one single-threaded process per worker).
    """
    if dask is None:
        if workers == 0:
            yield InProcess()
            return
        pool = LocalPool(workers or os.cpu_count() or 1,
                         ["experiments.execution.sweep", "sim.deal.batch"])
        try:
            yield pool
        except BaseException:
            pool.kill()                 # Ctrl-C, SIGTERM, an error: no worker left
            raise
        pool.shutdown()
        return
    check_dask_address(dask)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("--dask", "", "needs Dask, an optional extra: pip install "
                          "'regsim[dask]' (or run without --dask on this machine's "
                          "cores)") from None

    if dask == "local":
        with LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                          processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            yield client.get_executor()
    else:
        client = _connect(Client, dask)
        with client:
            yield client.get_executor()


def _connect(client_cls: Callable, address: str) -> Any:
    """A Dask client connected to the scheduler at ``address``.

    Raises:
        ConfigError: the connection failed, whatever the reason (nothing listening, a
            timeout, something at that address that does not speak Dask's protocol).
    """
    try:
        return client_cls(address, timeout="15s")
    except Exception as exc:  # noqa: BLE001 -- any failure to connect is one line
        text = " ".join(str(exc).split())[:120]
        raise ConfigError("--dask", "", f"could not connect to a Dask scheduler at "
                          f"{address} ({type(exc).__name__}: {text}); allowed: the address "
                          "of a running scheduler, or local") from None


_DASK_ADDRESS = re.compile(r"^(?:(tcp|tls)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def check_dask_address(address: str) -> str | None:
    """Check a ``--dask`` address before connecting; returns a warning, or None.

    Allowed: ``local``, ``tcp://host:port``, ``tls://host:port`` or ``host:port``. A
    scheduler elsewhere reached without TLS gets a warning: results come back from it
    unpickled, so it (and the network) must be trusted.

    Raises:
        ConfigError: another form (``--dask: ...``), before anything is started.
    """
    if address == "local":
        return None
    m = _DASK_ADDRESS.match(address)
    if m is None or not 0 < int(m.group(3)) < 65536:
        raise ConfigError("--dask", "", f"{address[:80]!r} is not a scheduler address; "
                          "allowed: local, tcp://host:port, tls://host:port or host:port")
    if m.group(1) != "tls" and m.group(2).lower() not in _LOCAL_HOSTS:
        return (f"--dask {address}: results come back unpickled from this scheduler, over "
                "a connection without TLS; use tls:// or a trusted network")
    return None


def plan(exp: Experiment) -> list[Task]:
    """Every task of the experiment, cell by cell, in table order."""
    tasks = []
    for cell in exp.cells:
        key = cell.key()
        for block, first in enumerate(range(0, exp.replications, exp.task_size)):
            tasks.append(Task(cell.point, cell.variant, block, first,
                              min(exp.task_size, exp.replications - first), cell.terms,
                              cell.scenario, exp.seed, exp.policy, key))
    return tasks


def manifest_for(exp: Experiment) -> dict[str, Any]:
    """What a results folder records about the experiment that wrote it."""
    return {
        "kind": "regsim sweep", "name": exp.name, "description": exp.description,
        "fingerprint": exp.fingerprint(), "spec_file": exp.source, "spec": exp.raw,
        "seed": exp.seed, "replications": exp.replications, "task_size": exp.task_size,
        "policy": exp.policy, "outcomes": list(exp.outcomes),
        "variants": [{"name": v.name, "label": v.label, "terms": v.terms,
                      "scenario": v.scenario} for v in exp.variants],
        "design": {"method": exp.design_method, "parameters": list(exp.parameters),
                   "points": [dict(p) for p in exp.points]},
        "cells": [{"point": c.point, "variant": c.variant, "key": c.key(),
                   "terms": as_dict(c.terms)} for c in exp.cells],
        "scenario": as_dict(exp.cells[0].scenario),
        "versions": versions(), "git_commit": git_commit(),
    }


def _explain_change(old: dict[str, Any], new: dict[str, Any]) -> str:
    """The first visible reason two manifests' fingerprints differ."""
    if "fingerprint" not in old:
        return f"written by {old.get('kind') or 'something else'}, in another format"
    for key in ("seed", "task_size", "policy"):
        if old.get(key) != new.get(key):
            return f"{key} {old.get(key)!r} -> {new.get(key)!r}"
    old_names = [v["name"] for v in old.get("variants", [])]
    new_names = [v["name"] for v in new["variants"]]
    if old_names != new_names:
        return f"variants {old_names} -> {new_names}"
    old_cells = {(c["point"], c["variant"]): c for c in old.get("cells", [])}
    for c in new["cells"]:
        o = old_cells.get((c["point"], c["variant"]))
        if o is None:
            return f"design point {c['point']} is new"
        for name, value in c["terms"].items():
            if o["terms"].get(name) != value:
                return (f"variant {c['variant']}: {name} {o['terms'].get(name)!r} -> "
                        f"{value!r}")
    if old.get("scenario") != new.get("scenario"):
        return "the scenario"
    if old.get("versions", {}).get("regsim") != new["versions"].get("regsim"):
        return "the regsim version"
    return "the design"


def extends(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether the manifest ``new`` is the experiment of ``old`` with design points
    added after its own (a Saltelli design's larger base, the same seed): the same seed,
    task size, policy, variants and regsim version, and ``old``'s cells the first of
    ``new``'s, each with the same key. Its shards are then shards of ``new``."""
    if "fingerprint" not in old:
        return False
    for key in ("seed", "task_size", "policy"):
        if old.get(key) != new.get(key):
            return False
    if old.get("versions", {}).get("regsim") != new["versions"].get("regsim"):
        return False
    if [v.get("name") for v in old.get("variants", [])] != [v["name"] for v in new["variants"]]:
        return False
    cells = old.get("cells", [])
    if len(cells) > len(new["cells"]):
        return False
    return all(isinstance(o, dict) and (o.get("point"), o.get("variant"), o.get("key"))
               == (n["point"], n["variant"], n["key"]) for o, n in zip(cells, new["cells"]))


def difference(exp: Experiment, old: dict[str, Any]) -> str | None:
    """Why a results folder whose manifest is ``old`` holds another experiment than
    ``exp`` (the first visible reason), or None when it holds this one."""
    if old.get("fingerprint") == exp.fingerprint():
        return None
    return _explain_change(old, manifest_for(exp))


def prepare_folder(exp: Experiment, out: Path) -> dict[str, Any]:
    """Check ``out`` against the experiment (refusing a folder of something else, a
    changed spec, or fewer replications than it holds) and write the manifest; returns
    it. Nothing is written when a check fails."""
    manifest = manifest_for(exp)
    path = out / MANIFEST
    old = check_folder(out)
    if old is not None and old.get("fingerprint") != manifest["fingerprint"] \
            and not extends(old, manifest):
        raise ConfigError(str(out), "", "holds shards of a different experiment ("
                          + _explain_change(old, manifest) + "); choose another --out "
                          "(nothing in this one was changed)")
    if (out / SHARDS).is_dir():
        _refuse_fewer_replications(exp, out, out / SHARDS)
    (out / SHARDS).mkdir(parents=True, exist_ok=True)
    manifest["status"] = "running"
    write_json(path, manifest)
    return manifest


_SHARD = re.compile(r"^p(\d+)-(.+)-b(\d+)-n(\d+)\.parquet$")


class Interrupted(KeyboardInterrupt):
    """A sweep stopped by Ctrl-C or SIGTERM; every finished shard is kept.

    Attributes:
        finished, total: Tasks whose shards are on disk, and all tasks.
        code: The exit status (130 for Ctrl-C, 143 for SIGTERM).
    """

    def __init__(self, finished: int, total: int, code: int = 130) -> None:
        self.finished, self.total, self.code = finished, total, code
        super().__init__(f"interrupted: {finished} of {total} tasks finished are kept; "
                         "rerun the same command to resume")


def _refuse_fewer_replications(exp: Experiment, out: Path, shards: Path) -> None:
    """Finished results are never deleted: a folder whose shards hold more replications
    of a cell than asked is refused in one line (rerun with at least as many, or choose
    another folder); a smaller earlier run is extended as before."""
    held = 0
    for f in shards.glob("*.parquet"):
        m = _SHARD.match(f.name)
        if m is not None:
            held = max(held, int(m.group(3)) * exp.task_size + int(m.group(4)))
    if held > exp.replications:
        raise ConfigError(str(out), "replications",
                          f"holds {held:,} finished replications per cell; "
                          f"--replications {exp.replications:,} would discard some: rerun "
                          f"with --replications {held} or more, or choose another --out")


@dataclass
class SweepReport:
    """What a sweep did."""

    out: Path
    tasks: int
    reused: int
    ran: int
    replaced: int
    deals: int
    seconds: float
    errors: int
    corrupt: int = 0

    @property
    def rate(self) -> float:
        return self.deals / self.seconds if self.seconds > 0 else float("nan")


def sweep(exp: Experiment, out: Path, executor: Executor,
          progress: bool | None = None) -> SweepReport:
    """Run the experiment's missing tasks on ``executor``; write shards and manifest.

    Args:
        exp: The loaded experiment.
        out: The results folder (``results/<name>`` by default in the CLI).
        executor: Any ``concurrent.futures.Executor`` (see :func:`executor_for`); one
            with a ``renew()`` method (:class:`~experiments.execution.workers.LocalPool`)
            is renewed when a worker dies, at most :data:`MAX_FRESH_POOLS` times.
        progress: Show a progress bar with rate and ETA (``None``: only on a terminal).

    Raises:
        ConfigError: a folder that holds something else, or another sweep running into
            it; workers that kept dying. Finished shards are kept in every case.
        Interrupted: Ctrl-C or SIGTERM (finished shards are kept).
    """
    out = Path(out)
    check_folder(out)               # a folder of someone's files is refused untouched
    out.mkdir(parents=True, exist_ok=True)
    with locked(out), stop_on_signals():
        return _sweep_locked(exp, out, executor, progress)


def _sweep_locked(exp: Experiment, out: Path, executor: Executor,
                  progress: bool | None) -> SweepReport:
    from tqdm import tqdm

    shards = out / SHARDS
    manifest = prepare_folder(exp, out)
    for stale in shards.glob(".*.tmp"):       # a write cut short by a kill
        stale.unlink()
    tasks = plan(exp)
    wanted = {t.shard_name for t in tasks}
    # A shard of a block planned with another count (a smaller earlier --replications)
    # is superseded: its block is run again whole, so no replication appears twice.
    replaced = 0
    for f in shards.glob("*.parquet"):
        if f.name not in wanted:
            f.unlink()
            replaced += 1
    corrupt = verify_shards(shards, {t.shard_name: t.count for t in tasks},
                            SWEEP_SCHEMA.names)
    todo = [t for t in tasks if not (shards / t.shard_name).exists()]
    deals = sum(t.count for t in todo)
    errors = 0
    deaths = 0
    pending = list(todo)
    local = isinstance(executor, LocalPool)
    started = time.perf_counter()
    try:
        with tqdm(total=deals, unit="deal", disable=progress is False
                  if progress is not None else None, file=sys.stderr, smoothing=0.1,
                  dynamic_ncols=True, desc=exp.name) as bar:
            while pending:
                futures: dict[Future, Task] = {}
                broken = False
                for t in pending:
                    try:
                        futures[executor.submit(run_task, t) if not local else
                                executor.submit(run_and_write, t, str(shards))] = t
                    except BrokenExecutor:      # a worker died while tasks were queued
                        broken = True
                        break
                for fut in as_completed(futures):
                    task = futures.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenExecutor:      # a worker died: its pool is gone
                        broken = True
                        continue
                    if local:                       # the worker wrote the shard
                        if isinstance(result, tuple):
                            raise ConfigError(*result)
                        errors += result
                    else:
                        errors += _write_shard(shards / task.shard_name, result)
                    bar.update(task.count)
                pending = [t for t in pending if not (shards / t.shard_name).exists()]
                if broken and pending:
                    deaths += 1
                    renew = getattr(executor, "renew", None)
                    if renew is None or deaths > MAX_FRESH_POOLS:
                        raise ConfigError(str(out), "", f"a worker died {deaths} times "
                                          "(killed, or out of memory?); finished shards are "
                                          "kept: rerun to resume")
                    renew()
    except KeyboardInterrupt as exc:
        stop = getattr(executor, "kill", None)
        if stop is not None:
            stop()              # local workers write shards: count once they are gone
        finished = sum((shards / t.shard_name).exists() for t in tasks)
        manifest.update(status="interrupted", last_run={
            "tasks_finished": finished, "tasks": len(tasks),
            "signal": "SIGTERM" if isinstance(exc, Terminated) else "SIGINT"})
        write_json(out / MANIFEST, manifest)
        raise Interrupted(finished, len(tasks), 143 if isinstance(exc, Terminated)
                          else 130) from None
    seconds = time.perf_counter() - started
    manifest.update(status="complete", last_run={
        "tasks_run": len(todo), "tasks_reused": len(tasks) - len(todo), "deals": deals,
        "seconds": round(seconds, 3), "errors": errors, "corrupt_rerun": corrupt})
    write_json(out / MANIFEST, manifest)
    return SweepReport(out, len(tasks), len(tasks) - len(todo), len(todo), replaced, deals,
                       seconds, errors, corrupt)


def load_table(out: Path, exp: Experiment | None = None,
               columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The sweep table of a results folder, sorted by (point, variant, replication).

    With ``exp``, exactly the shards of its plan are read (a missing one is an error);
    without, every shard in the folder. Shards are read in table order (point, variant
    in the spec's order, block), so the concatenation is already sorted and no copy is
    made to sort it. ``variant`` is a categorical in the spec's order; the other columns
    keep their Arrow types (:mod:`sim.read.table`). With ``columns``, only those are
    read (besides the keys point, variant, replication): a million-deal table's summary
    needs a few of its columns, not all of them in memory.
    """
    manifest = read_manifest(out)
    names = [v["name"] for v in manifest["variants"]]
    shards = Path(out) / SHARDS
    if exp is not None:
        files = [shards / t.shard_name for t in plan(exp)]
        missing = [f.name for f in files if not f.exists()]
        if missing:
            raise ConfigError(str(out), "", f"{len(missing)} shards missing (first: "
                              f"{missing[0]}); rerun `regsim sweep` to finish")
    else:
        order = {name: i for i, name in enumerate(names)}
        found = []
        for f in shards.glob("*.parquet"):
            m = _SHARD.match(f.name)
            if m and m.group(2) in order:
                found.append(((int(m.group(1)), order[m.group(2)], int(m.group(3))), f))
        files = [f for _, f in sorted(found)]
    if not files:
        raise ConfigError(str(out), "", "no shards yet; run `regsim sweep SPEC`")
    schema = SWEEP_SCHEMA
    if columns is not None:
        wanted = set(KEYS) | set(columns)
        schema = pa.schema([f for f in SWEEP_SCHEMA if f.name in wanted])
    table = pa.concat_tables([read_shard(f, columns=schema.names, schema=schema)
                              for f in files])
    codes = pc.index_in(table.column("variant"), value_set=pa.array(names, pa.string()))
    df = to_frame(table.drop_columns(["variant"]))
    del table
    df.insert(1, "variant", pd.Categorical.from_codes(
        codes.to_numpy().astype("int8"), categories=names, ordered=True))
    return df


def frames_by_variant(df: pd.DataFrame, point: int = 0) -> dict[str, pd.DataFrame]:
    """The rows of one design point, one table per variant (replications aligned).

    A table of one point and one variant (``regsim run``) is returned as it is, not
    copied: a million-deal table is held once.
    """
    points = df["point"].to_numpy()
    at = df if (points == point).all() else df[points == point]
    if at["variant"].nunique() == 1:
        return {str(at["variant"].iloc[0]): at.reset_index(drop=True)}
    return {str(v): g.reset_index(drop=True)
            for v, g in at.groupby("variant", observed=True, sort=True)}
