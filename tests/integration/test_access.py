"""Access rules, generated from the route table: every route × every role, the answer read off its guards.

Each HTTP route of `create_app()` (pages and API, every method) is called by every role with its path
parameters filled from a world holding one of every resource the routes address. What each role must
get follows from the route's guards: anonymous → 401 (a redirect to /login on pages), a role outside a
`requires_role` guard → 403, a user outside the route's project → 403, a resident on another
household → 403, a contractor on what is addressed to another organisation → 403 or 404, and anyone
let in → neither 401/403 nor a 5xx; the text answers of the contractor, the resident and the outsider
must not show another organisation's numbers, another household's names or another project. Bodies
are empty (or an empty form): the matrix is about who gets in, the domain tests about what is done.
Where a handler checks more than its guards, the route declares it
(`opt={"access": Access(...)}`, tracker/web/guards.py). A route whose answer cannot be derived — an
unknown guard, a path parameter the world cannot fill, a project-scoped path without a membership
guard — fails the matrix, so a new route cannot ship without its row.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from dataclasses import dataclass, field

import httpx
import pytest
from litestar.routes import HTTPRoute

from inspections import jobs
from inspections.tables import Issue
from tests.integration.consultations.helpers import draft
from tests.integration.funding.helpers import build_funding_world
from tests.integration.inspections.helpers import API, file_issue, in_days, issue_notice, png
from tests.support import _HASH, PASSWORD, ROLE_USERS, build_world, empty_database, logged_in_client
from tracker.accounts.actor import SYSTEM
from tracker.accounts.roles import OrganisationKind, Role
from tracker.accounts.services import create_organisation, create_user
from tracker.app import create_app
from tracker.documents.tables import IssuedDocument
from tracker.handover import tables as handover
from tracker.plugin import project_paths
from tracker.register.guards import own_household
from tracker.register.tables import Dwelling
from tracker.web.guards import Access, allow_public, project_member, requires_login

# Routes open to anyone, on purpose. Anything else with allow_public fails the test.
PUBLIC = {
    "/health", "/login", "/lang/{code:str}", "/api/v1/auth/login", "/verify/{token:str}",
    "/api/v1/verify/{token:str}", "/schema", "/static",
    # Residents vote with the code on their letter, not an account; results are published.
    "/vote", "/vote/confirm", "/vote/cast", "/vote/receipt", "/api/v1/vote", "/api/v1/vote/lookup",
    "/public/consultations/{consultation_id:int}", "/api/v1/public/consultations/{consultation_id:int}/results",
    # A delivery batch's progress is announced to residents (no names, no unit numbers).
    "/public/handover/batches/{batch_id:int}",
    # The selection order and results are posted lists (选房顺序 / 结果公示): names to the surname and
    # certificates to their last four characters, no other household data (exports.public_selection_*).
    "/public/handover/projects/{project_id:int}/selection-order",
    "/public/handover/projects/{project_id:int}/selection-order.pdf",
    "/public/handover/projects/{project_id:int}/selection-results",
    "/public/handover/projects/{project_id:int}/selection-results.pdf",
    # 资金公示: sources, arrivals, spending by budget line and contributions in total (no household).
    "/public/funding/{project_id:int}",
}

ROLES = ["admin", "manager", "inspector", "chief", "contractor", "staff", "finance", "resident", "outsider", None]

MEMBER_GUARDS = {project_member}
# Path parameters naming something that lives inside one project: a membership guard must check them. The
# domains declare them (PROJECT_PATHS, read by the one membership guard); a signing entry sits beside its
# consultation's id in every path.
PROJECT_PARAMS = {"project_id", "entry_id", *project_paths()}
# Things addressed to one contractor organisation: another contractor gets 403 or 404, never the thing.
ORGANISATION_PARAMS = {"issue_id", "notice_id", "order_id", "application_id", "photo_id", "document_id",
                       "contract_id", "payment_application_id", "certificate_id", "release_id"}
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def _handlers(app=None):
    app = app or create_app()
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                yield route.path, handler


def test_every_route_declares_its_guards():
    # Litestar adds an OPTIONS handler to every path itself; it answers the allowed methods only.
    missing = [f"{path} {sorted(h.http_methods)}" for path, h in _handlers()
               if not h.resolve_guards() and not path.startswith("/schema") and h.http_methods != {"OPTIONS"}]
    assert not missing, "routes without an explicit access rule: " + ", ".join(missing)


def test_public_routes_are_only_the_intended_ones():
    public = {path for path, h in _handlers() if allow_public in h.resolve_guards()}
    # The check must see the guard itself (a sync guard wrapped by Litestar once hid every route).
    assert "/health" in public
    unexpected = {p for p in public if not any(p == q or p.startswith(q + "/") for q in PUBLIC)}
    assert not unexpected, f"unexpectedly public: {sorted(unexpected)}"


# ------------------------------------------------------------------ the rule of each route


@dataclass
class Rule:
    method: str
    path: str
    public: bool = False
    roles: frozenset[Role] = frozenset(Role)  # let in by the guards (others: 403)
    handler_roles: frozenset[Role] = frozenset(Role)  # let through by the handler, as declared (others: 403/404)
    project_scoped: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def params(self) -> list[str]:
        return PARAM.findall(self.path)


def rule_of(path: str, method: str, handler) -> Rule:
    """What the route's guards (and its declared Access, if any) say about who may call it."""
    rule = Rule(method, path)
    # Declared on the route (opt) or on a guard of its own (a guard's `access` attribute).
    declared = [handler.opt["access"]] if "access" in handler.opt else []
    member = False
    for guard in handler.resolve_guards():
        if guard is allow_public:
            rule.public = True
        elif guard in (requires_login, own_household):
            pass  # own_household: the walk tries the resident on another household, whatever the guards
        elif hasattr(guard, "allowed_roles"):
            rule.roles &= guard.allowed_roles
        elif guard in MEMBER_GUARDS:
            member = True
        elif hasattr(guard, "access"):
            declared.append(guard.access)
        elif "access" not in handler.opt:
            rule.problems.append(f"unknown guard {getattr(guard, '__name__', guard)!r}: declare Access")
    for access in declared:
        if not isinstance(access, Access):
            rule.problems.append(f"declared access {access!r} is not an Access")
            continue
        if access.roles is not None:
            rule.handler_roles &= access.roles
        member = member or access.project_member
    scoped = set(rule.params) & PROJECT_PARAMS
    rule.project_scoped = member and bool(scoped)
    if scoped and not member and not rule.public and rule.roles & rule.handler_roles != {Role.admin}:
        rule.problems.append(f"names {sorted(scoped)} but no membership guard checks the project")
    return rule


