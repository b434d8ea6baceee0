"""Put every case of a labelled question file into `tuning` or `held_out` by a hash of its text, and rewrite the file.

    python tests/data/split_by_hash.py tests/data/eval-messages.yaml [--facts ../shared/FACTS.md]

The rule (no hand-picking): a case is tuning when
    int(hashlib.sha256(question.encode()).hexdigest(), 16) % 10 < 4
where `question` is the text exactly as YAML loads it (a block-style post keeps its final newline), else held_out.
Cases may sit in any top-level list (`cases`, `tuning`, `held_out`); the file's leading comment block is kept,
each part keeps the order the cases were written in. A one-line question is written as a flow mapping (quoted
only when YAML needs it), a post with line breaks as a block. With --facts, a case carrying `term:` (kind
`specific`) is checked: the term must occur in its question and nowhere in the fact sheet (case-insensitive).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import yaml

KEY_ORDER = ("question", "expect", "facts", "term", "kind")


def is_tuning(question: str) -> bool:
    return int(hashlib.sha256(question.encode()).hexdigest(), 16) % 10 < 4


def _scalar(text: str) -> str:
    """`text` plain when it loads back unchanged inside a flow mapping, else single-quoted."""
    try:
        if yaml.safe_load(f"{{k: {text}}}") == {"k": text} and text.strip() == text:
            return text
    except yaml.YAMLError:
        pass
    return "'" + text.replace("'", "''") + "'"


def _value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(str(v)) for v in value) + "]"
    return _scalar(str(value))


def _emit(case: dict[str, object]) -> str:
    keys = [k for k in KEY_ORDER if k in case] + [k for k in case if k not in KEY_ORDER]
    question = str(case["question"])
    if "\n" not in question:
        return "  - {" + ", ".join(f"{k}: {_value(case[k])}" for k in keys) + "}\n"
    if not question.endswith("\n") or question.endswith("\n\n"):
        raise SystemExit(f"a post must end with exactly one newline: {question!r}")
    lines = [f"  - kind: {_value(case['kind'])}\n"] if "kind" in case else []
    lines += [f"    {k}: {_value(case[k])}\n" for k in keys if k not in ("question", "kind")]
    lines.append("    question: |\n")
    lines += [f"      {line}\n" if line else "\n" for line in question[:-1].split("\n")]
    return "".join(lines)


def _check_terms(cases: list[dict[str, object]], facts: str) -> None:
    facts = facts.lower()
    for case in cases:
        term = case.get("term")
        if term is None:
            continue
        question = str(case["question"]).lower()
        if str(term).lower() not in question:
            raise SystemExit(f"term {term!r} is not in its question: {case['question']!r}")
        if str(term).lower() in facts:
            raise SystemExit(f"term {term!r} occurs in the fact sheet: {case['question']!r}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--facts", type=Path, help="the fact sheet that `term:` fields must be absent from")
    args = parser.parse_args(argv)
    text = args.path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True)[: _header_end(text)])
    data = yaml.safe_load(text)
    cases = [case for part in data.values() for case in part]
    questions = [str(c["question"]) for c in cases]
    duplicates = {q for q in questions if questions.count(q) > 1}
    if duplicates:
        raise SystemExit(f"duplicate questions: {sorted(duplicates)}")
    if args.facts:
        _check_terms(cases, args.facts.read_text(encoding="utf-8"))
    parts = {
        "tuning": [c for c in cases if is_tuning(str(c["question"]))],
        "held_out": [c for c in cases if not is_tuning(str(c["question"]))],
    }
    out = header + "".join(f"{name}:\n" + "".join(_emit(c) for c in items) for name, items in parts.items())
    if yaml.safe_load(out) != parts:
        raise SystemExit("the rewritten file does not load back to the same cases")
    args.path.write_text(out, encoding="utf-8")
    print(f"{args.path}: tuning {len(parts['tuning'])}, held_out {len(parts['held_out'])}", file=sys.stderr)


def _header_end(text: str) -> int:
    lines = text.splitlines()
    return next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), len(lines))


if __name__ == "__main__":
    main()
