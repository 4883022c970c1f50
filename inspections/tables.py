"""Tables of the inspections domain (none yet: the domain arrives with its own issue)."""
