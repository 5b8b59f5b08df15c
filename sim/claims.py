"""Misstatement claims after a registration, and who bears them (§5).

After a registration in which Investors sold shares, the scenario may draw a claim: its
size (a fraction of the gross proceeds), whose information the misstatement rests on (the
Company's or a selling Investor's), whether the Company corrected it before the sale, and
whether the party responsible acted fraudulently. The loss is then allocated by the §5
rule functions: indemnity, the several cap at proceeds, contribution, the fraud bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import events as ev
from sim.calendar import Order
from sim.rules import indemnity

if TYPE_CHECKING:
    from sim.model import DealModel

CLAIM_SLOTS = dict(occurs=0, loss=1, source=2, corrected=3, fraud=4, day=5)
PER_CLAIM = 6
OFFERING_BASE = 2     # registration index: demand cycles 0-1 -> 0-1, Company offering k -> 2 + k
CLAIMS_WIDTH = 36     # six registrations in the deal's window; later ones use overflow


def schedule_claim(model: "DealModel", registration: str, index: int,
                   net_proceeds: dict[str, float], gross_usd: float, company_net_usd: float,
                   underwritten: bool) -> None:
    """Draw whether registration ``registration`` meets a claim and, if so, schedule it.

    Args:
        model: The deal.
        registration: Its id in the log (``demand-0``, ``offering-1`` ...).
        index: Its claim-slot index (see ``OFFERING_BASE``; demand cycles past the second
            share no slots with offerings because their index is offset past all of them).
        net_proceeds: Each selling Investor's net proceeds (the §5(b) cap).
        gross_usd: Gross proceeds of the Investors' shares (the size of the claim).
        company_net_usd: The Company's own net proceeds (relative benefits, §5(d)).
        underwritten: Whether underwriters took part (they would be the claimants).
    """
    sellers = {k: v for k, v in net_proceeds.items() if v > 0}
    c, s = model.world.claims, model.claims_stream
    base = index * PER_CLAIM
    if not sellers or not s.chance(c.claim_prob, base + CLAIM_SLOTS["occurs"]):
        return
    largest = max(sorted(sellers), key=lambda k: sellers[k])
    company_info = s.chance(c.company_source_prob, base + CLAIM_SLOTS["source"])
    source = "company" if company_info else largest
    claim = indemnity.Claim(
        loss_usd=round(gross_usd * s.sample(c.loss_fraction, base + CLAIM_SLOTS["loss"]), 2),
        source=source,
        # Purchasers sue the sellers (and underwriters) over the Company's information, and
        # the Company (as registrant) over a seller's furnished information.
        claimant=("underwriter" if underwritten else largest) if company_info else "company",
        corrected_before_sale=s.chance(c.corrected_prob, base + CLAIM_SLOTS["corrected"]),
        fraudulent=frozenset({source}) if s.chance(c.fraud_prob, base + CLAIM_SLOTS["fraud"])
        else frozenset(),
        # Relative fault (§5(d) switch): the party whose information was untrue.
        fault={source: 1.0})
    day = model.calendar.now + s.days(c.claim_day, base + CLAIM_SLOTS["day"])

    def assert_claim(_event=None) -> None:
        today = model.calendar.now
        model.log.record(today, ev.CLAIM_ASSERTED, claim.claimant, "§5(c)", dict(
            registration=registration, loss_usd=claim.loss_usd, source=claim.source,
            corrected_before_sale=claim.corrected_before_sale,
            fraudulent=tuple(sorted(claim.fraudulent))))
        borne = indemnity.allocate_loss(claim, sellers, company_net_usd, model.terms)
        model.log.record(today, ev.LOSS_ALLOCATED, "company", "§5", dict(
            registration=registration, loss_usd=claim.loss_usd, basis=model.terms.contribution_basis,
            borne=tuple((party, round(usd, 2)) for party, usd in sorted(borne.items()))))

    model.calendar.at(day, Order.ACTION, assert_claim)