AUTH_ROUTES = ("/logout", "/login", "/api/v1/auth/logout", "/api/v1/auth/login")


async def _log_in_again(client: httpx.AsyncClient, username: str) -> None:
    await client.get("/health")
    client.headers["x-csrftoken"] = client.cookies.get("csrftoken", "")
    response = await client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    await client.get("/health")
    client.headers["x-csrftoken"] = client.cookies.get("csrftoken", "")


def routes(app) -> list[Rule]:
    found = []
    for path, handler in _handlers(app):
        if path.startswith(("/schema", "/static")) or handler.http_methods == {"OPTIONS"}:
            continue
        for method in sorted(handler.http_methods):
            found.append(rule_of(path, method, handler))

    # Reads first, on the world as built; then writes; logging in and out last, so the walk keeps its session.
    def order(rule):
        return (rule.path in AUTH_ROUTES, rule.method != "GET", rule.path, rule.method)

    return sorted(found, key=order)


# ------------------------------------------------------------------ a world with one of everything


@dataclass
class Rich:
    ids: dict[str, object]  # path parameter → value, the resources of the project's own contractor
    rival: dict[str, int]  # the same kinds of resources addressed to another contractor organisation
    other_household: int
    for_role: dict[str, dict[str, int]]  # a role's own resource where the shared one is not its to see
    hidden: dict[str, list[str]]  # text a role must find in no answer: another's numbers, names, project


