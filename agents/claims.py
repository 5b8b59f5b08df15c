"""Misstatement claims after a registration, and who bears them (§5).

After a registration in which Investors sold shares, the scenario may draw a claim: its
size (a fraction of the gross proceeds), whose information the misstatement rests on (the
Company's or a selling Investor's), whether the Company corrected it before the sale, and
whether the party responsible acted fraudulently, and whether the claimant (the
Indemnified Party) gave notice of it late and how much the delay prejudiced the
Indemnifying Parties. The loss is then allocated by the §5 rule functions: indemnity, the
several cap at proceeds, contribution, the fraud bar, and late-notice relief (§5(c)).
"""

from __future__ import annotations

from agents.deal import Deal
from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.engine.streams import Layout, Purpose
from sim.law.rules import indemnity
from sim.world.script import MAX_DEMAND_CYCLES

OFFERING_BASE = 2     # registration index: demand cycles 0-1 -> 0-1, Company offering k -> 2 + k
LATE_CYCLE_BASE = 100  # demand cycle c >= OFFERING_BASE -> 100 + c, past every offering


def registration_index(cycle: int) -> int:
    """Claim-block index of demand cycle ``cycle``'s registration."""
    return cycle if cycle < OFFERING_BASE else LATE_CYCLE_BASE + cycle


def _registrations(sc) -> list[int]:
    return sorted({*(registration_index(c) for c in range(MAX_DEMAND_CYCLES)),
                   *(OFFERING_BASE + k for k in range(sc.offerings.max_count))})


# The ``claims`` stream, one block per registration (see ``registration_index``): six
# registrations in the deal's window, later ones in overflow. The §5(c) notice draws,
# added after the block was fixed, have a far region of their own in the overflow, past
# any block slot, so that adding them moved no earlier draw (common random numbers with
# runs made before them).
CLAIMS = Layout("claims", 36, 6, blocks=_registrations, purposes=dict(
    occurs=Purpose(0), loss=Purpose(1), source=Purpose(2), corrected=Purpose(3),
    fraud=Purpose(4), day=Purpose(5, dist=lambda sc, _: sc.claims.claim_day)),
    far=dict(late=Purpose(0), prejudice=Purpose(1)), far_base=100_000)


def schedule_claim(model: Deal, registration: str, index: int,
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
    if not sellers or not s.chance(c.claim_prob, CLAIMS.slot("occurs", index)):
        return
    largest = max(sorted(sellers), key=lambda k: sellers[k])
    company_info = s.chance(c.company_source_prob, CLAIMS.slot("source", index))
    source = "company" if company_info else largest
    claim = indemnity.Claim(
        loss_usd=round(gross_usd * s.sample(c.loss_fraction, CLAIMS.slot("loss", index)), 2),
        source=source,
        # Purchasers sue the sellers (and underwriters) over the Company's information, and
        # the Company (as registrant) over a seller's furnished information.
        claimant=("underwriter" if underwritten else largest) if company_info else "company",
        corrected_before_sale=s.chance(c.corrected_prob, CLAIMS.slot("corrected", index)),
        # The guilty party is the source. The §5(d) bar denies contribution only to a
        # guilty Indemnified Party; the source never seeks contribution here, so fraud is
        # recorded but moves no money in these fact patterns.
        fraudulent=frozenset({source}) if s.chance(c.fraud_prob, CLAIMS.slot("fraud", index))
        else frozenset(),
        # Relative fault (§5(d) switch): the party whose information was untrue.
        fault={source: 1.0})
    day = model.calendar.now + s.days(c.claim_day, CLAIMS.slot("day", index))
    late = s.chance(c.late_notice_prob, CLAIMS.slot("late", index))
    prejudice = (s.sample(c.prejudice_fraction, CLAIMS.slot("prejudice", index)) if late
                 else 0.0)

    def assert_claim(_event=None) -> None:
        today = model.calendar.now
        model.log.record(today, ev.CLAIM_ASSERTED, claim.claimant, "§5(c)", dict(
            registration=registration, loss_usd=claim.loss_usd, source=claim.source,
            corrected_before_sale=claim.corrected_before_sale,
            fraudulent=tuple(sorted(claim.fraudulent)), notice_late=late))
        borne = indemnity.allocate_loss(claim, sellers, company_net_usd, model.terms)
        if late:
            borne, relieved = indemnity.relieve_late_notice(borne, claim.claimant, prejudice)
            model.log.record(today, ev.INDEMNITY_RELIEVED, claim.claimant, "§5(c)", dict(
                registration=registration, prejudice_fraction=round(prejudice, 4),
                relieved=tuple(sorted(relieved.items()))))
        model.log.record(today, ev.LOSS_ALLOCATED, "company", "§5", dict(
            registration=registration, loss_usd=claim.loss_usd, basis=model.terms.contribution_basis,
            borne=tuple((party, round(usd, 2)) for party, usd in sorted(borne.items()))))

    model.calendar.at(day, Order.ACTION, assert_claim)
