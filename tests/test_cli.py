"""bot/cli.py as a user runs it: `python -m bot ask | check | eval`. Most run in this process (bot.cli.main);
a few run in a subprocess, where only a new process shows the behaviour (entry point, working directory,
pipes and signals)."""

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from importlib import metadata

from bot.exit_codes import Exit

from .conftest import ROOT, run_cli
from .messages import CONVERSATION_OUTCOMES, CONVERSATION_POST, CONVERSATION_UNANSWERED

PART_KEYS = {
    "question",
    "status",
    "entry_id",
    "score",
    "answer",
    "answer_numbered",
    "citations",
    "suggestions",
    "reason",
    "lacking",
}
CONTRACT_KEYS = PART_KEYS | {"parts", "unanswered", "left_out", "conversation"}
TEA_KNOWLEDGE = (
    "sources:\n  - {id: s, title: T, url: 'https://e.org', publisher: P, date: 2024}\n"
    "entries:\n  - id: tea\n    questions: [How do I make tea?, tea recipe, brewing tea]\n"
    "    answer: Boil water.[^s]\n    sources: [s]\n"
)
SEED_POST = (
    "Hello! I'm new to this forum, and I'm looking for some help understanding the concept of European Defense "
    "Cooperation and how it can strengthen security. Can anyone provide me with any resources or insight on this "
    "topic? What have been the successes and challenges of such an initiative? How can we work together to better "
    "understand and implement the concept of European Defense Cooperation to ensure safety and stability? Any help "
    "would be greatly appreciated."
)


def test_ask_prints_answer_with_numbered_linked_sources_in_a_new_process():
    result = run_cli("ask", "What is PESCO?")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("What is PESCO?\n")
    assert "Permanent Structured Cooperation" in out
    assert "[1] Council Decision (CFSP) 2017/2315" in out and "https://" in out
    assert "(confidence" in out


def test_knowledge_found_from_any_directory(tmp_path):
    result = run_cli("ask", "--json", "what is pesco", cwd=tmp_path)
    assert json.loads(result.stdout)["entry_id"] == "pesco-what"


def test_ask_off_topic_and_did_you_mean_in_text(run):
    off = run("ask", "what is the schengen area")
    assert off.returncode == 0 and "outside what I know" in off.stdout and "PESCO" in off.stdout
    unsure = run("ask", "spending")
    assert "Did you mean" in unsure.stdout and "  1. " in unsure.stdout


def test_ask_json_contract(run):
    result = run("ask", "--json", "is ireland in pesco")
    obj = json.loads(result.stdout)
    assert set(obj) == CONTRACT_KEYS
    assert obj["status"] == "answered" and obj["entry_id"] == "myth-ireland-not-in-pesco"
    assert isinstance(obj["score"], float) and 0 <= obj["score"] <= 100
    assert obj["answer"] and obj["suggestions"] == [] and obj["reason"] is None
    for citation in obj["citations"]:
        assert set(citation) == {"id", "title", "url", "publisher", "date"}
        assert citation["url"].startswith("http")
    (part,) = obj["parts"]  # one question: one part, the same as the top level
    assert part == {k: v for k, v in obj.items() if k not in ("parts", "unanswered", "left_out", "conversation")}
    assert obj["unanswered"] == [] and obj["left_out"] == []
    assert obj["conversation"] == {"entry": "myth-ireland-not-in-pesco", "subject": "Ireland PESCO"}


def test_a_post_with_several_questions_answers_each_in_json_and_in_numbered_text(run):
    obj = json.loads(run("ask", "--json", SEED_POST).stdout)
    assert set(obj) == CONTRACT_KEYS and all(set(p) == PART_KEYS for p in obj["parts"])
    answered = [p["entry_id"] for p in obj["parts"] if p["status"] == "answered"]
    assert answered == ["learn-more-resources", "successes-and-challenges", "strengthen-cooperation"]
    assert obj["entry_id"] == "learn-more-resources"  # the top level is the first answered part
    assert obj["parts"][0]["question"].startswith("Can anyone provide me with any resources")
    text = run("ask", SEED_POST).stdout
    assert text.startswith("1. Can anyone provide me") and "\n\n2. What have been the successes" in text
    assert text.count("Sources:") == 3


def test_a_post_read_as_one_conversation_gives_each_part_its_outcome_in_json_and_text(run):
    obj = json.loads(run("ask", "--json", CONVERSATION_POST).stdout)
    assert [(p["status"], p["entry_id"]) for p in obj["parts"]] == CONVERSATION_OUTCOMES
    closest = next(p for p in obj["parts"] if p["status"] == "closest")
    assert closest["lacking"] == ["Mexico"] and closest["suggestions"] and closest["answer"] is None
    assert obj["unanswered"] == CONVERSATION_UNANSWERED
    text = run("ask", CONVERSATION_POST).stdout
    assert "I have nothing on Mexico specifically. The closest I have:" in text
    assert text.rstrip().endswith("“And who won the football last night?” — moderators will see it")


