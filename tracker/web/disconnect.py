"""Stop a GET request's work when its client goes away before the answer starts (a closed PDF tab)."""

from __future__ import annotations

import asyncio

from litestar.types import ASGIApp, Message, Receive, Scope, Send


def cancel_on_disconnect(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: a GET or HEAD handler runs in its own task, cancelled when the client
    disconnects before the response has started. Uvicorn does not cancel it by itself, so a long
    document would otherwise keep a PDF worker busy for nobody (render.py frees the worker on
    cancellation). Requests with a body are left alone: reading ahead would buffer their uploads."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await app(scope, receive, send)
            return
        inbox: asyncio.Queue[Message] = asyncio.Queue()
        started = gone = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        async def app_receive() -> Message:
            message = await inbox.get()
            if message["type"] == "http.disconnect":
                inbox.put_nowait(message)  # as from the server: every later call answers it again
            return message

        handler = asyncio.ensure_future(app(scope, app_receive, tracked_send))

        async def watch() -> None:
            nonlocal gone
            while True:
                message = await receive()
                inbox.put_nowait(message)
                if message["type"] == "http.disconnect":
                    if not started and not handler.done():
                        gone = True
                        handler.cancel()
                    return

        watcher = asyncio.ensure_future(watch())
        try:
            await handler
        except asyncio.CancelledError:
            if not gone:
                raise  # this request itself was cancelled (server shutting down)
        finally:
            watcher.cancel()

    return middleware
