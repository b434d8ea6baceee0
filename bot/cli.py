"""The command-line adapter: `python -m bot ask | check | eval | run | serve | site | invite | backup | doctor`.
The Discord bot (run) and the web (serve, site) are the other adapters, the operator tools are in bot/ops/;
this module only parses arguments, hands over, and turns expected errors into one line and an exit code."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from .config import DEFAULT_KNOWLEDGE, Config, ConfigError, find_config, load_config
from .core.engine import Engine
from .core.evaluate import EvalFileError, evaluate, load_cases
from .core.loader import LoadResult, collisions, load_directory, uncited
from .core.memory import return_large_blocks_when_freed
from .core.models import Severity
from .core.store import KnowledgeStore, open_engine
from .exit_codes import Exit, help_text
from .ops.invite import permissions_help
from .render.text import EMPTY_MESSAGE, empty_json, eval_text, reply_json, reply_text
from .terminal import GREEN, RED, YELLOW, is_terminal, styled

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = Exit.OK, Exit.PROBLEMS, Exit.USAGE


def _version() -> str:
    try:
        return metadata.version("defence-faq-bot")
    except metadata.PackageNotFoundError:  # run from a checkout that was never `pip install`ed
        return "(not installed)"


def _discord_id(text: str) -> int:
    """A Discord id (snowflake) on the command line: a positive integer."""
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Discord id (a positive integer)")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answer questions about European defence cooperation from a curated, cited knowledge base.",
        epilog=help_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"defence-faq-bot {_version()}")
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
        type=_discord_id,
        default=None,
        help="the Application ID (Developer Portal → your application → General Information); "
        "default: asked of Discord with the token",
    )
    invite.add_argument("--guild", metavar="ID", type=_discord_id, help="preselect this server in the link")
    knowledge_option(invite)

    backup = sub.add_parser(
        "backup",
        help="copy the runtime database (audit log, review queue, votes) safely, even while the bot runs",
    )
    backup.add_argument(
        "destination", metavar="DEST", type=Path, help="a folder (the copy is named with the time) or a file path"
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
    return parser


def _config(args: argparse.Namespace) -> Config:
    config = load_config(find_config(args.config))
    if getattr(args, "knowledge", None) is not None:
        config = dataclasses.replace(config, knowledge_dir=args.knowledge.resolve())
    if getattr(args, "no_cache", False):
        config = dataclasses.replace(config, cache_dir=None)
    return config


def _load_engine(config: Config) -> tuple[Engine | None, LoadResult]:
    return open_engine(config.knowledge_dir, config.thresholds, cache_dir=config.cache_dir)


def _report_load_failure(result: LoadResult) -> int:
    for problem in result.errors:
        print(problem, file=sys.stderr)
    print(f"{len(result.errors)} error(s) in the knowledge; run `python -m bot check` for details.", file=sys.stderr)
    return EXIT_PROBLEMS


def _answer(engine: Engine, message: str, *, as_json: bool) -> str:
    """One message's output: JSON on one line, or text. A blank message gets the "empty" reply."""
    if not message.strip():
        return json.dumps(empty_json(message), ensure_ascii=False) if as_json else EMPTY_MESSAGE
    reply = engine.answer_message(message)
    if as_json:
        return json.dumps(reply_json(reply), ensure_ascii=False)
    return reply_text(reply, terminal=is_terminal(sys.stdout))


def cmd_ask(args: argparse.Namespace) -> int:
    engine, result = _load_engine(_config(args))
    if engine is None:
        return _report_load_failure(result)
    if args.question != "-":
        print(_answer(engine, args.question, as_json=args.json))
        return EXIT_OK
    for line in sys.stdin:
        output = _answer(engine, line.strip(), as_json=args.json)
        print(output if args.json else output + "\n", flush=True)  # a reader sees each answer as it comes
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    config = _config(args)
    directory = args.directory.resolve() if args.directory else config.knowledge_dir
    result = load_directory(directory)
    found = result.problems + uncited(result.knowledge) + collisions(result.knowledge)
    problems = sorted(found, key=lambda p: (p.file, p.line))
    for problem in problems:
        print(problem)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    knowledge = result.knowledge
    print(
        f"{directory}: {len(knowledge.entries)} entries, {sum(len(e.questions) for e in knowledge.entries)} questions, "
        f"{len(knowledge.sources)} sources; {errors} error(s), {warnings} warning(s)"
    )
    return EXIT_PROBLEMS if errors else EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    engine, result = _load_engine(_config(args))
    if engine is None:
        return _report_load_failure(result)
    try:
        parts = load_cases(args.file, {e.id for e in engine.knowledge.entries})
    except EvalFileError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    reports = {name: evaluate(engine, cases) for name, cases in parts.items()}
    if args.json:
        print(json.dumps({name: r.as_dict() for name, r in reports.items()}, ensure_ascii=False, indent=2))
        return EXIT_OK
    for name, report in reports.items():
        print(eval_text(name, report, show_misses=args.misses))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    config = _config(args)
    from .discord.client import run_bot  # discord is imported only for the bot itself

    return run_bot(config, sync_commands=args.sync)


