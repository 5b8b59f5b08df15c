"""§5 Indemnification and contribution: who finally bears a misstatement loss.

Amounts are USD, rounded to cents by largest remainder, so the parties' shares are
non-negative and add up to the loss rounded to cents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

from sim.law.rules._registry import rule
from sim.law.terms import Terms

COMPANY = "company"
UNDERWRITER = "underwriter"


@dataclass(frozen=True)
class Claim:
    """A loss from an untrue statement or omission in a Registration Statement or prospectus.

    Attributes:
        loss_usd: The loss, claim, damage or liability, including "any legal or other
            expenses reasonably incurred ... in connection with investigating or
            defending" it (§5(d)).
        source: Whose information the misstatement was based on: ``"company"``, or the
            id of the party that furnished it in writing (a seller; ``"underwriter"``).
        claimant: Who became subject to the loss: a seller id, ``"underwriter"`` or
            ``"company"``; a controlling person counts as the party it controls.
        corrected_before_sale: §5(a)(ii): the Company corrected the statement and
            delivered the correction to the claimant seller before its sale.
        fraudulent: Parties guilty of fraudulent misrepresentation (Securities Act §11(f)).
        fault: Relative fault weights per party, used only when ``contribution_basis`` is
            ``"relative_fault"``.
    """

    loss_usd: float
    source: str
    claimant: str
    corrected_before_sale: bool = False
    fraudulent: frozenset[str] = frozenset()
    fault: dict[str, float] | None = None

    def __post_init__(self) -> None:
        """Reject a negative or non-finite loss."""
        if not math.isfinite(self.loss_usd) or self.loss_usd < 0:
            raise ValueError(f"Claim.loss_usd must be finite and >= 0, got {self.loss_usd!r}")


def _is_seller(party: str) -> bool:
    return party not in (COMPANY, UNDERWRITER)


def _cents(shares: Mapping[str, float], total: float) -> dict[str, float]:
    """Round non-negative ``shares`` to cents summing exactly to ``total`` in cents.

    Shares are scaled to the total, floored to cents, and the cents left over go to the
    largest fractional remainders (ties: larger share, then party name). Zeros dropped.
    """
    target = round(total * 100)
    raw = {p: max(0.0, v) for p, v in shares.items()}
    base = sum(raw.values())
    if target <= 0:
        return {}
    if base <= 0:
        raise ValueError("no party to bear a positive amount")
    scaled = {p: v * target / base for p, v in raw.items()}
    cents = {p: math.floor(v) for p, v in scaled.items()}
    order = sorted(scaled, key=lambda p: (cents[p] - scaled[p], -scaled[p], p))
    for i in range(target - sum(cents.values())):
        cents[order[i % len(order)]] += 1
    return {p: c / 100 for p, c in sorted(cents.items()) if c > 0}


@rule("§5(a)", "the Company will indemnify and hold harmless the Selling Investor ... each "
               "underwriter ... provided, however, that the Company will not be liable ... "
               "(i) in reliance upon ... information furnished ... by ... such Selling Investor, "
               "underwriter ... or (ii) ... corrected by the Company and delivered to the "
               "Selling Investor prior to consummation of the sale")
def company_indemnifies(claim: Claim) -> bool:
    """§5(a): "the Company will indemnify and hold harmless the Selling Investor ..., each
    underwriter ... and each other person, if any, who controls such Selling Investor or
    underwriter" against losses from an untrue statement or omission; "provided, however,
    that the Company will not be liable in any such case to the extent that any such loss
    ... is based upon any untrue statement or omission ... (i) in reliance upon and in
    conformity with information furnished to the Company, in writing, by or on behalf of
    such Selling Investor, underwriter or controlling person specifically for use in the
    preparation thereof or (ii) which untrue statement was corrected by the Company and
    delivered to the Selling Investor prior to consummation of the sale by the Selling
    Investor resulting in such loss".

    Readings: (i) bars only the claimant's *own* information ("such" Selling Investor,
    underwriter): a seller or underwriter hurt by another seller's information is still
    indemnified by the Company. (ii) is read for a seller claimant, whose own sale
    followed delivery of the correction; the Claim does not say whose sale an
    underwriter's loss came from, so the flag does not affect an underwriter. The Company
    does not indemnify itself (``claimant == "company"`` returns False).
    """
    if claim.claimant == COMPANY or claim.source == claim.claimant:
        return False
    return not (claim.corrected_before_sale and _is_seller(claim.claimant))


@rule("§5(b)", "each Selling Investor ..., severally and not jointly, will indemnify and hold "
               "harmless the Company ... the obligations of such Selling Investors hereunder "
               "shall be limited to an amount equal to the proceeds to each Selling Investor")
def seller_indemnity(claim: Claim, proceeds: Mapping[str, float]) -> dict[str, float]:
    """§5(b): "each Selling Investor ..., severally and not jointly, will indemnify and hold
    harmless the Company, each of its directors and officers and each underwriter" against
    losses from a misstatement "made in reliance upon and in conformity with information
    relating to such Selling Investor furnished in writing to the Company by and on behalf
    of such Selling Investor"; "PROVIDED, HOWEVER, that the obligations of such Selling
    Investors hereunder shall be limited to an amount equal to the proceeds to each
    Selling Investor of Units and Registrable Shares sold in connection with such
    registration".

    Only the seller whose information it was owes anything ("severally and not jointly"),
    at most its own proceeds. ``proceeds`` maps each Selling Investor of this
    registration to the proceeds *to* it (net of its :func:`~sim.law.rules.expenses.selling_costs`);
    a source that sold nothing here is no "Selling Investor" and owes nothing. The
    indemnitees are the Company and underwriters and, through the Company's §5(a)
    indemnity of them, other sellers; a seller claimant the Company does not indemnify
    (§5(a)(ii)) leaves the Company no loss to pass on. A seller does not indemnify itself.

    Returns:
        ``{seller: USD}`` (rounded to cents), or ``{}`` when no seller owes indemnity.
    """
    seller = claim.source
    if seller not in proceeds or seller == claim.claimant:
        return {}
    if _is_seller(claim.claimant) and not company_indemnifies(claim):
        return {}
    return {seller: round(min(claim.loss_usd, max(0.0, proceeds[seller])), 2)}


@rule("§5(c)", "the failure of any Indemnified Party to give notice as provided herein shall "
               "not relieve the Indemnifying Party of its obligations ... except to the extent "
               "that such delay prejudices such indemnifying party")
def late_notice_relief(loss_usd: float, prejudice_usd: float) -> float:
    """§5(c): the Indemnified Party "shall give notice ... promptly after such Indemnified
    Party has actual knowledge of any claim"; "the failure of any Indemnified Party to give
    notice as provided herein shall not relieve the Indemnifying Party of its obligations
    under this SECTION 5, except to the extent that such delay prejudices such
    indemnifying party".

    Returns:
        The part of the loss the Indemnifying Party is relieved of: the prejudice the
        delay caused it, never more than the loss (``min(loss, prejudice)``, >= 0).
    """
    return round(max(0.0, min(loss_usd, prejudice_usd)), 2)


@rule("§5(d)", "in such proportion as is appropriate to reflect the relative benefits ... No "
               "person guilty of fraudulent misrepresentation ... shall be entitled to "
               "contribution from any person who was not guilty")
def contribution(amount_usd: float, parties_net_proceeds: Mapping[str, float], terms: Terms,
                 claim: Claim, *, indemnified: str) -> dict[str, float]:
    """§5(d): where indemnity "is unavailable to or insufficient to hold the Indemnified
    Party harmless", "the Indemnifying Party shall contribute to the amount paid or payable
    by such Indemnified Party" "(i) in such proportion as is appropriate to reflect the
    relative benefits received by the Indemnifying Party on the one hand and such
    Indemnified Party on the other", which "shall be deemed to be in the same proportion
    as the net proceeds of the offering or other distribution (after deducting expenses)"
    each received; "or (ii) if the allocation provided by clause (i) above is not
    permitted by applicable law, ... not only the relative benefits ... but also the
    relative fault"; and "No person guilty of fraudulent misrepresentation (within the
    meaning of SECTION 11(f) of the Securities Act) shall be entitled to contribution
    from any person who was not guilty of such fraudulent misrepresentation".

    Switch ``contribution_basis`` (read with a default of ``relative_benefits``):
    ``relative_benefits`` weighs each party by its net proceeds (negative counts as 0);
    ``relative_fault`` weighs it by ``claim.fault``, taken as the finder of fact's
    weights, which §5(d) says already reflect "the relative benefits received by each
    party" among the "other equitable considerations"; without fault weights for these
    parties it falls back to net proceeds. Parties whose weights are all zero share
    equally.

    Fraud bar, as read from its words: contribution runs from the Indemnifying Parties
    *to* the Indemnified Party, who paid ``amount_usd`` (``indemnified``). Every party's
    share is first computed as usual, fraud or not. The bar denies contribution only to a
    guilty person, and only from an innocent one: when ``indemnified`` is guilty, each
    innocent party's share stays with ``indemnified``; a guilty party still contributes
    its share. A guilty Indemnifying Party owes its usual share, no more: the bar takes
    nothing from it and gives the innocent Indemnified Party nothing beyond its usual
    right. So fraud moves money only when the one who paid is guilty and some
    contributor is not.

    Args:
        amount_usd: The amount paid or payable by the Indemnified Party.
        parties_net_proceeds: Each party's net proceeds (after deducting expenses),
            ``indemnified`` among them.
        terms: The negotiated terms (``contribution_basis``).
        claim: The claim (fault weights; who is guilty of fraudulent misrepresentation).
        indemnified: The Indemnified Party that paid the amount and seeks contribution.

    Returns:
        Party -> USD (cents, zeros dropped), summing to ``amount_usd`` in cents.
    """
    if amount_usd < 0 or not parties_net_proceeds:
        raise ValueError("contribution needs an amount >= 0 and at least one party")
    if indemnified not in parties_net_proceeds:
        raise ValueError(f"the Indemnified Party {indemnified!r} is not among the parties")
    basis = terms.contribution_basis
    if basis not in ("relative_benefits", "relative_fault"):
        raise ValueError(f"unknown contribution_basis {basis!r}")
    parties = sorted(parties_net_proceeds)
    weights = {p: max(0.0, parties_net_proceeds[p]) for p in parties}
    if basis == "relative_fault" and claim.fault:
        fault = {p: max(0.0, claim.fault.get(p, 0.0)) for p in parties}
        if sum(fault.values()) > 0:
            weights = fault
    if sum(weights.values()) <= 0:
        weights = {p: 1.0 for p in parties}
    shares = _cents(weights, amount_usd)
    if indemnified in claim.fraudulent:
        for party in [p for p in shares if p != indemnified and p not in claim.fraudulent]:
            # Cents in, cents out: the moved share keeps the sum exact.
            moved = shares.pop(party)
            shares[indemnified] = (round(shares.get(indemnified, 0.0) * 100)
                                   + round(moved * 100)) / 100
    return dict(sorted(shares.items()))


@rule("§5(c)", "PROVIDED, FURTHER, that the failure of any Indemnified Party to give notice as "
               "provided herein shall not relieve the Indemnifying Party of its obligations "
               "under this SECTION 5, except to the extent that such delay prejudices such "
               "indemnifying party")
def relieve_late_notice(borne: Mapping[str, float], indemnified: str,
                        prejudice_fraction: float) -> tuple[dict[str, float], dict[str, float]]:
    """§5(c): the Indemnified Party "shall give notice to the party required to provide
    indemnification (the "Indemnifying Party") promptly after such Indemnified Party has
    actual knowledge of any claim as to which indemnity may be sought"; "PROVIDED,
    FURTHER, that the failure of any Indemnified Party to give notice as provided herein
    shall not relieve the Indemnifying Party of its obligations under this SECTION 5,
    except to the extent that such delay prejudices such indemnifying party".

    Readings: the claimant is the Indemnified Party that gave notice late; every other
    party that bears part of the loss after §5(a), (b) and (d) bears it as an Indemnifying
    Party ("its obligations under this SECTION 5" take in contribution as well as
    indemnity). Each is relieved by :func:`late_notice_relief` of the prejudice the delay
    caused it, taken as ``prejudice_fraction`` of its own obligation (the scenario's
    draw); the relieved part stays with the Indemnified Party. Nothing else moves: with
    no Indemnifying Party (the claimant bears its own loss) late notice changes nothing.

    Args:
        borne: Party -> USD borne (cents), as :func:`allocate_loss` returns it.
        indemnified: The Indemnified Party that gave notice late (the claimant).
        prejudice_fraction: The part of each Indemnifying Party's obligation the delay
            cost it (>= 0; 1 or more relieves all of it).

    Returns:
        ``(borne, relieved)``: what each party now bears (cents, zeros dropped, the same
        sum in cents) and what each Indemnifying Party was relieved of (zeros dropped).
    """
    cents = {p: round(v * 100) for p, v in borne.items()}
    relieved: dict[str, int] = {}
    for party in sorted(cents):
        if party == indemnified or cents[party] <= 0:
            continue
        usd = cents[party] / 100
        c = round(late_notice_relief(usd, max(0.0, prejudice_fraction) * usd) * 100)
        if c > 0:
            relieved[party] = c
            cents[party] -= c
            cents[indemnified] = cents.get(indemnified, 0) + c
    return ({p: c / 100 for p, c in sorted(cents.items()) if c > 0},
            {p: c / 100 for p, c in relieved.items()})


@rule("§5", "INDEMNIFICATION AND CONTRIBUTION: the Company indemnifies under (a), each Selling "
            "Investor severally under (b) up to its proceeds, contribution under (d)")
def allocate_loss(claim: Claim, proceeds: Mapping[str, float], company_net_proceeds: float,
                  terms: Terms) -> dict[str, float]:
    """§5: who finally bears a misstatement loss, after indemnity and contribution.

    * Company information: the Company bears the loss (§5(a)), save the next case.
    * The claimant's own information (§5(a)(i)), or a seller claimant whose statement
      "was corrected by the Company and delivered to the Selling Investor prior to
      consummation of the sale" (§5(a)(ii)): the claimant bears its own loss. No
      contribution: §5(d) applies only to indemnity unavailable "for any reason other
      than as specified therein", and these exceptions are specified in §5(a).
    * A Selling Investor's information, loss to the Company, an underwriter or another
      seller: that seller pays up to its proceeds (:func:`seller_indemnity`), "severally
      and not jointly". The excess is where the indemnity is "insufficient to hold the
      Indemnified Party harmless". Switch ``cap_excess`` (read with a default of
      ``contribution``): ``contribution`` shares the excess between the seller and the
      Company by :func:`contribution` (net proceeds: ``proceeds[seller]`` and
      ``company_net_proceeds``), so the seller may bear more than its proceeds;
      ``indemnified_party`` reads the cap as a reason "specified therein" and the
      "obligations ... hereunder" as all of the seller's §5 obligations: the Company
      keeps the excess and no seller pays more than its proceeds.
    * Information of a source that sold nothing in the registration: the Company bears it.

    Returns:
        Party -> USD borne (cents, zeros dropped), summing to ``claim.loss_usd`` in cents.
    """
    indemnity = seller_indemnity(claim, proceeds)
    if not indemnity:
        uncovered = claim.claimant != COMPANY and not company_indemnifies(claim)
        return _cents({claim.claimant if uncovered else COMPANY: 1.0}, claim.loss_usd)
    ((seller, paid),) = indemnity.items()
    excess = (round(claim.loss_usd * 100) - round(paid * 100)) / 100
    shares = {seller: paid, COMPANY: 0.0}
    if excess > 0:
        reading = terms.cap_excess
        if reading == "contribution":
            # The Company made the loss good (to itself, or to the claimant under §5(a))
            # and seeks contribution for the excess: it is the Indemnified Party.
            split = contribution(excess, {seller: proceeds[seller],
                                          COMPANY: company_net_proceeds}, terms, claim,
                                 indemnified=COMPANY)
        elif reading == "indemnified_party":
            split = {COMPANY: excess}
        else:
            raise ValueError(f"unknown cap_excess {reading!r}")
        for party, usd in split.items():
            shares[party] += usd
    return _cents(shares, claim.loss_usd)
