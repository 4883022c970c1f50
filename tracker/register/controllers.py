"""JSON API of the register under /api/v1: projects, buildings, dwellings, households, files."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter

from tracker.accounts.actor import Actor
from tracker.accounts.roles import (
    BUILDING_READERS,
    HOUSEHOLD_FILE_WRITERS,
    HOUSEHOLD_READERS,
    PROJECT_ADMINS,
    REGISTER_READERS,
    RESIDENT_OFFICE,
)
from tracker.errors import Invalid
from tracker.register import services
from tracker.register.guards import own_household
from tracker.register.kinds import ContactStatus, HouseholdKind
from tracker.register.schemas import (
    BuildingIn,
    BuildingOut,
    DwellingIn,
    DwellingOut,
    FileEntryIn,
    FileEntryOut,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    ImportReport,
    Page,
    ProjectIn,
    ProjectOut,
    StrategyIn,
)
from tracker.types import INT32_MAX
from tracker.spreadsheets import CSV_TYPE, XLSX_TYPE
from tracker.web.guards import project_member, requires_login, requires_role

Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


async def uploaded_file(form: dict[str, Any]) -> tuple[bytes, str]:
    """The content and name of the form's `file` field, the one upload a roll import takes."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise Invalid("Choose a file to upload.", field="file")
    return await upload.read(), upload.filename or ""


async def roll_download(project_id: int, fmt: str) -> Response:
    project = await services.get_project(project_id)
    content = await services.export_roll(project_id, fmt)
    return Response(
        content=content,
        media_type=CSV_TYPE if fmt == "csv" else XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="roll-{project.code}.{fmt}"'},
    )


class ProjectApiController(Controller):
    path = "/api/v1/projects"
    tags = ["register"]

    @get("/", guards=[requires_login])
    async def list_projects(self, actor: Actor) -> list[ProjectOut]:
        """The projects the caller is a member of (all of them for an admin)."""
        return await services.list_projects(actor)

    @post("/", guards=[requires_role(PROJECT_ADMINS)])
    async def create_project(self, actor: Actor, data: ProjectIn) -> ProjectOut:
        return await services.create_project(actor, data)

    @get("/{project_id:int}", guards=[requires_login, project_member])
    async def get_project(self, project_id: int) -> ProjectOut:
        return await services.get_project(project_id)

    @put("/{project_id:int}", guards=[requires_role(PROJECT_ADMINS), project_member])
    async def update_project(self, actor: Actor, project_id: int, data: ProjectIn) -> ProjectOut:
        return await services.update_project(actor, project_id, data)

    @get("/{project_id:int}/buildings", guards=[requires_role(BUILDING_READERS), project_member])
    async def list_buildings(self, project_id: int) -> list[BuildingOut]:
        return await services.list_buildings(project_id)

    @post("/{project_id:int}/buildings", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def add_building(self, actor: Actor, project_id: int, data: BuildingIn) -> BuildingOut:
        return await services.add_building(actor, project_id, data)

    @get("/{project_id:int}/households", guards=[requires_role(REGISTER_READERS), project_member])
    async def search_households(
        self,
        project_id: int,
        q: str = "",
        office: str = "",
        subdistrict: str = "",
        kind: HouseholdKind | None = None,
        contact_status: ContactStatus | None = None,
        offset: int = Parameter(default=0, ge=0, le=INT32_MAX),
        limit: int = Parameter(default=50, ge=1, le=500),
    ) -> Page:
        """Households of a project: search by certificate, name or phone; filter by label and status."""
        items, total = await services.search_households(
            project_id,
            services.HouseholdFilter(
                q=q, office=office, subdistrict=subdistrict, kind=kind, contact_status=contact_status,
                offset=offset, limit=limit,
            ),
        )
        return Page(items=items, total=total, offset=offset, limit=limit)

    @post("/{project_id:int}/households", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def create_household(self, actor: Actor, project_id: int, data: HouseholdIn) -> HouseholdOut:
        return await services.create_household(actor, project_id, data)

    @post("/{project_id:int}/households/import", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def import_roll(self, actor: Actor, project_id: int, data: Upload) -> ImportReport:
        """Import a roll (multipart field `file`, CSV or XLSX): all rows or none; 422 lists every bad row."""
        content, filename = await uploaded_file(data)
        return await services.import_roll(actor, project_id, content, filename)

    @get("/{project_id:int}/households/export.csv", guards=[requires_role(REGISTER_READERS), project_member])
    async def export_roll_csv(self, project_id: int) -> Response:
        """The roll as CSV (UTF-8 with BOM), one row per holding; without identity numbers."""
        return await roll_download(project_id, "csv")

    @get("/{project_id:int}/households/export.xlsx", guards=[requires_role(REGISTER_READERS), project_member])
    async def export_roll_xlsx(self, project_id: int) -> Response:
        """The roll as an XLSX workbook, one row per holding; without identity numbers."""
        return await roll_download(project_id, "xlsx")


class BuildingApiController(Controller):
    path = "/api/v1/buildings"
    tags = ["register"]

    @get("/{building_id:int}/dwellings", guards=[requires_role(BUILDING_READERS), project_member])
    async def list_dwellings(self, building_id: int) -> list[DwellingOut]:
        return await services.list_dwellings(building_id)

    @post("/{building_id:int}/dwellings", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def add_dwelling(self, actor: Actor, building_id: int, data: DwellingIn) -> DwellingOut:
        return await services.add_dwelling(actor, building_id, data)


class HouseholdApiController(Controller):
    path = "/api/v1/households"
    tags = ["register"]

    @get("/{household_id:int}", guards=[requires_role(HOUSEHOLD_READERS), own_household, project_member])
    async def get_household(self, household_id: int) -> HouseholdOut:
        return await services.get_household(household_id)

    @patch("/{household_id:int}", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def update_household(self, actor: Actor, household_id: int, data: HouseholdPatch) -> HouseholdOut:
        return await services.update_household(actor, household_id, data)

    @put("/{household_id:int}/strategy", guards=[requires_role(HOUSEHOLD_FILE_WRITERS), project_member])
    async def set_strategy(self, actor: Actor, household_id: int, data: StrategyIn) -> HouseholdOut:
        """Replace the household's strategy (一户一策); earlier ones stay in the audit log."""
        return await services.set_strategy(actor, household_id, data.strategy)

    @get("/{household_id:int}/file", guards=[requires_role(REGISTER_READERS), project_member])
    async def list_file(self, household_id: int) -> list[FileEntryOut]:
        """The per-household file (一户一档), newest first."""
        return await services.list_file_entries(household_id)

    @post("/{household_id:int}/file", guards=[requires_role(HOUSEHOLD_FILE_WRITERS), project_member])
    async def add_file_entry(self, actor: Actor, household_id: int, data: FileEntryIn) -> FileEntryOut:
        return await services.add_file_entry(actor, household_id, data)
