"""bot/discord/servers.py: whose moderators curate the knowledge, decided from the config and the servers the
bot is in (the Discord side is in tests/discord/exts/kb/test_curating.py)."""

from __future__ import annotations

from bot.config import DiscordConfig
from bot.discord.servers import NOT_CURATED_HERE, UNKNOWN_SERVERS, answers_in, curation_refusal

COMMUNITY, ELSEWHERE = 1200000000000000001, 1300000000000000002


def test_named_curating_servers_decide_whatever_the_bot_is_in():
    named = DiscordConfig(curating_guild_ids=(COMMUNITY,))
    assert curation_refusal(named, COMMUNITY, [COMMUNITY, ELSEWHERE]) is None
    assert curation_refusal(named, COMMUNITY, None) is None  # even before it knows its servers
    assert curation_refusal(named, ELSEWHERE, [COMMUNITY, ELSEWHERE]) == NOT_CURATED_HERE
    assert curation_refusal(named, None, [COMMUNITY]) == NOT_CURATED_HERE  # a DM


def test_with_none_named_only_the_one_server_curates_and_an_unknown_count_is_refused():
    unnamed = DiscordConfig()
    assert curation_refusal(unnamed, COMMUNITY, [COMMUNITY]) is None
    assert curation_refusal(unnamed, ELSEWHERE, [COMMUNITY]) == NOT_CURATED_HERE
    assert "`curating_guild_ids`" in (curation_refusal(unnamed, COMMUNITY, [COMMUNITY, ELSEWHERE]) or "")
    assert curation_refusal(unnamed, COMMUNITY, None) == UNKNOWN_SERVERS  # starting, or one shard of several


def test_the_bot_answers_in_the_listed_and_the_curating_servers_or_everywhere_when_none_are_listed():
    assert answers_in(DiscordConfig(), ELSEWHERE)
    listed = DiscordConfig(answer_guild_ids=(COMMUNITY,), curating_guild_ids=(ELSEWHERE,))
    assert answers_in(listed, COMMUNITY) and answers_in(listed, ELSEWHERE) and answers_in(listed, None)
    assert not answers_in(listed, 1400000000000000003)
