"""Handover of resettlement housing: delivery batches, per-unit acceptance, selection, pricing, handover, warranty."""
