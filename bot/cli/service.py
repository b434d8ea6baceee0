"""The commands that serve the knowledge or look after the bot: run (Discord), serve and site (the web), and the
operator's invite, backup and doctor (bot/ops/). Each imports what it runs only when it runs."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..config import Config
from ..core.store import KnowledgeStore
from ..exit_codes import Exit
from ..terminal import GREEN, RED, YELLOW, is_terminal, styled
from .shared import config_of, load_engine, report_load_failure


def cmd_run(args: argparse.Namespace) -> int:
    config = config_of(args)
    from ..discord.client import run_bot  # discord is imported only for the bot itself

    return run_bot(config, sync_commands=args.sync)


def cmd_serve(args: argparse.Namespace) -> int:
    config = config_of(args)
    engine, result = load_engine(config)
    if engine is None:
        return report_load_failure(result)
    from ..live import LiveKnowledge
    from ..web.server import BadOption, run_server, site_options  # aiohttp is imported only for the server

    try:
        site = site_options(args.base_url, args.proxy)
    except BadOption as exc:
        print(exc, file=sys.stderr)
        return Exit.USAGE
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
    from ..web.site import BadBaseUrl, export_site

    engine, result = load_engine(config_of(args))
    if engine is None:
        return report_load_failure(result)
    try:
        done = export_site(engine, args.out, args.base_url)
    except BadBaseUrl as exc:
        print(exc, file=sys.stderr)
        return Exit.USAGE
    print(f"{done.out}: {done.entries} questions, {done.topics} topics, {done.files} files written", end="")
    print(f", {done.removed} stale page(s) removed" if done.removed else "")
    if not done.sitemap:
        print("No --base-url: canonical links and sitemap.xml left out (they need the site's address).")
    print(f"Try it: python -m http.server -d {done.out} 8000, then open http://127.0.0.1:8000/")
    return Exit.OK


def cmd_invite(args: argparse.Namespace) -> int:
    import asyncio

    from ..ops.invite import explanation, invite_url
    from ..ops.session import application_id

    config = config_of(args)
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
            return _discord_failure(error, config)
    print(invite_url(app_id, config, args.guild))
    print()
    print(explanation(config))
    return Exit.OK


def cmd_backup(args: argparse.Namespace) -> int:
    from ..ops.backup import BackupError, backup

    config = config_of(args)
    destination = Path(args.destination)
    try:
        if args.destination.endswith(("/", os.sep)):  # "backups/": a folder, even before the first backup
            destination.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"error: cannot create {destination} ({error.strerror or error})", file=sys.stderr)
        return Exit.FILE
    try:
        done = backup(config.data_path, destination, replace=args.replace)
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return Exit.FILE
    print(f"{done.source} → {done.target} ({done.size:,} bytes, integrity ok)")
    return Exit.OK


def cmd_doctor(args: argparse.Namespace) -> int:
    import asyncio

    from ..ops.doctor import Status, checks

    config = config_of(args)
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
        return _discord_failure(error, config)
    return Exit.PROBLEMS if failed else Exit.OK


def _discord_failure(error: Exception, config: Config) -> int:
    """The exit code of an expected failure to reach Discord (its one line printed); a bug is raised again."""
    from ..discord.connection import explain

    failure = explain(error, config.discord)
    if failure is None:
        raise error
    print(f"error: {failure.message}", file=sys.stderr)
    return failure.code
