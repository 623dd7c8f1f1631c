"""Max flows, then one min-cost flow: the exact lexicographic optimum, with small int64 costs.

Why two stages, and why they are exact (all flows integral, all costs int64):

Stage 1 — priority classes, by max flows. The vectors of units a feasible flow delivers to the
demand groups form a polymatroid whose rank of a set A is the max flow into A (Megiddo, "Optimal
flows in networks with multiple sources and sinks", Math. Programming 7, 1974). Hence one flow
reaches, for every k at once, X_k = max flow into the demands of classes 1..k, and no flow does
better on any X_k: the lexicographic optimum serves t_k = X_k - X_{k-1} units to class k. We get
each X_k from one max flow with only classes 1..k wired to the sink (fast push-relabel, no costs).
The property tests also check t_k against an independent integer program.

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
from ortools.graph.python import max_flow, min_cost_flow

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
    served, reached = {}, 0
    ranks = sorted(network.class_nodes)
    for k, rank in enumerate(ranks):
        solver = max_flow.SimpleMaxFlow()
        solver.add_arcs_with_capacity(network.tails, network.heads, network.capacities)
        for wired in ranks[:k + 1]:
            solver.add_arc_with_capacity(network.class_nodes[wired], SINK, network.unbounded)
        status = solver.solve(SOURCE, SINK)
        if status != solver.OPTIMAL:
            raise SolverError(f"max flow ended with status {status}")
        served[rank] = solver.optimal_flow() - reached
        reached += served[rank]
    return served


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
