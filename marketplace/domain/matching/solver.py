"""Two min-cost-flow solves that reach the lexicographic optimum exactly, with small costs.

Why two solves, and why it is exact (all flows integral, all costs int64):

Stage 1 — priority classes. Add arcs class node -> sink of cost -w_k, with w_k = m - k + 1 for
the k-th of the m classes present (class 1 weighs most, every weight >= 1), and a free bypass
source -> sink, the source supplying every offered unit. Take f optimal and g any feasible flow.
g - f is a circulation of f's residual graph and splits into simple residual cycles. A simple
cycle passes the sink at most once, so it changes the per-class units by e_a - e_b, +e_a or -e_b
(a unit moved from class b to class a, added to a, or removed from b). The lexicographic order is
compatible with addition, so if g served the classes lexicographically better than f, one of those
cycles would too: e_a - e_b with a before b, or +e_a. Such a cycle costs -(w_a - w_b) <= -1 or
-w_a <= -1: a negative residual cycle, impossible at an optimum. So f's per-class units t_k are
the lexicographic optimum. Costs are at most m per unit: total |cost| <= m × units.

Stage 2 — own region, then price, the t_k fixed. Each class node now demands exactly t_k and the
source supplies their sum: every feasible flow keeps level 1 optimal. Costs: +price on the source
-> offer group arcs, -B on the arcs entering the producer's own region, with
B = max price - min price + 1. Own-region units are exactly the flow on those arcs (the only way
an offer group reaches its own region's cell). A simple residual cycle passes the source at most
once, so it uses at most two priced arcs (one backward, one forward) and changes the price by at
most B - 1. If a flow had more own-region units than the optimum f, a cycle of f with net own
change >= +1 would cost <= -B + (B - 1) < 0: impossible. Among flows with as many own-region
units, the cost differs by price only, so f's total price is minimal. Per-unit costs are at most
B + max price (a few 10^4 cents), units at most ~10^11, so the total stays far inside int64, and
cost × (nodes + 1), which OR-Tools' cost scaling needs, too.

Level 4 (ties): the network is built from canonically ordered groups and OR-Tools is
deterministic, so the same data gives the same flow whatever order it was read in.
"""
import numpy as np
from ortools.graph.python import min_cost_flow

from .network import SINK, SOURCE


class SolverError(RuntimeError):
    """The min-cost-flow solver did not report an optimum (a bug, never a data condition)."""


def _solver_with(network, costs):
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(network.tails, network.heads, network.capacities, costs)
    return solver


def _solve(solver):
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise SolverError(f"min cost flow ended with status {status}")


def class_optimum(network):
    """Return the lexicographically best units per priority class (stage 1)."""
    solver = _solver_with(network, np.zeros(len(network.tails), dtype=np.int64))
    ranks = sorted(network.class_nodes)
    weight_arcs = {
        rank: solver.add_arc_with_capacity_and_unit_cost(
            network.class_nodes[rank], SINK, network.unbounded, -(len(ranks) - k))
        for k, rank in enumerate(ranks)
    }
    solver.add_arc_with_capacity_and_unit_cost(SOURCE, SINK, network.unbounded, 0)
    offered = int(network.capacities[network.offer_arcs].sum()) if network.offer_arcs else 0
    solver.set_node_supply(SOURCE, offered)
    solver.set_node_supply(SINK, -offered)
    _solve(solver)
    return {rank: int(solver.flow(arc)) for rank, arc in weight_arcs.items()}


def best_flow(network, served_by_class):
    """Return arc flows with the classes served as given, most own-region units, lowest price (stage 2)."""
    if not any(served_by_class.values()):
        return np.zeros(len(network.tails), dtype=np.int64)
    solver = _solver_with(network, network.costs)
    solver.set_node_supply(SOURCE, sum(served_by_class.values()))
    for rank, units in served_by_class.items():
        solver.set_node_supply(network.class_nodes[rank], -units)
    _solve(solver)
    return solver.flows(np.arange(len(network.tails), dtype=np.int64))


def solve_network(network):
    """Return the exact lexicographic optimum of one market's hub network as arc flows."""
    return best_flow(network, class_optimum(network))
