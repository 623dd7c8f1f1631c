"""Use cases, named by verb: each owns its transaction, its audit entry and its mail."""
