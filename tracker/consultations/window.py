"""Whether a consultation takes ballots now and, when it does not, why: what the ballot page tells a
resident (pure; the services' `check_window` refuses a ballot by the same test)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from tracker.consultations.kinds import Status


class VotingState(StrEnum):
    open = "open"  # ballots are taken
    preparing = "preparing"  # still a draft: not opened by staff
    not_yet = "not_yet"  # opened, but its window starts later
    ended = "ended"  # its window has passed; the scheduled closing has not run yet
    closed_early = "closed_early"  # staff closed it before the end of its window
    closed = "closed"  # closed at (or after) the end of its window
    decided = "decided"  # closed and its result decided


@dataclass(frozen=True, slots=True)
class VotingWindow:
    state: VotingState
    opens_at: dt.datetime
    closes_at: dt.datetime  # the end of the window as planned
    closed_at: dt.datetime | None  # when it was closed, once it was

    @property
    def is_open(self) -> bool:
        return self.state is VotingState.open

    @property
    def ended_at(self) -> dt.datetime:
        """When ballots stopped being taken: the end of the window, or the earlier closing."""
        return self.closed_at if self.closed_at is not None and self.closed_at < self.closes_at else self.closes_at


def voting_window(status: str, opens_at: dt.datetime, closes_at: dt.datetime, closed_at: dt.datetime | None,
                  now: dt.datetime) -> VotingWindow:
    """The state of a consultation's voting at `now`: open exactly when `check_window` takes a ballot."""
    if status == Status.draft:
        state = VotingState.preparing
    elif status == Status.open:
        state = (VotingState.not_yet if now < opens_at else VotingState.ended if now >= closes_at
                 else VotingState.open)
    elif status == Status.decided:
        state = VotingState.decided
    else:
        state = VotingState.closed_early if closed_at is not None and closed_at < closes_at else VotingState.closed
    return VotingWindow(state, opens_at, closes_at, closed_at)
