"""bot/core/evaluate.py and `python -m bot eval`: accuracy floors on the held-out parts of tests/data/eval*.yaml
(the parts no weight, threshold or phrasing was tuned on), and the report's shape."""

import json

import yaml

from ..conftest import ROOT

EVAL = ROOT / "tests" / "data" / "eval.yaml"


def test_eval_set_is_big_and_varied_enough():
    parts = yaml.safe_load(EVAL.read_text())
    assert set(parts) == {"tuning", "held_out"}
    cases = [case for part in parts.values() for case in part]
    kinds = {case["kind"] for case in cases}
    member_style = [c for c in cases if c["kind"] not in {"earlier", "off-topic"}]
    assert len(member_style) >= 120 and {"casual", "misspelt", "slang", "paraphrase", "non-native"} <= kinds
    posts = [c for c in cases if c["kind"] == "post"]
    assert len(posts) >= 30 and all(isinstance(c["expect"], list) and len(c["expect"]) >= 2 for c in posts)
    assert any(c["question"].startswith("Hello! I'm new to this forum") for c in posts)  # the seed thread's post
    off_topic = [c for c in cases if c["expect"] == "none"]
    near = [c for c in off_topic if c["kind"] == "off-topic-near"]
    assert len(off_topic) >= 50 and len(near) >= 25
    near_text = " ".join(c["question"].lower() for c in near)
    for subject in ("euro", "schengen", "farm", "brexit", "nato", "budget", "ukraine"):
        assert subject in near_text, subject


def held_out(run, name: str) -> dict:
    result = run("eval", str(ROOT / "tests" / "data" / name), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["held_out"]


def test_accuracy_floors_hold_on_the_held_out_part(run):
    # Floors a little under what the engine measured on 2026-12-07 (docs/matching.md, "Accuracy"), so a change
    # that makes answers worse fails here. They are not the targets: issue 19 asks for 90% right, 1% wrong, and
    # the engine is not there on the held-out parts (docs/matching.md says so).
    short = held_out(run, "eval.yaml")  # measured 86.6 right, 1.8 wrong, posts 91.2 / 94.5
    assert short["answered_accuracy"] >= 86.0 and short["wrong_answer_rate"] <= 2.5
    assert short["off_topic_answered_rate"] <= 3.0 and short["prompt_accuracy"] >= 90.0
    assert short["post_recall"] >= 92.0 and short["post_precision"] >= 93.0


def test_accuracy_floors_hold_on_the_held_out_messages_and_topics(run):
    messages = held_out(run, "eval-messages.yaml")  # measured 81.4 right, 4.7 wrong; specific 100 / 0
    assert messages["answered_accuracy"] >= 79.0 and messages["wrong_answer_rate"] <= 6.0
    specific = messages["kinds"]["specific"]  # questions about something the knowledge lacks
    assert specific["right"] >= 95.0 and specific["wrong"] <= 2.0
    assert messages["lacking_answered_rate"] <= 2.0 and messages["unanswered_named_rate"] >= 80.0
    topics = held_out(run, "eval-topics.yaml")  # measured 84.1 right, 4.7 wrong
    assert topics["answered_accuracy"] >= 84.0 and topics["wrong_answer_rate"] <= 6.0


def test_eval_reports_each_part_with_a_reliability_table(run):
    result = run("eval", str(EVAL), "--misses")
    assert result.returncode == 0
    assert "== tuning:" in result.stdout and "== held_out:" in result.stdout
    assert "reliability" in result.stdout and "90-100" in result.stdout and "misses (" in result.stdout


def test_eval_accepts_a_plain_list_and_rejects_unknown_entry_ids(run, tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text('- {question: what is pesco, expect: pesco-what}\n- {question: "is that true?", expect: prompt}\n')
    report = json.loads(run("eval", str(plain), "--json").stdout)["all"]
    assert report["answered_accuracy"] == 100.0 and report["prompt_accuracy"] == 100.0
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {question: hi, expect: [pesco-what, no-such-entry]}\n")
    result = run("eval", str(bad))
    assert result.returncode == 2 and "unknown entry id 'no-such-entry'" in result.stderr
