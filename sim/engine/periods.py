"""Periods of days: suspensions of a prospectus and the usable days between them.

Half-open ``[start, end)`` day periods, merged; a seller under a resale statement sells
linearly in *usable* days (days the prospectus may be used, §2). The agents use these to
schedule sales, and the readers of the log to place the same sales on the calendar.
"""

from __future__ import annotations

from typing import Sequence


def merge_periods(periods: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sort and merge overlapping ``[start, end)`` periods."""
    merged: list[list[int]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


def usable_days(start: int, end: int, suspensions: Sequence[tuple[int, int]]) -> int:
    """Days in ``[start, end)`` outside every suspension (merged periods)."""
    total = end - start if end > start else 0
    for a, b in suspensions:
        if a < end and b > start:         # overlaps: take out the common days
            total -= (b if b < end else end) - (a if a > start else start)
    return total


def sell_out_day(start: int, needed: int, suspensions: Sequence[tuple[int, int]]) -> int:
    """The first day by which a seller needing ``needed`` usable days from ``start`` is
    done: ``usable_days(start, result, suspensions) == needed`` (merged periods)."""
    day, remaining = start, needed
    for a, b in suspensions:
        if b <= day:
            continue
        if a > day:
            if remaining <= a - day:
                return day + remaining
            remaining -= a - day
        day = b
    return day + remaining
