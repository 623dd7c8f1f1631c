"""The flow algorithms of the solver, on plain numpy arc arrays (tails, heads, capacities, flow).

A general min-cost-flow code spends most of its time on the hub grids, which carry no cost. The
algorithms here only ever call max flows (OR-Tools' push-relabel) and, per phase, one
shortest-path search, and exploit how few costs there are:

- `favour_low_ranks`: ranks on the arcs out of one terminal node (prices on the source's arcs to
  the offers; priorities on the classes' arcs to the sink, seen on the reversed graph). The
  amounts on those arcs, over all flows of a given value, form the base polyhedron of a
  submodular function (Fujishige, *Submodular Functions and Optimization*, 2.2), where the greedy
  is optimal: as much as possible on the lowest rank, then the next, and so on. Ranks are split in
  two at the median: one max flow moves as many units as possible from higher to lower ranks along
  residual cycles through the terminal, and its minimum cut splits the graph so that each half is
  solved on its own nodes (as in parametric max flow, Gallo, Grigoriadis and Tarjan 1989):
  log2(rank levels) rounds of max flows in all.
- `fewest_far_units`: costs are 0 or 1 per unit (1 on an arc entering a region other than the
  producer's). The primal-dual method (Ford and Fulkerson; see Ahuja, Magnanti and Orlin, *Network
  Flows*, 9.8) alternates a Dijkstra on reduced costs and a max flow on the arcs of zero reduced
  cost; each phase raises the cost of the cheapest augmenting path, which is a small integer, so
  there are a handful of phases.
"""
import numpy as np
from ortools.graph.python import max_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra


class FlowError(RuntimeError):
    """A flow the caller promised exists was not found (a bug, never a data condition)."""


def residual_arcs(tails, heads, capacities, flow, arcs):
    """Return the residual arcs of `arcs`: (tails, heads, capacities, arc index, +1 forward / -1 backward)."""
    forward = arcs[flow[arcs] < capacities[arcs]]
    backward = arcs[flow[arcs] > 0]
    return (np.concatenate([tails[forward], heads[backward]]),
            np.concatenate([heads[forward], tails[backward]]),
            np.concatenate([capacities[forward] - flow[forward], flow[backward]]),
            np.concatenate([forward, backward]),
            np.concatenate([np.ones(len(forward), np.int64), -np.ones(len(backward), np.int64)]))


def maximum_flow(num_nodes, tails, heads, capacities, source, sink):
    """Return the arc flows of a maximum flow from source to sink."""
    flows, _, _ = _max_flow(tails, heads, capacities, source, sink, num_nodes)
    return flows


def _max_flow(tails, heads, capacities, source, sink, num_nodes=None):
    """Solve a max flow; return (arc flows, source side of the min cut, value).

    Without num_nodes, the node ids are renumbered densely first (for a small part of a big graph).
    """
    if num_nodes is None:
        used = np.zeros(max(source, sink, int(tails.max(initial=0)), int(heads.max(initial=0))) + 1, dtype=bool)
        used[[source, sink]] = used[tails] = used[heads] = True
        nodes = np.nonzero(used)[0]
        local = np.cumsum(used) - 1
        source, sink, tails, heads = local[source], local[sink], local[tails], local[heads]
    else:
        nodes = np.arange(num_nodes + 1)
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(tails, heads, capacities)
    # An empty arc names both ends: OR-Tools sizes the graph from its arcs and, with the sink left
    # out, reports no flow and an empty cut instead of the source's side.
    solver.add_arc_with_capacity(int(source), int(sink), 0)
    if solver.solve(int(source), int(sink)) != solver.OPTIMAL:
        raise FlowError("max flow did not finish")
    flows = solver.flows(np.arange(len(tails)))
    return flows, nodes[np.asarray(solver.get_source_side_min_cut(), dtype=np.int64)], solver.optimal_flow()


def _apply(flow, arc, direction, amounts):
    moved = amounts > 0
    np.add.at(flow, arc[moved], direction[moved] * amounts[moved])


