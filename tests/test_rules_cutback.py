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

from sim.law.rules.cutback import Seller, allocate_cutback, demand_cutback_allocation
from sim.law.terms import Terms

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


def test_3c_group_member_within_one_share_of_its_exact_pooled_share():
    """§3(c) "as nearly as practicable", with the group "deemed to be a single Investor".

    Partners a (holds 5) and b (holds 1) of one Investor, independents c and d (6 each);
    everyone asks all it holds; limit 7 of 18 held. Exact shares: the group 7 x 6/18 =
    7/3, c and d 7/3 each; inside the group a 35/18 = 1.94 and b 7/18 = 0.39. The spare
    share goes to the group (remainders tie; smallest id), so the group gets 3, c 2, d 2.
    Inside the group a and b each round their EXACT share: a 2, b 1. (Rounding the group
    first and then splitting its 3 by 5:1 = 2.5/0.5 gave a 3, 1.06 above its exact share.)
    """
    sellers = [Seller("a", 5, 5, group="fund"), Seller("b", 1, 1, group="fund"),
               Seller("c", 6, 6), Seller("d", 6, 6)]
    assert allocate_cutback(7, sellers, T) == {"a": 2, "b": 1, "c": 2, "d": 2}


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


def test_3c_switch_floor_percent_rounds_once_not_per_step():
    """§3(c) switch floor_percent=50: I a and b (hold and ask 2 each), O d (holds and asks
    1); limit 2. The reserve is 50% of 2 = 1, exactly a 1/2, b 1/2; the other 1 by
    holdings 2:2:1 among the unmet requests: a 2/5, b 2/5, d 1/5. Exact totals a 9/10,
    b 9/10, d 1/5: the Investors together 9/5 -> 2, so a 1, b 1, d 0. (Rounding each
    step apart gave a both ties: a 2, b 0.)"""
    sellers = [Seller("a", 2, 2), Seller("b", 2, 2), Seller("d", 1, 1, investor=False)]
    floor = Terms(cutback_rule="floor_percent", cutback_floor_percent=50.0)
    assert allocate_cutback(2, sellers, floor) == {"a": 1, "b": 1, "d": 0}


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


def pooled_exact(amount, sellers, weight, caps):
    """Exact water-filled shares by seller id: each Investor group pooled as one unit
    (weight and cap the sums of its members'), then its exact share divided among its
    members the same way."""
    pooled: dict[str, list] = {}
    for s in sellers:
        pooled.setdefault(f"group {s.group}" if s.investor and s.group else f"seller {s.id}",
                          []).append(s)
    members = list(pooled.values())
    unit = exact_shares(amount, [sum(weight(s) for s in m) for m in members],
                        [sum(caps[s.id] for s in m) for m in members])
    out = {}
    for m, x in zip(members, unit):
        out.update(zip([s.id for s in m], exact_shares(x, [weight(s) for s in m],
                                                       [caps[s.id] for s in m])))
    return out


def exact_allocation(limit, sellers, terms, company):
    """The exact (fractional) allocation each cutback_rule describes, by seller id."""
    available = max(0, limit - company)
    requested = {s.id: s.requested for s in sellers}
    if sum(requested.values()) <= available:
        return {i: Fraction(r) for i, r in requested.items()}
    holdings = lambda s: s.holdings  # noqa: E731
    investors = [s for s in sellers if s.investor]
    others = [s for s in sellers if not s.investor]
    rule_ = terms.cutback_rule
    if rule_ == "pro_rata_holdings":
        return pooled_exact(available, sellers, holdings, requested)
    if rule_ == "pro_rata_requested":
        return pooled_exact(available, sellers, lambda s: s.requested, requested)
    if rule_ == "investors_first":
        got = pooled_exact(available, investors, holdings, requested)
        return got | pooled_exact(available - sum(got.values()), others, holdings, requested)
    pct = Fraction(repr(terms.cutback_floor_percent))
    reserve = min(sum(s.requested for s in investors), math.ceil(pct * available / 100))
    first = pooled_exact(reserve, investors, holdings, requested)
    unmet = {i: r - first.get(i, 0) for i, r in requested.items()}
    more = pooled_exact(available - reserve, sellers, holdings, unmet)
    return {i: first.get(i, 0) + more[i] for i in requested}


@PROPS
@given(offerings(), cutback_terms)
def test_3c_property_every_holder_within_one_share_of_exact(offering, terms):
    """§3(c) "as nearly as practicable", every cutback_rule: each holder, each pooled
    Investor group and (where the rule treats them as a class) the Investors together
    are within one share of their exact water-filled allocation."""
    limit, sellers, company = offering
    got = allocate_cutback(limit, sellers, terms, company)
    exact = exact_allocation(limit, sellers, terms, company)
    assert all(abs(got[s.id] - exact[s.id]) < 1 for s in sellers)
    for group in {s.group for s in sellers if s.investor and s.group}:
        members = [s.id for s in sellers if s.investor and s.group == group]
        assert abs(sum(got[i] for i in members) - sum(exact[i] for i in members)) < 1
    if terms.cutback_rule in ("investors_first", "floor_percent"):
        investors = [s.id for s in sellers if s.investor]
        assert abs(sum(got[i] for i in investors) - sum(exact[i] for i in investors)) < 1


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
