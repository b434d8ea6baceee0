"""`python -m bot import FILE` and `python -m bot export FILE` as a user runs them (bot.cli.main in this process):
a QnA Maker TSV export with bad rows imports with each bad row named, passes `check`, exports back, and imports
again to the same entries; no file is ever overwritten."""

from pathlib import Path

import pytest

from bot.core.loader import load_directory
from bot.core.yaml_edit import entry_record, source_record
from bot.exit_codes import Exit

from .conftest import ROOT

EXPORT = ROOT / "tests" / "data" / "qna_maker_export.tsv"


def knowledge_of(directory: Path) -> tuple[list[dict], list[dict]]:
    knowledge = load_directory(directory).knowledge
    return [entry_record(e) for e in knowledge.entries], [source_record(s) for s in knowledge.sources.values()]


@pytest.fixture
def empty_knowledge(tmp_path: Path) -> Path:
    directory = tmp_path / "kb"
    directory.mkdir()
    return directory


def test_a_qna_maker_export_with_bad_rows_imports_names_each_bad_row_and_passes_check(empty_knowledge: Path, run):
    result = run("import", str(EXPORT), "--knowledge", str(empty_knowledge))
    assert result.returncode == Exit.PROBLEMS  # rows were left out
    assert result.stdout.splitlines()[:5] == [
        f"{EXPORT}:7: row not imported: no answer",
        f"{EXPORT}:8: row not imported: 3 fields where the header names 8 columns (a line break inside a field?)",
        f"{EXPORT}:9: row not imported: 7 fields where the header names 8 columns (a line break inside a field?)",
        f"{EXPORT}:11: row not imported: its answer differs from line 10's, which has the same QnaId",
        f"{EXPORT}:12: row not imported: answer is 1904 characters as shown; the limit is 1800 (rows at lines 12)",
    ]
    written = empty_knowledge / "qna-maker-export.yaml"
    assert f"{written}: 3 entries (6 questions) and 2 new sources from {EXPORT}; 5 row(s) not imported" in result.stdout
    assert "note: line 10: metadata 'nonsense' is not key:value; it was left out" in result.stdout
    assert "title made from their web address and no publisher or date" in result.stdout  # what it could not supply
    assert "not imported (the knowledge has no such thing): Prompts" in result.stdout
    entries, _ = knowledge_of(empty_knowledge)
    assert [(e["id"], e["questions"], e.get("tags")) for e in entries] == [
        (
            "what-is-the-european-defence-agency",
            ["What is the European Defence Agency?", "what does the eda do", "EDA explained"],
            ["category-institutions", "audience-public"],
        ),
        (
            "who-chairs-the-eda",
            ["Who chairs the EDA?", "who is the head of the eda"],
            ["category-institutions", "people"],
        ),
        ("what-is-card", ["What is CARD?"], ["category-institutions"]),
    ]
    assert entries[1]["answer"].splitlines() == [  # the lead-in needs no marker; each item cites the row's source
        "The Head of the Agency is the High Representative, who chairs its Steering Board of defence ministers:",
        "- ministers meet at least twice a year[^eda-europa-eu-who-we-are]",
        "- the Chief Executive runs the Agency day to day[^eda-europa-eu-who-we-are]",
    ]
    check = run("check", str(empty_knowledge))
    assert check.returncode == Exit.OK, check.stdout
    assert check.stdout.splitlines()[-1].endswith("3 entries, 6 questions, 2 sources; 0 error(s), 0 warning(s)")


def test_an_import_exports_back_and_imports_again_to_the_same_entries(empty_knowledge: Path, tmp_path: Path, run):
    run("import", str(EXPORT), "--knowledge", str(empty_knowledge))
    for kind in ("tsv", "csv"):
        exported = tmp_path / f"back.{kind}"
        result = run("export", str(exported), "--knowledge", str(empty_knowledge))
        assert result.returncode == Exit.OK, result.stderr
        assert result.stdout == (
            f"{exported}: 3 entries as 6 rows, one per question; not in the format: related entries, reviewed and "
            "review_by dates\n"
        )
        again = tmp_path / f"again-{kind}"
        again.mkdir()
        result = run("import", str(exported), "--knowledge", str(again))
        assert result.returncode == Exit.OK, result.stdout
        assert knowledge_of(again) == knowledge_of(empty_knowledge), kind


