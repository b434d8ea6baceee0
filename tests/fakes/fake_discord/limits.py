"""What Discord refuses with 400 Invalid Form Body, checked on every message the bot sends, so a test fails
the way Discord would (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)."""

from __future__ import annotations

from typing import Any

CONTENT = 2000
EMBEDS = 10
EMBED_TOTAL = 6000
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
ACTION_ROWS = 5
ROW_BUTTONS = 5
CUSTOM_ID = 100
LABEL = 80
# Modals (https://discord.com/developers/docs/interactions/message-components#text-inputs)
MODAL_TITLE = 45
MODAL_ROWS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_PLACEHOLDER = 100
TEXT_INPUT_LENGTH = 4000  # max_length's own maximum, and so the longest prefilled value

APPLIED_TAGS = 5  # tags on one forum post
UNKNOWN_CHANNEL = 10003

# Interactions (https://discord.com/developers/docs/interactions/receiving-and-responding)
FIRST_RESPONSE_S = 3.0  # the first response must reach Discord within 3 s of the interaction
FOLLOW_UP_S = 15 * 60  # the interaction token works for follow-ups and edits for 15 minutes
UNKNOWN_WEBHOOK = 10015  # a follow-up with a token Discord does not know (or no longer knows)
UNKNOWN_INTERACTION = 10062  # a first response after the deadline, or to an interaction that never was
ALREADY_ACKNOWLEDGED = 40060  # a second first response


def _embed_problems(embed: dict[str, Any], where: str) -> list[str]:
    problems = []
    fields = embed.get("fields") or []
    sizes = {
        "title": (len(embed.get("title") or ""), TITLE),
        "description": (len(embed.get("description") or ""), DESCRIPTION),
        "footer.text": (len((embed.get("footer") or {}).get("text") or ""), FOOTER),
        "author.name": (len((embed.get("author") or {}).get("name") or ""), AUTHOR),
        "fields": (len(fields), FIELDS),
    }
    for name, (size, limit) in sizes.items():
        if size > limit:
            problems.append(f"{where}.{name}: {size} > {limit}")
    for n, field in enumerate(fields):
        if len(field.get("name") or "") > FIELD_NAME or len(field.get("value") or "") > FIELD_VALUE:
            problems.append(f"{where}.fields[{n}] too long")
    return problems


def embed_total(embed: dict[str, Any]) -> int:
    fields = embed.get("fields") or []
    return (
        len(embed.get("title") or "")
        + len(embed.get("description") or "")
        + len((embed.get("footer") or {}).get("text") or "")
        + len((embed.get("author") or {}).get("name") or "")
        + sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields)
    )


def message_problems(body: dict[str, Any]) -> list[str]:
    """Why Discord would refuse this message body (empty if it would accept it)."""
    problems = []
    if len(body.get("content") or "") > CONTENT:
        problems.append(f"content: {len(body['content'])} > {CONTENT}")
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS:
        problems.append(f"embeds: {len(embeds)} > {EMBEDS}")
    for n, embed in enumerate(embeds):
        problems += _embed_problems(embed, f"embeds[{n}]")
    total = sum(embed_total(e) for e in embeds)
    if total > EMBED_TOTAL:
        problems.append(f"embeds: {total} characters in total > {EMBED_TOTAL}")
    rows = body.get("components") or []
    if len(rows) > ACTION_ROWS:
        problems.append(f"components: {len(rows)} rows > {ACTION_ROWS}")
    for n, row in enumerate(rows):
        items = row.get("components") or []
        if len(items) > ROW_BUTTONS:
            problems.append(f"components[{n}]: {len(items)} > {ROW_BUTTONS}")
        for item in items:
            if len(item.get("custom_id") or "") > CUSTOM_ID or len(item.get("label") or "") > LABEL:
                problems.append(f"components[{n}]: custom_id or label too long")
    return problems


def modal_problems(data: dict[str, Any]) -> list[str]:
    """Why Discord would refuse this modal (empty if it would accept it)."""
    problems = []
    if not 1 <= len(data.get("title") or "") <= MODAL_TITLE:
        problems.append(f"title: {len(data.get('title') or '')} characters, 1-{MODAL_TITLE} allowed")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= MODAL_ROWS:
        problems.append(f"components: {len(rows)} rows, 1-{MODAL_ROWS} allowed")
    for n, row in enumerate(rows):
        for item in row.get("components") or []:
            limit = min(item.get("max_length", TEXT_INPUT_LENGTH), TEXT_INPUT_LENGTH)
            if len(item.get("label") or "") > TEXT_INPUT_LABEL:
                problems.append(f"components[{n}]: label over {TEXT_INPUT_LABEL} characters")
            if len(item.get("placeholder") or "") > TEXT_INPUT_PLACEHOLDER:
                problems.append(f"components[{n}]: placeholder over {TEXT_INPUT_PLACEHOLDER} characters")
            if item.get("max_length", 0) > TEXT_INPUT_LENGTH or len(item.get("value") or "") > limit:
                problems.append(f"components[{n}]: value or max_length over {limit} characters")
    return problems