def _distances(num_nodes, tails, heads, costs, source, parallel):
    """Return shortest distances from source (-1 where unreachable) for non-negative integer costs.

    `parallel` says whether two arcs may join the same pair of nodes (in the same direction).
    """
    # Dijkstra on cost * K + 1: ties broken by fewest arcs, zero costs kept as arcs. Floats are exact
    # while distances stay below 2**53 / K: reduced 0/1 costs over paths of at most K arcs do. scipy adds up parallel arcs: keep the cheapest only.
    scale = num_nodes + 1
    weights = costs.astype(np.float64) * scale + 1.0
    if parallel:
        keys = tails * num_nodes + heads
        order = np.lexsort((weights, keys))
        first = np.ones(len(order), dtype=bool)
        first[1:] = keys[order][1:] != keys[order][:-1]
        tails, heads, weights = tails[order[first]], heads[order[first]], weights[order[first]]
    graph = csr_matrix((weights, (tails, heads)), shape=(num_nodes, num_nodes))
    found = dijkstra(graph, directed=True, indices=source)
    distances = np.full(num_nodes, -1, dtype=np.int64)
    reached = np.isfinite(found)
    distances[reached] = (found[reached] // scale).astype(np.int64)
    return distances


def _may_join_twice(num_nodes, tails, heads):
    """Tell whether two residual arcs may join the same pair of nodes (parallel or opposite arcs)."""
    keys = np.sort(np.concatenate([tails * num_nodes + heads, heads * num_nodes + tails]))
    return bool((keys[1:] == keys[:-1]).any())


def fewest_far_units(num_nodes, tails, heads, capacities, far, source, sink, value):
    """Return (flow, potentials): `value` units from source to sink, as few as possible on `far` arcs.

    `value` must be the network's max flow (the solver caps the arcs into the sink so that it is):
    each phase sends all it can. The potentials prove it (reduced cost far + p[tail] - p[head] is >= 0 on every residual arc):
    an arc with positive reduced cost carries no flow and one with negative reduced cost is full
    in every flow with that few far units; the others may change freely.
    """
    all_arcs = np.arange(len(tails))
    costs = far.astype(np.int64)
    flow = np.zeros(len(tails), dtype=np.int64)
    potentials = np.zeros(num_nodes, dtype=np.int64)
    parallel = _may_join_twice(num_nodes, tails, heads)
    sent = 0
    while sent < value:
        r_tails, r_heads, r_caps, r_arcs, r_dirs = residual_arcs(tails, heads, capacities, flow, all_arcs)
        reduced = costs[r_arcs] * r_dirs + potentials[r_tails] - potentials[r_heads]
        distances = _distances(num_nodes, r_tails, r_heads, reduced, source, parallel)
        if distances[sink] < 0:
            raise FlowError(f"only {sent} of {value} units can reach the sink")
        # Capped at the sink's distance (unreached nodes too), reduced costs stay >= 0 on every residual arc.
        step = np.where(distances < 0, distances[sink], np.minimum(distances, distances[sink]))
        potentials += step
        tight = np.nonzero(reduced + step[r_tails] - step[r_heads] == 0)[0]
        amounts, _, moved = _max_flow(r_tails[tight], r_heads[tight], r_caps[tight], source, sink, num_nodes)
        if not moved:
            raise FlowError("a phase of the primal-dual method moved nothing")
        _apply(flow, r_arcs[tight], r_dirs[tight], amounts)
        sent += moved
    if sent != value:
        raise FlowError(f"{sent} units reached the sink, not {value}: value must be the max flow")
    return flow, potentials


def favour_low_ranks(num_nodes, tails, heads, capacities, flow, movable, terminal, terminal_arcs, ranks):
    """Shift `flow`, in place, onto the lowest-ranked arcs out of `terminal`, changing only `movable` arcs.

    Afterwards the flow on the arcs of rank <= r is the most any flow of the same value can carry,
    for every r at once (the greedy optimum): with ranks = prices on the arcs from the source to
    the offers, the total price is the lowest; on the reversed graph, with ranks = priority on the
    arcs from the sink to the classes, each class is served as much as those before it allow.
    Units move along residual cycles through the terminal, so every other node keeps its balance
    and the flow's value does not change. `ranks` is indexed by arc. Every arc out of the terminal
    must be in `terminal_arcs`, and no arc may enter it.
    """
    exit_node = num_nodes  # the terminal again, as the end of a cycle: where units given back return
    around = _around(num_nodes, tails, heads, capacities, flow, np.nonzero(movable)[0], terminal)
    interior = np.nonzero(movable & around[tails] & around[heads])[0]
    interior = interior[tails[interior] != terminal]
    starts = terminal_arcs[movable[terminal_arcs] & around[heads[terminal_arcs]]]
    reached = np.zeros(num_nodes + 1, dtype=bool)
    parts = [(interior, starts)]
    while parts:
        # The parts share no node but the terminal (and the exit): one max flow exchanges in all of
        # them at once, and its cut splits each one as its own max flow would.
        parts = [(arcs, starts, _below_median(ranks[starts])) for arcs, starts in parts]
        parts = [part for part in parts if part[2] is not None]
        if not parts:
            return
        side = _exchange(tails, heads, capacities, flow, np.concatenate([arcs for arcs, _, _ in parts]),
                         np.concatenate([starts[low] for _, starts, low in parts]),
                         np.concatenate([starts[~low] for _, starts, low in parts]), terminal, exit_node)
        reached[side] = True
        halves = []
        for arcs, starts, low in parts:
            inside = reached[tails[arcs]] & reached[heads[arcs]]
            outside = ~reached[tails[arcs]] & ~reached[heads[arcs]]
            halves.append((arcs[inside], starts[low][reached[heads[starts[low]]]]))
            halves.append((arcs[outside], starts[~low][~reached[heads[starts[~low]]]]))
        reached[side] = False
        parts = halves


def _below_median(ranks):
    """Return which ranks are at most the median rank level, or None if there is a single level."""
    levels = np.unique(ranks)
    if len(levels) < 2:
        return None
    return ranks <= levels[len(levels) // 2 - 1]


def _around(num_nodes, tails, heads, capacities, flow, arcs, terminal):
    """Return which nodes lie on a residual cycle through the terminal: no other node can change."""
    r_tails, r_heads, *_ = residual_arcs(tails, heads, capacities, flow, arcs)
    graph = csr_matrix((np.ones(len(r_tails), dtype=np.int32), (r_tails, r_heads)), shape=(num_nodes, num_nodes))
    _, labels = connected_components(graph, directed=True, connection="strong")
    return labels == labels[terminal]


def _exchange(tails, heads, capacities, flow, arcs, cheap, dear, terminal, exit_node):
    """Move as many units as possible from the `dear` terminal arcs to the `cheap` ones; return the min cut's terminal side."""
    r_tails, r_heads, r_caps, r_arcs, r_dirs = residual_arcs(tails, heads, capacities, flow, arcs)
    cheap = cheap[flow[cheap] < capacities[cheap]]
    dear = dear[flow[dear] > 0]
    r_tails = np.concatenate([r_tails, np.full(len(cheap), terminal), heads[dear]])
    r_heads = np.concatenate([r_heads, heads[cheap], np.full(len(dear), exit_node)])
    r_caps = np.concatenate([r_caps, capacities[cheap] - flow[cheap], flow[dear]])
    r_arcs = np.concatenate([r_arcs, cheap, dear])
    r_dirs = np.concatenate([r_dirs, np.ones(len(cheap), np.int64), -np.ones(len(dear), np.int64)])
    if not len(r_tails):
        return np.array([terminal])
    amounts, side, _ = _max_flow(r_tails, r_heads, r_caps, terminal, exit_node)
    _apply(flow, r_arcs, r_dirs, amounts)
    return side
