"""Quality supervision: issues, notices, replies and rechecks, stop-work and resumption orders."""
