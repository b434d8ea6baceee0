"""The exit codes of every command, in one place: what scripts can rely on (listed by `python -m bot --help`)."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    PROBLEMS = 1
    USAGE = 2
    UNREACHABLE = 3
    FILE = 4
    INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a program stopped with Ctrl+C
    BROKEN_PIPE = 141  # 128 + SIGPIPE, as `yes | head -1` reports it: the reader stopped reading


MEANINGS = {
    Exit.OK: "done (check, doctor: nothing wrong)",
    Exit.PROBLEMS: "the knowledge has errors, doctor found something to fix, or sources check a dead link",
    Exit.USAGE: "bad arguments or config file; no bot token, or Discord rejected it",
    Exit.UNREACHABLE: "Discord (or the configured api_base) could not be reached or failed",
    Exit.FILE: "a file could not be read or written (backup)",
    Exit.INTERRUPTED: "stopped with Ctrl+C (run and serve: a clean stop, 0)",
    Exit.BROKEN_PIPE: "the output's reader went away (e.g. | head); nothing else went wrong",
}


def help_text() -> str:
    return "exit codes:\n" + "\n".join(f"  {int(code):<4} {meaning}" for code, meaning in MEANINGS.items())
