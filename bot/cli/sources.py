"""`python -m bot sources check`: every cited URL fetched (bot/ops/links.py), and a report of the dead and moved
ones with the sources and entries citing them; exit 1 when any link is dead."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from ..core.loader import load_directory
from ..exit_codes import Exit
from ..ops.link_report import CONCURRENCY, PER_HOST, LinkCheckSettings, report_json, report_text
from .shared import config_of, report_load_failure


def cmd_sources(args: argparse.Namespace) -> int:
    """`sources check` (the one `sources` subcommand so far)."""
    config = config_of(args)
    result = load_directory(config.knowledge_dir)  # the validator alone: no engine, no cache, no classifier
    if not result.ok:
        return report_load_failure(result)
    from ..ops.links import check_knowledge  # aiohttp's client is imported only for this command

    settings = LinkCheckSettings(timeout_s=args.timeout)
    urls = len({source.url for source in result.knowledge.sources.values()})
    print(
        f"Checking {urls} cited link(s), {CONCURRENCY} at a time and {PER_HOST} per site, "
        f"{settings.timeout_s:g} s each at most…",
        file=sys.stderr,
        flush=True,
    )
    report = asyncio.run(check_knowledge(result.knowledge, settings))
    print(json.dumps(report_json(report), ensure_ascii=False, indent=2) if args.json else report_text(report))
    return Exit.PROBLEMS if report.any_dead else Exit.OK
