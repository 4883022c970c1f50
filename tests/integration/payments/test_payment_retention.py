"""Retention release, the final account and the payment-deadline monitor, through the JSON API."""

from __future__ import annotations

import datetime as dt

from funding.payments import jobs
from funding.payments.tables import ContractPayment, PaymentCertificate, RetentionRelease
from inspections.tables import InboxMessage
from tests.integration.inspections.helpers import file_issue
from tests.integration.payments.helpers import apply, budget, create_contract, ok
from tracker import clock


async def _certified(world, c) -> tuple[dict, dict, int]:
    """A contract with one certificate: work 150,000.00, retention 3 % per certificate = 4,500.00 held."""
    line, allocation = await budget(world.project)
    contract = await create_contract(c["manager"], world, line)
    application = await apply(c["contractor"], contract, "2026-01-01", "2026-01-31", ["200", "500"])
    ok(await c["inspector"].post(f"/api/v1/payment-applications/{application['id']}/review", json={}))
    certificate = ok(await c["chief"].post(f"/api/v1/payment-applications/{application['id']}/certify", json={}))
    assert certificate["certified_fen"] == 11_550_000
    return contract, certificate, allocation


async def _clients(client_for) -> dict:
    return {r: await client_for(r) for r in ("manager", "contractor", "inspector", "chief", "finance")}


async def test_retention_release_waits_for_the_period_and_open_defects_hold_it(world, client_for):
    c = await _clients(client_for)
    contract, _, allocation = await _certified(world, c)
    request = f"/api/v1/contracts/{contract['id']}/retention-release"
    early = await c["contractor"].post(request)
    assert early.status_code == 409 and early.json()["rule"] == "liability_period"
    today = clock.today()
    accepted = today - dt.timedelta(days=800)
    shown = ok(await c["manager"].put(f"/api/v1/contracts/{contract['id']}/completion", json={
        "completion_reported_on": (accepted - dt.timedelta(days=20)).isoformat(), "accepted_on": accepted.isoformat()}),
        200)
    assert shown["retention_held_fen"] == 450_000 and shown["release_due_on"] <= today.isoformat()
    found = ok(await c["finance"].get(f"/api/v1/projects/{world.project}/payment-monitor"), 200)
    assert [(r["kind"], r["outstanding_fen"]) for r in found["overdue"]] == [("retention_due", 450_000)]
    release = ok(await c["contractor"].post(request))
    assert (release["held_fen"], release["status"]) == (450_000, "requested")
    assert release["check_due_on"] == (today + dt.timedelta(days=14)).isoformat()
    assert (await c["contractor"].post(request)).status_code == 409  # once

    defect = await file_issue(c["chief"], world, description="保修期内外墙渗漏")
    check = f"/api/v1/retention-releases/{release['id']}/check"
    held = await c["manager"].post(check, json={})
    assert held.status_code == 409 and held.json()["rule"] == "warranty_defects_open"
    assert f"#{defect['id']}" in held.json()["detail"]
    no_reason = await c["manager"].post(check, json={"deducted_fen": 100_000})
    assert no_reason.status_code == 422 and no_reason.json()["rule"] == "deduction_has_reason"
    checked = ok(await c["manager"].post(check, json={"deducted_fen": 100_000, "deduction_reason": "外墙渗漏维修费用"}))
    assert (checked["status"], checked["open_defects"], checked["pay_due_on"]) == (
        "checked", [defect["id"]], (today + dt.timedelta(days=14)).isoformat())
    pay = f"/api/v1/retention-releases/{release['id']}/payments"
    body = {"allocation_id": allocation, "amount_fen": 350_001, "paid_on": today.isoformat(), "voucher_no": "记-101"}
    wrong = await c["finance"].post(pay, json=body)
    assert wrong.status_code == 409 and wrong.json()["rule"] == "payment_within_release"
    paid = ok(await c["finance"].post(pay, json={**body, "amount_fen": 350_000}))
    assert paid["release_id"] == release["id"] and paid["certificate_id"] is None
    assert (await RetentionRelease.select(RetentionRelease.status))[0]["status"] == "paid"


async def test_final_account_balance_and_overpayment_to_return(world, client_for):
    c = await _clients(client_for)
    contract, certificate, allocation = await _certified(world, c)
    ok(await c["finance"].post(f"/api/v1/payment-certificates/{certificate['id']}/payments", json={
        "allocation_id": allocation, "amount_fen": 11_550_000, "paid_on": clock.today().isoformat(),
        "voucher_no": "记-201"}))
    url = f"/api/v1/contracts/{contract['id']}/final-account"
    assert (await c["manager"].get(url)).status_code == 409
    # 110,000.00 settled − 3,300.00 retention − 115,500.00 paid = −8,800.00: returned within 30 days.
    settled_on = clock.today() - dt.timedelta(days=25)
    account = ok(await c["manager"].put(url, json={"settled_fen": 11_000_000, "settled_on": settled_on.isoformat()}),
                 200)
    assert account == {"contract_id": contract["id"], "settled_fen": 11_000_000, "retention_fen": 330_000,
                       "paid_fen": 11_550_000, "balance_fen": 0, "overpaid_fen": 880_000,
                       "return_due_on": (settled_on + dt.timedelta(days=30)).isoformat(),
                       "settled_on": settled_on.isoformat()}
    found = ok(await c["finance"].get(f"/api/v1/projects/{world.project}/payment-monitor"), 200)
    assert [(r["kind"], r["outstanding_fen"], r["due_on"]) for r in found["due_soon"]] == [
        ("overpayment_return", 880_000, account["return_due_on"])]
    assert (await c["manager"].put(url, json={"settled_fen": 1, "settled_on": "2026-11-21"})).status_code == 409
    assert ok(await c["finance"].get(url), 200) == account
    changed = await c["manager"].post(f"/api/v1/contracts/{contract['id']}/changes", json={
        "kind": "site_instruction", "reference": "QZ-9", "amount_fen": 1, "approved_on": "2026-11-21", "reason": "x"})
    assert changed.status_code == 409 and changed.json()["rule"] == "contract_settled"


async def test_the_monitor_lists_due_and_overdue_certificates_and_tells_finance(world, client_for):
    c = await _clients(client_for)
    _, certificate, _ = await _certified(world, c)
    today = clock.today()
    await PaymentCertificate.update({PaymentCertificate.due_on: today - dt.timedelta(days=3)}).where(
        PaymentCertificate.id == certificate["id"])
    found = ok(await c["finance"].get(f"/api/v1/projects/{world.project}/payment-monitor"), 200)
    assert found["due_soon"] == [] and [(r["number"], r["overdue_days"], r["outstanding_fen"])
                                        for r in found["overdue"]] == [(certificate["number"], 3, 11_550_000)]
    summary = await jobs.run_monitor(clock.now())
    assert summary == {"due_soon": 0, "overdue": 1, "told": 2}  # finance and the project manager
    messages = await InboxMessage.select(InboxMessage.user, InboxMessage.body).where(InboxMessage.kind == "digest")
    assert sorted(m["user"] for m in messages) == sorted([world.users["finance"], world.users["manager"]])
    assert all(certificate["number"] in m["body"] and "逾期 3 天" in m["body"] for m in messages)
    await jobs.run_monitor(clock.now())  # a second run appends to the same day's digest, one message a day
    assert await InboxMessage.count() == 2
    assert await ContractPayment.count() == 0
