"""What the bot says, in one place for every medium (CLI text, Discord embeds, web pages)."""

from __future__ import annotations

from ..core.models import MAX_ANSWERS, Source

OFF_TOPIC = "Sorry, that's outside what I know. I answer questions about European defence cooperation"
OFF_TOPIC_TITLE = "I only know about European defence cooperation"
NOT_SURE = "I'm not sure I understood. Did you mean:"
NO_SUBJECT_TITLE = "What is it about?"
NO_SUBJECT = (
    "I can't tell what that refers to. Ask again with the subject in the question, "
    "for example: “Is Ireland in PESCO?” or “How much is in the European Defence Fund?”"
)
DID_YOU_MEAN = "Did you mean…"
CLOSEST_INTRO = "The closest I have:"
UNANSWERED_TITLE = "I couldn't answer"
UNANSWERED_NOTE = "moderators will see it"
LEFT_OUT_TITLE = f"I answer {MAX_ANSWERS} questions at a time: ask me these again on their own"
PICK_OR_REPHRASE = "Pick one below, or rephrase your question."
OR_REPHRASE = "Or rephrase your question."  # after did-you-mean links (the web)
HOW_TO_TITLE = "How to ask me"
HOW_TO = (
    "Ask me about European defence cooperation — PESCO, the European Defence Fund and Agency, "
    "EU–NATO relations, and the benefits and challenges of working together.\n"
    "• Mention me with a question: `@me what is PESCO?`\n"
    "• Use `/ask`, or browse what I know with `/topics`.\n"
    "• On anyone's message: Apps → **Ask the FAQ**."
)
EARLIER_THREADS_TITLE = "Solved before in this forum"
EARLIER_THREADS_NOTE = "Threads whose author or a moderator marked a reply as the solution; not checked by moderators."
FOLLOW_UP_NOTE = "read as a follow-up about"  # the footer of an answer to "and when did they join?"
TOPICS_SHOWN = 12  # topics named in an off-topic reply: enough to show the range, short enough to read


def source_details(source: Source) -> str:
    """'Publisher, 2017-12-11' (either part may be missing)."""
    return ", ".join(part for part in (source.publisher, source.date) if part)


def source_line(source: Source) -> str:
    """'Title — Publisher, 2017-12-11': the one way a citation is written, in text and in embeds."""
    details = source_details(source)
    return f"{source.title} — {details}" if details else source.title


def closest_title(lacking: tuple[str, ...]) -> str:
    """ "I have nothing on Japan specifically": the specific things a question names that no entry explains."""
    names = [f"“{name}”" if " " in name else name for name in lacking] or ["that"]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"I have nothing on {joined} specifically"


def unanswered_line(question: str) -> str:
    """One part of a message the reply could not answer, as every medium lists it."""
    return f"{left_out_line(question)} — {UNANSWERED_NOTE}"


def left_out_line(question: str) -> str:
    """One answered part of a message past the answers a reply shows, as every medium lists it: the question,
    quoted on one line."""
    return f"“{' '.join(question.split())}”"


def topics_sentence(topics: tuple[str, ...], limit: int = TOPICS_SHOWN) -> str:
    return ", ".join(topics[:limit])
