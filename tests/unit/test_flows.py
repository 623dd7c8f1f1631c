"""The solver's flow algorithms against OR-Tools on random networks.

Node 0 is the source, 1 the sink; the source's arcs go to "offer" nodes and carry a price; any
other arc may be "far" (hub to hub too, so parallel arcs may differ in cost). The reference solves
one min-cost flow with cost far * B + price, where B exceeds any price change along a simple cycle,
so it ranks flows by far units, then price.
"""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.graph.python import max_flow, min_cost_flow

from marketplace.domain.matching.flows import favour_low_ranks, fewest_far_units

SOURCE, SINK = 0, 1


@st.composite
def networks(draw):
    """Source -> offers -> hubs (some far) -> hubs -> sink, with random capacities and prices."""
    offers, hubs = draw(st.integers(1, 8)), draw(st.integers(1, 5))
    first_hub = 2 + offers
    num_nodes = first_hub + hubs
    arcs = [(SOURCE, offer) for offer in range(2, first_hub)]
    for offer in range(2, first_hub):
        arcs += [(offer, first_hub + hub) for hub in draw(st.sets(st.integers(0, hubs - 1), min_size=1))]
    arcs += [(first_hub + hub, SINK) for hub in range(hubs)]
    arcs += draw(st.lists(st.tuples(st.integers(first_hub, num_nodes - 1), st.integers(first_hub, num_nodes - 1))
                          .filter(lambda arc: arc[0] != arc[1]), max_size=6))
    tails, heads = (np.array(ends, dtype=np.int64) for ends in zip(*arcs))
    capacities = np.array(draw(st.lists(st.integers(0, 30), min_size=len(arcs), max_size=len(arcs))), dtype=np.int64)
    far = np.array([draw(st.booleans()) if tail != SOURCE else False for tail in tails], dtype=np.int64)
    prices = np.zeros(len(arcs), dtype=np.int64)
    prices[:offers] = draw(st.lists(st.integers(1, 9), min_size=offers, max_size=offers))  # ties are common
    return num_nodes, tails, heads, capacities, far, prices, offers


def _max_flow_value(tails, heads, capacities):
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(tails, heads, capacities)
    assert solver.solve(SOURCE, SINK) == solver.OPTIMAL
    return solver.optimal_flow()


def _reference(num_nodes, tails, heads, capacities, far, prices, value):
    """Return OR-Tools' flow of `value` units with the fewest far units, then the lowest price."""
    weight = int(prices.max() - prices.min() + 1)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, far * weight + prices)
    solver.set_node_supply(SOURCE, value)
    solver.set_node_supply(SINK, -value)
    assert solver.solve() == solver.OPTIMAL
    return solver.flows(np.arange(len(tails)))


def _far_and_price(flow, far, prices):
    return int((flow * far).sum()), int((flow * prices).sum())


def _assert_flow(num_nodes, tails, heads, capacities, flow, value):
    assert ((0 <= flow) & (flow <= capacities)).all()
    balance = np.zeros(num_nodes, dtype=np.int64)
    np.add.at(balance, heads, flow)
    np.subtract.at(balance, tails, flow)
    assert balance[SOURCE] == -value and balance[SINK] == value
    assert not balance[2:].any()


@settings(max_examples=300, deadline=None)
@given(networks())
def test_fewest_far_units_reaches_the_reference_optimum_with_a_certificate(network):
    num_nodes, tails, heads, capacities, far, prices, _ = network
    value = _max_flow_value(tails, heads, capacities)
    flow, potentials = fewest_far_units(num_nodes, tails, heads, capacities, far.astype(bool), SOURCE, SINK, value)
    _assert_flow(num_nodes, tails, heads, capacities, flow, value)
    reduced = far + potentials[tails] - potentials[heads]
    assert (reduced[flow < capacities] >= 0).all() and (reduced[flow > 0] <= 0).all()
    best = _reference(num_nodes, tails, heads, capacities, far, prices, value)
    assert int((flow * far).sum()) == int((best * far).sum())


@settings(max_examples=300, deadline=None)
@given(networks(), st.randoms(use_true_random=False))
def test_favour_low_ranks_brings_any_such_flow_down_to_the_cheapest(network, random):
    num_nodes, tails, heads, capacities, far, prices, offers = network
    value = _max_flow_value(tails, heads, capacities)
    _, potentials = fewest_far_units(num_nodes, tails, heads, capacities, far.astype(bool), SOURCE, SINK, value)
    movable = far + potentials[tails] - potentials[heads] == 0
    shuffled = np.array([random.randint(1, 9) if price else 0 for price in prices])
    start = _reference(num_nodes, tails, heads, capacities, far, shuffled, value)  # some flow as good on far units
    flow = start.copy()
    favour_low_ranks(num_nodes, tails, heads, capacities, flow, movable, SOURCE, np.arange(offers), prices)
    _assert_flow(num_nodes, tails, heads, capacities, flow, value)
    assert (flow[~movable] == start[~movable]).all()
    best = _reference(num_nodes, tails, heads, capacities, far, prices, value)
    assert _far_and_price(flow, far, prices) == _far_and_price(best, far, prices)


def test_a_split_whose_dearer_half_carries_nothing_still_orders_its_cheaper_half():
    # Offers at 2, 1, 3 and 4 cents (nodes 2-5) share hub 6; only the one at 2 carries units. The
    # first split (1, 2 | 3, 4) has nothing to move, and the offer at 1 must still take over. A cut
    # computed with the sink left out of the graph (OR-Tools then reports an empty cut) would drop
    # both halves there.
    tails = np.array([SOURCE, SOURCE, SOURCE, SOURCE, 2, 3, 4, 5, 6])
    heads = np.array([2, 3, 4, 5, 6, 6, 6, 6, SINK])
    capacities = np.full(9, 10)
    prices = np.array([2, 1, 3, 4, 0, 0, 0, 0, 0])
    flow = np.array([10, 0, 0, 0, 10, 0, 0, 0, 10])
    favour_low_ranks(7, tails, heads, capacities, flow, np.ones(9, dtype=bool), SOURCE, np.arange(4), prices)
    assert flow.tolist() == [0, 10, 0, 0, 0, 10, 0, 0, 10]
