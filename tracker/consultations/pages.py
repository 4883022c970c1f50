"""Pages of consultations for people: the resident's phone page, paper entry, results, signing board."""

from __future__ import annotations

from litestar import Controller


class ConsultationPages(Controller):
    include_in_schema = False
