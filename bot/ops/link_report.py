"""A check of the cited links without the fetching (links.py's): how politely it asks (LinkCheckSettings), what it
found (each link's verdict: ok, redirected, moved, dead, with the sources and entries that cite it), and how that
reads, as text for a person and as JSON for a script. No aiohttp here, so the CLI's grammar can show the defaults."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..core.models import Knowledge

# From asking to the answer's headers: lychee's default (a widely used link checker). A page slower than that
# fails members who follow the citation too.
TIMEOUT_S = 20.0
# RFC 2616 §8.1.4 asked clients for at most 2 connections per server (RFC 9112 dropped the number, not the advice
# to be conservative): a site sees no more than a browser would, and one slow page does not stall its others.
PER_HOST = 2
# In all: the knowledge cites ~360 URLs on ~255 sites, so 16 at a time checks them in well under a minute when
# sites answer within a second or two, with little work for a bot that shares 2 cores (lychee's default, 128,
# is meant for CI machines).
CONCURRENCY = 16
PERMANENT_REDIRECTS = frozenset({301, 308})  # RFC 9110 §15.4: the resource has a new URI; cite that one
FIRST_ERROR_STATUS = 400  # 4xx and 5xx: the site says the page is not there (or cannot give it)


@dataclass(frozen=True)
class LinkCheckSettings:
    """How politely the links are checked: the defaults above; a test or `--timeout` may ask for less patience."""

    timeout_s: float = TIMEOUT_S
    concurrency: int = CONCURRENCY
    per_host: int = PER_HOST


class Verdict(StrEnum):
    DEAD = "dead"  # an error status, or no answer at all
    MOVED = "moved"  # a permanent redirect to another address: cite where it lands
    REDIRECTED = "redirected"  # a temporary redirect elsewhere: the citation can stay, but look where it goes
    OK = "ok"


SHOWN_IN_ORDER = (Verdict.DEAD, Verdict.MOVED, Verdict.REDIRECTED, Verdict.OK)  # most urgent first
HEADINGS = {
    Verdict.DEAD: "Dead: the page is gone or did not answer; find it again or cite another source",
    Verdict.MOVED: "Moved: a permanent redirect; cite the address it lands at",
    Verdict.REDIRECTED: "Redirected: a temporary redirect; the citation can stay, but check where it lands",
}


@dataclass(frozen=True)
class Hop:
    """One redirect: `url` answered `status`, sending the client to `to`."""

    url: str
    status: int
    to: str


@dataclass(frozen=True)
class LinkResult:
    """What fetching one URL gave. `status` is the last answer's HTTP status (None when there was none: then
    `error` says why); `final_url` is where the redirects (`hops`) led; `method` is the request the verdict
    rests on (GET when HEAD was refused)."""

    url: str
    status: int | None
    final_url: str
    hops: tuple[Hop, ...] = ()
    method: str = "HEAD"
    error: str | None = None  # dns, refused, timeout, tls, connection, redirects, invalid
    detail: str = ""  # the answer or the failure in words: "404 Not Found", "no answer within 20 s"

    @property
    def verdict(self) -> Verdict:
        """The one rule: an error status or no answer is dead; an answer reached by redirects to another
        address is moved when the first redirect was permanent, else redirected."""
        if self.status is None or self.status >= FIRST_ERROR_STATUS:
            return Verdict.DEAD
        if self.hops and self.final_url != self.url:
            return Verdict.MOVED if self.hops[0].status in PERMANENT_REDIRECTS else Verdict.REDIRECTED
        return Verdict.OK


@dataclass(frozen=True)
class Citation:
    """A source with a URL, and the entries that cite that source."""

    source_id: str
    entry_ids: tuple[str, ...]


@dataclass(frozen=True)
class CheckedLink:
    result: LinkResult
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class LinkReport:
    links: tuple[CheckedLink, ...]  # most urgent first (SHOWN_IN_ORDER), then by URL
    seconds: float

    def having(self, verdict: Verdict) -> list[CheckedLink]:
        return [link for link in self.links if link.result.verdict is verdict]

    @property
    def counts(self) -> dict[Verdict, int]:
        return {verdict: len(self.having(verdict)) for verdict in SHOWN_IN_ORDER}

    @property
    def any_dead(self) -> bool:
        return any(link.result.verdict is Verdict.DEAD for link in self.links)


def citations_by_url(knowledge: Knowledge) -> dict[str, tuple[Citation, ...]]:
    """Every cited URL with its sources (usually one) and the entries citing each, in the knowledge's order."""
    citing: dict[str, list[str]] = {source_id: [] for source_id in knowledge.sources}
    for entry in knowledge.entries:
        for source_id in entry.sources:
            citing.setdefault(source_id, []).append(entry.id)
    by_url: dict[str, list[Citation]] = {}
    for source in knowledge.sources.values():
        by_url.setdefault(source.url, []).append(Citation(source.id, tuple(citing[source.id])))
    return {url: tuple(citations) for url, citations in by_url.items()}


