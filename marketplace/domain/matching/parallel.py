"""Solve independent markets on two cores: the costliest here, the others in a helper process.

OR-Tools' max flow holds the GIL, so threads would only take turns. The helper is a plain
`python -c` process of our own rather than multiprocessing: a Celery prefork child may not start
multiprocessing children, and the spawn method re-imports the caller's main module. It starts as
the run starts, so that its imports (half a second) overlap the reading and grouping; it then
reads networks on stdin, writes their flows on stdout and exits. If it cannot start or fails, its
markets are solved here instead, so the result never depends on it. Both sides run the same
deterministic solver on the same arrays, so the flows are the same either way.
"""
import logging
import pickle
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from .solver import solve_network

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parents[3]
HELPER = "from marketplace.domain.matching.parallel import serve; serve()"


@contextmanager
def helper_process(wanted):
    """Yield a started helper process if wanted (None if not, or if it could not start); stop it after."""
    helper = _start() if wanted else None
    try:
        yield helper
    finally:
        if helper is not None:  # done, unused, or the run failed: never leave it behind
            helper.kill()
            helper.wait()
            for stream in (helper.stdin, helper.stdout, helper.errors):
                stream.close()


def solve_networks(networks, helper=None):
    """Return each network's flows, in order; with a helper and two markets or more, the costliest
    is solved here and the others by the helper."""
    if helper is None or len(networks) < 2:
        return [solve_network(network) for network in networks]
    costliest = max(range(len(networks)), key=lambda k: _cost(networks[k]))
    others = [k for k in range(len(networks)) if k != costliest]
    sent = _send(helper, [networks[k] for k in others])
    flows = {costliest: solve_network(networks[costliest])}
    flows.update(zip(others, _helper_flows(helper if sent else None, [networks[k] for k in others])))
    return [flows[k] for k in range(len(networks))]


def _cost(network):
    # Max flows on the grids dominate: the node count ranks markets by solving time (measured).
    return network.num_nodes


def _start():
    errors = tempfile.TemporaryFile()
    try:
        helper = subprocess.Popen([sys.executable, "-c", HELPER], cwd=PROJECT_ROOT, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=errors)
    except OSError:
        errors.close()
        log.exception("the matching helper process could not start: solving every market here")
        return None
    helper.errors = errors  # what it printed, for the log if it fails
    return helper


def _send(helper, networks):
    """Send the networks to the helper; False if it died before reading them."""
    try:
        helper.stdin.write(pickle.dumps([replace(network, cells=[]) for network in networks],
                                        protocol=pickle.HIGHEST_PROTOCOL))
        helper.stdin.close()
        return True
    except OSError:
        log.error("the matching helper process stopped before reading its markets: %s; solving them here",
                  _tail(helper))
        return False


def _helper_flows(helper, networks):
    """Return the helper's flows, or solve the networks here if it failed."""
    if helper is not None:
        output = helper.stdout.read()
        if helper.wait() == 0:
            log.info("matching: %d market(s) solved in a helper process", len(networks))
            return pickle.loads(output)
        log.error("the matching helper process failed (exit %s): %s; solving its markets here",
                  helper.returncode, _tail(helper))
    return [solve_network(network) for network in networks]


def _tail(helper, size=4000):
    helper.wait()
    helper.errors.seek(0)
    return helper.errors.read()[-size:].decode(errors="replace")


def serve():
    """The helper's side: solve the networks pickled on stdin, write their flows on stdout."""
    payload = sys.stdin.buffer.read()
    if not payload:  # the run needed no helper after all
        return
    flows = [solve_network(network) for network in pickle.loads(payload)]
    sys.stdout.buffer.write(pickle.dumps(flows, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
