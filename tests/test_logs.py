"""bot/logs.py and bot/terminal.py: the log goes to stderr, coloured only on a terminal (and never with
NO_COLOR), or to a file rotated by size; a log file that cannot be written is one line."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from bot.config import Config, DiscordConfig, load_config
from bot.exit_codes import Exit
from bot.logs import LogFileError, setup_logging


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, restored afterwards (setup_logging configures it, as `run` does once per process)."""
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, root.handlers[:]
    yield root
    for handler in root.handlers[:]:
        if handler not in saved_handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(saved_level)


def log_through(config: Config, stream=None) -> None:
    """Set up logging as `run` does, log two lines, and take the handler away again."""
    handler = setup_logging(config, stream)
    logging.getLogger("bot.test").warning("the cache is %s", "cold")
    logging.getLogger("discord.gateway").debug("a debug line")
    handler.flush()
    logging.getLogger().removeHandler(handler)


@pytest.fixture
def terminal() -> Iterator[tuple[object, int]]:
    """A real pseudo-terminal: what the bot writes to it, and the file descriptor to read that back."""
    reader, writer = os.openpty()
    stream = os.fdopen(writer, "w")
    yield stream, reader
    stream.close()
    os.close(reader)


def test_colour_only_on_a_terminal_and_never_with_no_color(root_logger, terminal, monkeypatch, tmp_path):
    monkeypatch.delenv("NO_COLOR", raising=False)
    stream, reader = terminal
    log_through(Config(), stream)
    on_terminal = os.read(reader, 4096).decode()
    assert "\x1b[33m" in on_terminal and "bot.test: the cache is cold" in on_terminal  # a warning is yellow
    assert "a debug line" not in on_terminal  # INFO by default

    monkeypatch.setenv("NO_COLOR", "1")
    log_through(Config(), stream)
    assert "\x1b[" not in os.read(reader, 4096).decode()

    monkeypatch.delenv("NO_COLOR")
    piped = tmp_path / "stderr.txt"
    with piped.open("w") as not_a_terminal:
        log_through(Config(), not_a_terminal)
    text = piped.read_text()
    assert "bot.test: the cache is cold" in text and "\x1b[" not in text


def test_a_log_file_is_rotated_by_size_and_keeps_the_configured_backups(root_logger, tmp_path):
    config_path = tmp_path / "config.toml"
    config_path.write_text(
        '[discord]\nlog_file = "logs/bot.log"\nlog_file_max_mb = 0.001\nlog_file_backups = 2\nlog_level = "debug"\n'
    )
    config = load_config(config_path)
    handler = setup_logging(config)
    for number in range(200):  # ~100 bytes each: about 20 KB through a 1 KB file
        logging.getLogger("bot.test").info("line %03d of the log", number)
    handler.flush()
    logs = tmp_path / "logs"
    assert sorted(p.name for p in logs.iterdir()) == ["bot.log", "bot.log.1", "bot.log.2"]
    assert all(p.stat().st_size <= 1100 for p in logs.iterdir())
    assert "line 199 of the log" in (logs / "bot.log").read_text()
    assert "\x1b[" not in (logs / "bot.log").read_text()


def test_a_log_file_that_cannot_be_written_is_one_line(root_logger, tmp_path):
    (tmp_path / "taken").mkdir()
    config = Config(discord=DiscordConfig(log_file=str(tmp_path / "taken")))
    with pytest.raises(LogFileError, match=f"^cannot write the log file {tmp_path / 'taken'} \\(Is a directory\\)$"):
        setup_logging(config)


def test_run_with_an_unwritable_log_file_exits_4_in_one_line(tmp_path, monkeypatch):
    from bot import cli

    (tmp_path / "taken").mkdir()
    config = tmp_path / "config.toml"
    config.write_text(f'[discord]\nlog_file = "{tmp_path / "taken"}"\n')
    monkeypatch.setenv("DISCORD_TOKEN", "fake-token")
    assert cli.main(["run", "--config", str(config)]) == Exit.FILE
