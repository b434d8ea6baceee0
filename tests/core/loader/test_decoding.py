"""bot/core/loader/decoding.py and the characters YAML refuses: every one a problem at its file and line, on one
line, in every command that reads the knowledge (check through the loader; ask, serve, site and run through
store.open_engine) — never a UnicodeDecodeError traceback."""

from pathlib import Path

import pytest

from bot.core.loader import load_directory, load_files, load_texts
from bot.core.loader.decoding import MAX_LINES_REPORTED, decode
from bot.core.store import EditRefused, KnowledgeStore, open_engine

from .conftest import GOOD_SOURCE

LATIN_1 = "entries:\n  - id: latin\n    questions: [café?]\n    answer: Un café.\n".encode("latin-1")


def test_utf8_with_or_without_a_byte_order_mark_decodes_as_it_is():
    assert decode("a.yaml", "x: é\n".encode()) == ("x: é\n", [])
    assert decode("a.yaml", "\ufeffx: é\n".encode()) == ("x: é\n", [])


def test_every_line_with_bytes_that_are_not_utf8_is_named_once_with_its_column():
    text, problems = decode("a.yaml", LATIN_1)
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [(3, "not UTF-8"), (4, "not UTF-8")]
    assert "byte 0xE9 at column 20" in problems[0].message and "save the file as UTF-8" in problems[0].message
    assert "caf\ufffd?" in text  # the rest of the file is still read


def test_a_file_full_of_bad_bytes_is_summed_up_after_a_few_lines():
    _, problems = decode("a.yaml", b"x: \xff\n" * 20)
    assert len(problems) == MAX_LINES_REPORTED + 1
    assert problems[-1].line == MAX_LINES_REPORTED + 1
    assert problems[-1].message == f"…and {20 - MAX_LINES_REPORTED} more line(s) that are not UTF-8"


