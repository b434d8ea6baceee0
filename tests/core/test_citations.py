"""bot/core/citations.py: the blocks of an answer, which need a marker, and how markers are numbered."""

from bot.core import citations
from bot.core.loader import ID_PATTERN

ANSWER = """PESCO was launched on **11 December 2017**.[^council-2017] It has 26 members.[^pesco-members]
Only Malta is outside.[^cph-post]

Examples:
- **Military Mobility**, coordinated by the Netherlands;[^nl-mod]
  open to the US, Canada and Norway.
- **CRRT**, cyber teams.
1. A numbered item with a marker.[^nl-mod][^cph-post]

**Worked**:
A closing paragraph with no source."""


def test_an_answer_is_read_as_paragraphs_and_list_items_with_their_first_lines():
    found = list(citations.blocks(ANSWER))
    assert [(b.line, b.list_item) for b in found] == [
        (0, False),
        (3, False),
        (4, True),
        (6, True),
        (7, True),
        (9, False),
    ]
    assert found[2].text.endswith("open to the US, Canada and Norway.")
    assert [b.lead_in for b in found] == [False, True, False, False, False, False]


def test_every_block_that_states_something_needs_a_marker_but_a_lead_in_does_not():
    assert [(b.line, b.text) for b in citations.unmarked(ANSWER)] == [
        (6, "- **CRRT**, cyber teams."),
        (9, "**Worked**:\nA closing paragraph with no source."),
    ]
    assert citations.unmarked("Lead-in:[^a]\n- item[^a]") == []


def test_a_lead_in_is_excused_only_right_above_a_list():
    assert [b.text for b in citations.unmarked("Examples:\n\nA paragraph.[^a]")] == ["Examples:"]
    assert [b.text for b in citations.unmarked("- item:\n- item[^a]")] == ["- item:"]  # an item is no lead-in


def test_cite_unmarked_marks_every_block_that_needs_it_and_leaves_the_rest():
    text = "One.\nStill one.\n\nMarked.[^x]\n\nLead-in:\n- item\n  continued  \n- item 2\n"
    assert citations.cite_unmarked(text, ["a", "b"]) == (
        "One.\nStill one.[^a][^b]\n\nMarked.[^x]\n\nLead-in:\n- item\n  continued[^a][^b]\n- item 2[^a][^b]\n"
    )
    assert citations.unmarked(citations.cite_unmarked(ANSWER, ["s"])) == []
    assert citations.cite_unmarked("No sources.", []) == "No sources."


def test_markers_are_numbered_in_the_order_of_the_sources_list_not_of_appearance():
    sources = ["nl-mod", "council-2017", "pesco-members", "cph-post"]
    shown = citations.number_markers(ANSWER, sources)
    assert "2017**.[2] It has 26 members.[3]" in shown
    assert "A numbered item with a marker.[1][4]" in shown
    assert citations.number_markers("x[^unknown] y[^nl-mod]", sources, "<{}>".format) == "x y<1>"
    assert citations.marker_ids(ANSWER) == ["council-2017", "pesco-members", "cph-post", "nl-mod"]


def test_lengths_count_a_marker_as_it_is_shown_and_the_matcher_never_reads_one():
    assert citations.shown_length("A claim.[^a-very-long-source-identifier-2025]") == len("A claim.[12]")
    assert citations.strip_markers("A claim.[^source-a][^source-b] More.") == "A claim. More."


def test_a_marker_names_an_id_by_the_loaders_rule():
    assert citations.MARKER.pattern == rf"\[\^({ID_PATTERN})\]"
