"""The marketplace's one clock: every reading of the time goes through here.

Times are kept in UTC; the trade's days (a demand's date needed, an offer's last day, a payment
date) are days in France, where the marketplace runs.
"""
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

ZONE_NAME = "Europe/Paris"
ZONE = ZoneInfo(ZONE_NAME)


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Return today's date in France (the UTC date is still yesterday from midnight to 1 or 2 a.m.)."""
    return utcnow().astimezone(ZONE).date()


def date_in_france(moment: datetime | None) -> date | None:
    """Return the date, in France, of an aware instant."""
    return moment.astimezone(ZONE).date() if moment is not None else None


def start_of_day(day: date) -> datetime:
    """Return the instant a day starts in France."""
    return datetime.combine(day, time.min, ZONE)


def noon(day: date) -> datetime:
    """Return noon of a day in France: a date stored as an instant that reads back the same anywhere."""
    return datetime.combine(day, time(12), ZONE)
