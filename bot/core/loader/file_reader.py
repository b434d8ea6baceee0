"""One knowledge file read on its own against the schema: its sources, entries and synonyms, and every problem
inside the file with its line and key. What is unique across files is checked when reads are merged
(cross_files.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import yaml

from ..citations import shown_length
from ..models import ENTRY_KEYS, SOURCE_KEYS, Entry, Problem, Source
from .claims import check_claims
from .schema import (
    FULL_DATE_CHARS,
    MAX_ANSWER_CHARS,
    MAX_ID_CHARS,
    MAX_PUBLISHER_CHARS,
    MAX_QUESTION_CHARS,
    MAX_SOURCE_TITLE_CHARS,
    MAX_TAG_CHARS,
    MAX_TOPIC_NAME_CHARS,
    MAX_URL_CHARS,
    PARTIAL_DATE,
    SLUG,
    TOP_KEYS,
    URL,
    parse_date,
)
from .yaml_nodes import MappingNode, Node, ScalarNode, SequenceNode, YamlProblem, tree


class FileReader:
    """Reads one YAML document so every value keeps its line number, and reports every problem."""

    def __init__(self, name: str, text: str, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems
        self.text_ = text
        self._lines: list[str] | None = None

    def error(self, node: Node | None, key: str, message: str, line: int | None = None) -> None:
        """A problem at `line`, else at the node's line."""
        where = line if line is not None else node.line if node is not None else 0
        self.problems.append(Problem(self.name, where, key, message))

    def line_text(self, line: int) -> str:
        """The file's line `line` (1-based), as YAML counts lines; split only when a problem asks for it."""
        if self._lines is None:
            self._lines = self.text_.splitlines()
        return self._lines[line - 1] if 0 < line <= len(self._lines) else ""

    def root(self) -> Node | None:
        try:
            return tree(self.text_)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 0
            self.problems.append(Problem(self.name, line, "", f"YAML syntax error: {exc.problem or exc}"))
        except yaml.reader.ReaderError as exc:  # a character YAML refuses: its position is libyaml's, in bytes
            self._bad_character(chr(exc.character) if isinstance(exc.character, int) else str(exc.character))
        except UnicodeEncodeError as exc:  # a lone surrogate (text given by a caller, not read from a file)
            self._bad_character(exc.object[exc.start])
        except yaml.YAMLError as exc:
            self.problems.append(Problem(self.name, 0, "", f"YAML error: {exc}"))
        except YamlProblem as exc:
            self.problems.append(Problem(self.name, exc.line, "", exc.message))
        return None

    def _bad_character(self, character: str) -> None:
        """A character no knowledge file may hold, at its line: the first one in the file is the one the reader
        stopped at (it refuses every occurrence, wherever it is)."""
        position = max(self.text_.find(character), 0)
        line = self.text_.count("\n", 0, position) + 1
        column = position - self.text_.rfind("\n", 0, position)
        code = ord(character)
        if character == "\0":
            hint = "a NUL character; was the file saved as UTF-16 or UTF-32? Save it as UTF-8"
        elif "\ud800" <= character <= "\udfff":
            hint = "half of a surrogate pair, which is not a character: delete it"
        elif character in "\ufffe\uffff":
            hint = "not a character: delete it"
        else:
            hint = "a control character, which YAML does not allow: delete it"
        self.problems.append(Problem(self.name, line, "", f"U+{code:04X} at column {column} is {hint}"))

    def mapping(self, node: Node, key: str, allowed: tuple[str, ...]) -> dict[str, tuple[Node, Node]]:
        """Keys → (key node, value node); reports non-mappings, duplicate and unknown keys."""
        if not isinstance(node, MappingNode):
            self.error(node, key, "expected a mapping of keys to values")
            return {}
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, ScalarNode) else "?"
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
        node: Node,
        key: str,
        *,
        required: bool = True,
        limit: int | None = None,
        length: Callable[[str], int] = len,
    ) -> str | None:
        if not isinstance(node, ScalarNode) or node.null:
            if required or not isinstance(node, ScalarNode):
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

    def date(self, node: Node, key: str) -> dt.date | None:
        if isinstance(node, ScalarNode) and node.null:
            return None
        try:
            return parse_date(node.value if isinstance(node, ScalarNode) else None)
        except ValueError as error:
            self.error(node, key, str(error))
            return None

    def partial_date(self, node: Node, key: str) -> str | None:
        """A publication date may be a day, a month or a year: sources are not always more precise."""
        text = node.value.strip() if isinstance(node, ScalarNode) and not node.null else ""
        if PARTIAL_DATE.match(text) and (len(text) < FULL_DATE_CHARS or self.date(node, key)):
            return text
        self.error(node, key, f"expected an ISO date like 2017-12-11, 2024-11 or 2013, got {text or None!r}")
        return None

    def texts(self, node: Node, key: str, *, limit: int | None = None) -> list[tuple[str, Node]]:
        if not isinstance(node, SequenceNode):
            self.error(node, key, "expected a list")
            return []
        out = []
        for i, item in enumerate(node.value):
            value = self.text(item, f"{key}[{i}]", limit=limit)
            if value is not None:
                out.append((value, item))
        return out


