"""Local worker processes that never outlive the run that started them.

A sweep's local pool forks its workers from a forkserver (see
:func:`experiments.execution.sweep.executor_for`). Without care, killing the main
process (``kill -9``, an out-of-memory kill, SIGTERM) leaves the forkserver, the workers
and the resource tracker running, and one killed worker breaks the whole pool. Here:

* the forkserver (this module is its first preload) and every worker ask the kernel to
  kill them when their parent dies (``PR_SET_PDEATHSIG``, Linux); elsewhere a worker
  watches its parent id instead. The resource tracker then exits by itself (every
  holder of its pipe is gone);
* workers ignore SIGINT: Ctrl-C reaches the main process only, which stops the pool
  (:meth:`LocalPool.kill`) and says what is kept;
* SIGTERM to the main process is a clean stop, as Ctrl-C (:func:`stop_on_signals`);
* :class:`LocalPool` replaces a broken pool with a fresh one (:meth:`LocalPool.renew`),
  so a sweep can resubmit the tasks a killed worker took down.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> bool:
    """Ask the kernel to SIGKILL this process when its parent exits (Linux); returns
    whether it could."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int, every: float = 1.0) -> None:
    """Exit at once when the parent is gone (this process was re-parented)."""
    while True:
        time.sleep(every)
        if os.getppid() != parent:
            os._exit(1)


def _in_forkserver() -> bool:
    """Whether this module is being imported by the forkserver as its preload."""
    forkserver = sys.modules.get("multiprocessing.forkserver")
    main = getattr(forkserver, "main", None)
    if main is None:
        return False
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code is main.__code__:
            return True
        frame = frame.f_back
    return False


if _in_forkserver():        # the forkserver dies with the process that started it
    die_with_parent()


def worker_init() -> None:
    """Initializer of every local worker: die with the forkserver (which dies with the
    main process), and leave Ctrl-C to the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not die_with_parent():
        threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()


class Terminated(KeyboardInterrupt):
    """SIGTERM received: stop as on Ctrl-C (finished results are kept)."""


_holding = 0                 # > 0: a worker is being started; a stop waits for it
_held: list[int] = []        # the signals that came meanwhile


def _stop(signum, frame) -> None:
    if _holding:
        _held.append(signum)
        return
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, Ctrl-C raises KeyboardInterrupt and SIGTERM :class:`Terminated`
    in the main thread -- a clean stop: the pool is stopped, what is finished stays --
    except while a worker is being started (:func:`_holding_signals`), when the stop
    waits until it is registered (a worker cut off mid-start prints a traceback).
    Elsewhere than the main thread, a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGTERM, _stop)
    if previous[signal.SIGINT] is not signal.SIG_IGN:   # a background job ignores it
        signal.signal(signal.SIGINT, _stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _holding_signals() -> Iterator[None]:
    """Hold a Ctrl-C or SIGTERM (see :func:`stop_on_signals`) until the block ends."""
    global _holding
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
        if not _holding and _held:
            signum = _held[0]
            _held.clear()
            raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


class LocalPool(Executor):
    """A process pool on this machine that can be replaced after a worker died.

    Args:
        workers: Worker processes.
        preload: Modules the forkserver imports once (the engine), after this one.
    """

    def __init__(self, workers: int, preload: list[str]) -> None:
        self.workers = workers
        self.preload = [__name__, *preload]
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        # forkserver: workers are forked from a clean server process, never from this
        # one, which may hold threads (a Dask client, a progress bar) that fork() would
        # copy in an inconsistent state. The server preloads the engine once.
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(self.preload)
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                   initializer=worker_init)

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        with _holding_signals():        # a submit may start a worker
            return self.pool.submit(fn, *args, **kwargs)

    def renew(self) -> None:
        """Replace the pool (broken: a worker died) by a fresh one."""
        self.kill()
        self.pool = self._new()

    def kill(self) -> None:
        """Stop now: cancel what has not started and kill the workers (their tasks'
        results would not be written anyway)."""
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            try:
                p.kill()
            except (OSError, ValueError):
                pass
        for p in processes:
            try:
                p.join(5)
            except (OSError, ValueError, AssertionError):
                pass

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)
