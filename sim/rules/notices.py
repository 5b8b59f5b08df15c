"""§8(a) Notices."""

from __future__ import annotations

from sim.rules._registry import rule
from sim.terms import Terms


@rule("§8(a)", "shall be effective only if and when actually received")
def effective_day(sent_day: int, received_day: int, terms: Terms) -> int:
    """§8(a): a notice is "effective only if and when actually received".

    Args:
        sent_day: Day the notice was given (sent).
        received_day: Day it was actually received.
        terms: ``notices_effective`` = ``on_receipt`` (as written) or ``on_dispatch``
            (a negotiated variant: effective when sent).

    Returns:
        The day the notice takes effect.
    """
    return received_day if terms.notices_effective == "on_receipt" else sent_day
