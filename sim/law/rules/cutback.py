"""§3(c) Underwriting requirements: the underwriters' cutback (and its §1(b) analogue)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Sequence

from sim.law.rules._registry import rule
from sim.law.terms import Terms


@dataclass(frozen=True)
class Seller:
    """A holder asking to sell shares in an underwritten offering.

    Attributes:
        id: Unique name; also breaks rounding ties, so input order never matters.
        requested: Shares it asked to include (>= 0).
        holdings: Registrable securities it holds, the §3(c) apportionment base (>= 0).
        group: Affiliate group of an Investor (partners, retired partners, stockholders,
            their estates, family members and trusts); §3(c) pools it as ONE Investor.
        investor: False for other selling stockholders (Other Holders).
    """

    id: str
    requested: int
    holdings: int
    group: str | None = None
    investor: bool = True

    def __post_init__(self) -> None:
        if self.requested < 0 or self.holdings < 0:
            raise ValueError(f"seller {self.id!r}: requested and holdings must be >= 0")


@dataclass(frozen=True)
class _Unit:
    """The holders §3(c) apportions among: a lone seller, or an Investor's pooled group."""

    members: tuple[Seller, ...]

    @property
    def key(self) -> str:
        # The smallest member id: unique (ids are) and independent of input order.
        return min(s.id for s in self.members)

    @property
    def investor(self) -> bool:
        return self.members[0].investor  # groups hold Investors only (see _units)


Weight = Callable[[Seller], int]
_HOLDINGS: Weight = lambda s: s.holdings  # noqa: E731
_REQUESTED: Weight = lambda s: s.requested  # noqa: E731


def _units(sellers: Sequence[Seller]) -> list[_Unit]:
    """Pool each Investor affiliate group into one unit.

    Only Investors are pooled: the clause deems the affiliates of "any selling
    stockholder that is an Investor" a single Investor, so an Other Holder's ``group``
    has no effect.
    """
    groups: dict[str, list[Seller]] = {}
    units = []
    for s in sellers:
        if s.investor and s.group is not None:
            groups.setdefault(s.group, []).append(s)
        else:
            units.append(_Unit((s,)))
    units += [_Unit(tuple(members)) for members in groups.values()]
    return sorted(units, key=lambda u: u.key)


Share = int | Fraction


def _exact_fill(amount: Share, weights: dict[str, int], caps: dict[str, Share]
                ) -> dict[str, Fraction]:
    """Water-fill ``amount`` in proportion to ``weights``, nobody above its cap.

    Returns exact (fractional) shares summing to ``min(amount, sum(caps))``. Raising one
    common level and freezing whoever reaches its cap re-divides a capped holder's unused
    share among the others by the same weights. Shares still left once every weighted
    holder is full go to zero-weight holders in proportion to their caps: the offering
    has room for them and the clause gives no reason to leave it unused.
    """
    share = {k: Fraction(0) for k in weights}
    left = Fraction(min(amount, sum(caps.values())))
    open_ = [k for k in weights if weights[k] > 0 and caps[k] > 0]
    while open_ and left > 0:
        level = left / sum(weights[k] for k in open_)
        full = [k for k in open_ if level * weights[k] >= caps[k]]
        if not full:
            for k in open_:
                share[k] = level * weights[k]
            return share
        # Freezing the capped ones frees shares, so the next level is never lower.
        for k in full:
            share[k] = Fraction(caps[k])
            left -= caps[k]
        open_ = [k for k in open_ if k not in full]
    rest = [k for k in weights if weights[k] == 0 and caps[k] > 0]
    if left > 0:
        total = sum(caps[k] for k in rest)
        for k in rest:
            share[k] = left * caps[k] / total
    return share


def _exact_pro_rata(amount: Share, units: Sequence[_Unit], weight: Weight,
                    caps: dict[str, Share]) -> dict[str, Fraction]:
    """Exact shares by seller id: ``amount`` water-filled among ``units`` by ``weight``
    (a group weighs the sum of its members' and may take the sum of their caps), then
    each group's EXACT share water-filled among its members the same way.

    Args:
        amount: Shares to divide.
        units: The apportionment units.
        weight: A seller's weight.
        caps: The most each seller may receive, by seller id.
    """
    unit_share = _exact_fill(amount, {u.key: sum(weight(s) for s in u.members) for u in units},
                             {u.key: sum(caps[s.id] for s in u.members) for u in units})
    out: dict[str, Fraction] = {}
    for u in units:
        out.update(_exact_fill(unit_share[u.key], {s.id: weight(s) for s in u.members},
                               {s.id: caps[s.id] for s in u.members}))
    return out


def _floor_shares(limit: int, terms: Terms) -> int:
    """NVCA IRA: ``cutback_floor_percent``% of the offering (the underwriters' limit on
    all its shares), rounded up ("never below"); exact decimal arithmetic via repr()."""
    return math.ceil(Fraction(repr(terms.cutback_floor_percent)) * limit / 100)


