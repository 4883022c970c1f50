"""Attempt counters in the database: an attempt is counted before the password or code is checked.

Each counter is a `rate_counter` row per key and fixed window. One statement
(`INSERT … ON CONFLICT (key, window_start) DO UPDATE SET hits = hits + 1 RETURNING`) raises every
counter an attempt touches and answers their new values, so under any concurrency, in any number of
app processes, at most `max` attempts of a window get past the check: the others read a higher count
and are refused before the slow password hash or the code lookup runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from dataclasses import dataclass

from tracker.accounts.tables import RateCounter


@dataclass(frozen=True, slots=True)
class Limit:
    name: str  # prefix of the keys, e.g. "login"
    max: int  # attempts allowed per window; the next one is refused
    window_seconds: int
    rule: str  # the rule a refusal names


@dataclass(frozen=True, slots=True)
class Hit:
    limit: Limit
    key: str
    window_start: dt.datetime
    hits: int  # the counter after this attempt
    added: int = 1  # what this attempt added (0: a right voting code)

    @property
    def over(self) -> bool:
        """Refused when the attempts before this one already reached the limit, whatever this one is."""
        return self.hits - self.added >= self.limit.max


def client_subject(address: str) -> str:
    """The part of a key naming a client: an IPv6 client is its /64, which one subscriber holds whole."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def name_subject(name: str) -> str:
    """A user name inside a key, digested: any length or character fits the column."""
    return hashlib.sha256(name.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _window_start(now: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, dt.timezone.utc)


async def hit(*counts: tuple[Limit, str]) -> list[Hit]:
    """Count one attempt against each (limit, subject); answers the counts in the order given."""
    now = dt.datetime.now(dt.timezone.utc)
    wanted = [(f"{limit.name}:{subject}", _window_start(now, limit.window_seconds), limit) for limit, subject in counts]
    # Rows in key order: two statements touching the same counters lock them in the same order.
    rows = sorted({(key, start) for key, start, _ in wanted})
    values = ", ".join("({}, {}, 1)" for _ in rows)
    args = [value for row in rows for value in row]
    answered = await RateCounter.raw(
        f"INSERT INTO rate_counter (key, window_start, hits) VALUES {values} "
        "ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counter.hits + 1 RETURNING key, hits",
        *args,
    )
    by_key = {r["key"]: int(r["hits"]) for r in answered}
    return [Hit(limit, key, start, by_key[key]) for key, start, limit in wanted]


async def hit_if_wrong(limit: Limit, subject: str, right_sql: str, *args: object) -> tuple[Hit, bool]:
    """Count an attempt as a failure unless `right_sql` (a SELECT with `{}` placeholders) finds a row.

    For a check the database itself can make (a voting code's hash), the check and the count are one
    statement: a wrong attempt adds 1, a right one 0, atomically, so parallel wrong attempts past the
    limit are all refused while a burst of right ones never uses up the allowance. Answers the counter
    and whether the attempt was right; `Hit.over` refuses right and wrong alike once the limit is
    reached, so a refusal tells nothing about the attempt.
    """
    key, start = f"{limit.name}:{subject}", _window_start(dt.datetime.now(dt.timezone.utc), limit.window_seconds)
    answered = await RateCounter.raw(
        "INSERT INTO rate_counter (key, window_start, hits) "
        f"VALUES ({{}}, {{}}, CASE WHEN EXISTS ({right_sql}) THEN 0 ELSE 1 END) "
        "ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counter.hits + excluded.hits "
        f"RETURNING hits, CASE WHEN EXISTS ({right_sql}) THEN 1 ELSE 0 END AS right_attempt",
        key, start, *args, *args,
    )
    right = bool(answered[0]["right_attempt"])
    return Hit(limit, key, start, int(answered[0]["hits"]), 0 if right else 1), right


async def clear(limit: Limit, subject: str) -> None:
    """Forget a key in every window (a successful login ends the lockout of that name and client)."""
    await RateCounter.delete().where(RateCounter.key == f"{limit.name}:{subject}")


async def purge(before: dt.datetime) -> int:
    return len(await RateCounter.delete().where(RateCounter.window_start < before).returning(RateCounter.id))
