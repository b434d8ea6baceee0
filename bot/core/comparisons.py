"""A question that compares two things ("EPF vs EDF", "difference between CARD and PESCO", "is 42.7 the same
as Article 5?") or asks about two names at once ("what are PESCO and CARD?") → its two sides, each matched on
its own when no entry explains both (engine.py)."""

from __future__ import annotations

import re

from .normalize import STOPWORDS, words

# The forms members use, most specific first. A side runs to the end of the clause: a dash, comma, question
# mark or a trailing "— are they the same thing?" ends it.
_OPENING = r"(?:^|[,:;]\s*)\W*(?:so |but |and |ok |wait )?"  # "is X the same as Y" opens its clause
_END = r"(?=\s*(?:[?,;:!.—–]|\s-\s|$))"
_SIDE = r"(?P<{}>[^?,;:!—–]+?)"
# Each form with the words one of which it needs: most sentences compare nothing, and a substring test is far
# cheaper than the pattern (measured: 9 regexes per sentence were a fifth of a 3-question post's time).
_FORMS = [
    (("diff",), r"\bdiff(?:erence|erences|rence)?s? (?:between|btw|b/w) {a} (?:and|&|vs\.?) {b}{end}"),
    (("differ",), r"\bhow (?:is|are|does|do) {a} (?:different|differ) (?:from|to|than) {b}{end}"),
    (("differ",), _OPENING + r"(?:is|are) {a} (?:any |really |actually )?different (?:from|to|than) {b}{end}"),
    # the two named first, then what is asked of them: "how do CARD and PESCO differ?", "are the EDF and EDIP
    # the same thing?", "do PESCO and CARD overlap?", "EDIS and EDIP are the same thing right?"
    (
        ("differ", "same", "identical", "relate", "connect", "link", "overlap"),
        r"\b(?:is|are|do|does) {a} (?:and|&) {b} (?:any |really |actually |basically )?"
        r"(?:differ|different|the same|same|identical|related|connected|linked|overlap)\b",
    ),
    (
        ("same", "identical", "differ", "related"),
        r"^\W*{a} (?:and|&) {b} (?:are|r) (?:really |actually |basically )?"
        r"(?:the same|same|identical|different|related)\b",
    ),
    (("separates", "distinguishes", "sets"), r"\bwhat (?:separates|distinguishes|sets) {a} (?:apart )?from {b}{end}"),
    (("relat", "link", "connection"), r"\b(?:relationship|relation|link|connection)s? between {a} (?:and|&) {b}{end}"),
    (("relate",), r"\bhow (?:does|do|is|are) {a} relate(?:d)? to {b}{end}"),
    (("same",), r"\b(?:does|do) {a} do the same (?:thing |job |work )?as {b}{end}"),
    (
        ("same", "identical"),
        _OPENING + r"(?:is|are|was|were) {a} (?:the same(?: \w+)?|same thing|identical) (?:as|to) {b}{end}",
    ),
    (("like", "similar"), _OPENING + r"(?:is|are) {a} (?:just |basically |really )?(?:like|similar to) {b}{end}"),
    (("compare",), r"\bcompare {a} (?:and|with|to|vs\.?) {b}{end}"),
    (("compare",), r"\b(?:how (?:does|do|did) )?{a} compares? (?:to|with|against) {b}{end}"),
    (("compared",), r"\b{a} compared (?:to|with) {b}{end}"),
    (
        ("and", "&"),
        r"^\W*{a} (?:and|&) {b}\s*[,?:—–-]+\s*(?:is one|which|(?:are|aren'?t) (?:they|those)|how (?:do|are) they"
        r"|who does what|(?:the |one and the )?same\b|(?:two )?different\b|related\b|connected\b|linked\b"
        r"|what'?s the diff)",
    ),
    # "isn't the MPCC just a department of the EU military staff?", "is EDIP basically EDIRPA 2.0?", "is the RDC
    # just the old battlegroups with a new logo?", "mbda and knds, both joint ventures?"
    (
        ("department", "branch", "rebrand", "successor", "continuation", "rerun", "rehash", "copy"),
        _OPENING + r"(?:is|are|was|were|isn'?t|aren'?t|wasn'?t) {a} (?:just |basically |simply |really |essentially )?"
        r"(?:a |an |the )?(?:department|branch|rebrand|successor|continuation|rerun|rehash|copy) (?:of|to) {b}{end}",
    ),
    (
        ("2.0", "new ", "rebrand", "renamed", "another", "again"),
        _OPENING + r"(?:is|are|was|were|isn'?t|aren'?t) {a} (?:just|basically|simply|essentially|really) {b}\s+"
        r"(?:2\.0|with a new \w+|rebranded|renamed|(?:under|by) (?:a (?:new|different)|another) name|again)",
    ),
    (("both",), r"^\W*{a} (?:and|&) {b}(?:,\s*(?:are |were )?|\s+(?:are|were) )both\b"),
    (
        ("name", "version"),
        _OPENING + r"(?:is|are|was|were) {a} (?:just |basically |really )?"
        r"(?:another name for|(?:the|an) (?:old|new|other) name for|a version of) {b}(?:\s+or\b.*)?{end}",
    ),
    # "is X part of Y" asks whether X belongs to Y ("is Finland part of PESCO?"): two things compared only when the
    # alternative is said ("is the EDA part of PESCO or separate?"; "…or not?" says none)
    (
        ("part", "piece"),
        _OPENING + r"(?:is|are) {a} (?:just |basically |really |actually )?(?:a )?(?:part|piece) of {b}\s+or\b"
        r"(?!\s+(?:not|no|nah|what)\b).*{end}",
    ),
    # "did the Compass replace the Global Strategy, or do they sit side by side?": a replacement asked with its
    # alternative
    (
        ("replace",),
        _OPENING + r"(?:did|does|has|have|is|was) {a} (?:replace|replaced|replacing|supersede|superseded) {b}"
        r"\s*,?\s+or\b.*{end}",
    ),
    (("/",), r"^\W*{a}\s*/\s*{b}\s+(?:confusion|difference|question|mix-?up)\b"),  # "MPCC / EUMS confusion."
    (("vs", "versus", "v."), r"(?:^|[:,]\s*)(?:what about |so )?{a}\s+(?:vs\.?|versus|v\.)\s+{b}{end}"),
    ((" or ",), r"\b(?:which|who)\b[^,?]*,\s*{a} or {b}{end}"),  # "which is older, the WEU or the EDC?"
    ((" or ",), r"^\W*{a} or {b}\s*(?:[,?—–-]|$)"),
]
_PATTERNS = [
    (frozenset(needs), re.compile(p.format(a=_SIDE.format("a"), b=_SIDE.format("b"), end=_END), re.IGNORECASE))
    for needs, p in _FORMS
]
_NEEDED = tuple(dict.fromkeys(word for needs, _ in _FORMS for word in needs))
_ANY_NEEDED = re.compile("|".join(map(re.escape, _NEEDED)))  # one search rules out most sentences
_LEADING = re.compile(r"^(?:(?:so|ok|okay|and|but|like|the|whats|what's|what is|what are|is|are)\s+)+", re.IGNORECASE)
# hedges between a side and the comparing words: "is the EDF basically the same as EDIP?"
_TRAILING = re.compile(
    r"(?:\s+(?:basically|really|actually|just|essentially|pretty much|more or less|kind of|sort of))+$"
    r"|\s+or (?:something|a totally|totally|a completely|completely|a)?\s*(?:separate|different)\b.*$",
    re.IGNORECASE,
)
_POINTERS = frozenset("one other ones others they them both either".split())  # "is one part of the other?"
MAX_SIDE_WORDS = 5  # "X or Y?" sides are names ("SAFE or EDIP"), not clauses ("is it 25 or 26 countries")
# "X or Y, which…" sides: "JEF or Macron's intervention initiative" (tuning: 2 words missed three such comparisons,
# 4 found them, 5 and 6 each lost one)
MAX_OR_SIDE_WORDS = 4


