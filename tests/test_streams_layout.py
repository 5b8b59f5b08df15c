"""Stream layouts: each named stream declared once, beside its actor, without overlaps.

A deal draws every random number at a fixed slot of a named stream
(:mod:`sim.engine.streams`); the slots are declared once per stream as a
:class:`sim.engine.streams.Layout` in the module of the actor that draws from it. These
tests check the declarations: no two draws share a slot (over every block a deal may use,
the spilled repeats and the far overflow regions), every stream is declared by exactly one
module, every laid-out slot is in the stream's window, and the stream specs a deal is built
with name only declared purposes with their declared distributions.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import agents
from agents.transfers import transferee_specs
from sim.deal import model as deal_model
from sim.deal.model import stream_specs
from sim.engine.streams import NORMAL, Layout, Purpose
from sim.world.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parent.parent
SPILL = 40     # repeats past a spilling purpose's count checked for overlaps


def _declarations() -> dict[str, list[tuple[str, Layout]]]:
    """Every Layout declared at module level in agents/ and sim/deal/model.py: name ->
    [(module, layout)], counting a layout imported from elsewhere only where defined."""
    found: dict[str, list[tuple[str, Layout]]] = {}
    modules = [f"agents.{m.name}" for m in pkgutil.iter_modules(agents.__path__)]
    for name in [*modules, "sim.deal.model"]:
        mod = importlib.import_module(name)
        tree = ast.parse(Path(mod.__file__).read_text("utf-8"))
        assigned = {t.id for node in tree.body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)}
        for attr in assigned:
            value = getattr(mod, attr)
            if isinstance(value, Layout):
                found.setdefault(value.name, []).append((name, value))
    return found


DECLARED = _declarations()
LAYOUTS = [layout for pairs in DECLARED.values() for _, layout in pairs]


def _scenarios():
    base = load_scenario()
    many = scenario_from_dict({
        "horizon_days": base.horizon_days + 700, "offerings": {"max_count": 8},
        "other_holders": [{"id": "ohX", "shares": 10, "request_prob": 0.5,
                           "notice_method": "fax"}]})
    none = scenario_from_dict({"offerings": {"max_count": 0},
                               "company": {"notice_method": "regular_mail"}})
    # §7 transfers on: the ``transfers`` stream and each transferee slot's own streams.
    transfers = scenario_from_dict({"transfers": {"rate_per_year": 0.5}})
    return {"default": base, "eight offerings": many, "no offerings": none,
            "transfers": transfers}


SCENARIOS = _scenarios()


def test_every_stream_is_declared_by_exactly_one_module():
    assert DECLARED, "no layouts found"
    for name, pairs in DECLARED.items():
        assert len(pairs) == 1, f"stream {name!r} declared in {[m for m, _ in pairs]}"


@pytest.mark.parametrize("label", SCENARIOS)
def test_every_stream_a_deal_draws_from_is_declared(label):
    sc = SCENARIOS[label]
    names = {layout.stream_name(h) for layout in LAYOUTS for h in (
        [None] if "{id}" not in layout.name else [*sc.investors, *transferee_specs(sc),
                                                  *sc.other_holders])}
    for spec in stream_specs(sc):
        assert spec.name in names


@pytest.mark.parametrize("label", SCENARIOS)
@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda lay: lay.name)
def test_no_two_draws_share_a_slot(layout, label):
    layout.slots(SCENARIOS[label], spill=SPILL)      # raises on a shared slot


@pytest.mark.parametrize("label", SCENARIOS)
@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda lay: lay.name)
def test_declared_slots_lie_in_the_window_or_a_declared_overflow_region(layout, label):
    """Head slots (their declared repeats) in the window, spills past it; a block
    purpose's declared repeats inside its block (spills past it, to overflow); the far
    region past every slot the blocks reach."""
    sc = SCENARIOS[label]
    width = layout.window_width(sc)
    for name, p in layout.head.items():
        for k in range(p.count):
            assert 0 <= layout.slot(name, 0, k) < width, (name, k)
        if p.spill is not None:              # spilled repeats: past the window
            assert layout.slot(name, 0, p.count) >= width, name
    for name, p in layout.purposes.items():
        for k in range(p.count):
            assert 0 <= layout.offset(name, k) < layout.block, (name, k)
        if p.spill is not None:              # spilled repeats: past the block
            assert layout.offset(name, p.count) >= layout.block, name
    assert all(layout.start + layout.slot(n, 0) < width for n in layout.purposes) \
        or not layout.block_indices(sc)      # block 0 starts in the window
    if layout.far:
        reach = max((layout.slot(n, b, k) for b in layout.block_indices(sc)
                     for n, p in layout.purposes.items() for k in range(p.count)), default=-1)
        assert layout.far_base > reach


@pytest.mark.parametrize("label", SCENARIOS)
def test_stream_specs_lay_out_only_declared_purposes_with_their_distributions(label):
    sc = SCENARIOS[label]
    investors = (*sc.investors, *transferee_specs(sc))
    holders = {None: None, **{i.id: i for i in investors},
               **{o.id: o for o in sc.other_holders}}
    by_name = {}
    for layout in LAYOUTS:
        if "{id}" in layout.name:
            kind = layout.name.split(":")[0]
            pool = investors if kind in ("investor", "piggyback") else sc.other_holders
            for h in pool:
                by_name[layout.stream_name(h)] = (layout, holders[h.id])
        else:
            by_name[layout.name] = (layout, None)
    for spec in stream_specs(sc):
        layout, holder = by_name[spec.name]
        slots = layout.slots(sc, spill=SPILL)
        assert spec.width == layout.window_width(sc)
        for slot, dist in spec.layout:
            assert 0 <= slot < spec.width
            purpose = slots[slot][0]
            p = {**layout.head, **layout.purposes, **layout.far}[purpose]
            assert p.dist is not None, (spec.name, slot, purpose)
            assert dist is p.dist(sc, holder), (spec.name, slot, purpose)


def test_market_stream_holds_one_normal_per_month():
    sc = SCENARIOS["default"]
    spec = deal_model.MARKET.spec(sc)
    assert [slot for slot, _ in spec.layout] == list(range(spec.width))
    assert all(dist is NORMAL for _, dist in spec.layout)


# --- The checks can fail ------------------------------------------------------------------
def test_a_layout_with_two_purposes_on_one_slot_is_flagged():
    bad = Layout("bad", 8, 8, purposes=dict(a=Purpose(0), b=Purpose(1, count=2), c=Purpose(2)))
    with pytest.raises(ValueError, match="share slot 2"):
        bad.slots(SCENARIOS["default"])


def test_a_head_slot_on_a_block_slot_is_flagged():
    bad = Layout("bad", 8, 4, head=dict(h=Purpose(5)), purposes=dict(a=Purpose(1)), blocks=2)
    with pytest.raises(ValueError, match="share slot 5"):
        bad.slots(SCENARIOS["default"])


def test_a_spill_into_a_later_block_is_flagged():
    bad = Layout("bad", 8, 4, purposes=dict(a=Purpose(0, count=2, spill=2)), blocks=2)
    with pytest.raises(ValueError, match="share slot"):
        bad.slots(SCENARIOS["default"], spill=3)


def test_a_purpose_declared_twice_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        Layout("bad", 8, 8, head=dict(a=Purpose(0)), purposes=dict(a=Purpose(1)))


def test_a_laid_out_slot_past_the_window_is_refused():
    bad = Layout("bad", 4, 2, laid=3, purposes=dict(a=Purpose(0, dist=lambda sc, _: NORMAL)))
    with pytest.raises(ValueError, match="layout slots must be in"):
        bad.spec(SCENARIOS["default"])


# --- Layers: the agents see the deal as a protocol -----------------------------------------
def test_agents_never_import_the_deal_model():
    for path in (ROOT / "agents").glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("sim.deal"), path.name
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("sim.deal") for a in node.names), path.name
