"""The pages of the chain: the contractor's form, the engineer's review with a cut, the chief's certification
with the gate's findings beside the amount, finance's payment entry, the contract page with its curve."""

from __future__ import annotations

from funding.payments.tables import PaymentApplication, PaymentCertificate
from tests.integration.inspections.helpers import file_issue
from tests.integration.payments.helpers import budget, create_contract
from tracker import clock

HTML = {"accept": "text/html"}


async def test_the_chain_through_the_pages(world, client_for):
    manager, contractor, inspector, chief, finance = [
        await client_for(r) for r in ("manager", "contractor", "inspector", "chief", "finance")]
    line, allocation = await budget(world.project)
    contract = await create_contract(manager, world, line)
    a, b = (i["id"] for i in contract["items"])
    page = await contractor.get(f"/contracts/{contract['id']}", headers=HTML)
    assert page.status_code == 200 and 'id="application-form"' in page.text and "<svg" in page.text

    bad = await contractor.post(f"/contracts/{contract['id']}/applications", headers=HTML, data={
        "period_start": "2026-01-31", "period_end": "2026-01-01", f"q_{a}": "200"})
    assert bad.status_code == 422 and "field-error" in bad.text and "2026-01-31" in bad.text
    done = await contractor.post(f"/contracts/{contract['id']}/applications", headers=HTML, data={
        "period_start": "2026-01-01", "period_end": "2026-01-31", f"q_{a}": "200", f"q_{b}": "500"})
    assert done.status_code == 303
    application = (await PaymentApplication.select(PaymentApplication.id))[0]["id"]
    assert done.headers["location"] == f"/payment-applications/{application}"

    no_reason = await inspector.post(f"/payment-applications/{application}/review", headers=HTML, data={
        f"a_{a}": "180", f"a_{b}": "500"})
    assert no_reason.status_code == 422 and "cut" in no_reason.text.lower() or "核减" in no_reason.text
    reviewed = await inspector.post(f"/payment-applications/{application}/review", headers=HTML, data={
        f"a_{a}": "180", f"r_{a}": "超出实际完成量", f"a_{b}": "500"})
    assert reviewed.status_code == 303

    major = await file_issue(chief, world, severity="major", description="主体结构裂缝")
    page = await chief.get(f"/payment-applications/{application}", headers=HTML)
    assert 'id="gate-findings"' in page.text and f"#{major['id']}" in page.text
    assert 'id="preview"' in page.text and "107,800.00" in page.text  # the amount beside the findings
    refused = await chief.post(f"/payment-applications/{application}/certify", headers=HTML, data={})
    assert refused.status_code == 409 and f"#{major['id']}" in refused.text
    certified = await chief.post(f"/payment-applications/{application}/certify", headers=HTML,
                                 data={"override_reason": "裂缝经设计复核不影响结构安全"})
    assert certified.status_code == 303
    certificate = (await PaymentCertificate.select(PaymentCertificate.id))[0]["id"]

    page = await finance.get(f"/payment-certificates/{certificate}", headers=HTML)
    assert 'id="payment-form"' in page.text and "裂缝经设计复核不影响结构安全" in page.text
    unchosen = await finance.post(f"/payment-certificates/{certificate}/payments", headers=HTML, data={
        "allocation_id": "", "amount_fen": "100", "paid_on": clock.today().isoformat(), "voucher_no": "记-1"})
    assert unchosen.status_code == 422 and "field-error" in unchosen.text
    paid = await finance.post(f"/payment-certificates/{certificate}/payments", headers=HTML, data={
        "allocation_id": str(allocation), "amount_fen": "10780000", "paid_on": clock.today().isoformat(),
        "voucher_no": "记-1"})
    assert paid.status_code == 303
    ledger = await finance.get(f"/projects/{world.project}/contract-payments", headers=HTML)
    assert "107,800.00" in ledger.text and "记-1" in ledger.text
    curve = await manager.get(f"/contracts/{contract['id']}", headers=HTML)
    assert curve.text.count("<polyline") == 3 and "107,800.00" in curve.text
    csv = await finance.get(f"/api/v1/projects/{world.project}/contract-payments.csv")
    assert csv.status_code == 200 and "107800.00" in csv.content.decode("utf-8-sig")
