"""knowledge/*.yaml → Knowledge. The one validator: used by loading, `check` and moderator edits.

Every problem is collected (not just the first) and names the file, the line and the key, because
people write these files by hand and fix them in one pass.
"""

from __future__ import annotations

import datetime as dt
import logging
import marshal
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .citations import shown_length
from .memory import collector_paused
from .models import ENTRY_KEYS, SOURCE_KEYS, Entry, Knowledge, Problem, Severity, Source, entry_texts
from .normalize import Normalizer, TextTerms

# Text limits. An answer fits one Discord embed with its sources; a phrasing is a question (the longest
# shipped is 120 characters, BANKING77's 433; far longer ones make every edit slow, reliability-findings
# D14); source fields are cut at render time but must not make a citation dwarf the answer. The /kb forms
# use the same limits. An answer is counted as shown, each citation marker as [n] (core/citations.py).
MAX_ANSWER_CHARS = 1800
MAX_QUESTION_CHARS = 500
MAX_TAG_CHARS = 40
MAX_SOURCE_TITLE_CHARS = 300
MAX_URL_CHARS = 1000
MAX_PUBLISHER_CHARS = 200
# An answer as Discord shows it, one embed: its title, text, every citation (title cut at CITED_TITLE_CHARS,
# URL, publisher, date) and every related question must fit Discord's 6,000-character embed total, with
# room for the member's question (up to 256 characters, above an answer to one of several questions) and
# the footer (confidence, entry id, "read as a follow-up about …"). The markup around a citation and a
# related line is counted generously, and a citation's text twice for each character markdown escaping may
# double; the renderer's shortening of the answer (bot/render/embeds.py fit) stays as a last resort.
# Checked for every entry read (reliability D6).
MAX_ANSWER_CARD_CHARS = 5400
CITED_TITLE_CHARS = 200
MAX_TITLE_CHARS = 256  # Discord's embed title; longer ones are cut
CITATION_MARKUP_CHARS = 20  # "**[12]** [" "](" ") — " ", " and the line break
_ESCAPABLE = re.compile(r"[*`_~|\[\\#>-]")  # what discord.utils.escape_markdown may put a backslash before
RELATED_MARKUP_CHARS = 3  # "• " and the line break
STALE_AFTER = dt.timedelta(days=365)
# The id rule, for entries and sources. Entry ids travel inside Discord custom_ids (did-you-mean and vote
# buttons, forms), which Discord caps at 100 characters: 64 leaves every template up to 36 characters of
# its own (tests/discord/test_views.py builds each with the longest id). Templates use these two names.
ID_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
MAX_ID_CHARS = 64
SLUG = re.compile(rf"^{ID_PATTERN}$")
FULL_DATE_CHARS = len("2017-12-11")
PARTIAL_DATE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-\d{2})?)?$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

# libyaml's parser when PyYAML was built with it: the same events and line marks, several times faster
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
log = logging.getLogger(__name__)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# Tags a hand-written file may use: the standard ones for text and numbers. Anything else (`!custom`,
# `!!python/name:…`) is refused with its line instead of being constructed.
_PLAIN_TAGS = frozenset({None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})


def parse_date(value: str | None) -> dt.date:
    """A `reviewed` or `review_by` date as people write it (a timestamp counts as its day). The one date
    rule: the loader and the /kb forms both use it, so both word a bad date the same way."""
    text = value.strip() if value else value
    try:
        if text and len(text) > FULL_DATE_CHARS:
            return dt.datetime.fromisoformat(text).date()
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"expected an ISO date like 2026-11-01, got {text!r}") from None


class _Scalar:
    __slots__ = ("line", "null", "tag", "value")

    def __init__(self, value: str, line: int, tag: str | None, null: bool) -> None:
        self.value, self.line, self.tag, self.null = value, line, tag, null


class _Sequence:
    __slots__ = ("line", "value")

    def __init__(self, line: int) -> None:
        self.line = line
        self.value: list[_Node] = []


class _Mapping:
    __slots__ = ("line", "value")

    def __init__(self, line: int) -> None:
        self.line = line
        self.value: list[tuple[_Node, _Node]] = []


