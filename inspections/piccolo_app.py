"""Piccolo app of the inspections domain."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="inspections",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["inspections.tables"], exclude_imported=True),
    migration_dependencies=["tracker.piccolo_app"],
    commands=[],
)
