"""bot/core/evaluate.py and `python -m bot eval`: accuracy floors on the held-out part of tests/data/eval.yaml
(the part no weight or threshold was tuned on), and the report's shape."""

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


def test_accuracy_floors_hold_on_the_held_out_part(run):
    result = run("eval", str(EVAL), "--json")
    assert result.returncode == 0, result.stderr
    held_out = json.loads(result.stdout)["held_out"]
    # the targets (issue 9), a little under what the engine reaches (README, "Accuracy")
    assert held_out["answered_accuracy"] >= 85.0
    assert held_out["wrong_answer_rate"] <= 2.0
    assert held_out["off_topic_answered_rate"] <= 3.0
    assert held_out["post_recall"] >= 80.0 and held_out["post_precision"] >= 95.0
    assert held_out["prompt_accuracy"] >= 90.0


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
