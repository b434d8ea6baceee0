"""Edits to the knowledge: validate, save atomically, rebuild the engine and swap it in one step.

The YAML files stay the source of truth. An edit changes only the lines of the entry it touches (other
entries, comments and files keep their text), goes through the same validator as `python -m bot check`
(a refused edit writes nothing), is written to a temporary file that is fsynced and then os.replace'd
over the original (a crash leaves the old file or the new one, never half of one), and is serialised
with every other edit by one lock. Readers hold a reference to one Engine; the new one replaces it in a
single assignment, so a question being answered never sees half an edit.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .answer import Engine, Thresholds
from .loader import SLUG, LoadResult, knowledge_files, load_texts
from .models import Entry, Problem, Severity
from .normalize import Normalizer


class EditRefused(Exception):
    """The edit would make the knowledge invalid; nothing was written. `problems` say where and why."""

    def __init__(self, problems: list[Problem] | list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(_describe(p) for p in problems))


def _describe(problem: Problem | str) -> str:
    if isinstance(problem, str):
        return problem
    key = f"{problem.key}: " if problem.key else ""
    return f"{key}{problem.message}"


@dataclass(frozen=True)
class EditResult:
    action: str
    entry_id: str
    file: str
    before: dict[str, Any] | None  # the entry as it was (None when added)
    after: dict[str, Any] | None  # as it is now (None when removed)
    warnings: list[str] = field(default_factory=list)


class _BlockDumper(yaml.SafeDumper):
    """Writes entries the way the hand-written files look: multi-line text as a `|` block, id lists
    inline ([a, b]), question lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


class _Inline(list):  # type: ignore[type-arg]
    """A list written inline: sources, tags, related."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_text)
_BlockDumper.add_representer(
    _Inline, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)
)
INLINE_KEYS = ("sources", "tags", "related")


def entry_record(entry: Entry) -> dict[str, Any]:
    """An Entry as the mapping written in the YAML files (optional keys only when set)."""
    record: dict[str, Any] = {
        "id": entry.id,
        "questions": list(entry.questions),
        "answer": entry.answer.rstrip() + "\n",
    }
    if entry.sources:
        record["sources"] = list(entry.sources)
    if entry.tags:
        record["tags"] = list(entry.tags)
    if entry.related:
        record["related"] = list(entry.related)
    if entry.reviewed:
        record["reviewed"] = entry.reviewed.isoformat()
    if entry.review_by:
        record["review_by"] = entry.review_by.isoformat()
    return record


def _dump_item(record: dict[str, Any], indent: int) -> list[str]:
    record = {key: _Inline(value) if key in INLINE_KEYS else value for key, value in record.items()}
    for key in ("reviewed", "review_by"):
        if isinstance(record.get(key), str):
            record[key] = dt.date.fromisoformat(record[key])  # written unquoted, as people write it
    text = yaml.dump(
        [record],
        Dumper=_BlockDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
        indent=2,
    )
    pad = " " * indent
    return [pad + line if line else line for line in text.splitlines()]


def record_lines(record: dict[str, Any] | None) -> list[str]:
    """A record as the lines it has in a knowledge file (for diffs in the audit history)."""
    return _dump_item(record, 0) if record else []


@dataclass
class _Item:
    first: int  # 0-based line of the item's "- "
    end: int  # one past its last line (trailing blank and comment lines belong to what follows)
    indent: int  # column of the "- "
    id: str


def _items(text: str, key: str) -> tuple[list[_Item], int | None, int]:
    """The items of a top-level list (`entries` or `sources`) with their line spans; the line after
    which a new item goes (None if the key is absent) and the items' indent."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines = text.splitlines()
    if not isinstance(root, yaml.MappingNode):
        return [], None, 2
    for key_node, value in root.value:
        if key_node.value != key:
            continue
        if not isinstance(value, yaml.SequenceNode) or not value.value:
            return [], key_node.end_mark.line + 1, 2
        items = []
        for node in value.value:
            mark = node.end_mark  # where the next token starts: the item ends before it unless on the same line
            ends_inside_line = mark.line < len(lines) and lines[mark.line][: mark.column].strip()
            end = mark.line + (1 if ends_inside_line else 0)
            while end > node.start_mark.line + 1 and (
                not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
            ):
                end -= 1
            ids = [v.value for k, v in node.value if k.value == "id"] if isinstance(node, yaml.MappingNode) else []
            items.append(
                _Item(node.start_mark.line, end, max(node.start_mark.column - 2, 0), str(ids[0]) if ids else "")
            )
        return items, items[-1].end, items[0].indent
    return [], None, 2


