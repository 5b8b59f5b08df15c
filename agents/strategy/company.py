"""The Company's decision model: effort against the cost of breach (docs/decisions.md)."""

from __future__ import annotations


class CompanyChoices:
    """Mixin over :class:`agents.policies.ScenarioPolicy`: the Company's choices."""
