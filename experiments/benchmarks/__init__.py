"""What a deal and a sweep cost, and the volume check (scripts, not tests)."""
