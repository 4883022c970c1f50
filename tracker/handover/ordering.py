"""The selection order and the calling of households in slots (pure).

Two ways to fix the order, chosen per project:
- 先签约先选房: by signing time, earlier first; households signed at the same moment keep the order of
  their certificate numbers, so the order never depends on how rows come out of the database;
- 摇号: the consultation lottery's published method (`tracker.consultations.lottery.draw_order`), over
  the certificate numbers with the seed published before the draw: anyone can recompute it.
Households are then called in slots of `per_slot`, in order. A household that misses its slot moves
back as the project's rule says: behind everyone (`to_end`) or to the head of the next slot (`next_slot`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.consultations.lottery import draw_order
from tracker.handover.kinds import MissedSlot


@dataclass(frozen=True)
class Candidate:
    entitlement_id: int
    certificate_no: str
    signed_at: dt.datetime


def by_signing(candidates: Sequence[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (c.signed_at, c.certificate_no))


def by_lottery(seed: str, candidates: Sequence[Candidate]) -> list[Candidate]:
    by_cert = {c.certificate_no: c for c in candidates}
    return [by_cert[cert] for cert in draw_order(seed, by_cert)]


def slots(order: Sequence[Candidate], per_slot: int) -> list[list[Candidate]]:
    """The order cut into consecutive groups of `per_slot` (the last may be shorter)."""
    if per_slot < 1:
        raise ValueError("per_slot must be at least 1")
    return [list(order[i:i + per_slot]) for i in range(0, len(order), per_slot)]


def after_missing(called: Sequence[Sequence[int]], missed: int, rule: MissedSlot) -> list[list[int]]:
    """The slots (lists of entitlement ids) after `missed` did not come in its slot: it leaves that
    slot and is called again at the end of the last slot (`to_end`) or at the head of the next one
    (`next_slot`; a slot of its own after the last when it missed the last)."""
    groups = [list(group) for group in called]
    index = next((i for i, group in enumerate(groups) if missed in group), None)
    if index is None:
        raise ValueError(f"{missed} is in no slot")
    groups[index].remove(missed)
    if rule is MissedSlot.to_end:
        groups[-1].append(missed)
    elif index + 1 < len(groups):
        groups[index + 1].insert(0, missed)
    else:
        groups.append([missed])
    return groups
