"""The Investors' decision model: the value of registering now (docs/decisions.md)."""

from __future__ import annotations


class InvestorChoices:
    """Mixin over :class:`agents.policies.ScenarioPolicy`: the Investors' choices."""