def _investors_first_floor(limit: int, available: int, sellers: Sequence[Seller],
                           requested: dict[str, int], terms: Terms) -> dict[str, int]:
    """NVCA IRA: "in no event shall ... the number of Registrable Securities included in
    the offering be reduced unless all other securities (other than securities to be
    sold by the Company) are first entirely excluded from the offering, [or] ... below
    [25]% of the total number of securities included in such offering".

    The Investors' room is what the Company's shares leave (``available``), but never
    less than the floor (:func:`_floor_shares`, which may take room from the Company's
    own shares) nor more than they asked; it is divided pro rata to holdings (a group as
    one holder). Other Holders share what the Investors leave of ``available``, pro rata
    to holdings: they are cut first, to nothing before an Investor loses a share.
    Rounded as :func:`allocate_cutback` rounds, the Investors' total kept whole.
    """
    units = _units(sellers)
    inv_request = sum(s.requested for s in sellers if s.investor)
    other_request = sum(s.requested for s in sellers if not s.investor)
    room = min(inv_request, max(available, min(limit, _floor_shares(limit, terms))))
    other_room = min(other_request, max(0, available - room))
    if room == inv_request and other_room == other_request:
        return dict(requested)
    exact = _exact_pro_rata(room, [u for u in units if u.investor], _HOLDINGS, requested)
    exact.update(_exact_pro_rata(other_room, [u for u in units if not u.investor],
                                 _HOLDINGS, requested))
    got: dict[str, int] = {}
    _round(_tree(units, True), room + other_room, exact, got)
    return {s.id: got[s.id] for s in sellers}


# A rounding tree: a leaf is a seller id, a node the list of its children.
Tree = str | list["Tree"]


def _leaves(node: Tree) -> list[str]:
    return [node] if isinstance(node, str) else [i for c in node for i in _leaves(c)]


def _round(node: Tree, target: int, exact: dict[str, Fraction], out: dict[str, int]) -> None:
    """Round ``exact`` to whole shares so that every node of the tree gets the floor or
    the ceiling of its exact total, and ``node`` gets ``target`` (its floor or ceiling).

    Each node's children get the floors of their exact totals and the shares left over
    go, one each, to the largest remainders (ties to the smaller key: the smallest seller
    id below the child). This is largest-remainder rounding applied level by level;
    because the sets are nested, it can hold every holder, every pooled group and every
    class within one share of its exact total at once, with the grand total exact. A
    child whose exact total is whole is never rounded up, so a holder whose exact share
    is its whole request gets exactly that, and no holder is rounded above its request.
    """
    if isinstance(node, str):
        out[node] = target
        return
    totals = [sum(exact[i] for i in _leaves(c)) for c in node]
    whole = [math.floor(t) for t in totals]
    order = sorted(range(len(node)), key=lambda j: (whole[j] - totals[j], min(_leaves(node[j]))))
    for j in order[:target - sum(whole)]:
        whole[j] += 1
    for child, n in zip(node, whole):
        _round(child, n, exact, out)


def _tree(units: Sequence[_Unit], by_class: bool) -> Tree:
    """The rounding tree: each group a node over its members; with ``by_class`` the
    Investors and the Other Holders are each a node too (the rule guarantees the class a
    total, which rounding must keep)."""
    def unit(u: _Unit) -> Tree:
        return u.members[0].id if len(u.members) == 1 else [s.id for s in u.members]
    if not by_class:
        return [unit(u) for u in units]
    classes = ([unit(u) for u in units if u.investor], [unit(u) for u in units if not u.investor])
    return [c for c in classes if c]


def _checked_ids(sellers: Sequence[Seller], *numbers: int) -> list[str]:
    """The sellers' ids, after checking they are unique and ``numbers`` are >= 0."""
    if any(n < 0 for n in numbers):
        raise ValueError("limit and company_shares must be >= 0")
    ids = [s.id for s in sellers]
    if len(set(ids)) != len(ids):
        raise ValueError("seller ids must be unique")
    return ids


@rule("§3(c)", "the number of any Units and Registrable Shares and such other securities "
               "that may be included by such holders are allocated in proportion, as nearly "
               "as practicable to the amounts of registrable securities held by such holders")
