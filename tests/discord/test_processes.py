"""Several bot processes, one knowledge (issue: scale). A large bot runs several processes (shards); each
sees the others' moderator edits within seconds (it watches the knowledge files) and they share one
runtime-data file (SQLite in WAL mode allows several processes on one machine). Here each process talks to
its own fake Discord, as two shards see different servers' traffic."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ..conftest import KNOWLEDGE, ROOT
from ..fakes.fake_discord import MANAGE_GUILD, FakeDiscord
from ..fakes.harness import embed_of, is_callback, reply_to

pytestmark = pytest.mark.timeout(90)
RELOAD_SECONDS = 0.3
EDIT_SEEN_WITHIN_S = 10


@contextlib.asynccontextmanager
async def bot_process(fake: FakeDiscord, knowledge: Path, data: Path, cache: Path, name: str) -> AsyncIterator[None]:
    config = knowledge.parent / f"{name}.toml"
    config.write_text(
        f'[knowledge]\ndir = "{knowledge}"\ncache_dir = "{cache}"\nreload_seconds = {RELOAD_SECONDS}\n'
        f'[discord]\napi_base = "{fake.api_base}"\ngateway_url = "{fake.gateway_url}"\ndata_path = "{data}"\n'
        f"forum_channel_ids = [{fake.forum_channel_id}]\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--sync", "--config", str(config),
        env={**os.environ, "DISCORD_TOKEN": f"token-{name}"}, cwd=str(ROOT),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake.wait_for_request(lambda r: r.method == "PUT" and r.path.endswith("/commands"), timeout=30)
        for _ in range(100):  # ready once it has identified on the gateway
            if fake.identify_count:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        yield
    finally:
        process.terminate()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), timeout=10)


async def test_two_processes_share_the_knowledge_and_the_runtime_data(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    data, cache = tmp_path / "bot-data.sqlite3", tmp_path / "cache"
    fake_a, fake_b = await FakeDiscord().start(), await FakeDiscord().start()
    try:
        async with bot_process(fake_a, knowledge, data, cache, "a"), bot_process(fake_b, knowledge, data, cache, "b"):
            question = "how does the zorblax frobnicator work"  # nothing matches it until the alias lands
            alias = [{"name": "alias", "type": 1, "options": [
                {"name": "entry", "type": 3, "value": "pesco-what"}, {"name": "question", "type": 3, "value": question},
            ]}]  # fmt: skip
            await fake_a.slash("kb", alias, permissions=MANAGE_GUILD)  # a moderator on shard A
            await fake_a.wait_for_request(lambda r: "Added a phrasing to" in str(r.body), timeout=20)
            # A member on shard B asks until B has taken the edit in ("within seconds": B polls every
            # RELOAD_SECONDS, then updates its engine, retraining the classifier)
            titles = []
            for attempt in range(1, EDIT_SEEN_WITHIN_S + 1):
                await asyncio.sleep(1)
                await fake_b.say(question, mention_bot=True)
                reply = await reply_to(fake_b, fake_b.text_channel_id, count=attempt, timeout=20)
                titles.append(embed_of(reply)["title"])
                if titles[-1] == "What is PESCO?":
                    break
            assert titles[-1] == "What is PESCO?", titles
            history = await fake_b.slash(
                "kb", [{"name": "history", "type": 1, "options": []}], permissions=MANAGE_GUILD
            )
            shown = await fake_b.wait_for_request(
                lambda r: (is_callback(history)(r) or r.path.startswith("/webhooks/")) and "embeds" in str(r.body),
                timeout=20,
            )
            assert "alias pesco-what" in str(shown[-1].body)  # A's edit, read from the shared database by B
    finally:
        await fake_a.stop()
        await fake_b.stop()
    assert question in (knowledge / "pesco.yaml").read_text()
