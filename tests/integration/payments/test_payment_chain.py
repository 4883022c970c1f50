"""The chain through the JSON API: contract, application, review with cuts, certificate, payment; the
hand-worked figures of tests/unit/payments replayed figure by figure, and the bad input of the issue."""

from __future__ import annotations

import datetime as dt

from funding.tables import Allocation, Spending, WorkProgress
from funding.payments.tables import PaymentApplication, PaymentCertificate
from tests.integration.payments.helpers import apply, budget, contract_body, create_contract, ok
from tracker import clock


def _today() -> str:
    return clock.today().isoformat()


async def test_two_certificates_with_a_cut_and_a_change_then_payment(world, client_for):
    manager, contractor, inspector, chief, finance = [
        await client_for(r) for r in ("manager", "contractor", "inspector", "chief", "finance")]
    line, allocation = await budget(world.project)
    contract = await create_contract(manager, world, line)
    assert contract["total_fen"] == 100_000_000 and len(contract["items"]) == 2

    first = await apply(contractor, contract, "2026-01-01", "2026-01-31", ["200", "500"])
    assert (first["claimed_fen"], first["status"]) == (15_000_000, "submitted")
    a, b = (i["id"] for i in contract["items"])
    reviewed = ok(await inspector.post(f"/api/v1/payment-applications/{first['id']}/review", json={
        "items": [{"item_id": a, "approved_quantity": "180", "cut_reason": "超出实际完成量"}]}), 201)
    assert (reviewed["approved_fen"], reviewed["status"]) == (14_000_000, "reviewed")
    assert reviewed["items"][0]["cut_reason"] == "超出实际完成量"
    certificate = ok(await chief.post(f"/api/v1/payment-applications/{first['id']}/certify", json={}))
    assert (certificate["work_to_date_fen"], certificate["payable_to_date_fen"], certificate["retention_to_date_fen"],
            certificate["previously_certified_fen"], certificate["certified_fen"]) == (
        14_000_000, 11_200_000, 420_000, 0, 10_780_000)
    assert certificate["number"] == f"P1-ZFZS-{clock.today().year}-001"
    assert certificate["due_on"] == (clock.today() + dt.timedelta(days=30)).isoformat()

    ok(await manager.post(f"/api/v1/contracts/{contract['id']}/changes", json={
        "kind": "variation", "reference": "BG-001", "amount_fen": 5_000_000, "approved_on": "2026-02-10",
        "reason": "增加屋面防水"}))
    second = await apply(contractor, contract, "2026-02-01", "2026-02-28", ["300", "0"])
    ok(await inspector.post(f"/api/v1/payment-applications/{second['id']}/review", json={}))
    certificate2 = ok(await chief.post(f"/api/v1/payment-applications/{second['id']}/certify", json={}))
    assert (certificate2["contract_total_fen"], certificate2["work_to_date_fen"], certificate2["retention_to_date_fen"],
            certificate2["previously_certified_fen"], certificate2["certified_fen"]) == (
        105_000_000, 29_000_000, 870_000, 10_780_000, 11_550_000)
    assert certificate2["number"].endswith("-002")
    progress = await WorkProgress.select(WorkProgress.certified_fen, WorkProgress.percent)
    assert progress == [{"certified_fen": 29_000_000, "percent": None}]  # the funding monitor's yardstick

    # Finance pays the first certificate in two parts; a third beyond it is refused and writes nothing.
    url = f"/api/v1/payment-certificates/{certificate['id']}/payments"
    body = {"allocation_id": allocation, "amount_fen": 5_000_000, "paid_on": _today(), "voucher_no": "记-001"}
    paid = ok(await finance.post(url, json=body))
    assert paid["spending_id"] and paid["certificate_number"] == certificate["number"]
    ok(await finance.post(url, json={**body, "amount_fen": 5_780_000, "voucher_no": "记-002"}))
    over = await finance.post(url, json={**body, "amount_fen": 1, "voucher_no": "记-003"})
    assert over.status_code == 409 and over.json()["rule"] == "payment_within_certificate"
    assert await Spending.count() == 2
    assert (await Allocation.select(Allocation.spent_fen).where(Allocation.id == allocation))[0]["spent_fen"] == 10_780_000
    shown = ok(await finance.get(f"/api/v1/contracts/{contract['id']}"), 200)
    assert (shown["certified_fen"], shown["paid_fen"], shown["retention_held_fen"]) == (22_330_000, 10_780_000, 870_000)
    ledger = ok(await finance.get(f"/api/v1/projects/{world.project}/contract-payments"), 200)
    assert [p["amount_fen"] for p in ledger] == [5_000_000, 5_780_000]
    curve = ok(await manager.get(f"/api/v1/contracts/{contract['id']}/curve"), 200)
    assert curve[-1] == {"on": _today(), "work_fen": 29_000_000, "certified_fen": 22_330_000, "paid_fen": 10_780_000}


