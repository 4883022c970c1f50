"""The audit log: append-only, hash-chained records of every state change."""

from tracker.audit.services import record, verify

__all__ = ["record", "verify"]
