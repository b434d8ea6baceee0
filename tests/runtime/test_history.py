"""bot/runtime/history.py: the audit log, and what undo reverts."""

from __future__ import annotations

from bot.core.store import EditAction, EditResult

from .conftest import ENTRY


def test_last_change_skips_undone_changes_and_undo_records(data):
    edit = EditResult(EditAction.ALIAS, "pesco-what", "k.yaml", ENTRY, ENTRY)
    first = data.record_edit(edit, 1)
    second = data.record_edit(edit, 1)
    data.mark_undone(second)
    data.record_edit(EditResult(EditAction.UNDO, "pesco-what", "k.yaml", ENTRY, ENTRY), 1)
    change = data.last_change("pesco-what")
    assert change is not None and change.id == first and change.before == ENTRY
    data.mark_undone(first)
    assert data.last_change("pesco-what") is None
    assert [row.action for row in data.history("pesco-what")] == [EditAction.UNDO, EditAction.ALIAS, EditAction.ALIAS]


def test_an_edits_rows_share_one_operation_and_undo_marks_them_together(data):
    unlink = EditResult(EditAction.UNLINK, "other", "k.yaml", ENTRY, ENTRY)
    remove = EditResult(EditAction.REMOVE, "pesco-what", "k.yaml", ENTRY, None)
    last = data.record_edits([unlink, remove], 1)
    (removal,) = data.history("pesco-what")
    assert removal.id == last and [r.action for r in data.operation_rows(removal.operation)] == [
        EditAction.UNLINK,
        EditAction.REMOVE,
    ]
    data.record_edits([EditResult(EditAction.UNDO, "pesco-what", "k.yaml", None, ENTRY)], 1, undoes=removal.operation)
    assert data.last_change("pesco-what") is None and data.last_change("other") is None
