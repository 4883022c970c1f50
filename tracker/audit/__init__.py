"""The audit log: append-only, hash-chained records of every state change."""

from tracker.audit.services import pg_append_ctes, pg_append_sql, record, record_many, verify

__all__ = ["pg_append_ctes", "pg_append_sql", "record", "record_many", "verify"]
