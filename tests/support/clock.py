"""The suite's one clock.

The application reads the time only through `marketplace.clock`, which time-machine moves. A test
that needs "now" or "today" asks for the `clock` fixture and writes its dates relative to it, or
sets it with `clock.move_to(...)` to the moment its fixed dates belong to.

`--clock-shift-days N` (or CLOCK_SHIFT_DAYS=N) starts every test N days from today: `make test`
runs the unit, service and web tests a second time that way, so a test or a rule that quietly reads
the real date fails there. Integration and browser tests keep the real clock, as do the servers and
worker processes they start.
"""
import os
from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from marketplace import clock as market_clock

SHIFT_OPTION = "--clock-shift-days"
REAL_CLOCK_MARKERS = ("integration", "e2e")


def pytest_addoption(parser):
    parser.addoption(
        SHIFT_OPTION, type=int, default=int(os.environ.get("CLOCK_SHIFT_DAYS") or 0),
        help="start every unit, service and web test this many days from today (default: CLOCK_SHIFT_DAYS or 0)",
    )


def pytest_report_header(config):
    days = config.getoption(SHIFT_OPTION)
    if days:
        return f"clock: every test starts {days} days from today, on {market_clock.today() + timedelta(days=days)}"
    return None


def half_past_midnight_in_france(day: date) -> datetime:
    """Return 00:30 in France on day, when the UTC date is still the day before."""
    return datetime.combine(day, time(0, 30), market_clock.ZONE)


def days_from_today(days: int) -> date:
    """Return the date days after today in France, on the test's clock (for helpers outside a test)."""
    return market_clock.today() + timedelta(days=days)


class Clock:
    """A test's handle on the application's clock: read it, set it, move it on."""

    def __init__(self, traveller):
        self._traveller = traveller

    def now(self) -> datetime:
        """Return the current instant, in UTC, as the application reads it."""
        return market_clock.utcnow()

    def today(self) -> date:
        """Return today's date in France, as the application reads it."""
        return market_clock.today()

    def days_from_today(self, days: int) -> date:
        """Return the date days after today in France (before it, when negative)."""
        return days_from_today(days)

    def move_to(self, moment: datetime, tick: bool = True) -> None:
        """Set the clock to an aware instant; it keeps ticking from there unless tick is False."""
        if moment.tzinfo is None:
            raise ValueError("give the clock an aware instant")
        self._traveller.move_to(moment, tick=tick)

    def advance(self, delta: timedelta) -> None:
        """Move the clock on by delta."""
        self._traveller.shift(delta)


def _keeps_the_real_clock(request):
    return any(request.node.get_closest_marker(marker) for marker in REAL_CLOCK_MARKERS)


@pytest.fixture(autouse=True)
def shifted_clock(request):
    """Start the test N days from today when the run asks for it."""
    days = request.config.getoption(SHIFT_OPTION)
    if not days or _keeps_the_real_clock(request):
        yield
        return
    with time_machine.travel(market_clock.utcnow() + timedelta(days=days), tick=True):
        yield


@pytest.fixture
def clock(shifted_clock):
    """The application's clock, starting now (shifted when the run is), for the test to read and move."""
    with time_machine.travel(market_clock.utcnow(), tick=True) as traveller:
        yield Clock(traveller)
