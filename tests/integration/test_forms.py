"""Every page form refuses what the API refuses: an over-long value or a non-number in any field is a
message on the page (never a 5xx, never a redirect), and nothing is written.

The page POST routes are walked from the route table, so a new form without a case here fails
`test_every_page_form_has_a_case`. Each case posts a form that is valid in the state the case sets up
(and checks at the end that it is accepted), so a refusal is the field's, not the state's."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from litestar.routes import HTTPRoute

from tests.integration.consultations.helpers import draft, make_roll, open_consultation
from tests.integration.funding.helpers import allocate as fund, make_line, make_source, ok as funded
from tests.integration.handover.helpers import form_state
from tests.integration.inspections.helpers import API, file_issue, in_days, issue_notice
from tests.integration.payments.helpers import budget, create_contract
from tests.support import PASSWORD
from tracker import clock
from tracker.app import create_app
from tracker.consultations import services as consultations

LONG = "长" * 10_000
NOT_A_NUMBER = "twelve"
HUGE_NUMBER = "9" * 10_000
SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no
# The message pages show above their form (and error.html shows for a refusal outside the form), or beside
# the field it names (`_forms.html`: field_error).
FORM_ERROR = re.compile(r'<p class="error"(?: role="alert")?(?: id="order-error")?>|<p class="field-error" id="[\w-]+" role="alert">')

# Page POST routes that take no form field of their own.
NO_FORM = {
    "/logout": "no fields",
    "/consultations/{consultation_id:int}/status/{action:str}": "the action is in the path",
    "/consultations/{consultation_id:int}/items/{item_no:int}/remove": "no fields (the item is in the path)",
    "/inspections/stop-work/{order_id:int}/written-report": "no fields",
    "/inspections/issues/{issue_id:int}/photos": "a photo file only, refused by its content and size",
    "/projects/{project_id:int}/import": "a roll file only, refused by the import's own row checks",
    "/consultations/{consultation_id:int}/voting-letters": "a button: starts the letters in the background",
    "/handover/batches/{batch_id:int}/packs": "a button: starts the batch's packs in the background",
}


@dataclass
class Case:
    route: str  # the route's path template, as the route table names it
    role: str | None
    path: str
    form: dict
    numbers: tuple[str, ...] = ()  # fields where a number goes
    control: tuple[str, ...] = ()  # fields that steer the page (paging, which button), not data
    multipart: bool = False


def page_post_routes() -> set[str]:
    routes = set()
    for route in create_app().routes:
        if isinstance(route, HTTPRoute) and not route.path.startswith(("/api/", "/schema")):
            for handler in route.route_handlers:
                if "POST" in handler.http_methods:
                    routes.add(route.path)
    return routes


def local_now() -> str:
    """A `datetime-local` value: the site's wall-clock time, minutes precision."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")


async def _snapshot() -> dict[str, int]:
    """Rows per table; sessions change on every request and are left out."""
    from piccolo.conf.apps import Finder

    counts = {}
    for app in Finder().get_app_registry().app_configs.values():
        for table in app.table_classes:
            if table._meta.tablename != "web_session":
                counts[table._meta.tablename] = await table.count()
    return counts


