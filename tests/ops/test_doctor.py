"""bot/ops/doctor.py through `python -m bot doctor`, against the fake Discord: every check passes on a good
setup (exit 0), and each thing that can be wrong is one FAIL line saying how to fix it (exit 1); an
unreachable Discord is one error line and exit 3. The CLI runs in a worker thread (it runs its own event
loop) while the fake serves on the test's loop."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path

import aiohttp
import pytest

from bot import cli
from bot.config import load_config
from bot.core.store import KnowledgeStore
from bot.discord.client import command_payloads
from bot.exit_codes import Exit

from ..conftest import KNOWLEDGE
from ..fakes.fake_discord import REJECTED_TOKEN, FakeDiscord
from ..fakes.fake_discord.payloads import ApplicationFlag, OverwriteType, Permission, overwrite
from ..fakes.harness import TOKEN

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
async def fake():
    fake = await FakeDiscord().start()
    yield fake
    await fake.stop()


@pytest.fixture
def token(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    return TOKEN


def write_config(tmp_path: Path, fake: FakeDiscord | None, **discord: object) -> Path:
    settings: dict[str, object] = {"data_path": str(tmp_path / "bot-data.sqlite3")}
    if fake is not None:
        settings |= {"api_base": fake.api_base, "gateway_url": fake.gateway_url}
    settings |= discord
    lines = [f"{key} = {value!r}" if isinstance(value, str) else f"{key} = {value}" for key, value in settings.items()]
    path = tmp_path / "config.toml"
    path.write_text("[discord]\n" + "\n".join(lines).replace("'", '"') + "\n")
    return path


async def doctor(capsys, config: Path) -> tuple[int, list[str], str]:
    capsys.readouterr()
    code = await asyncio.to_thread(cli.main, ["doctor", "--config", str(config)])
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


async def register_commands(fake: FakeDiscord, config: Path, *, guild_id: str | None = None) -> None:
    """What `run --sync` sends: the bot's own command payloads, PUT to the fake."""
    loaded = load_config(config)
    payloads = await command_payloads(loaded, KnowledgeStore(KNOWLEDGE))
    where = f"/guilds/{guild_id}" if guild_id else ""
    async with aiohttp.ClientSession() as http:
        url = f"{fake.api_base}/applications/{fake.application_id}{where}/commands"
        async with http.put(url, json=payloads, headers={"Authorization": f"Bot {TOKEN}"}) as response:
            assert response.status == 200


def line(lines: list[str], start: str) -> str:
    (found,) = [text for text in lines if start in text]
    return found


async def test_a_good_setup_passes_every_check(fake, token, tmp_path, capsys):
    config = write_config(
        tmp_path,
        fake,
        forum_channel_ids=[int(fake.forum_channel_id)],
        solved_tag="Solved",
        moderator_role_ids=[int(fake.moderator_role_id)],
        review_digest_channel_id=int(fake.text_channel_id),
    )
    await register_commands(fake, config)
    code, lines, err = await doctor(capsys, config)
    assert code == Exit.OK, lines
    assert err == "" and all(text.startswith("ok    ") for text in lines), lines
    assert re.fullmatch(rf"ok    knowledge: \d+ entries in {KNOWLEDGE}, no errors", line(lines, "knowledge:"))
    assert "not there yet, the bot will create it" in line(lines, "runtime database")
    assert "logged in as FaqBot" in line(lines, "token:")
    assert "on (until 100 servers; then the bot needs Discord's verification)" in line(lines, "intent")
    assert "1 server(s): Defence Forum" in line(lines, "the bot is in")
    assert line(lines, "forum #questions").endswith(
        "the bot can View Channels, Send Messages in Threads, Embed Links, Read Message History, Add Reactions, "
        "Manage Threads"
    )
    assert "#general" in line(lines, "review digest channel")
    assert "@Moderators (Defence Forum)" in line(lines, "moderator role")
    assert "ask, kb, topics" in line(lines, "slash commands registered globally")
    assert not any(r.method in ("POST", "PUT", "PATCH", "DELETE") and "/commands" not in r.path for r in fake.requests)
    assert fake.identify_count == 0  # REST only: a running bot's gateway session is not disturbed


async def test_each_thing_wrong_is_one_fail_line_with_its_fix(fake, token, tmp_path, capsys):
    fake.application_flags = 0  # the Message Content intent switched off in the portal
    denied = Permission.EMBED_LINKS | Permission.READ_MESSAGE_HISTORY
    fake.channels[fake.forum_channel_id]["permission_overwrites"] = [
        overwrite(fake.bot_role_id, OverwriteType.ROLE, deny=denied)
    ]
    (tmp_path / "bot-data.sqlite3").mkdir()
    post = await fake.create_forum_post("Denmark", "When did Denmark join PESCO?", deliver=0)
    forums = [fake.forum_channel_id, fake.text_channel_id, "4242", fake.other_forum_channel_id, post["id"]]
    config = write_config(
        tmp_path,
        fake,
        forum_channel_ids=[int(channel) for channel in forums],
        solved_tag="Answered",
        moderator_role_ids=[int(fake.moderator_role_id), 4343],
        review_digest_channel_id=int(fake.forum_channel_id),
        sync_guild_id=int(fake.other_guild_id),
    )
    code, lines, err = await doctor(capsys, config)
    assert code == Exit.PROBLEMS and err == ""
    fails = [text for text in lines if text.startswith("FAIL  ")]
    assert all(" — fix: " in text for text in fails), fails
    assert "is a folder" in line(lines, "runtime database")
    assert "Privileged Gateway Intents → Message Content Intent" in line(lines, "Message Content intent is off")
    assert f"`python -m bot invite --guild {fake.other_guild_id}`" in line(lines, "sync_guild_id: the bot is not in")
    assert (
        line(lines, "forum #questions (Defence Forum): the bot lacks")
        .split(" — fix: ")[0]
        .endswith("lacks Embed Links, Read Message History")
    )
    assert "is a text channel, not a forum" in line(lines, "#general")
    assert "Copy ID" in line(lines, "there is no channel 4242")
    assert "copy the channel's id" in line(lines, f"{post['id']} is a thread (a post?), not its channel")
    assert "invite the bot to that server" in line(lines, f"cannot see channel {fake.other_forum_channel_id}")
    assert line(lines, "has no “Answered” tag").startswith("warn  ")
    assert "the digest needs a text channel" in line(lines, "review_digest_channel_id: #questions")
    assert line(lines, "moderator role @Moderators").startswith("ok    ")
    assert "Copy ID" in line(lines, "moderator_role_ids: no role 4343")
    assert "invite the bot to that server first" in line(lines, "slash commands: cannot read the commands in server")


