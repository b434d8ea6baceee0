"""bot/discord/exts/kb/_form_parsing.py: what a moderator typed → Entry / Source (no Discord needed)."""

from __future__ import annotations

from bot.core.loader import MAX_ID_CHARS, SLUG
from bot.discord.exts.kb._form_parsing import parse_entry_form, parse_source_form, slug_from


def test_slug_from_a_question_is_a_valid_unique_id_within_the_id_rule():
    taken = {"pesco-members", "pesco-members-2"}
    assert slug_from("Which PESCO members?", taken.__contains__) == "which-pesco-members"
    assert slug_from("What is PESCO members", taken.__contains__) == "pesco-members-3"
    long = slug_from("word " * 100, lambda _: False)
    assert SLUG.match(long) and len(long) <= MAX_ID_CHARS
    assert slug_from("???", lambda _: False) == "entry"


def test_entry_form_fields_become_an_entry():
    entry = parse_entry_form(" my-id ", "First?\n\n  second  \n", "  An answer.  ", "a, b c", "Pesco, , Basics")
    assert entry.id == "my-id" and entry.questions == ("First?", "second")
    assert entry.answer == "An answer." and entry.sources == ("a", "b", "c") and entry.tags == ("pesco", "basics")
    assert entry.reviewed is not None


def test_source_form_blank_optional_fields_are_absent():
    source = parse_source_form("s-1", " Title ", "https://e.org", " ", "")
    assert (source.id, source.title, source.publisher, source.date) == ("s-1", "Title", None, None)
