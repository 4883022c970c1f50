"""Piccolo app of the shared core: accounts, the register and the audit log."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="tracker",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(
        modules=[
            "tracker.accounts.tables",
            "tracker.register.tables",
            "tracker.audit.tables",
            "tracker.consultations.tables",
            "tracker.documents.tables",
            "tracker.jobs.tables",
            "tracker.export_jobs.tables",
        ],
        exclude_imported=True,
    ),
    migration_dependencies=[],
    commands=[],
)
