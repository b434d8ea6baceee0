"""Edits to the knowledge: validate, save atomically, rebuild the engine and swap it in one step.

The YAML files stay the source of truth. An edit changes only the lines of the entry it touches (see
yaml_edit.py), goes through the same validator as `python -m bot check` (a refused edit writes nothing),
is written atomically (see atomic.py), and is serialised with every other edit, in this process and in the
others sharing the directory (edit_lock.py): under that lock it first takes in what they saved, so its
version check and the lines it rewrites are those on disk. Its history is written ahead of the save
(journal.py). Readers hold a reference to one Engine; the new one replaces it in a single assignment, so a
question being answered never sees half an edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from . import cache
from .edits import Audit, EditAction, EditConflict, EditRefused, EditResult, refused
from .engine import Engine, Thresholds
from .loader import LoadResult, collision_message, knowledge_files, load_directory, load_files
from .models import Entry, Severity, Source
from .synced import Fingerprint, SyncedKnowledge, fingerprint
from .versions import entry_version
from .yaml_edit import ItemMoved, append_item, entry_record, replace_item, source_record

__all__ = [  # the edit vocabulary lives in edits.py; adapters take it from here, with the store
    "Audit",
    "EditAction",
    "EditConflict",
    "EditRefused",
    "EditResult",
    "Fingerprint",
    "KnowledgeStore",
    "fingerprint",
    "open_engine",
]


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


class KnowledgeStore(SyncedKnowledge):
    """The knowledge as files on disk and as the engine that answers from them, kept in step.

    Moderators' edits go through here (validated, saved atomically, indexed incrementally, recorded by
    `recorder` if one is set). Files changed behind its back — a hand edit, or another bot process sharing the
    directory — are picked up by reload_if_changed() (polled by the adapters) and before every edit, so an
    edit never works on stale lines.
    """

    def _open(self) -> tuple[Engine | None, LoadResult]:
        return open_engine(self.directory, self.thresholds, cache_dir=self.cache_dir)

    def _check_version(self, entry_id: str, expected: str | None) -> None:
        """EditConflict unless the entry is still the version `expected` (None: no check), as the files on
        disk have it: _edit took in every change, by hand or by another process, first."""
        if expected is not None:
            current = self.engine.entry(entry_id)
            if entry_version(current) != expected:
                raise EditConflict(entry_id, current)

    def _entry(self, entry_id: str) -> Entry:
        entry = self.engine.entry(entry_id)
        if entry is None:
            raise refused("entry", f"no entry with id {entry_id!r}")
        return entry

    # ---- edits ------------------------------------------------------------------------------------
    # Each takes `audit`: who makes it, for the history (None: none is kept).

    def add_entry(
        self,
        entry: Entry,
        *,
        file: str | None = None,
        new_sources: Sequence[Source] = (),
        audit: Audit | None = None,
    ) -> EditResult:
        """Add an entry. `new_sources`: sources offered with it (a solved thread's link); those it cites and the
        knowledge lacks are added in the same save, so both land or neither does."""

        def add() -> EditResult:
            existing = self.engine.entry(entry.id)
            if existing is not None:
                where = f"{Path(existing.file).name}:{existing.line}"
                raise refused("id", f"an entry with id {entry.id!r} already exists ({where})")
            known = self.engine.knowledge.sources
            adding = tuple(s for s in new_sources if s.id in entry.sources and s.id not in known)
            return self._append(entry, str(Path(file) if file else self.new_entries_path), EditAction.ADD, adding)

        return self._edit(audit, add)

    # `expected` (every edit of an existing entry takes it): the entry's version (bot.core.versions) as the
    # edit's author saw it. If the entry has changed since, EditConflict and nothing is written.

    def replace_entry(
        self,
        entry: Entry,
        action: EditAction = EditAction.EDIT,
        *,
        expected: str | None = None,
        audit: Audit | None = None,
    ) -> EditResult:
        def edit() -> EditResult:
            self._check_version(entry.id, expected)
            return self._replace(entry.id, entry, action)

        return self._edit(audit, edit)

    def add_alias(
        self, entry_id: str, question: str, *, expected: str | None = None, audit: Audit | None = None
    ) -> EditResult:
        question = " ".join(question.split())
        if not question:
            raise refused("question", "must not be empty")

        def alias() -> EditResult:
            self._check_version(entry_id, expected)
            entry = self._entry(entry_id)
            if question.lower() in (q.lower() for q in entry.questions):
                raise refused("question", f"{entry_id!r} already has this phrasing")
            return self._replace(entry_id, replace(entry, questions=(*entry.questions, question)), EditAction.ALIAS)

        return self._edit(audit, alias)

    def remove_entry(self, entry_id: str, *, expected: str | None = None, audit: Audit | None = None) -> EditResult:
        """Remove an entry; links to it from other entries' `related` are removed first (each step valid)."""

        def remove() -> EditResult:
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
            return replace(result, warnings=result.warnings + note, unlinked=unlinked)

        return self._edit(audit, remove)

    def restore_entry(
        self,
        entry_id: str,
        before: Entry | None,
        file: str,
        *,
        expected: str | None = None,
        relink: Sequence[Entry] = (),
        audit: Audit | None = None,
    ) -> EditResult:
        """Put an entry back as it was (undo): re-add, replace or remove. `expected`: the version the undone
        change left (undo must not silently discard a later change the history does not know about).
        `relink`: undoing a removal, the entries as they were before it removed their related links to this
        one; the links are put back where they were (entries removed since are named in a warning)."""

        def restore() -> EditResult:
            self._check_version(entry_id, expected)
            exists = self.engine.entry(entry_id) is not None
            if before is None:
                if not exists:
                    raise refused("entry", f"{entry_id!r} is already gone")
                return self._replace(entry_id, None, EditAction.UNDO)
            if exists:
                return self._replace(entry_id, before, EditAction.UNDO)
            result = self._append(before, file, EditAction.UNDO)
            return self._relink(result, relink) if relink else result

        return self._edit(audit, restore)

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

    def add_source(self, source: Source, *, audit: Audit | None = None) -> EditResult:
        def add() -> EditResult:
            if source.id in self.engine.knowledge.sources:
                raise refused("id", f"a source with id {source.id!r} already exists")
            path = str(self.new_entries_path)
            step = EditResult(EditAction.SOURCE, source.id, path)
            self._commit({path: append_item(self._read(path), "sources", source_record(source))}, lambda *_: [step])
            return step

        return self._edit(audit, add)

    # ---- steps (called inside _edit) ----------------------------------------------------------------

    def _replace(self, entry_id: str, entry: Entry | None, action: EditAction) -> EditResult:
        before = self._entry(entry_id)
        if entry is not None and entry.id != entry_id:
            raise refused("id", f"an edit cannot rename {entry_id!r}; add a new entry and remove this one")
        record = entry_record(entry) if entry is not None else None
        try:
            text = replace_item(self._read(before.file), before.line, record, item_id=entry_id)
        except ItemMoved:  # a hand edit between taking the file in and reading it again: nothing is written
            raise refused(
                "file", f"{Path(before.file).name} changed while saving; nothing was saved, try again"
            ) from None

        def step(engine: Engine, result: LoadResult) -> list[EditResult]:
            after = engine.entry(entry_id)
            return [EditResult(action, entry_id, before.file, before, after, _warnings(result, engine, entry_id))]

        (done,) = self._commit({before.file: text}, step)
        return done

    def _append(self, entry: Entry, file: str, action: EditAction, sources: Sequence[Source] = ()) -> EditResult:
        text = self._read(file)
        for source in sources:
            text = append_item(text, "sources", source_record(source))
        added = tuple(EditResult(EditAction.SOURCE, source.id, file) for source in sources)

        def steps(engine: Engine, result: LoadResult) -> list[EditResult]:
            after = engine.entry(entry.id)
            warnings = _warnings(result, engine, entry.id)
            return [*added, EditResult(action, entry.id, file, None, after, warnings, added_sources=added)]

        return self._commit({file: append_item(text, "entries", entry_record(entry))}, steps)[-1]


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
