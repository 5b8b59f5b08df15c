"""§3(c) underwriter cutback and the §1(b) demand switch: cases checked by hand, then
properties for every ``cutback_rule``.

Hand cases: "I" is an Investor, "O" an Other Holder (another selling stockholder).
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.rules.cutback import Seller, allocate_cutback, demand_cutback_allocation
from sim.terms import Terms

T = Terms()
RULES = ("pro_rata_holdings", "pro_rata_requested", "investors_first", "floor_percent")


def three_investors_and_other() -> list[Seller]:
    """I a/b/c hold 100/200/300, O d holds 400; each requests all it holds."""
    return [Seller("a", 100, 100), Seller("b", 200, 200), Seller("c", 300, 300),
            Seller("d", 400, 400, investor=False)]


# --- "allocated in proportion ... to the amounts of registrable securities held" ----------

def test_3c_pro_rata_holdings_limit_500_halves_everyone():
    """§3(c): 1,000 requested, limit 500; holdings 100/200/300/400 -> 50/100/150/200."""
    got = allocate_cutback(500, three_investors_and_other(), T)
    assert got == {"a": 50, "b": 100, "c": 150, "d": 200}


def test_3c_company_shares_come_first():
    """§3(c): the Company sells 100 of a 600 limit; the holders share the other 500."""
    got = allocate_cutback(600, three_investors_and_other(), T, company_shares=100)
    assert got == {"a": 50, "b": 100, "c": 150, "d": 200}


def test_3c_company_shares_at_or_above_limit_leave_holders_nothing():
    """§3(c): the Company alone fills (or overfills) the limit: every holder is excluded."""
    for company in (500, 700):
        got = allocate_cutback(500, three_investors_and_other(), T, company_shares=company)
        assert got == {"a": 0, "b": 0, "c": 0, "d": 0}


def test_3c_holder_asking_less_than_its_share_frees_the_rest():
    """§3(c): holdings 100/200/300/400; d requests only 50; limit 500 (650 requested).

    Pro rata to 1,000 held, d's share is 500 x 400/1000 = 200 > 50, so d gets its 50. The
    other 450 go to a/b/c pro rata to their 600 held: 450 x 100/600 = 75,
    450 x 200/600 = 150, 450 x 300/600 = 225, each within its request.
    """
    sellers = [Seller("a", 100, 100), Seller("b", 200, 200), Seller("c", 300, 300),
               Seller("d", 50, 400)]
    assert allocate_cutback(500, sellers, T) == {"a": 75, "b": 150, "c": 225, "d": 50}


def test_3c_affiliate_group_counts_as_one_investor_then_is_split():
    """§3(c): partners p1, p2 (100 each) of one Investor and independent i (200), limit 200.

    The group holds 200 of 400: it gets 100, split 50/50 by the partners' holdings; i 100.
    """
    sellers = [Seller("p1", 100, 100, group="fund"), Seller("p2", 100, 100, group="fund"),
               Seller("i", 200, 200)]
    assert allocate_cutback(200, sellers, T) == {"p1": 50, "p2": 50, "i": 100}


def test_3c_affiliate_group_keeps_its_unused_share():
    """§3(c): "any pro rata reduction ... shall be based upon the aggregate amount".

    Partners x (holds 300, asks 10) and y (holds 100, asks 100); independent z (holds and
    asks 400); limit 300. Pooled, the group holds 400 of 800 and is due 150, more than
    its 110 request, so it gets 110 (x 10, y 100) and z 190. Unpooled, x's unused share
    would have gone to y AND z: y 290 x 100/500 = 58, z 232.
    """
    sellers = [Seller("x", 10, 300, group="fund"), Seller("y", 100, 100, group="fund"),
               Seller("z", 400, 400)]
    assert allocate_cutback(300, sellers, T) == {"x": 10, "y": 100, "z": 190}
    alone = [dataclasses.replace(s, group=None) for s in sellers]
    assert allocate_cutback(300, alone, T) == {"x": 10, "y": 58, "z": 232}


def test_3c_other_holders_affiliates_are_not_pooled():
    """§3(c) pools only "any selling stockholder that is an Investor": I a (holds 100,
    asks 10) shares a group label with O d (holds and asks 400); b, c hold and ask 200,
    300; limit 500. Unpooled: a is due 50 and gets its 10; the other 490 by holdings
    200/300/400 are 108.89/163.33/217.78 -> b 109, c 163, d 218 (largest remainders).
    Pooled, d would have taken a's unused 40: d 240."""
    sellers = [Seller("a", 10, 100, group="fund"), Seller("b", 200, 200),
               Seller("c", 300, 300), Seller("d", 400, 400, group="fund", investor=False)]
    assert allocate_cutback(500, sellers, T) == {"a": 10, "b": 109, "c": 163, "d": 218}


