"""Issued documents: gap-free numbering, frozen snapshots, PDFs rendered off the event loop, verification."""
