"""The resident's home: read-models only (the resident acts through the domains' own routes)."""

from tracker.residents.services.home import resident_home

__all__ = ["resident_home"]
