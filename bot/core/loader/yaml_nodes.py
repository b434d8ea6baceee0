"""YAML text → light nodes that keep their line numbers: read from libyaml's events, with no constructor (only
what the schema needs, and nothing is executed); tags that would construct objects, aliases and a second
document are refused with their line."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it: the same events and line marks, several times faster
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# Tags a hand-written file may use: the standard ones for text and numbers. Anything else (`!custom`,
# `!!python/name:…`) is refused with its line instead of being constructed.
_PLAIN_TAGS = frozenset({None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})


class ScalarNode:
    __slots__ = ("line", "null", "tag", "value")

    def __init__(self, value: str, line: int, tag: str | None, null: bool) -> None:
        self.value, self.line, self.tag, self.null = value, line, tag, null


class SequenceNode:
    __slots__ = ("line", "value")

    def __init__(self, line: int) -> None:
        self.line = line
        self.value: list[Node] = []


class MappingNode:
    __slots__ = ("line", "value")

    def __init__(self, line: int) -> None:
        self.line = line
        self.value: list[tuple[Node, Node]] = []


Node = ScalarNode | SequenceNode | MappingNode


class YamlProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


_SCALAR, _SEQUENCE_START, _MAPPING_START, _SEQUENCE_END, _MAPPING_END, _ALIAS, _DOCUMENT, _STREAM_END = (
    yaml.ScalarEvent,
    yaml.SequenceStartEvent,
    yaml.MappingStartEvent,
    yaml.SequenceEndEvent,
    yaml.MappingEndEvent,
    yaml.AliasEvent,
    yaml.DocumentStartEvent,
    yaml.StreamEndEvent,
)
_COLLECTION_TAGS = frozenset({None, "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 0


def _collection(event: Any, kind: type) -> SequenceNode | MappingNode:
    """The node a collection start event opens; refuses tags that would construct objects."""
    if event.tag not in _COLLECTION_TAGS:
        raise YamlProblem(_line(event), f"unsupported YAML tag {event.tag!r}")
    return SequenceNode(_line(event)) if kind is _SEQUENCE_START else MappingNode(_line(event))


def _other_event(event: Any, kind: type, documents: int) -> int:
    """1 for a document's start (refused after the first), 0 for the stream's; refuses aliases."""
    if kind is _ALIAS:
        raise YamlProblem(_line(event), "YAML aliases (*name) are not supported: write it out")
    if kind is _DOCUMENT and documents:
        raise YamlProblem(_line(event), "expected one YAML document, found another (---)")
    return int(kind is _DOCUMENT)


def tree(text: str) -> Node | None:
    """One YAML document as light nodes that keep their line numbers, built from libyaml's events (no
    PyYAML node tree and no constructor: only what the schema needs, and nothing is executed). This loop
    runs once per scalar of a 100,000-entry knowledge base, so it is written for speed: it asks the parser
    for events itself (yaml.parse wraps each in two more calls) and handles a scalar inline."""
    stack: list[SequenceNode | MappingNode] = []
    keys: list[Node | None] = []  # per open mapping: its key waiting for a value
    root: Node | None = None
    documents = 0
    parser = _Loader(text)
    next_event = parser.get_event
    try:
        while True:
            event = next_event()
            kind = type(event)
            if kind is _SCALAR:
                tag = event.tag
                line = event.start_mark.line + 1
                if tag is not None and tag not in _PLAIN_TAGS:
                    raise YamlProblem(line, f"unsupported YAML tag {tag!r}: write plain text")
                value = event.value
                node: Node = ScalarNode(value, line, tag, tag is None and event.implicit[0] and value in _NULLS)
            elif kind is _SEQUENCE_END or kind is _MAPPING_END:
                stack.pop()
                keys.pop()
                continue
            elif kind is _SEQUENCE_START or kind is _MAPPING_START:
                node = _collection(event, kind)
            elif kind is _STREAM_END:
                return root
            else:
                documents += _other_event(event, kind, documents)
                continue
            if not stack:
                root = node
            elif type(stack[-1]) is SequenceNode:
                stack[-1].value.append(node)  # a list's item
            elif keys[-1] is None:
                keys[-1] = node
            else:
                stack[-1].value.append((keys[-1], node))  # type: ignore[arg-type]  # a mapping's key and value
                keys[-1] = None
            if kind is not _SCALAR:
                stack.append(node)  # type: ignore[arg-type]  # a collection: its items follow
                keys.append(None)
    finally:
        parser.dispose()
