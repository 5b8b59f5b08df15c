"""Experiments on the simulator: specs and their execution, the analysis of saved tables,
figures, the report, the contract lint and the benchmarks (see docs/architecture.md)."""
