"""bot/ops/invite.py and permissions.py through `python -m bot invite`: the link asks for exactly what the
enabled features need, explains each permission, and finds the application id on Discord when not given."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot import cli
from bot.config import DiscordConfig
from bot.exit_codes import Exit
from bot.ops.permissions import BITS, NEEDS, needed, total

from ..conftest import run_cli
from ..fakes.fake_discord import REJECTED_TOKEN, FakeDiscord
from ..fakes.fake_discord.payloads import BOT_ROLE_PERMISSIONS
from ..fakes.harness import TOKEN

BASE = "https://discord.com/oauth2/authorize?client_id=123&scope=bot+applications.commands"


def test_the_permission_bits_are_discords():
    for flag, bit in BITS.items():
        assert discord.Permissions(**{flag: True}).value == bit, flag
    assert {need.flag for need in NEEDS} == set(BITS)


def test_the_link_asks_for_what_the_enabled_features_need(run, tmp_path):
    result = run("invite", "--application-id", "123", "--config", str(tmp_path / "none.toml"))
    assert result.returncode == Exit.USAGE  # an explicit config that is not there is an error, as everywhere
    config = tmp_path / "config.toml"
    config.write_text("")
    result = run("invite", "--application-id", "123", "--config", str(config))
    assert result.returncode == Exit.OK
    url, blank, *explained = result.stdout.splitlines()
    assert url == f"{BASE}&permissions=274877992000" and blank == ""  # README's figure without Manage Threads
    assert explained[0] == "Permissions asked for (integer 274877992000), each for a feature this config enables:"
    assert any(e.startswith("  Embed Links ") and "embed" in e for e in explained)
    assert "Manage Threads" in explained[explained.index("Left out, because the feature is off in this config:") + 1]

    config.write_text('[discord]\nsolved_tag = "Solved"\nuser_cooldown_count = 0\nchannel_cooldown_count = 0\n')
    url, *explained = run("invite", "--application-id", "123", "--guild", "77", "--config", str(config)).stdout.split(
        "\n"
    )
    with_tag = (BOT_ROLE_PERMISSIONS | BITS["manage_threads"]) & ~BITS["add_reactions"]
    assert url == f"{BASE}&permissions={with_tag}&guild_id=77&disable_guild_select=true"
    assert "(off: user_cooldown_count and channel_cooldown_count are 0)" in "\n".join(explained)


def test_the_fakes_bot_role_has_what_the_invite_gives_with_every_feature_on():
    assert total(needed(DiscordConfig(solved_tag="Solved"))) == BOT_ROLE_PERMISSIONS


def test_help_explains_every_permission():
    result = run_cli("invite", "--help")
    for need in NEEDS:
        assert f"  {need.name} " in result.stdout and need.why in result.stdout


async def test_the_application_id_is_asked_of_discord_with_the_token(tmp_path, capsys, monkeypatch):
    fake = await FakeDiscord().start()
    try:
        config = tmp_path / "config.toml"
        config.write_text(f'[discord]\napi_base = "{fake.api_base}"\n')
        monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
        assert await asyncio.to_thread(cli.main, ["invite", "--config", str(config)]) == Exit.OK
        assert capsys.readouterr().out.startswith(
            f"https://discord.com/oauth2/authorize?client_id={fake.application_id}&"
        )
        monkeypatch.setenv("DISCORD_TOKEN", REJECTED_TOKEN)
        assert await asyncio.to_thread(cli.main, ["invite", "--config", str(config)]) == Exit.USAGE
        out = capsys.readouterr()
        assert out.out == "" and out.err.startswith("error: Discord rejected the token in DISCORD_TOKEN")
        assert REJECTED_TOKEN not in out.err
    finally:
        await fake.stop()


def test_without_an_id_or_a_token_it_says_where_to_find_the_id(run, tmp_path, monkeypatch):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    config = tmp_path / "config.toml"
    config.write_text("")
    result = run("invite", "--config", str(config))
    assert result.returncode == Exit.USAGE and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "General Information → Application ID" in result.stderr


@pytest.mark.parametrize("value", ["abc", "-5"])
def test_a_bad_application_id_is_a_usage_error(value):
    assert run_cli("invite", "--application-id", value).returncode == Exit.USAGE
