"""The one clock: the current moment (aware, UTC), and dates and wall times in the configured zone.

Moments are stored and compared in UTC; a date ("today", a deadline, a run key, a printed date) is
a date in `TIME_ZONE` (Asia/Shanghai by default), never in the host's zone, so a server whose
operating system runs on UTC or New York time behaves as one in Beijing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from tracker.settings import get_settings

UTC = dt.timezone.utc


def _system_now() -> dt.datetime:
    return dt.datetime.now(UTC)


# Where now() reads the time. Only tests and the demo's history replace it (`clock.frozen`), to stand at a
# chosen moment.
_source: Callable[[], dt.datetime] = _system_now


def zone() -> ZoneInfo:
    """The configured zone (`TIME_ZONE`); ZoneInfo caches instances by name."""
    return ZoneInfo(get_settings().time_zone)


def now() -> dt.datetime:
    """The current moment, aware, in UTC."""
    return _source()


def local(moment: dt.datetime) -> dt.datetime:
    """A moment as wall time in the configured zone. Moments are stored in UTC, so a naive one (as a
    driver may hand back) is taken as UTC, never as the host's time; wall times go through from_local."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone())


def from_local(wall: dt.datetime) -> dt.datetime:
    """A wall time in the configured zone (naive, e.g. from a datetime-local field) as an aware moment;
    an aware one is returned as it is."""
    return wall if wall.tzinfo is not None else wall.replace(tzinfo=zone())


def day_of(moment: dt.datetime) -> dt.date:
    """The date in the configured zone at an aware moment."""
    return local(moment).date()


def today() -> dt.date:
    """Today's date in the configured zone."""
    return day_of(now())


def day_start(day: dt.date) -> dt.datetime:
    """The moment (UTC) the given local day begins, for filtering stored moments by local date."""
    return dt.datetime.combine(day, dt.time(), zone()).astimezone(UTC)


@contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    """For tests, and the demo writing its history day by day: now() answers `at` (aware) inside the block."""
    global _source
    if at.tzinfo is None:
        raise ValueError("clock.frozen needs an aware datetime")
    previous, _source = _source, (lambda: at.astimezone(UTC))
    try:
        yield
    finally:
        _source = previous