def build_report(
    results: Iterable[LinkResult], citations: dict[str, tuple[Citation, ...]], seconds: float
) -> LinkReport:
    rank = {verdict: n for n, verdict in enumerate(SHOWN_IN_ORDER)}
    links = [CheckedLink(result, citations.get(result.url, ())) for result in results]
    links.sort(key=lambda link: (rank[link.result.verdict], link.result.url))
    return LinkReport(tuple(links), seconds)


def summary_line(report: LinkReport) -> str:
    """ "Checked 364 links in 41 s: 2 dead, 5 moved, 3 redirected, 354 ok." """
    counts = ", ".join(f"{n} {verdict}" for verdict, n in report.counts.items())
    return f"Checked {len(report.links)} link(s) in {report.seconds:.0f} s: {counts}."


def outcome_text(result: LinkResult, link: Callable[[str], str] = str) -> str:
    """What happened, in one line: "404 Not Found", "301 → https://new/ → 200 OK", "timeout: no answer…".
    `link` shows an address (Discord's `<url>` keeps it from unfurling into a preview)."""
    failure = f"{result.error}: {result.detail}" if result.error else result.detail
    return " → ".join([*(f"{hop.status} → {link(hop.to)}" for hop in result.hops), failure])


def cited_by_text(citations: tuple[Citation, ...]) -> str:
    """ "source eda-pesco, cited by pesco-what, pesco-members" (one clause per source of that URL)."""
    if not citations:
        return "no source"
    return "; ".join(
        f"source {c.source_id}, cited by {', '.join(c.entry_ids) if c.entry_ids else 'no entry'}" for c in citations
    )


def report_text(report: LinkReport) -> str:
    """The report as a person reads it: the summary, then every link that is not ok, grouped by verdict."""
    lines = [summary_line(report)]
    for verdict, heading in HEADINGS.items():
        links = report.having(verdict)
        if not links:
            continue
        lines += ["", f"{heading} ({len(links)}):"]
        for link in links:
            lines += [
                f"  {link.result.url}",
                f"    {outcome_text(link.result)}",
                f"    {cited_by_text(link.citations)}",
            ]
    return "\n".join(lines)


def report_json(report: LinkReport) -> dict[str, Any]:
    """The machine-readable report (`sources check --json`): every link, ok ones included."""
    return {
        "checked": len(report.links),
        "seconds": round(report.seconds, 1),
        "counts": {str(verdict): n for verdict, n in report.counts.items()},
        "links": [
            {
                "url": link.result.url,
                "verdict": str(link.result.verdict),
                "status": link.result.status,
                "error": link.result.error,
                "detail": link.result.detail,
                "method": link.result.method,
                "final_url": link.result.final_url,
                "redirects": [{"url": hop.url, "status": hop.status, "to": hop.to} for hop in link.result.hops],
                "sources": [{"id": c.source_id, "entries": list(c.entry_ids)} for c in link.citations],
            }
            for link in report.links
        ],
    }
