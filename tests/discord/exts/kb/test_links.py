"""/kb links and the digest's link report, through the fake Discord, on a copy of the knowledge whose sources cite
local sites (tests/fakes/link_sites.py): a moderator is acknowledged at once and gets the dead and moved links
with the entries citing them; anyone else is refused as for every /kb command; a check that outlasts the
interaction's token reports in the channel; the weekly digest includes the report only when configured."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys

import pytest

from bot.core.loader import load_directory
from bot.discord.exts.kb._links import report_message
from bot.ops.link_report import CheckedLink, Citation, Hop, LinkCheckSettings, LinkReport, LinkResult

from ....fakes.fake_discord import MANAGE_GUILD, rest
from ....fakes.harness import LoopWatch, callback_for, follow_ups, is_message_post, reply_to, response_to, running_bot
from ....fakes.link_sites import LinkSites, point_sources_at
from .test_cog import kb

pytestmark = pytest.mark.timeout(90)
MODERATOR = {"permissions": MANAGE_GUILD}
DEFERRED = 5  # "thinking…": the answer follows as an edit of it
EPHEMERAL = 64
DEAD, MOVED, SLOW = "council-decision-2017-2315", "eda-pesco", "eeas-pesco-factsheet"


@pytest.fixture
async def sites():
    served = await LinkSites().start()
    yield served
    await served.stop()


@pytest.fixture
def cited_locally(knowledge_copy, sites):
    """The knowledge copy citing the local sites: one source dead (404), one moved (301), one that never answers."""
    point_sources_at(knowledge_copy, sites, {DEAD: "/gone", MOVED: "/moved", SLOW: "/never"})
    return knowledge_copy


def patience(monkeypatch, timeout_s: float = 1.0, report_within_s: float | None = None) -> None:
    """Less patience for the never-answering site (and a shorter token), in the _links module the running bot
    loaded: discord.py loads an extension's modules afresh for each bot, so a module imported here may be stale."""
    links = sys.modules["bot.discord.exts.kb._links"]
    monkeypatch.setattr(links, "SETTINGS", LinkCheckSettings(timeout_s=timeout_s))
    if report_within_s is not None:
        monkeypatch.setattr(links, "REPORT_WITHIN_S", report_within_s)


def citing(knowledge_dir, source_id: str) -> str:
    return ", ".join(e.id for e in load_directory(knowledge_dir).knowledge.entries if source_id in e.sources)


async def test_a_moderator_is_answered_at_once_then_gets_the_dead_and_moved_links_and_who_cites_them(
    cited_locally, sites, monkeypatch
):
    async with running_bot(cited_locally) as (fake, _), LoopWatch() as loop:
        patience(monkeypatch)
        interaction = await fake.slash("kb", kb("links"), **MODERATOR)
        acknowledged = await callback_for(fake, interaction)
        assert acknowledged.body["type"] == DEFERRED and acknowledged.body["data"]["flags"] & EPHEMERAL
        (report,) = await follow_ups(fake, interaction, timeout=30)
        assert report.at - acknowledged.at >= 1.0  # the acknowledgement did not wait for the never-answering site
        content = report.body["content"]
        assert content.startswith("**Cited links** — Checked ") and ": 2 dead, 1 moved, 0 redirected" in content
        assert (
            f"• <{sites.url('/gone')}> — 404 Not Found — source {DEAD}, cited by {citing(cited_locally, DEAD)}"
            in content
        )
        assert f"• <{sites.url('/never')}> — timeout: no answer within 1 s — source {SLOW}, cited by " in content
        assert f"• <{sites.url('/moved')}> — 301 → <{sites.url('/ok')}> → 200 OK — source {MOVED}, cited by " in content
        assert report.files == {}  # everything fits: nothing attached
        assert loop.longest < 0.5  # the check ran beside the bot, not on top of it (the dead site alone takes 1 s)


async def test_anyone_else_is_refused_as_for_every_kb_command_and_no_site_is_asked(cited_locally, sites):
    async with running_bot(cited_locally) as (fake, _):
        (put,) = fake.find("PUT", r"/applications/\d+/commands$")
        group = next(c for c in put.body if c["name"] == "kb")  # in the /kb group: Manage Server by default
        assert "links" in {o["name"] for o in group["options"]} and str(group["default_member_permissions"]) == str(
            MANAGE_GUILD
        )
        body = (await callback_for(fake, await fake.slash("kb", kb("links")))).body
        assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL and "Only moderators" in body["data"]["content"]
    assert sites.requests == []