def replace_item(text: str, key: str, item_id: str, record: dict[str, Any] | None) -> str:
    """The file's text with one item replaced by `record` (or removed when None), other lines untouched."""
    lines = text.splitlines()
    item = next((i for i in _items(text, key)[0] if i.id == item_id), None)
    if item is None:
        raise KeyError(item_id)
    new = _dump_item(record, item.indent) if record is not None else []
    return "\n".join(lines[: item.first] + new + lines[item.end :]) + "\n"


def append_item(text: str, key: str, record: dict[str, Any]) -> str:
    """The file's text with `record` added at the end of its top-level `key` list (created if absent)."""
    _, after, indent = _items(text, key) if text.strip() else ([], None, 2)
    lines = text.splitlines()
    if after is None:
        return "\n".join([*lines, f"{key}:", *_dump_item(record, 2)]) + "\n"
    return "\n".join(lines[:after] + _dump_item(record, indent) + lines[after:]) + "\n"


def atomic_write(path: Path, text: str) -> None:
    """Temp file in the same directory → fsync → os.replace → fsync the directory."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class KnowledgeStore:
    def __init__(
        self,
        directory: Path,
        thresholds: Thresholds | None = None,
        new_entries_file: str = "community.yaml",
    ) -> None:
        self.directory = Path(directory)
        self.thresholds = thresholds or Thresholds()
        self.new_entries_path = self.directory / new_entries_file
        self._lock = threading.Lock()
        self.engine, _ = self._engine_from_disk()

    # ---- reading and validating -------------------------------------------------------------------

    def _read(self) -> dict[str, str]:
        return {str(p): p.read_text(encoding="utf-8") for p in knowledge_files(self.directory)}

    def _engine_from_disk(self) -> tuple[Engine, LoadResult]:
        """The files as they are now, validated; EditRefused if any is broken."""
        result = load_texts(self._read())
        if not result.ok:
            raise EditRefused(result.errors)
        return Engine(result.knowledge, self.thresholds), result

    def _commit(self, files: dict[str, str], changed: dict[str, str]) -> LoadResult:
        """Validate the whole set with `changed` applied; write only if valid; then swap the engine."""
        result = load_texts(dict(sorted({**files, **changed}.items())))
        if result.errors:
            raise EditRefused(result.errors)
        for name, text in changed.items():
            atomic_write(Path(name), text)
        self.engine = Engine(result.knowledge, self.thresholds)
        return result

    def _entry(self, entry_id: str) -> Entry:
        entry = self.engine.entry(entry_id)
        if entry is None:
            raise EditRefused([f"no entry with id {entry_id!r}"])
        return entry

    # ---- edits ------------------------------------------------------------------------------------

    def add_entry(self, record: dict[str, Any], *, file: str | None = None) -> EditResult:
        with self._lock:
            entry_id = str(record.get("id", ""))
            if self.engine.entry(entry_id) is not None:
                existing = self.engine.entry(entry_id)
                assert existing is not None
                raise EditRefused(
                    [f"an entry with id {entry_id!r} already exists ({Path(existing.file).name}:{existing.line})"]
                )
            path = Path(file) if file else self.new_entries_path
            files = self._read()
            text = files.get(str(path), "")
            result = self._commit(files, {str(path): append_item(text, "entries", record)})
            return EditResult(
                "add", entry_id, str(path), None, self._record_of(entry_id), self._warnings(result, entry_id)
            )

    def replace_entry(self, entry_id: str, record: dict[str, Any], action: str = "edit") -> EditResult:
        with self._lock:
            return self._replace(entry_id, record, action)

    def _replace(self, entry_id: str, record: dict[str, Any] | None, action: str) -> EditResult:
        entry = self._entry(entry_id)
        before = entry_record(entry)
        if record is not None and record.get("id") != entry_id:
            raise EditRefused([f"id: an edit cannot rename {entry_id!r}; add a new entry and remove this one"])
        files = self._read()
        result = self._commit(files, {entry.file: replace_item(files[entry.file], "entries", entry_id, record)})
        after = self._record_of(entry_id) if record is not None else None
        return EditResult(action, entry_id, entry.file, before, after, self._warnings(result, entry_id))

    def add_alias(self, entry_id: str, question: str) -> EditResult:
        with self._lock:
            question = " ".join(question.split())
            if not question:
                raise EditRefused(["question: must not be empty"])
            record = entry_record(self._entry(entry_id))
            if question.lower() in (q.lower() for q in record["questions"]):
                raise EditRefused([f"question: {entry_id!r} already has this phrasing"])
            record["questions"].append(question)
            return self._replace(entry_id, record, "alias")

    def remove_entry(self, entry_id: str) -> EditResult:
        """Remove an entry; links to it from other entries' `related` are removed first (each step valid)."""
        with self._lock:
            self._entry(entry_id)
            unlinked = []
            for other in self.engine.knowledge.entries:
                if entry_id in other.related:
                    record = entry_record(other)
                    record["related"] = [r for r in other.related if r != entry_id]
                    if not record["related"]:
                        del record["related"]
                    self._replace(other.id, record, "unlink")
                    unlinked.append(other.id)
            result = self._replace(entry_id, None, "remove")
            if unlinked:
                result.warnings.append("removed the related links from: " + ", ".join(unlinked))
            return result

    def restore_entry(self, entry_id: str, record: dict[str, Any] | None, file: str) -> EditResult:
        """Put an entry back as it was (undo): re-add, replace or remove."""
        with self._lock:
            exists = self.engine.entry(entry_id) is not None
            if record is None:
                if not exists:
                    raise EditRefused([f"{entry_id!r} is already gone"])
                return self._replace(entry_id, None, "undo")
            if exists:
                return self._replace(entry_id, record, "undo")
            files = self._read()
            result = self._commit(files, {file: append_item(files.get(file, ""), "entries", record)})
            return EditResult("undo", entry_id, file, None, self._record_of(entry_id), self._warnings(result, entry_id))

    def add_source(self, record: dict[str, Any]) -> EditResult:
        with self._lock:
            source_id = str(record.get("id", ""))
            if source_id in self.engine.knowledge.sources:
                raise EditRefused([f"a source with id {source_id!r} already exists"])
            files = self._read()
            path = str(self.new_entries_path)
            self._commit(files, {path: append_item(files.get(path, ""), "sources", record)})
            return EditResult("source", source_id, path, None, record)

    def reload(self) -> LoadResult:
        """Re-read the files after hand edits. A broken file raises EditRefused; the old engine stays."""
        with self._lock:
            self.engine, result = self._engine_from_disk()
            return result

    # ---- helpers ----------------------------------------------------------------------------------

    def _record_of(self, entry_id: str) -> dict[str, Any] | None:
        entry = self.engine.entry(entry_id)
        return entry_record(entry) if entry else None

    @staticmethod
    def _warnings(result: LoadResult, entry_id: str) -> list[str]:
        """Warnings the edit is part of: its own, and collisions other entries report with it."""
        return [
            p.message
            for p in result.problems
            if p.severity is Severity.WARNING
            and (p.key.startswith(f"{entry_id}.") or f"entry '{entry_id}'" in p.message)
        ]

    def colliding_entries(self, question: str, entry_id: str) -> list[str]:
        """Other entries that already have this phrasing (after normalisation)."""
        normalizer = Normalizer(self.engine.knowledge.synonyms)
        wanted = set(normalizer.terms(question))
        return sorted(
            {
                e.id
                for e in self.engine.knowledge.entries
                if e.id != entry_id
                for q in e.questions
                if wanted and set(normalizer.terms(q)) == wanted
            }
        )


