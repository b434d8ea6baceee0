"""Knowledge whose answers carry claim-level citation markers ([^source-id], core/citations.py), for the web
tests: the shipped knowledge does not carry them yet. Its entry has a lead-in, two labelled lines, a list
with a continued item and a closing line, and cites its two sources in the other order than it lists them."""

from __future__ import annotations

from pathlib import Path

MARKED_YAML = """\
sources:
  - id: marked-treaty
    title: The marked treaty
    url: https://example.org/treaty
    publisher: Example Council
    date: 2017-12-11
  - id: marked-report
    title: The marked report
    url: https://example.org/report
entries:
  - id: marked-record
    questions:
      - What did the marked record achieve?
      - marked record results
    answer: |
      A mixed record, on the sources used here.[^marked-report]
      **Worked**: the first project delivered.[^marked-treaty][^marked-report]
      **Fell short**: the second did not.[^marked-report]
      What changed:
      - the budget rose;[^marked-treaty]
      - the rules
        were simplified.[^marked-report]
      After the list, a closing sentence.[^marked-treaty]
    sources: [marked-treaty, marked-report]
    tags: [pesco]
    reviewed: 2026-12-01
"""
MARKED_ENTRY = "marked-record"
MARKED_QUESTION = "What did the marked record achieve?"


def add_marked_entry(directory: Path) -> Path:
    (directory / "marked.yaml").write_text(MARKED_YAML, encoding="utf-8")
    return directory
