"""Outcome tables: one typed column per outcome, as Arrow arrays.

A deal's outcome row (:func:`sim.read.outcomes.outcomes`) is a dict; many rows become one
:class:`pyarrow.Table` whose column types come from :data:`sim.read.outcomes.COLUMNS`
(narrow integers, ``float32`` fractions, ``bool`` flags; nulls are a validity bitmap,
one bit per value). In pandas the table keeps those types (``pd.ArrowDtype``), so a
million-deal table stays typed columns, never Python objects.

Sweep tables add key columns in front (:data:`KEYS`): the design point, the variant and
the replication (the deal index: replication *r* of every variant and point meets the
same random future), and an ``error`` column, null unless the replication failed, in
which case every outcome column of that row is null.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import pandas as pd
import pyarrow as pa

from sim.read.outcomes import COLUMNS

_ARROW = {"i16": pa.int16(), "i32": pa.int32(), "i64": pa.int64(), "f32": pa.float32(),
          "f64": pa.float64(), "bool": pa.bool_()}

#: The Arrow schema of a ``regsim run`` table (exactly the outcome columns).
OUTCOME_SCHEMA = pa.schema([pa.field(name, _ARROW[code.rstrip("?")], nullable=True)
                            for name, code in COLUMNS])

#: Key columns of a sweep table, in sort order.
KEYS = ("point", "variant", "replication")

#: The Arrow schema of a sweep shard: keys, outcomes (without ``deal``), error.
SWEEP_SCHEMA = pa.schema(
    [pa.field("point", pa.int32(), nullable=False),
     pa.field("variant", pa.string(), nullable=False),
     pa.field("replication", pa.int32(), nullable=False)]
    + [f for f in OUTCOME_SCHEMA if f.name != "deal"]
    + [pa.field("error", pa.string(), nullable=True)])


def rows_to_table(rows: Sequence[dict[str, Any]], schema: pa.Schema = OUTCOME_SCHEMA,
                  **constants: Any) -> pa.Table:
    """Typed table of outcome rows; ``constants`` fill key columns (same on every row).

    A name in ``schema`` found neither in ``constants`` nor in a row is null there.
    """
    n = len(rows)
    arrays = []
    for field in schema:
        if field.name in constants:
            values: Iterable[Any] = [constants[field.name]] * n
        else:
            values = [r.get(field.name) for r in rows]
        arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """A pandas view of a table that keeps the Arrow column types."""
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def empty_frame(schema: pa.Schema = OUTCOME_SCHEMA) -> pd.DataFrame:
    """A table with no rows and the given schema's columns and types."""
    return to_frame(schema.empty_table())
