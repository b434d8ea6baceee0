"""The commands that work on the knowledge alone: ask (a message, or one per line from stdin), check, eval."""

from __future__ import annotations

import argparse
import json
import sys

from ..core.engine import Engine
from ..core.evaluate import EvalFileError, evaluate, load_cases
from ..core.loader import check_lints, load_directory
from ..core.models import Severity
from ..exit_codes import Exit
from ..render.text import EMPTY_MESSAGE, empty_json, eval_text, reply_json, reply_text
from ..terminal import is_terminal
from .shared import config_of, load_engine, report_load_failure


def _answer(engine: Engine, message: str, *, as_json: bool) -> str:
    """One message's output: JSON on one line, or text. A blank message gets the "empty" reply."""
    if not message.strip():
        return json.dumps(empty_json(message), ensure_ascii=False) if as_json else EMPTY_MESSAGE
    reply = engine.answer_message(message)
    if as_json:
        return json.dumps(reply_json(reply), ensure_ascii=False)
    return reply_text(reply, terminal=is_terminal(sys.stdout))


def cmd_ask(args: argparse.Namespace) -> int:
    engine, result = load_engine(config_of(args))
    if engine is None:
        return report_load_failure(result)
    if args.question != "-":
        print(_answer(engine, args.question, as_json=args.json))
        return Exit.OK
    for line in sys.stdin:
        output = _answer(engine, line.strip(), as_json=args.json)
        print(output if args.json else output + "\n", flush=True)  # a reader sees each answer as it comes
    return Exit.OK


def cmd_check(args: argparse.Namespace) -> int:
    config = config_of(args)
    directory = args.directory.resolve() if args.directory else config.knowledge_dir
    result = load_directory(directory)
    found = result.problems + check_lints(result.knowledge, complete=not result.unparsed)
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
    return Exit.PROBLEMS if errors else Exit.OK


def cmd_eval(args: argparse.Namespace) -> int:
    engine, result = load_engine(config_of(args))
    if engine is None:
        return report_load_failure(result)
    try:
        parts = load_cases(args.file, {e.id for e in engine.knowledge.entries})
    except EvalFileError as exc:
        print(exc, file=sys.stderr)
        return Exit.USAGE
    reports = {name: evaluate(engine, cases) for name, cases in parts.items()}
    if args.json:
        print(json.dumps({name: r.as_dict() for name, r in reports.items()}, ensure_ascii=False, indent=2))
        return Exit.OK
    for name, report in reports.items():
        print(eval_text(name, report, show_misses=args.misses))
    return Exit.OK
