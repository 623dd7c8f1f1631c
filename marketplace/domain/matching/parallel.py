"""Solve independent markets on two cores: the costliest here, the others in a helper process.

OR-Tools' max flow holds the GIL, so threads would only take turns. The helper is a plain
`python -c` process of our own rather than multiprocessing: a Celery prefork child may not start
multiprocessing children, and the spawn method re-imports the caller's main module. It starts as
the run starts, so that its imports (half a second) overlap the reading and grouping; it then
reads markets on stdin, writes their allocations on stdout and exits. If it cannot start or
fails, its markets are solved here instead, so the result never depends on it. Both sides run the
same deterministic code on the same arrays, so the allocations are the same either way.
"""
# Bandit B403/B404/B603/B301: pickle travels only over the pipes of a helper this module starts itself
# (sys.executable and a constant script, no shell, no outside input), never from a file or the network.
import logging
import pickle  # nosec B403
import subprocess  # nosec B404
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

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


def solve_markets(markets, helper=None):
    """Return each market's allocations (`market.solved()`), in order; with a helper and two markets
    or more, the costliest is solved here and the others by the helper."""
    if helper is None or len(markets) < 2:
        return [market.solved() for market in markets]
    costliest = max(range(len(markets)), key=lambda k: markets[k].cost())
    others = [k for k in range(len(markets)) if k != costliest]
    sent = _send(helper, [markets[k] for k in others])
    solved = {costliest: markets[costliest].solved()}
    solved.update(zip(others, _helper_results(helper if sent else None, [markets[k] for k in others])))
    return [solved[k] for k in range(len(markets))]


def _start():
    errors = tempfile.TemporaryFile()
    try:
        helper = subprocess.Popen([sys.executable, "-c", HELPER], cwd=PROJECT_ROOT, stdin=subprocess.PIPE,  # nosec B603
                                  stdout=subprocess.PIPE, stderr=errors)
    except OSError:
        errors.close()
        log.exception("the matching helper process could not start: solving every market here")
        return None
    helper.errors = errors  # what it printed, for the log if it fails
    return helper


def _send(helper, markets):
    """Send the markets to the helper; False if it died before reading them."""
    try:
        helper.stdin.write(pickle.dumps(markets, protocol=pickle.HIGHEST_PROTOCOL))
        helper.stdin.close()
        return True
    except OSError:
        log.error("the matching helper process stopped before reading its markets: %s; solving them here",
                  _tail(helper))
        return False


def _helper_results(helper, markets):
    """Return the helper's allocations, or solve the markets here if it failed."""
    if helper is not None:
        output = helper.stdout.read()
        if helper.wait() == 0:
            log.info("matching: %d market(s) solved in a helper process", len(markets))
            return pickle.loads(output)  # nosec B301
        log.error("the matching helper process failed (exit %s): %s; solving its markets here",
                  helper.returncode, _tail(helper))
    return [market.solved() for market in markets]


def _tail(helper, size=4000):
    helper.wait()
    helper.errors.seek(0)
    return helper.errors.read()[-size:].decode(errors="replace")


def serve():
    """The helper's side: solve the markets pickled on stdin, write their allocations on stdout."""
    payload = sys.stdin.buffer.read()
    if not payload:  # the run needed no helper after all
        return
    solved = [market.solved() for market in pickle.loads(payload)]  # nosec B301
    sys.stdout.buffer.write(pickle.dumps(solved, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
