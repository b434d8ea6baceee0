"""bot/discord/connection.py: what an error met while connecting means, in one line with its exit code; an
error that is not about the connection (a bug) is not explained away. (Rejected tokens, refused connections
and Discord's 503 are shown end to end in test_client.py and tests/ops/test_doctor.py.)"""

from __future__ import annotations

import aiohttp
import pytest

from bot.config import DiscordConfig
from bot.discord.connection import explain
from bot.exit_codes import Exit


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (aiohttp.InvalidURL("http://exa mple"), "cannot use http://fake.example/api/v10 as Discord's address"),
        (
            aiohttp.ServerDisconnectedError(),
            "cannot reach Discord at http://fake.example/api/v10 (Server disconnected)",
        ),
        (TimeoutError(), "cannot reach Discord at http://fake.example/api/v10 (TimeoutError)"),
        (ConnectionResetError(104, "Connection reset by peer"), "/api/v10 (Connection reset by peer); check"),
    ],
)
def test_connection_errors_are_one_line_and_exit_3(error, words):
    failure = explain(error, DiscordConfig(api_base="http://fake.example/api/v10/"))
    assert failure is not None and failure.code == Exit.UNREACHABLE
    assert words in failure.message and "\n" not in failure.message


def test_a_bug_is_not_explained_away():
    assert explain(ValueError("a bug"), DiscordConfig()) is None
    assert explain(KeyError("x"), DiscordConfig()) is None
