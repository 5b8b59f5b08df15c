"""Play many deals in one process and collect their outcome rows.

Deals are played in chunks: each chunk's draws are made as one block per named stream
(see :mod:`sim.engine.streams`), then every deal of the chunk is played on the same model.
A deal's row depends only on (terms, scenario, seed, deal index), never on the chunk
size, so any split of the same deals -- across chunks, processes or machines -- gives
the same table.
"""

from __future__ import annotations

from typing import Callable, Iterator

import pandas as pd

from agents.policies import DEFAULT_POLICY
from sim.deal.model import DealModel
from sim.read.outcomes import outcomes
from sim.world.scenario import Scenario
from sim.read.table import rows_to_table, to_frame
from sim.law.terms import Terms

CHUNK = 2000


def chunks(model: DealModel, first: int, count: int,
           chunk: int = CHUNK) -> Iterator[range]:
    """Deals ``[first, first + count)`` chunk by chunk: each chunk's draws are prepared
    as one block per stream, then its deal indices are yielded to be played."""
    for start in range(first, first + count, chunk):
        n = min(chunk, first + count - start)
        model.streams.prepare(start, n)
        yield range(start, start + n)


def play(model: DealModel, first: int, count: int, *, chunk: int = CHUNK,
         catch_errors: bool = False,
         progress: Callable[[int], None] | None = None) -> list[dict]:
    """Play deals ``[first, first + count)`` on ``model`` and return their outcome rows.

    Args:
        model: A model built once and reused for every deal (reset per deal).
        first, count: The deal indices to play.
        chunk: Deals drawn per block (memory vs speed; does not change results).
        catch_errors: Record a failing deal as ``{"deal": d, "error": "Type: message"}``
            and go on (sweeps), instead of raising (a single run).
        progress: Called with the number of deals finished after each chunk.
    """
    rows = []
    for deals in chunks(model, first, count, chunk):
        for deal in deals:
            if not catch_errors:
                rows.append(outcomes(model.run(deal), model.terms))
                continue
            try:
                rows.append(outcomes(model.run(deal), model.terms))
            except Exception as exc:  # noqa: BLE001 -- recorded in the row, not lost
                rows.append({"deal": deal, "error": f"{type(exc).__name__}: {exc}"})
        if progress is not None:
            progress(len(deals))
    return rows


def run_deals(terms: Terms, scenario: Scenario, seed: int, first: int, count: int, *,
              policy: str = DEFAULT_POLICY, chunk: int = CHUNK,
              progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Play deals ``[first, first + count)`` and return their outcome table.

    Args:
        terms, scenario, seed: What the deals are a function of.
        first, count: The deal indices to play.
        policy: How the parties decide (``strategic``, the default; ``scenario``,
            ``compliant`` or ``module:Class``).
        chunk: Deals drawn per block (memory vs speed; does not change results).
        progress: Called with the number of deals finished after each chunk.

    Returns:
        One row per deal, typed columns (:mod:`sim.read.table`).
    """
    model = DealModel(terms, scenario, seed, policy=policy)
    rows = play(model, first, count, chunk=chunk, progress=progress)
    return to_frame(rows_to_table(rows))
