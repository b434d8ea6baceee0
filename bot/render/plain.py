"""An answer's markdown as terminal text: no raw `**bold**` or `[link](url)`; emphasis shown as bold or
italic only on a terminal (bot/terminal.py decides), links as "text (url)", lists and quotes kept readable."""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..terminal import BOLD, RESET

ITALIC = "\x1b[3m"
QUOTE = "> "
CODE_INDENT = "    "


@functools.cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})  # raw HTML in an answer is shown as the text it is
    md.disable("image")  # as on the web: an image's alt text and address, never fetched
    return md


def _inline(children: list[Token], *, styled: bool) -> str:
    out: list[str] = []
    link_texts: list[tuple[int, str]] = []  # where each open link's text starts, and its address
    styles = {"strong_open": BOLD, "em_open": ITALIC}
    for token in children:
        if token.type == "text" or token.type == "html_inline" or token.type == "code_inline":
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif token.type in styles:
            out.append(styles[token.type] if styled else "")
        elif token.type in ("strong_close", "em_close"):
            out.append(RESET if styled else "")
        elif token.type == "link_open":
            if out and out[-1].endswith("!"):  # an image (images are off): shown as a link to it, as on the web
                out[-1] = out[-1][:-1]
            link_texts.append((len(out), str(token.attrGet("href") or "")))
        elif token.type == "link_close" and link_texts:
            start, href = link_texts.pop()
            text = "".join(out[start:])
            if href and href not in (text, f"mailto:{text}"):  # an autolink already shows its address
                out.append(f" ({href})")
    return "".join(out)


class _Writer:
    """Writes the blocks of parsed markdown as lines, tracking list numbers, indentation and quotes."""

    def __init__(self, *, styled: bool) -> None:
        self.styled = styled
        self.lines: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [next number] for an ordered list, [] for bullets
        self.prefix: list[str] = []  # what every line starts with here: list indentation, "> " of quotes
        self.item_start = ""  # the bullet or number of a list item's first line, not yet written
        self.source_line = 0  # the source line after the last block written

    def emit(self, text: str) -> None:
        for n, line in enumerate(text.split("\n")):
            lead = "".join(self.prefix)
            if n == 0 and self.item_start:
                lead, self.item_start = "".join(self.prefix[:-1]) + self.item_start, ""
            self.lines.append((lead + line).rstrip())

    def start_block(self, token: Token) -> None:
        """A blank line before the block where the source has one (so a tight list stays tight)."""
        assert token.map is not None
        if self.lines and token.map[0] > self.source_line:
            self.lines.append("".join(p for p in self.prefix if p == QUOTE).rstrip())
        self.source_line = max(self.source_line, token.map[0])
        if token.type in ("paragraph_open", "heading_open", "fence", "code_block", "hr"):
            self.source_line = token.map[1]

    def open_list_item(self) -> None:
        counter = self.lists[-1]
        if counter:
            self.item_start, counter[0] = f"{counter[0]}. ", counter[0] + 1
        else:
            self.item_start = "- "
        self.prefix.append(" " * len(self.item_start))  # continuation lines line up under the item's text

    def write(self, tokens: list[Token]) -> str:
        for index, token in enumerate(tokens):
            kind = token.type
            if token.map and token.nesting >= 0 and kind != "inline":
                self.start_block(token)
            if kind == "inline":
                text = _inline(token.children or [], styled=self.styled)
                heading = tokens[index - 1].type == "heading_open"
                self.emit(f"{BOLD}{text}{RESET}" if heading and self.styled else text)
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.lists.append([int(token.attrGet("start") or 1)] if kind == "ordered_list_open" else [])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self.open_list_item()
            elif kind in ("list_item_close", "blockquote_close"):
                self.prefix.pop()
                self.item_start = ""
            elif kind == "blockquote_open":
                self.prefix.append(QUOTE)
            elif kind in ("fence", "code_block"):
                self.emit("\n".join(CODE_INDENT + line for line in token.content.rstrip("\n").split("\n")))
            elif kind == "hr":
                self.emit("———")
        return "\n".join(self.lines)


def markdown_text(markdown: str, *, styled: bool = False) -> str:
    """The markdown as text a person reads in a terminal; `styled` adds bold and italic (a terminal only)."""
    return _Writer(styled=styled).write(_markdown().parse(markdown))