_Node = _Scalar | _Sequence | _Mapping


class _YamlProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


_SCALAR, _SEQUENCE_START, _MAPPING_START, _SEQUENCE_END, _MAPPING_END, _ALIAS, _DOCUMENT, _STREAM_END = (
    yaml.ScalarEvent,
    yaml.SequenceStartEvent,
    yaml.MappingStartEvent,
    yaml.SequenceEndEvent,
    yaml.MappingEndEvent,
    yaml.AliasEvent,
    yaml.DocumentStartEvent,
    yaml.StreamEndEvent,
)
_COLLECTION_TAGS = frozenset({None, "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 0


def _collection(event: Any, kind: type) -> _Sequence | _Mapping:
    """The node a collection start event opens; refuses tags that would construct objects."""
    if event.tag not in _COLLECTION_TAGS:
        raise _YamlProblem(_line(event), f"unsupported YAML tag {event.tag!r}")
    return _Sequence(_line(event)) if kind is _SEQUENCE_START else _Mapping(_line(event))


def _other_event(event: Any, kind: type, documents: int) -> int:
    """1 for a document's start (refused after the first), 0 for the stream's; refuses aliases."""
    if kind is _ALIAS:
        raise _YamlProblem(_line(event), "YAML aliases (*name) are not supported: write it out")
    if kind is _DOCUMENT and documents:
        raise _YamlProblem(_line(event), "expected one YAML document, found another (---)")
    return int(kind is _DOCUMENT)


def _tree(text: str) -> _Node | None:
    """One YAML document as light nodes that keep their line numbers, built from libyaml's events (no
    PyYAML node tree and no constructor: only what the schema needs, and nothing is executed). This loop
    runs once per scalar of a 100,000-entry knowledge base, so it is written for speed: it asks the parser
    for events itself (yaml.parse wraps each in two more calls) and handles a scalar inline."""
    stack: list[_Sequence | _Mapping] = []
    keys: list[_Node | None] = []  # per open mapping: its key waiting for a value
    root: _Node | None = None
    documents = 0
    parser = _Loader(text)
    next_event = parser.get_event
    try:
        while True:
            event = next_event()
            kind = type(event)
            if kind is _SCALAR:
                tag = event.tag
                line = event.start_mark.line + 1
                if tag is not None and tag not in _PLAIN_TAGS:
                    raise _YamlProblem(line, f"unsupported YAML tag {tag!r}: write plain text")
                value = event.value
                node: _Node = _Scalar(value, line, tag, tag is None and event.implicit[0] and value in _NULLS)
            elif kind is _SEQUENCE_END or kind is _MAPPING_END:
                stack.pop()
                keys.pop()
                continue
            elif kind is _SEQUENCE_START or kind is _MAPPING_START:
                node = _collection(event, kind)
            elif kind is _STREAM_END:
                return root
            else:
                documents += _other_event(event, kind, documents)
                continue
            if not stack:
                root = node
            elif type(stack[-1]) is _Sequence:
                stack[-1].value.append(node)  # a list's item
            elif keys[-1] is None:
                keys[-1] = node
            else:
                stack[-1].value.append((keys[-1], node))  # type: ignore[arg-type]  # a mapping's key and value
                keys[-1] = None
            if kind is not _SCALAR:
                stack.append(node)  # type: ignore[arg-type]  # a collection: its items follow
                keys.append(None)
    finally:
        parser.dispose()


TOP_KEYS = ("sources", "entries", "synonyms")
# An entry with this tag states facts that change (counts, office-holders, budgets): it needs a review_by date.
TIME_SENSITIVE_TAG = "time-sensitive"


# Reading YAML and making words of every text is CPU-bound Python: from this much text a second process
# reads the last files (and makes their words) while this one does the first. Reading and making words, with
# a helper (load_texts with helper_min_bytes=0) / alone (then TextTerms.of), median of 3 on 2 cores, on the
# synthetic knowledge of `python -m benchmarks speed`: 100,000 entries (42 MB) 6.8 / 9.9 s, 10,000 (4.2 MB)
# 0.93 / 1.07 s, 5,000 (2.1 MB) 0.63 / 0.55 s: below about 4 MB starting a Python process (~0.2 s with its
# imports) costs more than it saves.
HELPER_MIN_BYTES = 4_000_000
HELPER_SHARE = 0.45  # of the text: a little under half, for the helper's start-up
HELPER_TIMEOUT_S = 600.0


@dataclass
class LoadResult:
    knowledge: Knowledge
    problems: list[Problem] = field(default_factory=list)
    # The entries' texts (models.entry_texts) already made terms, when a large knowledge base was read by two
    # processes: each worked out its share's while the other was still reading (the index takes it).
    text_terms: TextTerms | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors


class _FileReader:
    """Reads one YAML document so every value keeps its line number, and reports every problem."""

    def __init__(self, name: str, text: str, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems
        self.text_ = text

    def error(self, node: _Node | None, key: str, message: str) -> None:
        self.problems.append(Problem(self.name, node.line if node is not None else 0, key, message))

    def root(self) -> _Node | None:
        try:
            return _tree(self.text_)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 0
            self.problems.append(Problem(self.name, line, "", f"YAML syntax error: {exc.problem or exc}"))
        except yaml.YAMLError as exc:
            self.problems.append(Problem(self.name, 0, "", f"YAML error: {exc}"))
        except _YamlProblem as exc:
            self.problems.append(Problem(self.name, exc.line, "", exc.message))
        return None

    def mapping(self, node: _Node, key: str, allowed: tuple[str, ...]) -> dict[str, tuple[_Node, _Node]]:
        """Keys → (key node, value node); reports non-mappings, duplicate and unknown keys."""
        if not isinstance(node, _Mapping):
            self.error(node, key, "expected a mapping of keys to values")
            return {}
        out: dict[str, tuple[_Node, _Node]] = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, _Scalar) else "?"
            where = f"{key}.{name}" if key else name
            if name in out:
                self.error(key_node, where, "duplicate key")
            elif name not in allowed:
                self.error(key_node, where, f"unknown key (allowed: {', '.join(sorted(allowed))})")
            else:
                out[name] = (key_node, value_node)
        return out

    def text(
        self,
        node: _Node,
        key: str,
        *,
        required: bool = True,
        limit: int | None = None,
        length: Callable[[str], int] = len,
    ) -> str | None:
        if not isinstance(node, _Scalar) or node.null:
            if required or not isinstance(node, _Scalar):
                self.error(node, key, "expected text")
            return None
        value = node.value.strip()
        if not value and required:
            self.error(node, key, "must not be empty")
            return None
        if limit is not None and (size := length(value)) > limit:
            self.error(node, key, f"{size} characters; the limit is {limit}")
            return None
        return value or None

    def date(self, node: _Node, key: str) -> dt.date | None:
        if isinstance(node, _Scalar) and node.null:
            return None
        try:
            return parse_date(node.value if isinstance(node, _Scalar) else None)
        except ValueError as error:
            self.error(node, key, str(error))
            return None

    def partial_date(self, node: _Node, key: str) -> str | None:
        """A publication date may be a day, a month or a year: sources are not always more precise."""
        text = node.value.strip() if isinstance(node, _Scalar) and not node.null else ""
        if PARTIAL_DATE.match(text) and (len(text) < FULL_DATE_CHARS or self.date(node, key)):
            return text
        self.error(node, key, f"expected an ISO date like 2017-12-11, 2024-11 or 2013, got {text or None!r}")
        return None

    def texts(self, node: _Node, key: str, *, limit: int | None = None) -> list[tuple[str, _Node]]:
        if not isinstance(node, _Sequence):
            self.error(node, key, "expected a list")
            return []
        out = []
        for i, item in enumerate(node.value):
            value = self.text(item, f"{key}[{i}]", limit=limit)
            if value is not None:
                out.append((value, item))
        return out


@dataclass
class _Pending:
    """An entry read from a file, before its cross-file references are checked: with the lines of what those
    checks may report (plain data: a helper process may have read it, see _Helper)."""

    entry: Entry
    key: str  # where it is in its file: entries[3]
    source_lines: list[tuple[str, int]]
    related_lines: list[tuple[str, int]]
    answer_line: int


@dataclass
class _FileRead:
    """One file read on its own: what is unique across files (ids) is checked when the reads are merged."""

    name: str
    problems: list[Problem] = field(default_factory=list)
    sources: list[tuple[Source, int]] = field(default_factory=list)  # with the line of the source's id
    entries: list[_Pending] = field(default_factory=list)
    synonyms: list[tuple[str, tuple[str, ...]]] | None = None  # None: the file has no synonyms

    # The helper process sends its reads as plain tuples through marshal: 0.3 s for 45,000 entries there and
    # back, against 0.7 s for pickled dataclasses (pickle remembers every string it writes).
    def plain(self) -> tuple[Any, ...]:
        return (
            self.name,
            [(p.file, p.line, p.key, p.message, p.severity.value) for p in self.problems],
            [(s.id, s.title, s.url, s.publisher, s.date, s.line, id_line) for s, id_line in self.sources],
            [_plain_pending(pending) for pending in self.entries],
            self.synonyms,
        )

    @classmethod
    def from_plain(cls, plain: tuple[Any, ...]) -> _FileRead:
        name, problems, sources, entries, synonyms = plain
        return cls(
            name,
            [Problem(file, line, key, message, Severity(severity)) for file, line, key, message, severity in problems],
            [
                (Source(source_id, title, url, publisher, date, name, line), id_line)
                for source_id, title, url, publisher, date, line, id_line in sources
            ],
            [_pending_of(name, entry) for entry in entries],
            synonyms,
        )


def _plain_pending(pending: _Pending) -> tuple[Any, ...]:
    e = pending.entry
    return (
        *(e.id, e.questions, e.answer, e.sources, e.tags, e.related, _day(e.reviewed), _day(e.review_by), e.line),
        *(pending.key, pending.source_lines, pending.related_lines, pending.answer_line),
    )


def _pending_of(file: str, plain: tuple[Any, ...]) -> _Pending:
    entry_id, questions, answer, cited, tags, related, reviewed, review_by, line, *where = plain
    key, source_lines, related_lines, answer_line = where
    entry = Entry(entry_id, questions, answer, cited, tags, related, _date(reviewed), _date(review_by), file, line)
    return _Pending(entry, key, source_lines, related_lines, answer_line)


def _day(date: dt.date | None) -> int | None:
    return date.toordinal() if date else None


def _date(day: int | None) -> dt.date | None:
    return dt.date.fromordinal(day) if day else None


@dataclass
class _Collected:
    """What the files hold so far, across files: ids must be unique across the whole directory."""

    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    pending: list[_Pending] = field(default_factory=list)
    entry_ids: dict[str, Entry] = field(default_factory=dict)
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    synonym_files: list[str] = field(default_factory=list)
    kept: list[Entry] = field(default_factory=list)  # entries of unchanged files, valid when last read
    # entry_ids keeps insertion order: it is also the knowledge's order of entries


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
    return re.search(r"^synonyms\s*:", text, re.MULTILINE) is not None


def _load(
    files: Mapping[str, str | None],
    previous: Knowledge,
    today: dt.date | None,
    helper_min_bytes: int = HELPER_MIN_BYTES,
) -> LoadResult:
    """Read each file given as text; take each file given as None from `previous`; check across files.
    (Synonyms come whole from `previous`: reload_texts never passes a synonym file as unchanged text.)"""
    collected = _Collected(synonyms=dict(previous.synonyms), synonym_files=list(previous.synonym_files))
    kept_entries: dict[str, list[Entry]] = {}
    for entry in previous.entries:
        kept_entries.setdefault(entry.file, []).append(entry)
    with collector_paused():
        texts = {name: text for name, text in files.items() if text is not None}
        reads, text_terms = _read_files(texts, helper_min_bytes)
        for name, text in files.items():
            if text is not None:
                _merge(reads[name], collected)
            else:
                _keep_file(name, previous, kept_entries.get(name, []), collected)
    _check_references(collected)
    _check_answer_sizes(collected)
    knowledge = Knowledge(
        entries=tuple(collected.entry_ids.values()),  # in load order: file by file, as each was read
        sources=collected.sources,
        synonyms=collected.synonyms,
        synonym_files=tuple(dict.fromkeys(collected.synonym_files)),
    )
    problems = collected.problems
    problems.extend(_review_warnings(knowledge, today or dt.datetime.now(dt.UTC).date()))
    problems.sort(key=lambda p: (p.file, p.line))
    if collected.kept or len(collected.pending) != sum(len(read.entries) for read in reads.values()):
        text_terms = None  # it covers the entries read, in file order: only if they are all the knowledge has
    return LoadResult(knowledge, problems, text_terms)


def _read_files(texts: Mapping[str, str], helper_min_bytes: int) -> tuple[dict[str, _FileRead], TextTerms | None]:
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


def read_texts(reads: Iterable[_FileRead]) -> list[str]:
    """The texts of the entries read, file after file, as models.entry_texts orders them."""
    return entry_texts(pending.entry for read in reads for pending in read.entries)


def _usable_cores() -> int:
    """The cores this process may run on (os.sched_getaffinity is Linux's; elsewhere all of them)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


class _Helper:
    """A second Python process (bot/core/load_worker.py) that reads files and sends their reads back pickled.
    It runs this checkout's code (the parent's path comes first). The texts go to it in a temporary file and
    its reads come back on its stdout, collected once this process has read its own share: a thread feeding
    or draining the pipes meanwhile would wait for the interpreter lock every few milliseconds, 3 s at 20 MB."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        with tempfile.NamedTemporaryFile("wb", prefix="faq-knowledge-", suffix=".marshal", delete=False) as payload:
            marshal.dump(texts, payload)
        self._payload = Path(payload.name)
        root = str(Path(__file__).resolve().parents[2])
        command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {root!r}); import bot.core.load_worker"]
        try:
            self._process = subprocess.Popen([*command, payload.name], stdout=subprocess.PIPE)  # noqa: S603 - ours
        except OSError as error:
            log.warning("could not start a helper to read the knowledge (%s): reading it here", error)
            self._payload.unlink(missing_ok=True)

    def reads(self) -> tuple[list[_FileRead], TextTerms] | None:
        """The helper's reads and their entries' TextTerms, or None (logged) if it failed."""
        if self._process is None:
            return None
        try:
            output, _ = self._process.communicate(timeout=HELPER_TIMEOUT_S)
            if self._process.returncode != 0:
                raise ValueError(f"exit code {self._process.returncode}")
            reads, terms = marshal.loads(output)  # noqa: S302 - our own child process's output
            return [_FileRead.from_plain(read) for read in reads], TextTerms.from_plain(terms)
        except Exception as error:  # whatever went wrong, this process reads the files itself
            self._process.kill()
            log.warning("the helper reading the knowledge failed (%s): reading its files here", error)
            return None
        finally:
            self._payload.unlink(missing_ok=True)


