"""The calendar: a SimPy environment whose clock counts calendar days.

SimPy owns the clock (1.0 = one day; every scheduled time is a whole day). Events on
the same day run in an explicit, documented order -- first by :class:`Order`, then in
the order they were scheduled (SimPy's insertion order):

1. ``RECEIPT``    notices take effect on receipt (§8(a)) before anyone acts that day;
2. ``ACTION``     parties act: give notices, send requests, file, respond;
3. ``COMMISSION`` the Commission acts on what was filed;
4. ``CLOSE``      windows close and deadlines are checked at the end of the day, so a
                  request received on the last day of a window is in time;
5. ``END``        periods end (effectiveness period, deal).

A scheduled reaction is a callback on one SimPy event (no process per reaction), which
keeps the kernel's work per deal small. One environment serves every deal of a model:
:meth:`Calendar.reset` rewinds it (a deal always runs until its queue is empty).
"""

from __future__ import annotations

from enum import IntEnum
from heapq import heappush
from itertools import count
from typing import Callable

import simpy
from simpy.events import Timeout


class Order(IntEnum):
    """Same-day order of calendar events (lower runs first)."""

    RECEIPT = 1
    ACTION = 2
    COMMISSION = 3
    CLOSE = 4
    END = 5


class _Alarm(Timeout):
    """A SimPy timeout with an explicit same-day priority.

    An alarm always succeeds with value None, so ``_ok`` and ``_value`` are class
    constants rather than per-instance attributes (one allocation less per event).
    """

    __slots__ = ()
    _ok = True
    _value = None

    def __init__(self, env: simpy.Environment, delay: int, order: int,
                 callbacks: list | None = None) -> None:
        # Inlined like simpy.Timeout.__init__, with our priority instead of NORMAL, and
        # Environment.schedule inlined too (it is one heappush; this is the hot path).
        self.env = env
        self.callbacks = [] if callbacks is None else callbacks
        self._delay = delay
        heappush(env._queue, (env._now + delay, order, next(env._eid), self))


_new_alarm = object.__new__      # an _Alarm without running __init__ (see Calendar.at)


class Calendar:
    """Day-granular scheduling on a SimPy environment, rewound for every deal."""

    __slots__ = ("env",)

    def __init__(self) -> None:
        self.env = simpy.Environment()

    def reset(self) -> None:
        """Rewind to day 0 for the next deal (the previous deal emptied the queue)."""
        env = self.env
        if env._queue:
            env._queue.clear()
        env._now = 0
        env._eid = count()
        env._active_proc = None

    @property
    def now(self) -> int:
        """Today (an integer day: every scheduled delay is a whole number of days)."""
        return self.env._now

    def at(self, day: int, order: Order, fn: Callable[[simpy.Event], None]) -> None:
        """Call ``fn(event)`` on ``day`` (not before today) at the given same-day order."""
        # The most frequent call of a deal (~30 per deal): _Alarm.__init__ inlined.
        env = self.env
        now = env._now
        delay = day - now if day > now else 0
        alarm = _new_alarm(_Alarm)
        alarm.env, alarm.callbacks, alarm._delay = env, [fn], delay
        heappush(env._queue, (now + delay, order, next(env._eid), alarm))

    def until(self, day: int, order: Order = Order.ACTION) -> simpy.Event:
        """An event a process can ``yield`` to sleep until ``day`` (at ``order``)."""
        # Every wait of a process (~15 per deal): built like ``at`` without the class call.
        env = self.env
        now = env._now
        delay = day - now if day > now else 0
        alarm = _new_alarm(_Alarm)
        alarm.env, alarm.callbacks, alarm._delay = env, [], delay
        heappush(env._queue, (now + delay, order, next(env._eid), alarm))
        return alarm

    def signal(self) -> simpy.Event:
        """A plain event to be succeeded later (e.g. 'all information received')."""
        return self.env.event()

    def process(self, generator) -> simpy.Process:
        """Start an agent's process."""
        return self.env.process(generator)

    def run_day(self, day: int) -> bool:
        """Run every event up to and including ``day``, in the order :meth:`run` would.

        The clock stays at the last event run (as after a whole :meth:`run`), so a deal
        played day by day logs what it logs in one run. Returns whether events remain.
        """
        queue, step = self.env._queue, self.env.step
        while queue and queue[0][0] <= day:
            step()
        return bool(queue)

    def run(self, until: int | None = None) -> None:
        """Run the calendar until its queue is empty, or to day ``until`` (exclusive)."""
        env = self.env
        if until is not None:
            env.run(until=until)
            return
        # A whole deal: SimPy's own ``env.step`` in a loop while events are queued, which
        # is what ``env.run()`` does, minus its per-event attribute lookups and the
        # EmptySchedule exception it raises and catches at the end of every deal.
        queue, step = env._queue, env.step
        while queue:
            step()
