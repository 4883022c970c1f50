"""Consultation rules: drafts, the frozen roll, voting codes, ballots, closing, deciding, signing.

Every business action is one service function, one transaction and one audit record. The counting
itself lives in `counting` / `rules` (pure) and `tally` (SQL); this module only moves state.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from collections import defaultdict
from dataclasses import asdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

import asyncpg
import msgspec

from tracker import audit
from tracker import clock
from tracker.audit.services import canonical_json
from tracker.accounts import ratelimit
from tracker.accounts.actor import Actor
from tracker.accounts.roles import PROJECT_ADMINS, Role
from tracker.consultations import lottery, tally
from tracker.consultations.counting import Choice, Counts
from tracker.consultations.kinds import (
    TRANSITIONS,
    Channel,
    ConsultationKind,
    ItemClass,
    Scope,
    SheetStatus,
    Status,
    Visibility,
)
from tracker.consultations.rules import Decision, make_rule
from tracker.consultations.schemas import (
    ConsultationIn,
    ConsultationOut,
    ItemOut,
    PaperBallotIn,
    ReceiptOut,
    RollEntryOut,
    RollEntryPatch,
    SheetOut,
    SigningIn,
)
from tracker.consultations.tables import (
    BallotSheet,
    Consultation,
    ConsultationDecision,
    ConsultationItem,
    ConsultationRollEntry,
    ConsultationSnapshot,
    CountedBallot,
    Lottery,
    SigningProgress,
)
from tracker.db import engine, integrity_conflict, is_postgres, transaction
from tracker.errors import Conflict, Forbidden, Invalid, NotFound, TooMany
from tracker.register.kinds import ContactStatus
from tracker.register.services import effective_area, lock_project
from tracker.register.tables import Building, Holding, Household, Project
from tracker.settings import get_settings

logger = logging.getLogger(__name__)

# Who acts when a resident votes with a code: the audit log names the title, not a user.
VOTER = Actor(id=None, username="voter", name="voter", role=Role.resident)


now_utc = clock.now


# ---------------------------------------------------------------- reading


async def _consultation_row(consultation_id: int) -> dict:
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


async def _items(consultation_id: int) -> list[dict]:
    return await (
        ConsultationItem.select()
        .where(ConsultationItem.consultation == consultation_id)
        .order_by(ConsultationItem.position)
    )


def _money(value: Decimal | None) -> Decimal | None:
    # Yuan with fen, whatever scale the engine hands back; a value no NUMERIC(14, 2) can hold (an old
    # SQLite row) reads as unknown rather than failing every list that shows the item.
    if value is None or not Decimal(value).is_finite() or abs(Decimal(value)) >= 10**12:
        return None
    return Decimal(value).quantize(Decimal("0.01"))


def _item_out(row: dict) -> ItemOut:
    return ItemOut(
        id=row["id"],
        position=row["position"],
        item_class=ItemClass(row["item_class"]),
        description=row["description"],
        estimated_cost=_money(row["estimated_cost"]),
        resident_share=_money(row["resident_share"]),
        asks_again_id=row["asks_again"],
    )


def _allowed(status: str) -> list[str]:
    return [action for action, (source, _) in TRANSITIONS.items() if source.value == status]


async def get_consultation(consultation_id: int) -> ConsultationOut:
    row = await _consultation_row(consultation_id)
    items = await _items(consultation_id)
    titles = await ConsultationRollEntry.count().where(ConsultationRollEntry.consultation == consultation_id)
    return _consultation_out(row, items, titles)


def _consultation_out(row: dict, items: list[dict], titles: int) -> ConsultationOut:
    return ConsultationOut(
        id=row["id"],
        project_id=row["project"],
        title=row["title"],
        kind=ConsultationKind(row["kind"]),
        scope=Scope(row["scope"]),
        building_id=row["building"],
        stairwell=row["stairwell"],
        round_no=row["round_no"],
        previous_id=row["previous"],
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        visibility=Visibility(row["visibility"]),
        status=Status(row["status"]),
        rule_key=row["rule_key"],
        rule_params=json.loads(row["rule_params"]),
        non_voters_agree=row["non_voters_agree"],
        lock_ballots=row["lock_ballots"],
        items=[_item_out(i) for i in items],
        roll_titles=titles,
        allowed_actions=_allowed(row["status"]),
    )


async def list_consultations(project_id: int) -> list[ConsultationOut]:
    rows = await Consultation.select().where(Consultation.project == project_id).order_by(Consultation.id)
    items: dict[int, list[dict]] = defaultdict(list)
    titles: dict[int, int] = {}
    if rows:
        ids = [r["id"] for r in rows]
        for item in await ConsultationItem.select().where(ConsultationItem.consultation.is_in(ids)).order_by(
            ConsultationItem.position
        ):
            items[item["consultation"]].append(item)
        for r in await ConsultationRollEntry.raw(
            "SELECT consultation, COUNT(*) AS n FROM consultation_roll_entry WHERE consultation IN ("
            + ", ".join(str(int(i)) for i in ids)
            + ") GROUP BY consultation"
        ):
            titles[r["consultation"]] = int(r["n"])
    return [_consultation_out(r, items[r["id"]], titles.get(r["id"], 0)) for r in rows]


# ---------------------------------------------------------------- drafts and the roll


def parse_rule(rule_key: str, params: dict[str, str]):
    """The rule named by a consultation, with exact parameters ("9/10", "0.85"), or Invalid."""
    try:
        exact = {name: Fraction(value) for name, value in params.items()}
        return make_rule(rule_key, **exact)
    except (ValueError, ZeroDivisionError, TypeError) as exc:
        raise Invalid("Rule {rule_key}: {problem}", field="rule_key", rule="rule", rule_key=rule_key, problem=str(exc)) from None


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
            round_no = (await _consultation_row(previous_id))["round_no"] + 1
        values = _draft_values(data)
        row = (
            await Consultation.insert(
                Consultation(project=project_id, round_no=round_no, previous=previous_id, **values)
            ).returning(Consultation.id)
        )[0]
        await _write_items(row["id"], data, asks_again)
        titles = await _build_roll(row["id"])
        await audit.record(
            actor, "consultation.create", "consultation", row["id"],
            {**values, "project_id": project_id, "round_no": round_no, "previous_id": previous_id,
             "items": [msgspec.structs.asdict(i) for i in data.items], "roll_titles": titles},
        )
    return await get_consultation(row["id"])


async def _require_draft(row: dict, what: str) -> None:
    if row["status"] != Status.draft.value:
        raise Conflict(
            "The {what} of a consultation is frozen once it opens; a change needs a new round.",
            rule="frozen_when_open", what=what,
        )


async def update_consultation(actor: Actor, consultation_id: int, data: ConsultationIn) -> ConsultationOut:
    """Change a draft (title, times, rule, items, scope); an open consultation answers 409."""
    async with transaction():
        row = await _consultation_row(consultation_id)
        await _require_draft(row, "rule")
        _check_draft(data)
        values = _draft_values(data)
        await Consultation.update(values).where(Consultation.id == consultation_id)
        await _write_items(consultation_id, data)
        titles = await _build_roll(consultation_id)
        await audit.record(
            actor, "consultation.update", "consultation", consultation_id,
            {**values, "items": [msgspec.structs.asdict(i) for i in data.items], "roll_titles": titles},
        )
    return await get_consultation(consultation_id)


async def _build_roll(consultation_id: int) -> int:
    """(Re)build a draft's roll from the register: one entry per title certificate in scope."""
    row = await _consultation_row(consultation_id)
    await ConsultationRollEntry.delete().where(ConsultationRollEntry.consultation == consultation_id)
    query = Holding.select(
        Holding.household,
        Holding.dwelling.building.name.as_alias("building"),
        Holding.dwelling.building.id.as_alias("building_id"),
        Holding.dwelling.stairwell.as_alias("stairwell"),
        Holding.dwelling.registered_area.as_alias("registered_area"),
        Holding.dwelling.surveyed_area.as_alias("surveyed_area"),
        Holding.dwelling.contract_area.as_alias("contract_area"),
    ).where(Holding.household.project == row["project"])
    holdings: dict[int, list[dict]] = defaultdict(list)
    for h in await query:
        holdings[h["household"]].append(h)
    households = await Household.select().where(Household.project == row["project"]).order_by(Household.certificate_no)
    entries = []
    for hh in households:
        held = holdings.get(hh["id"], [])
        if row["scope"] != Scope.project.value:
            held_in_scope = [
                h for h in held
                if h["building_id"] == row["building"]
                and (row["scope"] == Scope.building.value or h["stairwell"] == row["stairwell"])
            ]
            if not held_in_scope:
                continue
            held = held_in_scope
        area = sum(
            (effective_area(h["registered_area"], h["surveyed_area"], h["contract_area"]) for h in held), Decimal(0)
        )
        if area <= 0:
            raise Invalid(
                "Title {certificate} has no registered, surveyed or contract area: it cannot go on the roll.",
                field="roll", certificate=hh["certificate_no"],
            )
        area = area.quantize(Decimal("0.01"))
        entries.append(
            ConsultationRollEntry(
                consultation=consultation_id,
                household=hh["id"],
                certificate_no=hh["certificate_no"],
                holder_names=hh["holder_names"],
                area=area,
                area_centi=int(area * 100),
                owner_key=hh["owner_key"],
                kind=hh["kind"],
                office=hh["office"],
                subdistrict=hh["subdistrict"],
                building=held[0]["building"] if held else "",
                stairwell=held[0]["stairwell"] if held else "",
            )
        )
    for start in range(0, len(entries), 500):
        await ConsultationRollEntry.insert(*entries[start : start + 500])
    await tally.rebuild(consultation_id)
    return len(entries)