def _ok(response: httpx.Response, status: int = 201) -> dict:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json()


def _stop_body(addressed_org: int, building: int) -> dict:
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    return {"addressed_org_id": addressed_org, "scope": "building", "building_id": building,
            "cause": "major_hazard", "cause_details": "脚手架连墙件缺失", "effective_at": now,
            "requirements": "整改后报验。", "issue_ids": [], "owner_consent_by": "建设单位 王经理",
            "owner_consent_at": now}


async def build_rich_world(app, world, opened: list) -> Rich:
    """Every resource a route addresses, built through the API as the domain tests build them."""

    async def login(username):
        client = await logged_in_client(app, username)
        opened.append(client)
        return client

    rival_org = await create_organisation(SYSTEM, name="Rival Builder", kind=OrganisationKind.contractor)
    await create_user(SYSTEM, username="rival", display_name="Rival", password=PASSWORD, password_hash=_HASH,
                      role=Role.contractor,
                      organisation_id=rival_org, project_ids=[world.project])
    # Five sessions build it all (each login costs an Argon2 check): the chief inspects, the manager runs the vote.
    chief, contractor, manager, resident, rival = [
        await login(name) for name in ("chief", "contractor", "manager", "resident", "rival")]
    now = dt.datetime.now(dt.timezone.utc).isoformat()

    # Inspections: an issue with a photo, a notice on it, the contractor's reply; a resident's report.
    issue = await file_issue(chief, world)
    photo = _ok(await chief.post(f"{API}/issues/{issue['id']}/photos", files={"file": ("a.png", png(), "image/png")}))
    notice = await issue_notice(chief, world, [issue["id"]])
    # The contractor's daily digest in the inbox: the issue is overdue when the escalation job runs.
    await Issue.update({Issue.deadline: dt.date.today() - dt.timedelta(days=2)}).where(Issue.id == issue["id"])
    await jobs.run_escalation(dt.datetime.now(dt.timezone.utc))
    message = _ok(await contractor.get(f"{API}/inbox"), 200)[0]
    _ok(await contractor.post(f"{API}/notices/{notice['id']}/replies",
                              json={"items": [{"issue_id": issue["id"], "explanation": "已修复"}]}))
    report = _ok(await resident.post(f"{API}/projects/{world.project}/reports", json={"description": "屋面漏水"}))
    report_photo = _ok(await resident.post(f"{API}/reports/{report['id']}/photos",
                                           files={"file": ("c.png", png((0, 0, 90)), "image/png")}))
    # A stop-work order that went through application, review, approval and the resumption order.
    order = _ok(await chief.post(f"{API}/projects/{world.project}/stop-work",
                                 json=_stop_body(world.orgs["Builder Co"], world.building)))
    applied = _ok(await contractor.post(f"{API}/stop-work/{order['id']}/applications",
                                        json={"statement": "已整改", "proposed_date": in_days(1)}))
    application = applied["applications"][0]["id"]
    _ok(await chief.post(f"{API}/resumption/{application}/review", json={"opinion": "同意"}), 200)
    _ok(await manager.post(f"{API}/resumption/{application}/approve", json={"opinion": "同意"}), 200)
    _ok(await chief.post(f"{API}/stop-work/{order['id']}/resume", json={"resume_at": now}))

    # The same kinds addressed to the rival contractor.
    # Their texts carry a marker the project's own contractor must never be shown, in any list or page.
    rival_issue = await file_issue(chief, world, responsible_org_id=rival_org, description="RIVAL-ISSUE 屋面渗漏")
    rival_photo = _ok(await chief.post(f"{API}/issues/{rival_issue['id']}/photos",
                                           files={"file": ("b.png", png((0, 90, 0)), "image/png")}))
    rival_notice = await issue_notice(chief, world, [rival_issue["id"]], subject="RIVAL-NOTICE 屋面渗漏整改")
    rival_order = _ok(await chief.post(f"{API}/projects/{world.project}/stop-work",
                                       json={**_stop_body(rival_org, world.building),
                                             "cause_details": "RIVAL-ORDER 脚手架缺失"}))
    rival_applied = _ok(await rival.post(f"{API}/stop-work/{rival_order['id']}/applications",
                                         json={"statement": "已整改", "proposed_date": in_days(1)}))

    # A consultation of the project's households, open, with its roll and a paper sheet entered.
    consultation = _ok(await manager.post(f"/api/v1/projects/{world.project}/consultations", json=draft()))
    _ok(await manager.post(f"/api/v1/consultations/{consultation['id']}/open"), 200)
    roll = _ok(await manager.get(f"/api/v1/consultations/{consultation['id']}/roll"), 200)
    item = consultation["items"][0]["id"]
    sheet = _ok(await manager.post(f"/api/v1/consultations/{consultation['id']}/paper-ballots",
                                 json={"certificate_no": roll[0]["certificate_no"], "choices": {str(item): "agree"}}))

    handover_ids = await _handover_records(world)
    funding = await build_funding_world(world.project, world.households[0], item)
    # Contract payments: a contract of each contractor, certified, paid, completed and its retention requested.
    payments = await _contract_payments(world, {"manager": manager, "chief": chief, "contractor": contractor},
                                        world.orgs["Builder Co"], "1号楼综合改造施工", login)
    rival_payments = await _contract_payments(world, {"manager": manager, "chief": chief, "contractor": rival},
                                              rival_org, "RIVAL-CONTRACT 屋面", login)

    token = (await IssuedDocument.select(IssuedDocument.verify_token)
             .where(IssuedDocument.id == notice["document_id"]))[0]["verify_token"]
    job_id = await _finished_export(world.project, consultation["id"])
    ids = {
        "project_id": world.project, "building_id": world.building, "household_id": world.households[0],
        "issue_id": issue["id"], "photo_id": photo["id"], "notice_id": notice["id"], "report_id": report["id"],
        "order_id": order["id"], "application_id": application, "document_id": notice["document_id"],
        "message_id": message["id"], "consultation_id": consultation["id"], "entry_id": roll[0]["id"],
        "sheet_id": sheet["id"], "item_no": 1, "user_id": world.users["resident"], "token": token, "code": "zh_CN",
        "purpose": "signing", "decision": "decline",
        # Pages name the action in the path; each action's roles are the state machine's (workflow.py), tested
        # there, so the matrix asks for one no page knows: the guard is what answers.
        "action": "no-such-action", "job_id": job_id,
        **handover_ids,
        **funding,
        **payments,
    }
    rival_ids = {
        "issue_id": rival_issue["id"], "photo_id": rival_photo["id"], "notice_id": rival_notice["id"],
        "order_id": rival_order["id"], "application_id": rival_applied["applications"][0]["id"],
        "document_id": rival_notice["document_id"], **rival_payments,
    }
    # A resident sees the photos of their own reports, not the inspectors' ones.
    return Rich(ids=ids, rival=rival_ids, other_household=world.households[1],
                for_role={"resident": {"photo_id": report_photo["id"]}},
                hidden={"contractor": [rival_notice["number"], rival_order["number"], "RIVAL-"],
                        "resident": ["李四", "王五", "310104196001010002", notice["number"], "RIVAL-"],
                        "outsider": ["梅园新村综合改造", "张三", "RIVAL-"]})


