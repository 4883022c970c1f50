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
    hits: int

    @property
    def over(self) -> bool:
        return self.hits > self.limit.max


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


async def refund(found: Hit) -> None:
    """Give back an attempt that turned out not to be a failure (a valid voting code)."""
    await RateCounter.raw(
        "UPDATE rate_counter SET hits = hits - 1 WHERE key = {} AND window_start = {} AND hits > 0",
        found.key, found.window_start,
    )


def refund_sql(found: Hit) -> str:
    """The same refund as a PostgreSQL statement with literals, to ride along in a batch of statements."""
    key = found.key.replace("'", "''")
    return (f"UPDATE rate_counter SET hits = hits - 1 WHERE key = '{key}' "
            f"AND window_start = '{found.window_start.isoformat()}'::timestamptz AND hits > 0")


async def clear(limit: Limit, subject: str) -> None:
    """Forget a key in every window (a successful login ends the lockout of that name and client)."""
    await RateCounter.delete().where(RateCounter.key == f"{limit.name}:{subject}")


async def purge(before: dt.datetime) -> int:
    return len(await RateCounter.delete().where(RateCounter.window_start < before).returning(RateCounter.id))