def read_file(name: str, text: str) -> _FileRead:
    """One file's sources, entries and synonyms with every problem found inside the file."""
    read = _FileRead(name)
    reader = _FileReader(name, text, read.problems)
    root = reader.root()
    if root is None:
        return read
    top = reader.mapping(root, "", TOP_KEYS)
    if "sources" in top:
        _read_sources(reader, top["sources"][1], read.sources)
    if "entries" in top:
        for item in _items(reader, top["entries"][1], "entries"):
            pending = _read_entry(reader, *item)
            if pending is not None:
                read.entries.append(pending)
    if "synonyms" in top:
        read.synonyms = []
        _read_synonyms(reader, top["synonyms"][1], read.synonyms)
    return read


def _merge(read: _FileRead, collected: _Collected) -> None:
    """A file's read added to what earlier files hold: an id seen before is reported where it repeats."""
    collected.problems.extend(read.problems)
    for source, id_line in read.sources:
        first_source = collected.sources.get(source.id)
        if first_source is not None:
            where = f"{first_source.file}:{first_source.line}"
            collected.problems.append(
                Problem(read.name, id_line, f"sources.{source.id}.id", f"duplicate source id (first at {where})")
            )
        else:
            collected.sources[source.id] = source
    for pending in read.entries:
        entry = pending.entry
        first = collected.entry_ids.get(entry.id)
        if first is not None:
            message = f"duplicate id {entry.id!r} (first at {first.file}:{first.line})"
            collected.problems.append(Problem(read.name, entry.line, f"{pending.key}.id", message))
            continue
        collected.entry_ids[entry.id] = entry
        collected.pending.append(pending)
    if read.synonyms is not None:
        for canonical, equivalents in read.synonyms:
            collected.synonyms[canonical] = collected.synonyms.get(canonical, ()) + equivalents
        collected.synonym_files.append(read.name)