async def test_slash_commands_missing_or_outdated_say_to_sync(fake, token, tmp_path, capsys):
    config = write_config(tmp_path, fake, sync_guild_id=int(fake.guild_id))
    code, lines, _ = await doctor(capsys, config)
    assert code == Exit.PROBLEMS
    missing = line(lines, f"slash commands in server {fake.guild_id}: not registered")
    assert all(name in missing for name in ("ask", "kb", "topics", "Ask the FAQ", "Mark as solution"))
    assert "run `python -m bot run --sync` once" in missing
    await register_commands(fake, config, guild_id=fake.guild_id)
    ask = next(c for c in fake.guild_commands[fake.guild_id] if c["name"] == "ask")
    ask["options"] = [o for o in ask["options"] if o["name"] != "private"]  # as an older version registered it
    code, lines, _ = await doctor(capsys, config)
    assert code == Exit.PROBLEMS
    assert "registered with other options (an older version): ask" in line(lines, "slash commands in server")


async def test_permissions_come_from_roles_and_overwrites_as_discord_resolves_them(fake, token, tmp_path, capsys):
    fake.bot_member_roles[fake.guild_id] = []  # invited without permissions: only @everyone's
    fake.application_flags = ApplicationFlag.GATEWAY_MESSAGE_CONTENT  # a verified bot
    config = write_config(tmp_path, fake, forum_channel_ids=[int(fake.forum_channel_id)])
    code, lines, _ = await doctor(capsys, config)
    assert code == Exit.PROBLEMS
    assert "lacks Send Messages in Threads, Embed Links, Read Message History" in line(lines, "forum #questions")
    # embed links is @everyone's, but a bot that cannot send in a post cannot embed there either
    allowed = Permission.SEND_MESSAGES_IN_THREADS | Permission.READ_MESSAGE_HISTORY
    fake.channels[fake.forum_channel_id]["permission_overwrites"] = [
        overwrite(fake.bot_user["id"], OverwriteType.MEMBER, allow=allowed)
    ]
    await register_commands(fake, config)
    code, lines, _ = await doctor(capsys, config)
    assert code == Exit.OK, lines
    assert line(lines, "forum #questions").startswith("ok    ")
    assert line(lines, "intent") == "ok    Message Content intent: on"


async def test_a_rejected_or_missing_token_fails_without_showing_it(fake, tmp_path, capsys, monkeypatch):
    config = write_config(tmp_path, fake)
    monkeypatch.setenv("DISCORD_TOKEN", REJECTED_TOKEN)
    code, lines, err = await doctor(capsys, config)
    assert code == Exit.PROBLEMS
    assert "Reset Token" in line(lines, "token: Discord rejects the token in DISCORD_TOKEN")
    assert REJECTED_TOKEN not in "\n".join(lines) + err
    monkeypatch.delenv("DISCORD_TOKEN")
    requests = len(fake.requests)
    code, lines, _ = await doctor(capsys, config)
    assert code == Exit.PROBLEMS and len(fake.requests) == requests  # nothing asked of Discord
    assert "nothing on Discord was checked" in line(lines, "no bot token: DISCORD_TOKEN is not set")


async def test_an_unreachable_discord_is_one_error_line_and_exit_3(token, tmp_path, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = write_config(tmp_path, None, api_base=f"http://127.0.0.1:{port}/api/v10")
    code, lines, err = await doctor(capsys, config)
    assert code == Exit.UNREACHABLE
    assert [text[:6] for text in lines] == ["ok    ", "ok    "]  # this machine's checks came first
    assert err.startswith("error: cannot reach Discord at http://127.0.0.1:") and err.count("\n") == 1


async def test_broken_knowledge_and_database_fail_locally(fake, token, tmp_path, capsys, knowledge_copy):
    (knowledge_copy / "basics.yaml").write_text("entries: [\n")
    (tmp_path / "bot-data.sqlite3").write_bytes(b"not a database" * 100)
    config = write_config(tmp_path, fake)
    config.write_text(f'[knowledge]\ndir = "{knowledge_copy}"\n' + config.read_text())
    code, lines, _ = await doctor(capsys, config)
    assert code == Exit.PROBLEMS
    assert "run `python -m bot check`" in line(lines, "knowledge: ")
    assert "move it aside" in line(lines, "is not a usable SQLite database")
    assert line(lines, "slash commands: not checked").startswith("warn  ")