def test_3c_rounding_equal_holders_tie_goes_to_smaller_id():
    """§3(c) "as nearly as practicable": three equal holders, limit 100 -> 33 1/3 each;
    the spare share goes to the smallest id, whatever the input order: a 34, b 33, c 33."""
    sellers = [Seller("c", 100, 100), Seller("b", 100, 100), Seller("a", 100, 100)]
    assert allocate_cutback(100, sellers, T) == {"a": 34, "b": 33, "c": 33}


def test_3c_rounding_largest_remainder_gets_the_spare_share():
    """§3(c): holdings 100/200/300, limit 100 -> 16 2/3, 33 1/3, 50: a has the largest
    remainder (2/3) and gets the spare share: 17/33/50."""
    sellers = [Seller("a", 100, 100), Seller("b", 200, 200), Seller("c", 300, 300)]
    assert allocate_cutback(100, sellers, T) == {"a": 17, "b": 33, "c": 50}


def test_3c_no_cutback_when_requests_fit():
    """§3(c) applies only if the requests exceed the limit: 1,000 requested, limit 1,000."""
    got = allocate_cutback(1000, three_investors_and_other(), T)
    assert got == {"a": 100, "b": 200, "c": 300, "d": 400}


def test_3c_holder_without_registrable_securities_gets_only_leftovers():
    """§3(c) (interpretation): w holds 0 so its pro rata share is 0; it gets shares only
    once every holder with holdings is full. v holds 100, asks 50; w asks 100."""
    sellers = [Seller("v", 50, 100), Seller("w", 100, 0)]
    assert allocate_cutback(40, sellers, T) == {"v": 40, "w": 0}
    assert allocate_cutback(100, sellers, T) == {"v": 50, "w": 50}


# --- Switch cutback_rule: negotiated variants ------------------------------------------

def test_3c_switch_pro_rata_requested():
    """§3(c) switch pro_rata_requested: requests 100/200/300/50 (d holds 400), limit 325:
    650 requested, each gets half its request: 50/100/150/25."""
    sellers = [Seller("a", 100, 100), Seller("b", 200, 200), Seller("c", 300, 300),
               Seller("d", 50, 400)]
    got = allocate_cutback(325, sellers, Terms(cutback_rule="pro_rata_requested"))
    assert got == {"a": 50, "b": 100, "c": 150, "d": 25}


def test_3c_switch_investors_first():
    """§3(c) switch investors_first: I a (100) and b (300), O d (400), all ask all.
    Limit 500: the Investors' 400 fit, d gets the other 100. Limit 200: a 50, b 150
    (pro rata to holdings), d nothing."""
    sellers = [Seller("a", 100, 100), Seller("b", 300, 300),
               Seller("d", 400, 400, investor=False)]
    terms = Terms(cutback_rule="investors_first")
    assert allocate_cutback(500, sellers, terms) == {"a": 100, "b": 300, "d": 100}
    assert allocate_cutback(200, sellers, terms) == {"a": 50, "b": 150, "d": 0}