def _keep_file(name: str, previous: Knowledge, entries: list[Entry], collected: _Collected) -> None:
    """A file that did not change: its sources and entries as they were read before. Their references are
    checked again with everyone's (a changed file may have removed what they point at), at the entry's line."""
    for source in previous.sources.values():
        if source.file == name:
            collected.sources.setdefault(source.id, source)
    for entry in entries:
        first = collected.entry_ids.get(entry.id)
        if first is not None:
            where = f"{first.file}:{first.line}"
            message = f"duplicate id {entry.id!r} (first at {where})"
            collected.problems.append(Problem(name, entry.line, f"{entry.id}.id", message))
            continue
        collected.entry_ids[entry.id] = entry
        collected.kept.append(entry)


def _check_references(collected: _Collected) -> None:
    """Source and related ids may point into any file: checked once every file has been read."""
    sources, entry_ids = collected.sources, collected.entry_ids
    for entry in collected.kept:
        for source_id in entry.sources:
            if source_id not in sources:
                message = f"unknown source id {source_id!r}"
                collected.problems.append(Problem(entry.file, entry.line, f"{entry.id}.sources", message))
        for related_id in entry.related:
            if related_id not in entry_ids:
                message = f"unknown entry id {related_id!r}"
                collected.problems.append(Problem(entry.file, entry.line, f"{entry.id}.related", message))
    for read in collected.pending:
        file, entry_id = read.entry.file, read.entry.id
        for source_id, line in read.source_lines:
            if source_id not in collected.sources:
                collected.problems.append(
                    Problem(file, line, f"{entry_id}.sources", f"unknown source id {source_id!r}")
                )
        for related_id, line in read.related_lines:
            if related_id not in collected.entry_ids:
                collected.problems.append(
                    Problem(file, line, f"{entry_id}.related", f"unknown entry id {related_id!r}")
                )
            elif related_id == entry_id:
                message = "an entry cannot be related to itself"
                collected.problems.append(Problem(file, line, f"{entry_id}.related", message))


