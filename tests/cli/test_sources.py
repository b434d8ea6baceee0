"""`python -m bot sources check` on a copy of the shipped knowledge whose every source cites a page of the local
sites (tests/fakes/link_sites.py): planted dead links are reported with the entries citing them and exit 1; moved
ones are shown with where they land and exit 0; --json says the same for scripts. The CLI runs in a worker
thread (it runs its own event loop) while the sites serve on the test's."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot import cli
from bot.core.loader import load_directory
from bot.exit_codes import Exit

from ..fakes.link_sites import LinkSites, point_sources_at

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
async def sites():
    served = await LinkSites().start()
    yield served
    await served.stop()


async def sources_check(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = await asyncio.to_thread(cli.main, ["sources", "check", "--timeout", "1", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def cited_twice(knowledge_dir) -> tuple[str, list[str]]:
    """A source at least two entries cite, and those entries."""
    knowledge = load_directory(knowledge_dir).knowledge
    for source_id in knowledge.sources:
        entries = [e.id for e in knowledge.entries if source_id in e.sources]
        if len(entries) >= 2:
            return source_id, entries
    raise AssertionError("no source is cited twice")


async def test_a_planted_dead_link_is_reported_with_the_entries_citing_it_and_exits_1(sites, knowledge_copy, capsys):
    dead_source, entries = cited_twice(knowledge_copy)
    point_sources_at(knowledge_copy, sites, {dead_source: "/gone", "eda-pesco": "/moved"})
    code, out, err = await sources_check(capsys, "--knowledge", str(knowledge_copy))
    assert code == Exit.PROBLEMS, err
    sources = len(load_directory(knowledge_copy).knowledge.sources)
    assert err.startswith(f"Checking {sources} cited link(s), 16 at a time and 2 per site, 1 s each at most")
    assert out.startswith(f"Checked {sources} link(s) in ")
    assert out.splitlines()[0].endswith(f" s: 1 dead, 1 moved, 0 redirected, {sources - 2} ok.")
    assert f"{sites.url('/gone')}\n    404 Not Found\n    source {dead_source}, cited by {', '.join(entries)}\n" in out
    eda_entries = ", ".join(e.id for e in load_directory(knowledge_copy).knowledge.entries if "eda-pesco" in e.sources)
    assert (
        f"{sites.url('/moved')}\n    301 → {sites.url('/ok')} → 200 OK\n    source eda-pesco, cited by {eda_entries}"
        in out
    )
    assert len(sites.seen("/gone")) == 1  # every link asked once
    assert {r.method for r in sites.requests} == {"HEAD"}  # nothing refused HEAD here: no page downloaded


async def test_only_moved_links_exit_0_and_json_gives_every_link_with_its_citations(sites, knowledge_copy, capsys):
    point_sources_at(knowledge_copy, sites, {"eda-pesco": "/moved", "council-decision-2017-2315": "/temporary"})
    code, out, _ = await sources_check(capsys, "--knowledge", str(knowledge_copy), "--json")
    assert code == Exit.OK
    report = json.loads(out)
    assert report["counts"] == {"dead": 0, "moved": 1, "redirected": 1, "ok": report["checked"] - 2}
    moved, redirected = report["links"][:2]  # the ones to look at come first
    assert {k: moved[k] for k in ("url", "verdict", "status", "final_url", "method")} == {
        "url": sites.url("/moved"),
        "verdict": "moved",
        "status": 200,
        "final_url": sites.url("/ok"),
        "method": "HEAD",
    }
    assert moved["redirects"] == [{"url": sites.url("/moved"), "status": 301, "to": sites.url("/ok")}]
    assert moved["sources"][0]["id"] == "eda-pesco" and moved["sources"][0]["entries"]
    assert (redirected["verdict"], redirected["sources"][0]["id"]) == ("redirected", "council-decision-2017-2315")


async def test_dead_for_every_reason_and_the_knowledge_must_load_first(sites, knowledge_copy, capsys):
    point_sources_at(
        knowledge_copy,
        sites,
        {"eda-pesco": "/never", "council-decision-2017-2315": "/broken"},
    )
    code, out, _ = await sources_check(capsys, "--knowledge", str(knowledge_copy), "--json")
    dead = {link["sources"][0]["id"]: link for link in json.loads(out)["links"] if link["verdict"] == "dead"}
    assert code == Exit.PROBLEMS
    assert (dead["eda-pesco"]["error"], dead["eda-pesco"]["detail"]) == ("timeout", "no answer within 1 s")
    assert (dead["council-decision-2017-2315"]["status"], dead["council-decision-2017-2315"]["error"]) == (500, None)

    (knowledge_copy / "broken.yaml").write_text("entries: [\n")
    code, out, err = await sources_check(capsys, "--knowledge", str(knowledge_copy))
    assert code == Exit.PROBLEMS and out == "" and "broken.yaml" in err  # nothing fetched from a broken knowledge


@pytest.mark.parametrize("timeout", ["0", "-1", "nan", "inf", "soon"])
def test_a_timeout_that_is_not_a_positive_number_of_seconds_is_refused(run, capsys, timeout):
    with pytest.raises(SystemExit) as refused:
        run("sources", "check", "--timeout", timeout)
    assert refused.value.code == Exit.USAGE
    assert f"{timeout!r} is not a number of seconds above 0" in capsys.readouterr().err
