"""The web ballot on PostgreSQL in three round trips (the vote storm's path, bench/vote_storm.py).

Every web ballot appends to the one audit chain and adds to shared tally cells, so those rows are a
queue all voters pass through. Here BEGIN and the title's lookup with its lock come first; then the
sheet, the counted choices, the cell deltas, the audit record and COMMIT go as one simple query, so
the chain head and the cells stay locked only while the server runs it, never while the reply waits
for the app's event loop. Same checks and effects as the general path in `ballots` (the tests run both).
"""

from __future__ import annotations

import asyncpg

from tracker import audit, clock
from tracker.accounts import ratelimit
from tracker.consultations.counting import Choice
from tracker.consultations.kinds import SheetStatus
from tracker.consultations.schemas import ReceiptOut
from tracker.consultations.services.codes import code_counter, code_hash, invalid_code, normal_code, too_many_codes
from tracker.consultations.services.sheets import (
    VOTER,
    check_window,
    choices_json,
    one_choice_per_item,
    receipt,
    web_payload,
)
from tracker.db import engine, integrity_conflict


async def cast_web_ballot_pg(code: str, choices: dict[int, Choice], client: str) -> ReceiptOut | None:
    """The web ballot, or None when the general path must run instead (ballots locked once cast, or a
    title whose owner holds others: their person figures are recomputed there)."""
    db = engine()
    limit, subject = code_counter(client)
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
            if state is None or not normal_code(code):
                # Counted (one atomic statement, on this connection: waiting for another from the pool
                # while holding this one could exhaust it) before the answer says the code is wrong.
                hits = await conn.fetchval(ratelimit.PG_HIT_ONE, key, window_start)
                await conn.execute("COMMIT")
                if hits > limit.max:
                    raise too_many_codes()
                raise invalid_code()
            if (state["failures"] or 0) >= limit.max:
                raise too_many_codes()
            if state["lock_ballots"] or state["shared_head"]:
                await conn.execute("ROLLBACK")
                return None  # a second ballot refused / the owner's other titles to weigh: the general path
            c, e = int(state["consultation"]), int(state["id"])
            check_window(dict(state), clock.now())
            item_ids = {int(i) for i in (state["items"] or "").split(",") if i}
            clean = dict(sorted(one_choice_per_item(item_ids, choices).items()))
            sheet_id, receipt_no = int(state["sheet_id"]), receipt()
            quoted = "'" + choices_json(clean).replace("'", "''") + "'"
            new_rows = ", ".join(f"({c}, {e}, {item}, '{choice.value}', {sheet_id})" for item, choice in clean.items())
            new_delta = ", ".join(f"({item}, '{choice.value}', 1)" for item, choice in clean.items())
            group, area = int(state["roll_group"]), int(state["area_centi"])
            ballot = (
                f"WITH prev AS (SELECT item, choice FROM counted_ballot WHERE consultation = {c} AND roll_entry = {e}), "
                "sheet AS (INSERT INTO ballot_sheet (id, consultation, roll_entry, channel, choices, invalid_reason, "
                "proxy_name, proxy_reference, status, receipt_no, created_at, counted_at) "
                f"VALUES ({sheet_id}, {c}, {e}, 'web', {quoted}, '', '', '', 'counted', '{receipt_no}', now(), now())), "
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
            record = audit.pg_append_sql(VOTER, "ballot.web", "consultation", c, web_payload(e, sheet_id, receipt_no, clean))
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
    return ReceiptOut(receipt_no=receipt_no, status=SheetStatus.counted, choices=clean)
