"""bot/core/loader/yaml_nodes.py: YAML errors, tags and aliases are problems at their line, never crashes."""

import pytest

from bot.core.loader import (
    load_texts,
)

from .conftest import messages


def test_yaml_syntax_error_names_file_and_line():
    result = load_texts({"a.yaml": "entries:\n  - id: x\n    questions: [a\n"})
    ((file, line, _, message),) = messages(result)
    assert file == "a.yaml" and line == 4 and "YAML syntax error" in message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("reviewed: 2026-02-30", "expected an ISO date like 2026-11-01, got '2026-02-30'"),
        ("reviewed: !custom 2026-01-01", "unsupported YAML tag '!custom'"),
        ("reviewed: !!python/name:os.system", "unsupported YAML tag 'tag:yaml.org,2002:python/name:os.system'"),
        ("answer: *anchor", "YAML aliases"),
    ],
)
def test_hand_edited_values_are_file_line_problems_not_crashes(value, message):
    text = f"entries:\n  - id: x\n    questions: [Q?]\n    answer: A\n    {value}\n"
    found = [(p.line, p.message) for p in load_texts({"a.yaml": text}).problems]
    assert any(line == 5 and message in text_ for line, text_ in found), found
