"""§4 expenses and §5 indemnification and contribution: cases checked by hand, then
properties of :func:`allocate_loss` and :func:`contribution`.

Hand cases: Selling Investor "A" received $120,000 from its shares and "B" $40,000 (net of
their selling costs); the Company's net proceeds from the offering are $360,000 (it sold
shares of its own in the same registration) unless a case says otherwise.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import events as ev
from sim.core.config import build, deep_merge
from sim.deal.model import run_deal
from sim.law.rules.expenses import (
    COMPANY_ITEMS,
    SEC_FEE_PER_MILLION_FY2003,
    ExpenseFigures,
    expenses_payer,
    registration_expenses,
    selling_costs,
)
from sim.law.rules.indemnity import (
    Claim,
    allocate_loss,
    company_indemnifies,
    contribution,
    late_notice_relief,
    relieve_late_notice,
    seller_indemnity,
)
from sim.world.scenario import scenario_from_dict
from sim.world.script import Script
from sim.law.terms import Terms

# The contribution mechanic is what most §5 cases below exercise, so the base terms take
# cap_excess="contribution"; the default reading (the Company keeps the excess over a
# seller's cap) has its own tests (KEEP_EXCESS).
T = Terms(cap_excess="contribution")
FIG = ExpenseFigures(sec_fee_per_million=SEC_FEE_PER_MILLION_FY2003, legal_usd=50_000.0,
                     accounting_usd=15_000.0, printing_usd=10_000.0, listing_usd=5_000.0,
                     blue_sky_per_state_usd=1_500.0, underwriting_discount=0.07,
                     selling_commission=0.02)
PROCEEDS = {"A": 120_000.0, "B": 40_000.0}
COMPANY_NET = 360_000.0


def terms_with(**switches):
    """Terms with §5 switches over the base terms ``T``."""
    return dataclasses.replace(T, **switches)


KEEP_EXCESS = terms_with(cap_excess="indemnified_party")
FAULT = terms_with(contribution_basis="relative_fault")


def test_5_default_reading_keeps_the_excess_with_the_company():
    """§5(b)/(d) as read by default: the cap is "specified therein", so §5(d) does not
    reach the excess; the agreement as written (Terms()) says so."""
    assert Terms().cap_excess == "indemnified_party"


# --- §4 Registration Expenses ---------------------------------------------------------------

def test_4_registration_fee_on_2_million_at_fy2003_rate():
    """§4 "all registration and filing fees": $2,000,000 at $80.90 per million = $161.80."""
    assert registration_expenses(2_000_000, 0, FIG)["registration_fee"] == 161.80


def test_4_blue_sky_fees_for_three_states():
    """§4 "state blue sky fees and expenses": 3 states at $1,500 = $4,500."""
    assert registration_expenses(2_000_000, 3, FIG)["blue_sky"] == 4_500.00


def test_4_registration_expenses_items_and_total():
    """§4: fee 161.80 + counsel 50,000 + accountants 15,000 + printing 10,000 + listing
    5,000 + blue sky 4,500 = $84,661.80."""
    got = registration_expenses(2_000_000, 3, FIG)
    assert tuple(got) == COMPANY_ITEMS
    assert round(sum(got.values()), 2) == 84_661.80


def test_4_company_pays_every_item_even_for_a_withdrawn_registration():
    """§4 "The Company will pay all Registration Expenses of all registrations": every
    item, whether the registration became effective or was withdrawn."""
    for item in registration_expenses(2_000_000, 3, FIG):
        assert expenses_payer(item, withdrawn=False) == "company"
        assert expenses_payer(item, withdrawn=True) == "company"


def test_4_seller_pays_discount_and_commission_on_its_own_shares():
    """§4 "shall not include any and all underwriting discounts and selling commissions":
    A sells $300,000 of shares: 7% discount underwritten = $21,000; 2% brokers'
    commission otherwise = $6,000; both, and A's own counsel, are A's."""
    assert selling_costs(300_000, True, FIG) == 21_000.00
    assert selling_costs(300_000, False, FIG) == 6_000.00
    for item in ("underwriting_discount", "selling_commission", "seller_counsel"):
        assert expenses_payer(item, withdrawn=True) == "seller"


def test_4_unknown_item_and_bad_figures_are_rejected():
    """§4: an item that is neither a Registration Expense nor a seller's cost is an error."""
    with pytest.raises(ValueError, match="unknown expense item"):
        expenses_payer("champagne")
    with pytest.raises(ValueError):
        dataclasses.replace(FIG, underwriting_discount=-0.01)