def test_3c_switch_floor_percent_50():
    """§3(c) switch floor_percent=50: I a, b (100 each), O d (800), all ask all; limit 200.

    Investors first get 50% of 200 = 100, split 50/50. The other 100 are divided by
    holdings (100/100/800) among the unmet requests (50/50/800): 10/10/80. Result
    a 60, b 60, d 80 (as written, pro rata to holdings: 20/20/160).
    """
    sellers = [Seller("a", 100, 100), Seller("b", 100, 100),
               Seller("d", 800, 800, investor=False)]
    floor = Terms(cutback_rule="floor_percent", cutback_floor_percent=50.0)
    assert allocate_cutback(200, sellers, floor) == {"a": 60, "b": 60, "d": 80}
    assert allocate_cutback(200, sellers, T) == {"a": 20, "b": 20, "d": 160}
    zero = dataclasses.replace(floor, cutback_floor_percent=0.0)
    assert allocate_cutback(200, sellers, zero) == allocate_cutback(200, sellers, T)


def test_3c_switch_floor_percent_rounds_the_reserve_up():
    """§3(c) switch floor_percent=25: I a (holds 1, asks 10), O d (holds 99, asks 100);
    limit 10. "At least" 25% of 10 = 2.5 -> 3 for a. The other 7 by holdings 1:99:
    a 0.07, d 6.93 -> a 0, d 7. Result a 3, d 7 (pro rata as written: a 0, d 10)."""
    sellers = [Seller("a", 10, 1), Seller("d", 100, 99, investor=False)]
    floor = Terms(cutback_rule="floor_percent", cutback_floor_percent=25.0)
    assert allocate_cutback(10, sellers, floor) == {"a": 3, "d": 7}
    assert allocate_cutback(10, sellers, T) == {"a": 0, "d": 10}


# --- §1(b): "offer to the Other Holders that such other securities be included" ----------

def test_1b_demand_cutback_none_includes_every_request_in_full():
    """§1(b) switch demand_cutback=none (as written): no cutback rule, so a limit of 500
    does not reduce the 1,000 requested."""
    got = demand_cutback_allocation(500, three_investors_and_other(), T)
    assert got == {"a": 100, "b": 200, "c": 300, "d": 400}


def test_1b_demand_cutback_pro_rata_as_3c():
    """§1(b) switch pro_rata_as_3c: the §3(c) rule as written, 50/100/150/200."""
    got = demand_cutback_allocation(500, three_investors_and_other(),
                                    Terms(demand_cutback="pro_rata_as_3c"))
    assert got == {"a": 50, "b": 100, "c": 150, "d": 200}


def test_1b_demand_cutback_investors_first():
    """§1(b) switch investors_first: the Investors' 600 fit in 700, O d gets 100; even when
    cutback_rule says otherwise."""
    terms = Terms(demand_cutback="investors_first", cutback_rule="pro_rata_requested")
    got = demand_cutback_allocation(700, three_investors_and_other(), terms)
    assert got == {"a": 100, "b": 200, "c": 300, "d": 100}


# --- Inputs --------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [dict(requested=-1, holdings=5),
                                 dict(requested=5, holdings=-1)])
def test_3c_negative_request_or_holding_rejected(bad):
    """§3(c): shares requested and held cannot be negative."""
    with pytest.raises(ValueError):
        Seller("a", **bad)


def test_3c_negative_limit_company_shares_or_repeated_id_rejected():
    """§3(c): a negative limit or Company amount, or two sellers with one id, is an error."""
    sellers = [Seller("a", 1, 1)]
    with pytest.raises(ValueError):
        allocate_cutback(-1, sellers, T)
    with pytest.raises(ValueError):
        allocate_cutback(10, sellers, T, company_shares=-1)
    with pytest.raises(ValueError):
        allocate_cutback(10, sellers * 2, T)
    with pytest.raises(ValueError):
        demand_cutback_allocation(-1, sellers, T)


# --- Properties ------------------------------------------------------------------------