def _check_answer_sizes(collected: _Collected) -> None:
    """Every entry read this time must fit Discord as it is shown (MAX_ANSWER_CARD_CHARS)."""
    for read in collected.pending:
        if (size := answer_card_chars(read.entry, collected.sources, collected.entry_ids)) > MAX_ANSWER_CARD_CHARS:
            message = (
                f"shown with its {len(read.entry.sources)} sources and {len(read.entry.related)} related questions, "
                f"this answer is {size} characters; Discord shows at most {MAX_ANSWER_CARD_CHARS}: shorten the "
                "answer or cite fewer sources"
            )
            collected.problems.append(Problem(read.entry.file, read.answer_line, f"{read.entry.id}.answer", message))


def answer_card_chars(entry: Entry, sources: Mapping[str, Source], entries: Mapping[str, Entry]) -> int:
    """The characters an answer takes on Discord (see MAX_ANSWER_CARD_CHARS); unknown ids count nothing."""
    size = min(len(entry.title), MAX_TITLE_CHARS) + shown_length(entry.answer)
    for source in (sources[s] for s in entry.sources if s in sources):
        escaped = f"{source.title[:CITED_TITLE_CHARS]}{source.publisher or ''}{source.date or ''}"
        size += len(escaped) + len(_ESCAPABLE.findall(escaped)) + len(source.url) + CITATION_MARKUP_CHARS
    for related in (entries[r] for r in entry.related if r in entries):
        size += len(related.title) + RELATED_MARKUP_CHARS
    return size


