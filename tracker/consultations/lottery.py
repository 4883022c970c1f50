"""The order lottery (抽取顺序号) that anyone can recompute from its published seed.

Algorithm (published with every draw): for each title on the roll compute
`sha256(utf8(seed + "|" + certificate_no))` as lowercase hex; the order is the titles sorted by that
hex string ascending, ties (which would need a SHA-256 collision) broken by certificate number.
Position 1 is the first. Example in Python::

    sorted(certs, key=lambda c: (hashlib.sha256(f"{seed}|{c}".encode()).hexdigest(), c))

The seed is published before the draw (e.g. the closing figures of a named lottery or a notarised
number), so nobody, the office included, can choose the order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable


def draw_order(seed: str, certificate_numbers: Iterable[str]) -> list[str]:
    """The certificate numbers in lottery order."""
    return sorted(
        certificate_numbers,
        key=lambda cert: (hashlib.sha256(f"{seed}|{cert}".encode("utf-8")).hexdigest(), cert),
    )


def result_hash(order: list[str]) -> str:
    """sha256 of the order as compact JSON, so a printed result can be checked against the record."""
    text = json.dumps(order, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
