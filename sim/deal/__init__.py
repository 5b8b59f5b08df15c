"""One deal (the Mesa model that composes streams and agents) and many (deals to rows)."""
