"""The web layer shared by every domain: authentication, guards, errors, templates."""
