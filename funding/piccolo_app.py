"""Piccolo app of the funding domain."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="funding",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["funding.tables", "funding.report_tables"], exclude_imported=True),
    migration_dependencies=["tracker.piccolo_app"],
    commands=[],
)