def knowledge_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())


def load_directory(directory: Path | str, *, today: dt.date | None = None) -> LoadResult:
    directory = Path(directory)
    if not directory.is_dir():
        problem = Problem(str(directory), 0, "", "knowledge directory not found")
        return LoadResult(Knowledge(entries=()), [problem])
    files = {str(path): path.read_text(encoding="utf-8") for path in knowledge_files(directory)}
    if not files:
        problem = Problem(str(directory), 0, "", "no *.yaml files in the knowledge directory")
        return LoadResult(Knowledge(entries=()), [problem])
    return load_texts(files, today=today)


def uncited(knowledge: Knowledge) -> list[Problem]:
    """The shipped knowledge must cite every entry; the engine itself does not insist."""
    return [
        Problem(e.file, e.line, f"{e.id}.sources", "entry cites no source") for e in knowledge.entries if not e.sources
    ]


def _items(reader: _FileReader, node: _Node, key: str) -> Iterable[tuple[_Node, str]]:
    if not isinstance(node, _Sequence):
        reader.error(node, key, "expected a list")
        return []
    return [(item, f"{key}[{i}]") for i, item in enumerate(node.value)]


def _read_sources(reader: _FileReader, node: _Node, sources: list[tuple[Source, int]]) -> None:
    for item, key in _items(reader, node, "sources"):
        fields = reader.mapping(item, key, SOURCE_KEYS)
        if not fields:
            continue
        source_id = _slug(reader, fields, item, key)
        if source_id:
            key = f"sources.{source_id}"
        title = _required_text(reader, fields, item, key, "title", MAX_SOURCE_TITLE_CHARS)
        url = _required_text(reader, fields, item, key, "url", MAX_URL_CHARS)
        if url and not URL.match(url):
            reader.error(fields["url"][1], f"{key}.url", f"URL must start with http:// or https:// (got {url[:60]!r})")
            url = None
        publisher = (
            reader.text(fields["publisher"][1], f"{key}.publisher", required=False, limit=MAX_PUBLISHER_CHARS)
            if "publisher" in fields
            else None
        )
        date = reader.partial_date(fields["date"][1], f"{key}.date") if "date" in fields else None
        if source_id and title and url:
            sources.append(
                (Source(source_id, title, url, publisher, date, reader.name, item.line), fields["id"][1].line)
            )