# Two names asked about at once ("what are PESCO and CARD?", "who are Kallas and Kubilius?"): answered side by
# side as a comparison is. Only names written as names: "what are the benefits and challenges?" is one question.
_TWO_NAMES = re.compile(
    r"^\W*(?:so |and |ok )?(?:what|who)(?:'s|s|\s+is|\s+are|\s+was|\s+were)\s+"
    + _SIDE.format("a")
    + r"\s+(?:and|&)\s+"
    + _SIDE.format("b")
    + r"\s*[?!.]*\s*$",
    re.IGNORECASE,
)


def sides(question: str) -> tuple[str, str] | None:
    """The two things a comparison compares, or a question asks about at once, as written; None when it asks
    about one thing."""
    found = compared(question)
    if found is None and (" and " in question.lower() or "&" in question):
        two_names = _TWO_NAMES.search(question)
        if two_names is not None:
            named = tuple(_written_side(two_names[name]) for name in ("a", "b"))
            if all(map(_is_a_name, named)):
                return named[0], named[1]
    return found


def compared(question: str) -> tuple[str, str] | None:
    """The two things a comparison compares, as written, or None when the question compares nothing."""
    lowered = question.lower()
    if _ANY_NEEDED.search(lowered) is None:
        return None
    present = {word for word in _NEEDED if word in lowered}
    for number, (needs, pattern) in enumerate(_PATTERNS):
        if present.isdisjoint(needs):
            continue
        match = pattern.search(question)
        if match is None:
            continue
        found = tuple(_TRAILING.sub("", _written_side(match[name])) for name in ("a", "b"))
        meaningful = [[w for w in words(side) if w not in STOPWORDS and w not in _POINTERS] for side in found]
        if number == len(_PATTERNS) - 1:  # "SAFE or EDIP?": names, not "I am interested in a Visa or…"
            fits = all(len(words(side)) <= MAX_OR_SIDE_WORDS for side in found)
        else:
            fits = all(len(side) <= MAX_SIDE_WORDS for side in meaningful)
        named = all(any(not w.isdigit() for w in side) for side in meaningful)  # not "is it 25 or 26?"
        if fits and named and meaningful[0] != meaningful[1]:
            return found[0], found[1]
    return None