async def rebuild_roll(actor: Actor, consultation_id: int) -> int:
    """Take the draft's roll from the register again (after corrections there)."""
    async with transaction():
        row = await _consultation_row(consultation_id)
        await _require_draft(row, "roll")
        titles = await _build_roll(consultation_id)
        await audit.record(actor, "consultation.roll_rebuild", "consultation", consultation_id, {"roll_titles": titles})
    return titles


def _entry_out(r: dict) -> RollEntryOut:
    return RollEntryOut(
        id=r["id"], household_id=r["household"], certificate_no=r["certificate_no"], holder_names=r["holder_names"],
        area=Decimal(r["area_centi"]).scaleb(-2), kind=r["kind"], office=r["office"], subdistrict=r["subdistrict"],
        building=r["building"], stairwell=r["stairwell"],
    )


async def list_roll(consultation_id: int) -> list[RollEntryOut]:
    await _consultation_row(consultation_id)
    rows = await ConsultationRollEntry.select().where(
        ConsultationRollEntry.consultation == consultation_id
    ).order_by(ConsultationRollEntry.certificate_no)
    return [_entry_out(r) for r in rows]


async def edit_roll_entry(actor: Actor, consultation_id: int, entry_id: int, data: RollEntryPatch) -> RollEntryOut:
    """Correct one title on a draft roll; once open the roll is frozen (409)."""
    changes: dict[str, Any] = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
    if not changes:
        raise Invalid("Nothing to change.", field="body")
    async with transaction():
        row = await _consultation_row(consultation_id)
        await _require_draft(row, "roll")
        rows = await ConsultationRollEntry.select().where(
            ConsultationRollEntry.id == entry_id, ConsultationRollEntry.consultation == consultation_id
        )
        if not rows:
            raise NotFound("No roll entry {id} in this consultation.", field="entry_id", id=entry_id)
        if "area" in changes:
            if not changes["area"].is_finite() or changes["area"] <= 0:
                raise Invalid("The area must be positive.", field="area")
            changes["area"] = Decimal(changes["area"]).quantize(Decimal("0.01"))
            changes["area_centi"] = int(changes["area"] * 100)
        await ConsultationRollEntry.update(changes).where(ConsultationRollEntry.id == entry_id)
        await tally.rebuild(consultation_id)
        await audit.record(
            actor, "consultation.roll_edit", "consultation", consultation_id,
            {"entry_id": entry_id, "changes": changes, "before": {k: rows[0][k] for k in changes}},
        )
    return _entry_out((await ConsultationRollEntry.select().where(ConsultationRollEntry.id == entry_id))[0])


# ---------------------------------------------------------------- status


def _transition(row: dict, action: str) -> Status:
    source, target = TRANSITIONS[action]
    if row["status"] != source.value:
        allowed = ", ".join(_allowed(row["status"])) or "none"
        raise Conflict(
            "Cannot {action} a consultation that is {status} (allowed from {status}: {allowed}).",
            field="status", rule="consultation_status", action=action, status=row["status"], allowed=allowed,
        )
    return target


def voting_code(salt: str, entry_id: int) -> str:
    """The voting code printed on a title's letter: derived from the instance secret, never stored."""
    digest = hmac.new(get_settings().secret_key.encode(), f"{salt}:{entry_id}".encode(), hashlib.sha256).digest()
    text = base64.b32encode(digest).decode().replace("O", "8").replace("I", "9")[:12]
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"


def _normal_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(_normal_code(code).encode()).hexdigest()


def roll_hash(entries: list[dict]) -> str:
    """sha256 of the frozen roll (certificate, area, owner key, kind, labels), recorded at opening."""
    material = [
        [e["certificate_no"], e["area_centi"], e["owner_key"], e["kind"], e["office"], e["subdistrict"]]
        for e in sorted(entries, key=lambda e: e["certificate_no"])
    ]
    return hashlib.sha256(canonical_json(material).encode()).hexdigest()


async def open_consultation(actor: Actor, consultation_id: int) -> ConsultationOut:
    """Freeze the roll and the rule and give every title its voting code (only hashes are kept)."""
    async with transaction():
        row = await _consultation_row(consultation_id)
        # A roll import on the project waits for this (or this for it): the frozen roll is what it sees.
        await lock_project(row["project"])
        target = _transition(row, "open")
        entries = await ConsultationRollEntry.select(
            ConsultationRollEntry.id, ConsultationRollEntry.certificate_no, ConsultationRollEntry.area_centi,
            ConsultationRollEntry.owner_key, ConsultationRollEntry.kind, ConsultationRollEntry.office,
            ConsultationRollEntry.subdistrict,
        ).where(ConsultationRollEntry.consultation == consultation_id)
        if not entries:
            raise Conflict("The roll is empty: there is nobody to consult.", field="roll", rule="roll_empty")
        await tally.rebuild(consultation_id)
        salt = secrets.token_hex(16)
        for entry in entries:
            await ConsultationRollEntry.update(
                {ConsultationRollEntry.code_hash: code_hash(voting_code(salt, entry["id"]))}
            ).where(ConsultationRollEntry.id == entry["id"])
        now = now_utc()
        await Consultation.update(
            {Consultation.status: target.value, Consultation.code_salt: salt, Consultation.opened_at: now}
        ).where(Consultation.id == consultation_id)
        await audit.record(
            actor, "consultation.open", "consultation", consultation_id,
            {"roll_titles": len(entries), "roll_hash": roll_hash(entries), "rule_key": row["rule_key"],
             "rule_params": json.loads(row["rule_params"]), "non_voters_agree": row["non_voters_agree"]},
        )
    return await get_consultation(consultation_id)


