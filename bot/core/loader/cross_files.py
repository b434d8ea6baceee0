"""The rules across files: ids unique across the whole directory (a repeat is reported where it repeats), and
source and related ids that may point into any file, checked once every file has been read."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..models import Entry, Knowledge, Problem, Severity, Source
from .file_reader import FileRead, Pending


@dataclass
class Collected:
    """What the files hold so far, across files: ids must be unique across the whole directory."""

    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    pending: list[Pending] = field(default_factory=list)
    entry_ids: dict[str, Entry] = field(default_factory=dict)
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    synonym_files: list[str] = field(default_factory=list)  # and the files that name topics: both shape everything
    topic_names: dict[str, str] = field(default_factory=dict)
    kept: list[Entry] = field(default_factory=list)  # entries of unchanged files, valid when last read
    unparsed: dict[str, str] = field(default_factory=dict)  # files that are not YAML, with their text
    # entry_ids keeps insertion order: it is also the knowledge's order of entries


def merge(read: FileRead, collected: Collected) -> None:
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
    if read.topics is not None:
        for tag, name, line in read.topics:
            if tag in collected.topic_names:
                collected.problems.append(Problem(read.name, line, f"topics.{tag}", "this tag is named twice"))
            collected.topic_names[tag] = name
        collected.synonym_files.append(read.name)


def keep_file(name: str, previous: Knowledge, entries: list[Entry], collected: Collected) -> None:
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


def check_references(collected: Collected) -> None:
    """Source and related ids may point into any file: checked once every file has been read. While a file is
    not YAML at all, an id its text has is not reported missing (one warning says how many were left): one
    stray character would otherwise bury its own error under every reference into the file."""
    unknown = _unknown_in_kept_files(collected)
    for read in collected.pending:
        file, entry_id = read.entry.file, read.entry.id
        for source_id, line in read.source_lines:
            if source_id not in collected.sources:
                unknown.append(
                    (source_id, Problem(file, line, f"{entry_id}.sources", f"unknown source id {source_id!r}"))
                )
        for related_id, line in read.related_lines:
            if related_id not in collected.entry_ids:
                unknown.append(
                    (related_id, Problem(file, line, f"{entry_id}.related", f"unknown entry id {related_id!r}"))
                )
            elif related_id == entry_id:
                message = "an entry cannot be related to itself"
                collected.problems.append(Problem(file, line, f"{entry_id}.related", message))
    unread: list[Problem] = []
    for id_, problem in unknown:
        (unread if _mentioned(id_, collected.unparsed.values()) else collected.problems).append(problem)
    if unread:
        first, names = unread[0], ", ".join(collected.unparsed)
        message = f"{len(unread)} cited or related id(s) from here on are in {names}: checked once it can be read"
        collected.problems.append(Problem(first.file, first.line, first.key, message, Severity.WARNING))


def _mentioned(id_: str, texts: Iterable[str]) -> bool:
    pattern = re.compile(rf"(?<![\w-]){re.escape(id_)}(?![\w-])")
    return any(pattern.search(text) for text in texts)


def _unknown_in_kept_files(collected: Collected) -> list[tuple[str, Problem]]:
    """The ids an unchanged file's entries cite or relate to that no longer exist (a reload's other files)."""
    unknown: list[tuple[str, Problem]] = []
    for entry in collected.kept:
        for source_id in entry.sources:
            if source_id not in collected.sources:
                message = f"unknown source id {source_id!r}"
                unknown.append((source_id, Problem(entry.file, entry.line, f"{entry.id}.sources", message)))
        for related_id in entry.related:
            if related_id not in collected.entry_ids:
                message = f"unknown entry id {related_id!r}"
                unknown.append((related_id, Problem(entry.file, entry.line, f"{entry.id}.related", message)))
    return unknown
