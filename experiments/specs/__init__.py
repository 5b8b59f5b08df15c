"""Shipped experiment specs (TOML), found by name: ``regsim sweep as-written``."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def shipped() -> dict[str, Path]:
    """Every shipped spec, by name (its file name without ``.toml``)."""
    return {p.stem: p for p in sorted(FOLDER.glob("*.toml"))}
