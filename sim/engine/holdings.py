"""Where each Investor's Registrable Shares are: free, committed to one registration, sold.

§7: Registrable Shares are the Common issued or issuable under the Units, and they stop
being Registrable Shares once sold under a registration statement. A share asked for in
a registration (a Demand Notice, a request to be included, a Piggy-back Request) is
committed to that registration until it is sold in it or released (the request is
rejected, the registration is withdrawn, cut back, or its effectiveness period ends).
So a share is committed to one registration at a time and sold at most once: an
Investor can ask only for its free shares, and a sale can only take committed shares.

The ledger is the agents' working state; the event log records each commitment and sale
and the audit re-derives the same conservation from it.
"""

from __future__ import annotations

#: The bucket of conversion and warrant shares left out of a statement for lack of
#: authorized capital (§1(a)): held for the second demand, not offered elsewhere.
CAPITAL_SHORT = "capital-short"


class Holdings:
    """Each Investor's Registrable Shares, by where they are.

    Args:
        registrable: Registrable Shares per Investor at the closing (§7).
    """

    __slots__ = ("closing", "registrable", "sold", "committed", "by_registration", "lost")

    def __init__(self, registrable: dict[str, int]) -> None:
        self.closing = dict(registrable)
        self.reset()

    def reset(self) -> None:
        """Start a deal: nothing sold, nothing committed."""
        self.registrable = dict(self.closing)
        self.sold: dict[str, int] = {}
        self.committed: dict[str, int] = {}
        self.by_registration: dict[str, dict[str, int]] = {}
        self.lost: dict[str, int] = {}    # transferred to non-Investors, by transferor (§7)

    def held(self, investor: str) -> int:
        """Registrable Shares not yet sold (§7: what the Investor *holds*, §3(c))."""
        return self.registrable[investor] - self.sold.get(investor, 0)

    def free(self, investor: str) -> int:
        """Held shares not committed to any pending registration."""
        return self.held(investor) - self.committed.get(investor, 0)

    def in_registration(self, registration: str, investor: str) -> int:
        """Shares of ``investor`` committed to ``registration``."""
        return self.by_registration.get(registration, {}).get(investor, 0)

    def commit(self, investor: str, registration: str, shares: int) -> int:
        """Commit up to ``shares`` free shares to ``registration``; returns those committed."""
        shares = min(shares, self.free(investor))
        if shares <= 0:
            return 0
        self.committed[investor] = self.committed.get(investor, 0) + shares
        reg = self.by_registration.setdefault(registration, {})
        reg[investor] = reg.get(investor, 0) + shares
        return shares

    def release(self, investor: str, registration: str, shares: int | None = None) -> int:
        """Free ``shares`` (all, if None) committed to ``registration``; returns those freed."""
        reg = self.by_registration.get(registration)
        have = reg.get(investor, 0) if reg else 0
        shares = have if shares is None else min(shares, have)
        if shares <= 0:
            return 0
        reg[investor] = have - shares
        if not reg[investor]:
            del reg[investor]
        self.committed[investor] -= shares
        return shares

    def release_all(self, registration: str) -> None:
        """Free every share still committed to ``registration`` (it is over)."""
        for investor in list(self.by_registration.get(registration, ())):
            self.release(investor, registration)

    def move(self, investor: str, source: str, target: str, shares: int) -> int:
        """Move committed shares from one registration to another; returns those moved."""
        shares = self.release(investor, source, shares)
        return self.commit(investor, target, shares)

    def scale(self, ratio: float) -> None:
        """A stock split or dividend (§7: Registrable Shares are adjusted, Units are not):
        every holding, commitment and sale is multiplied by ``ratio``, rounded down to
        whole shares (fractions are paid in cash); the rounding is taken from free shares."""
        for registration in self.by_registration.values():
            for investor, shares in registration.items():
                registration[investor] = int(shares * ratio)
        committed = self.committed
        for investor in committed:
            committed[investor] = 0
        for registration in self.by_registration.values():
            for investor, shares in registration.items():
                committed[investor] += shares
        for investor, total in self.registrable.items():
            held = int((total - self.sold.get(investor, 0)) * ratio)
            sold = int(self.sold.get(investor, 0) * ratio)
            if investor in self.sold:
                self.sold[investor] = sold
            self.registrable[investor] = sold + held
        for investor, shares in self.lost.items():
            self.lost[investor] = int(shares * ratio)

    def sell(self, investor: str, registration: str, shares: int) -> int:
        """Sell ``shares`` committed to ``registration``: they stop being Registrable
        Shares (§7). Never more than are committed there; returns those sold."""
        shares = self.release(investor, registration, shares)
        if shares:
            self.sold[investor] = self.sold.get(investor, 0) + shares
        return shares

    def transfer(self, investor: str, shares: int, to: str | None) -> int:
        """A private transfer of ``shares`` free Registrable Shares of ``investor`` (§7):
        to ``to``, a transferee who signed a counterpart and is an Investor (a new
        holding), or, with ``to`` None, to a transferee who is not: the shares leave the
        ledger (``lost``: no longer Registrable Shares under the agreement). Never more
        than are free; returns those transferred."""
        shares = min(shares, self.free(investor))
        if to is not None:
            self.registrable.setdefault(to, 0)     # an Investor, if of no free share
        if shares <= 0:
            return 0
        self.registrable[investor] -= shares
        if to is None:
            self.lost[investor] = self.lost.get(investor, 0) + shares
        else:
            self.registrable[to] = self.registrable.get(to, 0) + shares
        return shares
