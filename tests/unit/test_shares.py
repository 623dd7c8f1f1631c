from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.shares import apportion, cost_price_shares


def test_a_fully_matched_pool_gives_each_member_its_quantity_at_the_unit_price():
    shares = cost_price_shares([("a", 20_000), ("b", 20_000), ("c", 10_000)], 50_000, 50_000 * 45)
    assert [(s.units, s.amount_cents) for s in shares] == [(20_000, 900_000), (20_000, 900_000), (10_000, 450_000)]


def test_largest_remainder_gives_the_leftover_unit_to_the_largest_remainder():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(100, [1, 2, 3]) == [17, 33, 50]


def test_a_cent_left_by_rounding_goes_to_one_member_and_is_not_lost():
    # 3 units at a total of 100 cents: 33.33… each.
    shares = cost_price_shares([("a", 1), ("b", 1), ("c", 1)], 3, 100)
    assert sorted(s.amount_cents for s in shares) == [33, 33, 34]


def test_a_partial_match_is_shared_in_proportion_to_quantities():
    shares = cost_price_shares([("a", 30_000), ("b", 10_000), ("c", 10_000)], 25_000, 25_000 * 60)
    assert [s.units for s in shares] == [15_000, 5_000, 5_000]


members = st.lists(st.integers(min_value=1, max_value=2_000_000), min_size=1, max_size=40)


@given(members, st.data())
def test_shares_always_sum_exactly_to_the_units_and_cents_matched(quantities, data):
    matched = data.draw(st.integers(min_value=0, max_value=sum(quantities)))
    total_cents = data.draw(st.integers(min_value=0, max_value=matched * 500))
    shares = cost_price_shares(list(enumerate(quantities)), matched, total_cents)
    assert sum(s.units for s in shares) == matched
    assert sum(s.amount_cents for s in shares) == total_cents
    for share, quantity in zip(shares, quantities):
        assert 0 <= share.units <= quantity
        exact_units = matched * quantity / sum(quantities)
        assert abs(share.units - exact_units) < 1


@given(st.integers(min_value=0, max_value=10**9), st.lists(st.integers(min_value=0, max_value=10**6), min_size=1))
def test_apportion_never_creates_or_loses_anything(total, weights):
    if sum(weights) == 0:
        return
    parts = apportion(total, weights)
    assert sum(parts) == total
    assert all(abs(p - total * w / sum(weights)) < 1 for p, w in zip(parts, weights))


@given(members, st.integers(min_value=1, max_value=500))
def test_each_member_pays_its_units_times_the_unit_price_when_the_price_is_whole_cents(quantities, price):
    shares = cost_price_shares(list(enumerate(quantities)), sum(quantities), sum(quantities) * price)
    assert all(s.amount_cents == s.units * price for s in shares)