# --- §5(a) the Company's indemnity ------------------------------------------------------------

def test_5a_company_information_company_bears_all():
    """§5(a): a $500,000 loss from a misstatement in the Company's information, suffered by
    A or by an underwriter: the Company indemnifies and bears all of it."""
    for claimant in ("A", "underwriter"):
        claim = Claim(500_000.0, "company", claimant)
        assert company_indemnifies(claim) is True
        assert allocate_loss(claim, PROCEEDS, COMPANY_NET, T) == {"company": 500_000.0}


def test_5a_i_seller_bears_its_own_loss_from_its_own_information():
    """§5(a)(i): A is sued for $80,000 over information A furnished: no indemnity; A bears it."""
    claim = Claim(80_000.0, "A", "A")
    assert company_indemnifies(claim) is False
    assert allocate_loss(claim, PROCEEDS, COMPANY_NET, T) == {"A": 80_000.0}


def test_5a_ii_corrected_before_sale_seller_bears_it():
    """§5(a)(ii): the Company corrected the statement and delivered the correction to B
    before B's sale; B's $80,000 loss is not indemnified and B bears all of it, twice its
    $40,000 proceeds: no §5(d) contribution, the exception is "specified therein"."""
    claim = Claim(80_000.0, "company", "B", corrected_before_sale=True)
    assert company_indemnifies(claim) is False
    assert allocate_loss(claim, PROCEEDS, COMPANY_NET, T) == {"B": 80_000.0}


def test_5a_ii_correction_flag_does_not_affect_an_underwriter():
    """§5(a)(ii) names the Selling Investor's sale: an underwriter's $80,000 loss from
    Company information is still indemnified by the Company."""
    claim = Claim(80_000.0, "company", "underwriter", corrected_before_sale=True)
    assert allocate_loss(claim, PROCEEDS, COMPANY_NET, T) == {"company": 80_000.0}


# --- §5(b) the Selling Investor's several, capped indemnity ------------------------------------

def test_5b_seller_information_loss_below_proceeds_seller_bears():
    """§5(b): A's information causes the Company a $50,000 loss; A ($120,000 proceeds)
    indemnifies the Company for all of it."""
    claim = Claim(50_000.0, "A", "company")
    assert seller_indemnity(claim, PROCEEDS) == {"A": 50_000.0}
    assert allocate_loss(claim, PROCEEDS, COMPANY_NET, T) == {"A": 50_000.0}


def test_5b_seller_information_hurting_underwriter_or_other_seller():
    """§5(a)(i) bars only the claimant's own information, §5(b) covers underwriters: a
    $50,000 loss of the underwriter, or of B, from A's information ends with A."""
    for claimant in ("underwriter", "B"):
        claim = Claim(50_000.0, "A", claimant)
        assert company_indemnifies(claim) is True
        assert allocate_loss(claim, PROCEEDS, COMPANY_NET, T) == {"A": 50_000.0}


def test_5b_loss_above_proceeds_capped_remainder_by_contribution():
    """§5(b) cap, §5(d) relative benefits: $300,000 loss from A's information; A indemnifies
    up to its $120,000 proceeds; the $180,000 excess is shared 120,000 : 360,000 = 1 : 3,
    A $45,000 and the Company $135,000. A bears $165,000 in all."""
    claim = Claim(300_000.0, "A", "company")
    assert seller_indemnity(claim, PROCEEDS) == {"A": 120_000.0}
    assert allocate_loss(claim, PROCEEDS, COMPANY_NET, T) == {"A": 165_000.0,
                                                              "company": 135_000.0}


