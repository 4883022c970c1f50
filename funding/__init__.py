"""Funding: sources, allocations, drawdowns and repayment schedules per project."""
