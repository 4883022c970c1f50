"""The SQL tally against the plain reference `counting.count`, for random rolls, ballots and groupings."""

import asyncio
import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.accounts.actor import SYSTEM
from tracker.consultations import tally
from tracker.consultations.counting import Choice, RollEntry, count
from tracker.consultations.tables import (
    BallotSheet,
    Consultation,
    ConsultationItem,
    ConsultationRollEntry,
    CountedBallot,
)
from tracker.register import services as register
from tracker.register.tables import Household

OWNERS = ["ma", "li", "wang", "zhang", "zhao"]
OFFICES = ["一所", "二所"]


@st.composite
def polls(draw):
    size = draw(st.integers(min_value=1, max_value=30))
    items = draw(st.integers(min_value=1, max_value=3))
    nva = draw(st.booleans())
    roll = []
    for n in range(size):
        roll.append({
            "area": draw(st.decimals(min_value=1, max_value=300, places=2, allow_nan=False, allow_infinity=False)),
            "kind": draw(st.sampled_from(["resident", "resident", "work_unit", "developer_unsold"])),
            "owner": draw(st.sampled_from([*OWNERS, f"solo-{n}"])),
            "office": draw(st.sampled_from(OFFICES)),
            "subdistrict": draw(st.sampled_from(["甲", "乙"])),
            "choices": [draw(st.sampled_from([None, *Choice])) for _ in range(items)],
        })
    return roll, items, nva


async def _store(households: list[int], roll, items: int, nva: bool) -> tuple[int, list[int], list[int]]:
    now = dt.datetime.now(dt.timezone.utc)
    c = (await Consultation.insert(Consultation(
        project=(await Household.select(Household.project).where(Household.id == households[0]))[0]["project"],
        title="t", kind="retrofit_menu", opens_at=now, closes_at=now + dt.timedelta(days=1), rule_key="art278_major",
        non_voters_agree=nva, status="open",
    )).returning(Consultation.id))[0]["id"]
    item_ids = [
        (await ConsultationItem.insert(ConsultationItem(consultation=c, position=p, description="x")).returning(
            ConsultationItem.id))[0]["id"]
        for p in range(1, items + 1)
    ]
    entry_ids = []
    for n, t in enumerate(roll):
        e = (await ConsultationRollEntry.insert(ConsultationRollEntry(
            consultation=c, household=households[n], certificate_no=f"c{n}", area=t["area"],
            area_centi=int(t["area"] * 100), owner_key=t["owner"], kind=t["kind"], office=t["office"],
            subdistrict=t["subdistrict"],
        )).returning(ConsultationRollEntry.id))[0]["id"]
        entry_ids.append(e)
        if any(ch is not None for ch in t["choices"]):
            sheet = (await BallotSheet.insert(BallotSheet(
                consultation=c, roll_entry=e, channel="paper", choices="{}", status="counted", receipt_no=f"r{c}-{n}",
            )).returning(BallotSheet.id))[0]["id"]
            for item_id, ch in zip(item_ids, t["choices"]):
                if ch is not None:
                    await CountedBallot.insert(CountedBallot(
                        consultation=c, roll_entry=e, item=item_id, choice=ch.value, sheet=sheet))
    # Ballots written behind the services' back: derive the groups and cells from them, as a repair would.
    await tally.rebuild(c)
    return c, item_ids, entry_ids


def _reference(roll, indices, item_index, nva):
    entries = [RollEntry(n, roll[n]["area"], roll[n]["owner"], roll[n]["kind"]) for n in indices]
    ballots = {n: roll[n]["choices"][item_index] for n in indices if roll[n]["choices"][item_index] is not None}
    return count(entries, ballots, nva)


async def test_sql_tally_equals_the_reference_for_every_group_subtotal_and_total(world):
    from tracker.register.schemas import HouseholdIn

    households = [
        (await register.create_household(SYSTEM, world.project, HouseholdIn(
            certificate_no=f"H{n:03d}", holder_names="x", owner_id=f"id{n}")))
        .id for n in range(30)
    ]
    loop = asyncio.get_running_loop()

    async def check(roll, items, nva):
        c, item_ids, _ = await _store(households, roll, items, nva)
        totals = await tally.item_totals(c, nva)
        # A prefix of the stored layout reads the stored cells; another grouping aggregates afresh.
        for dims in (("kind", "office"), ("subdistrict", "office")):
            await _check_grouping(c, item_ids, totals, roll, dims, nva)

    async def _check_grouping(c, item_ids, totals, roll, dims, nva):
        rows = await tally.grouped(c, dims, nva)
        for index, item_id in enumerate(item_ids):
            assert totals[item_id] == _reference(roll, range(len(roll)), index, nva)
            item_rows = [r for r in rows if r.item_id == item_id]
            assert item_rows[-1].level == "total" and item_rows[-1].counts == totals[item_id]
            for r in item_rows[:-1]:
                labels = dict(r.labels)
                members = [n for n, t in enumerate(roll) if all(t[d] == v for d, v in labels.items())]
                assert r.counts == _reference(roll, members, index, nva), (r.level, labels)
            # Each leaf group is followed by its subtotal once its kind's groups end.
            assert {r.level for r in item_rows} <= {"group", "subtotal", "total"}
            assert sum(r.counts.roll_titles for r in item_rows if r.level == "subtotal") == len(roll)

    @settings(database=None, deadline=None, max_examples=30, suppress_health_check=list(HealthCheck))
    @given(polls())
    def run(poll):
        asyncio.run_coroutine_threadsafe(check(*poll), loop).result()

    await asyncio.to_thread(run)


async def test_worked_example_boundaries_exactly_three_quarters_in_sql(world):
    # Exactly 3/4 of heads and more than 3/4 of area: the SQL figures feed the rule's exact comparison.
    from tracker.consultations.rules import make_rule
    from tracker.register.schemas import HouseholdIn

    households = [
        (await register.create_household(SYSTEM, world.project, HouseholdIn(
            certificate_no=f"W{n:03d}", holder_names="x", owner_id=f"w{n}"))).id
        for n in range(4)
    ]
    roll = [{"area": Decimal("100"), "kind": "resident", "owner": f"o{n}", "office": "", "subdistrict": "",
             "choices": [Choice.AGREE if n < 3 else Choice.OPPOSE]} for n in range(4)]
    c, item_ids, _ = await _store(households, roll, 1, False)
    counts = (await tally.item_totals(c, False))[item_ids[0]]
    assert (counts.agree_heads, counts.participating_heads) == (3, 4)
    assert make_rule("art278_major")(counts).passed is True