def test_5b_cap_excess_switch_company_keeps_the_excess():
    """§5(b)/(d) switch cap_excess=indemnified_party: the cap is a reason "specified
    therein": A pays $120,000, the Company keeps the $180,000 excess."""
    claim = Claim(300_000.0, "A", "company")
    assert allocate_loss(claim, PROCEEDS, COMPANY_NET, KEEP_EXCESS) == {"A": 120_000.0,
                                                                        "company": 180_000.0}


def test_5b_pure_resale_relative_benefits_put_the_excess_on_the_seller():
    """§5(d) in a resale registration the Company has no net proceeds (0): by relative
    benefits A bears the whole $300,000, cap notwithstanding (the cost of the default)."""
    claim = Claim(300_000.0, "A", "company")
    assert allocate_loss(claim, PROCEEDS, 0.0, T) == {"A": 300_000.0}


def test_5b_two_sellers_information_each_several_not_joint():
    """§5(b) "severally and not jointly": a $100,000 loss from A's information is A's alone
    (B owes nothing though it has proceeds); one from B's information: B pays its
    $40,000 cap plus 40 : 400 of the $60,000 excess ($6,000), the Company $54,000."""
    claim_a, claim_b = Claim(100_000.0, "A", "company"), Claim(100_000.0, "B", "company")
    assert seller_indemnity(claim_a, PROCEEDS) == {"A": 100_000.0}
    assert allocate_loss(claim_a, PROCEEDS, COMPANY_NET, T) == {"A": 100_000.0}
    assert seller_indemnity(claim_b, PROCEEDS) == {"B": 40_000.0}
    assert allocate_loss(claim_b, PROCEEDS, COMPANY_NET, T) == {"B": 46_000.0,
                                                                "company": 54_000.0}


def test_5b_source_that_sold_nothing_is_no_selling_investor():
    """§5(b): information of an Investor "C" that sold nothing here: C is no Selling
    Investor and owes nothing; the Company bears the $10,000."""
    claim = Claim(10_000.0, "C", "company")
    assert seller_indemnity(claim, PROCEEDS) == {}
    assert allocate_loss(claim, PROCEEDS, COMPANY_NET, T) == {"company": 10_000.0}


# --- §5(c) notice ------------------------------------------------------------------------------

def test_5c_late_notice_relieves_only_to_the_extent_of_prejudice():
    """§5(c) "except to the extent that such delay prejudices": $100,000 claim, late notice
    cost the Indemnifying Party $30,000 -> relieved of $30,000; no prejudice -> nothing;
    $250,000 prejudice -> the whole $100,000, no more."""
    assert late_notice_relief(100_000.0, 30_000.0) == 30_000.0
    assert late_notice_relief(100_000.0, 0.0) == 0.0
    assert late_notice_relief(100_000.0, 250_000.0) == 100_000.0


def test_5c_late_notice_by_the_company_relieves_the_seller_of_the_prejudiced_part():
    """§5(c) "the failure of any Indemnified Party to give notice as provided herein shall
    not relieve the Indemnifying Party of its obligations under this SECTION 5, except to
    the extent that such delay prejudices such indemnifying party": the Company (the
    Indemnified Party) told A late of a $50,000 claim on A's information; the delay cost A
    a quarter of its obligation: A is relieved of $12,500, which stays with the Company.
    No prejudice: nothing moves."""
    borne = allocate_loss(Claim(50_000.0, "A", "company"), PROCEEDS, COMPANY_NET, T)
    assert borne == {"A": 50_000.0}
    assert relieve_late_notice(borne, "company", 0.25) == (
        {"A": 37_500.0, "company": 12_500.0}, {"A": 12_500.0})
    assert relieve_late_notice(borne, "company", 0.0) == (borne, {})


