"""Attempt counters in the database: an attempt is counted before the password or code is checked.

Each counter is a `rate_counter` row per key and fixed window. One statement
(`INSERT … ON CONFLICT (key, window_start) DO UPDATE SET hits = hits + 1 RETURNING`) raises every
counter an attempt touches and answers their new values, so under any concurrency, in any number of
app processes, at most `max` attempts of a window get past the check: the others read a higher count
and are refused before the slow password hash runs or a wrong voting code is answered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from dataclasses import dataclass

from tracker import clock
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


def counter(limit: Limit, subject: str) -> tuple[str, dt.datetime]:
    """The key and current window of a counter, for a statement that reads it along with other things."""
    return f"{limit.name}:{subject}", _window_start(clock.now(), limit.window_seconds)


# `hit` for one counter as asyncpg text, for code that holds its own PostgreSQL connection.
PG_HIT_ONE = (
    "INSERT INTO rate_counter (key, window_start, hits) VALUES ($1, $2, 1) "
    "ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counter.hits + 1 RETURNING hits"
)


async def hit(*counts: tuple[Limit, str]) -> list[Hit]:
    """Count one attempt against each (limit, subject); answers the counts in the order given."""
    now = clock.now()
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

    For a check the database itself makes (a voting code's hash), a right attempt only reads the
    counter, so the many right attempts from one address write nothing and never use up the
    allowance; a wrong one is counted by `hit`'s single atomic statement before anything is answered,
    so parallel wrong attempts past the limit are all refused. `Hit.over` refuses right and wrong
    alike once the limit is reached: a refusal tells nothing about the attempt.
    """
    key, start = counter(limit, subject)
    seen = await RateCounter.raw(
        f"SELECT EXISTS ({right_sql}) AS right_attempt, "
        "(SELECT hits FROM rate_counter WHERE key = {} AND window_start = {}) AS hits",
        *args, key, start,
    )
    if seen[0]["right_attempt"]:
        return Hit(limit, key, start, int(seen[0]["hits"] or 0), added=0), True
    (found,) = await hit((limit, subject))
    return found, False


async def clear(limit: Limit, subject: str) -> None:
    """Forget a key in every window (a successful login ends the lockout of that name and client)."""
    await RateCounter.delete().where(RateCounter.key == f"{limit.name}:{subject}")


async def purge(before: dt.datetime) -> int:
    return len(await RateCounter.delete().where(RateCounter.window_start < before).returning(RateCounter.id))
