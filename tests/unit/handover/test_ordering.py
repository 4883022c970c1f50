"""Selection order by signing time or by the reproducible lottery, slots, and missed slots."""

import datetime as dt
import hashlib

from tracker.handover.kinds import MissedSlot
from tracker.handover.ordering import Candidate, after_missing, by_lottery, by_signing, slots

T = dt.datetime(2026, 5, 1, 9, tzinfo=dt.timezone.utc)
PEOPLE = [
    Candidate(1, "C-003", T + dt.timedelta(hours=2)),
    Candidate(2, "C-001", T),
    Candidate(3, "C-002", T),  # signed at the same moment as C-001: certificate order decides
    Candidate(4, "C-004", T + dt.timedelta(minutes=5)),
]


def test_signing_order_with_ties_broken_by_certificate():
    assert [c.entitlement_id for c in by_signing(PEOPLE)] == [2, 3, 4, 1]


def test_lottery_is_recomputable_from_the_seed_alone():
    seed = "2026-05-01 体彩 12 34 56"
    expected = sorted((c.certificate_no for c in PEOPLE),
                      key=lambda cert: (hashlib.sha256(f"{seed}|{cert}".encode()).hexdigest(), cert))
    assert [c.certificate_no for c in by_lottery(seed, PEOPLE)] == expected
    assert by_lottery(seed, list(reversed(PEOPLE))) == by_lottery(seed, PEOPLE)
    assert by_lottery(seed + "x", PEOPLE) != by_lottery(seed, PEOPLE) or len(PEOPLE) < 2


def test_slots_and_missed_slots():
    called = [[c.entitlement_id for c in group] for group in slots(by_signing(PEOPLE), 3)]
    assert called == [[2, 3, 4], [1]]
    assert after_missing(called, 3, MissedSlot.to_end) == [[2, 4], [1, 3]]
    assert after_missing(called, 3, MissedSlot.next_slot) == [[2, 4], [3, 1]]
    assert after_missing(called, 1, MissedSlot.next_slot) == [[2, 3, 4], [], [1]]
