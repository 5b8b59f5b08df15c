"""The agreement: the negotiated terms, counting days, and the rules clause by clause."""
