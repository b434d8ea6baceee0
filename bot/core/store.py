"""Edits to the knowledge: validate, save atomically, rebuild the engine and swap it in one step.

The YAML files stay the source of truth. An edit changes only the lines of the entry it touches (see
yaml_edit.py), goes through the same validator as `python -m bot check` (a refused edit writes nothing),
is written atomically (see atomic.py), and is serialised with every other edit by one lock. Readers hold
a reference to one Engine; the new one replaces it in a single assignment, so a question being answered
never sees half an edit.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from . import cache
from .atomic import atomic_write
from .engine import Engine, Thresholds
from .loader import LoadResult, collision_message, knowledge_files, load_directory, load_files, load_texts, reload_texts
from .models import Entry, Problem, Severity, Source
from .versions import entry_version
from .yaml_edit import append_item, entry_record, replace_item, source_record


def open_engine(
    directory: Path, thresholds: Thresholds | None = None, *, cache_dir: Path | None = None
) -> tuple[Engine | None, LoadResult]:
    """The one path from a knowledge directory to an Engine: None (and the problems) if it has errors.
    With a cache directory, an engine built from exactly these files is taken from it (see cache.py)."""
    directory = Path(directory)
    if not directory.is_dir():
        return None, load_directory(directory)  # the loader words the problem
    files = {str(path): path.read_bytes() for path in knowledge_files(directory)}
    cache_key = cache.key(files.items(), None) if cache_dir else None
    if cache_dir and cache_key:
        cached = cache.load(cache_dir, cache_key)
        if cached is not None:
            cached.thresholds = thresholds or Thresholds()
            return cached, LoadResult(cached.knowledge)
    if not files:
        return None, load_directory(directory)
    result = load_files(files)  # bytes that are not UTF-8 are problems at their lines, not an exception
    if not result.ok:
        return None, result
    engine = Engine(result.knowledge, thresholds, text_terms=result.text_terms)
    result.text_terms = None  # built: its arrays need not live on with the result
    if cache_dir and cache_key:
        cache.save(cache_dir, cache_key, engine)
    return engine, result


class EditAction(StrEnum):
    ADD = "add"
    EDIT = "edit"
    ALIAS = "alias"
    REMOVE = "remove"
    UNLINK = "unlink"  # a related link removed because its target was removed
    SOURCE = "source"
    UNDO = "undo"


class EditRefused(Exception):
    """The edit would make the knowledge invalid; nothing was written. `problems` say where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.short() for p in self.problems))


class EditConflict(EditRefused):
    """The entry is not the version the edit was made from (changed, removed or added since): nothing was
    written. `current` is the entry as it is now (None if it does not exist)."""

    def __init__(self, entry_id: str, current: Entry | None) -> None:
        self.entry_id, self.current = entry_id, current
        what = "no longer exists" if current is None else "has changed"
        super().__init__([Problem("", 0, "version", f"{entry_id!r} {what} since this edit was started")])


def _refused(key: str, message: str) -> EditRefused:
    return EditRefused([Problem("", 0, key, message)])


@dataclass(frozen=True)
class EditResult:
    action: EditAction
    entry_id: str  # the source's id for EditAction.SOURCE
    file: str
    before: Entry | None = None  # the entry as it was (None when added)
    after: Entry | None = None  # as it is now (None when removed)
    warnings: tuple[str, ...] = ()
    unlinked: tuple[EditResult, ...] = ()  # a removal's earlier steps: related links removed from other entries
    added_sources: tuple[EditResult, ...] = ()  # an addition's earlier steps: the sources added with it
    relinked: tuple[EditResult, ...] = ()  # an undone removal's later steps: those related links put back


Fingerprint = dict[str, tuple[int, int]]  # file → (modification time in ns, size)


def fingerprint(directory: Path) -> Fingerprint:
    """The knowledge files as seen from outside: any save changes this, and no file is read."""
    try:
        return {str(path): ((st := path.stat()).st_mtime_ns, st.st_size) for path in knowledge_files(directory)}
    except OSError:  # a file vanished mid-listing (an editor's save): the next look sees the new state
        return {}