@st.composite
def offerings(draw):
    """(limit, sellers, company_shares): up to 8 sellers, 0..10,000 shares, optional
    affiliate groups g/h; the limit usually forces a cutback."""
    rows = draw(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000),
                                   st.sampled_from([None, None, "g", "h"]), st.booleans()),
                         max_size=8))
    sellers = [Seller(f"s{i}", r, h, g, inv) for i, (r, h, g, inv) in enumerate(rows)]
    company = draw(st.integers(0, 5_000))
    total = sum(s.requested for s in sellers)
    limit = draw(st.integers(0, total + company + 10))
    return limit, sellers, company


cutback_terms = st.builds(
    lambda rule, pct: Terms(cutback_rule=rule, cutback_floor_percent=pct),
    st.sampled_from(RULES),
    st.one_of(st.sampled_from([0.0, 12.5, 25.0, 50.0, 100.0]),
              st.floats(0.0, 100.0, allow_nan=False)))
PROPS = settings(max_examples=300, deadline=None)


def units(sellers, got):
    """Apportionment units as in §3(c): each Investor group pooled, everyone else alone.
    Returns (requested, holdings, allocated, investor) per unit."""
    pooled: dict[str, list] = {}
    for s in sellers:
        key = f"group {s.group}" if s.investor and s.group else f"seller {s.id}"
        pooled.setdefault(key, []).append(s)
    return [(sum(s.requested for s in m), sum(s.holdings for s in m),
             sum(got[s.id] for s in m), m[0].investor) for m in pooled.values()]


def exact_shares(amount, weights, caps):
    """Reference water-filling, computed differently from the module: visit holders in
    order of cap/weight (who fills first) and freeze each one the level reaches.
    Zero-weight holders share what is left pro rata to caps."""
    share = [Fraction(0)] * len(caps)
    left = Fraction(min(amount, sum(caps)))
    weighted = sorted((i for i in range(len(caps)) if weights[i] > 0),
                      key=lambda i: Fraction(caps[i], weights[i]))
    weight_left = sum(weights[i] for i in weighted)
    for i in weighted:
        if left * weights[i] >= caps[i] * weight_left:
            share[i] = Fraction(caps[i])
            left, weight_left = left - caps[i], weight_left - weights[i]
        else:
            share[i] = left * weights[i] / weight_left
    spent = sum(share)
    zero = [i for i in range(len(caps)) if weights[i] == 0]
    rest = Fraction(min(amount, sum(caps))) - spent
    for i in zero:
        share[i] = rest * caps[i] / sum(caps[j] for j in zero) if rest else Fraction(0)
    return share


@PROPS
@given(offerings(), cutback_terms)
def test_3c_property_totals_and_bounds_for_every_rule(offering, terms):
    """§3(c), every cutback_rule: the holders receive exactly min(available, requested),
    nobody more than it asked for, nobody a negative amount."""
    limit, sellers, company = offering
    got = allocate_cutback(limit, sellers, terms, company)
    assert list(got) == [s.id for s in sellers]
    available = max(0, limit - company)
    assert sum(got.values()) == min(available, sum(s.requested for s in sellers))
    assert all(0 <= got[s.id] <= s.requested for s in sellers)


@PROPS
@given(offerings(), cutback_terms, st.randoms(use_true_random=False))
def test_3c_property_input_order_never_matters(offering, terms, rnd):
    """§3(c), every cutback_rule: any permutation of the sellers gets the same shares."""
    limit, sellers, company = offering
    shuffled = list(sellers)
    rnd.shuffle(shuffled)
    assert allocate_cutback(limit, shuffled, terms, company) == allocate_cutback(
        limit, sellers, terms, company)


@PROPS
@given(offerings())
def test_3c_property_pro_rata_holdings_within_one_share_of_exact(offering):
    """§3(c) "as nearly as practicable": each unit (an Investor group pooled) is within
    one share of its exact water-filled share by holdings, and each group member within
    one share of its exact share of the group's whole-share total."""
    limit, sellers, company = offering
    got = allocate_cutback(limit, sellers, T, company)
    rows = units(sellers, got)
    exact = exact_shares(max(0, limit - company), [h for _, h, _, _ in rows],
                         [r for r, _, _, _ in rows])
    if sum(r for r, _, _, _ in rows) <= max(0, limit - company):
        exact = [Fraction(r) for r, _, _, _ in rows]
    assert all(abs(a - x) < 1 for (_, _, a, _), x in zip(rows, exact))
    for group in {s.group for s in sellers if s.investor and s.group}:
        members = [s for s in sellers if s.investor and s.group == group]
        inside = exact_shares(sum(got[s.id] for s in members), [s.holdings for s in members],
                              [s.requested for s in members])
        assert all(abs(got[s.id] - x) < 1 for s, x in zip(members, inside))


