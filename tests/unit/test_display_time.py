"""Times are stored in UTC and shown in the configured time zone (China time by default)."""

import datetime as dt

import pytest

from tracker.settings import _time_zone
from tracker.web.templating import _date


def test_pages_show_utc_times_in_china_time():
    assert _date(dt.datetime(2026, 11, 23, 17, 30, tzinfo=dt.timezone.utc)) == "2026-11-24 01:30"
    assert _date(dt.date(2026, 11, 23)) == "2026-11-23"
    assert _date(None) == "—"


def test_an_unknown_time_zone_is_refused_by_name():
    assert _time_zone("Asia/Shanghai") == "Asia/Shanghai"
    with pytest.raises(ValueError, match="TIME_ZONE 'Mars/Base'"):
        _time_zone("Mars/Base")