def _read_entry(reader: _FileReader, node: _Node, key: str) -> _Pending | None:
    fields = reader.mapping(node, key, ENTRY_KEYS)
    if not fields:
        return None
    position = key
    entry_id = _slug(reader, fields, node, key)
    if entry_id:
        key = entry_id
    questions = (
        reader.texts(fields["questions"][1], f"{key}.questions", limit=MAX_QUESTION_CHARS)
        if "questions" in fields
        else []
    )
    if "questions" not in fields:
        reader.error(node, f"{key}.questions", "missing: at least one question is required")
    elif not questions and isinstance(fields["questions"][1], _Sequence):
        reader.error(fields["questions"][1], f"{key}.questions", "must list at least one question")
    answer = _required_text(reader, fields, node, key, "answer", MAX_ANSWER_CHARS, shown_length)
    source_nodes = reader.texts(fields["sources"][1], f"{key}.sources") if "sources" in fields else []
    tags = reader.texts(fields["tags"][1], f"{key}.tags", limit=MAX_TAG_CHARS) if "tags" in fields else []
    related_nodes = reader.texts(fields["related"][1], f"{key}.related") if "related" in fields else []
    reviewed = reader.date(fields["reviewed"][1], f"{key}.reviewed") if "reviewed" in fields else None
    review_by = reader.date(fields["review_by"][1], f"{key}.review_by") if "review_by" in fields else None
    if not (entry_id and questions and answer):
        return None
    entry = Entry(
        id=entry_id,
        questions=tuple(dict.fromkeys(q for q, _ in questions)),
        answer=answer,
        sources=tuple(s for s, _ in source_nodes),
        tags=tuple(t.lower() for t, _ in tags),
        related=tuple(r for r, _ in related_nodes),
        reviewed=reviewed,
        review_by=review_by,
        file=reader.name,
        line=node.line,
    )
    return _Pending(
        entry,
        position,
        [(source_id, node.line) for source_id, node in source_nodes],
        [(related_id, node.line) for related_id, node in related_nodes],
        fields["answer"][1].line,
    )


