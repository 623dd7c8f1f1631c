"""Matching: read listed offers and live demands, solve, write the proposals, announce them.

runs: a run's lifecycle and lock; reads: the bulk reads; writes: reservations and proposals (COPY);
market_writes: a large run's markets written on parallel connections; requests: asking for a run.
"""