def slug_from(question: str, taken: Callable[[str], bool]) -> str:
    """A new entry id from its first question: lower-case words joined by hyphens, made unique."""
    words = re.findall(r"[a-z0-9]+", question.lower())
    base = "-".join(w for w in words if w not in {"what", "is", "the", "a", "an", "of", "does", "do"})[:50].strip("-")
    base = base or "entry"
    candidate, number = base, 2
    while taken(candidate):
        candidate, number = f"{base}-{number}", number + 1
    assert SLUG.match(candidate)
    return candidate


def parse_entry_form(
    entry_id: str,
    questions: str,
    answer: str,
    sources: str,
    tags: str = "",
    related: tuple[str, ...] = (),
    reviewed: dt.date | None = None,
) -> dict[str, Any]:
    """What a moderator typed in the add/edit form → an entry record for validation."""
    record: dict[str, Any] = {
        "id": entry_id.strip(),
        "questions": [q.strip() for q in questions.splitlines() if q.strip()],
        "answer": answer.strip() + "\n" if answer.strip() else "",
    }
    source_ids = [s.strip() for s in re.split(r"[,\s]+", sources) if s.strip()]
    if source_ids:
        record["sources"] = source_ids
    tag_list = [t.strip().lower() for t in re.split(r"[,]+", tags) if t.strip()]
    if tag_list:
        record["tags"] = tag_list
    if related:
        record["related"] = list(related)
    record["reviewed"] = (reviewed or dt.date.today()).isoformat()
    return record