async def voting_letters(consultation_id: int) -> list[dict]:
    """Per title: certificate, holders, area and voting code, for printing the letters."""
    row = await _consultation_row(consultation_id)
    if row["status"] == Status.draft.value:
        raise Conflict("Voting codes exist once the consultation opens.", rule="consultation_status")
    entries = await ConsultationRollEntry.select().where(
        ConsultationRollEntry.consultation == consultation_id
    ).order_by(ConsultationRollEntry.certificate_no)
    return [
        {"certificate_no": e["certificate_no"], "holder_names": e["holder_names"], "area": Decimal(e["area_centi"]).scaleb(-2),
         "building": e["building"], "stairwell": e["stairwell"], "code": voting_code(row["code_salt"], e["id"])}
        for e in entries
    ]


async def close_consultation(actor: Actor, consultation_id: int, now: dt.datetime | None = None) -> ConsultationOut:
    """Stop taking ballots. Before the closing time only staff may close (recorded as early)."""
    now = now or now_utc()
    async with transaction():
        row = await _consultation_row(consultation_id)
        target = _transition(row, "close")
        await Consultation.update({Consultation.status: target.value, Consultation.closed_at: now}).where(
            Consultation.id == consultation_id
        )
        pending = await BallotSheet.count().where(
            BallotSheet.consultation == consultation_id,
            BallotSheet.status.is_in([SheetStatus.pending.value, SheetStatus.mismatch.value]),
        )
        await audit.record(
            actor, "consultation.close", "consultation", consultation_id,
            {"closed_at": now, "early": now < row["closes_at"], "unconfirmed_sheets": pending},
        )
    return await get_consultation(consultation_id)


def _decision_json(decision: Decision) -> list[dict]:
    return [
        {"code": r.code, "numerator": str(r.numerator), "denominator": str(r.denominator),
         "threshold": str(r.threshold), "comparison": r.comparison, "met": r.met,
         "text_zh": r.text_zh, "text_en": r.text_en}
        for r in decision.reasons
    ]


def counts_json(counts: Counts) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(counts).items()}


async def decide_consultation(actor: Actor, consultation_id: int) -> ConsultationOut:
    """Apply the frozen rule to each item's tally and record the decisions with their reasons."""
    async with transaction():
        row = await _consultation_row(consultation_id)
        target = _transition(row, "decide")
        rule = parse_rule(row["rule_key"], json.loads(row["rule_params"]))
        # The decision stands on the counted ballots themselves: cells out of step are recomputed
        # first, and the audit record says so.
        drift = await tally.cells_drift(consultation_id)
        if drift:
            logger.error("consultation %s: %d tally cells out of step with counted ballots; rebuilt", consultation_id, len(drift))
            await tally.rebuild(consultation_id)
        totals = await tally.item_totals(consultation_id, row["non_voters_agree"])
        recorded = []
        for item in await _items(consultation_id):
            counts = totals[item["id"]]
            decision = rule(counts)
            await ConsultationDecision.insert(
                ConsultationDecision(
                    consultation=consultation_id, item=item["id"], passed=decision.passed, rule_key=decision.rule,
                    reasons=json.dumps(_decision_json(decision), ensure_ascii=False),
                    counts=json.dumps(counts_json(counts)), non_voters_agree=decision.non_voters_counted_as_agree,
                )
            )
            recorded.append({"item_id": item["id"], "passed": decision.passed, "counts": counts_json(counts),
                             "reasons": _decision_json(decision)})
        await Consultation.update({Consultation.status: target.value, Consultation.decided_at: now_utc()}).where(
            Consultation.id == consultation_id
        )
        await audit.record(
            actor, "consultation.decide", "consultation", consultation_id,
            {"decisions": recorded, "tally_cells_rebuilt": len(drift)},
        )
    return await get_consultation(consultation_id)


async def start_next_round(actor: Actor, consultation_id: int, opens_at: dt.datetime, closes_at: dt.datetime) -> ConsultationOut:
    """A new draft round re-asking the items that failed; the roll is taken afresh from the register."""
    row = await _consultation_row(consultation_id)
    if row["status"] != Status.decided.value:
        raise Conflict("A new round follows a decided consultation.", field="status", rule="consultation_status")
    failed_ids = {
        d["item"] for d in await ConsultationDecision.select().where(
            ConsultationDecision.consultation == consultation_id, ConsultationDecision.passed == False  # noqa: E712
        )
    }
    failed = [i for i in await _items(consultation_id) if i["id"] in failed_ids]
    if not failed:
        raise Conflict("Every item passed: there is nothing to ask again.", rule="nothing_failed")
    from tracker.consultations.schemas import ItemIn

    data = ConsultationIn(
        title=row["title"], kind=ConsultationKind(row["kind"]), rule_key=row["rule_key"],
        rule_params=json.loads(row["rule_params"]), opens_at=opens_at, closes_at=closes_at,
        items=[ItemIn(description=i["description"], item_class=ItemClass(i["item_class"]),
                      estimated_cost=i["estimated_cost"], resident_share=i["resident_share"]) for i in failed],
        scope=Scope(row["scope"]), building_id=row["building"], stairwell=row["stairwell"],
        visibility=Visibility(row["visibility"]), non_voters_agree=row["non_voters_agree"],
        lock_ballots=row["lock_ballots"],
    )
    return await create_consultation(
        actor, row["project"], data, previous_id=consultation_id, asks_again=[i["id"] for i in failed]
    )


# ---------------------------------------------------------------- ballots


def _check_window(row: dict, now: dt.datetime) -> None:
    if row["status"] != Status.open.value or not (row["opens_at"] <= now < row["closes_at"]):
        raise Conflict(
            "Ballots are taken only while the consultation is open ({opens} – {closes}).",
            field="consultation", rule="ballot_window",
            opens=row["opens_at"].isoformat(), closes=row["closes_at"].isoformat(),
        )


async def _check_choices(consultation_id: int, choices: dict[int, Choice]) -> dict[int, Choice]:
    item_ids = {i["id"] for i in await _items(consultation_id)}
    if set(choices) != item_ids:
        raise Invalid(
            "A ballot gives one choice for every item of the consultation (items {items}).",
            field="choices", items=", ".join(str(i) for i in sorted(item_ids)),
        )
    return {int(k): Choice(v) for k, v in choices.items()}


async def _lock_entry(entry_id: int) -> dict:
    """The title's roll entry, locked: sheets of one title queue here, so "which sheet is counted" is
    decided one at a time. An owner of several titles is one person in the tally: all their titles
    are locked (in id order), so their person figures are recomputed by one ballot at a time."""
    entry = (await ConsultationRollEntry.select().where(ConsultationRollEntry.id == entry_id))[0]
    if is_postgres():
        query = ConsultationRollEntry.select(ConsultationRollEntry.id).where(ConsultationRollEntry.id == entry_id)
        if entry["shared_head"]:
            head = ConsultationRollEntry.kind == entry["kind"] if entry["kind"] == "developer_unsold" else (
                (ConsultationRollEntry.owner_key == entry["owner_key"]) & (ConsultationRollEntry.kind != "developer_unsold")
            )
            query = ConsultationRollEntry.select(ConsultationRollEntry.id).where(
                ConsultationRollEntry.consultation == entry["consultation"], head
            )
        await query.order_by(ConsultationRollEntry.id).lock_rows("UPDATE")
    return entry


