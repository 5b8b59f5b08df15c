"""The machinery a deal runs on: calendar, event log, named random streams, the holdings
ledger, registration records."""
