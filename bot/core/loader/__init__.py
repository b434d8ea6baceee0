"""knowledge/*.yaml → Knowledge. The one validator: used by loading, `check` and moderator edits.

Every problem is collected (not just the first) and names the file, the line and the key, because
people write these files by hand and fix them in one pass. The names the rest of the code uses are here:

  load.py          a directory, {file: bytes} or {file: text} → LoadResult; an edit reloads the changed files only
  decoding.py      a file's bytes → text, with a problem at the line of every byte that is not UTF-8
  yaml_nodes.py    YAML text → nodes that keep their line numbers (libyaml's events, nothing constructed)
  schema.py        the keys, the id/date/URL rules and the text limits
  file_reader.py   one file read against the schema: sources, entries, synonyms, problems at their lines
  cross_files.py   unique ids across files; source and related ids that point into any file
  claims.py        every paragraph and list item of an answer names a source the entry cites ([^id])
  answer_card.py   an answer with its citations must fit one Discord embed
  parallel.py      a large knowledge base read by two processes (worker.py is the helper's side)
  review_dates.py  entries due for review; stale-review warnings
  lints.py         what `check` adds: uncited entries, colliding phrasings, the audit warnings (audit.py:
                   near_duplicates.py, sources dated after a review, unused sources, old years as present)
"""

from __future__ import annotations

from .answer_card import CITED_TITLE_CHARS, MAX_ANSWER_CARD_CHARS, MAX_TITLE_CHARS, answer_card_chars
from .lints import check_lints, collision_message, collisions, uncited
from .load import LoadResult, knowledge_files, load_directory, load_files, load_texts, reload_texts
from .parallel import HELPER_MIN_BYTES
from .review_dates import STALE_AFTER, TIME_SENSITIVE_TAG, due_for_review
from .schema import (
    FULL_DATE_CHARS,
    ID_PATTERN,
    MAX_ANSWER_CHARS,
    MAX_ID_CHARS,
    MAX_PUBLISHER_CHARS,
    MAX_QUESTION_CHARS,
    MAX_SOURCE_TITLE_CHARS,
    MAX_TAG_CHARS,
    MAX_URL_CHARS,
    SLUG,
    parse_date,
)

__all__ = [
    "CITED_TITLE_CHARS",
    "FULL_DATE_CHARS",
    "HELPER_MIN_BYTES",
    "ID_PATTERN",
    "MAX_ANSWER_CARD_CHARS",
    "MAX_ANSWER_CHARS",
    "MAX_ID_CHARS",
    "MAX_PUBLISHER_CHARS",
    "MAX_QUESTION_CHARS",
    "MAX_SOURCE_TITLE_CHARS",
    "MAX_TAG_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_URL_CHARS",
    "SLUG",
    "STALE_AFTER",
    "TIME_SENSITIVE_TAG",
    "LoadResult",
    "answer_card_chars",
    "check_lints",
    "collision_message",
    "collisions",
    "due_for_review",
    "knowledge_files",
    "load_directory",
    "load_files",
    "load_texts",
    "parse_date",
    "reload_texts",
    "uncited",
]
