"""What a selection at the desk costs, counted by `tracker.db.recording()` on the engine the suite runs
on: the request's own reads (session, user, memberships, the project's guard), one read of everything
the desk's rules need, and the write: on PostgreSQL one statement (unit, count, selection and audit
record together, so the audit chain's head is held only while the server runs it)."""

from tests.integration.handover.helpers import form_state
from tracker import audit
from tracker.db import is_postgres, recording
from tracker.handover.tables import Entitlement, Selection, Unit

REQUEST = 2  # the session with its user and memberships (one statement), the project's archive check


async def test_a_selection_reads_once_and_writes_once(world, client_for):
    ids = await form_state(world)
    staff = await client_for("staff")
    with recording() as statements:
        answer = await staff.post(f"/api/v1/projects/{ids['project']}/handover/selections",
                                  json={"entitlement_id": ids["entitlement"], "unit_id": ids["unit"]})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["unit"] == "F1栋 101" and body["price_difference_fen"] == 0 and body["true_up_fen"] is None
    # SQLite: BEGIN, the unit, the count, the selection, the audit head read, record, head write, COMMIT.
    write = 1 if is_postgres() else 8
    assert len(statements) == REQUEST + 1 + write, statements
    (selection,) = await Selection.select().where(Selection.unit == ids["unit"])
    assert selection["id"] == body["id"] and selection["price_difference_fen"] == 0
    assert (await Unit.select(Unit.status).where(Unit.id == ids["unit"]))[0]["status"] == "selected"
    assert (await Entitlement.select(Entitlement.units_selected)
            .where(Entitlement.id == ids["entitlement"]))[0]["units_selected"] == 1
    chain = await audit.verify()
    assert chain.ok, chain

    # The same unit again: refused from the read, nothing written, the chain unchanged.
    with recording() as again:
        refused = await staff.post(f"/api/v1/projects/{ids['project']}/handover/selections",
                                   json={"entitlement_id": ids["entitlement"], "unit_id": ids["unit"]})
    assert refused.status_code == 409 and refused.json()["rule"] == "unit_taken"
    assert len(again) == REQUEST + 1
    assert (await audit.verify()).checked == chain.checked
