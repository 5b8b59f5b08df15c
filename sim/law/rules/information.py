"""§6 Information by Investor."""

from __future__ import annotations

from sim.law.rules._registry import rule


@rule("§6", "shall furnish to the Company such information ... as the Company may reasonably "
            "request in writing")
def information_late(requested_day: int, received_day: int, due_days: int) -> bool:
    """§6: each Investor "shall furnish to the Company such information ... as the Company
    may reasonably request in writing": an answer received after the reasonable time the
    request allows (``due_days``, scenario) is late, and the Investor's fault."""
    return received_day - requested_day > due_days


@rule("§6", "a late answer delays filing and is the Investor's fault, not the Company's")
def filing_delay_fault(filing_day: int, deadline: int, ready_without_info: int,
                       info_done_day: int, info_late: bool) -> str | None:
    """§6 with §1(a): who is responsible for a filing after the deadline.

    Returns ``None`` if filed on time; ``"investor"`` when the Company was otherwise
    ready by the deadline, only a late §6 answer held the filing back, and the Company
    filed as soon as it arrived; else ``"company"`` (a Company that waits on after the
    answer is late on its own account).
    """
    if filing_day <= deadline:
        return None
    if (info_late and ready_without_info <= deadline < info_done_day
            and filing_day <= info_done_day):
        return "investor"
    return "company"
