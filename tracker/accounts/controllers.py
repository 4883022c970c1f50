"""Login and logout (pages and JSON), the current user, organisations and users."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tracker.accounts import services
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.accounts.schemas import (
    LoginIn,
    Me,
    MembershipIn,
    OrganisationIn,
    OrganisationOut,
    UserIn,
    UserOut,
    UserPatch,
)
from tracker.accounts.sessions import end_session, start_session
from tracker.errors import DomainError
from tracker.i18n import LOCALES
from tracker.web.auth import SESSION_USER_KEY, client_address
from tracker.web.forms import Refusal, parse_form, refused
from tracker.web.inputs import check_body
from tracker.web.guards import allow_public, requires_login, requires_role


class UnsupportedMediaType(DomainError):
    status_code = 415
    title = "Unsupported media type"


async def _require_json(request: Request) -> None:
    # The JSON login is exempt from CSRF; insisting on a JSON body means a cross-site form (which can
    # only send form or text bodies without a CORS preflight) can never log a browser in.
    media_type = request.content_type[0]
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType("The login takes a JSON body (Content-Type: application/json).",
                                   field="content-type", rule="json_body")
    # A route's own before_request replaces the app's, so the app-wide body checks are called here too.
    await check_body(request)


def _me(actor: Actor) -> Me:
    """The actor as the API shows it, its projects in order."""
    me = msgspec.convert(actor, Me, from_attributes=True)
    return msgspec.structs.replace(me, project_ids=sorted(me.project_ids))


def _login_page(target: str, refusal: Refusal | None = None) -> Template:
    return Template(
        "login.html", context={"next": target, "refusal": refusal}, status_code=refusal.status if refusal else 200
    )


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after login would help phishing.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


class AuthApiController(Controller):
    path = "/api/v1/auth"
    tags = ["accounts"]

    @post("/login", guards=[allow_public], exclude_from_csrf=True, status_code=200, before_request=_require_json)
    async def login(self, request: Request, data: LoginIn) -> Me:
        """Log in with a user name and password (a JSON body); the session cookie then authenticates later
        calls, which send the `csrftoken` cookie's new value in `x-csrftoken`."""
        actor = await services.log_in(data.username, data.password, client_address(request.scope))
        start_session(request, {SESSION_USER_KEY: actor.id})
        return _me(actor)

    @post("/logout", guards=[requires_login], status_code=200)
    async def logout(self, request: Request, actor: Actor) -> dict[str, bool]:
        await services.log_out(actor)
        end_session(request)
        return {"logged_out": True}

    @get("/me", guards=[requires_login])
    async def me(self, actor: Actor) -> Me:
        return _me(actor)


class LoginPageController(Controller):
    path = "/"
    include_in_schema = False

    @get("/login", guards=[allow_public])
    async def login_form(self, next: str | None = None) -> Template:
        return _login_page(_safe_next(next))

    @post("/login", guards=[allow_public])
    async def login_submit(
        self,
        request: Request,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        target = _safe_next(str(data.get("next", "/")))

        async def act() -> Actor:
            # The API's schema and limits; user name and password are taken as typed, as the API does.
            login = parse_form(data, LoginIn, verbatim={"username", "password"})
            return await services.log_in(login.username, login.password, client_address(request.scope))

        def done(actor: Actor) -> Redirect:
            start_session(request, {SESSION_USER_KEY: actor.id})
            return Redirect(path=target)

        async def again(refusal: Refusal) -> Template:
            return _login_page(target, refusal)

        return await refused(act, done=done, again=again, form=data)

    @post("/logout", guards=[requires_login])
    async def logout(self, request: Request, actor: Actor) -> Redirect:
        await services.log_out(actor)
        end_session(request)
        return Redirect(path="/login")

    @get("/lang/{code:str}", guards=[allow_public])
    async def language(self, code: str, next: str | None = None) -> Redirect:
        response = Redirect(path=_safe_next(next))
        if code in LOCALES:
            response.set_cookie("lang", code, max_age=365 * 86400, httponly=True, samesite="lax")
        return response


class AdminApiController(Controller):
    path = "/api/v1"
    tags = ["accounts"]
    guards = [requires_role(Role.admin)]

    @get("/organisations")
    async def list_organisations(self) -> list[OrganisationOut]:
        return await services.list_organisations()

    @post("/organisations")
    async def create_organisation(self, actor: Actor, data: OrganisationIn) -> OrganisationOut:
        org_id = await services.create_organisation(actor, name=data.name, kind=data.kind)
        return OrganisationOut(id=org_id, name=data.name.strip(), kind=data.kind)

    @get("/users")
    async def list_users(self) -> list[UserOut]:
        return await services.list_users()

    @post("/users")
    async def create_user(self, actor: Actor, data: UserIn) -> UserOut:
        user_id = await services.create_user(actor, **msgspec.structs.asdict(data))
        return await services.get_user(user_id)

    @patch("/users/{user_id:int}")
    async def update_user(self, actor: Actor, user_id: int, data: UserPatch) -> UserOut:
        """Set or remove (`null`) the e-mail address the daily digest is mailed to."""
        await services.set_email(actor, user_id=user_id, email=data.email)
        return await services.get_user(user_id)

    @post("/projects/{project_id:int}/members", status_code=201)
    async def add_member(self, actor: Actor, project_id: int, data: MembershipIn) -> dict[str, int]:
        await services.add_membership(actor, user_id=data.user_id, project_id=project_id)
        return {"project_id": project_id, "user_id": data.user_id}
