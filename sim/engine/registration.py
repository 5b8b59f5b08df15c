"""Bookkeeping of one demand registration cycle (the agents' working state).

The agents read and update this record while a deal runs; the event log, not this
record, is the truth the outcomes and the audit are computed from.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class DemandRegistration:
    """State of one Demand Registration (cycle 0 = first demand; later cycles are a
    renewed demand after a withdrawal that did not use it up, or the second demand)."""

    cycle: int
    second: bool
    initiating: tuple[str, ...]
    requested: dict[str, int]                    # investor id -> shares requested
    demand_sent_day: int
    received_day: int = -1
    demand_method: str = ""                      # how the Demand Notice was sent (§8(a))
    notice_given_day: int = -1                   # day the Company sent the Company Notice
    notice_receipts: dict[str, int] = field(default_factory=dict)   # id -> arrival day
    notice_given: dict[str, int] = field(default_factory=dict)      # id -> §8(a) given day
    joinder_last_day: int = -1
    scope_closed: bool = False
    other_requested: dict[str, int] = field(default_factory=dict)
    info_pending: int = 0
    info_late: bool = False
    info_done_day: int = -1
    info_waiter: object = None                   # SimPy event set when info completes
    floor: int = -1
    deadline: int = -1
    filed_day: int = -1
    registered: dict[str, int] = field(default_factory=dict)
    unregistered_capital: dict[str, int] = field(default_factory=dict)
    capital_used: int = 0                        # authorized capital taken at filing
    effective_day: int = -1
    withdrawn: bool = False
    delay_end: int | None = None
    cooldown_end: int | None = None
    underwritten: bool = False                   # method specified by the requesting holders
    filed_underwritten: bool = False             # method of the statement as filed
    sales: dict[str, int] = field(default_factory=dict)   # shares each seller sells (§2)
    s3: bool = False                             # an S-3 (short-form) demand (NVCA IRA)
    mandatory: bool = False                      # PIPE RRA: required at the closing, no demand
    reviewed: bool | None = None                 # the Commission reviewed the statement

    @property
    def key(self) -> str:
        """The registration's name in the log and in the holdings ledger."""
        return f"demand-{self.cycle}"
