"""bot/core/interchange/table.py and footnotes.py: rows with the lines they start on, escapes both ways, and an
answer's sources written under it and read back."""

import dataclasses

from bot.core.interchange import Format, Refused, read_table, write_table
from bot.core.interchange.footnotes import split_footnotes, with_footnotes
from bot.core.models import Source

ANSWER = 'Line one, "quoted".\nTab\there, a backslash \\n kept.'


def test_csv_rows_start_at_their_own_line_even_after_a_multi_line_answer():
    text = write_table(
        [["Q1", ANSWER, "S", "", "[]", "false", "[]", "1"], ["Q2", "A2", "S", "", "", "", "", "2"]], Format.CSV
    )
    table = read_table(text, Format.CSV)
    assert not isinstance(table, Refused)
    assert [(row.line, row.fields["Question"], row.fields["Answer"]) for row in table.rows] == [
        (2, "Q1", ANSWER),
        (4, "Q2", "A2"),
    ]


def test_tsv_escapes_line_breaks_tabs_and_backslashes_and_reads_them_back():
    text = write_table([["Q1", ANSWER, "S", "", "[]", "false", "[]", "1"]], Format.TSV)
    assert text.splitlines()[1].startswith('Q1\tLine one, "quoted".\\nTab\\there, a backslash \\\\n kept.\t')
    table = read_table(text, Format.TSV)
    assert not isinstance(table, Refused) and table.rows[0].fields["Answer"] == ANSWER


def test_a_header_in_any_case_with_columns_in_any_order():
    table = read_table("answer\tquestion\nA\tQ\n", Format.TSV)
    assert not isinstance(table, Refused)
    assert table.columns == ("Answer", "Question") and table.rows[0].fields == {"Answer": "A", "Question": "Q"}


def test_a_csv_the_reader_gives_up_on_is_refused_from_its_line():
    table = read_table(f'Question,Answer\nQ,A\nQ2,"{"x" * 200_000}"\nQ3,A3\n', Format.CSV)  # over csv's field limit
    assert not isinstance(table, Refused)
    assert [r.line for r in table.rows] == [2] and table.refused[0].line == 3


def test_footnotes_carry_every_field_of_a_source_and_come_back_the_same():
    sources = [
        Source("full", "A [bracketed] title — with a dash", "https://e.org/a_(b)", "Council of the EU", "2017-12-11"),
        Source("no-publisher", "Title", "https://e.org/b", None, "2024"),
        Source("publisher-only", "Title", "https://e.org/c", "Report 2024"),
        Source("bare", "Title", "https://e.org/d"),
    ]
    text = with_footnotes("A claim.[^full][^no-publisher]\n- More.[^publisher-only][^bare]", sources)
    body, back = split_footnotes(text)
    assert body == "A claim.[^full][^no-publisher]\n- More.[^publisher-only][^bare]"
    assert back == [dataclasses.replace(sources[0], title="A (bracketed) title — with a dash"), *sources[1:]]
