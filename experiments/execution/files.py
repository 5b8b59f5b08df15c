"""Writing results files so that a reader, or a killed run, never sees half a file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(tmp)`` to a hidden temporary name, then rename it:
    a reader (or a killed run) never sees a half-written file."""
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def write_json(path: Path, data: dict) -> None:
    """Write ``data`` as indented JSON, atomically."""
    write_atomic(path, lambda p: p.write_text(json.dumps(data, indent=2, default=str) + "\n",
                                              encoding="utf-8"))
