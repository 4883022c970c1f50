"""The admin's pages: users, organisations, project memberships and archiving, the defect catalogue.

Every action goes through the same schemas and services as the admin API; an action without fields of its
own (deactivate, reset a password, archive, remove a member) carries a confirmation (`ConfirmIn`), so an
empty POST changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from inspections import services as inspections
from inspections.kinds import IssueKind
from inspections.schemas import CategoryIn
from tracker.accounts import services
from tracker.accounts.actor import Actor
from tracker.accounts.roles import OrganisationKind, Role
from tracker.accounts.schemas import ConfirmIn, MembershipIn, OrganisationIn, UserEditIn, UserIn
from tracker.errors import DomainError, Invalid
from tracker.register import services as register
from tracker.web.forms import Refusal, answer_refusal, parse_form, refused
from tracker.web.guards import requires_role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _see(path: str) -> Redirect:
    # 303: the browser follows with a GET, so a refresh after a change never posts it again.
    return Redirect(path=path, status_code=303)


def _page(name: str, refusal: Refusal | None, **context: Any) -> Template:
    return Template(f"admin/{name}", context={"refusal": refusal, **context},
                    status_code=refusal.status if refusal else 200)


class AdminPages(Controller):
    path = "/admin"
    include_in_schema = False
    guards = [requires_role(Role.admin)]

    @get("")
    async def index(self, actor: Actor) -> Template:
        return _page("index.html", None, projects=await register.list_projects(actor),
                     users=len(await services.list_users()), organisations=len(await services.list_organisations()))

    # ------------------------------------------------------------------ users

    @get("/users")
    async def users(self) -> Template:
        organisations = {o.id: o.name for o in await services.list_organisations()}
        return _page("users.html", None, users=await services.list_users(), organisations=organisations)

    async def _new_user_page(self, actor: Actor, refusal: Refusal | None = None) -> Template:
        return _page("user_new.html", refusal, roles=list(Role), organisations=await services.list_organisations(),
                     projects=await register.list_projects(actor))

    @get("/users/new")
    async def new_user(self, actor: Actor) -> Template:
        return await self._new_user_page(actor)

    @post("/users/new")
    async def create_user(self, actor: Actor, data: Form) -> Template | Redirect:
        async def act() -> int:
            user = parse_form(data, UserIn, verbatim={"password"})
            if data.get("password") != data.get("password_again"):
                raise Invalid("The two passwords differ.", field="password_again", rule="password_again")
            return await services.create_user(actor, **msgspec.structs.asdict(user))

        return await refused(act, done=lambda user_id: _see(f"/admin/users/{user_id}?created=1"),
                             again=lambda refusal: self._new_user_page(actor, refusal), form=data)

    async def _user_page(self, actor: Actor, user_id: int, refusal: Refusal | None = None,
                         password: str | None = None, created: bool = False) -> Template:
        user = await services.get_user(user_id)
        page = _page("user.html", refusal, user=user, roles=list(Role), created=created, password=password,
                     organisations=await services.list_organisations(), own=actor.id == user_id)
        if password:
            page.headers["cache-control"] = "no-store"  # the one-time password is shown once, never kept
        return page

    @get("/users/{user_id:int}")
    async def user(self, actor: Actor, user_id: int, created: bool = False) -> Template:
        return await self._user_page(actor, user_id, created=created)

    @post("/users/{user_id:int}")
    async def edit_user(self, actor: Actor, user_id: int, data: Form) -> Template | Redirect:
        async def act() -> None:
            edit = parse_form(data, UserEditIn)
            await services.update_user(actor, user_id=user_id, **msgspec.structs.asdict(edit))

        return await refused(act, done=lambda _: _see(f"/admin/users/{user_id}"),
                             again=lambda refusal: self._user_page(actor, user_id, refusal), form=data)

    @post("/users/{user_id:int}/active")
    async def set_active(self, actor: Actor, user_id: int, data: Form) -> Template | Redirect:
        async def act() -> None:
            parse_form(data, ConfirmIn)
            await services.set_active(actor, user_id=user_id, active=data.get("active") == "true")

        return await refused(act, done=lambda _: _see(f"/admin/users/{user_id}"),
                             again=lambda refusal: self._user_page(actor, user_id, refusal), form=data)

    @post("/users/{user_id:int}/password")
    async def reset_password(self, actor: Actor, user_id: int, data: Form) -> Template | Redirect:
        """A new one-time password, shown on this answer only (not a redirect: it is stored nowhere)."""
        try:
            parse_form(data, ConfirmIn)
            password = await services.reset_password(actor, user_id=user_id)
        except DomainError as exc:
            return await answer_refusal(exc, form=data, again=lambda refusal: self._user_page(actor, user_id, refusal))
        return await self._user_page(actor, user_id, password=password)

    # ------------------------------------------------------------------ organisations

    async def _organisations_page(self, refusal: Refusal | None = None) -> Template:
        return _page("organisations.html", refusal, organisations=await services.list_organisations(),
                     kinds=list(OrganisationKind))

    @get("/organisations")
    async def organisations(self) -> Template:
        return await self._organisations_page()

    @post("/organisations")
    async def create_organisation(self, actor: Actor, data: Form) -> Template | Redirect:
        async def act() -> int:
            org = parse_form(data, OrganisationIn)
            return await services.create_organisation(actor, name=org.name, kind=org.kind)

        return await refused(act, done=lambda _: _see("/admin/organisations"),
                             again=self._organisations_page, form=data)

    # ------------------------------------------------------------------ projects: members, archive

    async def _members_page(self, project_id: int, refusal: Refusal | None = None) -> Template:
        project = await register.get_project(project_id)
        members = await services.members(project_id)
        ids = {m.id for m in members}
        others = [u for u in await services.list_users() if u.id not in ids and u.active and u.role != Role.admin]
        return _page("members.html", refusal, project=project, members=members, others=others)

    @get("/projects/{project_id:int}/members")
    async def members(self, project_id: int) -> Template:
        return await self._members_page(project_id)

    @post("/projects/{project_id:int}/members")
    async def add_member(self, actor: Actor, project_id: int, data: Form) -> Template | Redirect:
        async def act() -> None:
            member = parse_form(data, MembershipIn)
            await services.add_membership(actor, user_id=member.user_id, project_id=project_id)

        return await refused(act, done=lambda _: _see(f"/admin/projects/{project_id}/members"),
                             again=lambda refusal: self._members_page(project_id, refusal), form=data)

    @post("/projects/{project_id:int}/members/{user_id:int}/remove")
    async def remove_member(self, actor: Actor, project_id: int, user_id: int, data: Form) -> Template | Redirect:
        async def act() -> None:
            parse_form(data, ConfirmIn)
            await services.remove_membership(actor, user_id=user_id, project_id=project_id)

        return await refused(act, done=lambda _: _see(f"/admin/projects/{project_id}/members"),
                             again=lambda refusal: self._members_page(project_id, refusal), form=data)

    @post("/projects/{project_id:int}/archive")
    async def archive(self, actor: Actor, project_id: int, data: Form) -> Template | Redirect:
        async def act() -> None:
            parse_form(data, ConfirmIn)
            await register.archive_project(actor, project_id, archived=data.get("archived") != "false")

        return await refused(act, done=lambda _: _see(f"/admin/projects/{project_id}/members"),
                             again=lambda refusal: self._members_page(project_id, refusal), form=data)

    # ------------------------------------------------------------------ defect catalogue

    async def _catalogue_page(self, refusal: Refusal | None = None) -> Template:
        return _page("catalogue.html", refusal, categories=await inspections.list_categories(include_inactive=True),
                     kinds=list(IssueKind))

    @get("/catalogue")
    async def catalogue(self) -> Template:
        return await self._catalogue_page()

    @post("/catalogue")
    async def save_category(self, actor: Actor, data: Form) -> Template | Redirect:
        """Add an entry, or rename, re-sort or retire one (by its code); issues keep the entry they were filed
        under, so a retired one still shows on them."""
        return await refused(lambda: inspections.save_category(actor, parse_form(data, CategoryIn)),
                             done=lambda _: _see("/admin/catalogue"), again=self._catalogue_page, form=data)
