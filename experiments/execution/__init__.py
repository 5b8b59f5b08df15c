"""Experiment specs and running them: tasks, Parquet shards, manifest, resume, executors."""
