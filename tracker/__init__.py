"""Tracker: construction quality and resident decisions for resettlement housing and retrofits."""
