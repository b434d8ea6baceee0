"""Reading our HTML back in tests: the tags and attributes a browser would see, and the check that a page
cannot run anything that came from the knowledge."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)
OWN_SCRIPTS = {"filter.js"}  # the static site's filter, the only script any page may load


@dataclass
class Parsed:
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def all(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.tags if tag == name]

    def links(self) -> list[str]:
        return [attrs["href"] for attrs in self.all("a") if "href" in attrs]

    @property
    def plain(self) -> str:
        return " ".join("".join(self.text).split())


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parsed = Parsed()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parsed.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.parsed.text.append(data)


def parse(html: str) -> Parsed:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.parsed


def assert_inert(html: str) -> Parsed:
    """No script but our own file, no event-handler attribute, no image or frame, and every address is
    http(s) or a path on this site: nothing from the knowledge can run."""
    parsed = parse(html)
    for tag, attrs in parsed.tags:
        assert tag not in {"img", "iframe", "object", "embed", "svg", "math", "base"}, (tag, attrs)
        if tag == "script":
            assert set(attrs) == {"src"} and attrs["src"].rsplit("/", 1)[-1] in OWN_SCRIPTS, attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, attrs)
            if name in {"href", "src", "action", "formaction"}:
                scheme = _SCHEME.match(value)
                assert scheme is None or scheme.group(1).lower() in {"http", "https"}, (tag, attrs)
    return parsed
