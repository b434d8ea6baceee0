"""Edits to knowledge files as text: only the lines of the item that changes are rewritten.

The loader knows where each entry and source starts (file:line). An item ends before the next line that is
indented no deeper than its "- " (trailing blank and comment lines belong to what follows). Those lines are
read and written back with ruamel.yaml's round-trip mode, which keeps comments, quotes and list styles, so
adding a phrasing is a one-line diff; every other line of the file is kept byte for byte. Working on one
item, not the whole file, keeps an edit cheap in a file of 100,000 entries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from .models import ENTRY_KEYS, SOURCE_KEYS, Entry, Source

INLINE_LISTS = frozenset({"sources", "tags", "related"})  # written [a, b]; questions one per line
WIDE = 4096  # never re-fold a long line: hand-written answers keep their line breaks


def _yaml() -> YAML:
    # The layout of the shipped files: `entries:` / `  - id: …` / `    questions:` / `      - …`.
    # With it ruamel reproduces every shipped file byte for byte (tests/core/test_yaml_edit.py).
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = WIDE
    yaml.preserve_quotes = True
    return yaml


# ---- records: an Entry or Source as the mapping the files hold --------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def entry_record(entry: Entry) -> dict[str, Any]:
    """An Entry as JSON-able data in file order, optional keys only when set (the audit log keeps these)."""
    record = {name: _plain(getattr(entry, name)) for name in ENTRY_KEYS}
    return {key: value for key, value in record.items() if value not in (None, [], "") or key == "answer"}


def source_record(source: Source) -> dict[str, Any]:
    record = {name: getattr(source, name) for name in SOURCE_KEYS}
    return {key: value for key, value in record.items() if value not in (None, "")}


def entry_from_record(record: dict[str, Any]) -> Entry:
    """The inverse of entry_record (for undo from the audit log)."""
    values = {key: value for key, value in record.items() if key in ENTRY_KEYS}
    for key in ("questions", "sources", "tags", "related"):
        values[key] = tuple(values.get(key, ()))
    for key in ("reviewed", "review_by"):
        if isinstance(values.get(key), str):
            values[key] = dt.date.fromisoformat(values[key])
    return Entry(**values)


# ---- spans ------------------------------------------------------------------------------------------


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def item_span(lines: list[str], line: int) -> tuple[int, int, int]:
    """(first, end, indent) of the list item whose mapping starts at 1-based `line`: lines[first:end], with
    its "- " at column `indent`."""
    first = line - 1
    while first > 0 and not lines[first].lstrip().startswith("-"):  # "-" alone, mapping on the next line
        first -= 1
    indent = _indent_of(lines[first])
    end = first + 1
    while end < len(lines) and (_is_filler(lines[end]) or _indent_of(lines[end]) > indent):
        end += 1
    while end > first + 1 and _is_filler(lines[end - 1]):
        end -= 1
    return first, end, indent


@dataclasses.dataclass(frozen=True)
class _ListEnd:
    key_line: int | None  # the line of `key:`, None when the file has no such list
    insert_at: int  # where a new item goes
    indent: int = 2  # of the items' "- "
    blank_between: bool = False  # items are separated by a blank line (entries are, sources are not)


def _list_end(lines: list[str], key: str) -> _ListEnd:
    header = re.compile(rf"^{re.escape(key)}\s*:")
    start = next((i for i, text in enumerate(lines) if header.match(text)), None)
    if start is None:
        return _ListEnd(None, len(lines))
    end = start + 1
    items: list[int] = []
    while end < len(lines) and (_is_filler(lines[end]) or lines[end][0] in " -"):
        if lines[end].lstrip().startswith("- ") and (
            not items or _indent_of(lines[end]) == _indent_of(lines[items[0]])
        ):
            items.append(end)
        end += 1
    while end > start + 1 and _is_filler(lines[end - 1]):
        end -= 1
    if not items:
        return _ListEnd(start, end)
    return _ListEnd(start, end, _indent_of(lines[items[0]]), not lines[items[-1] - 1].strip())


# ---- reading and writing one item -------------------------------------------------------------------


def _dump_item(item: CommentedMap, indent: int) -> list[str]:
    stream = io.StringIO()
    _yaml().dump(CommentedSeq([item]), stream)
    dumped = stream.getvalue().splitlines()
    shift = indent - _indent_of(dumped[0])  # ruamel writes a top-level list with its own offset
    return [(" " * shift + text if shift >= 0 else text[-shift:]) if text else text for text in dumped]


def _value(key: str, value: Any) -> Any:
    """A value as it is written: answers and multi-line text as `|` blocks, id lists inline, dates unquoted."""
    if isinstance(value, str) and (key == "answer" or "\n" in value):
        return LiteralScalarString(value if value.endswith("\n") else value + "\n")
    if isinstance(value, list):
        seq = CommentedSeq(value)
        if key in INLINE_LISTS:
            seq.fa.set_flow_style()
        return seq
    if (
        key in ("reviewed", "review_by", "date")
        and isinstance(value, str)
        and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        return dt.date.fromisoformat(value)
    return value


def _new_item(record: dict[str, Any]) -> CommentedMap:
    return CommentedMap((key, _value(key, value)) for key, value in record.items())


def _same(old: Any, value: Any) -> bool:
    """Equal as the loader reads them: `date: 2025` is the text "2025", a block answer ends in a newline."""
    if isinstance(value, str) and old is not None and not isinstance(old, list | dict):
        return str(_plain(old)).rstrip() == value.rstrip()
    return bool(_plain(old) == value)


def _update(item: CommentedMap, record: dict[str, Any]) -> None:
    """Change `item` in place to hold `record`, touching only what differs (comments and styles stay)."""
    for key in [k for k in item if k not in record]:
        del item[key]
    for position, (key, value) in enumerate(record.items()):
        old = item.get(key)
        if isinstance(old, CommentedSeq) and isinstance(value, list):
            if list(old) != value:
                if list(old) == value[: len(old)]:
                    old.extend(value[len(old) :])  # an added phrasing: one new line
                else:
                    del old[:]
                    old.extend(value)
            continue
        if _same(old, value):
            continue
        if key in item:
            item[key] = _value(key, value)
        else:
            item.insert(min(position, len(item)), key, _value(key, value))


_TOP_LEVEL_KEY = re.compile(r"^[A-Za-z_]\w*\s*:")


def _has_items(lines: list[str], key_line: int) -> bool:
    """Whether the block list under the top-level key on `key_line` still has an item."""
    for text in lines[key_line + 1 :]:
        if not (_is_filler(text) or text[0] in " -"):
            return False
        if text.lstrip().startswith("- "):
            return True
    return False


class ItemMoved(ValueError):
    """The item at the given line is not the one the edit is for: the text changed since its lines were read
    (another process, or a hand edit). Nothing is rewritten."""


def replace_item(text: str, line: int, record: dict[str, Any] | None, *, item_id: str) -> str:
    """The file's text with the item `item_id` starting at `line` replaced by `record`, or removed when None
    (the last item of a list leaves `key: []`: an empty `key:` would read as null, not as an empty list).
    ItemMoved if the item there is not `item_id`: a stale line number must never rewrite another item."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        raise ItemMoved(f"line {line} is past the end: the file changed since it was read")
    first, end, indent = item_span(lines, line)
    snippet = "\n".join(text_line[indent:] for text_line in lines[first:end]) + "\n"
    try:
        loaded = _yaml().load(snippet)
    except YAMLError:  # not even YAML there: the lines are not an item's
        loaded = None
    item = loaded[0] if isinstance(loaded, list) and len(loaded) == 1 else None
    if not isinstance(item, CommentedMap) or str(item.get("id")) != item_id:
        raise ItemMoved(f"line {line} no longer holds {item_id!r}: the file changed since it was read")
    if record is None:
        new: list[str] = []
        key_line = next((n for n in range(first - 1, -1, -1) if _TOP_LEVEL_KEY.match(lines[n])), None)
        if key_line is not None and not _has_items(lines[:first] + lines[end:], key_line):
            lines[key_line] = lines[key_line].split(":", 1)[0] + ": []"
    else:
        _update(item, record)
        new = _dump_item(item, indent)
    return "\n".join(lines[:first] + new + lines[end:]) + "\n"


def append_item(text: str, key: str, record: dict[str, Any]) -> str:
    """The file's text with `record` added at the end of its top-level `key` list (created if absent)."""
    lines = text.splitlines()
    where = _list_end(lines, key)
    item = _dump_item(_new_item(record), where.indent)
    if where.key_line is None:
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join([*lines, f"{key}:", *item]) + "\n"
    if lines[where.key_line].split(":", 1)[1].strip():  # `entries: []`: the list becomes a block list
        lines[where.key_line] = f"{key}:"
    if where.blank_between:
        item = ["", *item]
    return "\n".join(lines[: where.insert_at] + item + lines[where.insert_at :]) + "\n"


def entry_lines(entry: Entry | None) -> list[str]:
    """An entry as the lines it has in a knowledge file (for diffs in the audit history)."""
    return _dump_item(_new_item(entry_record(entry)), 0) if entry is not None else []
