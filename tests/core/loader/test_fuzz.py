"""The loader under corrupted knowledge files (red team 3, section 3): a few hundred seeded mutations of a
representative file — byte flips, truncations, other encodings, control characters, odd YAML — each loaded
in this process. Every outcome must be a LoadResult whose problems name the file and a line, each on one line;
an exception of any kind fails the test."""

from __future__ import annotations

import random
from collections.abc import Callable

from bot.core.loader import LoadResult, load_files

CASES_PER_MUTATION = 50
SEED = 20261207

OTHER = b"""sources:
  - id: other-source
    title: Another file's source
    url: https://example.org/other
entries:
  - id: other-entry
    questions: [What is the other entry?]
    answer: It cites a source of the fuzzed file.[^fuzzed-source]
    sources: [fuzzed-source]
    related: [fuzzed-entry]
"""

BASE = """# A knowledge file with what the schema allows: comments, block and flow styles, quotes, non-ASCII text.
sources:
  - id: fuzzed-source
    title: "Council Decision (CFSP) 2017/2315 — établissant la CSP"
    url: https://example.org/a?b=c&d=é
    publisher: Council of the EU
    date: 2017-12-11
  - {id: second-source, title: 'It''s quoted', url: 'https://example.org/b', date: 2024-11}
entries:
  - id: fuzzed-entry
    questions:
      - What is PESCO?
      - whats pesco €
      - "quoted: with a colon"
    answer: |
      **PESCO** has 26 members.[^fuzzed-source]
      - Denmark joined on 23 May 2023.[^second-source]
      - Malta is not in it.[^fuzzed-source]
    sources: [fuzzed-source, second-source]
    tags: [pesco, time-sensitive]
    related: [other-entry]
    reviewed: 2026-12-07
    review_by: 2027-06-01
  - id: second-entry
    questions: [Is Ireland in PESCO?, ireland pesco]
    answer: >
      Yes, since 2017.[^fuzzed-source]
    sources: [fuzzed-source]
synonyms:
  pesco: [permanent structured cooperation, "csp"]
  eda: [european defence agency]
""".encode()

ODD_YAML = [
    "&anchor x",
    "*anchor",
    "<<: *anchor",
    "!!python/object/apply:os.system ['touch pwned']",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!custom value",
    "%YAML 1.1\n---\n",
    "%TAG ! tag:example.org,2000:\n",
    "---\n",
    "...\n",
    "? [a, b]\n: c\n",
    "~: x\n",
    "[" * 3000,
    "{" * 3000 + "}" * 3000,
    "\t- tab indented\n",
    "{a: 1, a: 2}",
    '"unterminated',
    "'x''",
    "key: |\n bad indent\n  more",
    "- - - - -",
    "entries: ~\n",
    "synonyms: [a, b]\n",
    "2017-12-11: date key",
    "? |\n  block key\n: v\n",
    "a: !!timestamp 2001-12-14t21:59:43.10-05:00",
    "\u202e\u2066bidi\u2069",
]
CONTROL_CHARACTERS = [
    *("\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x80", "\x85", "\x9f"),
    *("\ufffe", "\uffff", "\ud800"),
]
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig", "mac-roman"]


def flip_bytes(rng: random.Random, content: bytes) -> bytes:
    data = bytearray(content)
    for _ in range(rng.randint(1, 6)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def flip_to_yaml_syntax(rng: random.Random, content: bytes) -> bytes:
    data = bytearray(content)
    for _ in range(rng.randint(1, 4)):
        data[rng.randrange(len(data))] = ord(rng.choice(":-[]{}#&*!|>'\"%@`, \t\n?"))
    return bytes(data)


def truncate(rng: random.Random, content: bytes) -> bytes:
    return content[: rng.randrange(len(content))]  # often in the middle of a multi-byte character


def shuffle_lines(rng: random.Random, content: bytes) -> bytes:
    lines = content.split(b"\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    action = rng.choice(["delete", "duplicate", "swap", "indent", "dedent"])
    if action == "delete":
        del lines[i]
    elif action == "duplicate":
        lines.insert(j, lines[i])
    elif action == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif action == "indent":
        lines[i] = b" " * rng.randint(1, 5) + lines[i]
    else:
        lines[i] = lines[i].lstrip()
    return b"\n".join(lines)


def insert_text(rng: random.Random, content: bytes, snippets: list[str]) -> bytes:
    text = content.decode()
    at = rng.randrange(len(text))
    snippet = rng.choice(snippets)
    return (text[:at] + snippet + text[at:]).encode("utf-8", "surrogatepass")


def odd_yaml(rng: random.Random, content: bytes) -> bytes:
    if rng.random() < 0.3:  # on its own line, where it is most likely to parse
        lines = content.decode().split("\n")
        lines.insert(rng.randrange(len(lines)), rng.choice(ODD_YAML))
        return "\n".join(lines).encode()
    return insert_text(rng, content, ODD_YAML)


def control_characters(rng: random.Random, content: bytes) -> bytes:
    return insert_text(rng, content, CONTROL_CHARACTERS)


def other_encoding(rng: random.Random, content: bytes) -> bytes:
    return content.decode().encode(rng.choice(ENCODINGS), errors="replace")


MUTATIONS: list[Callable[[random.Random, bytes], bytes]] = [
    flip_bytes,
    flip_to_yaml_syntax,
    truncate,
    shuffle_lines,
    odd_yaml,
    control_characters,
    other_encoding,
]


def assert_reported_at_lines(result: object, names: set[str]) -> None:
    assert isinstance(result, LoadResult)
    for problem in result.problems:
        assert problem.file in names and problem.line >= 1, problem
        assert "\n" not in str(problem), problem


def test_the_unmutated_file_loads_cleanly():
    result = load_files({"other.yaml": OTHER, "zz.yaml": BASE})
    assert result.problems == []
    assert len(result.knowledge.entries) == 3


def test_hundreds_of_corrupted_files_each_give_problems_at_file_and_line_never_an_exception():
    rng = random.Random(SEED)
    with_errors = 0
    for mutate in MUTATIONS:
        for case in range(CASES_PER_MUTATION):
            content = mutate(rng, BASE)
            files = {"other.yaml": OTHER, "zz.yaml": content}
            try:
                result = load_files(files)
            except Exception as error:  # the report names the case to reproduce it
                raise AssertionError(f"{mutate.__name__} case {case}: {content!r}") from error
            assert_reported_at_lines(result, set(files))
            with_errors += not result.ok
    assert with_errors > len(MUTATIONS) * CASES_PER_MUTATION // 2  # the mutations do break the file