@dataclass
class Pending:
    """An entry read from a file, before its cross-file references are checked: with the lines of what those
    checks may report (plain data: a helper process may have read it, see parallel.py)."""

    entry: Entry
    key: str  # where it is in its file: entries[3]
    source_lines: list[tuple[str, int]]
    related_lines: list[tuple[str, int]]
    answer_line: int


@dataclass
class FileRead:
    """One file read on its own: what is unique across files (ids) is checked when the reads are merged."""

    name: str
    problems: list[Problem] = field(default_factory=list)
    sources: list[tuple[Source, int]] = field(default_factory=list)  # with the line of the source's id
    entries: list[Pending] = field(default_factory=list)
    synonyms: list[tuple[str, tuple[str, ...]]] | None = None  # None: the file has no synonyms
    topics: list[tuple[str, str, int]] | None = None  # tag, the name members see, line; None: the file has none
    unparsed: bool = False  # not YAML at all: the ids it holds are unknown to the other files


def read_file(name: str, text: str) -> FileRead:
    """One file's sources, entries and synonyms with every problem found inside the file."""
    read = FileRead(name)
    reader = FileReader(name, text, read.problems)
    root = reader.root()
    if root is None:
        read.unparsed = bool(read.problems)
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
    if "topics" in top:
        read.topics = []
        _read_topics(reader, top["topics"][1], read.topics)
    return read


def _items(reader: FileReader, node: Node, key: str) -> Iterable[tuple[Node, str]]:
    if not isinstance(node, SequenceNode):
        reader.error(node, key, "expected a list")
        return []
    return [(item, f"{key}[{i}]") for i, item in enumerate(node.value)]


def _read_sources(reader: FileReader, node: Node, sources: list[tuple[Source, int]]) -> None:
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


def _read_entry(reader: FileReader, node: Node, key: str) -> Pending | None:
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
    elif not questions and isinstance(fields["questions"][1], SequenceNode):
        reader.error(fields["questions"][1], f"{key}.questions", "must list at least one question")
    answer = _required_text(reader, fields, node, key, "answer", MAX_ANSWER_CHARS, shown_length)
    source_nodes = reader.texts(fields["sources"][1], f"{key}.sources") if "sources" in fields else []
    tags = reader.texts(fields["tags"][1], f"{key}.tags", limit=MAX_TAG_CHARS) if "tags" in fields else []
    related_nodes = reader.texts(fields["related"][1], f"{key}.related") if "related" in fields else []
    reviewed = reader.date(fields["reviewed"][1], f"{key}.reviewed") if "reviewed" in fields else None
    review_by = reader.date(fields["review_by"][1], f"{key}.review_by") if "review_by" in fields else None
    if answer:
        check_claims(reader, fields["answer"][1], key, source_nodes)
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
    return Pending(
        entry,
        position,
        [(source_id, node.line) for source_id, node in source_nodes],
        [(related_id, node.line) for related_id, node in related_nodes],
        fields["answer"][1].line,
    )


def _read_synonyms(reader: FileReader, node: Node, synonyms: list[tuple[str, tuple[str, ...]]]) -> None:
    if not isinstance(node, MappingNode):
        reader.error(node, "synonyms", "expected a mapping of term → list of equivalents")
        return
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.null:
            reader.error(key_node, "synonyms", "a term must be text (not a list, a mapping or ~)")
            continue
        canonical = key_node.value.strip()
        key = f"synonyms.{canonical}"
        if not canonical:
            reader.error(key_node, key, "empty term")
            continue
        synonyms.append((canonical, tuple(e for e, _ in reader.texts(value_node, key))))


def _read_topics(reader: FileReader, node: Node, topics: list[tuple[str, str, int]]) -> None:
    """`topics:` maps a tag to the name members see for it ("third-states: Non-EU partners")."""
    if not isinstance(node, MappingNode):
        reader.error(node, "topics", "expected a mapping of tag → the name members see")
        return
    for key_node, value_node in node.value:
        tag = key_node.value.strip().lower() if isinstance(key_node, ScalarNode) and not key_node.null else ""
        if not SLUG.match(tag):
            reader.error(key_node, "topics", f"a tag is a lower-case slug like 'third-states' (got {tag or None!r})")
            continue
        name = reader.text(value_node, f"topics.{tag}", limit=MAX_TOPIC_NAME_CHARS)
        if name:
            topics.append((tag, name, key_node.line))


def _slug(reader: FileReader, fields: dict[str, tuple[Node, Node]], node: Node, key: str) -> str | None:
    value = _required_text(reader, fields, node, key, "id", MAX_ID_CHARS)
    if value and not SLUG.match(value):
        reader.error(fields["id"][1], f"{key}.id", f"id must be a lower-case slug like 'pesco-members' (got {value!r})")
        return None
    return value


def _required_text(
    reader: FileReader,
    fields: dict[str, tuple[Node, Node]],
    node: Node,
    key: str,
    name: str,
    limit: int | None = None,
    length: Callable[[str], int] = len,
) -> str | None:
    if name not in fields:
        reader.error(node, f"{key}.{name}", "missing")
        return None
    return reader.text(fields[name][1], f"{key}.{name}", limit=limit, length=length)
