"""The contract lint: gaps and contradictions of the terms, when each bites, and what each
reading costs over deals."""
