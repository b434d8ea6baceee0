"""python -m tests.fakes.fake_discord [--port 8765]: run the fake by hand and point the real bot at it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .control import add_control_routes
from .server import FakeDiscord


async def _serve(port: int) -> None:
    fake = FakeDiscord()
    add_control_routes(fake)
    await fake.start(port)
    print(f"fake Discord on 127.0.0.1:{fake.port}")
    print(
        f'  api_base = "{fake.api_base}"\n  gateway_url = "{fake.gateway_url}"\n'
        f"  forum_channel_ids = [{fake.forum_channel_id}]",
        flush=True,
    )
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.fake_discord", description="Run the fake Discord by hand."
    )
    parser.add_argument("--port", type=int, default=8765)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args().port))