def test_5c_late_notice_relief_covers_contribution_too_and_at_most_all_of_it():
    """§5(c) relieves "its obligations under this SECTION 5", contribution included: an
    underwriter hurt by A's information gave notice late; A bears $165,000 (indemnity and
    its share of the excess), the Company $135,000, both Indemnifying Parties as to the
    underwriter. Prejudice of 10% relieves A of $16,500 and the Company of $13,500, both
    now borne by the underwriter; prejudice beyond the obligation relieves all of it."""
    borne = allocate_loss(Claim(300_000.0, "A", "underwriter"), PROCEEDS, COMPANY_NET, T)
    assert borne == {"A": 165_000.0, "company": 135_000.0}
    assert relieve_late_notice(borne, "underwriter", 0.1) == (
        {"A": 148_500.0, "company": 121_500.0, "underwriter": 30_000.0},
        {"A": 16_500.0, "company": 13_500.0})
    assert relieve_late_notice(borne, "underwriter", 1.5) == (
        {"underwriter": 300_000.0}, {"A": 165_000.0, "company": 135_000.0})


def test_5c_late_notice_where_no_one_indemnifies_moves_nothing():
    """§5(c): A bears its own loss from its own information (§5(a)(i)); there is no
    Indemnifying Party to relieve."""
    borne = allocate_loss(Claim(80_000.0, "A", "A"), PROCEEDS, COMPANY_NET, T)
    assert relieve_late_notice(borne, "A", 0.5) == ({"A": 80_000.0}, {})


def _claim_log(terms, claims):
    """A deal with one underwritten Company offering the Investors piggy-back on, a claim
    certain after it; ``claims`` overrides the scenario's [claims] table."""
    world = scenario_from_dict({"claims": {"claim_prob": 1.0, **claims}})
    offering = {"type": "public", "plan_day": 0, "notice_day": 2, "file_day": 30,
                "effective_day": 60, "underwritten": True, "company_shares": 1_000_000,
                "marketing_limit": 100_000_000}
    script = {"demand": {"day": 1000, "by": ["inv01"]}, "latency": {"default": 2},
              "investors": {"all": {"piggyback": True, "piggyback_response_days": 3,
                                    "accept_underwriting": True}},
              "offerings": [offering], "events": {"market_returns": []}}
    return run_deal(terms, world, seed=0, script=build(Script, deep_merge({}, script), "t"))


@pytest.mark.parametrize("source_prob", [1.0, 0.0])
def test_5c_late_notice_in_the_claims_process(source_prob):
    """§5(c) in the engine: a claim certain, its notice certainly late with half of each
    Indemnifying Party's obligation prejudiced. The relief is logged under §5(c), the
    loss borne moves to the claimant, the parties still bear the whole loss, and the new
    draws shifted none of the claim's other draws (same loss, source, day)."""
    prompt = _claim_log(T, {"company_source_prob": source_prob, "late_notice_prob": 0.0})
    late = _claim_log(T, {"company_source_prob": source_prob, "late_notice_prob": 1.0,
                          "prejudice_fraction": {"dist": "fixed", "value": 0.5}})
    c0, c1 = prompt.first(ev.CLAIM_ASSERTED), late.first(ev.CLAIM_ASSERTED)
    assert c0.details["notice_late"] is False and c1.details["notice_late"] is True
    assert c0.day == c1.day and {k: v for k, v in c0.details.items() if k != "notice_late"} == {
        k: v for k, v in c1.details.items() if k != "notice_late"}
    assert prompt.first(ev.INDEMNITY_RELIEVED) is None
    relief = late.first(ev.INDEMNITY_RELIEVED)
    assert relief.clause == "§5(c)" and relief.actor == c1.actor
    before = dict(prompt.first(ev.LOSS_ALLOCATED).details["borne"])
    after = dict(late.first(ev.LOSS_ALLOCATED).details["borne"])
    relieved = dict(relief.details["relieved"])
    assert relieved and set(relieved) == set(before) - {c1.actor}
    for party, usd in relieved.items():
        assert usd == pytest.approx(before[party] / 2, abs=0.01)
        assert after.get(party, 0.0) == pytest.approx(before[party] - usd, abs=0.005)
    assert after[c1.actor] == pytest.approx(before.get(c1.actor, 0.0) + sum(relieved.values()),
                                            abs=0.005)
    loss = c1.details["loss_usd"]
    assert round(sum(after.values()) * 100) == round(loss * 100)


