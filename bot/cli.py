"""The command-line adapter: `python -m bot ask | check | eval | run | serve | site`. The Discord bot (run) and the
web (serve, site) are the other adapters; this module only parses arguments and hands over."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .config import DEFAULT_KNOWLEDGE, Config, ConfigError, load_config
from .core.engine import Engine
from .core.evaluate import EvalFileError, evaluate, load_cases
from .core.loader import LoadResult, collisions, load_directory, uncited
from .core.memory import return_large_blocks_when_freed
from .core.models import Severity
from .core.store import KnowledgeStore, open_engine
from .render.text import eval_text, reply_json, reply_text

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answer questions about European defence cooperation from a curated, cited knowledge base.",
    )
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
            help="config.toml for thresholds, the knowledge directory and the bot (default: built-in defaults; "
            "for run, ./config.toml if present)",
        )

    ask = sub.add_parser(
        "ask", help="answer a message (every question in it), or one message per line from stdin with -"
    )
    ask.add_argument("question", help='the message; "-" reads one message per line from stdin')
    ask.add_argument("--json", action="store_true", help="print JSON (JSON Lines when reading stdin)")
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
    knowledge_option(run)  # for run, --config defaults to ./config.toml when it exists

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
    config = load_config(args.config)
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


def cmd_ask(args: argparse.Namespace) -> int:
    engine, result = _load_engine(_config(args))
    if engine is None:
        return _report_load_failure(result)
    if args.question == "-":
        for line in sys.stdin:
            message = line.strip()
            if not message:
                continue
            reply = engine.answer_message(message)
            print(json.dumps(reply_json(reply), ensure_ascii=False) if args.json else reply_text(reply) + "\n")
        return EXIT_OK
    reply = engine.answer_message(args.question)
    print(json.dumps(reply_json(reply), ensure_ascii=False) if args.json else reply_text(reply))
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
    if args.config is None and Path("config.toml").is_file():
        args.config = Path("config.toml")
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


COMMANDS = {
    "ask": cmd_ask,
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
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return EXIT_USAGE
