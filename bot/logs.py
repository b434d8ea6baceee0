"""Where the bot's log goes: stderr (coloured only on a terminal) or a file rotated by size, at the
configured level. Set up once by the command that runs the bot; nothing is configured at import time."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from typing import IO, Any

from .config import Config
from .terminal import LogFormatter, is_terminal

MB = 1024 * 1024


class LogFileError(Exception):
    """The configured log file cannot be opened for writing; the message names it and says why."""


def setup_logging(config: Config, stream: IO[Any] | None = None) -> logging.Handler:
    """Send every logger's records (discord.py's included) at or above the configured level to the log file
    if one is configured, else to `stream` (stderr). Returns the handler (a test, or a second setup, can
    remove it)."""
    handler: logging.Handler
    path = config.log_file
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(
                path,
                maxBytes=int(config.discord.log_file_max_mb * MB),
                backupCount=config.discord.log_file_backups,
                encoding="utf-8",
            )
        except OSError as error:
            raise LogFileError(f"cannot write the log file {path} ({error.strerror or error})") from None
        handler.setFormatter(LogFormatter(colour=False))
    else:
        stream = stream or sys.stderr
        handler = logging.StreamHandler(stream)
        handler.setFormatter(LogFormatter(colour=is_terminal(stream)))
    root = logging.getLogger()
    root.setLevel(logging.getLevelNamesMapping()[config.discord.log_level])
    root.addHandler(handler)
    return handler
