"""bot/config.py: config.example.toml documents every key the code reads, with the code's defaults."""

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
        ("[discord]\nforum_channel_ids = 'x'\n", "discord.forum_channel_ids must be a list of integers"),
        ("[matching]\nanswer_threshold = 10\nsuggest_threshold = 20\n", "suggest <= answer"),
        ("[nope]\n", "unknown section(s) nope"),
        ("not toml", "config.toml"),
    ],
)
def test_bad_config_names_the_key(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path)


def test_token_comes_from_the_environment_only(monkeypatch):
    monkeypatch.setenv("MY_TOKEN", "  secret-value  ")
    config = Config(discord=DiscordConfig(token_env="MY_TOKEN"))
    assert config.token() == "secret-value"
    monkeypatch.delenv("MY_TOKEN")
    assert config.token() is None
