"""Imported only by the PDF forkserver as it starts (`set_forkserver_preload`): it ends with the server.

Every process the forkserver forks holds the pipe by which it would notice the server's exit, so
without this a worker busy with a long document would keep the forkserver, and so itself, alive
after the server died. Importing this module anywhere else would tie that process to its parent.
"""

from tracker.documents.lifeline import die_with_parent

die_with_parent()
