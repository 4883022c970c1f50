"""Reading a consultation: its row, its items, its rule, and the shape the API and pages show.

Every other sub-domain starts from here; nothing here changes state.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

from tracker.consultations.kinds import TRANSITIONS, Status
from tracker.consultations.rules import make_rule
from tracker.consultations.schemas import ConsultationOut, ItemOut
from tracker.consultations.tables import BallotSheet, Consultation, ConsultationItem, ConsultationRollEntry
from tracker.errors import Conflict, Invalid, NotFound
from tracker.rows import to_schema, to_schemas

# A consultation as `ConsultationOut` names its fields (items, roll size and actions are added).
CONSULTATION_COLUMNS = (
    Consultation.id, Consultation.project.as_alias("project_id"), Consultation.title, Consultation.kind,
    Consultation.scope, Consultation.building.as_alias("building_id"), Consultation.stairwell, Consultation.round_no,
    Consultation.previous.as_alias("previous_id"), Consultation.opens_at, Consultation.closes_at,
    Consultation.visibility, Consultation.status, Consultation.rule_key, Consultation.rule_params,
    Consultation.non_voters_agree, Consultation.lock_ballots, Consultation.organiser, Consultation.contact_phone,
)
# An item as `ItemOut` names its fields, with the consultation it belongs to.
ITEM_COLUMNS = (
    ConsultationItem.id, ConsultationItem.consultation, ConsultationItem.position, ConsultationItem.item_class,
    ConsultationItem.description, ConsultationItem.estimated_cost, ConsultationItem.resident_share,
    ConsultationItem.asks_again.as_alias("asks_again_id"),
)


async def consultation_row(consultation_id: int) -> dict:
    rows = await Consultation.select().where(Consultation.id == consultation_id)
    if not rows:
        raise NotFound("No consultation {id}.", field="consultation_id", id=consultation_id)
    return rows[0]


async def consultation_project(consultation_id: int) -> int | None:
    rows = await Consultation.select(Consultation.project).where(Consultation.id == consultation_id)
    return rows[0]["project"] if rows else None


async def sheet_project(sheet_id: int) -> int | None:
    rows = await BallotSheet.select(BallotSheet.consultation.project.as_alias("project")).where(
        BallotSheet.id == sheet_id
    )
    return rows[0]["project"] if rows else None


def _money(value: Decimal | None) -> Decimal | None:
    # Yuan with fen, whatever scale the engine hands back; a value no NUMERIC(14, 2) can hold (an old
    # SQLite row) reads as unknown rather than failing every list that shows the item.
    if value is None or not Decimal(value).is_finite() or abs(Decimal(value)) >= 10**12:
        return None
    return Decimal(value).quantize(Decimal("0.01"))


async def item_rows(*consultation_ids: int) -> list[dict]:
    """The items of these consultations in order, as `ItemOut` reads them (money in yuan with fen)."""
    rows = await (
        ConsultationItem.select(*ITEM_COLUMNS)
        .where(ConsultationItem.consultation.is_in(list(consultation_ids)))
        .order_by(ConsultationItem.position)
    )
    for row in rows:
        row["estimated_cost"], row["resident_share"] = _money(row["estimated_cost"]), _money(row["resident_share"])
    return rows


def allowed_actions(status: str) -> list[str]:
    return [action for action, (source, _) in TRANSITIONS.items() if source.value == status]


def require_draft(row: dict, what: str) -> None:
    if row["status"] != Status.draft.value:
        raise Conflict(
            "The {what} of a consultation is frozen once it opens; a change needs a new round.",
            rule="frozen_when_open", what=what,
        )


def parse_rule(rule_key: str, params: dict[str, str]):
    """The rule named by a consultation, with exact parameters ("9/10", "0.85"), or Invalid."""
    try:
        exact = {name: Fraction(value) for name, value in params.items()}
        return make_rule(rule_key, **exact)
    except (ValueError, ZeroDivisionError, TypeError) as exc:
        raise Invalid("Rule {rule_key}: {problem}", field="rule_key", rule="rule", rule_key=rule_key, problem=str(exc)) from None


def _consultation(row: dict, items: list[dict], titles: int) -> ConsultationOut:
    return to_schema(
        row, ConsultationOut, rule_params=json.loads(row["rule_params"]), items=to_schemas(items, ItemOut),
        roll_titles=titles, allowed_actions=allowed_actions(row["status"]),
    )


async def get_consultation(consultation_id: int) -> ConsultationOut:
    rows = await Consultation.select(*CONSULTATION_COLUMNS).where(Consultation.id == consultation_id)
    if not rows:
        raise NotFound("No consultation {id}.", field="consultation_id", id=consultation_id)
    titles = await ConsultationRollEntry.count().where(ConsultationRollEntry.consultation == consultation_id)
    return _consultation(rows[0], await item_rows(consultation_id), titles)


async def list_consultations(project_id: int) -> list[ConsultationOut]:
    rows = await Consultation.select(*CONSULTATION_COLUMNS).where(Consultation.project == project_id).order_by(
        Consultation.id
    )
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    items: dict[int, list[dict]] = {i: [] for i in ids}
    for item in await item_rows(*ids):
        items[item["consultation"]].append(item)
    titles = {
        r["consultation"]: int(r["n"]) for r in await ConsultationRollEntry.raw(
            "SELECT consultation, COUNT(*) AS n FROM consultation_roll_entry WHERE consultation IN ("
            + ", ".join(str(int(i)) for i in ids)
            + ") GROUP BY consultation"
        )
    }
    return [_consultation(r, items[r["id"]], titles.get(r["id"], 0)) for r in rows]
