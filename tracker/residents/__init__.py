"""The resident's home (/my): a read-model over other domains' tables, no tables of its own."""