def _written_side(matched: str) -> str:
    """A side as the member named it: no quotes or markup around it, no "so", "the" or "what is" before it."""
    return _LEADING.sub("", matched.strip(" '\"*_"))


def _is_a_name(side: str) -> bool:
    """One word with a capital: "PESCO", "the EDC", "Kallas". Longer sides are too often one name with "and" in
    it ("the Political and Security Committee")."""
    return len(side.split()) == 1 and any(c.isupper() for c in side)


# A question that compares what the statement before it named ("St Malo in 98 and then Helsinki in 99. how are
# they connected?", "there's a PESCO project AND a Commission package. why do we need both?")
_COMPARES_THEM = re.compile(
    r"\b(?:same|different|difference|differ|connected|related|unrelated|relate|linked|overlap|identical|both"
    r"|who does what|which (?:one )?does what|(?:responsible|in charge) (?:for|of) what|which is which|the other"
    r"|mixing (?:them|these|those|the two) up|tell (?:them|these|those|the two) apart)\b",
    re.IGNORECASE,
)
# Where a statement turns from one thing to the other
_TURNS = re.compile(r",?\s+(?:and(?: then| now| also)?|but|while|whereas|vs\.?|versus)\s+", re.IGNORECASE)


def compares_them(question: str) -> bool:
    """Does a question without sides of its own ask how two things said before compare?"""
    return _COMPARES_THEM.search(question) is not None and sides(question) is None


def stated_sides(statement: str) -> list[tuple[str, str]]:
    """The ways the last sentence of a statement splits into two things at "and (then)", "but", "vs"…: the
    candidates for what a question like "how are they connected?" compares."""
    last = statement.splitlines()[-1] if statement else ""
    return [(last[: turn.start()], last[turn.end() :]) for turn in _TURNS.finditer(last)]


# Where one clause of a question ends and the next begins: "E5 and the Weimar triangle - … so what does one do"
_CLAUSE_END = re.compile(r"\s*(?:[,;:?/]|\s[-—–])\s+")


def named_then_compared(question: str) -> list[tuple[str, str]]:
    """The ways a question splits into clauses naming two things and a later clause comparing them ("E5 and the
    Weimar triangle - …, so what does one do that the other doesn't?"): (the clauses before, the clause after)."""
    if _COMPARES_THEM.search(question) is None:
        return []
    return [
        (question[: end.start()], question[end.end() :])
        for end in _CLAUSE_END.finditer(question)
        if compares_them(question[end.end() :])
    ]


# "Who leads the first one? And when did the second one first meet?": one of two things named before, by its order
_ORDINAL = re.compile(r"\bthe (?:(first|former)|(second|latter))(?: one)?\b", re.IGNORECASE)
_BEFORE_THE_PAIR = re.compile(r"^.*[:;]\s*|^\W*(?:there'?s|there is|there are|we have|you have)\s+", re.IGNORECASE)


def ordinal_named(question: str, statements: str) -> str | None:
    """The question with "the first (one)" or "the second" replaced by what it stands for: the first or second of
    two things the member's statements named ("There's the JEF and there's the E5 group. Who leads the first
    one?" → "Who leads the JEF?"); None when it picks nothing out so."""
    lowered = question.lower()
    if not ("first" in lowered or "second" in lowered or "former" in lowered or "latter" in lowered):
        return None  # most questions: no regex needed
    picked = _ORDINAL.search(question)
    if picked is None:
        return None
    for sentence in reversed([line for line in statements.splitlines() if line.strip()]):
        for first, second in stated_sides(sentence):
            pair = [_BEFORE_THE_PAIR.sub("", side).strip(" .!?") for side in (first, second)]
            if all(any(w not in STOPWORDS for w in words(side)) for side in pair):
                side = pair[0] if picked[1] else pair[1]
                return f"{question[: picked.start()]}{side}{question[picked.end() :]}"
    return None