def test_5c_prejudice_fraction_above_one_is_rejected():
    """§5(c) scenario input: the prejudiced part of an obligation lies in [0, 1]."""
    with pytest.raises(Exception, match="prejudice_fraction"):
        scenario_from_dict({"claims": {"prejudice_fraction": {"dist": "fixed", "value": 1.5}}})


# --- §5(d) contribution ----------------------------------------------------------------------

def test_5d_relative_benefits_by_net_proceeds():
    """§5(d) "net proceeds ... (after deducting expenses)": $180,000 shared 120,000 :
    360,000 -> $45,000 and $135,000; a negative net counts as nothing."""
    claim = Claim(180_000.0, "A", "company")
    assert contribution(180_000.0, {"A": 120_000.0, "company": 360_000.0}, T, claim,
                        indemnified="company") == {"A": 45_000.0, "company": 135_000.0}
    assert contribution(1_000.0, {"A": 100.0, "company": -50.0}, T, claim,
                        indemnified="company") == {"A": 1_000.0}


def test_5d_rounding_to_cents_sums_to_the_amount():
    """§5(d): $100 among three equal parties -> 33.34 / 33.33 / 33.33 (the extra cent to
    the first by name)."""
    claim = Claim(100.0, "A", "company")
    got = contribution(100.0, {"A": 1.0, "B": 1.0, "company": 1.0}, T, claim,
                       indemnified="company")
    assert got == {"A": 33.34, "B": 33.33, "company": 33.33}


def test_5d_fraud_bar_two_parties_fraud_on_either_side():
    """§5(d) "No person guilty of fraudulent misrepresentation ... shall be entitled to
    contribution from any person who was not guilty": $300,000 loss to the Company from
    A's information; A's $120,000 indemnity leaves a $180,000 excess the Company paid, and
    the Company (the Indemnified Party) seeks contribution from A: 1 : 3 by net proceeds.

    A fraudulent, Company innocent: A is not the one seeking contribution, so the bar does
    not bite; the ordinary split, A $45,000 of the excess ($165,000 in all), the Company
    $135,000. Company fraudulent, A innocent: the Company may not recover A's $45,000
    share: A pays its $120,000 indemnity (indemnity is not contribution), the Company
    keeps $180,000. Both fraudulent: the ordinary split."""
    def alloc(guilty):
        claim = Claim(300_000.0, "A", "company", fraudulent=frozenset(guilty))
        return allocate_loss(claim, PROCEEDS, COMPANY_NET, T)
    assert alloc({"A"}) == {"A": 165_000.0, "company": 135_000.0}
    assert alloc({"company"}) == {"A": 120_000.0, "company": 180_000.0}
    assert alloc({"A", "company"}) == {"A": 165_000.0, "company": 135_000.0}
    assert alloc(set()) == {"A": 165_000.0, "company": 135_000.0}


def test_5d_fraud_bar_three_parties():
    """§5(d) fraud bar among three: the Company paid $52,000 and seeks contribution from
    sellers A and B; net proceeds Company 360,000, A 120,000, B 40,000 -> ordinary shares
    9 : 3 : 1 = $36,000 / $12,000 / $4,000.

    * only A fraudulent (a contributor): ordinary shares; A pays no more than its own.
    * Company and B fraudulent: the Company may not recover innocent A's $12,000 but may
      recover guilty B's $4,000: Company $48,000, B $4,000.
    * only the Company fraudulent: it recovers from nobody: $52,000.
    * all three fraudulent: ordinary shares.
    """
    nets = {"company": 360_000.0, "A": 120_000.0, "B": 40_000.0}

    def split(guilty):
        claim = Claim(52_000.0, "A", "company", fraudulent=frozenset(guilty))
        return contribution(52_000.0, nets, T, claim, indemnified="company")
    ordinary = {"A": 12_000.0, "B": 4_000.0, "company": 36_000.0}
    assert split(set()) == ordinary
    assert split({"A"}) == ordinary
    assert split({"company", "B"}) == {"B": 4_000.0, "company": 48_000.0}
    assert split({"company"}) == {"company": 52_000.0}
    assert split({"company", "A", "B"}) == ordinary


