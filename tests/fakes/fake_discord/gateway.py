"""The fake's Gateway v10: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, RESUME with replay."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from aiohttp import WSMsgType, web

HEARTBEAT_INTERVAL_MS = 41_250  # what Discord sends


class Op(IntEnum):
    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    RESUME = 6
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class Gateway:
    def __init__(self, on_identify: Callable[[], list[tuple[str, dict[str, Any]]]]) -> None:
        self._on_identify = on_identify  # the events a fresh session starts with (READY, GUILD_CREATE)
        self.sockets: list[web.WebSocketResponse] = []
        self.identify_count = 0
        self.resume_count = 0
        self.session_id = "session-0"
        self._sequence = 0
        self._sent: list[dict[str, Any]] = []  # every dispatched event, for RESUME replay

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self._sequence += 1
        payload = {"op": Op.DISPATCH, "t": event, "s": self._sequence, "d": data}
        self._sent.append(payload)
        for ws in list(self.sockets):
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.send_str(json.dumps(payload))

    async def drop(self, close_code: int | None = None) -> None:
        """Cut every websocket: a TCP abort (1006) by default, or a close frame with `close_code`."""
        for ws in list(self.sockets):
            if close_code is not None:
                await ws.close(code=close_code)
                continue
            request = ws._req  # type: ignore[attr-defined]
            if request is not None and request.transport is not None:
                request.transport.abort()

    async def invalidate_session(self) -> None:
        """op 9 (not resumable): the client must IDENTIFY again, after its 5 s back-off."""
        for ws in list(self.sockets):
            await ws.send_str(json.dumps({"op": Op.INVALID_SESSION, "d": False}))

    async def close(self) -> None:
        for ws in list(self.sockets):
            await ws.close()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_str(json.dumps({"op": Op.HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}))
        try:
            async for frame in ws:
                if frame.type is WSMsgType.TEXT:
                    await self._receive(ws, json.loads(frame.data))
        finally:
            self.sockets.remove(ws)
        return ws

    async def _receive(self, ws: web.WebSocketResponse, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op == Op.HEARTBEAT:
            await ws.send_str(json.dumps({"op": Op.HEARTBEAT_ACK}))
        elif op == Op.IDENTIFY:
            self.identify_count += 1
            self.session_id = f"session-{self.identify_count}"
            for event, data in self._on_identify():
                await self.dispatch(event, data)
        elif op == Op.RESUME:
            self.resume_count += 1
            last = message["d"].get("seq") or 0
            for payload in self._sent:
                if payload["s"] > last:
                    await ws.send_str(json.dumps(payload))
            self._sequence += 1
            await ws.send_str(json.dumps({"op": Op.DISPATCH, "t": "RESUMED", "s": self._sequence, "d": {}}))
