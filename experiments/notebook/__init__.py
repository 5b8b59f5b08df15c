"""The Python API for notebooks: :mod:`experiments.notebook.api` (docs/api.md)."""
