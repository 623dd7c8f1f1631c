"""The classes, then the fewest far units, then the lowest price: the exact lexicographic optimum.

Why these stages, and why they are exact (all flows integral):

Stage 1 — priority classes, by max flows. The vectors of units a feasible flow delivers to the
demand groups form a polymatroid whose rank of a set A is the max flow into A (Megiddo, "Optimal
flows in networks with multiple sources and sinks", Math. Programming 7, 1974). Hence one flow
reaches, for every k at once, X_k = max flow into the demands of classes 1..k, and no flow does
better on any X_k: the lexicographic optimum serves t_k = X_k - X_{k-1} units to class k. We take
one max flow with every class wired to the sink, then `flows.favour_low_ranks` moves units from
later to earlier classes until no residual cycle through the sink can (the greedy on that
polymatroid). The property tests also check t_k against an independent integer program.

Stage 2 — own region. Each class node is wired to the sink with capacity t_k, so the flows of
value sum(t_k) are exactly those that keep level 1 optimal. An offer group reaches its producer's
region only through its own entry arc, so own-region units are the flow minus the units on the
other ("far") entry arcs: `flows.fewest_far_units` minimises those (0/1 costs, primal-dual), and
its potentials tell which arcs every such flow leaves as they are.

Stage 3 — price. `flows.favour_low_ranks`, with prices as ranks, lowers the price of the stage-2
flow, moving only the arcs the potentials leave free, so every flow it passes through keeps levels
1 and 2.

Level 4 (ties): the network is built from canonically ordered groups and every step is
deterministic, so the same data gives the same flow whatever order it was read in.
"""
import numpy as np

from . import flows
from .network import SINK, SOURCE


class SolverError(RuntimeError):
    """The solver did not report an optimum (a bug, never a data condition)."""


def class_optimum(network):
    """Return the lexicographically best units per priority class (stage 1)."""
    ranks = sorted(network.class_nodes)
    tails, heads, capacities = _wired_to_sink(network, {rank: network.unbounded for rank in ranks})
    class_arcs = np.arange(len(network.tails), len(tails))
    priorities = np.zeros(len(tails), dtype=np.int64)
    priorities[class_arcs] = ranks
    try:
        flow = flows.maximum_flow(network.num_nodes, tails, heads, capacities, SOURCE, SINK)
        # On the reversed graph the class arcs leave the sink: favour the first classes there.
        flows.favour_low_ranks(network.num_nodes, heads, tails, capacities, flow, np.ones(len(tails), dtype=bool),
                               SINK, class_arcs, priorities)
    except flows.FlowError as error:
        raise SolverError(str(error)) from error
    return {rank: int(flow[arc]) for rank, arc in zip(ranks, class_arcs)}


def _wired_to_sink(network, capacity_by_class):
    """Return the network's arcs with one arc from each class node to the sink, in rank order."""
    ranks = sorted(capacity_by_class)
    return (np.concatenate([network.tails, [network.class_nodes[rank] for rank in ranks]]),
            np.concatenate([network.heads, np.full(len(ranks), SINK)]),
            np.concatenate([network.capacities, [capacity_by_class[rank] for rank in ranks]]))


def best_flow(network, served_by_class):
    """Return arc flows with the classes served as given, most own-region units, lowest price (stages 2, 3)."""
    arc_count = len(network.tails)
    if not any(served_by_class.values()):
        return np.zeros(arc_count, dtype=np.int64)
    tails, heads, capacities = _wired_to_sink(network, served_by_class)
    far = np.concatenate([network.far, np.zeros(len(served_by_class), dtype=bool)])
    try:
        flow, potentials = flows.fewest_far_units(network.num_nodes, tails, heads, capacities, far,
                                                  SOURCE, SINK, sum(served_by_class.values()))
        free = far + potentials[tails] - potentials[heads] == 0
        flows.favour_low_ranks(network.num_nodes, tails, heads, capacities, flow, free,
                               SOURCE, network.offer_arcs, _arc_prices(network, len(tails)))
    except flows.FlowError as error:
        raise SolverError(str(error)) from error
    return flow[:arc_count]


def _arc_prices(network, arc_count):
    prices = np.zeros(arc_count, dtype=np.int64)
    prices[network.offer_arcs] = network.offer_prices
    return prices


def solve_network(network):
    """Return the exact lexicographic optimum of one market's hub network as arc flows."""
    return best_flow(network, class_optimum(network))