def _read_synonyms(reader: _FileReader, node: _Node, synonyms: list[tuple[str, tuple[str, ...]]]) -> None:
    if not isinstance(node, _Mapping):
        reader.error(node, "synonyms", "expected a mapping of term → list of equivalents")
        return
    for key_node, value_node in node.value:
        canonical = str(key_node.value).strip()
        key = f"synonyms.{canonical}"
        if not canonical:
            reader.error(key_node, key, "empty term")
            continue
        synonyms.append((canonical, tuple(e for e, _ in reader.texts(value_node, key))))


def _slug(reader: _FileReader, fields: dict[str, tuple[_Node, _Node]], node: _Node, key: str) -> str | None:
    value = _required_text(reader, fields, node, key, "id", MAX_ID_CHARS)
    if value and not SLUG.match(value):
        reader.error(fields["id"][1], f"{key}.id", f"id must be a lower-case slug like 'pesco-members' (got {value!r})")
        return None
    return value


def _required_text(
    reader: _FileReader,
    fields: dict[str, tuple[_Node, _Node]],
    node: _Node,
    key: str,
    name: str,
    limit: int | None = None,
    length: Callable[[str], int] = len,
) -> str | None:
    if name not in fields:
        reader.error(node, f"{key}.{name}", "missing")
        return None
    return reader.text(fields[name][1], f"{key}.{name}", limit=limit, length=length)


def collision_message(question: str, other_question: str, other_id: str) -> str:
    return f"{question!r} collides with {other_question!r} of entry {other_id!r}"


def collisions(knowledge: Knowledge) -> list[Problem]:
    """Phrasings two entries share after normalisation: the matcher cannot tell those entries apart. (It
    normalises every phrasing, so `check` asks for it; an edit asks the index about its own phrasings.)"""
    warnings: list[Problem] = []
    normalizer = Normalizer(knowledge.synonyms)
    owner: dict[str, tuple[Entry, str]] = {}
    for entry in knowledge.entries:
        for question in entry.questions:
            key = normalizer.phrasing_key(question)
            if not key:
                continue
            seen = owner.setdefault(key, (entry, question))
            if seen[0].id != entry.id:
                message = collision_message(question, seen[1], seen[0].id)
                warnings.append(Problem(entry.file, entry.line, f"{entry.id}.questions", message, Severity.WARNING))
    return warnings


def due_for_review(knowledge: Knowledge, until: dt.date) -> list[Entry]:
    """Entries whose facts need checking by `until`: review_by on or before it, or tagged time-sensitive with
    no review_by at all (those first). For /kb stale and the moderators' weekly digest."""
    due = [e for e in knowledge.entries if e.review_by is None and TIME_SENSITIVE_TAG in e.tags]
    dated = [e for e in knowledge.entries if e.review_by is not None and e.review_by <= until]
    return due + sorted(dated, key=lambda e: (e.review_by, e.id))


def _review_warnings(knowledge: Knowledge, today: dt.date) -> list[Problem]:
    """Reviews over a year old, review-by dates passed, and time-sensitive entries without one."""
    warnings: list[Problem] = []

    def warn(entry: Entry, key: str, message: str) -> None:
        warnings.append(Problem(entry.file, entry.line, f"{entry.id}.{key}", message, Severity.WARNING))

    for entry in knowledge.entries:
        if entry.reviewed and today - entry.reviewed > STALE_AFTER:
            warn(entry, "reviewed", f"last reviewed {entry.reviewed.isoformat()}, over a year ago")
        if entry.review_by and entry.review_by < today:
            warn(entry, "review_by", f"due for review since {entry.review_by.isoformat()}")
        elif entry.review_by is None and TIME_SENSITIVE_TAG in entry.tags:
            warn(entry, "review_by", f"tagged {TIME_SENSITIVE_TAG} but has no review_by date")
    return warnings
