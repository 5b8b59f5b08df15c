"""Figures of saved results (``regsim plot``, the report) and of one deal (the Gantt chart)."""
