"""Loading: a knowledge directory (or {file name: text}) → Knowledge and every problem, sorted by file and line;
an edit reloads only the files that changed. Reads each file (file_reader.py, two processes for a large
knowledge base: parallel.py), merges them and checks across files (cross_files.py, answer_card.py), then adds
the review-date warnings (review_dates.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..memory import collector_paused
from ..models import Entry, Knowledge, Problem, Severity
from ..normalize import TextTerms
from .answer_card import check_answer_sizes
from .cross_files import Collected, check_references, keep_file, merge
from .decoding import decode
from .parallel import HELPER_MIN_BYTES, read_files
from .review_dates import review_warnings


@dataclass
class LoadResult:
    knowledge: Knowledge
    problems: list[Problem] = field(default_factory=list)
    # The entries' texts (models.entry_texts) already made terms, when a large knowledge base was read by two
    # processes: each worked out its share's while the other was still reading (the index takes it).
    text_terms: TextTerms | None = None
    unparsed: tuple[str, ...] = ()  # files that are not YAML: the knowledge lacks whatever they define

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors


def load_texts(
    files: Mapping[str, str], *, today: dt.date | None = None, helper_min_bytes: int = HELPER_MIN_BYTES
) -> LoadResult:
    """Validate a whole knowledge set given as {file name: YAML text}, in the given order. From
    `helper_min_bytes` of text a helper process reads part of it."""
    return _load(files, Knowledge(()), today, helper_min_bytes)


def reload_texts(
    previous: Knowledge, names: Iterable[str], changed: Mapping[str, str], *, today: dt.date | None = None
) -> LoadResult | None:
    """The knowledge set after the `changed` files got new text, validated as load_texts would: those files
    are read again; the other files' entries and sources are taken from `previous` (they passed already)
    and the rules across files (unique ids, known source and related ids) are checked over the whole set.
    `names` is every file, in load order. None when a changed file has (or had) synonyms: they shape all
    matching, so the caller loads everything again."""
    if any(name in previous.synonym_files or _has_synonyms(text) for name, text in changed.items()):
        return None
    return _load({name: changed.get(name) for name in names}, previous, today)


def _has_synonyms(text: str) -> bool:
    """Synonyms or topic names: what shapes every entry's matching or display."""
    return re.search(r"^(?:synonyms|topics)\s*:", text, re.MULTILINE) is not None


def _load(
    files: Mapping[str, str | None],
    previous: Knowledge,
    today: dt.date | None,
    helper_min_bytes: int = HELPER_MIN_BYTES,
) -> LoadResult:
    """Read each file given as text; take each file given as None from `previous`; check across files.
    (Synonyms come whole from `previous`: reload_texts never passes a synonym file as unchanged text.)"""
    collected = Collected(
        synonyms=dict(previous.synonyms),
        synonym_files=list(previous.synonym_files),
        topic_names=dict(previous.topic_names),
    )
    kept_entries: dict[str, list[Entry]] = {}
    for entry in previous.entries:
        kept_entries.setdefault(entry.file, []).append(entry)
    with collector_paused():
        texts = {name: text for name, text in files.items() if text is not None}
        reads, text_terms = read_files(texts, helper_min_bytes)
        for name, text in files.items():
            if text is not None:
                merge(reads[name], collected)
                if reads[name].unparsed:
                    collected.unparsed[name] = text
            else:
                keep_file(name, previous, kept_entries.get(name, []), collected)
    check_references(collected)
    check_answer_sizes(collected)
    knowledge = Knowledge(
        entries=tuple(collected.entry_ids.values()),  # in load order: file by file, as each was read
        sources=collected.sources,
        synonyms=collected.synonyms,
        synonym_files=tuple(dict.fromkeys(collected.synonym_files)),
        topic_names=collected.topic_names,
    )
    problems = collected.problems
    problems.extend(review_warnings(knowledge, today or dt.datetime.now(dt.UTC).date()))
    problems.sort(key=lambda p: (p.file, p.line))
    if collected.kept or len(collected.pending) != sum(len(read.entries) for read in reads.values()):
        text_terms = None  # it covers the entries read, in file order: only if they are all the knowledge has
    return LoadResult(knowledge, problems, text_terms, tuple(collected.unparsed))


def load_files(files: Mapping[str, bytes], *, today: dt.date | None = None) -> LoadResult:
    """load_texts for files as they are on disk: bytes that are not UTF-8 are problems at their lines
    (decoding.py), never an exception."""
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for name, content in files.items():
        texts[name], found = decode(name, content)
        problems += found
    result = load_texts(texts, today=today)
    if problems:
        result.problems = sorted(problems + result.problems, key=lambda p: (p.file, p.line))
        result.text_terms = None  # the engine is never built from a file that is not UTF-8
    return result


def knowledge_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())


def load_directory(directory: Path | str, *, today: dt.date | None = None) -> LoadResult:
    directory = Path(directory)
    if not directory.is_dir():
        problem = Problem(str(directory), 0, "", "knowledge directory not found")
        return LoadResult(Knowledge(entries=()), [problem])
    files: dict[str, bytes] = {}
    unreadable: list[Problem] = []
    for path in knowledge_files(directory):
        try:
            files[str(path)] = path.read_bytes()
        except OSError as error:  # unreadable (permissions) or gone since the listing
            unreadable.append(Problem(str(path), 0, "", f"cannot read the file: {error.strerror or error}"))
    if not files and not unreadable:
        problem = Problem(str(directory), 0, "", "no *.yaml files in the knowledge directory")
        return LoadResult(Knowledge(entries=()), [problem])
    result = load_files(files, today=today)
    result.problems[:0] = unreadable
    return result
