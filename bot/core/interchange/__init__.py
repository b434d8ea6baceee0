"""Import and export in the format of QnA Maker and Azure question answering (TSV or CSV: Question, Answer,
Source, Metadata, and Azure's SuggestedQuestions, IsContextOnly, Prompts, QnaId). Pure: text in, text out; the
command line (bot/cli/interchange.py) reads and writes the files.

  table.py       the file's rows with their lines (header, TSV escapes, CSV quoting), and writing them
  qna_import.py  rows → entries and sources for a new knowledge file; rows it cannot take, with their lines
  qna_export.py  the knowledge → rows (one per question)
  footnotes.py   an answer's sources written under it as footnote definitions, and read back
"""

from __future__ import annotations

from .qna_export import NOT_EXPORTED, export_rows
from .qna_import import Imported, import_table
from .table import Format, Refused, Table, decode, format_of, read_table, write_table

__all__ = [
    "NOT_EXPORTED",
    "Format",
    "Imported",
    "Refused",
    "Table",
    "decode",
    "export_rows",
    "format_of",
    "import_table",
    "read_table",
    "write_table",
]
