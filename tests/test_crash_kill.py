"""The kill test (issue 14, acceptance): a sweep on two worker processes, as a user runs
it, is killed at random (seeded) moments -- SIGKILL of the main process five times, then
SIGKILL of one worker five times (the run goes on; then SIGTERM of the main, a clean
stop) -- and resumed each time. After every kill no process of that run is left; the
final rerun completes, and its table is bit-identical to an uninterrupted run's. Also:
workers that keep dying end the sweep in one line, and Ctrl-C says what is kept."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.execution.spec import load_spec
from experiments.analysis.saved import load_saved
from experiments.execution.folder import read_manifest
from experiments.execution.sweep import load_table
from sim.core.config import ConfigError

REPO = Path(__file__).resolve().parents[1]

SPEC = """
name = "killed"
seed = 14
replications = 1200
task_size = 15
outcomes = ["days_to_effective"]
[variants.no-delay]
delay_uses = 0
"""
TASKS = 2 * 1200 // 15


_STARTED: list[int] = []


@pytest.fixture(autouse=True)
def no_stray_process():
    """A failing test leaves no run behind for the next one."""
    yield
    while _STARTED:
        sid = _STARTED.pop()
        for pid in session(sid):
            os.kill(pid, signal.SIGKILL)


def _as_in_a_terminal() -> None:
    """Ctrl-C as a terminal's foreground command has it: a test run as a background job
    (CI under nohup, `cmd &`) inherits SIGINT ignored, and the sweep rightly keeps it so."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(spec: Path, out: Path) -> subprocess.Popen:
    """`regsim sweep` in its own session (so every process it starts can be found)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli.main", "sweep", str(spec), "--out", str(out),
         "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True, cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)),
        preexec_fn=_as_in_a_terminal)
    _STARTED.append(proc.pid)
    return proc


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()      # state, ppid, pgrp, session, ...


def session(sid: int) -> list[int]:
    """The live (not zombie) processes of session ``sid``: the main process, the
    forkserver, the workers and the resource tracker of one run."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields and int(fields[3]) == sid and fields[0] != "Z":
                found.append(int(entry))
    return found


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            found += [int(c) for c in
                      Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except OSError:
        pass
    return found


def workers(main: int) -> list[int]:
    """The pool's worker processes: the children of the run's forkserver."""
    for child in children(main):
        try:
            if b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
                return [w for w in children(child) if (_stat(w) or ["Z"])[0] != "Z"]
        except OSError:
            pass
    return []


def assert_nothing_left(sid: int, within: float = 30.0) -> None:
    # 30 s: on two loaded cores a process killed by its parent's death has been seen
    # to linger past 10 s (issue 16's closing note); one that lives 30 s is a leak.
    deadline = time.monotonic() + within
    while session(sid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = session(sid)
    for pid in left:                       # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert not left, [Path(f"/proc/{p}/cmdline").read_bytes()[:80] for p in left]


def shards(out: Path) -> int:
    return len(list((out / "shards").glob("*.parquet"))) if (out / "shards").exists() else 0


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "killed.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def uninterrupted(spec, tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("uninterrupted") / "res"
    proc = start(spec, out)
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    assert_nothing_left(proc.pid)
    return load_table(out, load_spec(spec))


def wait_for_workers(proc: subprocess.Popen, old: set[int] = frozenset(),
                     within: float = 60.0) -> list[int]:
    """The run's two workers, once both are up (not any of ``old``: a broken pool's)."""
    deadline = time.monotonic() + within
    while proc.poll() is None and time.monotonic() < deadline:
        pool = [w for w in workers(proc.pid) if w not in old]
        if len(pool) >= 2:
            return pool
        time.sleep(0.02)
    return []


def test_sigkill_of_the_main_process_and_of_workers_at_random_moments(
        spec, uninterrupted, tmp_path):
    """Each kill lands at a random moment while the workers compute (the forkserver,
    the workers and the resource tracker are all alive then). A run whose worker was
    killed goes on, on a fresh pool (three times at most per run), and is then stopped
    by SIGTERM."""
    rng = random.Random(14)
    out = tmp_path / "res"
    for _ in range(5):                                   # the main process, SIGKILL
        proc = start(spec, out)
        assert wait_for_workers(proc), proc.communicate()[1]
        time.sleep(rng.uniform(0.0, 0.8))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        assert_nothing_left(proc.pid)
    after_main_kills = shards(out)
    worker_kills = 0
    while worker_kills < 5:                              # one worker, SIGKILL
        proc = start(spec, out)
        seen: set[int] = set()
        for _ in range(min(3, 5 - worker_kills)):
            pool = wait_for_workers(proc, seen)
            time.sleep(rng.uniform(0.0, 0.6))
            if proc.poll() is not None or not pool:
                break                                    # finished before the kill
            seen.update(pool)
            os.kill(rng.choice(pool), signal.SIGKILL)
            worker_kills += 1
            done = shards(out)
            deadline = time.monotonic() + 60             # the run goes on, on a fresh pool
            while shards(out) <= done and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert shards(out) > done or proc.returncode == 0, proc.communicate()[1]
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)            # then a clean stop
        _, err = proc.communicate(timeout=60)
        if proc.returncode == -signal.SIGTERM:           # after its sweep had finished
            assert shards(out) == TASKS, err
        elif proc.returncode != 0:
            assert proc.returncode == 143, err
            assert err.strip().splitlines() == [
                f"regsim: interrupted: {shards(out)} of {TASKS} tasks finished are kept; "
                "rerun the same command to resume"], err
        assert_nothing_left(proc.pid)
        if shards(out) == TASKS:
            break
    assert worker_kills == 5, f"the sweep finished after {worker_kills} worker kills"
    assert 0 < after_main_kills and shards(out) < TASKS
    kept = shards(out)
    proc = start(spec, out)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert f"{TASKS} tasks ({kept} kept, {TASKS - kept} run)" in err, err
    assert_nothing_left(proc.pid)
    assert not list(out.rglob(".*.tmp"))
    resumed = load_table(out, load_spec(spec))
    pd.testing.assert_frame_equal(resumed, uninterrupted, check_exact=True)


def test_workers_that_keep_dying_end_the_sweep_in_one_line(spec, tmp_path):
    out = tmp_path / "res"
    proc = start(spec, out)
    killed: set[int] = set()
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        for w in workers(proc.pid):
            if w not in killed:
                os.kill(w, signal.SIGKILL)
                killed.add(w)
                break
        time.sleep(0.02)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err                 # the whole stderr when it is not one line
    [line] = lines
    assert line == (f"regsim: error: {out}: a worker died 4 times (killed, or out of "
                    "memory?); finished shards are kept: rerun to resume")
    assert_nothing_left(proc.pid)


def test_ctrl_c_says_what_is_kept_and_leaves_no_process(spec, tmp_path):
    out = tmp_path / "res"
    proc = start(spec, out)
    deadline = time.monotonic() + 60
    while shards(out) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)          # as a terminal does: the whole group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    [line] = err.strip().splitlines()[-1:]
    kept = shards(out)
    assert line == (f"regsim: interrupted: {kept} of {TASKS} tasks finished are kept; "
                    "rerun the same command to resume"), err
    assert "Traceback" not in err
    assert_nothing_left(proc.pid)
    manifest = read_manifest(out)                  # the folder says so too (issue 15, 8)
    assert manifest["status"] == "interrupted"
    assert manifest["last_run"]["tasks_finished"] == kept
    with pytest.raises(ConfigError, match="interrupted.*rerun the same command to resume"):
        load_saved(out)
