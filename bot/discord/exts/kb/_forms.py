"""The /kb forms (Discord modals): add or edit an entry, add a source. Each re-checks the moderator (a
form can be submitted long after it was opened) and hands what was typed to the cog's one `apply` step.

Every opened form has its own custom_id (a random nonce in it): discord.py keeps open modals by custom_id, so
two moderators with the same form open never replace each other's. Only the moderator who opened a form can
submit it; a refused submission leaves the form open (discord.py stops a modal only after on_submit)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from ....core.loader import (
    FULL_DATE_CHARS,
    ID_PATTERN,
    MAX_ANSWER_CHARS,
    MAX_ID_CHARS,
    MAX_PUBLISHER_CHARS,
    MAX_SOURCE_TITLE_CHARS,
    MAX_URL_CHARS,
)
from ....core.models import Entry, Source
from ....core.versions import entry_version
from ._checks import conflict_text, failure_text, refused, tell, thinking
from ._form_parsing import parse_entry_form, parse_source_form, slug_from

if TYPE_CHECKING:
    from ...client import FaqBot
    from ._cog import Kb

log = logging.getLogger(__name__)

FORM_TIMEOUT_S = 900  # a moderator may take a while to write an answer
TEXT_INPUT_LIMIT = 4000  # Discord's maximum for one text input
MODAL_TITLE_LIMIT = 45
SOURCE_IDS_CHARS = 1000
TAGS_CHARS = 300
# 64 random bits per opened form: two forms never share an id by chance, and the longest id (an edit form
# of an entry id at MAX_ID_CHARS) still fits Discord's 100-character custom_id (tests/discord/test_views.py)
FORM_NONCE_BYTES = 8
FORM_TEMPLATE = (
    rf"kb:form:(?P<kind>new|edit|source)(?::(?P<entry_id>{ID_PATTERN}))?:(?P<nonce>[0-9a-f]{{{2 * FORM_NONCE_BYTES}}})"
)
ANOTHER_MODERATORS_FORM = "This form was opened by another moderator; open your own with the same command."


def form_id(kind: str, entry_id: str = "") -> str:
    """kb:form:KIND[:ENTRY-ID]:NONCE (FORM_TEMPLATE), new for every opened form."""
    return ":".join(("kb:form", kind, *((entry_id,) if entry_id else ()), secrets.token_hex(FORM_NONCE_BYTES)))


class _Form(discord.ui.Modal):
    def __init__(self, opener_id: int, custom_id: str, **kwargs: Any) -> None:
        super().__init__(timeout=FORM_TIMEOUT_S, custom_id=custom_id, **kwargs)
        self.opener_id = opener_id

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Refusing here (not in on_submit) keeps the form open for the moderator it belongs to."""
        if await refused(interaction):
            return False
        if interaction.user.id != self.opener_id:  # Discord never sends this; a forged submission might
            await tell(interaction, ANOTHER_MODERATORS_FORM)
            return False
        return True

    # discord.py's own Modal.on_error drops BaseView's `item` argument; ours matches Modal's
    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        log.error("a /kb form failed", exc_info=error)
        await tell(interaction, failure_text(interaction))


@dataclass(frozen=True)
class _Field:
    """One text input of the entry form: what it says, how much it holds, whether it must be filled."""

    label: str
    chars: int
    paragraph: bool = False
    required: bool = False
    placeholder: str | None = None

    def input(self, name: str, text: str) -> discord.ui.TextInput[Any]:
        return discord.ui.TextInput(
            label=self.label,
            style=discord.TextStyle.paragraph if self.paragraph else discord.TextStyle.short,
            required=self.required,
            max_length=self.chars,
            placeholder=self.placeholder,
            custom_id=f"kb:{name}",
            default=text[: self.chars] or None,  # a longer one is kept, not shown (EntryForm.kept)
        )


ENTRY_FIELDS = {
    "questions": _Field("Questions, one per line (first = title)", TEXT_INPUT_LIMIT, paragraph=True, required=True),
    "answer": _Field(
        f"Answer (markdown, at most {MAX_ANSWER_CHARS} characters)",
        TEXT_INPUT_LIMIT,
        paragraph=True,
        placeholder="End each claim with its source: …in 2017.[^source-id] (every listed source used)",
    ),
    "sources": _Field("Source ids, comma-separated", SOURCE_IDS_CHARS),
    "tags": _Field("Tags, comma-separated", TAGS_CHARS),
    "review-by": _Field(
        "Check its facts again by (YYYY-MM-DD)",
        FULL_DATE_CHARS,
        placeholder="optional: for counts, office-holders, budgets",
    ),
}