def allocate_cutback(limit: int, sellers: Sequence[Seller], terms: Terms,
                     company_shares: int = 0) -> dict[str, int]:
    """§3(c): when the securities "requested to be included in such offering exceeds the
    amount of securities that the underwriters determine is compatible with the success
    of the offering", the holders' shares "are allocated in proportion, as nearly as
    practicable to the amounts of registrable securities held by such holders"; an
    Investor partnership or corporation and its partners, retired partners, stockholders,
    estates, family members and trusts "shall be deemed to be a single Investor".

    The Company's own shares come first (the Investors may be included "only in such
    quantity as the underwriters determine will not jeopardize the success of the
    offering by the Company"); the holders share ``max(0, limit - company_shares)``.
    Nobody receives more than it requested; a holder's unused share is re-divided among
    the others. A group is apportioned as one holder, then its exact share is divided
    among its members the same way. Only then are the exact shares rounded to whole
    shares, once (see :func:`_round`): every holder, every group and, under a switch that
    guarantees the Investors a total, the Investors together get the floor or the
    ceiling of their exact share ("as nearly as practicable"), ties to the smaller id.

    Switch ``cutback_rule``: ``pro_rata_holdings`` (default, as written);
    ``pro_rata_requested`` (weights = requests); ``investors_first`` (Investors pro rata
    to holdings, Other Holders share what is left); ``floor_percent`` (Investors together
    first receive ``cutback_floor_percent``% of the available shares, rounded up, or
    their whole request if smaller, pro rata to holdings; the rest is divided pro rata to
    holdings among everyone's unmet requests); ``investors_first_floor`` (NVCA IRA, see
    :func:`_investors_first_floor`: Other Holders cut first, the Investors pro rata to
    holdings, the Investors together never below ``cutback_floor_percent``% of the
    offering, even at the expense of the Company's own shares).

    Args:
        limit: The underwriters' marketing limit on all shares in the offering.
        sellers: The selling holders; ids must be unique.
        terms: The negotiated terms.
        company_shares: Shares the Company itself sells.

    Returns:
        Shares each seller may include, by id, in input order.

    Raises:
        ValueError: A negative number or a repeated id.
    """
    ids = _checked_ids(sellers, limit, company_shares)
    available = max(0, limit - company_shares)
    requested = {s.id: s.requested for s in sellers}
    if terms.cutback_rule == "investors_first_floor":
        return _investors_first_floor(limit, available, sellers, requested, terms)
    if sum(requested.values()) <= available:
        return requested
    units = _units(sellers)
    rule_ = terms.cutback_rule
    by_class = False
    if rule_ in ("pro_rata_holdings", "pro_rata_requested"):
        weight = _HOLDINGS if rule_ == "pro_rata_holdings" else _REQUESTED
        exact = _exact_pro_rata(available, units, weight, requested)
    elif rule_ == "investors_first":
        exact = _exact_pro_rata(available, [u for u in units if u.investor], _HOLDINGS,
                                requested)
        exact.update(_exact_pro_rata(available - sum(exact.values()),
                                     [u for u in units if not u.investor], _HOLDINGS,
                                     requested))
        by_class = True
    elif rule_ == "floor_percent":
        # "At least" the percentage: round the reserve up. Via repr(), 0.1 is 1/10,
        # not the binary float just above it (0.1% of 1,000 would round up to 2).
        pct = Fraction(repr(terms.cutback_floor_percent))
        investor_request = sum(s.requested for s in sellers if s.investor)
        reserve = min(investor_request, math.ceil(pct * available / 100))
        first = _exact_pro_rata(reserve, [u for u in units if u.investor], _HOLDINGS,
                                requested)
        unmet = {i: requested[i] - first.get(i, 0) for i in ids}
        more = _exact_pro_rata(available - reserve, units, _HOLDINGS, unmet)
        exact = {i: first.get(i, 0) + more[i] for i in ids}
        # Only a reserve needs the class kept whole; at 0% this is the rule as written.
        by_class = reserve > 0
    else:  # Terms validates the switch; this guards direct construction
        raise ValueError(f"unknown cutback_rule {rule_!r}")
    got: dict[str, int] = {}
    _round(_tree(units, by_class), min(available, sum(requested.values())), exact, got)
    return {i: got[i] for i in ids}


@rule("§1(b)", "the Company shall ... offer to the Other Holders that such other securities "
               "be included in the underwriting (no cutback rule; switch demand_cutback)")
def demand_cutback_allocation(limit: int, sellers: Sequence[Seller],
                              terms: Terms) -> dict[str, int]:
    """§1(b): the Company "shall, on behalf of all Investors, offer to the Other Holders
    that such other securities be included in the underwriting", but the agreement has
    no clause cutting back an underwritten demand registration.

    Switch ``demand_cutback``: ``none`` (default, as written) includes every request in
    full whatever the limit; ``pro_rata_as_3c`` applies the §3(c) rule as written
    (``pro_rata_holdings``); ``investors_first`` serves the Investors first. The Company
    sells no shares of its own in a demand registration.

    Returns:
        Shares each seller may include, by id, in input order.
    """
    if terms.demand_cutback == "none":
        _checked_ids(sellers, limit)
        return {s.id: s.requested for s in sellers}
    as_3c = "pro_rata_holdings" if terms.demand_cutback == "pro_rata_as_3c" else (
        "investors_first")
    return allocate_cutback(limit, sellers, dataclasses.replace(terms, cutback_rule=as_3c))
