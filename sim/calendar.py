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
keeps the kernel's work per deal small.
"""

from __future__ import annotations

from enum import IntEnum
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
    """A SimPy timeout with an explicit same-day priority."""

    __slots__ = ()

    def __init__(self, env: simpy.Environment, delay: int, order: int) -> None:
        # Inlined like simpy.Timeout.__init__, with our priority instead of NORMAL.
        self.env = env
        self.callbacks = []
        self._value = None
        self._delay = delay
        self._ok = True
        env.schedule(self, order, delay)


class Calendar:
    """Day-granular scheduling on a fresh SimPy environment (one per deal)."""

    __slots__ = ("env",)

    def __init__(self) -> None:
        self.env = simpy.Environment()

    @property
    def now(self) -> int:
        """Today (an integer day: every scheduled delay is a whole number of days)."""
        return self.env._now

    def at(self, day: int, order: Order, fn: Callable[[simpy.Event], None]) -> None:
        """Call ``fn(event)`` on ``day`` (not before today) at the given same-day order."""
        env = self.env
        delay = day - env._now
        _Alarm(env, delay if delay > 0 else 0, order).callbacks.append(fn)

    def until(self, day: int, order: Order = Order.ACTION) -> simpy.Event:
        """An event a process can ``yield`` to sleep until ``day`` (at ``order``)."""
        return _Alarm(self.env, max(day - self.env.now, 0), order)

    def signal(self) -> simpy.Event:
        """A plain event to be succeeded later (e.g. 'all information received')."""
        return self.env.event()

    def process(self, generator) -> simpy.Process:
        """Start an agent's process."""
        return self.env.process(generator)

    def run(self, until: int) -> None:
        """Run the calendar to day ``until`` (exclusive)."""
        self.env.run(until=until)
