"""The two-process read: from HELPER_MIN_BYTES of knowledge, on a machine with a core to spare, a helper process
(worker.py) reads the last files and makes their entries' terms while this one reads the first."""

from __future__ import annotations

import datetime as dt
import logging
import marshal
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..models import Entry, Problem, Severity, Source, entry_texts
from ..normalize import TextTerms
from .file_reader import FileRead, Pending, read_file

log = logging.getLogger(__name__)

# Reading YAML and making words of every text is CPU-bound Python: from this much text a second process
# reads the last files (and makes their words) while this one does the first. Reading and making words, with
# a helper (load_texts with helper_min_bytes=0) / alone (then TextTerms.of), median of 3 on 2 cores, on the
# synthetic knowledge of `python -m benchmarks speed`: 100,000 entries (42 MB) 6.8 / 9.9 s, 10,000 (4.2 MB)
# 0.93 / 1.07 s, 5,000 (2.1 MB) 0.63 / 0.55 s: below about 4 MB starting a Python process (~0.2 s with its
# imports) costs more than it saves.
HELPER_MIN_BYTES = 4_000_000
HELPER_SHARE = 0.45  # of the text: a little under half, for the helper's start-up
HELPER_TIMEOUT_S = 600.0


def read_files(texts: Mapping[str, str], helper_min_bytes: int) -> tuple[dict[str, FileRead], TextTerms | None]:
    """Every file read on its own, by this process and, for a large knowledge base on a machine with a core
    to spare, a helper process; then, with a helper, the entries' TextTerms, each process its own share. A
    helper that fails or cannot start leaves its files to this process (and the terms to the index)."""
    total = sum(len(text) for text in texts.values())
    names = list(texts)
    split = len(names)  # the helper reads names[split:], in order
    if total >= helper_min_bytes and len(names) > 1 and _usable_cores() > 1:
        share = 0
        while split > 1 and share < HELPER_SHARE * total:
            split -= 1
            share += len(texts[names[split]])
    helper_files = {name: texts[name] for name in names[split:]}
    helper = _Helper(helper_files) if helper_files else None
    reads = {name: read_file(name, text) for name, text in texts.items() if name not in helper_files}
    if helper is None:
        return reads, None
    own_terms = TextTerms.of(read_texts(reads.values()))
    from_helper = helper.reads()
    if from_helper is None:
        reads.update((name, read_file(name, text)) for name, text in helper_files.items())
        return {name: reads[name] for name in names}, None
    helper_reads, helper_terms = from_helper
    reads.update((read.name, read) for read in helper_reads)
    log.debug("read %d of %d knowledge files in a helper process", len(helper_reads), len(names))
    return {name: reads[name] for name in names}, TextTerms.joined([own_terms, helper_terms])


def read_texts(reads: Iterable[FileRead]) -> list[str]:
    """The texts of the entries read, file after file, as models.entry_texts orders them."""
    return entry_texts(pending.entry for read in reads for pending in read.entries)


def _usable_cores() -> int:
    """The cores this process may run on (os.sched_getaffinity is Linux's; elsewhere all of them)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


class _Helper:
    """A second Python process (worker.py) that reads files and sends their reads back pickled.
    It runs this checkout's code (the parent's path comes first). The texts go to it in a temporary file and
    its reads come back on its stdout, collected once this process has read its own share: a thread feeding
    or draining the pipes meanwhile would wait for the interpreter lock every few milliseconds, 3 s at 20 MB."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        with tempfile.NamedTemporaryFile("wb", prefix="faq-knowledge-", suffix=".marshal", delete=False) as payload:
            marshal.dump(texts, payload)
        self._payload = Path(payload.name)
        root = str(Path(__file__).resolve().parents[3])
        command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {root!r}); import bot.core.loader.worker"]
        try:
            self._process = subprocess.Popen([*command, payload.name], stdout=subprocess.PIPE)  # noqa: S603 - ours
        except OSError as error:
            log.warning("could not start a helper to read the knowledge (%s): reading it here", error)
            self._payload.unlink(missing_ok=True)

    def reads(self) -> tuple[list[FileRead], TextTerms] | None:
        """The helper's reads and their entries' TextTerms, or None (logged) if it failed."""
        if self._process is None:
            return None
        try:
            output, _ = self._process.communicate(timeout=HELPER_TIMEOUT_S)
            if self._process.returncode != 0:
                raise ValueError(f"exit code {self._process.returncode}")
            reads, terms = marshal.loads(output)  # noqa: S302 - our own child process's output
            return [from_plain(read) for read in reads], TextTerms.from_plain(terms)
        except Exception as error:  # whatever went wrong, this process reads the files itself
            self._process.kill()
            log.warning("the helper reading the knowledge failed (%s): reading its files here", error)
            return None
        finally:
            self._payload.unlink(missing_ok=True)


# The helper process sends its reads as plain tuples through marshal: 0.3 s for 45,000 entries there and
# back, against 0.7 s for pickled dataclasses (pickle remembers every string it writes).
def plain(read: FileRead) -> tuple[Any, ...]:
    return (
        read.name,
        [(p.file, p.line, p.key, p.message, p.severity.value) for p in read.problems],
        [(s.id, s.title, s.url, s.publisher, s.date, s.line, id_line) for s, id_line in read.sources],
        [_plain_pending(pending) for pending in read.entries],
        read.synonyms,
        read.topics,
        read.unparsed,
    )


def from_plain(plain: tuple[Any, ...]) -> FileRead:
    name, problems, sources, entries, synonyms, topics, unparsed = plain
    return FileRead(
        name,
        [Problem(file, line, key, message, Severity(severity)) for file, line, key, message, severity in problems],
        [
            (Source(source_id, title, url, publisher, date, name, line), id_line)
            for source_id, title, url, publisher, date, line, id_line in sources
        ],
        [_pending_of(name, entry) for entry in entries],
        synonyms,
        topics,
        unparsed,
    )


def _plain_pending(pending: Pending) -> tuple[Any, ...]:
    e = pending.entry
    return (
        *(e.id, e.questions, e.answer, e.sources, e.tags, e.related, _day(e.reviewed), _day(e.review_by), e.line),
        *(pending.key, pending.source_lines, pending.related_lines, pending.answer_line),
    )


def _pending_of(file: str, plain: tuple[Any, ...]) -> Pending:
    entry_id, questions, answer, cited, tags, related, reviewed, review_by, line, *where = plain
    key, source_lines, related_lines, answer_line = where
    entry = Entry(entry_id, questions, answer, cited, tags, related, _date(reviewed), _date(review_by), file, line)
    return Pending(entry, key, source_lines, related_lines, answer_line)


def _day(date: dt.date | None) -> int | None:
    return date.toordinal() if date else None


def _date(day: int | None) -> dt.date | None:
    return dt.date.fromordinal(day) if day else None
