"""The quality gate of a payment certificate: no certification while a stop-work order is in force on
the contract's scope, or a 重大 (major) issue of its contractor there is unverified, unless the chief
inspector overrides with a written reason. Pure: the service reads the facts, this decides."""

from __future__ import annotations

from dataclasses import dataclass

REJECTIONS_TO_FLAG = 2  # work whose issues were rejected this often is flagged on the review


@dataclass(frozen=True)
class Findings:
    stop_orders: list[str]  # numbers of the stop-work orders in force
    major_issues: list[int]  # ids of the unverified major issues
    rejected_twice: list[int]  # ids of issues rejected twice or more (flag only)

    @property
    def blocking(self) -> bool:
        return bool(self.stop_orders or self.major_issues)

    def summary(self) -> str:
        parts = []
        if self.stop_orders:
            parts.append("stop-work orders in force: " + ", ".join(self.stop_orders))
        if self.major_issues:
            parts.append("unverified major issues: " + ", ".join(f"#{i}" for i in self.major_issues))
        return "; ".join(parts)


def decide(findings: Findings, override_reason: str) -> str | None:
    """None when certification may go ahead; else the rule refusing it.

    An override needs a reason with some substance: it is printed on the certificate."""
    if not findings.blocking:
        return None
    if len(override_reason.strip()) >= 4:
        return None
    return "quality_gate"