def test_the_shipped_knowledge_exports_and_imports_back_with_its_ids_answers_and_sources(tmp_path: Path, run):
    exported = tmp_path / "faq.tsv"
    assert run("export", str(exported)).returncode == Exit.OK
    header, first, *_ = exported.read_text(encoding="utf-8").splitlines()
    assert header.split("\t") == [
        *("Question", "Answer", "Source", "Metadata"),
        *("SuggestedQuestions", "IsContextOnly", "Prompts", "QnaId"),
    ]
    assert "[^" in first.split("\t")[1] and "\\n\\n[^" in first.split("\t")[1]  # markers, then their footnotes
    target = tmp_path / "kb"
    target.mkdir()
    result = run("import", str(exported), "--knowledge", str(target), "--out", str(target / "faq.yaml"))
    assert result.returncode == Exit.OK, result.stdout
    shipped = load_directory(ROOT / "knowledge").knowledge
    back = load_directory(target).knowledge
    assert [(e.id, e.questions, e.answer, e.sources, e.tags) for e in back.entries] == [
        (e.id, e.questions, e.answer, e.sources, e.tags) for e in shipped.entries
    ]
    cited = {s for e in shipped.entries for s in e.sources}
    assert {k: (s.title, s.url, s.publisher, s.date) for k, s in back.sources.items()} == {
        k: (s.title.replace("[", "(").replace("]", ")"), s.url, s.publisher, s.date)
        for k, s in shipped.sources.items()
        if k in cited
    }


def test_import_and_export_never_overwrite_a_file(empty_knowledge: Path, tmp_path: Path, run):
    existing = empty_knowledge / "qna-maker-export.yaml"
    existing.write_text("# mine\n")
    result = run("import", str(EXPORT), "--knowledge", str(empty_knowledge))
    assert result.returncode == Exit.FILE and "exists; nothing was written" in result.stderr
    assert existing.read_text() == "# mine\n"
    taken = tmp_path / "out.tsv"
    taken.write_text("keep me")
    result = run("export", str(taken))
    assert result.returncode == Exit.FILE and taken.read_text() == "keep me"


def test_an_editorial_row_imports_without_a_source_and_says_check_will_refuse_it(empty_knowledge, tmp_path, run):
    qna = tmp_path / "small.tsv"
    qna.write_text("Question\tAnswer\tSource\tMetadata\nHi!\tHello! Ask me about defence.\tEditorial\t\n")
    result = run("import", str(qna), "--knowledge", str(empty_knowledge))
    assert result.returncode == Exit.PROBLEMS
    assert "note: entries that cite no source (their Source was not a web address), which `check` refuses" in (
        result.stdout
    )
    assert f"{empty_knowledge / 'small.yaml'}:4: error [hi.sources]: entry cites no source" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "small.tsv:1: cannot import: the file is empty"),
        (b"Q\tA\nx\ty\n", "small.tsv:1: cannot import: the first line must name the columns, Question and Answer"),
    ],
)
def test_a_file_that_is_not_an_export_is_one_line(empty_knowledge, tmp_path, run, content: bytes, message: str):
    qna = tmp_path / "small.tsv"
    qna.write_bytes(content)
    result = run("import", str(qna), "--knowledge", str(empty_knowledge))
    assert result.returncode == Exit.PROBLEMS and message in result.stderr
    assert list(empty_knowledge.iterdir()) == []


def test_a_latin_1_row_and_a_utf16_file(empty_knowledge, tmp_path, run):
    qna = tmp_path / "small.tsv"
    text = "Question\tAnswer\tSource\tMetadata\nWhat is PESCO?\tA framework.\thttps://e.org/p\t\n"
    qna.write_bytes(text.encode() + "Café?\tCafé.\thttps://e.org/c\t\n".encode("latin-1"))
    result = run("import", str(qna), "--knowledge", str(empty_knowledge))
    assert f"{qna}:3: row not imported: byte 0xE9 is not UTF-8: save the file as UTF-8" in result.stdout
    utf16 = tmp_path / "excel.txt"
    utf16.write_bytes(text.encode("utf-16"))
    result = run("import", str(utf16), "--knowledge", str(empty_knowledge))
    assert result.returncode == Exit.OK, result.stdout
