"""What a selection at the desk costs, counted by `tracker.db.recording()` on the engine the suite runs
on: the request's own read (session, user, memberships and the project's archived state for the
membership guard, in one statement), one read of everything
the desk's rules need, and the write: on PostgreSQL one statement (unit, count, selection and audit
record together, so the audit chain's head is held only while the server runs it)."""

from tests.integration.handover.helpers import form_state
from tracker import audit, clock
from tracker.accounts.tables import Membership, User
from tracker.db import is_postgres, recording
from tracker.handover.tables import Entitlement, Selection, Unit
from tracker.register.tables import Project

REQUEST = 1  # the session with its user, memberships and the project's archived state: one statement


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


async def test_what_the_session_statement_reads_counts_from_the_very_next_request(world, client_for):
    """The one statement's reads are never kept: an archived project, a removed membership and a
    deactivated account each refuse the next selection, and the guard asks nothing beyond it."""
    ids = await form_state(world)
    staff = await client_for("staff")
    url = f"/api/v1/projects/{ids['project']}/handover/selections"
    body = {"entitlement_id": ids["entitlement"], "unit_id": ids["unit"]}
    await Project.update({Project.archived_at: clock.now()}).where(Project.id == ids["project"])
    with recording() as statements:
        refused = await staff.post(url, json=body)
    assert refused.status_code == 409 and refused.json()["rule"] == "project_archived", refused.text
    assert len(statements) == REQUEST, statements
    await Project.update({Project.archived_at: None}).where(Project.id == ids["project"])

    user = world.users["staff"]
    await Membership.delete().where(Membership.user == user, Membership.project == ids["project"])
    assert (await staff.post(url, json=body)).status_code == 403
    await Membership.insert(Membership(user=user, project=ids["project"]))
    await User.update({User.active: False}).where(User.id == user)
    assert (await staff.post(url, json=body)).status_code == 401
    await User.update({User.active: True}).where(User.id == user)
    answer = await staff.post(url, json=body)
    assert answer.status_code == 201, answer.text
    assert (await Unit.select(Unit.status).where(Unit.id == ids["unit"]))[0]["status"] == "selected"