async def _cases(world, client_for) -> list[Case]:
    """The state every form needs, made through the API, and one case per form in an order where
    each valid post leaves the state the next case needs."""
    inspector, chief, contractor = await client_for("inspector"), await client_for("chief"), await client_for("contractor")
    manager, resident = await client_for("manager"), await client_for("resident")
    p, org = world.project, str(world.orgs["Builder Co"])

    a, b = await file_issue(inspector, world), await file_issue(inspector, world, description="落水管脱落")
    voidable, notice_me = await file_issue(inspector, world), await file_issue(inspector, world)
    reply_me, supersede_me = await file_issue(inspector, world), await file_issue(inspector, world)
    await issue_notice(inspector, world, [a["id"], b["id"]])
    reply_notice = await issue_notice(inspector, world, [reply_me["id"]])
    void_notice = await issue_notice(inspector, world, [supersede_me["id"]])
    submitted = await contractor.post(f"{API}/issues/{b['id']}/submit", json={"explanation": "已修复"})
    assert submitted.status_code == 200, submitted.text
    stop = await chief.post(f"{API}/projects/{p}/stop-work", json={
        "addressed_org_id": world.orgs["Builder Co"], "scope": "building", "building_id": world.building,
        "cause": "major_hazard", "effective_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "emergency": True})
    assert stop.status_code == 201, stop.text
    order = stop.json()["id"]
    reports = []
    for text in ("卫生间顶棚渗水", "楼道扶手松动"):
        sent = await resident.post(f"{API}/projects/{p}/reports", json={"description": text})
        assert sent.status_code == 201, sent.text
        reports.append(sent.json()["id"])

    roll = [{"cert": f"P{n}", "area": "60", "owner": f"p{n}"} for n in range(1, 4)]
    _, building_id = await make_roll(p, roll)
    vote = await open_consultation(manager, p, draft(items=2, scope="building", building_id=building_id))
    items = [i["id"] for i in vote["items"]]
    code = {letter["certificate_no"]: letter["code"] for letter in await consultations.voting_letters(vote["id"])}["P3"]
    signing_roll = [{"cert": f"S{n}", "area": "30", "owner": f"s{n}"} for n in range(1, 3)]
    _, signing_building = await make_roll(p, signing_roll, building="8号楼")
    signing = await open_consultation(manager, p, draft(
        "roll_share", kind="signing", rule_params={"p": "3/4"}, scope="building", building_id=signing_building))
    entry = (await manager.get(f"/api/v1/consultations/{signing['id']}/roll")).json()[0]["id"]
    agree = {f"item_{i}": "agree" for i in items}
    oppose = {f"item_{i}": "oppose" for i in items}
    # A draft for the staff's draft forms (its fields, its items).
    drafted = (await manager.post(f"/api/v1/projects/{p}/consultations", json=draft(items=2))).json()["id"]
    draft_form = {"title": "改造菜单", "kind": "retrofit_menu", "rule_key": "roll_share", "rule_p": "2/3",
                  "opens_at": local_now(), "closes_at": "2030-01-01T17:00", "scope": "building",
                  "building_id": str(building_id), "stairwell": "1", "visibility": "live",
                  "non_voters_agree": "true", "lock_ballots": "true"}
    item_form = {"description": "屋面防水", "item_class": "safety", "estimated_cost": "1000.50", "resident_share": "0"}

    application = "/inspections/resumption/{application_id:int}"
    h = await form_state(world)  # handover: the desk's selection is the one the later cases act on
    selection = "/handover/selections/{selection_id:int}"
    finance = await client_for("finance")  # funding: an allocation to spend from, a month to report
    source = await make_source(finance, p, arrive_fen=500_000_00)
    allocation = funded(await fund(finance, p, source, await make_line(finance, p), 300_000_00))["id"]
    # Contract payments: the application, its review and certificate, the certificate's payment.
    line, pay_allocation = await budget(p)
    contract = await create_contract(manager, world, line)
    q1, q2 = (f"q_{i['id']}" for i in contract["items"])
    a1, a2 = (f"a_{i['id']}" for i in contract["items"])
    r1, r2 = (f"r_{i['id']}" for i in contract["items"])
    return [
        Case("/projects/{project_id:int}/inspections/issues/new", "inspector", f"/projects/{p}/inspections/issues/new", {
            "kind": "quality", "category": "hollowing", "severity": "general", "description": "楼梯间墙面空鼓",
            "responsible_org_id": org, "deadline": in_days(7), "building_id": str(world.building),
            "part": "楼梯间", "location": "二层"}, numbers=("responsible_org_id", "building_id"), multipart=True),
        Case("/inspections/issues/{issue_id:int}/{action:str}", "contractor", f"/inspections/issues/{a['id']}/submit",
             {"explanation": "已修复"}),
        Case("/inspections/issues/{issue_id:int}/{action:str}", "inspector", f"/inspections/issues/{a['id']}/reject",
             {"opinion": "仍有渗水", "deadline": in_days(5)}),
        Case("/inspections/issues/{issue_id:int}/{action:str}", "inspector", f"/inspections/issues/{b['id']}/verify",
             {"opinion": "复查合格"}),
        Case("/inspections/issues/{issue_id:int}/{action:str}", "inspector",
             f"/inspections/issues/{voidable['id']}/void", {"reason": "重复登记"}),
        Case("/projects/{project_id:int}/inspections/notices", "inspector", f"/projects/{p}/inspections/notices", {
            "issue_ids": str(notice_me["id"]), "subject": "外墙渗漏整改", "content": "请整改",
            "requirements": "查明原因", "deadline": in_days(7)}, numbers=("issue_ids",)),
        Case("/inspections/notices/{notice_id:int}/reply", "contractor",
             f"/inspections/notices/{reply_notice['id']}/reply", {
                 "issue_ids": str(reply_me["id"]), f"explanation_{reply_me['id']}": "已修复", "statement": "已整改完毕"},
             numbers=("issue_ids",), multipart=True),
        Case("/inspections/notices/{notice_id:int}/void", "inspector", f"/inspections/notices/{void_notice['id']}/void", {
            "reason": "部位写错", "supersede": "1", "replacement_issue_ids": str(supersede_me["id"]),
            "subject": "外墙渗漏整改（更正）", "content": "请整改", "requirements": "", "deadline": in_days(5)},
             numbers=("replacement_issue_ids",), control=("supersede",)),
        Case("/projects/{project_id:int}/inspections/stop-work/new", "chief",
             f"/projects/{p}/inspections/stop-work/new", {
                 "addressed_org_id": org, "scope": "building", "building_id": str(world.building), "part": "三层",
                 "cause": "major_hazard", "cause_details": "脚手架连墙件缺失", "effective_at": local_now(),
                 "requirements": "立即撤离", "issue_ids": str(notice_me["id"]), "owner_consent_by": "王经理",
                 "owner_consent_at": local_now()},
             numbers=("addressed_org_id", "building_id", "issue_ids")),
        Case("/inspections/stop-work/{order_id:int}/apply", "contractor", f"/inspections/stop-work/{order}/apply",
             {"statement": "连墙件已补齐", "proposed_date": in_days(1)}),
        Case(f"{application}/review", "chief", "/inspections/resumption/{application}/review",
             {"opinion": "同意", "approve": "1"}),
        Case(f"{application}/approve", "manager", "/inspections/resumption/{application}/approve",
             {"opinion": "同意复工", "approve": "1"}),
        Case("/inspections/stop-work/{order_id:int}/resume", "chief", f"/inspections/stop-work/{order}/resume",
             {"resume_at": local_now(), "owner_consent_by": "", "owner_consent_at": ""}),
        Case("/projects/{project_id:int}/inspections/reports", "resident", f"/projects/{p}/inspections/reports",
             {"description": "外窗渗水", "location": "1-101 卧室"}, multipart=True),
        Case("/inspections/reports/{report_id:int}/{decision:str}", "inspector",
             f"/inspections/reports/{reports[0]}/accept", {
                 "kind": "quality", "category": "leak_external_wall", "severity": "general",
                 "responsible_org_id": org, "deadline": in_days(3)}, numbers=("responsible_org_id",)),
        Case("/inspections/reports/{report_id:int}/{decision:str}", "inspector",
             f"/inspections/reports/{reports[1]}/decline", {"reason": "属于住户自装部分"}),
        Case("/vote", None, "/vote", {"code": code}),
        Case("/vote/confirm", None, "/vote/confirm", {"code": code, **agree}),
        Case("/vote/cast", None, "/vote/cast", {"code": code, **agree}),
        Case("/consultations/{consultation_id:int}/paper", "staff", f"/consultations/{vote['id']}/paper",
             {"certificate_no": "P1", "proxy_name": "赵六", "proxy_reference": "委托书 1 号", **agree}),
        Case("/ballot-sheets/{sheet_id:int}/confirm", "manager", "/ballot-sheets/{sheet}/confirm",
             {"consultation_id": str(vote["id"]), **oppose}, numbers=("consultation_id",)),
        Case("/ballot-sheets/{sheet_id:int}/resolve", "manager", "/ballot-sheets/{sheet}/resolve",
             {"consultation_id": str(vote["id"]), "decision": "count", **agree}, numbers=("consultation_id",),
             control=("decision",)),
        Case("/consultations/{consultation_id:int}/signing/{entry_id:int}", "manager",
             f"/consultations/{signing['id']}/signing/{entry}", {
                 "signed_on": dt.date.today().isoformat(), "sealed_on": "", "moved_on": "", "q": "", "page": "1"},
             control=("q", "page")),
        Case("/consultations/{consultation_id:int}/lottery", "manager", f"/consultations/{signing['id']}/lottery",
             {"seed": "2026-11-23 福彩3D 第2026318期", "purpose": "signing"}),
        Case("/projects/{project_id:int}/consultations/new", "staff", f"/projects/{p}/consultations/new",
             {**draft_form, **item_form}, numbers=("building_id", "estimated_cost", "resident_share")),
        Case("/consultations/{consultation_id:int}/edit", "staff", f"/consultations/{drafted}/edit", draft_form,
             numbers=("building_id",)),
        Case("/consultations/{consultation_id:int}/items", "staff", f"/consultations/{drafted}/items", item_form,
             numbers=("estimated_cost", "resident_share")),
        Case("/consultations/{consultation_id:int}/items/{item_no:int}", "manager", f"/consultations/{drafted}/items/1",
             item_form, numbers=("estimated_cost", "resident_share")),
        Case("/consultations/{consultation_id:int}/items/{item_no:int}/move", "staff",
             f"/consultations/{drafted}/items/1/move", {"direction": "down"}),
        Case("/households/{household_id:int}/file", "staff", f"/households/{world.households[0]}/file",
             {"kind": "call", "occurred_on": dt.date.today().isoformat(), "summary": "电话联系"}),
        Case("/households/{household_id:int}/strategy", "staff", f"/households/{world.households[0]}/strategy",
             {"strategy": "先解决老人安置"}),
        Case("/handover/units/{unit_id:int}/acceptance", "inspector", f"/handover/units/{h['checking']}/acceptance",
             {"result_1": "passed", "note_1": "合格"}, multipart=True),
        Case("/projects/{project_id:int}/handover/desk", "staff", f"/projects/{h['project']}/handover/desk",
             {"entitlement_id": str(h["entitlement"]), "unit_id": str(h["unit"])}, numbers=("entitlement_id", "unit_id")),
        Case(f"{selection}/appointment", "resident", "/handover/selections/{selection}/appointment",
             {"appointment_slot_id": str(h["slot"])}, numbers=("appointment_slot_id",)),
        Case(f"{selection}/handover", "staff", "/handover/selections/{selection}/handover", {
            "keys": "2", "surveyed_area": "100.40", "water_reading": "1.5", "electricity_reading": "",
            "gas_reading": "", "note": "", "defect_part_1": "fit_out", "defect_description_1": "墙面空鼓",
            "acknowledged": "1"}, numbers=("keys", "surveyed_area", "water_reading"), control=("acknowledged",)),
        Case("/handover/units/{unit_id:int}/claims", "resident", f"/handover/units/{h['unit']}/claims",
             {"part": "plumbing", "description": "厨房下水管漏水"}),
        Case(f"{selection}/rating", "resident", "/handover/selections/{selection}/rating",
             {"service_score": "5", "quality_score": "4", "comment": "满意"}, numbers=("service_score", "quality_score")),
        Case("/projects/{project_id:int}/funding/spending", "finance", f"/projects/{p}/funding/spending", {
            "allocation_id": str(allocation), "amount": "1,234.56", "spent_on": "2026-03-05", "payee": "某建设公司",
            "voucher_no": "记-1", "purpose": "进度款", "kind": "payment"}, numbers=("allocation_id", "amount")),
        Case("/projects/{project_id:int}/funding/report", "finance", f"/projects/{p}/funding/report?month=2026-03", {
            "gap_arranged": "100.00", "gap_arrangement": "申请市级补助", "remarks": "", "action": "submit"},
             numbers=("gap_arranged",), control=("action",)),
        Case("/projects/{project_id:int}/funding/report/correct", "finance",
             f"/projects/{p}/funding/report/correct?month=2026-03", {"reason": "补录到位", "gap_arranged": "200.00"},
             numbers=("gap_arranged",)),
        *await _admin_cases(world),
        Case("/contracts/{contract_id:int}/applications", "contractor", f"/contracts/{contract['id']}/applications",
             {"period_start": "2026-11-01", "period_end": "2026-11-30", q1: "200", q2: "500", "statement": "第1期"},
             numbers=(q1, q2)),
        Case("/payment-applications/{payment_application_id:int}/review", "inspector",
             "/payment-applications/{payment_application}/review",
             {a1: "180", r1: "超出实际完成量", a2: "500", r2: "", "note": "同意"}, numbers=(a1, a2)),
        Case("/payment-applications/{payment_application_id:int}/certify", "chief",
             "/payment-applications/{payment_application}/certify", {"override_reason": "遗留问题已列入整改计划，准予计量"}),
        Case("/payment-certificates/{certificate_id:int}/payments", "finance", "/payment-certificates/{certificate}/payments",
             {"allocation_id": str(pay_allocation), "amount_fen": "1000000", "paid_on": clock.today().isoformat(),
              "voucher_no": "记-2026-0001"}, numbers=("allocation_id", "amount_fen")),
        Case("/login", None, "/login", {"username": "staff", "password": PASSWORD, "next": "/projects"},
             control=("next",)),
    ]


async def _admin_cases(world) -> list[Case]:
    """The admin's forms act on an account made for them, so no other case's user is changed."""
    from tracker.accounts import services as accounts
    from tracker.accounts.actor import SYSTEM
    from tracker.accounts.roles import Role

    spare = await accounts.create_user(SYSTEM, username="spare", display_name="Spare", password=PASSWORD,
                                       role=Role.community_staff, project_ids=[world.project])
    u, p = f"/admin/users/{spare}", world.project
    return [
        Case("/admin/users/new", "admin", "/admin/users/new", {
            "username": "zhao.jl", "display_name": "赵监理", "role": "inspector", "organisation_id": "",
            "household_id": "", "project_ids": str(p), "email": "zhao@example.cn", "password": PASSWORD,
            "password_again": PASSWORD}, numbers=("organisation_id", "household_id", "project_ids")),
        Case("/admin/users/{user_id:int}", "admin", u, {"display_name": "备用", "role": "finance",
                                                        "organisation_id": "", "email": ""},
             numbers=("organisation_id",)),
        Case("/admin/users/{user_id:int}/password", "admin", f"{u}/password", {"confirm": "yes"}),
        Case("/admin/users/{user_id:int}/active", "admin", f"{u}/active", {"confirm": "yes", "active": "false"},
             control=("active",)),
        Case("/admin/organisations", "admin", "/admin/organisations", {"name": "浦东质监站", "kind": "quality_station"}),
        Case("/admin/projects/{project_id:int}/members/{user_id:int}/remove", "admin",
             f"/admin/projects/{p}/members/{spare}/remove", {"confirm": "yes"}),
        Case("/admin/projects/{project_id:int}/members", "admin", f"/admin/projects/{p}/members",
             {"user_id": str(spare)}, numbers=("user_id",)),
        Case("/admin/catalogue", "admin", "/admin/catalogue", {"code": "gutter_loose", "name": "落水管松动",
                                                              "kind": "quality", "active": "true", "position": "9"},
             numbers=("position",)),
        Case("/admin/projects/{project_id:int}/archive", "admin", f"/admin/projects/{world.other_project}/archive",
             {"confirm": "yes", "archived": "true"}, control=("archived",)),
    ]


async def _latest_application() -> int:
    """The resumption application the apply case made (review and approve act on it)."""
    from inspections.tables import ResumptionApplication

    rows = await ResumptionApplication.select(ResumptionApplication.id).order_by(ResumptionApplication.id)
    return rows[-1]["id"]


async def _latest_selection() -> int:
    """The selection the desk case made (the appointment, handover and rating cases act on it)."""
    from tracker.handover.tables import Selection

    return (await Selection.select(Selection.id).order_by(Selection.id))[-1]["id"]


async def _latest_payment_application() -> int:
    """The contract-payment application the applications case made (review and certify act on it)."""
    from funding.payments.tables import PaymentApplication

    return (await PaymentApplication.select(PaymentApplication.id).order_by(PaymentApplication.id))[-1]["id"]


async def _latest_certificate() -> int:
    """The payment certificate the certify case made (the payments case acts on it)."""
    from funding.payments.tables import PaymentCertificate

    return (await PaymentCertificate.select(PaymentCertificate.id).order_by(PaymentCertificate.id))[-1]["id"]


async def _post(client, case: Case, path: str, form: dict):
    data = {"_csrf_token": client.cookies.get("csrftoken"), **form}
    files = {"photos": ("", b"", "application/octet-stream")} if case.multipart else None
    # As a browser asks, so a refusal outside the page's own form is the error page, not problem JSON.
    return await client.post(path, data=data, files=files, follow_redirects=False,
                             headers={"accept": "text/html,application/xhtml+xml"})


async def test_every_page_form_has_a_case(world, client_for):
    covered = {case.route for case in await _cases(world, client_for)}
    missing = page_post_routes() - covered - set(NO_FORM)
    assert not missing, f"page forms without an over-long case in tests/integration/test_forms.py: {sorted(missing)}"
    assert not (covered | set(NO_FORM)) - page_post_routes(), "cases for routes that no longer exist"


async def test_every_page_form_refuses_over_long_values_and_non_numbers(world, client_for):
    cases = await _cases(world, client_for)
    clients = {}
    failures = []
    sheet_of: dict[str, int] = {}
    for case in cases:
        if case.role not in clients:
            clients[case.role] = await client_for(case.role)
        client = clients[case.role]
        path = case.path
        if "{application}" in path:
            path = path.replace("{application}", str(await _latest_application()))
        if "{sheet}" in path:
            path = path.replace("{sheet}", str(sheet_of["vote"]))
        if "{selection}" in path:
            path = path.replace("{selection}", str(await _latest_selection()))
        if "{payment_application}" in path:
            path = path.replace("{payment_application}", str(await _latest_payment_application()))
        if "{certificate}" in path:
            path = path.replace("{certificate}", str(await _latest_certificate()))
        probes = [(name, LONG) for name in case.form if name not in case.control]
        probes += [(name, [LONG, LONG]) for name in case.form if name not in case.control]  # a field sent twice
        probes += [(name, bad) for name in case.numbers for bad in (NOT_A_NUMBER, HUGE_NUMBER, SUPERSCRIPT_TWO)]
        for name, value in probes:
            before = await _snapshot()
            response = await _post(client, case, path, {**case.form, name: value})
            shown = f"{value[:8]}…({len(value)})" if isinstance(value, str) else f"{len(value)} × {value[0][:8]}…"
            where = f"{case.role} POST {path} with {name}={shown}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            elif 300 <= response.status_code < 400:
                failures.append(f"{where}: accepted ({response.status_code} to {response.headers.get('location')})")
            elif not FORM_ERROR.search(response.text):
                failures.append(f"{where}: {response.status_code} without a message on the page")
            after = await _snapshot()
            changed = {k: (v, after[k]) for k, v in before.items() if after[k] != v}
            if changed:
                failures.append(f"{where}: wrote {changed}")
        # The same form with valid values goes through: the refusals above were the field's.
        response = await _post(client, case, path, case.form)
        if response.status_code >= 400 or (response.status_code == 200 and FORM_ERROR.search(response.text)):
            message = FORM_ERROR.split(response.text, 1)[-1][:200] if response.status_code < 500 else ""
            failures.append(f"valid form refused: {case.role} POST {path}: {response.status_code} {message}")
        if case.route.endswith("/paper"):
            consultation_id = int(path.split("/")[2])
            sheet_of["vote"] = (await consultations.list_sheets(consultation_id))[-1].id
    assert not failures, "\n".join(failures)


async def test_a_300_character_notice_subject_is_a_message_not_a_500(world, client_for):
    inspector = await client_for("inspector")
    issue = await file_issue(inspector, world)
    response = await inspector.post(f"/projects/{world.project}/inspections/notices", data={
        "_csrf_token": inspector.cookies.get("csrftoken"), "issue_ids": str(issue["id"]), "subject": "渗" * 300,
        "content": "请整改", "deadline": in_days(7)}, follow_redirects=False)
    assert response.status_code == 422, response.text[:500]
    assert "事由过长（最多 255 个字符）。" in response.text
    notices = await inspector.get(f"{API}/projects/{world.project}/notices")
    assert notices.json() == []
    # The API refuses the same subject with the same limit.
    api = await inspector.post(f"{API}/projects/{world.project}/notices", json={
        "issue_ids": [issue["id"]], "subject": "渗" * 300, "content": "请整改", "deadline": in_days(7)})
    assert api.status_code == 400 and "subject" in api.text


async def test_form_refusals_name_the_field_in_the_readers_language(world, client_for):
    staff = await client_for("staff")
    staff.cookies.set("lang", "en")
    response = await staff.post(f"/households/{world.households[0]}/file", data={
        "_csrf_token": staff.cookies.get("csrftoken"), "kind": "call", "occurred_on": "yesterday", "summary": "x"})
    assert response.status_code == 422
    assert "Date must be a date (YYYY-MM-DD)." in response.text


def test_parse_form_converts_strings_as_a_form_sends_them():
    from zoneinfo import ZoneInfo

    import pytest

    from inspections.schemas import ReplyIn, StopWorkIn
    from tracker.consultations.schemas import PaperBallotIn
    from tracker.web.forms import FormInvalid, parse_form

    order = parse_form({"_csrf_token": "t", "addressed_org_id": " 7 ", "scope": "building", "building_id": "",
                        "cause": "major_hazard", "effective_at": "2026-12-01T09:30", "issue_ids": ["3", "4"],
                        "emergency": "on", "page": "2"}, StopWorkIn)
    assert order.addressed_org_id == 7 and order.building_id is None and order.issue_ids == [3, 4]
    assert order.emergency is True and order.effective_at == dt.datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert parse_form({"issue_ids": "5", "addressed_org_id": "1", "scope": "project", "cause": "major_hazard",
                       "effective_at": "2026-12-01T09:30:00+00:00"}, StopWorkIn).issue_ids == [5]
    ballot = parse_form({"certificate_no": "", "proxy_name": " 赵六 "}, PaperBallotIn, choices={1: "agree"})
    assert ballot.certificate_no is None and ballot.proxy_name == "赵六" and ballot.choices == {1: "agree"}

    with pytest.raises(FormInvalid) as refused:
        parse_form({"statement": "s"}, ReplyIn, items=[{"issue_id": 1, "explanation": "x" * 4001}])
    assert (refused.value.field, refused.value.rule) == ("explanation", "max_length")
    with pytest.raises(FormInvalid) as refused:
        parse_form({"scope": "project", "cause": "major_hazard", "effective_at": "2026-12-01T09:30"}, StopWorkIn)
    assert (refused.value.field, refused.value.rule) == ("addressed_org_id", "required")
    with pytest.raises(FormInvalid) as refused:
        parse_form({"addressed_org_id": "一", "scope": "project", "cause": "major_hazard",
                    "effective_at": "2026-12-01T09:30"}, StopWorkIn)
    assert (refused.value.field, refused.value.rule) == ("addressed_org_id", "number")
    assert refused.value.detail == "To contractor must be a number."


# The choices each form must be given: left on "Choose…" (value "") the form is refused naming the field.
REQUIRED_CHOICES = {
    "/projects/{project_id:int}/inspections/issues/new": ("kind", "category", "severity", "responsible_org_id"),
    "/projects/{project_id:int}/inspections/stop-work/new": ("addressed_org_id", "scope", "cause"),
    "/inspections/reports/{report_id:int}/{decision:str}": ("kind", "category", "severity", "responsible_org_id"),
    "/households/{household_id:int}/file": ("kind",),
}


async def test_a_required_choice_left_empty_is_refused_naming_the_field(world, client_for):
    cases = [c for c in await _cases(world, client_for)
             if c.route in REQUIRED_CHOICES and not c.path.endswith("/decline")]
    assert {c.route for c in cases} == set(REQUIRED_CHOICES)
    failures = []
    for case in cases:
        client = await client_for(case.role)
        reports = f"/projects/{world.project}/inspections/reports"
        page = {"/inspections/reports/{report_id:int}/{decision:str}": reports,
                "/households/{household_id:int}/file": case.path.removesuffix("/file")}.get(case.route, case.path)
        if page:  # the page offers the choice empty, never preselected
            shown = (await client.get(page)).text
            for name in REQUIRED_CHOICES[case.route]:
                select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', shown, re.S)  # the first form
                if not select or "required" not in select.group(0) or 'value=""' not in select.group(1) \
                        or " selected" in select.group(1):
                    failures.append(f"{page}: {name} does not start empty and required")
        for name in REQUIRED_CHOICES[case.route]:
            before = await _snapshot()
            response = await _post(client, case, case.path, {**case.form, name: ""})
            if response.status_code != 422 or f'id="{name}-error"' not in response.text:
                failures.append(f"{case.path} without {name}: {response.status_code}, not refused beside the field")
            if await _snapshot() != before:
                failures.append(f"{case.path} without {name}: wrote something")
    assert not failures, "\n".join(failures)


async def test_a_refused_form_is_not_cached_and_a_success_says_so_once(world, client_for):
    staff = await client_for("staff")
    household = f"/households/{world.households[0]}"
    form = {"_csrf_token": staff.cookies.get("csrftoken"), "kind": "call", "summary": "电话联系"}
    refused = await staff.post(f"{household}/file", data={**form, "occurred_on": "yesterday"}, follow_redirects=False)
    assert refused.status_code == 422 and refused.headers["cache-control"] == "no-store"
    done = await staff.post(f"{household}/file", data={**form, "occurred_on": dt.date.today().isoformat()},
                            follow_redirects=False)
    assert 300 <= done.status_code < 400, done.text[:300]
    shown = await staff.get(done.headers["location"])
    assert '<p class="notice" role="status">已保存。' in shown.text
    again = await staff.get(done.headers["location"])  # a refresh: the notice was shown once
    assert 'class="notice" role="status"' not in again.text


def _form_page(case: Case, path: str, world) -> str:
    """The GET page each form is on (where a refused form comes back), from the POST path it was sent to."""
    p = f"/projects/{world.project}"
    parts = path.split("?")[0].split("/")
    pages = {
        "/inspections/issues/{issue_id:int}/{action:str}": "/".join(parts[:4]),
        "/projects/{project_id:int}/inspections/notices": f"{p}/inspections/issues",
        "/inspections/notices/{notice_id:int}/reply": "/".join(parts[:4]),
        "/inspections/notices/{notice_id:int}/void": "/".join(parts[:4]),
        "/inspections/stop-work/{order_id:int}/apply": "/".join(parts[:4]),
        "/inspections/stop-work/{order_id:int}/resume": "/".join(parts[:4]),
        "/inspections/reports/{report_id:int}/{decision:str}": f"{p}/inspections/reports",
        "/vote/confirm": "/vote",  # a wrong code goes back to the code page (the ballot is the answer to a POST)
        "/vote/cast": "/vote",
        "/consultations/{consultation_id:int}/paper": "/".join(parts[:3]),
        "/consultations/{consultation_id:int}/signing/{entry_id:int}": "/".join(parts[:4]),
        "/households/{household_id:int}/file": "/".join(parts[:3]),
        "/households/{household_id:int}/strategy": "/".join(parts[:3]),
        "/handover/selections/{selection_id:int}/appointment": "/my/home",
        "/handover/units/{unit_id:int}/claims": "/my/home",
        "/handover/selections/{selection_id:int}/rating": "/my/home",
        "/projects/{project_id:int}/funding/report/correct": f"{p}/funding/report?month=2026-03",
        "/admin/users/{user_id:int}/password": "/".join(parts[:4]),
        "/admin/users/{user_id:int}/active": "/".join(parts[:4]),
        "/admin/projects/{project_id:int}/members/{user_id:int}/remove": "/".join(parts[:5]),
        "/admin/projects/{project_id:int}/archive": "/".join(parts[:4]) + "/members",
        "/contracts/{contract_id:int}/applications": "/".join(parts[:3]),
        "/payment-applications/{payment_application_id:int}/review": "/".join(parts[:3]),
        "/payment-applications/{payment_application_id:int}/certify": "/".join(parts[:3]),
        "/payment-certificates/{certificate_id:int}/payments": "/".join(parts[:3]),
        "/login": "/login?next=/projects",
        "/consultations/{consultation_id:int}/items": "/".join(parts[:3]) + "/edit",
        "/consultations/{consultation_id:int}/items/{item_no:int}": "/".join(parts[:3]) + "/edit",
        "/consultations/{consultation_id:int}/items/{item_no:int}/move": "/".join(parts[:3]) + "/edit",
    }
    if case.route in pages:
        return pages[case.route]
    if case.route.startswith("/ballot-sheets/"):
        return f"/consultations/{case.form['consultation_id']}"
    if case.route.startswith("/inspections/resumption/"):
        return f"/inspections/stop-work/{world.stop_order}"
    if case.route == "/projects/{project_id:int}/handover/desk":
        return f"{path}?entitlement_id={case.form['entitlement_id']}&unit_id={case.form['unit_id']}"
    return path  # the form posts to its own page's address


async def test_a_refused_form_comes_back_on_its_page_once(world, client_for):
    """Post-redirect-get: a refused page form answers 303 to the page it was sent from (a GET page), which
    shows the message beside its field with the typed value kept, once; the next GET is the clean page."""
    from inspections.tables import StopWorkOrder

    cases = await _cases(world, client_for)
    world.stop_order = (await StopWorkOrder.select(StopWorkOrder.id))[-1]["id"]
    clients, failures, sheet_of = {}, [], {}
    for case in cases:
        if case.role not in clients:
            clients[case.role] = await client_for(case.role)
        client = clients[case.role]
        path = case.path
        for name, latest in (("{application}", _latest_application), ("{selection}", _latest_selection),
                             ("{payment_application}", _latest_payment_application),
                             ("{certificate}", _latest_certificate)):
            if name in path:
                path = path.replace(name, str(await latest()))
        if "{sheet}" in path:
            path = path.replace("{sheet}", str(sheet_of["vote"]))
        page = _form_page(case, path, world)
        if case.route == "/vote/cast":  # the ballot is the answer to the code
            await _post(client, case, "/vote", {"code": case.form["code"]})
        clean = await client.get(page)
        if clean.status_code != 200:
            failures.append(f"{case.role} GET {page}: {clean.status_code}")
            continue
        # A field the page lets the reader type into (its refill is checked), else the form's first field.
        typed_in = set(re.findall(r'<(?:textarea|input(?![^>]*type="(?:hidden|radio|checkbox|file)"))[^>]*name="([\w-]+)"',
                                  clean.text))
        fields = [n for n in case.form if n not in case.control and "password" not in n]
        field = next((n for n in fields if n in typed_in and n not in case.numbers),
                     next((n for n in fields if n not in case.numbers), fields[0]))
        typed = LONG + "末"
        where = f"{case.role} POST {path} with {field} too long"
        form = {"_csrf_token": client.cookies.get("csrftoken"), **case.form, field: typed}
        files = {"photos": ("", b"", "application/octet-stream")} if case.multipart else None
        # Where the page rendered at the POST address (no Referer) put the message, the GET page must too.
        old = await client.post(path, data=form, files=files, follow_redirects=False, headers={"accept": "text/html"})
        beside = f'id="{field}-error"' in old.text
        form["_csrf_token"] = client.cookies.get("csrftoken")
        response = await client.post(path, data=form, files=files, follow_redirects=False,
                                     headers={"accept": "text/html", "referer": f"{client.base_url}{page}"})
        if response.status_code != 303 or response.headers.get("location") != page:
            failures.append(f"{where}: {response.status_code} to {response.headers.get('location')}, not 303 to {page}")
        else:
            shown = await client.get(page)
            if shown.status_code != 200 or shown.headers.get("cache-control") != "no-store":
                failures.append(f"{where}: GET {page} answers {shown.status_code} {shown.headers.get('cache-control')}")
            elif beside and f'id="{field}-error"' not in shown.text:
                failures.append(f"{where}: GET {page} does not show the message beside the field")
            elif len(FORM_ERROR.findall(shown.text)) < len(FORM_ERROR.findall(old.text)):
                failures.append(f"{where}: GET {page} shows no message")
            elif typed in old.text and typed not in shown.text:
                failures.append(f"{where}: GET {page} does not keep the typed value")
            again = await client.get(page)
            if len(FORM_ERROR.findall(again.text)) != len(FORM_ERROR.findall(clean.text)):
                failures.append(f"{where}: a second GET {page} still shows the refusal")
        response = await _post(client, case, path, case.form)
        if response.status_code >= 400 or (response.status_code == 200 and FORM_ERROR.search(response.text)):
            failures.append(f"valid form refused: {case.role} POST {path}: {response.status_code}")
        if case.route.endswith("/paper"):
            sheet_of["vote"] = (await consultations.list_sheets(int(path.split("/")[2])))[-1].id
    assert not failures, "\n".join(failures)


async def test_boxes_ticked_on_a_refused_form_are_ticked_again_on_its_page(world, client_for):
    """A field sent several times (the stop-work order's linked issues) is kept whole with the refusal: the
    page the refusal comes back to ticks every box that was ticked, and only those."""
    inspector, chief = await client_for("inspector"), await client_for("chief")
    issues = [(await file_issue(inspector, world, description=f"问题 {n}"))["id"] for n in range(3)]
    page = f"/projects/{world.project}/inspections/stop-work/new"
    ticked = issues[:2]
    refused = await chief.post(page, data={
        "_csrf_token": chief.cookies.get("csrftoken"), "addressed_org_id": str(world.orgs["Builder Co"]),
        "scope": "project", "cause": "", "effective_at": local_now(), "issue_ids": [str(i) for i in ticked],
        "owner_consent_by": "王经理", "owner_consent_at": local_now()},
        headers={"referer": f"{chief.base_url}{page}"}, follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == page
    shown = await chief.get(page)
    assert 'id="cause-error"' in shown.text
    boxes = dict(re.findall(r'<input type="checkbox" name="issue_ids" value="(\d+)"[^>]*?( checked)?>', shown.text))
    assert {int(i) for i, mark in boxes.items() if mark} == set(ticked), boxes
    assert str(issues[2]) in boxes  # offered, not ticked
    again = await chief.get(page)  # shown once: a refresh is the clean form
    assert not re.search(r'name="issue_ids" value="\d+"[^>]*checked', again.text)
