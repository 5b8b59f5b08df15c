"""§8(a) Notices."""

from __future__ import annotations

from sim.rules._registry import rule
from sim.terms import Terms

#: Methods §8(a) names first: a notice so sent "shall be deemed to have been given".
MAIL_METHODS = frozenset({"registered_mail", "certified_mail"})


@rule("§8(a)", "shall be effective only if and when actually received")
def effective_day(sent_day: int, received_day: int, terms: Terms,
                  method: str | None = None) -> int:
    """§8(a): notices "shall be deemed to have been given if sent by registered or
    certified mail ... Such communications may also be given by personal delivery, by
    facsimile or by regular mail, but shall be effective only if and when actually
    received".

    Switch ``notices_effective``: ``on_receipt`` (default, RULES.md: every notice takes
    effect when received); ``by_method`` (the proviso limited to the other methods:
    registered or certified mail takes effect when sent); ``on_dispatch`` (a negotiated
    variant: every notice takes effect when sent).

    Args:
        sent_day: Day the notice was given (sent).
        received_day: Day it was actually received.
        terms: The terms (the switch).
        method: The delivery method, needed for ``by_method``.

    Returns:
        The day the notice takes effect.
    """
    mode = terms.notices_effective
    if mode == "on_dispatch" or (mode == "by_method" and method in MAIL_METHODS):
        return sent_day
    return received_day
