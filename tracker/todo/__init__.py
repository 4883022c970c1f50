"""My to-do (待办): what waits on the user across projects, collected from each domain's sources."""
