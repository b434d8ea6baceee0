"""QnA Maker's and Azure question answering's exports as rows: TSV (one row a line, a line break inside a field
written `\\n`) or CSV (quoted fields, real line breaks), a header naming the columns, each row with the line it
starts on. Reading never raises on bad input: a row that cannot be read is a `Refused` with its line."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

# The columns of an export, in its order (Azure's exports add the last four; QnA Maker's first ones had four).
COLUMNS = ("Question", "Answer", "Source", "Metadata", "SuggestedQuestions", "IsContextOnly", "Prompts", "QnaId")
REQUIRED = ("Question", "Answer")
_ESCAPES = {"n": "\n", "t": "\t", "r": "", "\\": "\\"}
_ESCAPED = re.compile(r"\\([ntr\\])")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # a byte decoding with errors="surrogateescape" could not read


class Format(StrEnum):
    TSV = "tsv"
    CSV = "csv"


def format_of(name: str) -> Format | None:
    """The format a file name says: .tsv or .txt (QnA Maker's TSV), .csv; None for anything else."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return Format.CSV if suffix == "csv" else Format.TSV if suffix in ("tsv", "txt") else None


@dataclass(frozen=True)
class Row:
    line: int
    fields: dict[str, str]  # column → text, for every column of the header


@dataclass(frozen=True)
class Refused:
    line: int
    reason: str


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[Row]
    refused: list[Refused]


def decode(content: bytes) -> str:
    """An export's text: UTF-16 or UTF-32 with a byte-order mark (Excel's "Unicode text"), else UTF-8; bytes
    that are not UTF-8 stay visible to read_table (which refuses their rows), never an exception."""
    for mark, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32")):
        if content.startswith(mark):
            return content.decode(encoding, errors="replace")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors="replace")
    return content.decode("utf-8-sig", errors="surrogateescape")


def read_table(text: str, kind: Format) -> Table | Refused:
    """The header and every row; a Refused (line 1) when there is no header naming Question and Answer."""
    records = _tsv_records(text) if kind is Format.TSV else _csv_records(text)
    header: list[str] | None = None
    rows: list[Row] = []
    refused: list[Refused] = []
    for line, fields in records:
        if isinstance(fields, str):  # the CSV reader gave up here
            refused.append(Refused(line, f"cannot be read as CSV from here on: {fields}"))
            break
        if header is None:
            header = [name.strip() for name in fields]
            missing = [name for name in REQUIRED if name.lower() not in (h.lower() for h in header)]
            if missing:
                columns = " and ".join(REQUIRED)
                return Refused(line, f"the first line must name the columns, {columns} among them (found {header})")
            header = [next((c for c in COLUMNS if c.lower() == h.lower()), h) for h in header]
            continue
        if not any(field.strip() for field in fields):
            continue  # a blank line
        problem = _row_problem(fields, header)
        if problem:
            refused.append(Refused(line, problem))
            continue
        unescaped = [_unescape(field) for field in fields] if kind is Format.TSV else fields
        rows.append(Row(line, dict(zip(header, unescaped, strict=True))))
    if header is None:
        return Refused(1, "the file is empty")
    return Table(tuple(header), rows, refused)


def _row_problem(fields: Sequence[str], header: Sequence[str]) -> str | None:
    if len(fields) != len(header):
        guess = "a tab or comma too many" if len(fields) > len(header) else "a line break inside a field"
        return f"{len(fields)} fields where the header names {len(header)} columns ({guess}?)"
    for field in fields:
        if found := _NOT_UTF8.search(field):
            return f"byte 0x{ord(found.group()) - 0xDC00:02X} is not UTF-8: save the file as UTF-8"
    return None


def _tsv_records(text: str) -> Iterable[tuple[int, list[str] | str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        yield number, line.split("\t")


def _csv_records(text: str) -> Iterable[tuple[int, list[str] | str]]:
    """Each record with the line it starts on; an error's text where the reader gives up (a NUL byte)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for fields in reader:
            yield start, fields
            start = reader.line_num + 1
    except csv.Error as error:
        yield start, str(error)


def _unescape(field: str) -> str:
    return _ESCAPED.sub(lambda found: _ESCAPES[found[1]], field)


def write_table(rows: Iterable[Sequence[str]], kind: Format) -> str:
    """The header and the rows as an export's text (fields in COLUMNS order)."""
    if kind is Format.CSV:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return out.getvalue()
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(_escape(field) for field in row) for row in rows]
    return "\n".join(lines) + "\n"


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace("\r", "").replace("\n", "\\n").replace("\t", "\\t")