@pytest.mark.parametrize(("encoding", "named"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_a_utf16_or_utf32_file_is_named_as_such_and_still_read(encoding: str, named: str):
    result = load_files({"a.yaml": (GOOD_SOURCE + "x: 1\n").encode(encoding)})
    assert (result.errors[0].line, result.errors[0].message) == (
        1,
        f"the file is {named} (it starts with a {named} byte-order mark): save it as UTF-8",
    )
    assert "s1" in result.knowledge.sources  # read, so other files' references into it resolve


def test_a_file_cut_in_the_middle_of_a_character_is_a_problem_at_its_last_line():
    content = "entries:\n  - id: x\n    questions: [why?]\n    answer: déjà".encode()
    [problem] = load_files({"a.yaml": content[:-1]}).errors
    assert problem.line == 4 and problem.message.startswith("not UTF-8: byte 0xC3 at column 16")


@pytest.mark.parametrize(
    ("character", "message"),
    [
        ("\x00", "U+0000 at column 18 is a NUL character; was the file saved as UTF-16 or UTF-32? Save it as UTF-8"),
        ("\x01", "U+0001 at column 18 is a control character, which YAML does not allow: delete it"),
        ("\x7f", "U+007F at column 18 is a control character, which YAML does not allow: delete it"),
        ("\x9b", "U+009B at column 18 is a control character, which YAML does not allow: delete it"),
        ("\ufffe", "U+FFFE at column 18 is not a character: delete it"),
        ("\ud800", "U+D800 at column 18 is half of a surrogate pair, which is not a character: delete it"),
    ],
)
def test_a_character_yaml_refuses_is_one_line_with_its_file_line_and_column(character: str, message: str):
    text = f"entries:\n  - id: x\n    questions: [why?]\n    answer: é€𝄞 x{character}y\n"
    [problem] = load_texts({"zz.yaml": text}).problems
    assert str(problem) == f"zz.yaml:4: error: {message}"


def test_a_file_yaml_cannot_read_is_its_one_error_not_every_reference_into_it(knowledge_copy: Path, run):
    """A stray control character makes the whole file unreadable: the ids it defines are then missing, and
    every entry relating to them and every source only its entries cite would bury the one line that matters."""
    with (knowledge_copy / "pesco.yaml").open("a", encoding="utf-8") as file:
        file.write("# \x07 a bell pasted from a terminal\n")
    result = run("check", str(knowledge_copy))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    errors = [line for line in lines if ": error" in line]
    assert len(errors) == 1 and "pesco.yaml:" in errors[0] and "U+0007 at column 3 is a control character" in errors[0]
    assert not [line for line in lines if "unknown entry id" in line or "no entry cites this source" in line]
    (unchecked,) = [line for line in lines if "checked once it can be read" in line]
    assert ": warning [" in unchecked and f"are in {knowledge_copy / 'pesco.yaml'}:" in unchecked


def test_an_id_no_file_defines_is_still_reported_when_every_file_is_read():
    result = load_texts(
        {
            "a.yaml": GOOD_SOURCE + "entries:\n  - id: a\n    questions: [a?]\n    answer: A.[^s1]\n"
            "    sources: [s1]\n    related: [nowhere]\n"
        }
    )
    assert [p.message for p in result.errors] == ["unknown entry id 'nowhere'"]


@pytest.mark.parametrize("key", ["[a, b]", "{a: 1}", "~", "null"])
def test_a_synonym_term_that_is_not_text_is_an_error_at_its_line(key: str):
    result = load_texts({"s.yaml": f"synonyms:\n  ok: [fine]\n  {key}: [pesco]\n"})
    assert [(p.line, p.key, p.message) for p in result.errors] == [
        (3, "synonyms", "a term must be text (not a list, a mapping or ~)")
    ]
    assert result.knowledge.synonyms == {"ok": ("fine",)}


def write_latin_1_knowledge(tmp_path: Path) -> Path:
    directory = tmp_path / "kb"
    directory.mkdir()
    (directory / "good.yaml").write_text(
        GOOD_SOURCE + "entries:\n  - id: tea\n    questions: [tea?]\n    answer: Tea.[^s1]\n    sources: [s1]\n"
    )
    (directory / "zz.yaml").write_bytes(LATIN_1)
    return directory


def test_check_names_the_file_and_line_of_a_latin_1_file(tmp_path: Path, run):
    directory = write_latin_1_knowledge(tmp_path)
    result = run("check", str(directory))
    assert result.returncode == 1
    assert f"{directory / 'zz.yaml'}:3: error: not UTF-8: byte 0xE9 at column 20" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", [["ask", "tea?"], ["site", "OUT"]])
def test_commands_that_build_the_engine_name_the_file_and_line_instead_of_a_traceback(
    tmp_path: Path, run, command: list[str]
):
    directory = write_latin_1_knowledge(tmp_path)
    args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
    result = run(*args, "--knowledge", str(directory), "--no-cache")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(f"{directory / 'zz.yaml'}:3: error: not UTF-8: byte 0xE9")
    assert "Traceback" not in result.stderr


def test_open_engine_which_serve_and_run_start_from_refuses_with_the_problem(tmp_path: Path):
    engine, result = open_engine(write_latin_1_knowledge(tmp_path))
    assert engine is None
    assert [(Path(p.file).name, p.line) for p in result.errors] == [("zz.yaml", 3), ("zz.yaml", 4)]


def test_an_unreadable_file_is_named_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    directory = write_latin_1_knowledge(tmp_path)
    read_bytes = Path.read_bytes

    def refuse_zz(path: Path) -> bytes:
        if path.name == "zz.yaml":  # as for a file without read permission (the tests may run as root)
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse_zz)
    result = load_directory(directory)
    unreadable = f"{directory / 'zz.yaml'}: error: cannot read the file: Permission denied"
    assert [str(p) for p in result.errors] == [unreadable]
    assert [e.id for e in result.knowledge.entries] == ["tea"]


def test_the_store_which_run_starts_from_refuses_with_the_problem_not_a_decode_error(tmp_path: Path):
    with pytest.raises(EditRefused) as refused:  # `run` logs each problem of an EditRefused and stops
        KnowledgeStore(write_latin_1_knowledge(tmp_path))
    assert [(Path(p.file).name, p.line) for p in refused.value.problems] == [("zz.yaml", 3), ("zz.yaml", 4)]
