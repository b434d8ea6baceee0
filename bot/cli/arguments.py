"""The command line's grammar: every command, its arguments and their help (argparse), in one place."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from ..config import DEFAULT_KNOWLEDGE
from ..exit_codes import help_text
from ..ops.invite import permissions_help
from ..ops.link_report import CONCURRENCY, PER_HOST, TIMEOUT_S


def version() -> str:
    try:
        return metadata.version("defence-faq-bot")
    except metadata.PackageNotFoundError:  # run from a checkout that was never `pip install`ed
        return "(not installed)"


def discord_id(text: str) -> int:
    """A Discord id (snowflake) on the command line: a positive integer."""
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Discord id (a positive integer)")
    return int(text)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answer questions about European defence cooperation from a curated, cited knowledge base.",
        epilog=help_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"defence-faq-bot {version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def knowledge_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--knowledge",
            metavar="DIR",
            type=Path,
            default=None,
            help=f"knowledge directory (default: the config's, else {DEFAULT_KNOWLEDGE})",
        )
        p.add_argument(
            "--no-cache",
            action="store_true",
            help="build the engine from the files even if a warm-start cache of it exists (and write none)",
        )
        p.add_argument(
            "--config",
            metavar="PATH",
            type=Path,
            default=None,
            help="config.toml for thresholds, the knowledge directory and the bot "
            "(default: ./config.toml if there is one, else built-in defaults)",
        )

    ask = sub.add_parser(
        "ask", help="answer a message (every question in it), or one message per line from stdin with -"
    )
    ask.add_argument(
        "question", help='the message; "-" reads one message per line from stdin and answers each on its own'
    )
    ask.add_argument(
        "--json",
        action="store_true",
        help='print JSON (with -: JSON Lines, exactly one line per input line; a blank one gets reason "empty")',
    )
    knowledge_option(ask)

    chat = sub.add_parser(
        "chat",
        help="a conversation: each message answered with the subject of the one before (as in a Discord thread)",
    )
    chat.add_argument(
        "--json", action="store_true", help="one JSON line per message, with what the conversation is about"
    )
    knowledge_option(chat)

    check = sub.add_parser("check", help="validate the knowledge; exit 1 on any error")
    check.add_argument("directory", nargs="?", type=Path, default=None, help="knowledge directory to check")
    knowledge_option(check)

    ev = sub.add_parser("eval", help="accuracy on a YAML list of {question, expect: ENTRY_ID | none}")
    ev.add_argument("file", type=Path)
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument("--misses", action="store_true", help="also list every question answered wrongly or not at all")
    knowledge_option(ev)

    run = sub.add_parser("run", help="run the Discord bot (token from the environment, see README)")
    run.add_argument(
        "--sync",
        action="store_true",
        help="register the slash commands with Discord first (needed once after installing or upgrading)",
    )
    knowledge_option(run)

    serve = sub.add_parser(
        "serve", help="serve the FAQ as web pages and a JSON API (read-only; reloads when the knowledge changes)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument(
        "--port", type=int, default=8080, help="port to listen on; 0 picks a free one (default: %(default)s)"
    )
    serve.add_argument(
        "--base-url", metavar="URL", default=None, help="the public address: adds canonical links and sitemap.xml"
    )
    serve.add_argument(
        "--proxy",
        metavar="ADDRESS",
        action="append",
        help="a reverse proxy's IP address: its X-Forwarded-For names the client to limit (repeatable)",
    )
    knowledge_option(serve)

    invite = sub.add_parser(
        "invite",
        help="print the link that adds the bot to a server, with the permissions its enabled features need",
        description="Print the invite link: scopes bot and applications.commands, and exactly the permissions "
        "the features enabled in the config need, each explained. The application id comes from "
        "--application-id, or from Discord with the token.",
        epilog=permissions_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    invite.add_argument(
        "--application-id",
        metavar="ID",
        type=discord_id,
        default=None,
        help="the Application ID (Developer Portal → your application → General Information); "
        "default: asked of Discord with the token",
    )
    invite.add_argument("--guild", metavar="ID", type=discord_id, help="preselect this server in the link")
    knowledge_option(invite)

    backup = sub.add_parser(
        "backup",
        help="copy the runtime database (audit log, review queue, votes) safely, even while the bot runs",
    )
    backup.add_argument(
        "destination",
        metavar="DEST",
        help="a folder (the copy is named with the time; one ending in / is created if missing) or a file path",
    )
    backup.add_argument("--replace", action="store_true", help="overwrite DEST if it is an existing file")
    knowledge_option(backup)

    doctor = sub.add_parser(
        "doctor",
        help="check the setup: knowledge, database, token, intent, servers, forums and permissions, roles, commands",
        description="A preflight against this machine and Discord (REST only: a running bot is not disturbed). "
        "One line per check: ok, warn, or FAIL with how to fix it. Exit 0 when nothing FAILs, 1 when something "
        "does, 3 when Discord cannot be reached.",
    )
    knowledge_option(doctor)

    site = sub.add_parser("site", help="write the FAQ as static pages for any static host (no server needed)")
    site.add_argument("out", metavar="OUT", type=Path, help="folder to write the pages into (created if missing)")
    site.add_argument(
        "--base-url",
        metavar="URL",
        default=None,
        help="the address the pages will be published at, e.g. https://example.org/faq: "
        "adds canonical links and sitemap.xml",
    )
    knowledge_option(site)
    sources_commands(sub, knowledge_option)
    interchange_commands(sub, knowledge_option)
    return parser


def positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < math.inf:  # nan fails this too
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return seconds


def sources_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    knowledge_option: Callable[[argparse.ArgumentParser], None],
) -> None:
    """`sources check`: the cited links (bot/cli/sources.py)."""
    sources = sub.add_parser("sources", help="the knowledge's cited sources: `sources check` checks every link")
    source_commands = sources.add_subparsers(dest="sources_command", required=True, metavar="COMMAND")
    check = source_commands.add_parser(
        "check",
        help="fetch every cited URL; report dead and moved links with the entries citing them; exit 1 if any is dead",
        description=f"Fetch every cited URL (HEAD, or GET where a site refuses HEAD), {CONCURRENCY} at a time and "
        f"at most {PER_HOST} per site, following redirects. Dead: an error status (4xx, 5xx), a name that does "
        "not resolve, a refused connection, no answer in time. Moved: a permanent redirect (301, 308) to another "
        "address, shown with where it lands; a temporary one is listed as redirected. Exit 1 when any link is "
        "dead, 0 otherwise (moved links too).",
    )
    check.add_argument("--json", action="store_true", help="print the report as JSON: every link, with its verdict")
    check.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=positive_seconds,
        default=TIMEOUT_S,
        help="how long a site may take to answer before its link counts as dead (default: %(default)g)",
    )
    knowledge_option(check)


def interchange_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    knowledge_option: Callable[[argparse.ArgumentParser], None],
) -> None:
    """`import` and `export`: QnA Maker / Azure question answering files (bot/cli/interchange.py)."""
    qna = "a QnA Maker or Azure question answering export: .tsv (or .txt) or .csv"
    import_ = sub.add_parser(
        "import",
        help="turn a QnA Maker / Azure question answering export into a new knowledge file (never overwritten)",
        description="Read FILE (columns Question, Answer, Source, Metadata; QnaId if present): the questions of one "
        "answer become one entry, metadata key:value pairs its tags, a web address in Source its source. Every "
        "row that cannot be taken is named with its line; what the export lacks is said. Exit 1 when rows were "
        "left out or `check` would refuse the result.",
    )
    import_.add_argument("file", metavar="FILE", type=Path, help=qna)
    import_.add_argument(
        "--out",
        metavar="PATH",
        type=Path,
        default=None,
        help="the knowledge file to write (default: FILE's name as .yaml in the knowledge directory); "
        "never overwritten",
    )
    knowledge_option(import_)
    export = sub.add_parser(
        "export",
        help="write the knowledge as a QnA Maker / Azure question answering export (one row per question)",
    )
    export.add_argument("file", metavar="FILE", type=Path, help=f"the file to write, {qna}; never overwritten")
    knowledge_option(export)