async def _count_sheet(
    row: dict, entry: dict, sheet_id: int, choices: dict[int, Choice], *, marked: bool = False
) -> None:
    """Make `sheet_id` the title's counted ballot; with locked ballots a second one is refused.

    `entry` is the title's roll entry as `_lock_entry` locked and returned it. `marked`: the sheet was
    inserted already counted (a web ballot), so only earlier ones change. The tally cells move with
    the counted choices.
    """
    entry_id = entry["id"]
    before = {
        int(r["item"]): r["choice"]
        for r in await CountedBallot.select(CountedBallot.item, CountedBallot.choice).where(
            CountedBallot.roll_entry == entry_id
        )
    }
    if row["lock_ballots"] and before:
        raise Conflict(
            "This title has already voted and this consultation does not allow changing a ballot.",
            field="code", rule="ballots_locked",
        )
    values = ", ".join(
        f"({int(row['id'])}, {int(entry_id)}, {int(item_id)}, '{Choice(choice).value}', {int(sheet_id)})"
        for item_id, choice in sorted(choices.items())
    )
    await CountedBallot.raw(
        f"INSERT INTO counted_ballot (consultation, roll_entry, item, choice, sheet) VALUES {values} "
        "ON CONFLICT (consultation, roll_entry, item) DO UPDATE SET choice = excluded.choice, sheet = excluded.sheet"
    )
    after = {**before, **{int(k): Choice(v).value for k, v in choices.items()}}
    await tally.apply_counted_change(row["id"], entry, before, after)
    await BallotSheet.update({BallotSheet.status: SheetStatus.superseded.value}).where(
        BallotSheet.roll_entry == entry_id, BallotSheet.status == SheetStatus.counted.value,
        BallotSheet.id != sheet_id,
    )
    if not marked:
        await BallotSheet.update(
            {BallotSheet.status: SheetStatus.counted.value, BallotSheet.counted_at: now_utc()}
        ).where(BallotSheet.id == sheet_id)


def _receipt() -> str:
    return "R" + secrets.token_hex(6).upper()


def _code_counter(client: str) -> tuple[ratelimit.Limit, str]:
    settings = get_settings()
    limit = ratelimit.Limit("code", settings.vote_code_max_failures, settings.vote_code_window_seconds, "code_rate_limit")
    return limit, ratelimit.client_subject(client)


def _too_many_codes() -> TooMany:
    return TooMany("Too many wrong voting codes; wait a few minutes before trying again.", rule="code_rate_limit")


async def _count_code_attempt(code: str, client: str) -> None:
    """A wrong voting code is counted, in one atomic statement, before it is answered; once the limit is
    reached every code is refused. A valid code only reads the counter: residents voting from one
    address never use it up."""
    found, _ = await ratelimit.hit_if_wrong(
        *_code_counter(client), "SELECT 1 FROM consultation_roll_entry WHERE code_hash = {}", code_hash(code)
    )
    if found.over:
        raise _too_many_codes()


async def _entry_by_code(code: str, client: str, counted: bool = False) -> dict:
    """The roll entry a voting code belongs to, or one 403 that never says which titles exist."""
    if not counted:
        await _count_code_attempt(code, client)
    rows = await ConsultationRollEntry.select().where(ConsultationRollEntry.code_hash == code_hash(code))
    if not rows or not _normal_code(code):
        raise Forbidden("This voting code is not valid.", field="code", rule="voting_code")
    return rows[0]


async def cast_web_ballot(code: str, choices: dict[int, Choice], client: str) -> ReceiptOut:
    """A resident's ballot with the code from their letter; counted at once."""
    counted = False
    if is_postgres():
        receipt = await _cast_web_ballot_pg(code, choices, client)
        if receipt is not None:
            return receipt
        counted = True  # found there, within the limit
    entry = await _entry_by_code(code, client, counted=counted)
    consultation_id = entry["consultation"]
    async with transaction():
        row = await _consultation_row(consultation_id)
        _check_window(row, now_utc())
        clean = await _check_choices(consultation_id, choices)
        locked = await _lock_entry(entry["id"])
        receipt = _receipt()
        sheet = (
            await BallotSheet.insert(
                BallotSheet(
                    consultation=consultation_id, roll_entry=entry["id"], channel=Channel.web.value,
                    choices=json.dumps({str(k): v.value for k, v in clean.items()}), status=SheetStatus.counted.value,
                    receipt_no=receipt, counted_at=now_utc(),
                )
            ).returning(BallotSheet.id)
        )[0]
        await _count_sheet(row, locked, sheet["id"], clean, marked=True)
        await audit.record(VOTER, "ballot.web", "consultation", consultation_id, _web_payload(entry["id"], sheet["id"], receipt, clean))
    return ReceiptOut(receipt_no=receipt, status=SheetStatus.counted, choices=clean)


def _web_payload(entry_id: int, sheet_id: int, receipt: str, clean: dict[int, Choice]) -> dict[str, Any]:
    return {"roll_entry_id": entry_id, "sheet_id": sheet_id, "receipt_no": receipt,
            "choices": {str(k): v.value for k, v in clean.items()}}


