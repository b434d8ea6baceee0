"""config.toml → frozen dataclasses. Reading is explicit (no work at import time); the token only
ever comes from the environment and is never stored in these objects' repr."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .core.cache import default_directory as default_cache_directory
from .core.engine import Thresholds

RELOAD_POLL_SECONDS = 2.0  # an edit by hand or by another process shows within two seconds; a stat() is cheap
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE = PROJECT_ROOT / "knowledge"


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class DiscordConfig:
    token_env: str = "DISCORD_TOKEN"  # noqa: S105 - the name of an environment variable, not a secret
    api_base: str | None = None  # e.g. "http://127.0.0.1:8080/api/v10" for a Discord-compatible server
    gateway_url: str | None = None  # e.g. "ws://127.0.0.1:8080/gateway"
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    sync_guild_id: int | None = None  # sync slash commands to one guild (instant) instead of globally
    log_level: str = "INFO"
    forum_channel_ids: tuple[int, ...] = ()
    forum_reply_off_topic: bool = False
    forum_follow_ups: bool = True  # a post's author is answered in their post without mentioning the bot
    context_messages: int = 10  # a conversation's subject is forgotten after this many more messages...
    context_minutes: float = 30.0  # ...or this many minutes after the bot's last answer in it
    solved_tag: str = ""  # the forum tag "Mark as solution" applies, e.g. "Solved" ("": none)
    answer_dms: bool = True
    user_cooldown_count: int = 5  # questions a member may ask...
    user_cooldown_seconds: float = 60.0  # ...per this many seconds
    channel_cooldown_count: int = 20
    channel_cooldown_seconds: float = 60.0
    moderator_role_ids: tuple[int, ...] = ()
    review_digest_channel_id: int | None = None  # a moderators' channel for the weekly "due for review" digest
    data_path: str = "bot-data.sqlite3"  # runtime data: audit log, unanswered questions, votes
    new_entries_file: str = "community.yaml"  # where moderators' new entries are written


@dataclass(frozen=True)
class Config:
    knowledge_dir: Path = DEFAULT_KNOWLEDGE
    thresholds: Thresholds = field(default_factory=Thresholds)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    source: Path | None = None
    # The warm-start cache of the built engine (bot/core/cache.py); None turns it off.
    cache_dir: Path | None = field(default_factory=default_cache_directory)
    reload_seconds: float = RELOAD_POLL_SECONDS  # how often the bot and `serve` look for changed files; 0 = never

    @property
    def data_path(self) -> Path:
        """The runtime-data database; a relative path is relative to the config file's folder."""
        path = Path(self.discord.data_path)
        base = self.source.parent if self.source else Path.cwd()
        return path if path.is_absolute() else base / path

    def token(self) -> str | None:
        value = os.environ.get(self.discord.token_env, "").strip()
        return value or None


_THRESHOLD_KEYS = {
    "answer_threshold": "answer",
    "suggest_threshold": "suggest",
    "margin": "margin",
    "max_suggestions": "max_suggestions",
    "min_coverage": "coverage",
}


def _section(data: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    return value


def _convert(path: Path, key: str, value: Any, default: Any) -> Any:
    """Coerce TOML values to the dataclass field's type, with a message naming the key."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: {key} must be true or false")
        return value
    if isinstance(default, tuple) or key.endswith("_ids"):
        if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
            raise ConfigError(f"{path}: {key} must be a list of integers (ids)")
        return tuple(value)
    if isinstance(default, float):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ConfigError(f"{path}: {key} must be a number")
        return float(value)
    if isinstance(default, int) or key in {"shard_count", "sync_guild_id", "review_digest_channel_id"}:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{path}: {key} must be an integer")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{path}: {key} must be text")
    return value


def load_config(path: Path | str | None) -> Config:
    """Read config.toml; a missing file given explicitly is an error, no file at all means defaults."""
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found (copy config.example.toml)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    unknown = set(data) - {"knowledge", "matching", "discord"}
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")

    knowledge = _section(data, "knowledge", path)
    known_knowledge_keys = {"dir", "cache", "cache_dir", "reload_seconds"}
    if set(knowledge) - known_knowledge_keys:
        extra = ", ".join(sorted(set(knowledge) - known_knowledge_keys))
        raise ConfigError(f"{path}: unknown key(s) in [knowledge]: {extra}")
    knowledge_dir = DEFAULT_KNOWLEDGE
    if "dir" in knowledge:
        knowledge_dir = (path.parent / str(knowledge["dir"])).resolve()
    cache_dir: Path | None = default_cache_directory()
    if "cache_dir" in knowledge:
        given = Path(_convert(path, "knowledge.cache_dir", knowledge["cache_dir"], "")).expanduser()
        cache_dir = given if given.is_absolute() else (path.parent / given).resolve()
    if not _convert(path, "knowledge.cache", knowledge.get("cache", True), True):
        cache_dir = None
    reload_seconds = _convert(
        path, "knowledge.reload_seconds", knowledge.get("reload_seconds", RELOAD_POLL_SECONDS), RELOAD_POLL_SECONDS
    )

    matching = _section(data, "matching", path)
    if set(matching) - set(_THRESHOLD_KEYS):
        raise ConfigError(
            f"{path}: unknown key(s) in [matching]: {', '.join(sorted(set(matching) - set(_THRESHOLD_KEYS)))}"
        )
    defaults = Thresholds()
    try:
        thresholds = Thresholds(
            **{
                attr: _convert(path, f"matching.{key}", matching[key], getattr(defaults, attr))
                for key, attr in _THRESHOLD_KEYS.items()
                if key in matching
            }
        )
    except ValueError as exc:
        raise ConfigError(f"{path}: [matching] {exc}") from None

    discord_table = _section(data, "discord", path)
    known = {f.name: f for f in fields(DiscordConfig)}
    unknown_keys = set(discord_table) - set(known)
    if unknown_keys:
        raise ConfigError(f"{path}: unknown key(s) in [discord]: {', '.join(sorted(unknown_keys))}")
    base = DiscordConfig()
    discord = DiscordConfig(
        **{key: _convert(path, f"discord.{key}", value, getattr(base, key)) for key, value in discord_table.items()}
    )
    return Config(knowledge_dir, thresholds, discord, path, cache_dir, reload_seconds)
