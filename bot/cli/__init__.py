"""The command-line adapter: `python -m bot ask | check | eval | run | serve | site | invite | backup | doctor |
sources check`. The Discord bot (run) and the web (serve, site) are the other adapters, the operator tools are in
bot/ops/; this package only parses arguments (arguments.py), hands over (knowledge.py, service.py, sources.py), and
turns expected errors into one line and an exit code (here)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ..config import ConfigError
from ..core.memory import return_large_blocks_when_freed
from ..exit_codes import Exit
from .arguments import parser
from .chat import cmd_chat
from .interchange import cmd_export, cmd_import
from .knowledge import cmd_ask, cmd_check, cmd_eval
from .service import cmd_backup, cmd_doctor, cmd_invite, cmd_run, cmd_serve, cmd_site
from .sources import cmd_sources

COMMANDS = {
    "ask": cmd_ask,
    "chat": cmd_chat,
    "backup": cmd_backup,
    "doctor": cmd_doctor,
    "invite": cmd_invite,
    "check": cmd_check,
    "eval": cmd_eval,
    "export": cmd_export,
    "import": cmd_import,
    "run": cmd_run,
    "serve": cmd_serve,
    "site": cmd_site,
    "sources": cmd_sources,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return_large_blocks_when_freed()  # a long-running bot keeps its memory flat across edits (memory.py)
    try:
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below, not at interpreter exit
        return code
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return Exit.USAGE
    except BrokenPipeError:  # `python -m bot ask - | head -1`: the reader has what it wanted
        _discard_stdout()
        return Exit.BROKEN_PIPE
    except KeyboardInterrupt:
        return Exit.INTERRUPTED


def _discard_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush of what is still buffered cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (a test's captured stdout): nothing will be flushed to a pipe
        pass
