"""import and export: the knowledge from and to QnA Maker / Azure question answering exports (TSV or CSV). The
format's work is in core/interchange/; this reads and writes the files, never overwriting one, and checks an
import with the one validator before writing it."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..core.interchange import (
    NOT_EXPORTED,
    Format,
    Refused,
    decode,
    export_rows,
    format_of,
    import_table,
    read_table,
    write_table,
)
from ..core.interchange.qna_import import slug
from ..core.loader import check_lints, knowledge_files, load_directory, load_files
from ..core.models import Knowledge, Severity
from ..exit_codes import Exit
from .shared import config_of, report_load_failure


def _format(path: Path) -> Format | None:
    kind = format_of(path.name)
    if kind is None:
        print(f"error: {path}: name a .tsv, .txt (QnA Maker's TSV) or .csv file", file=sys.stderr)
    return kind


def _exists(path: Path) -> bool:
    if path.exists():
        message = f"error: {path} exists; nothing was written (choose another name: a file is never overwritten)"
        print(message, file=sys.stderr)
        return True
    return False


def _write_new(path: Path, text: str) -> bool:
    """Write `text` to a file that must not exist yet (created exclusively: no race overwrites one either)."""
    try:
        with path.open("x", encoding="utf-8", newline="") as file:
            file.write(text)
        return True
    except OSError as error:
        print(f"error: {path}: cannot write: {error.strerror or error}", file=sys.stderr)
        return False


def cmd_import(args: argparse.Namespace) -> int:
    directory = config_of(args).knowledge_dir
    kind = _format(args.file)
    out: Path = args.out.resolve() if args.out else directory / f"{slug(args.file.stem) or 'imported'}.yaml"
    if kind is None:
        return Exit.USAGE
    if _exists(out):
        return Exit.FILE
    try:
        content = args.file.read_bytes()
    except OSError as error:
        print(f"error: {args.file}: cannot read: {error.strerror or error}", file=sys.stderr)
        return Exit.FILE
    table = read_table(decode(content), kind)
    if isinstance(table, Refused):
        print(f"{args.file}:{table.line}: cannot import: {table.reason}", file=sys.stderr)
        return Exit.PROBLEMS
    known = load_directory(directory).knowledge if directory.is_dir() else Knowledge(())
    done = import_table(table, known)
    for refused in done.refused:
        print(f"{args.file}:{refused.line}: row not imported: {refused.reason}")
    if not done.entries:
        print(f"{args.file}: nothing to import; nothing was written")
        return Exit.PROBLEMS
    today = dt.datetime.now(dt.UTC).date().isoformat()
    text = done.yaml(f"Imported from {args.file.name} by `python -m bot import` on {today}.")
    files = {str(path): path.read_bytes() for path in knowledge_files(directory)} if directory.is_dir() else {}
    result = load_files({**files, str(out): text.encode()})  # the directory as `check` will see it
    found = [p for p in result.problems + check_lints(result.knowledge) if p.file == str(out)]
    if any(p.severity is Severity.ERROR for p in result.problems if p.file == str(out)):
        report_load_failure(result)  # a fault of the importer's, not of the export: nothing is written
        return Exit.PROBLEMS
    if not _write_new(out, text):
        return Exit.FILE
    questions = sum(len(e.questions) for e in done.entries)
    print(
        f"{out}: {len(done.entries)} entries ({questions} questions) and {len(done.sources)} new sources from "
        f"{args.file}; {len(done.refused)} row(s) not imported"
    )
    for note in done.notes:
        print(f"  note: {note}")
    for problem in found:
        print(problem)
    errors = any(p.severity is Severity.ERROR for p in found)
    return Exit.PROBLEMS if done.refused or errors else Exit.OK


def cmd_export(args: argparse.Namespace) -> int:
    kind = _format(args.file)
    if kind is None:
        return Exit.USAGE
    if _exists(args.file):
        return Exit.FILE
    result = load_directory(config_of(args).knowledge_dir)
    if not result.ok:
        return report_load_failure(result)
    rows = export_rows(result.knowledge)
    if not _write_new(args.file, write_table(rows, kind)):
        return Exit.FILE
    entries = len(result.knowledge.entries)
    print(f"{args.file}: {entries} entries as {len(rows)} rows, one per question; not in the format: {NOT_EXPORTED}")
    return Exit.OK
