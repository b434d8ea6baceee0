"""What an edit of the knowledge is and what it did: its action, its refusal, its result, and who made it
(for the history). The store makes them; adapters and the runtime history read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .models import Entry, Problem


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


def refused(key: str, message: str) -> EditRefused:
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
    recorded: bool = False  # its history was written with the save (see journal.py)

    @property
    def steps(self) -> tuple[EditResult, ...]:
        """Every file change the edit made, in the order they were saved: what the history records."""
        return (*self.added_sources, *self.unlinked, self, *self.relinked)


@dataclass(frozen=True)
class Audit:
    """Who makes an edit, and what else its history row settles: the operation it `undoes` (marked undone)
    and the review question it `resolves`."""

    user_id: int
    undoes: int | None = None
    resolves: str | None = None
