"""Services of the funding domain, by sub-domain; the public verbs are re-exported here."""

from funding.services.spending import spend

__all__ = ["spend"]
