"""Shared steps of the inspections tests: photos, issues and notices through the JSON API."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from tracker import clock

API = "/api/v1/inspections"


def png(color=(200, 30, 30), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg(color=(30, 120, 200), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def in_days(n: int) -> str:
    return (clock.today() + dt.timedelta(days=n)).isoformat()  # site dates, not the host's


def issue_body(world, **overrides) -> dict:
    body = {
        "kind": "quality",
        "category": "leak_external_wall",
        "severity": "general",
        "description": "外墙渗漏，东立面三层窗下",
        "responsible_org_id": world.orgs["Builder Co"],
        "deadline": in_days(7),
        "building_id": world.building,
        "part": "东立面",
        "location": "三层窗下",
    }
    body.update(overrides)
    return body


async def file_issue(client, world, **overrides) -> dict:
    response = await client.post(f"{API}/projects/{world.project}/issues", json=issue_body(world, **overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def issue_notice(client, world, issue_ids, **overrides) -> dict:
    body = {"issue_ids": issue_ids, "subject": "外墙渗漏整改", "content": "经检查发现外墙渗漏，请按要求整改。",
            "requirements": "查明原因，修复并做淋水试验。", "deadline": in_days(7)}
    body.update(overrides)
    response = await client.post(f"{API}/projects/{world.project}/notices", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def upload(client, issue_id: int, content: bytes, name: str = "photo.png", media: str = "image/png"):
    return await client.post(f"{API}/issues/{issue_id}/photos", files={"file": (name, content, media)})
