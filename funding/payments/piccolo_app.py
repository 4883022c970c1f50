"""Piccolo app of contract payments (funding/payments)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="payments",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["funding.payments.tables"], exclude_imported=True),
    migration_dependencies=["funding.piccolo_app", "inspections.piccolo_app"],
    commands=[],
)