async def _cast_web_ballot_pg(code: str, choices: dict[int, Choice], client: str) -> ReceiptOut | None:
    """The same web ballot on PostgreSQL in three round trips, holding the shared locks only server-side.

    Every web ballot appends to the one audit chain and adds to shared tally cells, so those rows
    are a queue all voters pass through. Here BEGIN and the title's lookup with its lock come first;
    then the sheet, the counted choices, the cell deltas, the audit record and COMMIT go as one
    simple query, so the chain head and the cells stay locked only while the server runs it, never
    while the reply waits for the app's event loop. Same checks and effects as the general path
    (the tests run both); returns None when that path must run instead (ballots locked once cast, or a
    title whose owner holds others: their person figures are recomputed there).
    """
    db = engine()
    limit, subject = _code_counter(client)
    key, window_start = ratelimit.counter(limit, subject)
    conn = await (db.pool.acquire() if db.pool is not None else db.get_new_connection())
    try:
        await conn.execute("BEGIN")
        try:
            # The title, locked (its sheets are decided one at a time), and its consultation share-locked
            # (closing waits for this ballot or refuses it); the window is checked on what the locks saw.
            state = await conn.fetchrow(
                "SELECT (SELECT hits FROM rate_counter WHERE key = $2 AND window_start = $3) AS failures, "
                "e.id, e.consultation, e.roll_group, e.area_centi, e.shared_head, c.status, c.opens_at, "
                "c.closes_at, c.lock_ballots, "
                "(SELECT string_agg(i.id::text, ',') FROM consultation_item i WHERE i.consultation = c.id) AS items, "
                "nextval(pg_get_serial_sequence('ballot_sheet', 'id')) AS sheet_id "
                "FROM consultation_roll_entry e JOIN consultation c ON c.id = e.consultation "
                "WHERE e.code_hash = $1 FOR UPDATE OF e FOR SHARE OF c",
                code_hash(code), key, window_start,
            )
            if state is None or not _normal_code(code):
                # Counted (one atomic statement, on this connection: waiting for another from the pool
                # while holding this one could exhaust it) before the answer says the code is wrong.
                hits = await conn.fetchval(ratelimit.PG_HIT_ONE, key, window_start)
                await conn.execute("COMMIT")
                if hits > limit.max:
                    raise _too_many_codes()
                raise Forbidden("This voting code is not valid.", field="code", rule="voting_code")
            if (state["failures"] or 0) >= limit.max:
                raise _too_many_codes()
            if state["lock_ballots"] or state["shared_head"]:
                await conn.execute("ROLLBACK")
                return None  # a second ballot refused / the owner's other titles to weigh: the general path
            c, e = int(state["consultation"]), int(state["id"])
            _check_window(dict(state), now_utc())
            item_ids = {int(i) for i in (state["items"] or "").split(",") if i}
            if set(choices) != item_ids:
                raise Invalid(
                    "A ballot gives one choice for every item of the consultation (items {items}).",
                    field="choices", items=", ".join(str(i) for i in sorted(item_ids)),
                )
            clean = {int(k): Choice(v) for k, v in sorted(choices.items())}
            sheet_id, receipt = int(state["sheet_id"]), _receipt()
            quoted = "'" + json.dumps({str(k): v.value for k, v in clean.items()}).replace("'", "''") + "'"
            new_rows = ", ".join(f"({c}, {e}, {item}, '{choice.value}', {sheet_id})" for item, choice in clean.items())
            new_delta = ", ".join(f"({item}, '{choice.value}', 1)" for item, choice in clean.items())
            group, area = int(state["roll_group"]), int(state["area_centi"])
            ballot = (
                f"WITH prev AS (SELECT item, choice FROM counted_ballot WHERE consultation = {c} AND roll_entry = {e}), "
                "sheet AS (INSERT INTO ballot_sheet (id, consultation, roll_entry, channel, choices, invalid_reason, "
                "proxy_name, proxy_reference, status, receipt_no, created_at, counted_at) "
                f"VALUES ({sheet_id}, {c}, {e}, 'web', {quoted}, '', '', '', 'counted', '{receipt}', now(), now())), "
                "superseded AS (UPDATE ballot_sheet SET status = 'superseded' "
                f"WHERE roll_entry = {e} AND status = 'counted' AND id <> {sheet_id}), "
                f"counted AS (INSERT INTO counted_ballot (consultation, roll_entry, item, choice, sheet) VALUES {new_rows} "
                "ON CONFLICT (consultation, roll_entry, item) DO UPDATE SET choice = excluded.choice, sheet = excluded.sheet), "
                "delta AS (SELECT item, choice, SUM(d) AS d FROM (SELECT item, choice::text, -1 AS d FROM prev "
                f"UNION ALL SELECT * FROM (VALUES {new_delta}) AS n (item, choice, d)) x "
                "GROUP BY item, choice HAVING SUM(d) <> 0) "
                "INSERT INTO tally_cell (consultation, item, roll_group, choice, titles, area_centi) "
                f"SELECT {c}, item, {group}, choice, d, d * {area} FROM delta ORDER BY item, choice "
                "ON CONFLICT (consultation, item, roll_group, choice) DO UPDATE SET "
                "titles = tally_cell.titles + excluded.titles, area_centi = tally_cell.area_centi + excluded.area_centi"
            )
            record = audit.pg_append_sql(VOTER, "ballot.web", "consultation", c, _web_payload(e, sheet_id, receipt, clean))
            await conn.execute(f"{ballot}; {record}; COMMIT")
        except BaseException:
            try:
                await conn.execute("ROLLBACK")
            except Exception:  # the connection is unusable (e.g. cancelled mid-query): drop it
                conn.terminate()
            raise
    except asyncpg.IntegrityConstraintViolationError as exc:
        raise integrity_conflict(exc) from exc
    finally:
        if db.pool is not None:
            await db.pool.release(conn)
        else:
            await conn.close()
    return ReceiptOut(receipt_no=receipt, status=SheetStatus.counted, choices=clean)


async def ballot_for_code(code: str, client: str) -> dict:
    """What a resident sees after entering their code: the consultation, items, own ballot, results."""
    entry = await _entry_by_code(code, client)
    consultation = await get_consultation(entry["consultation"])
    counted = await CountedBallot.select(
        CountedBallot.item, CountedBallot.choice, CountedBallot.sheet.receipt_no.as_alias("receipt_no")
    ).where(CountedBallot.roll_entry == entry["id"])
    pending = await BallotSheet.count().where(
        BallotSheet.roll_entry == entry["id"], BallotSheet.status == SheetStatus.pending.value
    )
    results = await results_for(entry["consultation"], public=True)
    return {
        "consultation": consultation,
        "certificate_no": entry["certificate_no"],
        "area": Decimal(entry["area_centi"]).scaleb(-2),
        "own_choices": {c["item"]: c["choice"] for c in counted},
        "receipt_no": counted[0]["receipt_no"] if counted else None,
        "pending_sheets": pending,
        "results": results,
    }


async def _entry_for_paper(consultation_id: int, data: PaperBallotIn) -> dict:
    query = ConsultationRollEntry.select().where(ConsultationRollEntry.consultation == consultation_id)
    if data.roll_entry_id is not None:
        query = query.where(ConsultationRollEntry.id == data.roll_entry_id)
    elif data.certificate_no:
        query = query.where(ConsultationRollEntry.certificate_no == data.certificate_no)
    else:
        raise Invalid("Name the title: certificate_no or roll_entry_id.", field="certificate_no")
    rows = await query
    if not rows:
        raise NotFound("No such title on this consultation's roll.", field="certificate_no")
    return rows[0]


def _sheet_out(r: dict, certificate_no: str = "") -> SheetOut:
    return SheetOut(
        id=r["id"], consultation_id=r["consultation"], roll_entry_id=r["roll_entry"],
        certificate_no=r.get("certificate_no", certificate_no), channel=Channel(r["channel"]),
        choices={int(k): Choice(v) for k, v in json.loads(r["choices"]).items()}, status=SheetStatus(r["status"]),
        receipt_no=r["receipt_no"], invalid_reason=r["invalid_reason"], proxy_name=r["proxy_name"],
        proxy_reference=r["proxy_reference"], created_at=r["created_at"], entered_by=r["entered_by"],
        confirmed_by=r["confirmed_by"],
        second_choices=(
            {int(k): Choice(v) for k, v in json.loads(r["second_choices"]).items()} if r["second_choices"] else None
        ),
    )


