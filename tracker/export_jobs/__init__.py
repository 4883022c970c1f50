"""Long documents produced in the background: export jobs with progress, rendered in worker processes."""