def test_answers_past_the_three_a_reply_shows_are_named_to_ask_again_in_json_and_text(run):
    post = "What is PESCO? What is the European Defence Fund? What is the EDA? And what is the European Peace Facility?"
    obj = json.loads(run("ask", "--json", post).stdout)
    assert [p["status"] for p in obj["parts"]] == ["answered"] * 4
    assert obj["left_out"] == ["And what is the European Peace Facility?"] and obj["unanswered"] == []
    text = run("ask", post).stdout
    assert text.count("Sources:") == 3
    assert text.rstrip().endswith(
        "I answer 3 questions at a time: ask me these again on their own:\n  “And what is the European Peace Facility?”"
    )


def test_a_question_with_no_subject_gets_the_prompt(run):
    obj = json.loads(run("ask", "--json", "Is that true?").stdout)
    assert (obj["status"], obj["reason"], obj["entry_id"]) == ("none", "no_subject", None)
    assert "Ask again with the subject" in run("ask", "how much?").stdout


def test_ask_json_lines_from_stdin_one_line_per_input_line(run):
    questions = ["what is pesco", "recipe for pancakes", "spending", "", "   ", "who is the high rep"]
    result = run("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions)  # a blank line gets its own object: line n answers line n
    objs = [json.loads(line) for line in lines]
    assert [o["status"] for o in objs] == ["answered", "none", "suggest", "none", "none", "answered"]
    none, suggest = objs[1], objs[2]
    assert none["entry_id"] is None and none["answer"] is None and none["citations"] == []
    assert none["reason"] == "off_topic"
    assert suggest["entry_id"] is None and 1 <= len(suggest["suggestions"]) <= 3
    assert set(suggest["suggestions"][0]) == {"entry_id", "question", "score"}
    for empty in objs[3:5]:
        assert set(empty) == CONTRACT_KEYS and (empty["reason"], empty["parts"], empty["question"]) == ("empty", [], "")


def test_ask_text_from_stdin_answers_each_line_and_says_when_one_is_empty(run):
    result = run("ask", "-", stdin="what is pesco\n\nspending\n")
    first, rest = result.stdout.split("\n\n(an empty message: nothing to answer)\n\n")
    assert first.startswith("What is PESCO?") and first.endswith("(confidence 100/100)")
    assert rest.startswith("I'm not sure I understood")


def test_knowledge_option_points_at_another_directory(run, tmp_path):
    (tmp_path / "k.yaml").write_text(TEA_KNOWLEDGE)
    obj = json.loads(run("ask", "--json", "--knowledge", str(tmp_path), "how to make tea").stdout)
    assert obj["entry_id"] == "tea" and obj["citations"][0]["id"] == "s"


def test_check_passes_on_shipped_knowledge(run):
    result = run("check")
    assert result.returncode == 0, result.stdout
    assert "0 error(s)" in result.stdout


def test_check_fails_with_file_and_line_on_a_broken_copy(run, knowledge_copy):
    path = knowledge_copy / "pesco.yaml"
    lines = path.read_text().splitlines()
    number = next(
        i for i, line in enumerate(lines) if line.strip().startswith("sources: [") and "eda-pesco" not in line
    )
    source = lines[number].split("[", 1)[1].split(",")[0].strip(" ]")
    lines[number] = lines[number].replace(source, "no-such-source", 1)
    path.write_text("\n".join(lines) + "\n")
    (knowledge_copy / "zz-broken.yaml").write_text("entries:\n  - id: x\n    questions: [oops\n")
    result = run("check", str(knowledge_copy))
    assert result.returncode == 1
    assert f"{path}:{number + 1}: error [" in result.stdout and "unknown source id 'no-such-source'" in result.stdout
    assert "zz-broken.yaml:4: error: YAML syntax error" in result.stdout


def test_check_reports_uncited_entries_and_warnings(run, tmp_path):
    (tmp_path / "k.yaml").write_text(
        "entries:\n  - id: a\n    questions: [What is PESCO?]\n    answer: A\n    reviewed: 2001-01-01\n"
        "  - id: b\n    questions: [what's pesco]\n    answer: B\n"
    )
    result = run("check", str(tmp_path))
    assert result.returncode == 1
    assert "error [a.sources]: entry cites no source" in result.stdout
    assert "warning [a.reviewed]" in result.stdout
    assert "warning [b.questions]" in result.stdout and "entry 'a'" in result.stdout


def test_ask_refuses_broken_knowledge_with_a_clear_message(run, knowledge_copy):
    (knowledge_copy / "basics.yaml").write_text("entries: [\n")
    result = run("ask", "--knowledge", str(knowledge_copy), "what is pesco")
    assert result.returncode == 1
    assert "basics.yaml" in result.stderr and "Traceback" not in result.stderr


def test_help_lists_every_command_and_the_exit_codes():
    result = run_cli("--help")
    for command in ("ask", "check", "eval", "run", "serve", "site", "invite", "backup", "doctor"):
        assert command in result.stdout
    codes = result.stdout.split("exit codes:\n", 1)[1]
    for code in Exit:
        assert f"  {int(code):<4} " in codes


def test_version_names_the_package_and_its_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout == f"defence-faq-bot {metadata.version('defence-faq-bot')}\n"


def test_every_command_reads_config_toml_from_the_working_directory(run, tmp_path, monkeypatch):
    (tmp_path / "tea").mkdir()
    (tmp_path / "tea" / "k.yaml").write_text(TEA_KNOWLEDGE)
    (tmp_path / "config.toml").write_text('[knowledge]\ndir = "tea"\n')
    monkeypatch.chdir(tmp_path)
    assert json.loads(run("ask", "--json", "how to make tea").stdout)["entry_id"] == "tea"
    assert run("check").stdout.startswith(f"{tmp_path / 'tea'}: 1 entries")
    (tmp_path / "other.toml").write_text("")  # --config wins over ./config.toml
    assert (
        json.loads(run("ask", "--json", "--config", "other.toml", "what is pesco").stdout)["entry_id"] == "pesco-what"
    )
    (tmp_path / "config.toml").write_text("[discord]\nshard_count = 'two'\n")
    broken = run("ask", "how to make tea")
    assert broken.returncode == 2 and broken.stderr == (
        "config error: config.toml: discord.shard_count must be an integer >= 1 (got 'two')\n"
    )


def _first_line_then_close(args: list[str], stdin: str) -> tuple[str, int, str]:
    """Like `python -m bot ARGS | head -1`: read one line of the output, then stop reading."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdin and process.stdout and process.stderr
    process.stdin.write(stdin)
    process.stdin.close()
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    return first, process.wait(timeout=60), stderr


def test_a_closed_pipe_ends_quietly_with_its_own_exit_code(tmp_path):
    first, code, stderr = _first_line_then_close(["ask", "--json", "-"], "what is pesco\n" * 3000)
    assert json.loads(first)["entry_id"] == "pesco-what"
    assert (code, stderr) == (Exit.BROKEN_PIPE, "")
    cases = tmp_path / "misses.yaml"  # enough misses to overflow the pipe's buffer once nobody reads it
    cases.write_text("".join(f"- {{question: zorblax quux {n}, expect: pesco-what}}\n" for n in range(2000)))
    first, code, stderr = _first_line_then_close(["eval", str(cases), "--misses"], "")
    assert first.startswith("== all: 2000 messages")
    assert (code, stderr) == (Exit.BROKEN_PIPE, "")


def test_ctrl_c_while_reading_stdin_exits_130_without_a_traceback():
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--json", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdin and process.stdout
    process.stdin.write("what is pesco\n")
    process.stdin.flush()
    assert json.loads(process.stdout.readline())["entry_id"] == "pesco-what"  # ready, and waiting for more
    process.send_signal(signal.SIGINT)
    # stdin stays open until it exits, so only the signal can end it (closing stdin first, as communicate()
    # does, let a loaded machine read the end of input before the signal and exit 0)
    code = process.wait(timeout=30)
    out, err = process.communicate(timeout=30)
    assert (code, out, err) == (Exit.INTERRUPTED, "", "")


def test_bad_config_file_is_a_clear_error(run, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[matching]\nanswer_threshold = 'high'\n")
    result = run("ask", "--config", str(config), "what is pesco")
    assert result.returncode == 2 and "matching.answer_threshold must be a number" in result.stderr


def test_chat_reads_a_follow_up_with_the_answer_before_it_and_a_blank_line_forgets(run):
    said = ["Is Denmark in PESCO?", "and when did they join?", "", "and when did they join?"]
    lines = run("chat", "--json", stdin="\n".join(said) + "\n").stdout.splitlines()
    first, follow_up, alone = (json.loads(line) for line in lines)  # the blank line answers nothing
    assert first["entry_id"] == follow_up["entry_id"] == "denmark-joins-pesco"
    assert follow_up["conversation"] == {"entry": "denmark-joins-pesco", "subject": "Denmark PESCO"}
    assert alone["status"] == "none" and alone["conversation"] is None


def test_chat_on_a_terminal_prompts_and_answers_a_follow_up(tmp_path):
    """A person at a terminal: the welcome, a prompt, the answer, the follow-up, Ctrl+D."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the real CLI on the pseudo-terminal
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "bot", "chat"])  # noqa: S606 - our own CLI
    seen = b""

    def read_until(text: bytes, times: int = 1, timeout: float = 30) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while seen.count(text) < times:
            assert time.monotonic() < deadline, seen.decode(errors="replace")[-500:]
            if select.select([terminal], [], [], 0.5)[0]:
                seen += os.read(terminal, 65536)

    try:
        read_until(b"Ctrl+D ends")
        read_until(b"> ")
        prompts = seen.count(b"> ")
        os.write(terminal, b"What is ESSOR?\n")
        read_until(b"(confidence")
        os.write(terminal, b"is it a PESCO project?\n")  # "it": the radio the answer before was about
        read_until(b"(confidence", times=2)
        # the title twice (the terminal also echoes what was typed): the follow-up got the ESSOR answer again
        assert seen.count(b"What is ESSOR?") == 3 and b"What is it about?" not in seen
        # Ctrl+D at the prompt: sent while the answer is still being written, readline can miss it on a busy machine
        read_until(b"> ", times=prompts + 2)
        os.write(terminal, b"\x04")  # Ctrl+D: the end
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        os.close(terminal)
