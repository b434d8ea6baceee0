"""What every command that reads the knowledge does first: the config (with --knowledge, --no-cache) and the
engine, and how a knowledge base that does not load is reported."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from ..config import Config, find_config, load_config
from ..core.engine import Engine
from ..core.loader import LoadResult
from ..core.store import open_engine
from ..exit_codes import Exit


def config_of(args: argparse.Namespace) -> Config:
    config = load_config(find_config(args.config))
    if getattr(args, "knowledge", None) is not None:
        config = dataclasses.replace(config, knowledge_dir=args.knowledge.resolve())
    if getattr(args, "no_cache", False):
        config = dataclasses.replace(config, cache_dir=None)
    return config


def load_engine(config: Config) -> tuple[Engine | None, LoadResult]:
    return open_engine(config.knowledge_dir, config.thresholds, cache_dir=config.cache_dir)


def report_load_failure(result: LoadResult) -> int:
    for problem in result.errors:
        print(problem, file=sys.stderr)
    print(f"{len(result.errors)} error(s) in the knowledge; run `python -m bot check` for details.", file=sys.stderr)
    return Exit.PROBLEMS
