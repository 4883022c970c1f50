"""Tables of the funding domain (none yet: the domain arrives with its own issue)."""