def test_5d_fraud_bar_indemnified_seller_against_the_company():
    """§5(d) fraud bar with a seller as the Indemnified Party: seller A paid $40,000 and
    seeks contribution from the Company (net 360,000 : A 120,000 -> Company $30,000, A
    $10,000). A fraudulent, the Company innocent: A keeps the $40,000. The Company
    fraudulent, A innocent: the ordinary split (the Company is the contributor)."""
    nets = {"company": 360_000.0, "A": 120_000.0}

    def split(guilty):
        claim = Claim(40_000.0, "company", "A", fraudulent=frozenset(guilty))
        return contribution(40_000.0, nets, T, claim, indemnified="A")
    assert split({"A"}) == {"A": 40_000.0}
    assert split({"company"}) == {"A": 10_000.0, "company": 30_000.0}


def test_5d_relative_fault_switch():
    """§5(d)(ii) switch contribution_basis=relative_fault: fault A 3 : Company 1 -> of the
    $180,000 excess A bears $135,000, the Company $45,000 (A $255,000 in all); without
    fault weights it falls back to relative benefits."""
    claim = Claim(300_000.0, "A", "company", fault={"A": 3.0, "company": 1.0})
    assert allocate_loss(claim, PROCEEDS, COMPANY_NET, FAULT) == {"A": 255_000.0,
                                                                  "company": 45_000.0}
    assert allocate_loss(claim, PROCEEDS, COMPANY_NET, T) == {"A": 165_000.0,
                                                              "company": 135_000.0}
    no_fault = Claim(300_000.0, "A", "company")
    assert allocate_loss(no_fault, PROCEEDS, COMPANY_NET, FAULT) == {"A": 165_000.0,
                                                                     "company": 135_000.0}


# --- properties --------------------------------------------------------------------------------

SELLERS = ("A", "B", "C")
PARTIES = ("company", "underwriter") + SELLERS
usd = st.floats(min_value=0, max_value=1e8, allow_nan=False).map(lambda x: round(x, 2))
TERMS = [terms_with(contribution_basis=b, cap_excess=c)
         for b in ("relative_benefits", "relative_fault")
         for c in ("contribution", "indemnified_party")]


@st.composite
def cases(draw):
    """A claim (source may be "D", who sold nothing), sellers' proceeds, Company net."""
    proceeds = draw(st.dictionaries(st.sampled_from(SELLERS), usd, max_size=3))
    claim = Claim(draw(usd), draw(st.sampled_from(PARTIES + ("D",))),
                  draw(st.sampled_from(PARTIES)), draw(st.booleans()),
                  frozenset(draw(st.sets(st.sampled_from(PARTIES)))),
                  draw(st.none() | st.dictionaries(st.sampled_from(PARTIES), usd)))
    company_net = draw(st.floats(min_value=-1e6, max_value=1e8, allow_nan=False))
    return claim, proceeds, company_net, draw(st.sampled_from(TERMS))


