"""Piccolo configuration: the engine comes from DATABASE_URL (embedded SQLite by default)."""

from piccolo.conf.apps import AppRegistry

from tracker.db import make_engine
from tracker.settings import get_settings

DB = make_engine(get_settings())

APP_REGISTRY = AppRegistry(
    apps=[
        "tracker.piccolo_app",
        "inspections.piccolo_app",
        "funding.piccolo_app",
        "tracker.handover.piccolo_app",
        "funding.payments.piccolo_app",
    ]
)
