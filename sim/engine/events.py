"""The event log: flat, frozen records, the single source of truth.

Every state change of a deal is one :class:`Event` ``(day, kind, actor, clause,
details)``. Kinds are past-tense facts; ``clause`` is the section of the agreement (or
of the scenario, written ``scenario``) behind the event. Outcomes, audits, timelines and
plots are all computed from the log alone.

JSON Lines schema (one object per line, keys in this order)::

    {"seq": 0, "day": 0, "kind": "DEAL_CLOSED", "actor": "company",
     "clause": "recitals", "details": {...}}

``seq`` is the position in the log (same-day order), ``day`` an integer calendar day
from closing (day 0), ``details`` a flat object of scalars and lists whose keys are
listed per kind in ``docs/event-log.md``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any, Iterable, Iterator, NamedTuple


class Event(NamedTuple):
    """One fact of a deal.

    Attributes:
        day: Calendar day (day 0 = closing).
        kind: Past-tense kind, e.g. ``"DEMAND_RECEIVED"``.
        actor: Who did it or to whom it happened (``company``, an investor id, ...).
        clause: The clause behind it, e.g. ``"§1(a)"``.
        details: Flat mapping of further facts (scalars, or tuples of scalars).
    """

    day: int
    kind: str
    actor: str
    clause: str
    details: dict[str, Any]


# Kinds, grouped by clause. A kind is a fact; names carry no judgement beyond the
# clause they cite (breaches are facts too: the audit re-derives them independently).
DEAL_CLOSED = "DEAL_CLOSED"                          # recitals
CAPITAL_CHECKED = "CAPITAL_CHECKED"                  # §1(a)
CAPITAL_INCREASED = "CAPITAL_INCREASED"              # scenario
DEMAND_SENT = "DEMAND_SENT"                          # §1(a)
DEMAND_NOT_SENT = "DEMAND_NOT_SENT"                  # §1(a)
DEMAND_RECEIVED = "DEMAND_RECEIVED"                  # §1(a), §8(a)
DEMAND_REFUSED = "DEMAND_REFUSED"                    # §1(a) / §1(c)
COMPANY_NOTICE_GIVEN = "COMPANY_NOTICE_GIVEN"        # §1(a)
COMPANY_NOTICE_LATE = "COMPANY_NOTICE_LATE"          # §1(a)
COMPANY_NOTICE_RECEIVED = "COMPANY_NOTICE_RECEIVED"  # §1(a), §8(a)
OTHER_HOLDERS_OFFERED = "OTHER_HOLDERS_OFFERED"      # §1(b)
OTHER_HOLDER_REQUESTED = "OTHER_HOLDER_REQUESTED"    # §1(b)
JOINDER_RECEIVED = "JOINDER_RECEIVED"                # §1(a), §8(a)
JOINDER_REJECTED = "JOINDER_REJECTED"                # §1(a)
JOINDER_WINDOW_CLOSED = "JOINDER_WINDOW_CLOSED"      # §1(a)
FILING_WINDOW_SET = "FILING_WINDOW_SET"              # §1(a)
WINDOW_EMPTY = "WINDOW_EMPTY"                        # §1(a)
INFO_REQUESTED = "INFO_REQUESTED"                    # §6
INFO_RECEIVED = "INFO_RECEIVED"                      # §6
DELAY_INVOKED = "DELAY_INVOKED"                      # §1(d)
DELAY_ENDED = "DELAY_ENDED"                          # §1(d)
COOLDOWN_APPLIED = "COOLDOWN_APPLIED"                # §1(c)
STATEMENT_FILED = "STATEMENT_FILED"                  # §1(a), §2(a)
FILING_DEADLINE_MISSED = "FILING_DEADLINE_MISSED"    # §1(a)
FILED_BEFORE_FLOOR = "FILED_BEFORE_FLOOR"            # §1(a)
REVIEW_DECIDED = "REVIEW_DECIDED"                    # scenario (Commission)
COMMENTS_RECEIVED = "COMMENTS_RECEIVED"              # scenario (Commission)
RESPONSE_FILED = "RESPONSE_FILED"                    # §1(a) best efforts
REVIEW_CLEARED = "REVIEW_CLEARED"                    # scenario (Commission)
MAI_DISCLOSED = "MAI_DISCLOSED"                      # §1(c)
STATEMENT_WITHDRAWN = "STATEMENT_WITHDRAWN"          # §1(c)
STATEMENT_EFFECTIVE = "STATEMENT_EFFECTIVE"          # §1(a)
TARGET_MISSED = "TARGET_MISSED"                      # §1(a)
DEMAND_SATISFIED = "DEMAND_SATISFIED"                # §1(c)
DEMAND_NOT_SATISFIED = "DEMAND_NOT_SATISFIED"        # §1(c)
SHARES_ADJUSTED = "SHARES_ADJUSTED"                  # §7
SALES_SUSPENDED = "SALES_SUSPENDED"                  # §2
SALES_RESUMED = "SALES_RESUMED"                      # §2
EFFECTIVENESS_ENDED = "EFFECTIVENESS_ENDED"          # §2(b), §2(e)
OFFERING_PLANNED = "OFFERING_PLANNED"                # scenario, §3(a) seam
OFFERING_FILED = "OFFERING_FILED"                    # scenario, §3(a) seam
OFFERING_EFFECTIVE = "OFFERING_EFFECTIVE"            # scenario
OFFERING_WITHDRAWN = "OFFERING_WITHDRAWN"            # §3(b)
OFFERING_DISTRIBUTED = "OFFERING_DISTRIBUTED"        # §2(b) (firm commitment)
OTHER_ACTIVITY_COMMENCED = "OTHER_ACTIVITY_COMMENCED"  # §1(d)
REGISTRATION_NOTICE_GIVEN = "REGISTRATION_NOTICE_GIVEN"        # §3(a)
REGISTRATION_NOTICE_NOT_REQUIRED = "REGISTRATION_NOTICE_NOT_REQUIRED"  # §3(a)
REGISTRATION_NOTICE_RECEIVED = "REGISTRATION_NOTICE_RECEIVED"  # §8(a)
PIGGYBACK_REQUESTED = "PIGGYBACK_REQUESTED"          # §3(a)
PIGGYBACK_REJECTED = "PIGGYBACK_REJECTED"            # §3(a)
OTHER_HOLDER_JOINED_OFFERING = "OTHER_HOLDER_JOINED_OFFERING"  # §3(c)
UNDERWRITING_TERMS_REFUSED = "UNDERWRITING_TERMS_REFUSED"  # §3(c)
UNDERWRITER_LIMIT_SET = "UNDERWRITER_LIMIT_SET"      # §3(c) / §1(b)
CUTBACK_APPLIED = "CUTBACK_APPLIED"                  # §3(c) / §1(b)
REGISTRATION_EXPENSES_PAID = "REGISTRATION_EXPENSES_PAID"  # §4
SELLING_COSTS_PAID = "SELLING_COSTS_PAID"            # §4
WARRANTS_EXERCISED = "WARRANTS_EXERCISED"            # recitals, §7
WARRANT_SHARES_UNSOLD = "WARRANT_SHARES_UNSOLD"      # recitals, §7
CLAIM_ASSERTED = "CLAIM_ASSERTED"                    # §5(c)
INDEMNITY_RELIEVED = "INDEMNITY_RELIEVED"            # §5(c)
LOSS_ALLOCATED = "LOSS_ALLOCATED"                    # §5
DEAL_ENDED = "DEAL_ENDED"                            # calendar
PRICE_PATH = "PRICE_PATH"                            # scenario (market)
# Mandatory resale registration and liquidated damages (PIPE RRA; see sim.law.terms.SOURCES)
REGISTRATION_REQUIRED = "REGISTRATION_REQUIRED"      # PIPE RRA
DAMAGES_ACCRUED = "DAMAGES_ACCRUED"                  # PIPE RRA
DAMAGES_PAID = "DAMAGES_PAID"                        # PIPE RRA
# The Company's own offering held back by a pending demand registration (§1(c), §1(d))
OFFERING_HELD_BACK = "OFFERING_HELD_BACK"            # §1(d)
OFFERING_RELEASED = "OFFERING_RELEASED"              # §1(d)
# Demand terms of the NVCA model (NVCA IRA)
DEMAND_DEFERRED = "DEMAND_DEFERRED"                  # NVCA IRA
DEFERRAL_ENDED = "DEFERRAL_ENDED"                    # NVCA IRA
# Strategic choices and negotiations (agents.strategy; docs/decisions.md)
CHOICE_MADE = "CHOICE_MADE"                          # the clause of the choice
DEMAND_SOLICITED = "DEMAND_SOLICITED"                # §1(a)
COALITION_FORMED = "COALITION_FORMED"                # §1(a)
COALITION_FAILED = "COALITION_FAILED"                # §1(a)
WAIVER_REQUESTED = "WAIVER_REQUESTED"                # §8(c)
WAIVER_SIGNED = "WAIVER_SIGNED"                      # §8(c)
WAIVER_REFUSED = "WAIVER_REFUSED"                    # §8(c)
WAIVER_DROPPED = "WAIVER_DROPPED"                    # §8(c)
CONSIDERATION_PAID = "CONSIDERATION_PAID"            # §8(c)
AMENDMENT_AGREED = "AMENDMENT_AGREED"                # §8(c)
AMENDMENT_FAILED = "AMENDMENT_FAILED"                # §8(c)
UNITS_TRANSFERRED = "UNITS_TRANSFERRED"              # §7

KINDS = tuple(v for k, v in dict(globals()).items() if k.isupper() and isinstance(v, str))


# ``Event(...)`` goes through the namedtuple's Python-level ``__new__``; building the
# tuple directly (as ``Event._make`` does) skips that frame on the hottest path.
_new_event = tuple.__new__


class EventLog:
    """An append-only list of :class:`Event`; frozen once the deal ends."""

    __slots__ = ("events", "_frozen")

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self.events: list[Event] = list(events)
        self._frozen = False

    def emit(self, day: int, kind: str, actor: str, clause: str, **details: Any) -> None:
        """Append one event (only while the deal runs); details as keywords."""
        self.events.append(_new_event(Event, (day, kind, actor, clause, details)))

    def record(self, day: int, kind: str, actor: str, clause: str,
               details: dict[str, Any]) -> None:
        """:meth:`emit` with the details already a dict: ``record(..., dict(k=v))``.

        The engine's agents use this form: binding keyword arguments to ``**details``
        costs about twice as much as building the dict at the call site, and a deal
        logs ~50 events. The dict is stored as given (the caller hands it over).
        """
        self.events.append(_new_event(Event, (day, kind, actor, clause, details)))

    def freeze(self) -> "EventLog":
        """Mark the log complete; returns self."""
        self._frozen = True
        return self

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def __getitem__(self, i: int) -> Event:
        return self.events[i]

    def of_kind(self, *kinds: str) -> list[Event]:
        """The events of the given kinds, in log order."""
        return [e for e in self.events if e.kind in kinds]

    def first(self, kind: str, **match: Any) -> Event | None:
        """The first event of ``kind`` whose details contain ``match``."""
        for e in self.events:
            if e.kind == kind and all(e.details.get(k) == v for k, v in match.items()):
                return e
        return None

    def to_jsonl(self, closing: date | None = None) -> str:
        """The log as JSON Lines (deterministic: byte-identical for equal logs).

        Args:
            closing: The closing date (day 0): when given, each record also carries
                ``date``, the ISO date of its ``day`` (after ``day``; readers ignore it).
        """
        def record(i: int, e: Event) -> dict[str, Any]:
            r: dict[str, Any] = {"seq": i, "day": e.day}
            if closing is not None:
                r["date"] = (closing + timedelta(days=e.day)).isoformat()
            r.update(kind=e.kind, actor=e.actor, clause=e.clause, details=_plain(e.details))
            return r

        return "".join(json.dumps(record(i, e), separators=(",", ":"), allow_nan=False)
                       + "\n" for i, e in enumerate(self.events))

    @classmethod
    def from_jsonl(cls, text: str) -> "EventLog":
        """Read a log written by :meth:`to_jsonl`."""
        events = []
        for line in text.splitlines():
            if line.strip():
                r = json.loads(line)
                events.append(Event(r["day"], r["kind"], r["actor"], r["clause"],
                                    r.get("details", {})))
        return cls(events).freeze()


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in details.items()}