async def enter_paper_ballot(actor: Actor, consultation_id: int, data: PaperBallotIn) -> SheetOut:
    """Staff enter a paper or door-to-door sheet; it counts only after a second person confirms it."""
    if data.channel not in (Channel.paper, Channel.door_to_door):
        raise Invalid("Staff enter paper or door-to-door ballots only.", field="channel")
    if data.proxy_name and not data.proxy_reference:
        raise Invalid("A proxy ballot needs the authorisation reference.", field="proxy_reference")
    async with transaction():
        row = await _consultation_row(consultation_id)
        _check_window(row, now_utc())
        clean = await _check_choices(consultation_id, data.choices)
        if Choice.INVALID in clean.values() and not data.invalid_reason.strip():
            raise Invalid("An invalid ballot (废票) needs its reason.", field="invalid_reason")
        entry = await _entry_for_paper(consultation_id, data)
        receipt = _receipt()
        sheet = (
            await BallotSheet.insert(
                BallotSheet(
                    consultation=consultation_id, roll_entry=entry["id"], channel=data.channel.value,
                    choices=json.dumps({str(k): v.value for k, v in clean.items()}),
                    invalid_reason=data.invalid_reason.strip(), proxy_name=data.proxy_name,
                    proxy_reference=data.proxy_reference, status=SheetStatus.pending.value, receipt_no=receipt,
                    entered_by=actor.id,
                )
            ).returning(*BallotSheet.all_columns())
        )[0]
        await audit.record(
            actor, "ballot.paper_enter", "consultation", consultation_id,
            {"sheet_id": sheet["id"], "roll_entry_id": entry["id"], "channel": data.channel.value,
             "choices": {str(k): v.value for k, v in clean.items()}, "invalid_reason": data.invalid_reason,
             "proxy_name": data.proxy_name, "proxy_reference": data.proxy_reference},
        )
    return _sheet_out(sheet, entry["certificate_no"])


async def _sheet_row(sheet_id: int) -> dict:
    rows = await BallotSheet.select(
        *BallotSheet.all_columns(), BallotSheet.roll_entry.certificate_no.as_alias("certificate_no")
    ).where(BallotSheet.id == sheet_id)
    if not rows:
        raise NotFound("No ballot sheet {id}.", field="sheet_id", id=sheet_id)
    return rows[0]


async def confirm_paper_ballot(actor: Actor, sheet_id: int, choices: dict[int, Choice]) -> SheetOut:
    """The second staff member enters the same sheet again: equal → counted, different → flagged."""
    async with transaction():
        sheet = await _sheet_row(sheet_id)
        if sheet["status"] != SheetStatus.pending.value:
            raise Conflict("Only a pending sheet can be confirmed (this one is {status}).", field="sheet_id",
                           rule="sheet_status", status=sheet["status"])
        if sheet["entered_by"] == actor.id:
            raise Forbidden("A second, different staff member confirms a paper ballot.", rule="second_person")
        row = await _consultation_row(sheet["consultation"])
        _check_window(row, now_utc())
        clean = await _check_choices(sheet["consultation"], choices)
        first = {int(k): Choice(v) for k, v in json.loads(sheet["choices"]).items()}
        second = json.dumps({str(k): v.value for k, v in clean.items()})
        await BallotSheet.update({BallotSheet.confirmed_by: actor.id, BallotSheet.second_choices: second}).where(
            BallotSheet.id == sheet_id
        )
        if clean == first:
            await _count_sheet(row, await _lock_entry(sheet["roll_entry"]), sheet_id, clean)
            outcome = SheetStatus.counted
        else:
            await BallotSheet.update({BallotSheet.status: SheetStatus.mismatch.value}).where(BallotSheet.id == sheet_id)
            outcome = SheetStatus.mismatch
        await audit.record(
            actor, "ballot.paper_confirm", "consultation", sheet["consultation"],
            {"sheet_id": sheet_id, "outcome": outcome.value, "second_choices": json.loads(second)},
        )
    return _sheet_out(await _sheet_row(sheet_id))


async def resolve_sheet(actor: Actor, sheet_id: int, choices: dict[int, Choice] | None, reject: bool) -> SheetOut:
    """A supervisor settles a mismatched sheet from the paper original: count these choices or reject."""
    if actor.role not in PROJECT_ADMINS:
        raise Forbidden("Only a supervisor settles a mismatched sheet.", rule="supervisor")
    async with transaction():
        sheet = await _sheet_row(sheet_id)
        if sheet["status"] != SheetStatus.mismatch.value:
            raise Conflict("Only a mismatched sheet is settled by a supervisor (this one is {status}).",
                           field="sheet_id", rule="sheet_status", status=sheet["status"])
        row = await _consultation_row(sheet["consultation"])
        _check_window(row, now_utc())
        if reject:
            await BallotSheet.update({BallotSheet.status: SheetStatus.rejected.value}).where(BallotSheet.id == sheet_id)
            payload: dict[str, Any] = {"sheet_id": sheet_id, "outcome": "rejected"}
        else:
            if choices is None:
                raise Invalid("Give the choices read from the paper sheet, or reject it.", field="choices")
            clean = await _check_choices(sheet["consultation"], choices)
            await BallotSheet.update({BallotSheet.choices: json.dumps({str(k): v.value for k, v in clean.items()})}).where(
                BallotSheet.id == sheet_id
            )
            await _count_sheet(row, await _lock_entry(sheet["roll_entry"]), sheet_id, clean)
            payload = {"sheet_id": sheet_id, "outcome": "counted", "choices": {str(k): v.value for k, v in clean.items()}}
        await audit.record(actor, "ballot.resolve", "consultation", sheet["consultation"], payload)
    return _sheet_out(await _sheet_row(sheet_id))


async def list_sheets(consultation_id: int, status: SheetStatus | None = None) -> list[SheetOut]:
    await _consultation_row(consultation_id)
    query = BallotSheet.select(
        *BallotSheet.all_columns(), BallotSheet.roll_entry.certificate_no.as_alias("certificate_no")
    ).where(BallotSheet.consultation == consultation_id).order_by(BallotSheet.id)
    if status is not None:
        query = query.where(BallotSheet.status == status.value)
    return [_sheet_out(r) for r in await query]


# ---------------------------------------------------------------- results


def results_visible(row: dict) -> bool:
    return row["visibility"] == Visibility.live.value or row["status"] in (Status.closed.value, Status.decided.value)


def _percent(numerator: int | Decimal, denominator: int | Decimal) -> str:
    """A displayed rate, rounded half-up to two decimals of a percent; decisions never use it."""
    if not denominator:
        return "—"
    value = Fraction(numerator) / Fraction(denominator) * 100
    return f"{Decimal(value.numerator) / Decimal(value.denominator):.2f}%"


def figures(counts: Counts) -> dict:
    """The posted figures of one row: counts plus rates by headcount and by area (display only)."""
    out = counts_json(counts)
    out["participation_rate_heads"] = _percent(counts.participating_heads, counts.roll_heads)
    out["participation_rate_area"] = _percent(counts.participating_area, counts.roll_area)
    out["agree_rate_heads"] = _percent(counts.agree_heads, counts.participating_heads)
    out["agree_rate_area"] = _percent(counts.agree_area, counts.participating_area)
    out["agree_rate_roll"] = _percent(counts.agree_titles, counts.roll_titles)  # 同意率 of the whole roll
    return out