async def test_two_moderators_at_once_share_one_check(cited_locally, sites, monkeypatch):
    async with running_bot(cited_locally) as (fake, _):
        patience(monkeypatch)
        first = await fake.slash("kb", kb("links"), **MODERATOR)
        second = await fake.slash("kb", kb("links"), **MODERATOR)
        for interaction in (first, second):
            assert "404 Not Found" in (await response_to(fake, interaction, timeout=30))["content"]
    assert sites.seen("/gone") == ["HEAD"]


async def test_a_check_that_outlasts_the_token_says_so_in_time_and_reports_in_the_channel(
    cited_locally, sites, monkeypatch
):
    monkeypatch.setattr(rest, "FOLLOW_UP_S", 2.0)  # Discord's 15 minutes, shortened
    async with running_bot(cited_locally) as (fake, _):
        patience(monkeypatch, timeout_s=3.0, report_within_s=1.0)  # the check outlasts the token
        interaction = await fake.slash("kb", kb("links"), **MODERATOR)
        (still,) = await follow_ups(fake, interaction)
        assert still.method == "PATCH" and still.body["content"].startswith("Still checking the cited links")
        report = (await reply_to(fake, fake.text_channel_id, timeout=30)).body
        assert report["content"].startswith(f"**Cited links, as <@{fake.owner['id']}> asked** — Checked ")
        assert "timeout: no answer within 3 s" in report["content"]
        assert report["allowed_mentions"]["parse"] == []  # named, never pinged
        assert len(await follow_ups(fake, interaction)) == 1  # nothing more with the expired token
    # on the way out, the harness asserts that Discord refused nothing: no follow-up came after the token expired


async def test_the_weekly_digest_includes_the_link_report_only_when_configured(cited_locally, sites, monkeypatch):
    async with running_bot(cited_locally) as (fake, bot):
        patience(monkeypatch)
        cog = bot.get_cog("Kb")
        settings = dataclasses.replace(bot.config.discord, review_digest_channel_id=int(fake.text_channel_id))
        bot.config = dataclasses.replace(bot.config, discord=settings)
        assert await cog.send_review_digest(dt.date(2027, 2, 20))
        await reply_to(fake, fake.text_channel_id)
        assert sites.requests == []  # off by default: the digest asks no site

        bot.config = dataclasses.replace(bot.config, discord=dataclasses.replace(settings, review_digest_links=True))
        assert await cog.send_review_digest(dt.date(2027, 2, 20))
        _, digest, links = await fake.wait_for_request(is_message_post(fake.text_channel_id), count=3)
        assert digest.body["embeds"][0]["title"].startswith("Weekly review digest")
        assert links.body["content"].startswith("**Weekly link check** — Checked ")
        assert f"source {DEAD}, cited by {citing(cited_locally, DEAD)}" in links.body["content"]


def test_a_report_too_long_for_one_message_lists_what_fits_and_attaches_the_rest():
    def dead(n: int) -> CheckedLink:
        result = LinkResult(f"https://site-{n}.example/page", 404, f"https://site-{n}.example/page", detail="404")
        return CheckedLink(result, (Citation(f"source-{n}", tuple(f"entry-{n}-{m}" for m in range(5))),))

    short_moved = LinkResult(
        "https://m.example/", 200, "https://n.example/", (Hop("https://m.example/", 301, "https://n.example/"),)
    )
    report = LinkReport((*(dead(n) for n in range(40)), CheckedLink(short_moved, ())), 12.0)
    content, attached = report_message(report, "Cited links")
    assert len(content) <= 2000 and content.endswith("\nThe full report is attached.")
    assert "<https://site-0.example/page>" in content and "site-39" not in content
    assert "Moved" not in content  # the most urgent first: nothing after the first dead link that did not fit
    assert attached is not None and attached.filename == "link-report.txt"
    assert attached.fp.read().decode().count("    404\n    source source-") == 40

    redirected = LinkResult(
        "https://a.example/", 200, "https://b.example/", (Hop("https://a.example/", 302, "https://b.example/"),)
    )
    content, attached = report_message(LinkReport((CheckedLink(redirected, ()),), 1.0), "Cited links")
    assert "0 dead, 0 moved, 1 redirected" in content and attached is not None  # listed in the attachment only
    assert "a.example" not in content
