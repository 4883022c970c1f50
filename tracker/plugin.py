"""The init plugin: registers every domain's controllers and the `tracker` command line."""

from __future__ import annotations

from click import Group
from litestar.plugins import CLIPluginProtocol, InitPluginProtocol
from litestar.config.app import AppConfig


def route_handlers() -> list:
    from funding import controllers as funding
    from funding.report_controllers import FundingReportApiController
    from funding.pages import FundingPages
    from funding.payments import controllers as payments, pages as payment_pages
    from inspections.controllers import InspectionsApiController
    from inspections.pages import InspectionPages
    from tracker.accounts.controllers import AdminApiController, AuthApiController, LoginPageController
    from tracker.accounts.pages import AdminPages
    from tracker.audit.controllers import AuditApiController
    from tracker.consultations import controllers as consultations, pages as consultation_pages
    from tracker.documents.controllers import DocumentController
    from tracker.export_jobs.controllers import ExportJobApiController
    from tracker.export_jobs.pages import ExportJobPages
    from tracker.handover.controllers import HandoverApiController
    from tracker.handover.pages import HandoverPages
    from tracker.register.controllers import BuildingApiController, HouseholdApiController, ProjectApiController
    from tracker.register.pages import RegisterPages
    from tracker.residents.pages import ResidentPages
    from tracker.todo.pages import TodoPages
    from tracker.web.system import SystemController

    return [
        SystemController,
        AuthApiController,
        LoginPageController,
        AdminApiController,
        AdminPages,
        AuditApiController,
        ProjectApiController,
        BuildingApiController,
        HouseholdApiController,
        RegisterPages,
        *consultations.CONTROLLERS,
        consultation_pages.ConsultationPages,
        DocumentController,
        InspectionsApiController,
        InspectionPages,
        HandoverApiController,
        *funding.CONTROLLERS,
        FundingReportApiController,
        HandoverPages,
        *payments.CONTROLLERS,
        payment_pages.PaymentPages,
        ResidentPages,
        FundingPages,
        TodoPages,
        ExportJobApiController,
        ExportJobPages,
    ]


def scheduled_jobs() -> list:
    """Every domain's scheduled jobs; run by the one process holding the scheduler lease."""
    from funding.jobs import jobs as funding_jobs
    from funding.payments.jobs import jobs as payment_jobs
    from inspections.jobs import jobs as inspection_jobs
    from tracker.accounts.jobs import jobs as account_jobs
    from tracker.consultations.jobs import jobs as consultation_jobs
    from tracker.handover.jobs import jobs as handover_jobs

    return [*account_jobs(), *inspection_jobs(), *consultation_jobs(), *funding_jobs(), *payment_jobs(),
            *handover_jobs()]


def project_paths() -> dict:
    """Every domain's path parameters that name a record inside a project, with the column holding its
    project: the one membership guard (`tracker.web.guards.project_member`) reads them."""
    from funding.guards import PROJECT_PATHS as funding_paths
    from funding.payments.guards import PROJECT_PATHS as payment_paths
    from inspections.guards import PROJECT_PATHS as inspection_paths
    from tracker.consultations.guards import PROJECT_PATHS as consultation_paths
    from tracker.documents.guards import PROJECT_PATHS as document_paths
    from tracker.export_jobs.guards import PROJECT_PATHS as export_paths
    from tracker.handover.guards import PROJECT_PATHS as handover_paths
    from tracker.register.guards import PROJECT_PATHS as register_paths

    return {**register_paths, **consultation_paths, **document_paths, **inspection_paths, **handover_paths,
            **funding_paths, **payment_paths, **export_paths}


class TrackerPlugin(InitPluginProtocol, CLIPluginProtocol):
    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.extend(route_handlers())
        return app_config

    def on_cli_init(self, cli: Group) -> None:
        from tracker.cli import register_commands

        register_commands(cli)
