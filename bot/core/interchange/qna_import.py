"""A QnA Maker / Azure question answering export (rows read by table.py) → entries and sources for a new knowledge
file. The rows of one answer (one QnaId, else one answer text and source) become one entry with their questions;
metadata `key:value` pairs become tags; a web address in Source becomes the source every paragraph cites; a row
that cannot be taken is a Refused with its line. What such an export cannot hold is said in `notes`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from ..citations import cite_unmarked, shown_length
from ..loader import MAX_ANSWER_CHARS, MAX_ID_CHARS, MAX_QUESTION_CHARS, MAX_SOURCE_TITLE_CHARS, MAX_TAG_CHARS
from ..models import Entry, Knowledge, Source
from ..yaml_edit import append_item, entry_record, source_record
from .footnotes import split_footnotes
from .table import Refused, Row, Table

TAG_KEYS = frozenset({"tag", "topic"})  # metadata whose value is the tag itself; other keys give "key-value"
ID_KEY = "id"  # metadata naming the entry's id (our exports write it, so an export imports with its ids)
_WEB_ADDRESS = re.compile(r"^https?://\S+$", re.IGNORECASE)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Imported:
    entries: list[Entry] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)  # the new ones (sources the knowledge has are reused)
    refused: list[Refused] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the export could not supply, for the person importing

    def yaml(self, header: str) -> str:
        """The new knowledge file: `header` as a comment, then the sources and the entries."""
        parts = ["".join(f"# {line}\n" for line in header.splitlines())]
        for key, records in (
            ("sources", [source_record(s) for s in self.sources]),
            ("entries", [entry_record(e) for e in self.entries]),
        ):
            if records:  # each item dumped alone (appended to nothing): linear in the number of items
                parts.append(f"{key}:\n" + "".join(append_item("", key, r).split("\n", 1)[1] for r in records))
        return "\n".join(parts)


@dataclass
class _Group:
    rows: list[Row]
    answer: str


def import_table(table: Table, known: Knowledge) -> Imported:
    """The entries and sources the rows make, checked against the knowledge they join (ids stay unique)."""
    done = Imported(refused=list(table.refused))
    ids = _Ids({e.id for e in known.entries}, set(known.sources))
    by_url = {source.url: source for source in known.sources.values()}
    for group in _groups(table.rows, "QnaId" in table.columns, done.refused):
        entry = _entry(group, ids, by_url, known, done)
        if entry is not None:
            done.entries.append(entry)
    done.refused.sort(key=lambda refused: refused.line)
    done.notes += _notes(table, done)
    return done


def _groups(rows: Iterable[Row], by_id: bool, refused: list[Refused]) -> list[_Group]:
    """Rows of one answer together, in the order each answer first appears."""
    groups: dict[tuple[str, ...], _Group] = {}
    for row in rows:
        question, answer = " ".join(row.fields["Question"].split()), row.fields["Answer"].strip()
        if not question or not answer:
            refused.append(Refused(row.line, f"no {'question' if not question else 'answer'}"))
            continue
        if len(question) > MAX_QUESTION_CHARS:
            refused.append(
                Refused(row.line, f"question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}")
            )
            continue
        qna_id = row.fields.get("QnaId", "").strip() if by_id else ""
        key = ("id", qna_id) if qna_id else ("text", " ".join(answer.split()), row.fields.get("Source", "").strip())
        group = groups.setdefault(key, _Group([], answer))
        if group.answer != answer:
            first = group.rows[0].line
            refused.append(Refused(row.line, f"its answer differs from line {first}'s, which has the same QnaId"))
            continue
        group.rows.append(row)
    return list(groups.values())


def _entry(group: _Group, ids: _Ids, by_url: dict[str, Source], known: Knowledge, done: Imported) -> Entry | None:
    first = group.rows[0]
    body, defined = split_footnotes(group.answer)
    if defined:
        body, cited = _footnoted(body, defined, ids, known, done)
    else:
        cited = _source_of(first.fields.get("Source", "").strip(), ids, by_url, done)
        body = cite_unmarked(body, [source.id for source in cited])
    if (size := shown_length(body)) > MAX_ANSWER_CHARS:
        lines = ", ".join(str(row.line) for row in group.rows)
        message = f"answer is {size} characters as shown; the limit is {MAX_ANSWER_CHARS} (rows at lines {lines})"
        done.refused.append(Refused(first.line, message))
        return None
    questions: dict[str, str] = {}  # the first spelling of each question, whatever its case
    for row in group.rows:
        question = " ".join(row.fields["Question"].split())
        questions.setdefault(question.lower(), question)
    unique_questions = list(questions.values())
    tags = [tag for row in group.rows for tag in _tags(row, done)]
    wanted_id = next((tag[len(ID_KEY) + 1 :] for tag in tags if tag.startswith(f"{ID_KEY}-")), None)
    tags = [tag for tag in tags if not tag.startswith(f"{ID_KEY}-")]
    for source in cited:
        if source.id not in known.sources and source not in done.sources:
            done.sources.append(source)
    entry_id = ids.entry(wanted_id if wanted_id and slug(wanted_id) == wanted_id else unique_questions[0])
    return Entry(entry_id, tuple(unique_questions), body, tuple(s.id for s in cited), tuple(dict.fromkeys(tags)))


def _footnoted(
    body: str, defined: list[Source], ids: _Ids, known: Knowledge, done: Imported
) -> tuple[str, list[Source]]:
    """Sources the answer defines itself (an export of ours): kept, or renamed if the id means another source."""
    cited = []
    for source in defined:
        same = known.sources.get(source.id) or next((s for s in done.sources if s.id == source.id), None)
        if same is not None and same.url == source.url:
            cited.append(same)
            continue
        if same is not None:  # the id is taken by another source: a new one, and the markers follow it
            renamed = ids.source(source.id)
            body = body.replace(f"[^{source.id}]", f"[^{renamed}]")
            source = replace(source, id=renamed)
        else:
            ids.taken_sources.add(source.id)
        cited.append(source)
    return body, cited


def _source_of(text: str, ids: _Ids, by_url: dict[str, Source], done: Imported) -> list[Source]:
    """The Source column as a source: a web address the knowledge or this import has already, else a new one."""
    if not _WEB_ADDRESS.match(text):
        return []
    if text in by_url:
        return [by_url[text]]
    parts = urlsplit(text)
    address = (parts.netloc.removeprefix("www.") + parts.path.rstrip("/"))[:MAX_SOURCE_TITLE_CHARS]
    source = Source(ids.source(address), address, text)
    by_url[text] = source
    return [source]


def _tags(row: Row, done: Imported) -> list[str]:
    tags = []
    for pair in filter(None, (p.strip() for p in row.fields.get("Metadata", "").split("|"))):
        key, colon, value = (part.strip() for part in pair.partition(":"))
        tag = (value if key.lower() in TAG_KEYS else f"{key}-{value}").lower()
        if not colon or not key or not value:
            done.notes.append(f"line {row.line}: metadata {pair!r} is not key:value; it was left out")
        elif len(tag) > MAX_TAG_CHARS:
            done.notes.append(f"line {row.line}: tag {tag!r} is over {MAX_TAG_CHARS} characters; it was left out")
        else:
            tags.append(tag)
    return tags


def _notes(table: Table, done: Imported) -> list[str]:
    notes = []
    made = [s for s in done.sources if s.title in s.url]
    if made:
        notes.append(
            f"{len(made)} source(s) have a title made from their web address and no publisher or date (an export "
            "has neither): give each its title, publisher and date"
        )
    uncited = [e.id for e in done.entries if not e.sources]
    if uncited:
        notes.append(
            f"entries that cite no source (their Source was not a web address), which `check` refuses until each "
            f"cites one: {', '.join(uncited)}"
        )
    if done.entries:
        notes.append("no entry has a `reviewed` date: add one once a person has checked it against its sources")
    extra = [
        c
        for c in ("SuggestedQuestions", "Prompts")
        if any(r.fields.get(c, "").strip() not in ("", "[]") for r in table.rows)
    ]
    if extra:
        notes.append(f"not imported (the knowledge has no such thing): {', '.join(extra)}")
    return notes


class _Ids:
    """Entry and source ids made from text, unique against the knowledge and this import."""

    def __init__(self, entries: set[str], sources: set[str]) -> None:
        self.taken_entries, self.taken_sources = entries, sources

    def entry(self, question: str) -> str:
        return _unique(slug(question) or "entry", self.taken_entries)

    def source(self, text: str) -> str:
        return _unique(slug(text) or "source", self.taken_sources)


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a hyphen to fit an id (with room for a "-2")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(words) > MAX_ID_CHARS - 4:
        words = words[: MAX_ID_CHARS - 4].rsplit("-", 1)[0]
    return words


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate
