"""Dependencies of consultations: the client's address, against which wrong voting codes are counted."""

from __future__ import annotations

from litestar import Request
from litestar.di import Provide

from tracker.web.auth import client_address


def provide_client(request: Request) -> str:
    """The voter's address as the rate limit sees it (behind a trusted proxy, the forwarded one)."""
    return client_address(request.scope)


DEPENDENCIES = {"client": Provide(provide_client, sync_to_thread=False)}
