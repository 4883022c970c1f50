"""Guards of issued documents: the project a document belongs to."""

from __future__ import annotations

from tracker.documents.tables import IssuedDocument

PROJECT_PATHS = {"document_id": IssuedDocument.project}
