"""Which version of an entry someone saw. An edit carries the version of the entry as its author saw it
(when a form opened, a review was shown, a change was audited); the store refuses to save over a newer one,
so two moderators never silently overwrite each other, and says which fields changed meanwhile."""

from __future__ import annotations

import hashlib
import json

from .models import ENTRY_KEYS, Entry
from .yaml_edit import entry_record

ABSENT = "absent"  # the version of an entry that does not exist (removed, or not added yet)
# 64 bits of SHA-256: two different versions of one entry never share it by chance, and it stays short
# enough to keep in a form or a button.
VERSION_HEX_CHARS = 16


def entry_version(entry: Entry | None) -> str:
    """A short hash of what the entry says (not of where it is: other edits move it in its file)."""
    if entry is None:
        return ABSENT
    text = json.dumps(entry_record(entry), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:VERSION_HEX_CHARS]


def changed_fields(seen: Entry | None, current: Entry | None) -> tuple[str, ...]:
    """The fields that differ between two versions of an entry, in file order (all of them when one of the
    two does not exist)."""
    if seen is None or current is None:
        return () if seen is current else ENTRY_KEYS
    before, after = entry_record(seen), entry_record(current)
    return tuple(key for key in ENTRY_KEYS if before.get(key) != after.get(key))
