"""A member's message → the questions in it, each with what was said before it.

Forum posts and chat messages mix greetings, introductions, statements, several questions and thanks. Each
question is matched on its own: scored as one text, every word of the other questions would count against
every entry. A statement is the subject of the question after it, and a question that leans on what came
before ("Is that fair?", "Is it lost?", "and Malta?") is matched with it (engine.py). The rules are
deliberately plain (sentence ends, question marks, line breaks, "and also …", "and how …"), because members'
punctuation is unreliable and every rule here is one a moderator can predict. Measured on the tuning parts
of tests/data/eval.yaml and eval-messages.yaml (`python -m bot eval`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import pairwise

from .comparisons import sides
from .normalize import FILLER, STOPWORDS, words

MAX_PARTS = 6  # a longer message is a wall of text, not a list of questions: its first six are answered
MAX_MESSAGE_CHARS = 4000  # a forum post's worth: the engine reads no further (the rest is noise, not questions)

# Discord markup that is not words: user, role and channel mentions, custom emoji, timestamps; and links.
_MARKUP = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|<t:\d+(?::\w)?>|https?://\S+")
_INVISIBLE = {"Cc", "Cf"}  # control and format characters (zero-width spaces, joiners, direction marks)

# Where a sentence ends: ? and ! always; a full stop unless it ends a known abbreviation or an initial.
_END = re.compile(r"(?<=[?!])[?!]*\s+|(?<=\.)\s+")
_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs art no nos mr mrs ms dr prof col gen lt ret approx incl cf fig st jr sr".split()
)
_JOINED = re.compile(r"\s*(?:[,;]\s*)?\band also\b\s*|;\s*also\b\s*", re.IGNORECASE)
_LIST_MARK = re.compile(r"^\s*(?:[-*•>]+|\d+[.)])\s+|^\s*(?:q|question|part)\s*\d+\s*[:.)\-–]\s*", re.IGNORECASE)
# A short heading before a colon ("Couple of questions: what is CSDP…", "PESCO: when did it start?"): a sentence
# of its own, so the heading is small talk or the subject, and what follows is read as the question it is.
_HEADING = re.compile(r"^([^:?!.]{1,40}?)(?::|\s+[-–—])\s+(?=\S)")  # "PESCO:", "MBDA - who owns it?"
_HEADING_WORDS = 6  # "PESCO questions for a podcast episode:" (tuning: 4 and 5 missed it; 7 the same as 6)

# Words that open a question even without a question mark ("how many countries are in pesco").
_ASKING = frozenset(
    """what whats what's who whos who's whom whose when where which why how hows is are was were do does did
    can could should would will has have any anyone anybody tell explain eli5""".split()
)
# Phrases that ask without a question word: "I'm looking for …", "wondering whether …".
_REQUEST = re.compile(
    r"\b(?:looking for|wondering(?! about\b)|curious(?! about\b)|want to know|would like to know|like to know|"
    r"need to know|help understanding|help me understand|please explain|can someone|can anyone|does anyone)\b",
    re.IGNORECASE,
)
# Greetings, thanks and sign-offs: a sentence made only of these words says nothing to answer.
_COURTESY = frozenset(
    """hi hello hey hiya heya yo hej hallo hola ciao salut greetings morning afternoon evening good
    all everyone everybody folks guys people team forum there friends again
    thanks thank thx ty tysm cheers regards best kind many lot lots advance appreciate appreciated
    appreciated greatly help much very so you your in for any answers answer obrigado merci danke gracias
    grazie tak dank sláinte slainte bye cya later soon would grateful welcome question questions quick
    couple few several two three random silly basic dumb stupid newbie noob beginner pointers tips""".split()
)
# The first words of a self-introduction or of context about oneself ("I'm new here", "Danish student here"):
# a statement, even when a question word follows ("I keep reading how PESCO works…").
_ABOUT_ME = re.compile(
    r"^(?:i'?m|i am|i've|i have|i work|i was|i keep|i saw|i found|i read|i heard|my |longtime|long time|"
    r"new (?:here|member|to)|first time|\w+ (?:student|here)\b)",
    re.IGNORECASE,
)
# Words that never give a question a subject of its own: "Is that true?", "How much?", "why?", "and then?"
_NO_SUBJECT = frozenset(
    """it its that this these those they them their there he him his she her one ones so then else true
    right really sure much many more exactly mean meant means happen happened happening change changed
    changes now still yet ok okay source sources proof wait why what who whom when where which how
    and or but also too either though again elaborate detail details example examples explain like
    correct wrong case way thing things about ago if not no yes otherwise just only even ever anyway actually
    btw still back all some any long often far soon go goes going went gone called difference differences
    different differ same similar who's what's where's when's how's that's there's they're they've he's she's
    what're big large small huge old expensive costly strong""".split()
)
# Words that ask, point or greet, never the specific thing a question is about (specifics.py).
QUESTION_WORDS = _ASKING | _NO_SUBJECT | _COURTESY
# "and Denmark?", "what about Malta?": elliptical follow-ups that lean on the previous question.
_ELLIPTICAL = re.compile(r"^(?:and|or|also|plus|what about|how about|and what about)\b", re.IGNORECASE)
ELLIPTICAL_MAX_WORDS = 4
# "and KNDS, is that the same sort of company?": a new subject named first, then asked about with a pronoun
_TOPIC_FIRST = re.compile(r"^\W*(?:and|also|plus|what about|how about|as for)\s+([^,?]{1,40}),\s*\S", re.IGNORECASE)
# Words that point back at something said before: "Is it lost?", "why are those three out?", "when did we join?"
_BACK_REFERENCES = frozenset(
    "it its they them their theirs this that these those he him his she her we us our there one ones that's they're"
    " they've he's she's".split()
)
# "these days", "this year": when, not something said before ("And who chairs the EU Military Committee these days?")
_NOT_POINTING = re.compile(
    r"\b(?:these|those) days\b|\bthis (?:year|week|month|morning|time|spring|summer|autumn|fall|winter)\b",
    re.IGNORECASE,
)
_AUXILIARIES = frozenset("is are was were do does did can could should would will has have".split())
_AUXILIARY = "|".join(sorted(_AUXILIARIES))
# "When did PESCO start and how many countries are in it?": two questions joined by "and" + a question word, or
# by "and" + a verb that asks about someone ("…in brussels, and does he have a favourite team?").
_AND_ASKING = re.compile(
    r",?\s+and\s+(?:also\s+)?(?=(?:how|hows|when|whens|who|whos|what|whats|what's|why|where|wheres|which)\b"
    rf"|(?:{_AUXILIARY})\s+(?:it|they|he|she|we|you|i|there|anyone|anybody|any|the|that|this|those|these)\b"
    rf"|(?:{_AUXILIARY})\s+(?-i:[A-Z]{{2,}})\b)",
    re.IGNORECASE,
)
# A clause that opens with "when"/"if" and no verb: "When using a US card, what is the cost?" is one question
_SUBORDINATE = re.compile(rf"^\W*(?:when|if|while|since|after|before|once|as)\s+(?!(?:{_AUXILIARY})\b)", re.IGNORECASE)
# A question after a comma: "what's the clause, what's the best game for modern warfare, …" (one with no subject
# of its own stays with the one before: "Berlin Plus vs the joint declarations, what's the difference?").
_COMMA_ASKING = re.compile(
    r",\s+(?=(?:what's|what is|what are|who's|who is|who are|how many|how much|when did|when was|when is)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    asks: bool  # a question (mark, question word or request) rather than context
    courtesy: bool  # greeting, thanks, sign-off or self-introduction: never answered


def clean(text: str) -> str:
    """Discord markup and invisible characters out; line breaks kept (they separate questions)."""
    text = _MARKUP.sub(" ", text)
    if not text.isascii():
        text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in _INVISIBLE)
    return text


