"""Named random streams with common random numbers, drawn in blocks.

Every source of randomness has its own named stream (``company``, ``review``,
``market``, ``investor:<id>`` ...). A stream is a counter-based Philox generator whose
key is spawned from the root :class:`numpy.random.SeedSequence` by the stream's stable
name. Deal ``d`` owns a fixed window of ``width`` uniforms in each stream (Philox
counter ``d * width / 4``), and every draw has a fixed *slot* in that window. Hence:

* the same (seed, deal) gives the same draws in any process, chunk or worker count;
* two term variants run with the same seed meet the same random future, and a draw
  never shifts because a variant made more or fewer draws elsewhere;
* a whole chunk of deals is drawn as one array per stream (no generator per deal per
  purpose), and the distributions the stream's *layout* assigns to its slots are
  applied to the whole block at once with NumPy; a deal then reads plain numbers.

A draw outside the window (a later cycle of a repeated process, or more rounds than
slots) comes from an overflow generator keyed by (stream, deal), equally reproducible.

Which draw sits at which slot is declared once per stream, as a :class:`Layout` in the
module of the actor that draws from it; the deal's :class:`StreamSpec` list is built
from these declarations, and the actors compute their slots through them.

Cost notes (a deal reads ~100 numbers, so per-deal overheads matter): a chunk's ready
values stay one float64 array, and a deal reads its row through a memoryview (a Python
float is made only for a value actually read, not for all ~300 columns); normals are
computed only for the columns whose layout needs them (and on demand for a raw draw);
overflow blocks are drawn per (stream, deal, block) only when needed.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
from numpy.random import Philox, SeedSequence
from scipy.special import ndtri

from sim.world.distributions import whole_days, whole_days_vec

_HALF_ULP = 2.0 ** -54
_SCALE = 2.0 ** -53
NORMAL = "normal"       # layout marker: the slot holds its standard-normal transform


def stream_key(root_seed: int, name: str) -> np.ndarray:
    """The Philox key of stream ``name``: spawned from the root seed by a stable id."""
    ss = SeedSequence(root_seed, spawn_key=(zlib.crc32(name.encode("utf-8")),))
    return ss.generate_state(2, dtype=np.uint64)


_SHIFT = np.uint64(11)


def _uniforms(raw: np.ndarray) -> np.ndarray:
    """uint64 -> doubles in the open interval (0, 1), 53 bits each."""
    # The same two double operations as ``x * _SCALE + _HALF_ULP``, done in place on
    # the one new array (no temporaries; it runs for every overflow block of 64 too).
    x = (raw >> _SHIFT).astype(np.float64)
    x *= _SCALE
    x += _HALF_ULP
    return x


def slot_of(cycle: int, k: int, width: int) -> int:
    """Slot of draw ``k`` of a repeated process's ``cycle``.

    Cycle ``c`` owns slots ``[c * width, (c + 1) * width)``; cycle 0 is the deal's
    window, later cycles continue in overflow. A draw beyond its cycle's width (``k >=
    width``) goes to a sparse overflow index that no other cycle uses.
    """
    return cycle * width + k if k < width else 1_000_000 + cycle * 1_000 + k


@dataclass(frozen=True)
class Purpose:
    """One kind of draw in a stream: where it sits in a block, and what it holds.

    Attributes:
        offset: Slot within a block (within the stream's head for a head purpose, or
            within the far region for a far purpose).
        count: Draws of this purpose per block (a repeated draw: rounds, periods,
            offerings); draw ``k`` sits at ``offset + k * stride``.
        stride: Slots between two repeats.
        spill: Where repeats past ``count`` go: ``spill + k`` (inside the block, so a
            sparse stream sends it to overflow); None: the pattern continues.
        dist: ``dist(scenario, holder)`` -> the distribution the slot is laid out with
            (or :data:`NORMAL`); None: the slot holds its raw uniform.
    """

    offset: int
    count: int = 1
    stride: int = 1
    spill: int | None = None
    dist: Callable[[Any, Any], Any] | None = None

    def at(self, k: int) -> int:
        """Offset of repeat ``k``."""
        if k < self.count or self.spill is None:
            return self.offset + k * self.stride
        return self.spill + k


def _count(value, scenario) -> Any:
    return value(scenario) if callable(value) else value


@dataclass(frozen=True)
class Layout:
    """A named stream's slots, declared once beside the actor that draws from them.

    A deal's window of ``width`` slots starts with the ``head`` purposes (drawn once per
    deal), then holds block after block of ``block`` slots from slot ``start`` (block
    ``b``: a demand cycle, an offering, a registration ...). Slots past the window
    continue in the stream's overflow generator; a ``sparse`` stream instead sends an
    offset past its block to its own overflow index (:func:`slot_of`). ``far``
    purposes sit in a region of the overflow of their own, from ``far_base``, ``len(far)``
    slots per block.

    Attributes:
        name: Stream name; ``{id}`` in it makes one stream per holder.
        width: Slots per deal, or ``width(scenario)``.
        block: Slots per block.
        purposes: Purposes repeated in every block.
        head: Purposes at fixed slots of the window, outside the blocks.
        start: Slot of block 0.
        sparse: Offsets past ``block`` go to :func:`slot_of`'s sparse overflow.
        far: Purposes in the far region (see above); ``far_base`` is its first slot.
        blocks: Block indices a deal may use (an int ``n``: ``range(n)``), or
            ``blocks(scenario)``; checked by the tests, not used to draw.
        laid: Blocks whose slots the stream spec lays out with their distributions
            (None: every block inside the window).
    """

    name: str
    width: int | Callable[[Any], int]
    block: int
    purposes: Mapping[str, Purpose] = field(default_factory=dict)
    head: Mapping[str, Purpose] = field(default_factory=dict)
    start: int = 0
    sparse: bool = False
    far: Mapping[str, Purpose] = field(default_factory=dict)
    far_base: int = 0
    blocks: int | Callable[[Any], Iterable[int]] = 1
    laid: int | None = None

    def __post_init__(self) -> None:
        names = [*self.purposes, *self.head, *self.far]
        if len(set(names)) != len(names):
            raise ValueError(f"stream {self.name!r}: a purpose is declared twice")
        if self.block <= 0:
            raise ValueError(f"stream {self.name!r}: block must be positive")

    def offset(self, purpose: str, k: int = 0) -> int:
        """Offset of repeat ``k`` of a block purpose within its block."""
        return self.purposes[purpose].at(k)

    def slot(self, purpose: str, block: int = 0, k: int = 0) -> int:
        """Slot of repeat ``k`` of ``purpose`` in block ``block``."""
        p = self.purposes.get(purpose)
        if p is not None:
            off = p.at(k)
            if self.sparse:
                return self.start + slot_of(block, off, self.block)
            return self.start + block * self.block + off
        p = self.head.get(purpose)
        if p is not None:
            return p.at(k)
        p = self.far[purpose]
        return self.far_base + block * len(self.far) + p.at(k)

    def stream_name(self, holder: Any = None) -> str:
        """The stream's name (for ``holder``'s stream if the name has ``{id}``)."""
        return self.name.format(id=holder.id) if holder is not None else self.name

    def window_width(self, scenario: Any) -> int:
        """Slots per deal under ``scenario``."""
        return _count(self.width, scenario)

    def block_indices(self, scenario: Any) -> list[int]:
        """Block indices a deal under ``scenario`` may use."""
        b = _count(self.blocks, scenario)
        return list(range(b)) if isinstance(b, int) else list(b)

    def laid_blocks(self, scenario: Any) -> int:
        """Blocks the stream spec lays out under ``scenario``."""
        if self.laid is not None:
            return self.laid
        return (self.window_width(scenario) - self.start) // self.block

    def spec(self, scenario: Any, holder: Any = None) -> "StreamSpec":
        """The stream spec under ``scenario``: head slots, then block by block, each
        purpose's repeats in turn, laid out with the purpose's distribution."""
        width, laid = self.window_width(scenario), self.laid_blocks(scenario)
        pairs = [(p.at(k), p.dist(scenario, holder))
                 for p in self.head.values() if p.dist is not None for k in range(p.count)]
        pairs += [(self.slot(name, b, k), p.dist(scenario, holder)) for b in range(laid)
                  for name, p in self.purposes.items() if p.dist is not None
                  for k in range(p.count)]
        return StreamSpec(self.stream_name(holder), width, tuple(pairs))

    def slots(self, scenario: Any, spill: int = 0) -> dict[int, tuple[str, int, int]]:
        """Every slot a deal may draw from -> (purpose, block, repeat), over the blocks it
        may use and those laid out, each purpose's declared repeats and ``spill`` more of
        a purpose that spills. Raises ValueError if two draws share a slot."""
        seen: dict[int, tuple[str, int, int]] = {}

        def put(slot: int, key: tuple[str, int, int]) -> None:
            if slot in seen:
                raise ValueError(f"stream {self.name!r}: {key} and {seen[slot]} share "
                                 f"slot {slot}")
            seen[slot] = key

        def repeats(p: Purpose) -> range:
            return range(p.count + (spill if p.spill is not None else 0))

        for name, p in self.head.items():
            for k in repeats(p):
                put(self.slot(name, 0, k), (name, 0, k))
        blocks = {*self.block_indices(scenario), *range(self.laid_blocks(scenario))}
        for b in sorted(blocks):
            for table in (self.purposes, self.far):
                for name, p in table.items():
                    for k in repeats(p):
                        put(self.slot(name, b, k), (name, b, k))
        return seen


@dataclass(frozen=True)
class StreamSpec:
    """A named stream, the slots each deal owns in it, and what some slots hold.

    Attributes:
        name: Stable name (the key is derived from it).
        width: Slots per deal, a multiple of 4 (Philox makes 4 numbers per counter).
        layout: ``(slot, dist)`` pairs: the slot holds ``whole_days(dist.sample(u, z))``;
            or ``(slot, NORMAL)``: the slot holds ``z``. Other slots hold ``u``.
    """

    name: str
    width: int
    layout: tuple[tuple[int, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.width <= 0 or self.width % 4:
            raise ValueError(f"stream {self.name!r}: width must be a positive multiple of 4")
        # Stream relies on this: a slot found in the layout is inside the window.
        if any(not 0 <= slot < self.width for slot, _ in self.layout):
            raise ValueError(f"stream {self.name!r}: layout slots must be in [0, width)")


class Draws:
    """The current deal's draws: its row ``v`` of ready values (see StreamSpec).

    ``v`` is a memoryview of the deal's row in the chunk's array of ready values;
    indexing it gives a Python float, exactly the array's value.
    """

    __slots__ = ("v", "row", "deal", "streams")

    def __init__(self, streams: "RandomStreams") -> None:
        self.streams = streams
        self.v: Any = memoryview(bytearray())
        self.row = 0
        self.deal = -1

    def uz(self, k: int) -> tuple[float, float]:
        """The raw uniform and normal at column ``k`` of the current deal."""
        u = float(self.streams._u[self.row, k])
        # The same ufunc as the block transform, element by element: identical value.
        return u, float(ndtri(u))

    def overflow(self, name: str, index: int) -> tuple[float, float]:
        """Draw number ``index`` past a stream's window, from its (stream, deal) generator.

        Overflow draws come in blocks of 64 addressed by ``index // 64``; see
        :meth:`RandomStreams.overflow_block`.
        """
        block, pos = divmod(index, 64)
        u, z = self.streams.overflow_block(name, block, self.deal)
        return u[pos], z[pos]


class Stream:
    """One named stream of the current deal: fixed slots of pre-drawn values."""

    __slots__ = ("name", "draws", "offset", "width", "layout")

    def __init__(self, name: str, draws: Draws, offset: int, width: int,
                 layout: dict[int, Any]) -> None:
        self.name, self.draws, self.offset, self.width = name, draws, offset, width
        self.layout = layout

    def uz(self, slot: int) -> tuple[float, float]:
        """The raw uniform and its standard-normal transform at ``slot``."""
        if slot < self.width:
            return self.draws.uz(self.offset + slot)
        return self.draws.overflow(self.name, slot - self.width)

    def u(self, slot: int) -> float:
        """The uniform in (0, 1) at ``slot`` (a slot the layout leaves raw)."""
        if slot < self.width and slot not in self.layout:
            return self.draws.v[self.offset + slot]
        return self.uz(slot)[0]

    def normal(self, slot: int) -> float:
        """A standard normal at ``slot``."""
        if self.layout.get(slot) is NORMAL:      # layout slots are inside the window
            return self.draws.v[self.offset + slot]
        return self.uz(slot)[1]

    def days(self, dist, slot: int) -> int:
        """``whole_days(dist.sample(u, z))`` at ``slot``: precomputed when the layout
        assigns ``dist`` to the slot, else computed from the raw draws."""
        if self.layout.get(slot) is dist:        # layout slots are inside the window
            return int(self.draws.v[self.offset + slot])
        return whole_days(dist.sample(*self.uz(slot)))

    def sample(self, dist, slot: int) -> float:
        """``dist.sample(u, z)`` at ``slot`` (not rounded to days)."""
        return dist.sample(*self.uz(slot))

    def chance(self, p: float, slot: int) -> bool:
        """A Bernoulli(p) draw from ``slot``."""
        return self.u(slot) < p


class RandomStreams:
    """The named streams of one root seed, and blocks of deals drawn from them.

    Args:
        root_seed: The experiment's root seed (a non-negative integer).
        specs: The streams, their widths and layouts; order only fixes the row layout.
    """

    def __init__(self, root_seed: int, specs: Sequence[StreamSpec]) -> None:
        if root_seed < 0:
            raise ValueError("root seed must be non-negative")
        names = [s.name for s in specs]
        if len(set(names)) != len(names):
            raise ValueError("stream names must be unique")
        self.root_seed = int(root_seed)
        self.specs = tuple(specs)
        self._keys = {s.name: stream_key(self.root_seed, s.name) for s in specs}
        # Keys depend only on (root seed, name): derive the overflow keys once, not per
        # block (a SeedSequence costs as much as the block it keys).
        self._overflow_keys = {s.name: stream_key(self.root_seed, s.name + "#overflow")
                               for s in specs}
        # One overflow generator per stream, re-pointed at each (block, deal) by setting
        # its state: ``Philox(key=..., counter=...)`` also builds a SeedSequence from OS
        # entropy (unused once a key is given) and costs ~4x as much as a state update.
        self._overflow_gens = {name: Philox(key=key)
                               for name, key in self._overflow_keys.items()}
        self._overflow_buffer = np.zeros(4, dtype=np.uint64)
        self.offsets: dict[str, int] = {}
        total = 0
        for s in specs:
            self.offsets[s.name] = total
            total += s.width
        self.total_width = total
        # Every (column, dist) the layouts fill, in spec order, and their columns as an
        # index array: only these columns need the normal transform in a chunk.
        self._layout = tuple((self.offsets[s.name] + slot, dist)
                             for s in specs for slot, dist in s.layout)
        self._layout_columns = np.array([k for k, _ in self._layout], dtype=np.intp)
        self.draws = Draws(self)
        self._u = np.empty((0, total))
        self._v: Any = memoryview(bytearray())
        self._first = 0
        self._n = 0
        self._overflow: dict[tuple[str, int, int], tuple[list, list]] = {}

    def stream(self, name: str) -> Stream:
        """A view of stream ``name`` that follows whichever deal is loaded."""
        spec = next(s for s in self.specs if s.name == name)
        return Stream(name, self.draws, self.offsets[name], spec.width, dict(spec.layout))

    def _uniform_block(self, first_deal: int, n_deals: int) -> np.ndarray:
        parts = []
        for s in self.specs:
            gen = Philox(key=self._keys[s.name], counter=first_deal * (s.width // 4))
            parts.append(gen.random_raw(n_deals * s.width).reshape(n_deals, s.width))
        return _uniforms(np.concatenate(parts, axis=1))

    def block(self, first_deal: int, n_deals: int) -> tuple[np.ndarray, np.ndarray]:
        """Raw uniforms and normals for deals ``[first_deal, first_deal + n_deals)``.

        Returns:
            Two ``(n_deals, total_width)`` float64 arrays ``u`` and ``z = ndtri(u)``.
        """
        u = self._uniform_block(first_deal, n_deals)
        return u, ndtri(u)

    def prepare(self, first_deal: int, n_deals: int) -> None:
        """Draw a chunk of deals; :meth:`load` then selects one of them."""
        u = self._uniform_block(first_deal, n_deals)
        v = u.copy()
        z = ndtri(u[:, self._layout_columns])    # normals only where a layout needs them
        for j, (k, dist) in enumerate(self._layout):
            v[:, k] = z[:, j] if dist is NORMAL else whole_days_vec(
                dist.sample_vec(u[:, k], z[:, j]))
        self._u, self._first, self._n = u, first_deal, n_deals
        self._v = memoryview(v.reshape(-1))      # v is C-contiguous: row i at i * width

    def overflow_block(self, name: str, block: int, deal: int) -> tuple[list, list]:
        """Uniforms and normals of overflow ``block`` of stream ``name`` for ``deal``.

        Philox counter ``[0, block, deal, 0]`` onwards: generating 64 numbers advances
        only the counter's first word, so every (block, deal) has its own numbers, shared
        with no other deal. Drawn when first needed (about one deal in ten needs any).
        """
        got = self._overflow.get((name, block, deal))
        if got is None:
            # The state of a fresh ``Philox(key=key, counter=[0, block, deal, 0])``: that
            # counter, an empty output buffer (buffer_pos 4), so the same 64 numbers.
            gen = self._overflow_gens[name]
            gen.state = {"bit_generator": "Philox",
                         "state": {"counter": np.array([0, block, deal, 0], dtype=np.uint64),
                                   "key": self._overflow_keys[name]},
                         "buffer": self._overflow_buffer, "buffer_pos": 4,
                         "has_uint32": 0, "uinteger": 0}
            u = _uniforms(gen.random_raw(64))
            got = self._overflow[(name, block, deal)] = (u.tolist(), ndtri(u).tolist())
        return got

    def load(self, deal: int) -> None:
        """Make ``deal`` the current deal of every stream view (drawing it if needed)."""
        i = deal - self._first
        if not 0 <= i < self._n:
            self.prepare(deal, 1)
            i = 0
        d, w = self.draws, self.total_width
        d.v, d.row, d.deal = self._v[i * w:(i + 1) * w], i, deal
        self._overflow.clear()
