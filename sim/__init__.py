"""The simulator: the law, the world, the engine, one deal and many, the readers of the
log, and the ``regsim`` command (see docs/architecture.md)."""