# Who the member is and where they write from ("Danish member here", "finnish guy here", "Hello from Gdańsk!"):
# the subject of what follows, but not a specific thing the answer must explain.
_INTRODUCTION = re.compile(
    r"^\W*(?:(?:hi|hello|hey|greetings|cheers|saludos|salut|hallo|hej|ciao)\W+)*(?:from|desde|aus|de)\b"
    r"|^\W*(?:i live|i'?m from|i am from|i work (?:for|at|in)|i'?m based)\b|\bhere\W*$"
    # a greeting in the member's own language: "Labas from Vilnius.", "Grüß Gott from Vienna."
    r"|^\W*[^\W\d_]+(?: [^\W\d_]+)? from [^\W\d_]+(?: [^\W\d_]+)?\W*$",
    re.IGNORECASE,
)


# The member's own life ("I'm a teacher in Lyon", "My girlfriend works for Airbus in Toulouse"): told in the first
# person, reporting nothing that someone said or wrote.
_FIRST_PERSON = re.compile(r"^\W*(?:i\b|i'?m\b|i've\b|my\b|our\b|we\b|we're\b)", re.IGNORECASE)
# What someone said or wrote: what follows the verb is the claim ("...says Mexico wants in on SAFE"); who said it,
# and where, comes before ("My MEP keeps talking about", "Someone on reddit claimed").
_REPORTING = re.compile(
    r"\b(?:say|says|said|saying|think|thinks|thought|claim|claims|claimed|tell|tells|told|insist|insists|reckons?"
    r"|believes?|hear|heard|hearing|read|reading|see|saw|seeing|talk|talks|talking|mentioned|apparently|according)\b",
    re.IGNORECASE,
)


