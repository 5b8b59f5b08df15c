"""What every layer shares: validated, frozen input files, and dates."""
