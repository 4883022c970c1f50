"""Pages of the register for people: projects, buildings, households and the household file."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from inspections.services import stopped_project_ids, visible_stop_status
from tracker import clock
from tracker.accounts.roles import HOUSEHOLD_FILE_WRITERS, REGISTER_READERS, RESIDENT_OFFICE, Role
from tracker.errors import DomainError
from tracker.i18n import gettext
from tracker.register import rollio, services
from tracker.register.controllers import Upload, uploaded_file
from tracker.register.kinds import ContactStatus, FileEntryKind, HouseholdKind
from tracker.register.schemas import FileEntryIn, StrategyIn
from tracker.settings import get_settings
from tracker.web.forms import parse_form
from tracker.web.guards import actor_of, own_household, project_member, requires_login, requires_role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
PAGE_SIZE = 50
# A refused roll can have thousands of bad rows; the page shows the first ones, the API returns all.
SHOWN_ROW_ERRORS = 200


class RegisterPages(Controller):
    include_in_schema = False

    @get("/projects", guards=[requires_login])
    async def projects(self, request: Request) -> Template:
        actor = actor_of(request)
        return Template(
            "register/projects.html",
            context={"projects": await services.list_projects(actor), "stopped": await stopped_project_ids(actor)},
        )

    @get("/projects/{project_id:int}", guards=[requires_login, project_member])
    async def project(self, request: Request, project_id: int) -> Template:
        actor = actor_of(request)
        project = await services.get_project(project_id)
        buildings = await services.list_buildings(project_id) if actor.role in REGISTER_READERS else []
        return Template(
            "register/project.html",
            context={"project": project, "buildings": buildings, "stop": await visible_stop_status(actor, project_id)},
        )

    @get("/buildings/{building_id:int}", guards=[requires_role(REGISTER_READERS), project_member])
    async def building(self, request: Request, building_id: int) -> Template:
        dwellings = await services.list_dwellings(building_id)
        project_id = await services.building_project(building_id)
        stop = await visible_stop_status(actor_of(request), project_id)
        return Template(
            "register/building.html",
            context={
                "dwellings": dwellings,
                "building_id": building_id,
                "project_id": project_id,
                # Only orders stopping the whole project or this building concern this page.
                "stop": stop if stop and (stop.project_stopped or building_id in stop.stopped_building_ids) else None,
            },
        )

    @get("/projects/{project_id:int}/households", guards=[requires_role(REGISTER_READERS), project_member])
    async def households(
        self,
        request: Request,
        project_id: int,
        q: str = "",
        office: str = "",
        subdistrict: str = "",
        contact_status: str = "",
        page: int = Parameter(default=1, ge=1),
    ) -> Template:
        status = ContactStatus(contact_status) if contact_status in ContactStatus._value2member_map_ else None
        items, total = await services.search_households(
            project_id,
            services.HouseholdFilter(
                q=q, office=office, subdistrict=subdistrict, contact_status=status,
                offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE,
            ),
        )
        context = {
            "project": await services.get_project(project_id),
            "items": items,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "filters": {"q": q, "office": office, "subdistrict": subdistrict, "contact_status": contact_status},
            "groups": await services.household_groups(project_id),
            "statuses": list(ContactStatus),
        }
        # HTMX asks for the results only while the user types in the search box.
        template = "register/_household_rows.html" if request.headers.get("hx-request") else "register/households.html"
        return Template(template, context=context)

    @get("/households/{household_id:int}", guards=[requires_role(REGISTER_READERS, Role.resident), own_household, project_member])
    async def household(self, request: Request, household_id: int) -> Template:
        return await self._household_page(request, household_id)

    async def _household_page(
        self, request: Request, household_id: int, *, error: str | None = None, form: dict | None = None, status: int = 200
    ) -> Template:
        actor = actor_of(request)
        household = await services.get_household(household_id)
        staff = actor.role in REGISTER_READERS
        return Template(
            "register/household.html",
            context={
                "household": household,
                "entries": await services.list_file_entries(household_id) if staff else [],
                "staff": staff,
                "can_write": actor.role in HOUSEHOLD_FILE_WRITERS,
                "kinds": list(FileEntryKind),
                "household_kinds": list(HouseholdKind),
                "today": clock.today().isoformat(),
                "error": error,
                "form": form or {},
            },
            status_code=status,
        )

    @post("/households/{household_id:int}/file", guards=[requires_role(HOUSEHOLD_FILE_WRITERS), project_member])
    async def add_file_entry(self, request: Request, household_id: int, data: Form) -> Template | Redirect:
        try:
            entry = parse_form(data, FileEntryIn)
            await services.add_file_entry(actor_of(request), household_id, entry)
        except DomainError as exc:
            return await self._household_page(
                request, household_id, error=exc.translated(gettext), form=data, status=exc.status_code
            )
        return Redirect(path=f"/households/{household_id}#file")

    @post("/households/{household_id:int}/strategy", guards=[requires_role(HOUSEHOLD_FILE_WRITERS), project_member])
    async def set_strategy(self, request: Request, household_id: int, data: Form) -> Template | Redirect:
        try:
            strategy = parse_form(data, StrategyIn, verbatim={"strategy"}).strategy
        except DomainError as exc:
            return await self._household_page(request, household_id, error=exc.translated(gettext),
                                              status=exc.status_code)
        await services.set_strategy(actor_of(request), household_id, strategy)
        return Redirect(path=f"/households/{household_id}")

    @get("/projects/{project_id:int}/import", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def import_form(
        self, project_id: int, imported: int | None = None, buildings: int = 0, dwellings: int = 0
    ) -> Template:
        """The roll upload form; after an import it shows the counts the redirect carries."""
        report = rollio.ImportReport(imported, buildings, dwellings) if imported is not None else None
        return await self._import_page(project_id, report=report)

    @post("/projects/{project_id:int}/import", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def import_roll(self, request: Request, project_id: int, data: Upload) -> Template | Redirect:
        try:
            content, filename = await uploaded_file(data)
            report = await rollio.import_roll(actor_of(request), project_id, content, filename)
        except rollio.RollRejected as exc:
            return await self._import_page(
                project_id, error=exc.translated(gettext), row_errors=exc.translated_errors(gettext), status=422
            )
        except DomainError as exc:
            return await self._import_page(project_id, error=exc.translated(gettext), status=exc.status_code)
        # Redirect so that reloading the result page does not send the file again.
        return Redirect(
            path=f"/projects/{project_id}/import",
            query_params={
                "imported": report.imported,
                "buildings": report.buildings_created,
                "dwellings": report.dwellings_created,
            },
            status_code=303,
        )

    async def _import_page(
        self,
        project_id: int,
        *,
        report: rollio.ImportReport | None = None,
        error: str | None = None,
        row_errors: list[rollio.RowError] | None = None,
        status: int = 200,
    ) -> Template:
        row_errors = row_errors or []
        return Template(
            "register/import.html",
            context={
                "project": await services.get_project(project_id),
                "columns": rollio.COLUMNS,
                "headers": {c.key: c.header for c in rollio.COLUMNS},
                "max_rows": get_settings().import_max_rows,
                "report": report,
                "error": error,
                "row_errors": row_errors[:SHOWN_ROW_ERRORS],
                "row_error_count": len(row_errors),
            },
            status_code=status,
        )
