"""Waiting for something to happen, up to a deadline, instead of sleeping a while and hoping it did.

`wait_until` polls a condition; `wait_for` waits for a thread's event. The PostgreSQL ones order
concurrent transactions by what the server says they do: `wait_until_blocked(engine, pid)` returns
once another session waits on a lock that backend `pid` holds, `wait_until_gone(engine, pid)` once
backend `pid` has ended. They read pg_stat_activity on a connection and in a transaction of their
own each time: within one transaction PostgreSQL keeps showing the activity it read first.

Every deadline only bounds a test that is already failing: on time out they raise TimeoutError
saying what did not happen.
"""
import time

from sqlalchemy import text

DEADLINE_SECONDS = 20  # below the 30 s the tests give their threads to finish
POLL_SECONDS = 0.05


def wait_until(condition, what, timeout=DEADLINE_SECONDS, interval=POLL_SECONDS):
    """Call condition() until it returns something true, and return that; `what` names it in the timeout error."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"waited {timeout} s for {what}")
        time.sleep(interval)


def wait_for(event, what, timeout=DEADLINE_SECONDS):
    """Wait until a threading.Event is set; `what` names it in the timeout error."""
    if not event.wait(timeout):
        raise TimeoutError(f"waited {timeout} s for {what}")


def backend_pid(connection):
    """Return the PostgreSQL backend pid of a session or connection (in the transaction it is in)."""
    return connection.scalar(text("SELECT pg_backend_pid()"))


def waiting_behind(engine, pid):
    """Return the pids of the sessions that wait for a lock backend pid holds (or is ahead of them for)."""
    with engine.connect() as connection:
        return connection.scalars(text("SELECT pid FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
                                  {"pid": pid}).all()


def wait_until_blocked(engine, pid, timeout=DEADLINE_SECONDS):
    """Wait until another session waits on a lock backend pid holds; return the pids of those waiting."""
    return wait_until(lambda: waiting_behind(engine, pid), f"a session to wait on a lock held by backend {pid}",
                      timeout)


def wait_until_gone(engine, pid, timeout=DEADLINE_SECONDS):
    """Wait until backend pid has ended (its connection closed, or PostgreSQL terminated it)."""

    def gone():
        with engine.connect() as connection:
            return not connection.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid})

    wait_until(gone, f"backend {pid} to end", timeout)