async def _finished_export(project_id: int, consultation_id: int) -> int:
    """A finished background export (voting letters), written straight into its table: its routes'
    guards are what is walked here; tests/integration/export_jobs makes real ones."""
    from tracker.consultations.exports import LETTERS_KIND
    from tracker.export_jobs.tables import ExportJob

    return (await ExportJob.insert(ExportJob(
        kind=LETTERS_KIND, project=project_id, subject_id=consultation_id, status="done", done=1, total=1,
        filename="letters.pdf", content=b"%PDF-1.4 letters",
    )).returning(ExportJob.id))[0]["id"]


async def _handover_records(world) -> dict[str, int]:
    """A batch, a unit and a selection of another household than the resident's, written straight into the
    tables (the routes' rules are what is walked here; the handover tests build them through the services)."""
    today = dt.date.today()
    batch = (await handover.DeliveryBatch.insert(handover.DeliveryBatch(
        project=world.project, name="第一批", planned_on=today)).returning(handover.DeliveryBatch.id))[0]["id"]
    await handover.BatchBuilding.insert(handover.BatchBuilding(batch=batch, building=world.building,
                                                               contractor=world.orgs["Builder Co"]))
    dwelling = (await Dwelling.insert(Dwelling(project=world.project, building=world.building, number="9-901")
                                      ).returning(Dwelling.id))[0]["id"]
    unit = (await handover.Unit.insert(handover.Unit(
        project=world.project, dwelling=dwelling, building=world.building, layout="两室一厅", floor=9,
        contract_area=Decimal("88.00"), status="selected")).returning(handover.Unit.id))[0]["id"]
    entitlement = (await handover.Entitlement.insert(handover.Entitlement(
        project=world.project, household=world.households[1], persons=2, quota_area=Decimal("100.00"),
        signed_at=dt.datetime.now(dt.timezone.utc), units_selected=1)).returning(handover.Entitlement.id))[0]["id"]
    selection = (await handover.Selection.insert(handover.Selection(
        project=world.project, entitlement=entitlement, unit=unit, price_difference_fen=0,
    )).returning(handover.Selection.id))[0]["id"]
    return {"batch_id": batch, "unit_id": unit, "entitlement_id": entitlement, "selection_id": selection}
