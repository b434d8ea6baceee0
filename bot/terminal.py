"""Whether output goes to a person's terminal, and the few styles shown there: colour and bold only on a
terminal, never in a pipe, a file or the journal, and never when NO_COLOR is set (https://no-color.org)."""

from __future__ import annotations

import logging
import os
from typing import IO, Any

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RED = "\x1b[31m"
GREEN = "\x1b[32m"
YELLOW = "\x1b[33m"
LEVEL_STYLES = {
    logging.DEBUG: DIM,
    logging.INFO: "",
    logging.WARNING: YELLOW,
    logging.ERROR: RED,
    logging.CRITICAL: BOLD + RED,
}
LOG_FORMAT = "[{asctime}] [{levelname:<8}] {name}: {message}"  # discord.py's own layout, as before
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def is_terminal(stream: IO[Any] | Any) -> bool:
    """True if styles may be written to `stream`: a terminal, and the user has not asked for NO_COLOR."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def styled(text: str, style: str, *, on: bool) -> str:
    return f"{style}{text}{RESET}" if on and style else text


class LogFormatter(logging.Formatter):
    """The log line; on a terminal its level is coloured (warnings yellow, errors red)."""

    def __init__(self, *, colour: bool) -> None:
        super().__init__(LOG_FORMAT, LOG_DATE_FORMAT, style="{")
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        if not self.colour:
            return line
        return styled(line, LEVEL_STYLES.get(record.levelno, ""), on=True)