class EntryForm(_Form):
    """Add or edit an entry: questions one per line, the answer, source ids, tags."""

    def __init__(
        self,
        cog: Kb,
        opener_id: int,
        existing: Entry | None = None,
        first_question: str = "",
        review_key: str | None = None,
        new_id: str = "",
        draft_answer: str = "",
        draft_sources: str = "",
        new_sources: tuple[Source, ...] = (),
    ) -> None:
        """`first_question` (one per line), `draft_answer` and `draft_sources` prefill a new entry (from
        /kb review); `new_sources` are created with the entry if it cites them (a solved thread's link)."""
        starting = {
            "questions": "\n".join(existing.questions) if existing else first_question,
            "answer": existing.answer if existing else draft_answer,
            "sources": ", ".join(existing.sources) if existing else draft_sources,
            "tags": ", ".join(existing.tags) if existing else "",
            "review-by": existing.review_by.isoformat() if existing and existing.review_by else "",
        }
        # An entry's field too long for its input (130 phrasings of a big intent) is not shown, and saved as
        # it is: a cut-off prefill would silently drop what did not fit (reliability-findings D8).
        self.kept = {name: text for name, text in starting.items() if len(text) > ENTRY_FIELDS[name].chars}
        title = "Edit entry" if existing else "New entry"
        if self.kept:
            named = f"{title} ({' & '.join(self.kept)} kept as is)"
            title = named if len(named) <= MODAL_TITLE_LIMIT else f"{title} ({len(self.kept)} fields kept as is)"
        super().__init__(opener_id, form_id("edit", existing.id) if existing else form_id("new"), title=title)
        self.cog, self.existing = cog, existing
        self.version = entry_version(existing)  # what the moderator sees: saving over a newer one is refused
        self.review_key = review_key  # a question from /kb review: resolved when (and only if) this form saves
        self.new_sources = new_sources
        # A form holds five inputs (Discord's limit): the id of a new entry comes from `/kb add entry_id:`, or
        # is made from its first question; an edited entry keeps its id.
        self.entry_id = existing.id if existing else new_id.strip()
        self.inputs = {name: field.input(name, starting[name]) for name, field in ENTRY_FIELDS.items()}
        for name, item in self.inputs.items():
            if name not in self.kept:
                self.add_item(item)

    def value(self, name: str) -> str:
        """What the form holds for a field: as typed, or as it was if it was too long to show."""
        return self.kept[name] if name in self.kept else str(self.inputs[name].value)

    async def on_submit(self, interaction: discord.Interaction[FaqBot]) -> None:  # type: ignore[override]
        await thinking(interaction)
        store = interaction.client.store
        questions = self.value("questions")
        entry_id = self.entry_id
        if not entry_id:
            first = next((q for q in questions.splitlines() if q.strip()), "")
            entry_id = slug_from(first, lambda candidate: store.engine.entry(candidate) is not None)

        def entry() -> Entry:  # parsed inside apply: a refused field is told like any refused edit
            return parse_entry_form(
                entry_id,
                questions,
                self.value("answer"),
                self.value("sources"),
                self.value("tags"),
                self.existing.related if self.existing else (),
                review_by=self.value("review-by"),
            )

        if self.existing:
            await self.cog.apply(
                interaction,
                lambda **options: store.replace_entry(entry(), **options),
                expected=self.version,
                typed=self.typed(),
                conflict=lambda changed: conflict_text(
                    changed,
                    self.existing,
                    "you opened the form",
                    "Open `/kb edit` again to see the new text, and add your changes to it.",
                ),
            )
        else:
            await self.cog.apply(
                interaction,
                lambda **options: store.add_entry(entry(), new_sources=self.new_sources, **options),
                typed=self.typed(),
                resolves=self.review_key,
            )

    def typed(self) -> str:
        """Every field shown as the moderator typed it, labelled: given back if the form is refused."""
        shown = {name: field.value for name, field in self.inputs.items() if name not in self.kept}
        typed = "\n\n".join(f"{ENTRY_FIELDS[name].label}:\n{value}" for name, value in shown.items())
        return f"Entry id:\n{self.entry_id}\n\n{typed}" if self.entry_id else typed


class SourceForm(_Form, title="New source"):
    source_id: discord.ui.TextInput[SourceForm] = discord.ui.TextInput(
        label="Source id (a slug like eda-report-2025)", max_length=MAX_ID_CHARS, custom_id="kb:source-id"
    )
    source_title: discord.ui.TextInput[SourceForm] = discord.ui.TextInput(
        label="Title", max_length=MAX_SOURCE_TITLE_CHARS, custom_id="kb:source-title"
    )
    url: discord.ui.TextInput[SourceForm] = discord.ui.TextInput(
        label="URL (http or https)", max_length=MAX_URL_CHARS, custom_id="kb:source-url"
    )
    publisher: discord.ui.TextInput[SourceForm] = discord.ui.TextInput(
        label="Publisher", max_length=MAX_PUBLISHER_CHARS, custom_id="kb:source-publisher"
    )
    date: discord.ui.TextInput[SourceForm] = discord.ui.TextInput(
        label="Date (2025-05-27, 2025-05 or 2025)", max_length=FULL_DATE_CHARS, custom_id="kb:source-date"
    )

    def __init__(self, cog: Kb, opener_id: int) -> None:
        super().__init__(opener_id, form_id("source"))
        self.cog = cog

    async def on_submit(self, interaction: discord.Interaction[FaqBot]) -> None:  # type: ignore[override]
        await thinking(interaction)
        source = parse_source_form(
            str(self.source_id.value),
            str(self.source_title.value),
            str(self.url.value),
            str(self.publisher.value),
            str(self.date.value),
        )
        await self.cog.apply(interaction, interaction.client.store.add_source, source)
