"""Voting codes: derived from the instance secret and the consultation's salt, never stored (only their
hashes are); a wrong one is counted against the client before it is answered."""

from __future__ import annotations

import base64
import hashlib
import hmac

from tracker.accounts import ratelimit
from tracker.consultations.tables import ConsultationRollEntry
from tracker.errors import Forbidden, TooMany
from tracker.settings import get_settings


def voting_code(salt: str, entry_id: int) -> str:
    """The voting code printed on a title's letter: derived from the instance secret, never stored."""
    digest = hmac.new(get_settings().secret_key.encode(), f"{salt}:{entry_id}".encode(), hashlib.sha256).digest()
    text = base64.b32encode(digest).decode().replace("O", "8").replace("I", "9")[:12]
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"


def normal_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normal_code(code).encode()).hexdigest()


def code_counter(client: str) -> tuple[ratelimit.Limit, str]:
    settings = get_settings()
    limit = ratelimit.Limit("code", settings.vote_code_max_failures, settings.vote_code_window_seconds, "code_rate_limit")
    return limit, ratelimit.client_subject(client)


def too_many_codes() -> TooMany:
    return TooMany("Too many wrong voting codes; wait a few minutes before trying again.", rule="code_rate_limit")


def invalid_code() -> Forbidden:
    return Forbidden("This voting code is not valid.", field="code", rule="voting_code")


async def _count_code_attempt(code: str, client: str) -> None:
    """A wrong voting code is counted, in one atomic statement, before it is answered; once the limit is
    reached every code is refused. A valid code only reads the counter: residents voting from one
    address never use it up."""
    found, _ = await ratelimit.hit_if_wrong(
        *code_counter(client), "SELECT 1 FROM consultation_roll_entry WHERE code_hash = {}", code_hash(code)
    )
    if found.over:
        raise too_many_codes()


async def entry_by_code(code: str, client: str, counted: bool = False) -> dict:
    """The roll entry a voting code belongs to, or one 403 that never says which titles exist."""
    if not counted:
        await _count_code_attempt(code, client)
    rows = await ConsultationRollEntry.select().where(ConsultationRollEntry.code_hash == code_hash(code))
    if not rows or not normal_code(code):
        raise invalid_code()
    return rows[0]
