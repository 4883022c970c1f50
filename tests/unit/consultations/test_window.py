"""The ballot page's "is voting open, and if not why" agrees with the services' ballot window check."""

import datetime as dt

import pytest

from tracker.consultations.kinds import Status
from tracker.consultations.services.sheets import check_window
from tracker.consultations.window import VotingState, voting_window
from tracker.errors import Conflict

UTC = dt.timezone.utc
OPENS = dt.datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
CLOSES = dt.datetime(2026, 3, 8, 0, 0, tzinfo=UTC)
MOMENTS = [OPENS - dt.timedelta(seconds=1), OPENS, OPENS + dt.timedelta(days=3), CLOSES - dt.timedelta(seconds=1),
           CLOSES, CLOSES + dt.timedelta(days=1)]


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("now", MOMENTS)
@pytest.mark.parametrize("closed_at", [None, OPENS + dt.timedelta(days=2), CLOSES + dt.timedelta(hours=1)])
def test_open_exactly_when_a_ballot_is_taken(status, now, closed_at):
    window = voting_window(status.value, OPENS, CLOSES, closed_at, now)
    try:
        check_window({"status": status.value, "opens_at": OPENS, "closes_at": CLOSES}, now)
        taken = True
    except Conflict:
        taken = False
    assert window.is_open == taken


def test_each_state_and_when_ballots_stopped():
    early = OPENS + dt.timedelta(days=2)
    assert voting_window("draft", OPENS, CLOSES, None, OPENS).state is VotingState.preparing
    assert voting_window("open", OPENS, CLOSES, None, OPENS - dt.timedelta(hours=1)).state is VotingState.not_yet
    ended = voting_window("open", OPENS, CLOSES, None, CLOSES)
    assert ended.state is VotingState.ended and ended.ended_at == CLOSES
    closed = voting_window("closed", OPENS, CLOSES, early, CLOSES)
    assert closed.state is VotingState.closed_early and closed.ended_at == early
    late = voting_window("closed", OPENS, CLOSES, CLOSES + dt.timedelta(minutes=3), CLOSES + dt.timedelta(hours=1))
    assert late.state is VotingState.closed and late.ended_at == CLOSES  # the scheduled closing ran late
    decided = voting_window("decided", OPENS, CLOSES, early, CLOSES)
    assert decided.state is VotingState.decided and decided.ended_at == early
