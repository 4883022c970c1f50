"""Pages of the register for people: projects, buildings, households and the household file."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from inspections.services import stopped_project_ids, visible_stop_status
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import (
    HOUSEHOLD_FILE_WRITERS,
    HOUSEHOLD_READERS,
    PROJECT_WORKERS,
    REGISTER_READERS,
    RESIDENT_OFFICE,
)
from tracker.i18n import gettext
from tracker.register import services
from tracker.register.controllers import Upload, uploaded_file
from tracker.register.guards import own_household
from tracker.register.kinds import ContactStatus, FileEntryKind, HouseholdKind
from tracker.register.rollfile import COLUMNS, RollRejected, RowError
from tracker.register.schemas import FileEntryIn, ImportReport, StrategyIn
from tracker.settings import get_settings
from tracker.web.forms import Refusal, parse_form, refused
from tracker.web.guards import project_member, requires_role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
PAGE_SIZE = 50
# A refused roll can have thousands of bad rows; the page shows the first ones, the API returns all.
SHOWN_ROW_ERRORS = 200


class RegisterPages(Controller):
    include_in_schema = False

    @get("/projects", guards=[requires_role(PROJECT_WORKERS)])
    async def projects(self, actor: Actor) -> Template:
        return Template(
            "register/projects.html",
            context={"projects": await services.list_projects(actor), "stopped": await stopped_project_ids(actor)},
        )

    @get("/projects/{project_id:int}", guards=[requires_role(PROJECT_WORKERS), project_member])
    async def project(self, actor: Actor, project_id: int) -> Template:
        project = await services.get_project(project_id)
        buildings = await services.list_buildings(project_id) if actor.role in REGISTER_READERS else []
        return Template(
            "register/project.html",
            context={"project": project, "buildings": buildings, "stop": await visible_stop_status(actor, project_id)},
        )

    @get("/buildings/{building_id:int}", guards=[requires_role(REGISTER_READERS), project_member])
    async def building(self, actor: Actor, building_id: int) -> Template:
        dwellings = await services.list_dwellings(building_id)
        project_id = await services.building_project(building_id)
        stop = await visible_stop_status(actor, project_id)
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

    @get("/households/{household_id:int}", guards=[requires_role(HOUSEHOLD_READERS), own_household, project_member])
    async def household(self, actor: Actor, household_id: int) -> Template:
        return await self._household_page(actor, household_id)

    async def _household_page(self, actor: Actor, household_id: int, refusal: Refusal | None = None) -> Template:
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
                "refusal": refusal,
            },
            status_code=refusal.status if refusal else 200,
        )

    @post("/households/{household_id:int}/file", guards=[requires_role(HOUSEHOLD_FILE_WRITERS), project_member])
    async def add_file_entry(self, actor: Actor, household_id: int, data: Form) -> Template | Redirect:
        return await refused(
            lambda: services.add_file_entry(actor, household_id, parse_form(data, FileEntryIn)),
            done=lambda _: Redirect(path=f"/households/{household_id}#file"),
            again=lambda refusal: self._household_page(actor, household_id, refusal),
            form=data,
        )

    @post("/households/{household_id:int}/strategy", guards=[requires_role(HOUSEHOLD_FILE_WRITERS), project_member])
    async def set_strategy(self, actor: Actor, household_id: int, data: Form) -> Template | Redirect:
        return await refused(
            lambda: services.set_strategy(
                actor, household_id, parse_form(data, StrategyIn, verbatim={"strategy"}).strategy
            ),
            done=lambda _: Redirect(path=f"/households/{household_id}"),
            again=lambda refusal: self._household_page(actor, household_id, refusal),
            form=data,
        )

    @get("/projects/{project_id:int}/import", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def import_form(
        self, project_id: int, imported: int | None = None, buildings: int = 0, dwellings: int = 0
    ) -> Template:
        """The roll upload form; after an import it shows the counts the redirect carries."""
        report = ImportReport(imported, buildings, dwellings) if imported is not None else None
        return await self._import_page(project_id, report=report)

    @post("/projects/{project_id:int}/import", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def import_roll(self, actor: Actor, project_id: int, data: Upload) -> Template | Redirect:
        row_errors: list[RowError] = []

        async def act() -> ImportReport:
            content, filename = await uploaded_file(data)
            try:
                return await services.import_roll(actor, project_id, content, filename)
            except RollRejected as exc:
                row_errors.extend(exc.translated_errors(gettext))
                raise

        return await refused(
            act,
            # Redirect so that reloading the result page does not send the file again.
            done=lambda report: Redirect(
                path=f"/projects/{project_id}/import",
                query_params={
                    "imported": report.imported,
                    "buildings": report.buildings_created,
                    "dwellings": report.dwellings_created,
                },
                status_code=303,
            ),
            again=lambda refusal: self._import_page(project_id, refusal=refusal, row_errors=row_errors),
        )

    async def _import_page(
        self,
        project_id: int,
        *,
        report: ImportReport | None = None,
        refusal: Refusal | None = None,
        row_errors: list[RowError] | None = None,
    ) -> Template:
        row_errors = row_errors or []
        return Template(
            "register/import.html",
            context={
                "project": await services.get_project(project_id),
                "columns": COLUMNS,
                "headers": {c.key: c.header for c in COLUMNS},
                "max_rows": get_settings().import_max_rows,
                "report": report,
                "refusal": refusal,
                "row_errors": row_errors[:SHOWN_ROW_ERRORS],
                "row_error_count": len(row_errors),
            },
            status_code=refusal.status if refusal else 200,
        )