async def _contract_payments(world, clients: dict, org: int, name: str, login) -> dict[str, int]:
    from tests.integration.payments.helpers import budget, contract_body
    from tracker import clock

    line, allocation = await budget(world.project)
    contract = _ok(await clients["manager"].post(f"/api/v1/projects/{world.project}/contracts", json=contract_body(
        world, line, contractor_org_id=org, code=f"SG-{org}", name=name)))
    application = _ok(await clients["contractor"].post(f"/api/v1/contracts/{contract['id']}/applications", json={
        "period_start": "2026-01-01", "period_end": "2026-01-31",
        "items": [{"item_id": contract["items"][0]["id"], "quantity": "10"}]}))
    inspector = await login("inspector")
    _ok(await inspector.post(f"/api/v1/payment-applications/{application['id']}/review", json={}))
    certificate = _ok(await clients["chief"].post(f"/api/v1/payment-applications/{application['id']}/certify",
                                                  json={"override_reason": "暂停令范围外已完工部分，经核查合格"}))
    finance = await login("finance")
    _ok(await finance.post(f"/api/v1/payment-certificates/{certificate['id']}/payments", json={
        "allocation_id": allocation, "amount_fen": 100, "paid_on": clock.today().isoformat(),
        "voucher_no": f"记-{org}"}))
    accepted = (clock.today() - dt.timedelta(days=800)).isoformat()
    _ok(await clients["manager"].put(f"/api/v1/contracts/{contract['id']}/completion",
                                     json={"completion_reported_on": accepted, "accepted_on": accepted}), 200)
    release = _ok(await clients["contractor"].post(f"/api/v1/contracts/{contract['id']}/retention-release"))
    return {"contract_id": contract["id"], "payment_application_id": application["id"],
            "certificate_id": certificate["id"], "release_id": release["id"]}


def fill(path: str, values: dict[str, object]) -> str:
    """The path with its parameters filled; KeyError names one the world has nothing for."""
    return PARAM.sub(lambda match: str(values[match.group(1)]), path)


# ------------------------------------------------------------------ the walk


def _refused(response: httpx.Response, page: bool) -> bool:
    if response.status_code in (401, 403):
        return True
    # A page refuses an anonymous caller by sending it to log in and come back (logging out also lands on /login).
    location = response.headers.get("location", "")
    return page and response.status_code in (302, 303) and location.startswith("/login?next=")


async def _call(client: httpx.AsyncClient, rule: Rule, url: str) -> httpx.Response:
    if rule.method in ("GET", "HEAD", "DELETE"):
        body = {}
    elif rule.api:
        body = {"json": {}}
    else:
        body = {"data": {}}
    headers = {} if rule.api else {"accept": "text/html"}
    return await client.request(rule.method, url, headers=headers, **body)


