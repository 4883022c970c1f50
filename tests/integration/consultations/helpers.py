"""Building rolls and consultations through the JSON API, as the replayed tallies do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tracker.accounts.actor import SYSTEM
from tracker.register import services as register
from tracker.register.kinds import HouseholdKind
from tracker.register.schemas import BuildingIn, DwellingIn, HouseholdIn

NOW = dt.datetime.now(dt.timezone.utc)


async def make_roll(project_id: int, titles: list[dict], building: str = "9号楼") -> tuple[dict[str, int], int]:
    """Titles: {"cert", "area", "owner", "kind"?, "office"?, "subdistrict"?, "stairwell"?}; returns cert → household id.

    Written through the register's services (the register's own API is tested in its domain).
    """
    b = await register.add_building(SYSTEM, project_id, BuildingIn(name=building))
    ids = {}
    for n, t in enumerate(titles, start=1):
        d = await register.add_dwelling(
            SYSTEM, b.id, DwellingIn(number=f"{n}", registered_area=Decimal(str(t["area"])), stairwell=t.get("stairwell", "1"))
        )
        h = await register.create_household(
            SYSTEM, project_id,
            HouseholdIn(
                certificate_no=t["cert"], holder_names=t.get("name", t["owner"]), owner_id=t["owner"],
                kind=HouseholdKind(t.get("kind", "resident")), office=t.get("office", ""),
                subdistrict=t.get("subdistrict", ""), dwelling_ids=[d.id],
            ),
        )
        ids[t["cert"]] = h.id
    return ids, b.id


def draft(rule_key: str = "art278_major", items: int = 1, kind: str | None = None, **extra) -> dict:
    body = {
        "title": "加装电梯表决",
        "kind": kind or ("retrofit_menu" if items > 1 else "owners_decision"),
        "rule_key": rule_key,
        "opens_at": (NOW - dt.timedelta(hours=1)).isoformat(),
        "closes_at": (NOW + dt.timedelta(days=7)).isoformat(),
        "items": [
            {"description": f"事项 {i}", "item_class": "safety" if items > 1 else "question",
             "estimated_cost": "120000.00", "resident_share": "3000.00"}
            for i in range(1, items + 1)
        ],
    }
    body.update(extra)
    return body


async def open_consultation(client, project_id: int, body: dict) -> dict:
    created = await client.post(f"/api/v1/projects/{project_id}/consultations", json=body)
    assert created.status_code == 201, created.text
    opened = await client.post(f"/api/v1/consultations/{created.json()['id']}/open")
    assert opened.status_code == 200, opened.text
    return opened.json()


async def paper_vote(staff, second, consultation_id: int, cert: str, choices: dict, **extra) -> dict:
    """Enter a paper sheet as `staff` and confirm it as `second`."""
    entered = await staff.post(
        f"/api/v1/consultations/{consultation_id}/paper-ballots",
        json={"certificate_no": cert, "choices": choices, **extra},
    )
    assert entered.status_code == 201, entered.text
    confirmed = await second.post(f"/api/v1/ballot-sheets/{entered.json()['id']}/confirm", json={"choices": choices})
    assert confirmed.status_code == 200, confirmed.text
    return confirmed.json()
