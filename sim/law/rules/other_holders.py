"""§1(b) Inclusion of other securities in a demand registration."""

from __future__ import annotations

from sim.law.rules._registry import rule
from sim.law.terms import Terms


@rule("§1(b)", "may ... include other securities of the Company which are held by persons who "
               "... are entitled to include their securities in such registration")
def other_holder_included(request_received_day: int, scope_closed_day: int) -> bool:
    """§1(b): the demand statement "may ... include other securities of the Company which
    are held by persons who, by virtue of agreements entered into with the Company ...
    are entitled to include their securities"; the Company "shall ... offer to the Other
    Holders that such other securities be included". An Other Holder's request counts
    if it arrives before the scope of the statement is fixed."""
    return request_received_day <= scope_closed_day


@rule("§1(b)", "the agreement has no cutback rule for a demand registration (switch)")
def demand_cutback_applies(underwritten: bool, terms: Terms) -> bool:
    """§1(b): the Other Holders are offered inclusion "in the underwriting", but no
    clause cuts back an underwritten demand registration. Switch ``demand_cutback``:
    ``none`` (default, as written), ``pro_rata_as_3c`` or ``investors_first``. The
    engine's demand registrations are resale shelves (not underwritten) until the
    company-registrations work lands."""
    return underwritten and terms.demand_cutback != "none"
