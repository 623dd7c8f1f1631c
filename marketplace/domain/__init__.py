"""The rules of the trade, in plain Python: no Flask, no session, no HTTP."""