def _check(rule: Rule, role: str | None, response: httpx.Response, want: str) -> str | None:
    """`want` is public, allowed, 401, 403 or 403/404; answers the mismatch, if any."""
    got = response.status_code
    where = f"{rule.method} {rule.path} as {role or 'anonymous'}"
    if got >= 500:
        return f"{where}: {got} (server error)"
    if want == "public":
        # The body carries the credential there (a password, a voting code): a wrong one is a 403.
        if got == 401 or response.headers.get("location", "").startswith("/login?"):
            return f"{where}: refused with {got}, but the route is public"
    elif want == "allowed":
        if _refused(response, not rule.api):
            return f"{where}: refused with {got} {response.headers.get('location', '')}".rstrip()
    elif want == "401":
        if rule.api and got != 401:
            return f"{where}: {got}, want 401"
        if not rule.api and not _refused(response, True):
            return f"{where}: {got}, want a redirect to /login"
    elif want == "403":
        if got != 403:
            return f"{where}: {got}, want 403"
    elif want == "403/404":
        if got not in (403, 404):
            return f"{where}: {got}, want 403 or 404"
    return None


def _leak(rule: Rule, role: str | None, response: httpx.Response, hidden: list[str]) -> str | None:
    """Lists, pages and exports in text: none may show what belongs to another organisation, household or
    project (PDF and XLSX are compressed; their access is checked above)."""
    kind = response.headers.get("content-type", "")
    # A public route answers whoever holds its token or code, member or not (the QR code's verify page).
    if rule.public or response.status_code >= 400 or not kind.startswith(("application/json", "text/")):
        return None
    shown = [text for text in hidden if text in response.text]
    return f"{rule.method} {rule.path} as {role}: shows {shown}" if shown else None


def expected(rule: Rule, role: str | None) -> str:
    if rule.public:
        return "public"
    if role is None:
        return "401"
    if ROLE_USERS[role] not in rule.roles:
        return "403"
    if ROLE_USERS[role] not in rule.handler_roles:
        return "403/404"  # a handler may hide what the role may not know exists
    if role == "outsider" and rule.project_scoped:
        return "403"
    return "allowed"


async def _walker(app, role: str | None) -> httpx.AsyncClient:
    """A session for `role` from an address of its own: the walk's empty login forms count as failed
    logins there, and must not lock out the next role's real one."""
    address = f"127.0.1.{ROLES.index(role) + 1}"
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)),
                               base_url="http://testserver.local")
    await client.__aenter__()
    if role is None:
        await client.get("/health")
        client.headers["x-csrftoken"] = client.cookies.get("csrftoken", "")
    else:
        await _log_in_again(client, role)
    return client


# The world is built once for the ten walks (Argon2 logins, a stop-work order through to resumption, a vote):
# the module's `clean` leaves the database alone between them, and any other test empties it and the cache.
_MATRIX: dict[str, tuple] = {}


@pytest.fixture(autouse=True)
async def clean(database, request):
    if "matrix" in request.fixturenames and _MATRIX:
        yield
        return
    _MATRIX.clear()
    await empty_database()
    yield


@pytest.fixture
async def matrix(clean) -> tuple:
    if not _MATRIX:
        app, opened = create_app(), []
        try:
            _MATRIX["world"] = (app, await build_rich_world(app, await build_world(), opened))
        finally:
            for client in opened:
                await client.__aexit__(None, None, None)
    return _MATRIX["world"]


