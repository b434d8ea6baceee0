"""A knowledge file's bytes → its text, and a problem at the line of every byte that is not UTF-8 (a file saved
as Latin-1, UTF-16 or cut in the middle of a character), so that no command ends in a UnicodeDecodeError.

The text is still read (the bad bytes as U+FFFD, a UTF-16 or UTF-32 file in its own encoding) so that every
other problem in it is reported too and other files' references into it resolve; the encoding problem is an
error, so such a file never reaches the engine.
"""

from __future__ import annotations

import codecs
import re

from ..models import Problem

MAX_LINES_REPORTED = 5  # per file: past this, one more line says how many others there are
_BYTE_ORDER_MARKS = (  # UTF-32's before UTF-16's: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" makes of a byte that is not UTF-8


def decode(name: str, content: bytes) -> tuple[str, list[Problem]]:
    """The file's text (a UTF-8 byte-order mark dropped) and a problem per line holding bytes that are not UTF-8."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if content.startswith(mark):
            named = encoding.upper()
            message = f"the file is {named} (it starts with a {named} byte-order mark): save it as UTF-8"
            return content.decode(encoding, errors="replace").lstrip("\ufeff"), [Problem(name, 1, "", message)]
    try:
        return content.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    text = content.decode("utf-8-sig", errors="surrogateescape")
    problems: list[Problem] = []
    line, counted = 1, 0
    for found in _ESCAPED_BYTE.finditer(text):
        position = found.start()
        line += text.count("\n", counted, position)
        counted = position
        if problems and problems[-1].line == line:
            continue  # one problem per line
        if len(problems) == MAX_LINES_REPORTED:
            remaining = _lines_with_bad_bytes(text, position)
            problems.append(Problem(name, line, "", f"…and {remaining} more line(s) that are not UTF-8"))
            break
        byte, column = ord(found.group()) - 0xDC00, position - text.rfind("\n", 0, position)
        message = (
            f"not UTF-8: byte 0x{byte:02X} at column {column} cannot be read (saved as Latin-1 or Windows-1252, "
            "or cut in the middle of a character?): save the file as UTF-8"
        )
        problems.append(Problem(name, line, "", message))
    return _ESCAPED_BYTE.sub("\ufffd", text), problems


def _lines_with_bad_bytes(text: str, start: int) -> int:
    """How many lines from the one holding `start` on have a byte that is not UTF-8."""
    first_line = text.rfind("\n", 0, start) + 1
    return sum(1 for line in text[first_line:].split("\n") if _ESCAPED_BYTE.search(line))