def claimed(statement: str) -> str:
    """What of a member's statement is about the world, whose names an answer must explain: the claim it
    reports; nothing when it is who the member is, where they write from or their own life."""
    statement = statement.strip()
    if _INTRODUCTION.search(statement):
        return ""
    reported = _REPORTING.search(statement)
    if reported is not None:
        return statement[reported.end() :]
    return "" if _FIRST_PERSON.search(statement) else statement


def has_subject(text: str) -> bool:
    """Does the text name something, or is it only pronouns, question words and small talk?"""
    return any(w not in STOPWORDS and w not in FILLER and w not in _NO_SUBJECT for w in words(text))


def subject_of(text: str) -> str:
    """The words of a question that name what it is about ("When did Denmark join PESCO?" → "denmark join
    pesco"): what a follow-up with no subject of its own ("when did they join?") is matched together with."""
    return " ".join(w for w in words(text) if w not in STOPWORDS and w not in FILLER and w not in _NO_SUBJECT)


def _sentences(line: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _END.finditer(line):
        before = line[start : match.start()]
        last_word = before.rstrip(".").rsplit(maxsplit=1)[-1].lower() if before.strip() else ""
        if before.endswith(".") and (last_word in _ABBREVIATIONS or len(last_word) == 1 or "." in last_word):
            continue  # "e.g. the EDF", "Col. (ret.) H.", "the U.S. and"
        pieces.append(line[start : match.start()])
        start = match.end()
    pieces.append(line[start:])
    return [p for piece in pieces for p in _JOINED.split(piece)]


# A verb that opens a sentence and is followed by another verb, not by what it asks about: the member's own
# (elided "I") "was reading…", "been following…", "would love…", "would be great…", "will credit the server"
_NOT_ASKING_AFTER_VERB = re.compile(
    r"^\W*(?:(?:and|also|so|but|ok|oh)\s+)?(?:was|were|have|has|would|will)\s+(?:been\s+)?"
    r"(?:\w+ing|love|like|appreciate|credit|share|post|report|recommend|update|pass|be (?:great|nice|good|grateful"
    r"|helpful|cool))\b",
    re.IGNORECASE,
)
# A short lead-in before a comma: "If not, what's …", "As for the UK, is it …"
_LEAD_IN = re.compile(r"^\W*(?:[\w'-]+\s+){0,2}[\w'-]+\s*,\s*")
# Words before what a sentence asks: "and when was it set up", "oh and has any of it been paid out", "and
# separately, what has hungary blocked", "also unrelated but what even is the Strategic Compass"
_OPENERS = frozenset(
    "and also so but or plus then ok okay anyway oh separately unrelated btw lastly finally besides secondly".split()
)


def _classify(text: str) -> _Sentence:
    found = words(text)
    first = next((w for w in found if w not in _OPENERS), "")
    lead_in = _LEAD_IN.match(text) if first not in _ASKING and "," in text else None
    if lead_in is not None:  # "If not, what's this reaction force I read about"
        first = next((w for w in words(text[lead_in.end() :]) if w not in _OPENERS), "")
    marked = text.rstrip().endswith("?")
    asks = marked or first in _ASKING or bool(_REQUEST.search(text)) or sides(text) is not None
    if asks and not marked and first not in _ASKING and not has_subject(text):
        asks = False  # "Just curious.", "wondering…": a request with nothing to ask about is small talk
    courtesy = not found or all(w in _COURTESY or w in STOPWORDS for w in found)
    if not marked and _ABOUT_ME.match(text.strip()):
        asks = False  # "I keep reading…", "I'm a student here": context about the writer, the subject of what follows
    elif not marked and first in _AUXILIARIES and _NOT_ASKING_AFTER_VERB.match(text) and not _REQUEST.search(text):
        asks = False  # "Was reading about the WEU for an essay.", "Would love a straight answer.": no subject asked
    return _Sentence(text.strip(), asks and not courtesy, courtesy)


def asks(text: str) -> bool:
    """Is the text a question (a mark, a question word, a request) rather than thanks or a remark?"""
    return _classify(text).asks


class Lean(StrEnum):
    """How a question leans on what was said before it (in the message, or earlier in the conversation)."""

    NO_SUBJECT = "no_subject"  # "Is that fair?", "why?": nothing of its own to match
    REFERENCE = "reference"  # "Is it lost?", "why are those three out?": points back with a pronoun
    ELLIPTICAL = "elliptical"  # "and Malta?", "what about Denmark?": the rest of the question is before it


# Question words that ask something new about what a pronoun points back at ("And who is in it?"), unlike "is
# that true?" or "why is that?", which ask about the answer itself
_ASKS_ANEW = frozenset("who whom whose when where which what how who's what's where's when's how's".split())


def _asks_anew(found: list[str]) -> bool:
    return any(w in _ASKS_ANEW for w in found) and any(w in _BACK_REFERENCES for w in found)


def leans(question: str) -> Lean | None:
    """Whether (and how) a question leans on what came before it; None when it stands on its own."""
    found = words(question)
    if not has_subject(question):
        return Lean.REFERENCE if _asks_anew(found) else Lean.NO_SUBJECT
    if _ELLIPTICAL.match(question.strip()) and len(found) <= ELLIPTICAL_MAX_WORDS:
        return Lean.ELLIPTICAL
    topic = _TOPIC_FIRST.match(question)
    if topic is not None and has_subject(topic[1]):
        return Lean.ELLIPTICAL  # "and the UK, are they in any yet?": "they" is the UK, not what came before
    if any(w in _BACK_REFERENCES for w in found) and any(  # the cheap test first: most questions stop there
        w in _BACK_REFERENCES for w in words(_NOT_POINTING.sub(" ", question))
    ):
        return Lean.REFERENCE
    return None


@dataclass(frozen=True, slots=True)
class Asked:
    """One question of a message, with what the member said before it (since the previous question)."""

    question: str
    stated: str = ""  # the member's statements just before it: the subject it may lean on
    after: str = ""  # the last question only: the statements after it ("Can you help? It's a pound charge…")
    joined_to: str = ""  # "…exercise and who ran it?": the question before "and", when split from it


def _and_asking(sentence: str) -> list[str]:
    """ "When did PESCO start and how many countries are in it?" → its two questions; "how and when …" and a
    statement ("I'd like to understand X and how it works.") stay one."""
    parts = _AND_ASKING.split(sentence) if " and " in sentence.lower() else [sentence]
    pieces = [piece for part in parts for piece in _by_comma(part)]
    if len(pieces) == 1 or not _classify(pieces[0]).asks:
        return [sentence]
    # "What's it called and when is it ready?": the first asks anew about what "it" points back at ("How many
    # are there, and who checks?" does not: that "there" points at nothing)
    first = [w for w in words(pieces[0]) if w != "there"]
    return pieces if has_subject(pieces[0]) or _asks_anew(first) else [sentence]


def _by_comma(part: str) -> list[str]:
    """ "what's the clause, what's the best game?" → its two questions; see _COMMA_ASKING and _SUBORDINATE."""
    pieces = _COMMA_ASKING.split(part) if "," in part else [part]
    if len(pieces) == 1 or _SUBORDINATE.match(pieces[0]) or sides(pieces[0]) is not None:
        return [part]  # "When using a US card, what is the cost?" (BANKING77), "kallas or kubilius, who is in charge?"
    return pieces if all(map(has_subject, pieces)) else [part]


def _without_heading(sentence: str) -> tuple[str, str]:
    """ "Quick question: is Malta in PESCO?" → ("is Malta in PESCO?", "Quick question"); a sentence without a
    short heading, or whose rest asks nothing, is kept whole ("Note: the EDF started in 2021.")."""
    found = _HEADING.match(sentence)
    if found is None or len(found[1].split()) > _HEADING_WORDS or sides(sentence) is not None:
        return sentence, ""
    rest = sentence[found.end() :]
    return (rest, found[1]) if _classify(rest).asks else (sentence, "")


def _read_sentences(text: str) -> tuple[list[_Sentence], dict[str, str]]:
    """The text's sentences, classified, and each piece split off at "and how…" → the piece before it."""
    sentences: list[_Sentence] = []
    joined_to: dict[str, str] = {}
    for line in text.splitlines():
        for written in _sentences(_LIST_MARK.sub("", line)):
            written, heading = _without_heading(written)
            if heading:
                sentences.append(_classify(heading))
            pieces = [p for p in _and_asking(written) if p.strip()]
            sentences += [_classify(piece) for piece in pieces]
            joined_to.update((b.strip(), a.strip()) for a, b in pairwise(pieces))
    return sentences, joined_to


def read_message(message: str, title: str | None = None) -> list[Asked]:
    """The questions of a message in order, each with the statements before it; a forum post's title is its
    first line. Greetings and thanks say nothing; a statement ("I keep hearing the EDF is a subsidy for arms
    firms.", "Danish member here.") is never dropped: it is the subject of the question after it. A fragment
    with no subject of its own ("and why?") is part of the question just before it, unless it asks anew about
    what it points back at ("And who is in it?"); after a statement ("Is that true?") it is a question of its
    own, read with the statement. A message that asks nothing explicitly is one question: all it says."""
    sentences, joined_to = _read_sentences(clean(f"{title}\n{message}" if title else message))
    merged: list[_Sentence] = []
    for sentence in sentences:
        if sentence.courtesy:
            continue
        if (
            merged
            and not has_subject(sentence.text)
            and not _asks_anew(words(sentence.text))  # "And who is in it?" is a question of its own
            and (merged[-1].asks or not sentence.asks)
        ):
            # "What is PESCO? And why?": part of the question before (after a statement, "Is that true?" is a
            # question of its own, read with the statement: engine.py)
            previous = merged[-1]
            merged[-1] = _Sentence(f"{previous.text} {sentence.text}", previous.asks or sentence.asks, False)
        else:
            merged.append(sentence)
    asked: list[Asked] = []
    stated: list[str] = []
    for sentence in merged:
        if sentence.asks:
            asked.append(Asked(sentence.text, "\n".join(stated), joined_to=joined_to.get(sentence.text, "")))
            stated = []
        elif has_subject(sentence.text):
            stated.append(sentence.text)
    if asked and stated:
        asked[-1] = replace(asked[-1], after="\n".join(stated))
    if not asked and stated:
        asked = [Asked("\n".join(stated))]
    if not asked and sentences:  # only small talk: keep it whole, the engine says what it can
        asked = [Asked(" ".join(s.text for s in sentences))]
    return asked[:MAX_PARTS]


def split_questions(message: str, title: str | None = None) -> list[str]:
    """The questions of a message as phrasings that stand alone (a solved thread's questions, the tuner's):
    read_message's questions, each one that points back ("…and who ran it?") kept with the one before it."""
    found: list[str] = []
    for asked in read_message(message, title):
        if found and leans(asked.question) in (Lean.REFERENCE, Lean.NO_SUBJECT):
            found[-1] = f"{found[-1]} and {asked.question}"
        else:
            found.append(asked.question)
    return found