@pytest.mark.parametrize("role", ROLES)
async def test_role_matrix(matrix, role):
    app, rich = matrix
    client = await _walker(app, role)
    failures, walked, logged_out = [], 0, False
    ids = {**rich.ids, **rich.for_role.get(role, {})}
    for rule in routes(app):
        if rule.problems:
            failures.extend(f"{rule.method} {rule.path}: {problem}" for problem in rule.problems)
            continue
        try:
            url = fill(rule.path, ids)
        except KeyError as missing:
            failures.append(f"{rule.method} {rule.path}: no resource in the world for {{{missing.args[0]}}}")
            continue
        want = expected(rule, role)
        walked += 1
        if role is not None and logged_out:
            await _log_in_again(client, role)
        logged_out = rule.path.endswith("/logout")
        response = await _call(client, rule, url)
        mismatch = _check(rule, role, response, want) or _leak(rule, role, response, rich.hidden.get(role, []))
        if mismatch:
            failures.append(mismatch)
        # A resident never reaches another household; a contractor never another organisation's things.
        if role == "resident" and "household_id" in rule.params:
            other = fill(rule.path, {**ids, "household_id": rich.other_household})
            mismatch = _check(rule, role, await _call(client, rule, other), "403")
            if mismatch:
                failures.append(mismatch + " (another household)")
        # Reads only: a write with an empty body is refused by its schema before the handler looks anything up.
        rival_kinds = set(rule.params) & ORGANISATION_PARAMS
        if role == "contractor" and want == "allowed" and rule.method == "GET" and rival_kinds:
            other = fill(rule.path, {**ids, **rich.rival})
            mismatch = _check(rule, role, await _call(client, rule, other), "403/404")
            if mismatch:
                failures.append(mismatch + " (another organisation's)")
    await client.__aexit__(None, None, None)
    assert walked > 150, f"only {walked} routes walked"
    assert not failures, f"{len(failures)} mismatches:\n" + "\n".join(failures)


async def test_contractor_sees_no_household_roll_and_pages_redirect_anonymous(world, client_for):
    anonymous = await client_for(None)
    page = await anonymous.get("/projects", follow_redirects=False)
    assert page.status_code in (302, 303) and page.headers["location"].startswith("/login")
    contractor = await client_for("contractor")
    listing = await contractor.get(f"/projects/{world.project}/households")
    assert listing.status_code == 403
    assert "张三" not in listing.text


async def test_unsafe_request_without_csrf_token_is_refused(world, client_for):
    staff = await client_for("staff")
    del staff.headers["x-csrftoken"]
    response = await staff.put(f"/api/v1/households/{world.households[0]}/strategy", json={"strategy": "x"})
    assert response.status_code == 403


def test_a_route_without_its_row_fails_the_matrix():
    from litestar import Litestar, get

    async def homemade(connection, _):
        """A guard the matrix does not know."""

    @get("/api/v1/widgets/{widget_id:int}", guards=[homemade])
    async def widget(widget_id: int) -> None: ...

    @get("/api/v1/projects/{project_id:int}/widgets", guards=[requires_login])
    async def widgets(project_id: int) -> None: ...

    @get("/api/v1/gadgets/{gadget_id:int}", guards=[requires_login, project_member],
         opt={"access": Access("gadgets are the manager's", roles=frozenset({Role.project_manager}))})
    async def gadget(gadget_id: int) -> None: ...

    async def gizmo_keeper(connection, _):
        """A guard that says what it checks."""

    gizmo_keeper.access = Access("gizmos stay in their project", project_member=True)

    @get("/api/v1/gizmos/{issue_id:int}", guards=[requires_login, gizmo_keeper])
    async def gizmo(issue_id: int) -> None: ...

    found = {rule.path: rule for rule in routes(Litestar([widget, widgets, gadget, gizmo]))}
    gizmo_rule = found["/api/v1/gizmos/{issue_id:int}"]
    assert not gizmo_rule.problems and gizmo_rule.project_scoped and expected(gizmo_rule, "outsider") == "403"
    assert "unknown guard 'homemade'" in found["/api/v1/widgets/{widget_id:int}"].problems[0]
    assert "no membership guard" in found["/api/v1/projects/{project_id:int}/widgets"].problems[0]
    gadget_rule = found["/api/v1/gadgets/{gadget_id:int}"]
    assert not gadget_rule.problems and gadget_rule.handler_roles == {Role.project_manager}
    assert expected(gadget_rule, "staff") == "403/404" and expected(gadget_rule, "manager") == "allowed"
    with pytest.raises(KeyError, match="gadget_id"):
        fill(gadget_rule.path, {"project_id": 1})