def pairs(rows):
    return [(u, v) for u in rows for v in rows if u is not v]


@PROPS
@given(offerings(), cutback_terms)
def test_3c_property_monotone_in_holdings_or_requests(offering, terms):
    """§3(c), per rule, for units u, v (Investor groups pooled) with EQUAL requests:
    pro_rata_holdings: holdings(u) < holdings(v) => alloc(u) <= alloc(v), Investor or not;
    investors_first / floor_percent: the same among Investors and among Other Holders;
    pro_rata_requested: the two differ by at most one share. And for pro_rata_requested
    with requests(u) < requests(v) => alloc(u) <= alloc(v)."""
    limit, sellers, company = offering
    rule_ = terms.cutback_rule
    rows = units(sellers, allocate_cutback(limit, sellers, terms, company))
    for (ru, hu, au, iu), (rv, hv, av, iv) in pairs(rows):
        if rule_ == "pro_rata_requested":
            if ru < rv:
                assert au <= av
            elif ru == rv:
                assert abs(au - av) <= 1
        elif ru == rv and hu < hv and (rule_ == "pro_rata_holdings" or iu == iv):
            assert au <= av


@PROPS
@given(offerings())
def test_3c_property_investors_first_serves_investors_before_other_holders(offering):
    """§3(c) switch investors_first: the Investors get min(available, their requests);
    an Other Holder gets a share only if every Investor got its whole request."""
    limit, sellers, company = offering
    got = allocate_cutback(limit, sellers, Terms(cutback_rule="investors_first"), company)
    investors = [s for s in sellers if s.investor]
    available = max(0, limit - company)
    investor_request = sum(s.requested for s in investors)
    assert sum(got[s.id] for s in investors) == min(available, investor_request)
    if any(got[s.id] for s in sellers if not s.investor):
        assert all(got[s.id] == s.requested for s in investors)


@PROPS
@given(offerings(), st.floats(0.0, 100.0, allow_nan=False))
def test_3c_property_floor_percent_guarantees_the_investors_floor(offering, pct):
    """§3(c) switch floor_percent: the Investors together get at least ceil(pct% of the
    available shares) or their whole request if smaller; at 0% it is the rule as written."""
    limit, sellers, company = offering
    terms = Terms(cutback_rule="floor_percent", cutback_floor_percent=pct)
    got = allocate_cutback(limit, sellers, terms, company)
    available = max(0, limit - company)
    investors = [s for s in sellers if s.investor]
    floor = math.ceil(Fraction(repr(pct)) * available / 100)
    assert sum(got[s.id] for s in investors) >= min(floor, sum(s.requested for s in investors))
    zero = dataclasses.replace(terms, cutback_floor_percent=0.0)
    assert allocate_cutback(limit, sellers, zero, company) == allocate_cutback(
        limit, sellers, T, company)


@PROPS
@given(offerings())
def test_1b_property_demand_cutback_matches_3c_or_none(offering):
    """§1(b): none = every request in full; pro_rata_as_3c and investors_first = §3(c)
    with that rule and no Company shares."""
    limit, sellers, _ = offering
    assert demand_cutback_allocation(limit, sellers, T) == {s.id: s.requested for s in sellers}
    for switch, as_3c in (("pro_rata_as_3c", "pro_rata_holdings"),
                          ("investors_first", "investors_first")):
        got = demand_cutback_allocation(limit, sellers, Terms(demand_cutback=switch))
        assert got == allocate_cutback(limit, sellers, Terms(cutback_rule=as_3c))
