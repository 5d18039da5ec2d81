"""Request size limit of the workbench: a body past the limit gets one clear 413 message."""

from __future__ import annotations

from typing import Any

_MESSAGE = ("<p class='error'>request too large: {size} bytes; at most {limit:,} bytes (the "
            "scenario file limit, docs/limits.md)</p>")


class _TooLargeError(Exception):
    pass


class BodyLimit:
    """ASGI middleware refusing a request body over ``limit`` bytes, by its Content-Length or,
    when it streams without one, as soon as the bytes received pass the limit."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"").decode() or None
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._refuse(send, f"{int(length):,}" if length.isdigit() else length)
            return
        seen = 0
        started = False

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLargeError
            return message

        async def watch(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watch)
        except _TooLargeError:
            if not started:
                await self._refuse(send, f"more than {self.limit:,}")

    async def _refuse(self, send: Any, size: str) -> None:
        body = _MESSAGE.format(size=size, limit=self.limit).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"hx-retarget", b"#messages"), (b"hx-reswap", b"innerHTML"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
