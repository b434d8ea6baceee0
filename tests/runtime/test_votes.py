"""bot/runtime/votes.py (and stats.py's tally of them)."""

from __future__ import annotations


def test_votes_one_per_member_per_message(data):
    data.record_vote(1, 7, "pesco-what", True)
    data.record_vote(1, 7, "pesco-what", False)  # changed their mind
    data.record_vote(1, 8, "pesco-what", True)
    assert data.stats().votes == {"pesco-what": (1, 1)}
