"""bot/discord/client.py: the bot starts, registers its commands when asked, survives the connection
dropping, refuses to start without a usable token or a reachable Discord — one line, its own exit code, no
token printed — stops cleanly on SIGTERM, reloads on SIGHUP, and logs to a rotated file when configured."""

from __future__ import annotations

import asyncio
import importlib
import os
import shutil
import signal
import socket
import sys
from pathlib import Path

import pytest

from bot.discord.client import extensions
from bot.exit_codes import Exit

from ..conftest import KNOWLEDGE, ROOT, run_cli
from ..fakes.fake_discord import REJECTED_TOKEN, FakeDiscord
from ..fakes.harness import TOKEN, embed_of, no_identify_wait, reply_to, running_bot

pytestmark = pytest.mark.timeout(60)  # every wait inside also has its own, shorter timeout


def test_every_extension_loads_and_command_names_are_unique():
    names: list[str] = []
    for name in extensions():
        module = importlib.import_module(name)
        assert callable(getattr(module, "setup", None)), name
    assert extensions() == ["bot.discord.exts.ask", "bot.discord.exts.kb", "bot.discord.exts.solutions"]
    from bot.discord.exts.ask._cog import Ask
    from bot.discord.exts.kb._cog import Kb
    from bot.discord.exts.solutions import Solutions

    for cog in (Ask, Kb, Solutions):
        names += [command.name for command in cog.__cog_app_commands__]
    assert len(names) == len(set(names))


async def test_command_sync_carries_ask_with_its_options():
    async with running_bot() as (fake, _):
        (put,) = fake.find("PUT", r"/applications/\d+/commands$")
        commands = {c["name"]: c for c in put.body}
        assert {"ask", "topics", "kb"} <= set(commands)
        options = {o["name"]: o for o in commands["ask"]["options"]}
        assert options["question"]["required"] is True and options["question"]["autocomplete"] is True
        assert options["private"]["type"] == 5 and not options["private"].get("required")
        menus = {c["name"]: c for c in put.body if c.get("type") == 3}  # Apps → … on a message
        assert set(menus) == {"Ask the FAQ", "Mark as solution"}
        assert menus["Mark as solution"]["contexts"] == [0]  # in servers only: it needs a forum post


async def test_commands_are_synced_only_when_asked():
    async with running_bot(sync=False) as (fake, _):
        await fake.say("what is pesco", mention_bot=True)
        assert embed_of(await reply_to(fake, fake.text_channel_id))["title"] == "What is PESCO?"
        assert fake.find("PUT", r"/commands$") == []


async def test_still_answers_after_the_websocket_drops_and_after_an_invalid_session():
    async with running_bot() as (fake, bot):
        bot.before_identify_hook = no_identify_wait  # discord.py's 5 s identify pacing is not under test
        await fake.drop_connection()  # TCP abort mid-session: discord.py RESUMEs
        await asyncio.sleep(0.3)
        await fake.say("what is pesco", mention_bot=True)
        await reply_to(fake, fake.text_channel_id)
        assert fake.resume_count >= 1
        await fake.invalidate_session()  # not resumable: discord.py IDENTIFYs again
        deadline = asyncio.get_running_loop().time() + 15
        while fake.identify_count < 2 and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        assert fake.identify_count == 2
        await asyncio.sleep(0.2)
        await fake.say("is denmark in pesco", mention_bot=True)
        assert embed_of(await reply_to(fake, fake.text_channel_id, count=2))["title"] == "When did Denmark join PESCO?"


async def test_a_429_on_the_reply_is_retried_and_the_reply_arrives():
    async with running_bot() as (fake, _):
        fake.rate_limit_next("POST", rf"^/channels/{fake.text_channel_id}/messages$", retry_after=0.3)
        await fake.say("what is pesco", mention_bot=True)
        attempts = await fake.wait_for_request(
            lambda r: r.path == f"/channels/{fake.text_channel_id}/messages", count=2
        )
        assert attempts[1].at - attempts[0].at >= 0.25
        assert embed_of(attempts[1])["title"] == "What is PESCO?"


def test_missing_token_exits_2_with_one_clear_line(tmp_path):
    result = run_cli("run", "--config", str(tmp_path / "none.toml"))
    assert result.returncode == 2 and "config file not found" in result.stderr
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    import subprocess

    env_free = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert env_free.returncode == 2
    assert env_free.stderr.strip().count("\n") == 0 and "DISCORD_TOKEN" in env_free.stderr
    assert "Traceback" not in env_free.stderr and TOKEN not in env_free.stderr


