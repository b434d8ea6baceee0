"""/kb links: a moderator checks every cited link from Discord (bot/ops/links.py). The command is acknowledged at
once, privately; the report replaces that acknowledgement while the interaction's token lasts, and goes to the
channel if the check outlasts it. The weekly review digest posts the same report when `review_digest_links` is on.
A mixin of the Kb cog, so the cog's moderator check guards it exactly as it guards every /kb command."""

from __future__ import annotations

import asyncio
import io
import time

import discord
from discord import app_commands
from discord.ext import commands

from ....ops.link_report import (
    HEADINGS,
    LinkCheckSettings,
    LinkReport,
    Verdict,
    cited_by_text,
    outcome_text,
    report_text,
    summary_line,
)
from ....ops.links import check_knowledge
from ....render.embeds import CONTENT_LIMIT
from ...client import FaqBot
from ._checks import tell, thinking

# Discord keeps an interaction's token for follow-ups and edits 15 minutes; a minute is left for sending the
# report itself. A check still running then reports in the channel instead.
REPORT_WITHIN_S = 14 * 60
LISTED = (Verdict.DEAD, Verdict.MOVED)  # what the message lists; the attached report has the redirected too
REPORT_FILE = "link-report.txt"
SETTINGS = LinkCheckSettings()  # how politely the sites are asked (tests ask with less patience)


def _unfurled_never(url: str) -> str:
    return f"<{url}>"  # Discord shows no preview of a link in angle brackets: a report of 20 links stays a report


def report_message(report: LinkReport, heading: str) -> tuple[str, discord.File | None]:
    """The report as one Discord message: the summary, then the dead and moved links as far as they fit; the
    full text report attached when something is left out (or the check found redirected links)."""
    listed = []
    for verdict in LISTED:
        if links := report.having(verdict):
            listed.append(f"**{HEADINGS[verdict]}** ({len(links)})")
            listed += [
                f"• {_unfurled_never(link.result.url)} — {outcome_text(link.result, _unfurled_never)} — "
                f"{cited_by_text(link.citations)}"
                for link in links
            ]
    attached = "\nThe full report is attached."
    lines = [f"**{heading}** — {summary_line(report)}"]
    size = len(lines[0]) + len(attached)
    for line in listed:
        if size + 1 + len(line) > CONTENT_LIMIT:
            break  # in order, so what is shown is the most urgent
        lines.append(line)
        size += 1 + len(line)
    complete = len(lines) == 1 + len(listed) and not report.having(Verdict.REDIRECTED)
    if complete:
        return "\n".join(lines), None
    full = discord.File(io.BytesIO(report_text(report).encode("utf-8")), filename=REPORT_FILE)
    return "\n".join(lines) + attached, full


class LinkChecks(commands.Cog):
    """/kb links and the digest's link report, a base of the Kb cog (which gives `bot`, the group and the
    moderator check)."""

    bot: FaqBot
    _running_check: asyncio.Task[LinkReport] | None = None

    def _link_check(self) -> asyncio.Task[LinkReport]:
        """The check under way, or a new one: moderators (and the digest) asking at the same time share one round
        of requests to the sites."""
        if self._running_check is None or self._running_check.done():
            self._running_check = asyncio.create_task(check_knowledge(self.bot.engine.knowledge, SETTINGS))
        return self._running_check

    async def send_link_report(self, channel: discord.abc.Messageable, heading: str) -> None:
        """Post the report of the check under way (or of a new one) to `channel`, when it is done."""
        content, file = report_message(await asyncio.shield(self._link_check()), heading)
        await channel.send(content, allowed_mentions=discord.AllowedMentions.none(), files=_attached(file))

    @app_commands.command(name="links", description="Check every cited link: dead and moved ones, and who cites them")
    async def links(self, interaction: discord.Interaction[FaqBot]) -> None:
        asked = time.monotonic()
        await thinking(interaction)
        check = self._link_check()
        try:  # shielded: a wait that ends does not end the check others may share
            report = await asyncio.wait_for(asyncio.shield(check), REPORT_WITHIN_S - (time.monotonic() - asked))
        except TimeoutError:
            await self._report_in_the_channel(interaction)
            return
        content, file = report_message(report, "Cited links")
        await tell(interaction, content, files=_attached(file))

    async def _report_in_the_channel(self, interaction: discord.Interaction[FaqBot]) -> None:
        """The token is about to expire: say so while it still works, then post the report in the channel."""
        channel = interaction.channel
        if not isinstance(channel, discord.abc.Messageable):  # a category or a forum itself: nowhere to post
            await interaction.edit_original_response(content="Still checking, and this channel cannot take the report.")
            return
        await interaction.edit_original_response(
            content="Still checking the cited links; the report will be posted in this channel when it is done."
        )
        await self.send_link_report(channel, f"Cited links, as {interaction.user.mention} asked")


def _attached(file: discord.File | None) -> list[discord.File]:
    return [file] if file is not None else []
