"""config.toml → frozen dataclasses. Reading is explicit (no work at import time); the token only
ever comes from the environment and is never stored in these objects' repr.

Every key's type comes from its dataclass annotation and its allowed range from the field's metadata, so a
wrong value is refused with the key's name and what it should be, in one line."""

from __future__ import annotations

import os
import re
import tomllib
import types
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from .core.cache import default_directory as default_cache_directory
from .core.engine import Thresholds

RELOAD_POLL_SECONDS = 2.0  # an edit by hand or by another process shows within two seconds; a stat() is cheap
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE = PROJECT_ROOT / "knowledge"
DEFAULT_CONFIG = Path("config.toml")  # read from the working directory by every command when --config is not given
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_SNOWFLAKE = 2**64 - 1  # Discord ids are unsigned 64-bit integers
SHOWN_VALUE_CHARS = 60  # a wrong value is quoted in the message, up to one line's worth


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and the key."""


def at_least(low: float) -> dict[str, Any]:
    """Field metadata: the smallest value the key accepts (for a list, each item's)."""
    return {"min": low}


def more_than(low: float) -> dict[str, Any]:
    return {"min": low, "exclusive": True}


SNOWFLAKE = {"min": 1, "max": MAX_SNOWFLAKE, "what": "Discord id"}  # "a Discord id", "a list of Discord ids"
URL_SCHEMES = "schemes"  # metadata: the URL schemes a text key accepts


@dataclass(frozen=True)
class DiscordConfig:
    token_env: str = field(default="DISCORD_TOKEN", metadata={"pattern": r"[A-Za-z_][A-Za-z0-9_]*"})
    # a Discord-compatible server instead of discord.com: "http://127.0.0.1:8080/api/v10", "ws://127.0.0.1:8080/gateway"
    api_base: str | None = field(default=None, metadata={URL_SCHEMES: ("http", "https")})
    gateway_url: str | None = field(default=None, metadata={URL_SCHEMES: ("ws", "wss")})
    shard_count: int | None = field(default=None, metadata=at_least(1))
    shard_ids: tuple[int, ...] | None = field(default=None, metadata=at_least(0))
    # sync slash commands to one guild (instant) instead of globally
    sync_guild_id: int | None = field(default=None, metadata=SNOWFLAKE)
    log_level: str = field(default="INFO", metadata={"choices": LOG_LEVELS})
    log_file: str = ""  # "": log to stderr (the journal under systemd); else this file, rotated
    log_file_max_mb: float = field(default=10.0, metadata=more_than(0))  # rotate when the file reaches this size...
    log_file_backups: int = field(default=5, metadata=at_least(1))  # ...keeping this many old files
    forum_channel_ids: tuple[int, ...] = field(default=(), metadata=SNOWFLAKE)
    forum_reply_off_topic: bool = False
    forum_follow_ups: bool = True  # a post's author is answered in their post without mentioning the bot
    # a conversation's subject is forgotten after this many more messages...
    context_messages: int = field(default=10, metadata=at_least(0))
    context_minutes: float = field(default=30.0, metadata=at_least(0))  # ...or this long after the last answer
    solved_tag: str = ""  # the forum tag "Mark as solution" applies, e.g. "Solved" ("": none)
    answer_dms: bool = True
    user_cooldown_count: int = field(default=5, metadata=at_least(0))  # questions a member may ask (0: no limit)...
    user_cooldown_seconds: float = field(default=60.0, metadata=more_than(0))  # ...per this many seconds
    channel_cooldown_count: int = field(default=20, metadata=at_least(0))
    channel_cooldown_seconds: float = field(default=60.0, metadata=more_than(0))
    moderator_role_ids: tuple[int, ...] = field(default=(), metadata=SNOWFLAKE)
    # the servers whose moderators curate the knowledge (/kb, the digest): none named, the only server it is in
    curating_guild_ids: tuple[int, ...] = field(default=(), metadata=SNOWFLAKE)
    # answer only in these servers (and the curating ones); empty: in every server the bot is added to
    answer_guild_ids: tuple[int, ...] = field(default=(), metadata=SNOWFLAKE)
    # a moderators' channel for the weekly "due for review" digest
    review_digest_channel_id: int | None = field(default=None, metadata=SNOWFLAKE)
    review_digest_links: bool = False  # the digest also checks every cited link (as /kb links) and reports them
    data_path: str = field(default="bot-data.sqlite3", metadata={"nonempty": True})  # runtime data (audit, votes...)
    new_entries_file: str = field(default="community.yaml", metadata={"nonempty": True})  # moderators' new entries


@dataclass(frozen=True)
class Config:
    knowledge_dir: Path = DEFAULT_KNOWLEDGE
    thresholds: Thresholds = field(default_factory=Thresholds)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    source: Path | None = None
    # The warm-start cache of the built engine (bot/core/cache.py); None turns it off.
    cache_dir: Path | None = field(default_factory=default_cache_directory)
    reload_seconds: float = RELOAD_POLL_SECONDS  # how often the bot and `serve` look for changed files; 0 = never

    def _relative_to_config(self, value: str) -> Path:
        """A path from the config: a relative one is relative to the config file's folder."""
        path = Path(value).expanduser()
        base = self.source.parent if self.source else Path.cwd()
        return path if path.is_absolute() else base / path

    @property
    def data_path(self) -> Path:
        """The runtime-data database."""
        return self._relative_to_config(self.discord.data_path)

    @property
    def log_file(self) -> Path | None:
        """Where the bot logs, if not to stderr."""
        return self._relative_to_config(self.discord.log_file) if self.discord.log_file else None

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
_KNOWLEDGE_KEYS: dict[str, tuple[type, Mapping[str, Any]]] = {
    "dir": (str, {"nonempty": True}),
    "cache": (bool, {}),
    "cache_dir": (str, {"nonempty": True}),
    "reload_seconds": (float, at_least(0)),
}


def _section(data: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    return value


def _unknown_keys(table: Mapping[str, Any], known: Any, name: str, path: Path) -> None:
    unknown = set(table) - set(known)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in [{name}]: {', '.join(sorted(unknown))}")


def _expected(hint: Any, meta: Mapping[str, Any], *, plural: bool = False) -> str:
    """What a key accepts, in words: 'an integer >= 1', 'a list of Discord ids'..."""
    if get_origin(hint) in (Union, types.UnionType):  # X | None: TOML has no null, so the key is simply left out
        return _expected(next(a for a in get_args(hint) if a is not type(None)), meta, plural=plural)
    if get_origin(hint) is tuple:
        return "a list of " + _expected(get_args(hint)[0], meta, plural=True)
    if "what" in meta:
        words = str(meta["what"]) if plural else f"a {meta['what']}"
    elif "choices" in meta:
        return "one of " + ", ".join(meta["choices"])
    elif URL_SCHEMES in meta:
        return "an address starting " + " or ".join(f"{scheme}://" for scheme in meta[URL_SCHEMES])
    elif "pattern" in meta:
        return "a name of letters, digits and _"
    else:
        singular = {bool: "true or false", int: "an integer", float: "a number", str: "text"}[hint]
        words = {"an integer": "integers", "a number": "numbers"}.get(singular, singular) if plural else singular
        if "min" in meta:
            words += f" {'>' if meta.get('exclusive') else '>='} {meta['min']:g}"
        if meta.get("nonempty"):
            words += " (not empty)"
    return words + "s" if plural and "what" in meta else words


def _fits(value: Any, hint: Any, meta: Mapping[str, Any]) -> bool:
    if get_origin(hint) in (Union, types.UnionType):
        return any(_fits(value, arg, meta) for arg in get_args(hint) if arg is not type(None))
    if get_origin(hint) is tuple:
        return isinstance(value, list) and all(_fits(item, get_args(hint)[0], meta) for item in value)
    if hint is bool or isinstance(value, bool):  # in TOML (and Python) true is not 1
        return hint is bool and isinstance(value, bool)
    if (hint is float and isinstance(value, int | float)) or (hint is int and isinstance(value, int)):
        low, high = meta.get("min"), meta.get("max")
        too_low = low is not None and (value <= low if meta.get("exclusive") else value < low)
        return not too_low and (high is None or value <= high)
    if hint is str and isinstance(value, str):
        if "choices" in meta:
            return value.upper() in meta["choices"]
        if "pattern" in meta:
            return re.fullmatch(meta["pattern"], value) is not None
        if URL_SCHEMES in meta:
            scheme, _, rest = value.partition("://")
            return scheme in meta[URL_SCHEMES] and bool(rest.split("/")[0])
        return bool(value.strip()) or not meta.get("nonempty")
    return False


def convert(path: Path, key: str, value: Any, hint: Any, meta: Mapping[str, Any]) -> Any:
    """The TOML value as the field's type, or a ConfigError naming the key and what it expects."""
    if not _fits(value, hint, meta):
        shown = repr(value) if len(repr(value)) <= SHOWN_VALUE_CHARS else repr(value)[:SHOWN_VALUE_CHARS] + "…"
        raise ConfigError(f"{path}: {key} must be {_expected(hint, meta)} (got {shown})")
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, int) and not isinstance(value, bool) and float in (hint, *get_args(hint)):
        return float(value)
    if "choices" in meta:
        return value.upper()
    return value


def _typed_fields(cls: type) -> list[tuple[Field[Any], Any]]:
    hints = get_type_hints(cls)
    return [(f, hints[f.name]) for f in fields(cls)]


def _read(path: Path) -> dict[str, Any]:
    """The file's TOML, or one line saying why it cannot be read."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found (copy config.example.toml)") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file (give the path of config.toml)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def find_config(given: Path | None) -> Path | None:
    """The config file of every command: --config PATH, else ./config.toml if there is one, else none."""
    if given is not None:
        return given
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


def load_config(path: Path | str | None) -> Config:
    """Read config.toml; a missing file given explicitly is an error, no file at all means defaults."""
    if path is None:
        return Config()
    path = Path(path)
    data = _read(path)
    unknown = set(data) - {"knowledge", "matching", "discord"}
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")

    knowledge = _section(data, "knowledge", path)
    _unknown_keys(knowledge, _KNOWLEDGE_KEYS, "knowledge", path)
    given = {
        key: convert(path, f"knowledge.{key}", knowledge[key], hint, meta)
        for key, (hint, meta) in _KNOWLEDGE_KEYS.items()
        if key in knowledge
    }
    knowledge_dir = (path.parent / given["dir"]).resolve() if "dir" in given else DEFAULT_KNOWLEDGE
    cache_dir: Path | None = default_cache_directory()
    if "cache_dir" in given:
        cache_dir = (path.parent / Path(given["cache_dir"]).expanduser()).resolve()
    if not given.get("cache", True):
        cache_dir = None
    reload_seconds = given.get("reload_seconds", RELOAD_POLL_SECONDS)

    matching = _section(data, "matching", path)
    _unknown_keys(matching, _THRESHOLD_KEYS, "matching", path)
    threshold_fields = {f.name: (f, hint) for f, hint in _typed_fields(Thresholds)}
    try:
        thresholds = Thresholds(
            **{
                attr: convert(path, f"matching.{key}", matching[key], threshold_fields[attr][1], {})
                for key, attr in _THRESHOLD_KEYS.items()
                if key in matching
            }
        )
    except ValueError as exc:
        raise ConfigError(f"{path}: [matching] {exc}") from None

    discord_table = _section(data, "discord", path)
    typed = {f.name: (f, hint) for f, hint in _typed_fields(DiscordConfig)}
    _unknown_keys(discord_table, typed, "discord", path)
    discord = DiscordConfig(
        **{
            key: convert(path, f"discord.{key}", value, typed[key][1], typed[key][0].metadata)
            for key, value in discord_table.items()
        }
    )
    if discord.shard_ids and (discord.shard_count is None or max(discord.shard_ids) >= discord.shard_count):
        raise ConfigError(f"{path}: discord.shard_ids needs discord.shard_count, and each id must be below it")
    return Config(knowledge_dir, thresholds, discord, path, cache_dir, reload_seconds)
