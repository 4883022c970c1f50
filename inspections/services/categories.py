"""The defect catalogue (质量通病 / 安全隐患) issues are filed under."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec

from inspections.schemas import CategoryIn, CategoryOut
from inspections.tables import DefectCategory
from tracker import audit
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Invalid
from tracker.rows import to_schema, to_schemas


CATALOGUE_FILE = Path(__file__).parent.parent / "catalogue.json"


async def ensure_catalogue() -> None:
    """Seed the defect catalogue from the shipped file the first time it is needed."""
    if await DefectCategory.exists():
        return
    for position, item in enumerate(json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))):
        await DefectCategory.raw(
            "INSERT INTO defect_category (code, name, kind, active, position) VALUES ({}, {}, {}, {}, {}) "
            "ON CONFLICT DO NOTHING",
            item["code"], item["name"], item["kind"], True, position,
        )


async def list_categories(include_inactive: bool = False) -> list[CategoryOut]:
    await ensure_catalogue()
    query = DefectCategory.select().order_by(DefectCategory.position).order_by(DefectCategory.id)
    if not include_inactive:
        query = query.where(DefectCategory.active.eq(True))
    return to_schemas(await query, CategoryOut)


async def save_category(actor: Actor, data: CategoryIn) -> CategoryOut:
    """Add a catalogue entry or change one (by code); entries in use are retired, never deleted."""
    await ensure_catalogue()
    async with transaction():
        values = msgspec.structs.asdict(data)
        values["kind"] = data.kind.value
        existing = await DefectCategory.select(DefectCategory.id).where(DefectCategory.code == data.code)
        if existing:
            await DefectCategory.update(values).where(DefectCategory.id == existing[0]["id"])
            category_id = existing[0]["id"]
        else:
            category_id = (await DefectCategory.insert(DefectCategory(**values)).returning(DefectCategory.id))[0]["id"]
        await audit.record(actor, "defect_category.save", "defect_category", category_id, values)
    return to_schema((await DefectCategory.select().where(DefectCategory.id == category_id))[0], CategoryOut)


async def active_category_id(code: str) -> int:
    await ensure_catalogue()
    rows = await DefectCategory.select(DefectCategory.id, DefectCategory.active).where(DefectCategory.code == code)
    if not rows or not rows[0]["active"]:
        raise Invalid("No defect category {code!r} in the catalogue.", field="category", code=code)
    return rows[0]["id"]
