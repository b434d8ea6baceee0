"""/kb stats: the most asked entries, the votes per entry and the open review items, read together."""

from __future__ import annotations

from . import review, usage, votes
from .database import Database
from .rows import Stats


class UsageStats(Database):
    def stats(self, limit: int = 10) -> Stats:
        most = self._execute(lambda db: usage.most_asked(db, limit), writes=False)
        tally = self._execute(votes.tally, writes=False)
        open_count = self._execute(review.open_count, writes=False)
        return Stats(most, tally, open_count)