@settings(max_examples=400, deadline=None)
@given(cases())
def test_5_allocation_invariants(case):
    """§5 invariants, asserted exactly as follows:

    * every share is positive; the shares sum to the loss rounded to cents;
    * only the Company, the claimant and the source bear anything; a seller that is
      neither bears nothing ("severally and not jointly");
    * a seller owing §5(b) indemnity bears at least that indemnity;
    * a seller bears more than its proceeds only (i) as the claimant the Company does
      not indemnify (its own information, or corrected before its sale), or (ii) as the
      source of a loss above its proceeds under cap_excess=contribution (its ordinary
      share of the excess); under cap_excess=indemnified_party (ii) never happens;
    * fraud bar: the allocation is the one without fraud, except that a Company guilty
      of fraud recovers no contribution from an innocent seller (who then bears only its
      §5(b) indemnity).
    """
    claim, proceeds, company_net, terms = case
    got = allocate_loss(claim, proceeds, company_net, terms)
    assert all(v > 0 for v in got.values())
    assert round(sum(got.values()) * 100) == round(claim.loss_usd * 100)
    assert set(got) <= {"company", claim.claimant, claim.source}
    owed = seller_indemnity(claim, proceeds)
    for seller, paid in owed.items():
        assert got.get(seller, 0.0) >= paid - 0.005
    uncovered = claim.claimant != "company" and not company_indemnifies(claim)
    for party, borne in got.items():
        if party in ("company", "underwriter") or borne <= proceeds.get(party, 0.0) + 0.005:
            continue
        own_loss = party == claim.claimant and uncovered
        excess_share = (party == claim.source and bool(owed)
                        and claim.loss_usd > proceeds[party]
                        and getattr(terms, "cap_excess") == "contribution")
        assert own_loss or excess_share, (party, borne, claim)
    honest = allocate_loss(dataclasses.replace(claim, fraudulent=frozenset()), proceeds,
                           company_net, terms)
    if "company" in claim.fraudulent and claim.source not in claim.fraudulent and owed:
        assert got == {p: v for p, v in {**owed, "company": round(
            claim.loss_usd - owed[claim.source], 2)}.items() if v > 0}
    else:
        assert got == honest


@settings(max_examples=300, deadline=None)
@given(usd, st.dictionaries(st.sampled_from(PARTIES), st.floats(-1e6, 1e8), min_size=1),
       st.sets(st.sampled_from(PARTIES)), st.sampled_from(TERMS), st.data())
def test_5d_contribution_invariants(amount, nets, guilty, terms, data):
    """§5(d): shares are positive, among the given parties, sum to the amount in cents.
    Fraud bar: against the ordinary split (no one fraudulent), a contributor bears its
    ordinary share, or nothing if it is innocent and the Indemnified Party guilty; the
    Indemnified Party bears the rest (its own share and the barred ones)."""
    payer = data.draw(st.sampled_from(sorted(nets)))
    claim = Claim(amount, "A", "company", fraudulent=frozenset(guilty), fault={"A": 2.0})
    got = contribution(amount, nets, terms, claim, indemnified=payer)
    assert all(v > 0 for v in got.values()) and set(got) <= set(nets)
    assert round(sum(got.values()) * 100) == round(amount * 100)
    ordinary = contribution(amount, nets, terms, dataclasses.replace(claim, fraudulent=frozenset()),
                            indemnified=payer)
    for party in set(nets) - {payer}:
        barred = payer in guilty and party not in guilty
        assert got.get(party, 0.0) == (0.0 if barred else ordinary.get(party, 0.0))
    assert got.get(payer, 0.0) >= ordinary.get(payer, 0.0)


@settings(max_examples=300, deadline=None)
@given(cases(), st.floats(0.0, 2.0, allow_nan=False))
def test_5c_money_is_conserved_after_late_notice(case, prejudice):
    """§5(a)-(d) then §5(c): what every party bears sums to the loss (in cents) before
    and after late-notice relief; relief only lowers what an Indemnifying Party bears,
    never below 0, and only the claimant (the Indemnified Party) takes it over."""
    claim, proceeds, company_net, terms = case
    borne = allocate_loss(claim, proceeds, company_net, terms)
    after, relieved = relieve_late_notice(borne, claim.claimant, prejudice)
    cents = round(claim.loss_usd * 100)
    assert round(sum(borne.values()) * 100) == cents == round(sum(after.values()) * 100)
    assert all(v > 0 for v in after.values())
    assert claim.claimant not in relieved
    for party, usd in relieved.items():
        assert 0 < usd <= borne[party] + 0.005
        assert round((borne[party] - usd) * 100) == round(after.get(party, 0.0) * 100)
    assert round(after.get(claim.claimant, 0.0) * 100) == round(
        (borne.get(claim.claimant, 0.0) + sum(relieved.values())) * 100)


@given(usd, usd)
def test_5c_relief_is_between_zero_and_the_loss(loss, prejudice):
    """§5(c): relief is never negative and never more than the loss or the prejudice."""
    assert 0.0 <= late_notice_relief(loss, prejudice) <= min(loss, prejudice)
