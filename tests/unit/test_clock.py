"""The one clock: dates and wall times in TIME_ZONE whatever the host's zone, and the test seam."""

import datetime as dt
import time

import pytest

from tracker import clock
from tracker.jobs.runner import daily_key

UTC = dt.timezone.utc
# 00:30 on 2 March in Shanghai; still 1 March (11:30) in New York and in UTC.
AFTER_LOCAL_MIDNIGHT = dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC)



def test_today_is_the_configured_zones_date_on_a_new_york_host(new_york_host):
    with clock.frozen(AFTER_LOCAL_MIDNIGHT):
        # The host really is on New York time: its own idea of the date is still 1 March.
        assert dt.datetime.fromtimestamp(clock.now().timestamp()).date() == dt.date(2026, 3, 1)
        assert clock.today() == dt.date(2026, 3, 2)
        assert daily_key(clock.now()) == "2026-03-02"
        assert clock.local(clock.now()).strftime("%Y-%m-%d %H:%M") == "2026-03-02 00:30"


def test_now_is_aware_utc_and_frozen_only_inside_the_block():
    moment = clock.now()
    assert moment.tzinfo is not None and moment.utcoffset() == dt.timedelta(0)
    assert abs(moment.timestamp() - time.time()) < 5
    with clock.frozen(dt.datetime(2026, 3, 2, 0, 30, tzinfo=clock.zone())):
        assert clock.now() == AFTER_LOCAL_MIDNIGHT and clock.now().tzinfo == UTC
    assert clock.now().year >= 2026 and clock.now() != AFTER_LOCAL_MIDNIGHT
    with pytest.raises(ValueError):
        with clock.frozen(dt.datetime(2026, 3, 1)):
            pass


def test_local_days_begin_at_local_midnight(new_york_host):
    assert clock.day_start(dt.date(2026, 3, 2)) == dt.datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
    assert clock.day_of(dt.datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC)) == dt.date(2026, 3, 1)
    assert clock.day_of(dt.datetime(2026, 3, 1, 16, 0, tzinfo=UTC)) == dt.date(2026, 3, 2)


def test_wall_times_and_naive_moments_never_take_the_host_zone(new_york_host):
    # A datetime-local field's 08:00 is 08:00 in Shanghai, not in New York.
    assert clock.from_local(dt.datetime(2026, 3, 2, 8, 0)) == dt.datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    # A stored moment handed back naive is UTC.
    assert clock.local(dt.datetime(2026, 3, 1, 16, 30)).hour == 0
