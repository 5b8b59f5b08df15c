"""§8(a) Notices: the day a notice is *given*, as against the day it is *received*.

Two facts of every notice: the day it is sent and the day it physically arrives (sent
plus the method's delivery latency, a scenario draw). §8(a) decides only when a notice
is *given*. Receipt is always arrival: a party learns of a notice, and can act on it,
only when it arrives, and a deadline that runs from *receipt* ("30 days from receipt of
the Company Notice", "45 days from receipt ... of the Demand Notice", a request
"received within twenty (20) days") runs from arrival whatever the method. Only the
windows that run from the day a notice is *given* (the §1(a) joinder window, the §3(a)
piggy-back window) move with the method.
"""

from __future__ import annotations

from sim.law.rules._registry import rule
from sim.law.terms import Terms

#: Methods §8(a) names first: a notice so sent "shall be deemed to have been given if sent".
MAIL_METHODS = frozenset({"registered_mail", "certified_mail"})


@rule("§8(a)", "shall be deemed to have been given if sent by registered or certified mail ... "
               "but shall be effective only if and when actually received")
def given_day(sent_day: int, arrival_day: int, terms: Terms, method: str | None = None) -> int:
    """§8(a): notices "shall be deemed to have been given if sent by registered or
    certified mail ... Such communications may also be given by personal delivery, by
    facsimile or by regular mail, but shall be effective only if and when actually
    received".

    Switch ``notices_effective`` (the day a notice is *given*; its receipt is always its
    arrival, see :func:`received_day`):

    * ``by_method`` (default): by registered or certified mail a notice is given
      the day it is sent; by personal delivery, facsimile or regular mail the day it
      arrives.
    * ``on_receipt``: every notice is given the day it arrives (the proviso read into
      the mail rule too).
    * ``on_dispatch``: every notice is given the day it is sent (a negotiated "deemed
      given when sent" for every method).

    Args:
        sent_day: Day the notice was sent.
        arrival_day: Day it physically arrived.
        terms: The terms (the switch).
        method: The delivery method (needed for ``by_method``).

    Returns:
        The day the notice is given.
    """
    mode = terms.notices_effective
    if mode == "on_dispatch" or (mode == "by_method" and method in MAIL_METHODS):
        return sent_day
    return arrival_day


@rule("§8(a)", "effective only if and when actually received (receipt is arrival)")
def received_day(sent_day: int, latency_days: int) -> int:
    """§8(a): a notice is "actually received" when it arrives, ``latency_days`` after it
    is sent, whatever the method and the reading of ``notices_effective``: "deemed given"
    is not "received". Every reaction to a notice and every deadline running from its
    receipt start on this day."""
    return sent_day + latency_days
