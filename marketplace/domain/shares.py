"""Members' shares of a pooled purchase, at cost price, exact to the unit and the cent.

Largest-remainder (Hamilton) apportionment: each member gets the floor of its exact quota, then
the units (or cents) left go one each to the largest remainders, ties to the earlier member.
Nothing is created or lost by rounding: the parts always add up to the total.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Share:
    key: object
    quantity: int  # units ordered for this member
    units: int  # units it receives from what was matched
    amount_cents: int  # what it pays, at cost price


def apportion(total, weights):
    """Split the integer total in proportion to integer weights; the parts sum to total."""
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("apportion needs a non-negative total and weights")
    weight_sum = sum(weights)
    if weight_sum == 0:
        if total:
            raise ValueError("cannot apportion a positive total over zero weights")
        return [0] * len(weights)
    parts = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    left = total - sum(parts)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        parts[index] += 1
    return parts


def cost_price_shares(quantities, matched_units, matched_total_cents):
    """Return each member's share of what was matched, and what it pays at cost price.

    quantities: ordered (key, units asked) pairs; matched_units and matched_total_cents: what the
    pool's demand received and what it costs in all.
    """
    keys = [key for key, _ in quantities]
    asked = [quantity for _, quantity in quantities]
    if matched_units > sum(asked):
        raise ValueError("more units matched than the pool asked for")
    units = apportion(matched_units, asked)
    cents = apportion(matched_total_cents, units) if matched_units else [0] * len(keys)
    return [Share(k, q, u, c) for k, q, u, c in zip(keys, asked, units, cents)]
