"""Accounts: organisations, users, roles, project memberships, sessions and login."""