@pytest.mark.parametrize("data", ["fresh", "corrupt"])
async def test_rejected_token_exits_2_with_one_clear_line_and_no_token(tmp_path, data):
    if data == "corrupt":  # a broken runtime database must not mask the token's message (or its exit code)
        (tmp_path / "data.sqlite3").write_bytes(b"not a database" * 100)
    fake = await FakeDiscord().start()
    try:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[discord]\napi_base = "{fake.api_base}"\ngateway_url = "{fake.gateway_url}"\n'
            f'data_path = "{tmp_path / "data.sqlite3"}"\n'
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            env={**os.environ, "DISCORD_TOKEN": REJECTED_TOKEN},
            cwd=str(ROOT),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        await fake.stop()
    assert process.returncode == 2
    lines = [line for line in stderr.decode().splitlines() if line.startswith("error:")]
    assert lines == [lines[0]] and "rejected the token" in lines[0]
    assert "Traceback" not in stderr.decode() and REJECTED_TOKEN not in stderr.decode()


async def run_process(config: Path, token: str = TOKEN) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config),
        env={**os.environ, "DISCORD_TOKEN": token}, cwd=str(ROOT),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def run_until_it_exits(config: Path) -> tuple[int, str]:
    process = await run_process(config)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


def closed_port() -> int:
    """A local port nothing listens on (bound, then closed): a connection to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_unreachable_discord_is_one_line_and_exit_3(tmp_path):
    """Redteam D9: today's ~60-line traceback of a run with no network or a wrong api_base."""
    config = tmp_path / "config.toml"
    config.write_text(f'[discord]\napi_base = "http://127.0.0.1:{closed_port()}/api/v10"\n')
    code, stderr = await run_until_it_exits(config)
    assert code == Exit.UNREACHABLE
    (line,) = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert line.startswith("error: cannot reach Discord at http://127.0.0.1:") and "api_base" in line
    assert "Traceback" not in stderr and TOKEN not in stderr


async def test_discord_failing_at_start_is_one_line_and_exit_3(tmp_path):
    fake = await FakeDiscord().start()
    try:
        fake.fail_next("GET", r"^/users/@me$", 503)
        config = tmp_path / "config.toml"
        config.write_text(f'[discord]\napi_base = "{fake.api_base}"\ngateway_url = "{fake.gateway_url}"\n')
        code, stderr = await run_until_it_exits(config)
    finally:
        await fake.stop()
    assert code == Exit.UNREACHABLE
    (line,) = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert "Discord answered 503" in line and "try again later" in line and "Traceback" not in stderr


async def wait_for_log(path: Path, text: str, timeout: float = 20) -> str:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        log = path.read_text(encoding="utf-8") if path.exists() else ""
        if text in log:
            return log
        await asyncio.sleep(0.1)
    raise AssertionError(f"{text!r} never logged in {path}")


async def test_sighup_reloads_sigterm_stops_cleanly_and_the_log_goes_to_its_file(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    fake = await FakeDiscord().start()
    try:
        config = tmp_path / "config.toml"
        config.write_text(
            '[knowledge]\ndir = "knowledge"\nreload_seconds = 0\n'  # no polling: only SIGHUP reloads
            f'[discord]\napi_base = "{fake.api_base}"\ngateway_url = "{fake.gateway_url}"\n'
            'log_file = "logs/bot.log"\nlog_level = "debug"\n'
        )
        process = await run_process(config)
        log_file = tmp_path / "logs" / "bot.log"
        await wait_for_log(log_file, "ready as FaqBot")
        (knowledge / "zz-tea.yaml").write_text(TEA_YAML)
        process.send_signal(signal.SIGHUP)
        await wait_for_log(log_file, "knowledge reloaded")
        await fake.say("how do I make tea", mention_bot=True)
        assert embed_of(await reply_to(fake, fake.text_channel_id))["title"] == "How do I make tea?"
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=15)
    finally:
        await fake.stop()
    assert process.returncode == Exit.OK and stderr == b""  # everything went to the file
    log = log_file.read_text(encoding="utf-8")
    assert "\x1b[" not in log and TOKEN not in log and "Traceback" not in log
    assert "[DEBUG   ] discord." in log  # the level applies to discord.py's loggers too


TEA_YAML = """\
sources:
  - {id: tea-guide, title: Tea guide, url: 'https://example.org/tea', publisher: Example, date: 2024}
entries:
  - id: tea
    questions: [How do I make tea?, tea recipe, brewing tea]
    answer: Boil water, then steep the leaves for three minutes.[^tea-guide]
    sources: [tea-guide]
"""
