"""Tally cells stay in step with the counted ballots whatever writes them, and the chain stays intact.

On PostgreSQL the web ballots here take the single-round-trip path (`_cast_web_ballot_pg`), so these
tests hold it to the same effects as the general path that SQLite runs.
"""

import asyncio
import random

from tests.integration.consultations.helpers import draft, make_roll, open_consultation, paper_vote
from tracker import audit
from tracker.consultations import services, tally
from tracker.consultations.counting import Choice, RollEntry, count
from tracker.audit.tables import AuditRecord
from tracker.consultations.tables import ConsultationRollEntry, CountedBallot, TallyCell

# Two offices, one owner holding two titles, two unsold developer parts: several roll groups and heads.
ROLL = [
    {"cert": f"T{n:02d}", "area": f"{40 + n}.25", "owner": "shared" if n in (3, 4) else f"O{n}",
     "office": "一所" if n % 2 else "二所", "subdistrict": "甲街道",
     "kind": "developer_unsold" if n in (7, 8) else "resident"}
    for n in range(1, 13)
]
CHOICES = [c.value for c in Choice if c is not Choice.INVALID]


async def _setup(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(items=3, scope="building", building_id=building_id))
    letters = await services.voting_letters(c["id"])
    return manager, c, {l["certificate_no"]: l["code"] for l in letters}


async def _cells_by_labels(consultation_id: int) -> dict:
    """Non-empty cells keyed by their group's labels (a rebuild renumbers the groups)."""
    rows = await TallyCell.select(
        TallyCell.item, TallyCell.choice, TallyCell.titles, TallyCell.area_centi,
        *(getattr(TallyCell.roll_group, d).as_alias(d) for d in tally.STORED),
    ).where(TallyCell.consultation == consultation_id)
    return {(r["item"], *(r[d] for d in tally.STORED), r["choice"]): (r["titles"], r["area_centi"])
            for r in rows if r["titles"]}


async def _reference(consultation_id: int) -> dict[int, object]:
    """The pure counting core over the counted ballots, per item."""
    entries = await ConsultationRollEntry.select().where(ConsultationRollEntry.consultation == consultation_id)
    roll = [RollEntry(e["id"], e["area"], e["owner_key"], e["kind"]) for e in entries]
    ballots: dict[int, dict[int, Choice]] = {}
    for b in await CountedBallot.select().where(CountedBallot.consultation == consultation_id):
        ballots.setdefault(b["item"], {})[b["roll_entry"]] = Choice(b["choice"])
    items = {b["item"] for b in await CountedBallot.select(CountedBallot.item).where(
        CountedBallot.consultation == consultation_id)}
    return {item: count(roll, ballots.get(item, {})) for item in items}


async def test_cells_follow_web_votes_changes_and_paper_ballots(world, client_for):
    manager, c, codes = await _setup(world, client_for)
    items = [i["id"] for i in c["items"]]
    anon = await client_for(None)
    staff, second = await client_for("staff"), await client_for("admin")
    rng = random.Random(7)
    certs = sorted(codes)
    for step in range(40):
        cert = rng.choice(certs)
        choices = {str(i): rng.choice(CHOICES) for i in items}
        if step % 5 == 4:
            await paper_vote(staff, second, c["id"], cert, choices)
        else:
            answer = await anon.post("/api/v1/vote", json={"code": codes[cert], "choices": choices})
            assert answer.status_code == 201, answer.text
        if step % 10 == 9:
            assert await tally.cells_drift(c["id"]) == []
    # The cells the services kept equal a rebuild from the counted ballots, and the tally the reference.
    kept = await _cells_by_labels(c["id"])
    await tally.rebuild(c["id"])
    rebuilt = await _cells_by_labels(c["id"])
    assert kept == rebuilt and kept
    reference = await _reference(c["id"])
    totals = await tally.item_totals(c["id"], False)
    for item in items:
        assert totals[item] == reference[item]
    verified = await audit.verify()
    assert verified.ok, verified.reason


async def test_concurrent_vote_changes_in_one_group_neither_deadlock_nor_drift(world, client_for):
    # Voters of the same group swap choices at once: every ballot locks the same cells in one order.
    _, c, codes = await _setup(world, client_for)
    items = [i["id"] for i in c["items"]]
    anon = await client_for(None)
    certs = sorted(codes)[:6]

    async def voter(n: int) -> list[int]:
        statuses = []
        for round_no in range(6):
            choice = CHOICES[(n + round_no) % len(CHOICES)]
            answer = await anon.post("/api/v1/vote", json={"code": codes[certs[n]], "choices": {str(i): choice for i in items}})
            statuses.append(answer.status_code)
        return statuses

    results = await asyncio.gather(*(voter(n) for n in range(len(certs))), *(voter(n) for n in range(len(certs))))
    assert {s for r in results for s in r} == {201}
    assert await tally.cells_drift(c["id"]) == []
    counted = await CountedBallot.count().where(CountedBallot.consultation == c["id"])
    assert counted == len(certs) * len(items)
    verified = await audit.verify()
    assert verified.ok, verified.reason


async def test_deciding_repairs_cells_out_of_step_and_says_so(world, client_for):
    manager, c, codes = await _setup(world, client_for)
    items = [i["id"] for i in c["items"]]
    anon = await client_for(None)
    for cert in sorted(codes)[:9]:
        answer = await anon.post("/api/v1/vote", json={"code": codes[cert], "choices": {str(i): "agree" for i in items}})
        assert answer.status_code == 201
    # Damage the derived figures behind the services' back: the decision must not believe them.
    await TallyCell.update({TallyCell.titles: 0, TallyCell.area_centi: 0}).where(TallyCell.consultation == c["id"])
    assert await tally.cells_drift(c["id"])
    closed = await manager.post(f"/api/v1/consultations/{c['id']}/close")
    assert closed.status_code == 200, closed.text
    decided = await manager.post(f"/api/v1/consultations/{c['id']}/decide")
    assert decided.status_code == 200, decided.text
    assert await tally.cells_drift(c["id"]) == []
    results = (await manager.get(f"/api/v1/consultations/{c['id']}/results")).json()
    assert results["items"][0]["totals"]["agree_titles"] == 9
    record = (await AuditRecord.select(AuditRecord.payload).where(AuditRecord.action == "consultation.decide"))[-1]
    assert '"tally_cells_rebuilt":' in record["payload"] and '"tally_cells_rebuilt":0' not in record["payload"]