async def results_for(consultation_id: int, dims: tuple[str, ...] = (), public: bool = False) -> dict | None:
    """Per item: the totals, the rule's decision with its reasons (recorded once decided, else
    provisional), and the grouped rows. None for the public while results are not yet visible."""
    row = await _consultation_row(consultation_id)
    if public and not results_visible(row):
        return None
    nva = row["non_voters_agree"]
    rule = parse_rule(row["rule_key"], json.loads(row["rule_params"]))
    rows_by_item: dict[int, list[dict]] = defaultdict(list)
    if dims:
        grouped_rows = await tally.grouped(consultation_id, dims, nva)
        totals = {r.item_id: r.counts for r in grouped_rows if r.level == "total"}
        for r in grouped_rows:
            rows_by_item[r.item_id].append({"level": r.level, "labels": dict(r.labels), **figures(r.counts)})
    else:
        totals = await tally.item_totals(consultation_id, nva)
    recorded = {
        d["item"]: d for d in await ConsultationDecision.select().where(ConsultationDecision.consultation == consultation_id)
    }
    items = []
    for item in await _items(consultation_id):
        counts = totals.get(item["id"])
        decision = rule(counts)
        if item["id"] in recorded:
            passed, reasons, final = recorded[item["id"]]["passed"], json.loads(recorded[item["id"]]["reasons"]), True
        else:
            passed, reasons, final = decision.passed, _decision_json(decision), False
        items.append({
            "item": msgspec.to_builtins(_item_out(item)),
            "totals": figures(counts),
            "passed": passed,
            "final": final,
            "reasons": reasons,
            "rows": rows_by_item.get(item["id"], []),
        })
    return {
        "consultation_id": consultation_id,
        "status": row["status"],
        "rule_key": row["rule_key"],
        "rule_params": json.loads(row["rule_params"]),
        "non_voters_agree": nva,
        # Said on every result when non-voters are counted as agreeing (never silently).
        "non_voters_notice": (
            "未表决的权证按本次征询的规定计为同意 (non-voters are counted as agreeing by this consultation's rule)"
            if nva else ""
        ),
        "dimensions": list(dims),
        "items": items,
    }


async def take_snapshot(actor: Actor, consultation_id: int, day: dt.date) -> bool:
    """Keep the day's totals (once per day; a second call the same day changes nothing)."""
    async with transaction():
        row = await _consultation_row(consultation_id)
        if await ConsultationSnapshot.exists().where(
            ConsultationSnapshot.consultation == consultation_id, ConsultationSnapshot.taken_on == day
        ):
            return False
        totals = await tally.item_totals(consultation_id, row["non_voters_agree"])
        data = {str(item_id): counts_json(c) for item_id, c in totals.items()}
        await ConsultationSnapshot.insert(
            ConsultationSnapshot(consultation=consultation_id, taken_on=day, tally=json.dumps(data))
        )
        await audit.record(actor, "consultation.snapshot", "consultation", consultation_id, {"day": day, "tally": data})
    return True


async def progress(consultation_id: int) -> list[dict]:
    """The daily snapshots in order, for the progress chart."""
    await _consultation_row(consultation_id)
    rows = await ConsultationSnapshot.select().where(ConsultationSnapshot.consultation == consultation_id).order_by(
        ConsultationSnapshot.taken_on
    )
    return [{"day": r["taken_on"].isoformat(), "tally": json.loads(r["tally"])} for r in rows]


# ---------------------------------------------------------------- signing round


async def record_signing(actor: Actor, consultation_id: int, entry_id: int, data: SigningIn) -> dict:
    """Record a title's signing (签约), sealing (封房) and moving out (搬迁) dates.

    A signature dated on or before the deadline (the closing time) counts as that title's AGREE for
    the signing rule; later signatures are kept but do not count.
    """
    async with transaction():
        row = await _consultation_row(consultation_id)
        if row["kind"] != ConsultationKind.signing.value:
            raise Conflict("Signing progress belongs to a signing round.", field="consultation_id", rule="kind")
        if row["status"] == Status.draft.value:
            raise Conflict("The signing round has not opened yet.", rule="consultation_status")
        entries = await ConsultationRollEntry.select().where(
            ConsultationRollEntry.id == entry_id, ConsultationRollEntry.consultation == consultation_id
        )
        if not entries:
            raise NotFound("No roll entry {id} in this consultation.", field="entry_id", id=entry_id)
        existing = await SigningProgress.select().where(SigningProgress.roll_entry == entry_id)
        current = existing[0] if existing else {"signed_on": None, "sealed_on": None, "moved_on": None}
        merged = {k: getattr(data, k) if getattr(data, k) is not None else current[k]
                  for k in ("signed_on", "sealed_on", "moved_on")}
        if merged["signed_on"] is None and (merged["sealed_on"] or merged["moved_on"]):
            raise Invalid("A house is sealed or vacated only after signing.", field="signed_on")
        for later in ("sealed_on", "moved_on"):
            if merged[later] and merged["signed_on"] and merged[later] < merged["signed_on"]:
                raise Invalid("{field} is before signed_on.", field=later)
        if existing:
            await SigningProgress.update(merged).where(SigningProgress.roll_entry == entry_id)
        else:
            await SigningProgress.insert(SigningProgress(consultation=consultation_id, roll_entry=entry_id, **merged))
        counts = False
        if data.signed_on is not None and current["signed_on"] is None:
            deadline = clock.day_of(row["closes_at"])
            if row["status"] == Status.open.value and merged["signed_on"] <= deadline:
                items = await _items(consultation_id)
                locked = await _lock_entry(entry_id)
                sheet = (
                    await BallotSheet.insert(
                        BallotSheet(
                            consultation=consultation_id, roll_entry=entry_id, channel=Channel.signing.value,
                            choices=json.dumps({str(items[0]["id"]): Choice.AGREE.value}),
                            status=SheetStatus.pending.value, receipt_no=_receipt(), entered_by=actor.id,
                        )
                    ).returning(BallotSheet.id)
                )[0]
                await _count_sheet(row, locked, sheet["id"], {items[0]["id"]: Choice.AGREE})
                counts = True
        await audit.record(
            actor, "signing.record", "consultation", consultation_id,
            {"roll_entry_id": entry_id, **merged, "counts_for_rule": counts},
        )
    return {"roll_entry_id": entry_id, **merged, "counts_for_rule": counts}


# The signing round's dates per title (签约 / 封房 / 搬迁), in order.
SIGNING_DATES = ("signed_on", "sealed_on", "moved_on")


async def signing_list(consultation_id: int, q: str, offset: int, limit: int) -> tuple[list[dict], int]:
    """One page of the frozen roll with each title's signing dates, and the number of matching titles.

    The dates are written by `record_signing` alone.
    """
    conditions: list = [ConsultationRollEntry.consultation == consultation_id]
    if q.strip():
        like = f"%{q.strip()}%"
        # SQLite's LIKE already ignores ASCII case; PostgreSQL needs ILIKE for the same behaviour.
        match = (lambda column: column.ilike(like)) if is_postgres() else (lambda column: column.like(like))
        conditions.append(match(ConsultationRollEntry.certificate_no) | match(ConsultationRollEntry.holder_names))
    total = await ConsultationRollEntry.count().where(*conditions)
    rows = await (
        ConsultationRollEntry.select(
            ConsultationRollEntry.id, ConsultationRollEntry.certificate_no, ConsultationRollEntry.holder_names,
            ConsultationRollEntry.building, ConsultationRollEntry.stairwell,
        ).where(*conditions).order_by(ConsultationRollEntry.certificate_no).offset(offset).limit(limit)
    )
    dates = {
        p["roll_entry"]: p for p in await SigningProgress.select(
            SigningProgress.roll_entry, *(getattr(SigningProgress, name) for name in SIGNING_DATES)
        ).where(SigningProgress.roll_entry.is_in([r["id"] for r in rows]))
    } if rows else {}
    for r in rows:
        r.update({name: dates.get(r["id"], {}).get(name) for name in SIGNING_DATES})
    return rows, total


