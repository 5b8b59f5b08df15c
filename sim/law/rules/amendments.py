"""§8(c) Amendments and waivers.

"Any term of this Agreement may be amended with the written consent of the Company and
each of the Investors. No waivers of or exceptions to any term, condition or provision
of this Agreement, in any one or more instances, shall be deemed to be, or construed as,
a further or continuing waiver of any such term, condition or provision. A party hereto
may waive the performance of any covenant for its benefit (either generally or in a
particular instance and either retroactively or prospectively), PROVIDED, HOWEVER, that
no such waiver shall be effective unless in writing and signed by such party."

The engine's negotiation (``agents/waivers.py``) and the audit (``sim/read/audit.py``)
both ask these functions which breaches a signed paper excuses, and toward whom.
"""

from __future__ import annotations

from typing import Iterable

from sim.law.rules._registry import rule


@rule("§8(c)", "Any term of this Agreement may be amended with the written consent of the "
               "Company and each of the Investors")
def amendment_effective(signers: Iterable[str], investors: Iterable[str]) -> bool:
    """§8(c): "Any term of this Agreement may be amended with the written consent of the
    Company and each of the Investors": the Company asks (its consent is the request),
    so an amendment is effective when *each* Investor has signed; one holdout blocks
    it. An agreement with no Investor left cannot be amended this way (False)."""
    everyone = set(investors)
    return bool(everyone) and everyone <= set(signers)


@rule("§8(c)", "A party hereto may waive the performance of any covenant for its benefit "
               "... no such waiver shall be effective unless in writing and signed by "
               "such party")
def waived_toward(investor: str, signers: Iterable[str], amendment: bool,
                  investors: Iterable[str]) -> bool:
    """§8(c): "A party hereto may waive the performance of any covenant for its benefit
    ... provided, however, that no such waiver shall be effective unless in writing and
    signed by such party": a waiver binds only the Investor who signed it. A signature on
    a proposed amendment binds only if the amendment is effective (each Investor signed,
    :func:`amendment_effective`): a consent to an amendment that failed is no waiver."""
    signed = set(signers)
    if amendment:
        return amendment_effective(signed, investors)
    return investor in signed


@rule("§8(c)", "No waivers of or exceptions to any term ... in any one or more instances, "
               "shall be deemed to be, or construed as, a further or continuing waiver")
def waiver_covers(breach_day: int, waived_through_day: int, breach_cycle: int,
                  waiver_cycle: int) -> bool:
    """§8(c): "No waivers of or exceptions to any term, condition or provision of this
    Agreement, in any one or more instances, shall be deemed to be, or construed as, a
    further or continuing waiver": a waiver covers the instance it names -- the
    registration (``cycle``) it was asked for, through the day it names -- and nothing
    after. It may be signed after the breach ("retroactively or prospectively")."""
    return breach_cycle == waiver_cycle and breach_day <= waived_through_day


@rule("§8(c)", "no such waiver shall be effective unless in writing and signed by such "
               "party (the breach remains toward the others)")
def breach_remains_toward(investors: Iterable[str], waived_by: Iterable[str]) -> tuple[str, ...]:
    """§8(c): "no such waiver shall be effective unless in writing and signed by such
    party": a breach of a covenant owed to each Investor is excused toward those who
    signed a covering waiver and remains toward every other Investor (in the order
    given)."""
    excused = set(waived_by)
    return tuple(i for i in investors if i not in excused)
