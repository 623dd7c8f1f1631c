"""Solve independent markets on two cores: the costliest here, the others in a helper process.

OR-Tools' max flow holds the GIL, so threads would only take turns. The helper is a plain
`python -c` process of our own rather than multiprocessing: a Celery prefork child may not start
multiprocessing children, and the spawn method re-imports the caller's main module. It reads the
networks on stdin, writes their flows on stdout and exits; if it cannot start or fails, its
markets are solved here instead, so the result never depends on it. Both sides run the same
deterministic solver on the same arrays, so the flows are the same either way.
"""
import logging
import pickle
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from .solver import solve_network

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parents[3]
# Read everything first: the helper's imports take about a second, and the parent must not wait
# on a full pipe meanwhile.
HELPER = ("import sys; payload = sys.stdin.buffer.read(); "
          "from marketplace.domain.matching.parallel import serve; serve(payload)")


def solve_networks(networks, parallel_from_arcs=None):
    """Return each network's flows, in order; with two markets or more and at least
    `parallel_from_arcs` arcs in all, the costliest is solved here and the others in a helper."""
    total_arcs = sum(len(network.tails) for network in networks)
    if parallel_from_arcs is None or len(networks) < 2 or total_arcs < parallel_from_arcs:
        return [solve_network(network) for network in networks]
    costliest = max(range(len(networks)), key=lambda k: _cost(networks[k]))
    others = [k for k in range(len(networks)) if k != costliest]
    helper = _start_helper([networks[k] for k in others])
    try:
        flows = {costliest: solve_network(networks[costliest])}
        flows.update(zip(others, _helper_flows(helper, [networks[k] for k in others])))
    finally:
        if helper is not None:  # the parent failed first, or the helper is done: never leave it behind
            helper.kill()
            helper.wait()
            helper.stdout.close()
            helper.errors.close()
    return [flows[k] for k in range(len(networks))]


def _cost(network):
    # Max flows on the grids dominate: the hub count ranks markets by solving time (measured).
    return network.num_nodes


def _start_helper(networks):
    """Start the helper on the networks; None if it could not start or died before reading them."""
    payload = pickle.dumps([replace(network, cells=[]) for network in networks], protocol=pickle.HIGHEST_PROTOCOL)
    errors = tempfile.TemporaryFile()
    try:
        helper = subprocess.Popen([sys.executable, "-c", HELPER], cwd=PROJECT_ROOT, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=errors)
    except OSError:
        errors.close()
        log.exception("the matching helper process could not start: solving every market here")
        return None
    helper.errors = errors  # what it printed, for the log if it fails
    try:
        helper.stdin.write(payload)
        helper.stdin.close()
    except OSError:
        log.exception("the matching helper process stopped before reading its markets: solving them here")
        helper.kill()
        helper.wait()
        errors.close()
        return None
    return helper


def _helper_flows(helper, networks):
    """Return the helper's flows, or solve the networks here if it failed."""
    if helper is not None:
        with helper.stdout:
            output = helper.stdout.read()
        with helper.errors:
            if helper.wait() == 0:
                log.info("matching: %d market(s) solved in a helper process", len(networks))
                return pickle.loads(output)
            log.error("the matching helper process failed (exit %s): %s; solving its markets here",
                      helper.returncode, _tail(helper.errors))
    return [solve_network(network) for network in networks]


def _tail(stream, size=4000):
    stream.seek(0)
    return stream.read()[-size:].decode(errors="replace")


def serve(payload):
    """The helper's side: solve the networks pickled in payload, write their flows to stdout."""
    flows = [solve_network(network) for network in pickle.loads(payload)]
    sys.stdout.buffer.write(pickle.dumps(flows, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
