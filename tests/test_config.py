"""bot/config.py: config.example.toml documents every key the code reads, with the code's defaults; a
wrong file, key or value is one line that names it and says what is expected."""

import dataclasses
import re

import pytest

from bot.config import Config, ConfigError, DiscordConfig, load_config

from .conftest import ROOT

EXAMPLE = ROOT / "config.example.toml"


def test_example_config_loads_and_matches_the_defaults():
    config = load_config(EXAMPLE)
    assert config.thresholds == Config().thresholds
    assert config.discord == DiscordConfig()


def test_example_config_mentions_every_key():
    text = EXAMPLE.read_text()
    documented = set(re.findall(r"^#?\s*([a-z_]+)\s*=", text, flags=re.MULTILINE))
    expected = {f.name for f in dataclasses.fields(DiscordConfig)} | {
        "dir",
        "answer_threshold",
        "margin",
        "suggest_threshold",
        "max_suggestions",
        "min_coverage",
    }
    assert expected <= documented


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[discord]\nbogus = 1\n", "unknown key(s) in [discord]: bogus"),
        ("[discord]\nforum_channel_ids = 'x'\n", "discord.forum_channel_ids must be a list of Discord ids (got 'x')"),
        ("[discord]\nforum_channel_ids = [1, -2]\n", "discord.forum_channel_ids must be a list of Discord ids"),
        ("[discord]\nmoderator_role_ids = [true]\n", "discord.moderator_role_ids must be a list of Discord ids"),
        ("[discord]\ncurating_guild_ids = 12\n", "discord.curating_guild_ids must be a list of Discord ids (got 12)"),
        ("[discord]\nanswer_guild_ids = ['1']\n", "discord.answer_guild_ids must be a list of Discord ids"),
        ("[discord]\nshard_count = 'two'\n", "discord.shard_count must be an integer >= 1 (got 'two')"),
        ("[discord]\nshard_count = 0\n", "discord.shard_count must be an integer >= 1 (got 0)"),
        ("[discord]\nsync_guild_id = 'abc'\n", "discord.sync_guild_id must be a Discord id (got 'abc')"),
        ("[discord]\nreview_digest_channel_id = 1.5\n", "discord.review_digest_channel_id must be a Discord id"),
        ("[discord]\nshard_ids = [0, 2]\nshard_count = 2\n", "each id must be below it"),
        ("[discord]\nshard_ids = [0]\n", "discord.shard_ids needs discord.shard_count"),
        ("[discord]\nlog_level = 'LOUD'\n", "discord.log_level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("[discord]\nanswer_dms = 1\n", "discord.answer_dms must be true or false (got 1)"),
        ("[discord]\nuser_cooldown_seconds = 0\n", "discord.user_cooldown_seconds must be a number > 0"),
        ("[discord]\nuser_cooldown_count = -1\n", "discord.user_cooldown_count must be an integer >= 0"),
        ("[discord]\napi_base = 'not a url'\n", "discord.api_base must be an address starting http:// or https://"),
        ("[discord]\ngateway_url = 'http://x/gateway'\n", "discord.gateway_url must be an address starting ws://"),
        ("[discord]\ntoken_env = 'MY TOKEN'\n", "discord.token_env must be a name of letters, digits and _"),
        ("[discord]\ndata_path = ''\n", "discord.data_path must be text (not empty)"),
        ("[discord]\nlog_file_backups = 0\n", "discord.log_file_backups must be an integer >= 1"),
        ("[discord]\nlog_file_max_mb = 0\n", "discord.log_file_max_mb must be a number > 0"),
        ("[knowledge]\nreload_seconds = -1\n", "knowledge.reload_seconds must be a number >= 0 (got -1)"),
        ("[knowledge]\ncache = 'no'\n", "knowledge.cache must be true or false"),
        ("[knowledge]\ndir = 3\n", "knowledge.dir must be text"),
        ("[matching]\nmax_suggestions = 2.5\n", "matching.max_suggestions must be an integer (got 2.5)"),
        ("[matching]\nanswer_threshold = 'high'\n", "matching.answer_threshold must be a number"),
        ("[matching]\nanswer_threshold = 10\nsuggest_threshold = 20\n", "suggest <= answer"),
        ("[nope]\n", "unknown section(s) nope"),
        ("discord = 3\n", "[discord] must be a table"),
        ("not toml", "config.toml"),
    ],
)
def test_bad_config_names_the_key_and_what_it_expects(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{path}: ") and "\n" not in str(raised.value)


def test_every_key_takes_a_value_of_its_annotated_type(tmp_path):
    """The integer keys took only text before (redteam D4): each key's type now comes from its annotation."""
    path = tmp_path / "config.toml"
    path.write_text(
        "[knowledge]\nreload_seconds = 0\n[matching]\nanswer_threshold = 40\nmax_suggestions = 2\n"
        "[discord]\nsync_guild_id = 1200000000000000001\nreview_digest_channel_id = 1300000000000000001\n"
        "shard_count = 2\nshard_ids = [1]\ncontext_minutes = 5\nlog_level = 'debug'\nforum_channel_ids = [7, 8]\n"
        "api_base = 'http://127.0.0.1:9/api/v10'\nlog_file = 'logs/bot.log'\n"
        "curating_guild_ids = [1200000000000000001]\nanswer_guild_ids = [1200000000000000001, 9]\n"
    )
    config = load_config(path)
    discord = config.discord
    assert (discord.sync_guild_id, discord.review_digest_channel_id) == (1200000000000000001, 1300000000000000001)
    assert (discord.shard_count, discord.shard_ids, discord.forum_channel_ids) == (2, (1,), (7, 8))
    assert (discord.curating_guild_ids, discord.answer_guild_ids) == ((1200000000000000001,), (1200000000000000001, 9))
    assert discord.context_minutes == 5.0 and isinstance(discord.context_minutes, float)
    assert discord.log_level == "DEBUG" and config.reload_seconds == 0.0
    assert config.thresholds.answer == 40.0 and config.thresholds.max_suggestions == 2
    assert config.data_path == tmp_path / "bot-data.sqlite3" and config.log_file == tmp_path / "logs" / "bot.log"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: p.write_bytes(b'[discord]\nlog_level = "\xff\xfe"\n'),
            "not UTF-8 text (byte 23); save the file as UTF-8",
        ),
        (lambda p: p.mkdir(), "is a folder, not a config file"),
        (lambda p: None, "config file not found (copy config.example.toml)"),
    ],
    ids=["not-utf8", "a-folder", "missing"],
)
def test_a_config_file_that_cannot_be_read_is_named_in_one_line(tmp_path, make, message):
    path = tmp_path / "config.toml"
    make(path)
    with pytest.raises(ConfigError, match=re.escape(f"{path}: {message}")):
        load_config(path)


def test_token_comes_from_the_environment_only(monkeypatch):
    monkeypatch.setenv("MY_TOKEN", "  secret-value  ")
    config = Config(discord=DiscordConfig(token_env="MY_TOKEN"))
    assert config.token() == "secret-value"
    monkeypatch.delenv("MY_TOKEN")
    assert config.token() is None