async def test_a_previous_overpayment_is_recovered_from_the_next_certificate(world, client_for):
    manager, contractor, inspector, chief = [await client_for(r) for r in ("manager", "contractor", "inspector", "chief")]
    line, _ = await budget(world.project)
    contract = await create_contract(manager, world, line, value_fen=10_000_000, items=[])
    figures = []
    for n, (claim, approved, reason) in enumerate([(5_000_000, None, ""), (500_000, -1_000_000, "复核前期多计量"),
                                                  (2_000_000, None, "")], start=1):
        application = await apply(contractor, contract, f"2026-0{n}-01", f"2026-0{n}-28", claimed_fen=claim)
        review = {} if approved is None else {"approved_fen": approved, "cut_reason": reason}
        ok(await inspector.post(f"/api/v1/payment-applications/{application['id']}/review", json=review))
        c = ok(await chief.post(f"/api/v1/payment-applications/{application['id']}/certify", json={}))
        figures.append((c["work_to_date_fen"], c["previously_certified_fen"], c["certified_fen"], c["overpaid_fen"]))
    assert figures == [(5_000_000, 0, 3_850_000, 0), (4_000_000, 3_850_000, 0, 770_000),
                       (6_000_000, 3_850_000, 770_000, 0)]


async def test_bad_input_is_refused_naming_the_rule_and_writes_nothing(world, client_for):
    manager, contractor, finance, chief, inspector = [
        await client_for(r) for r in ("manager", "contractor", "finance", "chief", "inspector")]
    line, allocation = await budget(world.project)
    url = f"/api/v1/projects/{world.project}/contracts"
    for field, value, rule in [("payment_ratio", "0.79", "payment_ratio_minimum"),
                               ("retention_ratio", "0.031", "retention_ratio_maximum"),
                               ("payment_days", 61, "payment_days_maximum"),
                               ("retention_ratio", "NaN", "ratio_range"), ("payment_ratio", "1.01", "ratio_range")]:
        refused = await manager.post(url, json=contract_body(world, line, **{field: value}))
        assert refused.status_code == 422 and refused.json()["rule"] == rule and refused.json()["field"] == field
    contract = await create_contract(manager, world, line)
    await apply(contractor, contract, "2026-01-01", "2026-01-31", ["100", "0"])
    overlap = await contractor.post(f"/api/v1/contracts/{contract['id']}/applications", json={
        "period_start": "2026-01-31", "period_end": "2026-02-27", "items": [{"item_id": contract["items"][0]["id"],
                                                                            "quantity": "1"}]})
    assert overlap.status_code == 409 and overlap.json()["rule"] == "periods_overlap"
    # 1001 m³ × 500.00 + 100 m³ already claimed: beyond 1,000,000.00 only with the schedule's B too.
    too_much = await contractor.post(f"/api/v1/contracts/{contract['id']}/applications", json={
        "period_start": "2026-02-01", "period_end": "2026-02-28",
        "items": [{"item_id": contract["items"][0]["id"], "quantity": "1000"},
                  {"item_id": contract["items"][1]["id"], "quantity": "5000"}]})
    assert too_much.status_code == 409 and too_much.json()["rule"] == "claim_within_contract"
    assert await PaymentApplication.count() == 1
    # Another contractor never sees these applications.
    from tracker.accounts.actor import SYSTEM
    from tracker.accounts.roles import OrganisationKind, Role
    from tracker.accounts.services import create_organisation, create_user
    from tests.support import PASSWORD, _HASH

    rival_org = await create_organisation(SYSTEM, name="Rival Builder", kind=OrganisationKind.contractor)
    await create_user(SYSTEM, username="rival", display_name="Rival", password=PASSWORD, password_hash=_HASH,
                      role=Role.contractor, organisation_id=rival_org, project_ids=[world.project])
    rival = await client_for("rival")
    for path in (f"/api/v1/contracts/{contract['id']}", f"/api/v1/contracts/{contract['id']}/applications"):
        assert (await rival.get(path)).status_code in (403, 404)
    assert ok(await rival.get(url), 200) == []
    # A payment over the certificate.
    application = (await PaymentApplication.select(PaymentApplication.id))[0]["id"]
    ok(await inspector.post(f"/api/v1/payment-applications/{application}/review", json={}))
    certificate = ok(await chief.post(f"/api/v1/payment-applications/{application}/certify", json={}))
    over = await finance.post(f"/api/v1/payment-certificates/{certificate['id']}/payments", json={
        "allocation_id": allocation, "amount_fen": certificate["certified_fen"] + 1, "paid_on": _today(),
        "voucher_no": "记-009"})
    assert over.status_code == 409 and over.json()["rule"] == "payment_within_certificate"
    # An allocation of another budget line, or of a source not allowing construction.
    _, other = await budget(world.project, 1_000_000)
    wrong = await finance.post(f"/api/v1/payment-certificates/{certificate['id']}/payments", json={
        "allocation_id": other, "amount_fen": 100, "paid_on": _today(), "voucher_no": "记-010"})
    assert wrong.status_code == 422 and wrong.json()["rule"] == "allocation_of_contract_line"
    assert await Spending.count() == 0
    assert (await PaymentCertificate.select(PaymentCertificate.paid_fen))[0]["paid_fen"] == 0