async def certificate_of(consultation_id: int, entry_id: int) -> str:
    rows = await ConsultationRollEntry.select(ConsultationRollEntry.certificate_no).where(
        ConsultationRollEntry.id == entry_id, ConsultationRollEntry.consultation == consultation_id)
    return rows[0]["certificate_no"] if rows else str(entry_id)


async def draw_lottery(actor: Actor, consultation_id: int, seed: str, purpose: str) -> dict:
    """Draw the order from the published seed (see `lottery`); drawn once per purpose."""
    async with transaction():
        await _consultation_row(consultation_id)
        if await Lottery.exists().where(Lottery.consultation == consultation_id, Lottery.purpose == purpose):
            raise Conflict("The {purpose} lottery of this consultation is already drawn.", rule="lottery_once",
                           purpose=purpose)
        certs = [
            r["certificate_no"] for r in await ConsultationRollEntry.select(ConsultationRollEntry.certificate_no).where(
                ConsultationRollEntry.consultation == consultation_id
            )
        ]
        if not certs:
            raise Conflict("The roll is empty: there is nobody to draw.", rule="roll_empty")
        order = lottery.draw_order(seed, certs)
        digest = lottery.result_hash(order)
        await Lottery.insert(
            Lottery(consultation=consultation_id, purpose=purpose, seed=seed,
                    result=json.dumps(order, ensure_ascii=False), result_hash=digest)
        )
        await audit.record(actor, "lottery.draw", "consultation", consultation_id,
                           {"purpose": purpose, "seed": seed, "result_hash": digest, "titles": len(order)})
    return {"purpose": purpose, "seed": seed, "order": order, "result_hash": digest,
            "algorithm": "sha256(seed + '|' + certificate_no) ascending, ties by certificate_no"}


async def get_lottery(consultation_id: int, purpose: str) -> dict:
    rows = await Lottery.select().where(Lottery.consultation == consultation_id, Lottery.purpose == purpose)
    if not rows:
        raise NotFound("No {purpose} lottery drawn for this consultation.", field="purpose", purpose=purpose)
    r = rows[0]
    return {"purpose": purpose, "seed": r["seed"], "order": json.loads(r["result"]), "result_hash": r["result_hash"],
            "algorithm": "sha256(seed + '|' + certificate_no) ascending, ties by certificate_no"}


async def signing_board(actor: Actor, on: dt.date | None = None) -> list[dict]:
    """The "亮晒比学" board: every signing round the actor may see, ranked by 签约率 then 封房率, 搬迁率."""
    query = Consultation.select(
        Consultation.id, Consultation.title, Consultation.project, Consultation.project.name.as_alias("project_name"),
        Consultation.status, Consultation.closes_at,
    ).where(Consultation.kind == ConsultationKind.signing.value, Consultation.status != Status.draft.value)
    if not actor.is_admin:
        if not actor.project_ids:
            return []
        query = query.where(Consultation.project.is_in(list(actor.project_ids)))
    rounds = await query
    if not rounds:
        return []
    ids = ", ".join(str(int(r["id"])) for r in rounds)
    day = f" AND {{col}} <= '{on.isoformat()}'" if on else ""
    stats = {
        r["consultation"]: r for r in await SigningProgress.raw(
            "SELECT e.consultation AS consultation, COUNT(*) AS titles, "
            f"SUM(CASE WHEN p.signed_on IS NOT NULL{day.format(col='p.signed_on')} THEN 1 ELSE 0 END) AS signed, "
            f"SUM(CASE WHEN p.sealed_on IS NOT NULL{day.format(col='p.sealed_on')} THEN 1 ELSE 0 END) AS sealed, "
            f"SUM(CASE WHEN p.moved_on IS NOT NULL{day.format(col='p.moved_on')} THEN 1 ELSE 0 END) AS moved "
            "FROM consultation_roll_entry e LEFT JOIN signing_progress p ON p.roll_entry = e.id "
            f"WHERE e.consultation IN ({ids}) GROUP BY e.consultation"
        )
    }
    board = []
    for r in rounds:
        s = stats.get(r["id"], {"titles": 0, "signed": 0, "sealed": 0, "moved": 0})
        titles, signed, sealed, moved = (int(s[k] or 0) for k in ("titles", "signed", "sealed", "moved"))
        board.append({
            "consultation_id": r["id"], "title": r["title"], "project_id": r["project"],
            "project_name": r["project_name"], "status": r["status"], "titles": titles,
            "signed": signed, "sealed": sealed, "moved": moved,
            "signed_rate": _percent(signed, titles), "sealed_rate": _percent(sealed, titles),
            "moved_rate": _percent(moved, titles),
            "_key": (Fraction(signed, titles or 1), Fraction(sealed, titles or 1), Fraction(moved, titles or 1)),
        })
    board.sort(key=lambda b: b["_key"], reverse=True)
    for rank, b in enumerate(board, start=1):
        del b["_key"]
        b["rank"] = rank
    return board


async def lost_contact(consultation_id: int) -> list[dict]:
    """Titles on the roll whose household is marked lost-contact (失联) and has not signed."""
    await _consultation_row(consultation_id)
    rows = await ConsultationRollEntry.select(
        ConsultationRollEntry.id, ConsultationRollEntry.certificate_no, ConsultationRollEntry.holder_names,
        ConsultationRollEntry.office, ConsultationRollEntry.subdistrict, ConsultationRollEntry.household,
    ).where(
        ConsultationRollEntry.consultation == consultation_id,
        ConsultationRollEntry.household.contact_status == ContactStatus.lost.value,
    ).order_by(ConsultationRollEntry.certificate_no)
    signed = {
        p["roll_entry"] for p in await SigningProgress.select(SigningProgress.roll_entry).where(
            SigningProgress.consultation == consultation_id, SigningProgress.signed_on.is_not_null()
        )
    }
    return [
        {"roll_entry_id": r["id"], "household_id": r["household"], "certificate_no": r["certificate_no"],
         "holder_names": r["holder_names"], "office": r["office"], "subdistrict": r["subdistrict"]}
        for r in rows if r["id"] not in signed
    ]


# ---------------------------------------------------------------- scheduled work


async def close_due(now: dt.datetime) -> dict:
    """Close every open consultation past its closing time and record its decision (idempotent)."""
    from tracker.accounts.actor import SYSTEM

    due = await Consultation.select(Consultation.id, Consultation.closes_at).where(
        Consultation.status == Status.open.value
    )
    closed = []
    for row in due:
        if row["closes_at"] <= now:
            try:
                await close_consultation(SYSTEM, row["id"], now)
            except Conflict:
                continue  # another runner closed it first
            await decide_consultation(SYSTEM, row["id"])
            closed.append(row["id"])
    decided_late = []
    for row in await Consultation.select(Consultation.id, Consultation.closes_at).where(
        Consultation.status == Status.closed.value
    ):
        if row["closes_at"] > now:
            continue
        try:
            await decide_consultation(SYSTEM, row["id"])
            decided_late.append(row["id"])
        except Conflict:
            continue
    return {"closed": closed, "decided": closed + decided_late}


async def snapshot_open(now: dt.datetime) -> dict:
    """Take today's snapshot of every open consultation (once a day each)."""
    from tracker.accounts.actor import SYSTEM

    day = clock.day_of(now)
    taken = []
    for row in await Consultation.select(Consultation.id).where(Consultation.status == Status.open.value):
        if await take_snapshot(SYSTEM, row["id"], day):
            taken.append(row["id"])
    return {"day": day.isoformat(), "snapshots": taken}
