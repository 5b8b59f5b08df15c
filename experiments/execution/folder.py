"""A results folder: whether a folder is one, its manifest read back and checked, its
kept shards verified, and the lock that lets one sweep at a time write into it.

A results folder holds ``manifest.json`` (what the experiment is, written by
:mod:`experiments.execution.sweep`), ``shards/`` (one Parquet file per task), and maybe
``figures/``, the comparison tables (``comparison.csv``, ``comparison.json``), a
report, and ``.lock``. Every check here reads; none writes, except :func:`verify_shards`,
which deletes a shard that cannot be kept, :func:`locked`, and :func:`replace_results`,
which deletes a folder's results when asked to on purpose (``regsim compare --replace``).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from sim.core.config import ConfigError

SHARDS = "shards"
MANIFEST = "manifest.json"
LOCK = ".lock"

#: What a manifest must hold, with the type each key's value has.
_MANIFEST_KEYS = {"kind": str, "fingerprint": str, "seed": int, "replications": int,
                  "task_size": int, "variants": list, "cells": list}
#: What a folder that has no manifest (yet) may hold: a sweep killed before it wrote one.
_BEFORE_MANIFEST = {SHARDS, LOCK, f".{MANIFEST}.tmp"}
#: The comparison tables ``regsim compare`` writes into a results folder.
TABLES = ("comparison.csv", "comparison.json")
#: The tables of indices ``regsim sensitivity`` writes into a results folder.
SENSITIVITY_TABLES = ("sensitivity.csv", "sensitivity.json")
#: Everything regsim writes into a results folder (and their temporary names): what
#: :func:`replace_results` may delete.
_OURS = {MANIFEST, SHARDS, "figures", *TABLES, *SENSITIVITY_TABLES} | {
    f".{n}.tmp" for n in (MANIFEST, *TABLES, *SENSITIVITY_TABLES)}


def read_manifest(out: str | Path) -> dict[str, Any]:
    """The manifest of a results folder, checked to be one a sweep wrote.

    Raises:
        ConfigError: no manifest, or one that is not JSON, empty, or not a sweep's
            (e.g. ``[]`` or ``{"a": 1}``): one line naming the file.
    """
    path = Path(out) / MANIFEST
    if not path.exists():
        raise ConfigError(str(out), "", "no manifest.json: not a sweep results folder "
                          "(run `regsim sweep SPEC` first)")
    fix = ("; it was not written by regsim sweep or run, or was damaged: nothing in it "
           "was changed; choose another results folder")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"unreadable ({type(exc).__name__}){fix}") from None
    if not text.strip():
        raise ConfigError(str(path), "", f"empty{fix}")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ConfigError(str(path), "", f"not JSON ({str(exc)[:80]}){fix}") from None
    if not isinstance(data, dict):
        raise ConfigError(str(path), "", f"a JSON {type(data).__name__}, not a sweep's "
                          f"manifest (an object){fix}")
    if isinstance(data.get("kind"), str) and data["kind"] != "regsim sweep":
        raise ConfigError(str(path), "kind", f"{data['kind'][:40]!r}: written by something "
                          f"else, or in another format (not 'regsim sweep'){fix}")
    for key, kind in _MANIFEST_KEYS.items():
        value = data.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ConfigError(str(path), key, ("missing" if key not in data else
                              f"a {type(value).__name__}, not a {kind.__name__}") + fix)
    if not all(isinstance(v, dict) and isinstance(v.get("name"), str)
               for v in data["variants"]) or not data["variants"]:
        raise ConfigError(str(path), "variants", f"not a list of named variants{fix}")
    return data


def check_folder(out: str | Path, key: str = "--out") -> dict[str, Any] | None:
    """Whether ``out`` may receive results; returns its manifest, or None if it has none.

    A folder that does not exist, is empty, or holds a regsim results folder is fine
    (the caller then compares fingerprints). Anything else -- a file, a folder of
    someone's files, shards without a manifest -- is refused before anything in it is
    touched.

    Raises:
        ConfigError: one line naming the folder, what it holds and what to do.
    """
    out = Path(out)
    if not out.exists():
        return None
    if not out.is_dir():
        raise ConfigError(str(out), key, "is a file, not a results folder; choose "
                          "another --out")
    if (out / MANIFEST).exists():
        return read_manifest(out)
    others = sorted(p.name for p in out.iterdir() if p.name not in _BEFORE_MANIFEST)
    if others:
        raise ConfigError(str(out), key, f"is not empty and not a regsim results folder "
                          f"(no manifest.json; it holds {others[0]!r}"
                          + (f" and {len(others) - 1} more" if len(others) > 1 else "")
                          + "); nothing was changed: choose a new or empty --out")
    shards = out / SHARDS
    if shards.is_dir() and any(shards.iterdir()):
        raise ConfigError(str(out), key, "has shards but no manifest; choose another --out "
                          "(nothing in this one was changed)")
    return None


@contextmanager
def locked(out: str | Path) -> Iterator[None]:
    """Hold ``<out>/.lock`` while writing into ``out``: a second sweep into the same
    folder is refused at once. The kernel releases the lock when the holder exits, even
    killed, so a lock is never stale.

    Raises:
        ConfigError: another process holds the folder (its pid is named).
    """
    path = Path(out) / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise ConfigError(str(out), "", f"another regsim process (pid {holder}) is "
                              "writing into this folder; wait for it to finish, or choose "
                              "another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)


def replace_results(out: str | Path, key: str = "--out") -> int:
    """Delete the results of the regsim results folder ``out`` -- manifest, shards,
    figures, comparison tables -- so that another experiment can be run into it; returns
    how many shards were deleted. Called only when a user asks for it on purpose.

    Raises:
        ConfigError: ``out`` is not a regsim results folder, or also holds files regsim
            did not write (a report, notes): nothing is deleted then (one line naming one).
    """
    out = Path(out)
    read_manifest(out)
    others = sorted(p.name for p in out.iterdir() if p.name not in _OURS | {LOCK})
    if others:
        raise ConfigError(str(out), key, f"also holds {others[0]!r}"
                          + (f" and {len(others) - 1} more" if len(others) > 1 else "")
                          + ", not written by regsim: nothing was replaced; move it, or "
                          "choose another --out")
    with locked(out):
        shards = list((out / SHARDS).glob("*.parquet")) if (out / SHARDS).is_dir() else []
        for name in sorted(_OURS - {MANIFEST}):
            path = out / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        # Last: a replacement cut short leaves the old manifest, so --replace again works.
        (out / MANIFEST).unlink()
    return len(shards)


def verify_shards(shards: Path, counts: Mapping[str, int], columns: list[str]) -> int:
    """Delete every kept shard that cannot be trusted; returns how many were deleted.

    A shard is kept when its Parquet footer reads, it has exactly its task's number of
    rows, and its columns are the sweep table's (the footer only: no data is read).
    A truncated, empty or corrupt shard (a disk that filled up, a copy cut short) is
    deleted so that its task is run again.

    Args:
        shards: The shards folder.
        counts: Each planned shard's file name and its task's number of replications.
        columns: The sweep table's column names.
    """
    bad = 0
    for name, count in counts.items():
        f = shards / name
        if not f.exists():
            continue
        try:
            meta = pq.read_metadata(f)
            ok = meta.num_rows == count and meta.schema.to_arrow_schema().names == columns
        except (OSError, pa.ArrowException):
            ok = False
        if not ok:
            f.unlink()
            bad += 1
    return bad


def read_shard(f: Path, **kwargs: Any) -> pa.Table:
    """One shard as an Arrow table (``kwargs`` for :func:`pyarrow.parquet.read_table`).

    Raises:
        ConfigError: a truncated or corrupt shard, in one line.
    """
    try:
        return pq.read_table(f, **kwargs)
    except (OSError, pa.ArrowException) as exc:
        raise ConfigError(str(f), "", f"corrupt shard ({str(exc)[:80]}); rerun the command "
                          "that wrote the folder (regsim sweep or run): it redoes corrupt "
                          "shards and keeps the others") from None
