"""Private transfers of Registrable Shares (§7): an Investor sells Units to a transferee.

§7: "'Investor' shall mean a Investor (as defined in the preamble to this Agreement) or
any transferee of Registrable Shares, if such transferee has executed a counterpart
hereof at the time of the transfer to such transferee". So, over a deal, an Investor may
sell part or all of its Units, with their Registrable Shares, privately:

* a transferee who signs a counterpart at the time of the transfer becomes an Investor
  for the rest of the deal: a new :class:`agents.investor.Investor` holding the Units and
  Registrable Shares sold, counting for the §1(a) majority, receiving Company Notices
  and Registration Notices (by the transferor's notice method: the address it gives on
  its counterpart's signature page, §8(a), is taken to be served the same way), and able
  to join, piggy-back and demand;
* a transferee who does not sign holds shares no longer "issued to the Investors": they
  are not Registrable Shares under the agreement (they leave the holdings), and their
  Units leave the Investors' Units, the majority's denominator.

A transfer happens only while none of the transferor's shares is committed to a pending
registration (a demand, a joinder, a Piggy-back Request, a statement still effective, or
shares held back for the second demand): a holder does not sell privately shares it has
asked to sell under a registration statement. The transfers form a Poisson process at
``rate_per_year`` per Investor of the closing; each picks its seller among the Investors
then free to sell (the scenario's ``[transfers]``, ``docs/decisions.md``).

Draws come from the ``transfers`` stream declared here; each transferee draws its own
choices from the streams of its slot (``investor:transferee-<k>``), declared for a deal
only when transfers are on, so with ``rate_per_year = 0`` a deal's streams and log are
those of a deal without this module. The model is reused across deals: :func:`reset`
removes the transferees and restores the Units of the closing.
"""

from __future__ import annotations

import math

import mesa

from agents.deal import Deal
from agents.investor import Investor
from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.engine.streams import Layout, Purpose
from sim.law.rules import securities
from sim.world.distributions import whole_days
from sim.world.scenario import InvestorSpec, Scenario

#: Transfers a deal may hold (each has its block of draws and its transferee's streams).
MAX_TRANSFERS = 8
#: Transferee ids: ``transferee-1`` ... (a scenario's holder ids must not take them).
TRANSFEREE_PREFIX = "transferee-"
DAYS_PER_YEAR = 365

# The ``transfers`` stream, one block per transfer k: the days since the previous
# transfer (exponential), which free Investor sells, the share of its Units, and whether
# the transferee signs a counterpart (§7).
TRANSFERS = Layout("transfers", 4 * MAX_TRANSFERS, 4, blocks=MAX_TRANSFERS, purposes=dict(
    gap=Purpose(0), seller=Purpose(1), units=Purpose(2), counterpart=Purpose(3)))

_GAP, _SELLER, _UNITS, _COUNTERPART = (TRANSFERS.offset(k) for k in TRANSFERS.purposes)


def active(scenario: Scenario) -> bool:
    """Whether the scenario has transfers at all (``rate_per_year > 0``)."""
    return scenario.transfers.rate_per_year > 0


def transferee_specs(scenario: Scenario) -> tuple[InvestorSpec, ...]:
    """The transferee slots a deal declares streams for (none without transfers): one
    per possible transfer, ``transferee-1`` ... ``transferee-<MAX_TRANSFERS>``. A
    transferee's own notice method is its transferor's, known only at the transfer; its
    streams are laid out for the Company's method (a mismatch only costs speed)."""
    if not active(scenario):
        return ()
    taken = {i.id for i in scenario.investors} | {o.id for o in scenario.other_holders}
    ids = [f"{TRANSFEREE_PREFIX}{k + 1}" for k in range(MAX_TRANSFERS)]
    clash = sorted(taken & set(ids))
    if clash:
        raise ValueError(f"transfers: holder ids {', '.join(clash)} are reserved for "
                         f"transferees (§7)")
    method = scenario.company.notice_method
    return tuple(InvestorSpec(id=i, units=1, notice_method=method) for i in ids)