def cmd_serve(args: argparse.Namespace) -> int:
    config = _config(args)
    engine, result = _load_engine(config)
    if engine is None:
        return _report_load_failure(result)
    from .live import LiveKnowledge
    from .web.server import BadOption, run_server, site_options  # aiohttp is imported only for the server

    try:
        site = site_options(args.base_url, args.proxy)
    except BadOption as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    store = KnowledgeStore(config.knowledge_dir, config.thresholds, engine=engine, cache_dir=config.cache_dir)
    reload_every = config.reload_seconds if config.reload_seconds > 0 else None  # 0 turns the watching off
    return run_server(
        LiveKnowledge(store),
        args.host,
        args.port,
        reload_every=reload_every,
        site=site,
        log_level=config.discord.log_level,
    )


def cmd_site(args: argparse.Namespace) -> int:
    from .web.site import BadBaseUrl, export_site

    engine, result = _load_engine(_config(args))
    if engine is None:
        return _report_load_failure(result)
    try:
        done = export_site(engine, args.out, args.base_url)
    except BadBaseUrl as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    print(f"{done.out}: {done.entries} questions, {done.topics} topics, {done.files} files written", end="")
    print(f", {done.removed} stale page(s) removed" if done.removed else "")
    if not done.sitemap:
        print("No --base-url: canonical links and sitemap.xml left out (they need the site's address).")
    print(f"Try it: python -m http.server -d {done.out} 8000, then open http://127.0.0.1:8000/")
    return EXIT_OK


def cmd_invite(args: argparse.Namespace) -> int:
    import asyncio

    from .discord.connection import explain
    from .ops.invite import explanation, invite_url
    from .ops.session import application_id

    config = _config(args)
    app_id = args.application_id
    if app_id is None:
        token = config.token()
        if token is None:
            print(
                f"error: give --application-id (Developer Portal → your application → General Information → "
                f"Application ID), or set {config.discord.token_env} to ask Discord for it",
                file=sys.stderr,
            )
            return Exit.USAGE
        try:
            app_id = asyncio.run(application_id(config, token))
        except Exception as error:
            failure = explain(error, config.discord)
            if failure is None:
                raise
            print(f"error: {failure.message}", file=sys.stderr)
            return failure.code
    print(invite_url(app_id, config, args.guild))
    print()
    print(explanation(config))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from .ops.backup import BackupError, backup

    config = _config(args)
    try:
        done = backup(config.data_path, args.destination, replace=args.replace)
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return Exit.FILE
    print(f"{done.source} → {done.target} ({done.size:,} bytes, integrity ok)")
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    import asyncio

    from .discord.connection import explain
    from .ops.doctor import Status, checks

    config = _config(args)
    colour = {Status.OK: GREEN, Status.WARN: YELLOW, Status.FAIL: RED}
    terminal = is_terminal(sys.stdout)
    failed = False

    async def report() -> None:
        nonlocal failed
        async for check in checks(config):
            failed = failed or check.status is Status.FAIL
            label = styled(f"{check.status.value:<4}", colour[check.status], on=terminal)
            print(f"{label}  {check.line()}", flush=True)

    try:
        asyncio.run(report())
    except Exception as error:
        failure = explain(error, config.discord)
        if failure is None:
            raise
        print(f"error: {failure.message}", file=sys.stderr)
        return failure.code
    return EXIT_PROBLEMS if failed else EXIT_OK


COMMANDS = {
    "ask": cmd_ask,
    "backup": cmd_backup,
    "doctor": cmd_doctor,
    "invite": cmd_invite,
    "check": cmd_check,
    "eval": cmd_eval,
    "run": cmd_run,
    "serve": cmd_serve,
    "site": cmd_site,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return_large_blocks_when_freed()  # a long-running bot keeps its memory flat across edits (memory.py)
    try:
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below, not at interpreter exit
        return code
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return EXIT_USAGE
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
