"""Drafts: a consultation and its items are created and changed while a draft; opening freezes them."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from tracker import audit
from tracker.accounts.actor import Actor
from tracker.consultations.kinds import ConsultationKind, Scope
from tracker.consultations.schemas import ConsultationIn, ConsultationOut
from tracker.consultations.services.records import consultation_row, get_consultation, parse_rule, require_draft
from tracker.consultations.services.roll import build_roll
from tracker.consultations.tables import Consultation, ConsultationItem
from tracker.db import transaction
from tracker.errors import Invalid, NotFound
from tracker.register.tables import Building, Project


def _check_draft(data: ConsultationIn) -> None:
    parse_rule(data.rule_key, data.rule_params)
    if data.closes_at <= data.opens_at:
        raise Invalid("closes_at must be after opens_at.", field="closes_at")
    if data.opens_at.tzinfo is None or data.closes_at.tzinfo is None:
        raise Invalid("Times need a time zone (e.g. 2026-11-23T09:00:00+08:00).", field="opens_at")
    if not data.items:
        raise Invalid("A consultation needs at least one item.", field="items")
    for n, item in enumerate(data.items):
        for name in ("estimated_cost", "resident_share"):
            value = getattr(item, name)
            if value is not None and (not value.is_finite() or value < 0):
                raise Invalid("{name} must not be negative.", field=f"items[{n}].{name}", name=name)
    if data.kind is not ConsultationKind.retrofit_menu and len(data.items) != 1:
        raise Invalid("Only a retrofit menu has several items; other kinds ask one question.", field="items")
    if data.kind is ConsultationKind.signing and data.rule_key != "roll_share":
        raise Invalid("A signing round is decided by the signed share of the whole roll (roll_share).", field="rule_key")
    if data.scope is Scope.project and (data.building_id or data.stairwell):
        raise Invalid("A whole-project consultation names no building or stairwell.", field="scope")
    if data.scope in (Scope.building, Scope.stairwell) and not data.building_id:
        raise Invalid("A building or stairwell consultation names its building.", field="building_id")
    if data.scope is Scope.stairwell and not data.stairwell:
        raise Invalid("A stairwell consultation names its stairwell.", field="stairwell")


def _draft_values(data: ConsultationIn) -> dict[str, Any]:
    return {
        "title": data.title,
        "kind": data.kind.value,
        "scope": data.scope.value,
        "building": data.building_id,
        "stairwell": data.stairwell,
        "opens_at": data.opens_at,
        "closes_at": data.closes_at,
        "visibility": data.visibility.value,
        "rule_key": data.rule_key,
        "rule_params": json.dumps(data.rule_params, sort_keys=True),
        "non_voters_agree": data.non_voters_agree,
        "lock_ballots": data.lock_ballots,
        "organiser": data.organiser.strip(),
        "contact_phone": data.contact_phone.strip(),
    }


async def _write_items(consultation_id: int, data: ConsultationIn, asks_again: list[int | None] | None = None) -> None:
    await ConsultationItem.delete().where(ConsultationItem.consultation == consultation_id)
    for position, item in enumerate(data.items, start=1):
        await ConsultationItem.insert(
            ConsultationItem(
                consultation=consultation_id,
                position=position,
                item_class=item.item_class.value,
                description=item.description,
                estimated_cost=item.estimated_cost,
                resident_share=item.resident_share,
                asks_again=asks_again[position - 1] if asks_again else None,
            )
        )


async def create_consultation(
    actor: Actor, project_id: int, data: ConsultationIn, *, previous_id: int | None = None,
    asks_again: list[int | None] | None = None,
) -> ConsultationOut:
    """A draft consultation with its items; its roll is taken from the register now and frozen at opening."""
    _check_draft(data)
    async with transaction():
        if not await Project.exists().where(Project.id == project_id):
            raise NotFound("No project {id}.", field="project_id", id=project_id)
        if data.building_id and not await Building.exists().where(
            Building.id == data.building_id, Building.project == project_id
        ):
            raise NotFound("No building {id} in this project.", field="building_id", id=data.building_id)
        round_no = 1
        if previous_id is not None:
            round_no = (await consultation_row(previous_id))["round_no"] + 1
        values = _draft_values(data)
        row = (
            await Consultation.insert(
                Consultation(project=project_id, round_no=round_no, previous=previous_id, **values)
            ).returning(Consultation.id)
        )[0]
        await _write_items(row["id"], data, asks_again)
        titles = await build_roll(row["id"])
        await audit.record(
            actor, "consultation.create", "consultation", row["id"],
            {**values, "project_id": project_id, "round_no": round_no, "previous_id": previous_id,
             "items": [msgspec.structs.asdict(i) for i in data.items], "roll_titles": titles},
        )
    return await get_consultation(row["id"])


async def update_consultation(actor: Actor, consultation_id: int, data: ConsultationIn) -> ConsultationOut:
    """Change a draft (title, times, rule, items, scope); an open consultation answers 409."""
    async with transaction():
        row = await consultation_row(consultation_id)
        require_draft(row, "rule")
        _check_draft(data)
        values = _draft_values(data)
        await Consultation.update(values).where(Consultation.id == consultation_id)
        await _write_items(consultation_id, data)
        titles = await build_roll(consultation_id)
        await audit.record(
            actor, "consultation.update", "consultation", consultation_id,
            {**values, "items": [msgspec.structs.asdict(i) for i in data.items], "roll_titles": titles},
        )
    return await get_consultation(consultation_id)
