"""The strategic policy's decision models, one module per party (``docs/decisions.md``).

Each module holds a mixin that overrides the :class:`agents.policies.ScenarioPolicy`
decisions of one party by a comparison of costs it can see; with every cost parameter
of the scenario's ``[strategy]`` table at zero each decision falls back to the
scenario's draw, so the strategic policy then plays exactly the exogenous one.
"""
