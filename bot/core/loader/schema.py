"""What a knowledge file may hold: its top-level keys, the id, date and URL rules, and the text limits (the /kb
forms use the same ones). Entries' and sources' own keys are their models' fields (models.ENTRY_KEYS)."""

from __future__ import annotations

import datetime as dt
import re

# Text limits. An answer fits one Discord embed with its sources; a phrasing is a question (the longest
# shipped is 120 characters, BANKING77's 433; far longer ones make every edit slow, reliability-findings
# D14); source fields are cut at render time but must not make a citation dwarf the answer. The /kb forms
# use the same limits. An answer is counted as shown, each citation marker as [n] (core/citations.py).
MAX_ANSWER_CHARS = 1800
MAX_QUESTION_CHARS = 500
MAX_TAG_CHARS = 40
MAX_SOURCE_TITLE_CHARS = 300
MAX_URL_CHARS = 1000
MAX_PUBLISHER_CHARS = 200
# The id rule, for entries and sources. Entry ids travel inside Discord custom_ids (did-you-mean and vote
# buttons, forms), which Discord caps at 100 characters: 64 leaves every template up to 36 characters of
# its own (tests/discord/test_views.py builds each with the longest id). Templates use these two names.
ID_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
MAX_ID_CHARS = 64
SLUG = re.compile(rf"^{ID_PATTERN}$")
FULL_DATE_CHARS = len("2017-12-11")
PARTIAL_DATE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-\d{2})?)?$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

TOP_KEYS = ("sources", "entries", "synonyms", "topics")
MAX_TOPIC_NAME_CHARS = 80  # a topic's display name: "Hybrid threats, sabotage and undersea cables"


def parse_date(value: str | None) -> dt.date:
    """A `reviewed` or `review_by` date as people write it (a timestamp counts as its day). The one date
    rule: the loader and the /kb forms both use it, so both word a bad date the same way."""
    text = value.strip() if value else value
    try:
        if text and len(text) > FULL_DATE_CHARS:
            return dt.datetime.fromisoformat(text).date()
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"expected an ISO date like 2026-11-01, got {text!r}") from None
