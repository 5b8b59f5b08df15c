"""Readers of the event log: the outcome row, the audit, the timeline, the table schema,
the headline outcomes."""