class KnowledgeStore:
    """The knowledge as files on disk and as the engine that answers from them, kept in step.

    Moderators' edits go through here (validated, saved atomically, indexed incrementally). Files changed
    behind its back — a hand edit, or another bot process sharing the directory — are picked up by
    reload_if_changed() (polled by the adapters) and before every edit, so an edit never works on stale lines.
    """

    def __init__(
        self,
        directory: Path,
        thresholds: Thresholds | None = None,
        new_entries_file: str = "community.yaml",
        *,
        cache_dir: Path | None = None,
        engine: Engine | None = None,
    ) -> None:
        """Loads the directory (EditRefused if it has errors), or takes `engine`, already built from it."""
        self.directory = Path(directory)
        self.thresholds = thresholds or Thresholds()
        self.new_entries_path = self.directory / new_entries_file
        self.cache_dir = cache_dir
        self._lock = threading.Lock()
        self._cache_state = threading.Lock()  # guards the two below
        self._cache_wanted = False
        self._cache_writer: threading.Thread | None = None
        self._seen: Fingerprint = fingerprint(self.directory)
        self.engine = engine if engine is not None else self._engine_from_disk()[0]

    # ---- reading and validating -------------------------------------------------------------------

    def _read(self, name: str) -> str:
        path = Path(name)
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def _engine_from_disk(self) -> tuple[Engine, LoadResult]:
        """The files as they are now, validated; EditRefused if any is broken."""
        seen = fingerprint(self.directory)
        engine, result = open_engine(self.directory, self.thresholds, cache_dir=self.cache_dir)
        if engine is None:
            raise EditRefused(result.errors)
        self._seen = seen
        return engine, result

    def _apply(self, changed: dict[str, str]) -> tuple[Engine, LoadResult]:
        """The engine with `changed` files' texts, validated: incrementally when the synonyms stay."""
        names = sorted({str(p) for p in knowledge_files(self.directory)} | set(changed))
        knowledge = self.engine.knowledge
        result = reload_texts(knowledge, names, changed)
        if result is None:  # synonyms may change: everything is read and indexed again
            result = load_texts({name: changed.get(name) or self._read(name) for name in names})
        if result.errors:
            raise EditRefused(result.errors)
        if result.knowledge.synonyms == knowledge.synonyms:
            return self.engine.updated(result.knowledge), result
        return Engine(result.knowledge, self.thresholds), result

    def _catch_up(self) -> bool:
        """Take in files that changed on disk since they were read (called with the lock held)."""
        now = fingerprint(self.directory)
        if now == self._seen:
            return False
        changed = {name: self._read(name) for name in now if now[name] != self._seen.get(name)}
        if set(self._seen) - set(now):  # a file was deleted: read everything again
            self.engine, _ = self._engine_from_disk()
            return True
        self.engine, _ = self._apply(changed)
        self._seen = now
        self._save_cache()
        return True

    def _commit(self, changed: dict[str, str]) -> LoadResult:
        """Validate with `changed` applied; write only if valid; then swap the engine in one assignment."""
        engine, result = self._apply(changed)
        for name, text in changed.items():
            atomic_write(Path(name), text)
        self._seen.update({k: v for k, v in fingerprint(self.directory).items() if k in changed})
        self.engine = engine
        self._save_cache()
        return result

    def _save_cache(self) -> None:
        """Other processes (and the next start) find the new engine warm. Written in the background by one
        thread at a time: edits in quick succession write only the newest engine, and never two at once
        (each write pickles the whole engine, which at 100k entries takes seconds and memory)."""
        if self.cache_dir is None:
            return
        with self._cache_state:
            self._cache_wanted = True
            if self._cache_writer is None:
                self._cache_writer = threading.Thread(
                    target=self._write_cache, args=(self.cache_dir,), name="engine-cache", daemon=True
                )
                self._cache_writer.start()

    def _write_cache(self, cache_dir: Path) -> None:
        while True:
            with self._cache_state:
                if not self._cache_wanted:
                    self._cache_writer = None
                    return
                self._cache_wanted = False
            with self._lock:  # the engine and the files it was built from, seen together
                if fingerprint(self.directory) != self._seen:
                    continue  # changed behind our back: reload_if_changed takes it in and asks again
                engine = self.engine
                files = [(str(p), p.read_bytes()) for p in knowledge_files(self.directory)]
            cache.save(cache_dir, cache.key(files, None), engine)

    def _check_version(self, entry_id: str, expected: str | None) -> None:
        """EditConflict unless the entry is still the version `expected` (None: no check). Files changed on
        disk are taken in first: a hand edit since the form opened is a newer version too."""
        self._catch_up()
        if expected is not None:
            current = self.engine.entry(entry_id)
            if entry_version(current) != expected:
                raise EditConflict(entry_id, current)

    def _entry(self, entry_id: str) -> Entry:
        self._catch_up()
        entry = self.engine.entry(entry_id)
        if entry is None:
            raise _refused("entry", f"no entry with id {entry_id!r}")
        return entry

    # ---- edits ------------------------------------------------------------------------------------

    def add_entry(self, entry: Entry, *, file: str | None = None, new_sources: Sequence[Source] = ()) -> EditResult:
        """Add an entry. `new_sources`: sources offered with it (a solved thread's link); those it cites and the
        knowledge lacks are added in the same save, so both land or neither does."""
        with self._lock:
            existing = self.engine.entry(entry.id)
            if existing is not None:
                where = f"{Path(existing.file).name}:{existing.line}"
                raise _refused("id", f"an entry with id {entry.id!r} already exists ({where})")
            self._catch_up()
            known = self.engine.knowledge.sources
            adding = tuple(s for s in new_sources if s.id in entry.sources and s.id not in known)
            return self._append(entry, str(Path(file) if file else self.new_entries_path), EditAction.ADD, adding)

    # `expected` (every edit of an existing entry takes it): the entry's version (bot.core.versions) as the
    # edit's author saw it. If the entry has changed since, EditConflict and nothing is written.

    def replace_entry(
        self, entry: Entry, action: EditAction = EditAction.EDIT, *, expected: str | None = None
    ) -> EditResult:
        with self._lock:
            self._check_version(entry.id, expected)
            return self._replace(entry.id, entry, action)

    def add_alias(self, entry_id: str, question: str, *, expected: str | None = None) -> EditResult:
        with self._lock:
            question = " ".join(question.split())
            if not question:
                raise _refused("question", "must not be empty")
            self._check_version(entry_id, expected)
            entry = self._entry(entry_id)
            if question.lower() in (q.lower() for q in entry.questions):
                raise _refused("question", f"{entry_id!r} already has this phrasing")
            return self._replace(entry_id, replace(entry, questions=(*entry.questions, question)), EditAction.ALIAS)

    def remove_entry(self, entry_id: str, *, expected: str | None = None) -> EditResult:
        """Remove an entry; links to it from other entries' `related` are removed first (each step valid)."""
        with self._lock:
            self._check_version(entry_id, expected)
            self._entry(entry_id)
            unlinked = tuple(
                self._replace(
                    other.id,
                    replace(other, related=tuple(r for r in other.related if r != entry_id)),
                    EditAction.UNLINK,
                )
                for other in self.engine.knowledge.entries
                if entry_id in other.related
            )
            result = self._replace(entry_id, None, EditAction.REMOVE)
            note = ("removed the related links from: " + ", ".join(u.entry_id for u in unlinked),) if unlinked else ()
            return EditResult(
                result.action, entry_id, result.file, result.before, None, result.warnings + note, unlinked
            )

    def restore_entry(
        self,
        entry_id: str,
        before: Entry | None,
        file: str,
        *,
        expected: str | None = None,
        relink: Sequence[Entry] = (),
    ) -> EditResult:
        """Put an entry back as it was (undo): re-add, replace or remove. `expected`: the version the undone
        change left (undo must not silently discard a later change the history does not know about).
        `relink`: undoing a removal, the entries as they were before it removed their related links to this
        one; the links are put back where they were (entries removed since are named in a warning)."""
        with self._lock:
            self._check_version(entry_id, expected)
            exists = self.engine.entry(entry_id) is not None
            if before is None:
                if not exists:
                    raise _refused("entry", f"{entry_id!r} is already gone")
                return self._replace(entry_id, None, EditAction.UNDO)
            if exists:
                return self._replace(entry_id, before, EditAction.UNDO)
            result = self._append(before, file, EditAction.UNDO)
            return self._relink(result, relink) if relink else result

    def _relink(self, result: EditResult, linked_before: Sequence[Entry]) -> EditResult:
        target, relinked, gone = result.entry_id, [], []
        notes: tuple[str, ...] = ()
        for seen in linked_before:
            current = self.engine.entry(seen.id)
            if current is None:
                gone.append(seen.id)
            elif target not in current.related:
                related = _with_link(current.related, seen.related, target)
                relinked.append(self._replace(current.id, replace(current, related=related), EditAction.UNDO))
        if relinked:
            notes += ("put back the related links from: " + ", ".join(r.entry_id for r in relinked),)
        if gone:
            notes += ("not put back (removed since): the links from " + ", ".join(gone),)
        return replace(result, warnings=result.warnings + notes, relinked=tuple(relinked))

    def add_source(self, source: Source) -> EditResult:
        with self._lock:
            self._catch_up()
            if source.id in self.engine.knowledge.sources:
                raise _refused("id", f"a source with id {source.id!r} already exists")
            path = str(self.new_entries_path)
            self._commit({path: append_item(self._read(path), "sources", source_record(source))})
            return EditResult(EditAction.SOURCE, source.id, path)

    def reload(self) -> LoadResult:
        """Re-read every file (/kb reload). A broken file raises EditRefused; the old engine stays."""
        with self._lock:
            self.engine, result = self._engine_from_disk()
            return result

    def reload_if_changed(self) -> bool:
        """Blocking (run it off the event loop): take in files changed on disk. True if the engine changed.
        A broken file raises EditRefused and the old engine stays; the next call tries again."""
        with self._lock:
            return self._catch_up()

    # ---- steps (called with the lock held) --------------------------------------------------------

    def _replace(self, entry_id: str, entry: Entry | None, action: EditAction) -> EditResult:
        before = self._entry(entry_id)
        if entry is not None and entry.id != entry_id:
            raise _refused("id", f"an edit cannot rename {entry_id!r}; add a new entry and remove this one")
        record = entry_record(entry) if entry is not None else None
        result = self._commit({before.file: replace_item(self._read(before.file), before.line, record)})
        after = self.engine.entry(entry_id)
        return EditResult(action, entry_id, before.file, before, after, _warnings(result, self.engine, entry_id))

    def _append(self, entry: Entry, file: str, action: EditAction, sources: Sequence[Source] = ()) -> EditResult:
        text = self._read(file)
        for source in sources:
            text = append_item(text, "sources", source_record(source))
        result = self._commit({file: append_item(text, "entries", entry_record(entry))})
        after = self.engine.entry(entry.id)
        added = tuple(EditResult(EditAction.SOURCE, source.id, file) for source in sources)
        return EditResult(
            action, entry.id, file, None, after, _warnings(result, self.engine, entry.id), added_sources=added
        )


def _warnings(result: LoadResult, engine: Engine, entry_id: str) -> tuple[str, ...]:
    """What the moderator should know about the edited entry: its review warnings, and its phrasings that
    another entry already has (the same collision rule as `check`, asked of the index)."""
    own = [p.message for p in result.problems if p.severity is Severity.WARNING and p.key.startswith(f"{entry_id}.")]
    entry = engine.entry(entry_id)
    for question in entry.questions if entry else ():
        first_by_entry = {other.id: text for other, text in reversed(engine.index.same_phrasing(question))}
        own += [collision_message(question, text, other) for other, text in first_by_entry.items() if other != entry_id]
    return tuple(own)


def _with_link(related: tuple[str, ...], related_before: tuple[str, ...], target: str) -> tuple[str, ...]:
    """`related` with `target` back where it was in `related_before` (links added since keep their place)."""
    order = [r for r in related_before if r == target or r in related]
    return (*order, *(r for r in related if r not in order))
