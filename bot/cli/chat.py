"""`python -m bot chat`: a conversation on the command line, as in a Discord thread — each message answered
with what the conversation is about, so "and when did they join?" leans on the answer before it."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator

from ..core.conversation import Conversation
from ..exit_codes import Exit
from ..render.text import reply_json, reply_text
from ..terminal import is_terminal
from .shared import config_of, load_engine, report_load_failure

WELCOME = (
    'Ask about European defence cooperation. A follow-up ("and when did they join?") is read with the answer '
    "before it; an empty line forgets it. Ctrl+D ends."
)
PROMPT = "> "


def _lines(interactive: bool) -> Iterator[str]:
    """What the member types: with a prompt on a terminal (readline's editing and history), else line by line."""
    if not interactive:
        yield from (line.rstrip("\n") for line in sys.stdin)
        return
    with contextlib.suppress(ImportError):  # not on every platform: input() works without it
        import readline  # noqa: F401 - importing it gives input() line editing and history
    while True:
        try:
            yield input(PROMPT)
        except EOFError:
            print()
            return


def cmd_chat(args: argparse.Namespace) -> int:
    engine, result = load_engine(config_of(args))
    if engine is None:
        return report_load_failure(result)
    interactive = sys.stdin.isatty() and sys.stdout.isatty() and not args.json
    if interactive:
        print(WELCOME)
    conversation = Conversation()
    for line in _lines(interactive):
        if not line.strip():
            conversation = Conversation()  # a blank line starts afresh
            continue
        reply = engine.answer_message(line, context=conversation.context)
        if args.json:
            print(json.dumps(reply_json(reply, conversation.context), ensure_ascii=False), flush=True)
        else:
            print(reply_text(reply, terminal=is_terminal(sys.stdout)) + "\n", flush=True)
        conversation = conversation.after(line, reply)
    return Exit.OK
