"""Shipped terms presets (TOML): the 2003 agreement as written and the market's term sheets."""
