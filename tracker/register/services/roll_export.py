"""Exporting a project's roll as CSV or XLSX (Chinese headers, without identity numbers)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import anyio.to_thread

from tracker.errors import Invalid, NotFound
from tracker.register.kinds import ContactStatus, HouseholdKind
from tracker.register.rollfile import AREAS, CENT, CONTACT_LABELS, EXPORT_COLUMNS, KIND_LABELS
from tracker.register.tables import Holding, Household, Project
from tracker.spreadsheets import Sheet, write_csv, write_xlsx


async def _export_rows(project_id: int) -> list[list[object]]:
    """One row per holding, and one with empty dwelling columns for a household without dwellings."""
    households = await (
        Household.select(
            Household.id,
            Household.certificate_no,
            Household.holder_names,
            Household.kind,
            Household.office,
            Household.subdistrict,
            Household.phone,
            Household.contact_status,
        )
        .where(Household.project == project_id)
        .order_by(Household.id)
    )
    holdings = await Holding.select(
        Holding.household,
        Holding.dwelling.building.name.as_alias("building"),
        Holding.dwelling.number.as_alias("dwelling"),
        Holding.dwelling.stairwell.as_alias("stairwell"),
        Holding.dwelling.floor.as_alias("floor"),
        *(getattr(Holding.dwelling, a).as_alias(a) for a in AREAS),
    ).where(Holding.household.project == project_id)
    by_household: dict[int, list[dict]] = defaultdict(list)
    for h in holdings:
        by_household[h["household"]].append(h)
    rows = []
    for h in households:
        fixed = [
            h["certificate_no"],
            h["holder_names"],
            KIND_LABELS[HouseholdKind(h["kind"])],
            h["office"],
            h["subdistrict"],
            h["phone"],
            CONTACT_LABELS[ContactStatus(h["contact_status"])],
        ]
        held = sorted(by_household[h["id"]], key=lambda d: (d["building"], d["dwelling"]))
        for d in held or [None]:
            if d is None:
                rows.append([*fixed, "", "", "", None, None, None, None])
                continue
            rows.append(
                [
                    *fixed,
                    d["building"],
                    d["dwelling"],
                    d["stairwell"],
                    None if d["floor"] is None else int(d["floor"]),
                    *(None if d[a] is None else Decimal(d[a]).quantize(CENT) for a in AREAS),
                ]
            )
    return rows


def _write_csv(rows: list[list[object]]) -> bytes:
    return write_csv([c.header for c in EXPORT_COLUMNS], rows)


def _write_xlsx(rows: list[list[object]]) -> bytes:
    widths = [24 if c.text_limit and c.text_limit > 40 else 12 for c in EXPORT_COLUMNS]
    return write_xlsx(Sheet("权证清单", [c.header for c in EXPORT_COLUMNS], rows, widths))


async def export_roll(project_id: int, fmt: str) -> bytes:
    """The project's roll as CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX, Chinese headers.

    Not re-importable as it is: the owner's identity number is not stored (only a keyed hash that
    cannot be turned back), so the owner_id column is left out rather than filled with something an
    import would take for an identity number. Households are read in two queries whatever their number.
    """
    writers = {"csv": _write_csv, "xlsx": _write_xlsx}
    if fmt not in writers:
        raise Invalid("Unknown export format {fmt}; use csv or xlsx.", field="fmt", fmt=fmt)
    if not await Project.exists().where(Project.id == project_id):
        raise NotFound("No project {id}.", field="project_id", id=project_id)
    rows = await _export_rows(project_id)
    return await anyio.to_thread.run_sync(writers[fmt], rows)