def reset(model: Deal) -> None:
    """Start a deal: remove the last deal's transferees (agents and holdings follow the
    holdings' own reset) and give the Investors of the closing their Units back."""
    sc = model.world
    n = len(sc.investors)
    for inv in model.investors[n:]:
        inv.remove()
        del model.investors_by_name[inv.name]
    del model.investors[n:]
    del model.investor_group.members[n:]
    for inv, spec in zip(model.investors, sc.investors):
        inv.units = spec.units
    model.total_units = sc.total_units
    model.registrable_total = sum(inv.registrable for inv in model.investors)


def schedule(model: Deal) -> None:
    """At the closing: schedule the deal's first transfer (none at rate 0)."""
    if active(model.world):
        _schedule(model, 0, 0)


def _schedule(m: Deal, k: int, after: int) -> None:
    """Schedule transfer ``k`` an exponential gap after day ``after`` (within the
    horizon, at most :data:`MAX_TRANSFERS` a deal)."""
    if k >= MAX_TRANSFERS:
        return
    sc = m.world
    mean = DAYS_PER_YEAR / (sc.transfers.rate_per_year * len(sc.investors))
    u = m.transfers_stream.u(TRANSFERS.slot("gap", k))
    day = after + max(1, whole_days(-mean * math.log1p(-u)))
    if day > sc.horizon_days:
        return
    m.calendar.at(day, Order.ACTION, lambda _: transfer(m, k))


def free_to_sell(m: Deal) -> list[Investor]:
    """Investors who may sell now: they hold Units and Registrable Shares, none of which
    is committed to a pending registration."""
    holdings = m.holdings
    return [i for i in m.investors if i.units > 0 and holdings.held(i.name) > 0
            and not holdings.committed.get(i.name, 0)]


def transfer(m: Deal, k: int) -> None:
    """Transfer ``k``: a free Investor sells Units to a transferee (§7), logged as
    UNITS_TRANSFERRED; then the next transfer is scheduled."""
    today = m.calendar.now
    sellers = free_to_sell(m)
    if sellers:
        s, tr, base = m.transfers_stream, m.world.transfers, k * TRANSFERS.block
        seller = sellers[min(int(s.u(base + _SELLER) * len(sellers)), len(sellers) - 1)]
        fraction = s.sample(tr.units_fraction, base + _UNITS)
        units = min(seller.units, max(1, round(fraction * seller.units)))
        signed = s.chance(tr.counterpart_prob, base + _COUNTERPART)
        execute(m, seller, f"{TRANSFEREE_PREFIX}{k + 1}", units, signed)
    _schedule(m, k + 1, today)


def execute(m: Deal, seller: Investor, name: str, units: int, signed: bool) -> Investor | None:
    """Move ``units`` of ``seller``'s Units and their Registrable Shares to transferee
    ``name``, who signed a counterpart (``signed``) or not; returns the new Investor, or
    None if the transferee is not one (§7)."""
    holdings, today = m.holdings, m.calendar.now
    shares = securities.transferred_shares(holdings.held(seller.name), seller.units, units)
    investor = securities.transferee_is_investor(signed)
    seller.units -= units
    buyer = None
    if investor:
        buyer = _new_investor(m, name, units, seller.notice_method)
        shares = holdings.transfer(seller.name, shares, name)
        buyer.registrable = shares
    else:
        shares = holdings.transfer(seller.name, shares, None)
        m.total_units -= units
        m.registrable_total -= shares
    price = m.share_price(today) * (1 - m.world.transfers.price_discount)
    m.log.record(today, ev.UNITS_TRANSFERRED, seller.name, "§7", dict(
        to=name, units=units, shares=shares, counterpart=signed, investor=investor,
        price=price, usd=price * shares, seller_units=seller.units,
        total_units=m.total_units,
        **({"method": buyer.notice_method} if buyer is not None else {})))
    return buyer


def _new_investor(m: Deal, name: str, units: int, method: str) -> Investor:
    """A transferee who signed a counterpart: an Investor for the rest of the deal."""
    inv = Investor(m, InvestorSpec(id=name, units=units, notice_method=method))
    # Mesa 3.3 keeps a per-model id counter that holds the model alive (see DealModel).
    ids = getattr(mesa.Agent, "_ids", None)
    if ids is not None:
        ids.pop(m, None)
    m.investors.append(inv)
    m.investors_by_name[name] = inv
    m.investor_group.members.append(inv)
    return inv
