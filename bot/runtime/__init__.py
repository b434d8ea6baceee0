"""Runtime data: what the product records while it runs (SQLite), for every adapter: the audit log of edits
and undo, the review queue, votes, usage counts and stats, solved threads, forum posts handled.

None of it is needed to answer questions; it feeds /kb history, undo, review and stats. No discord import
(tests/core/test_purity.py checks): the renderers take its rows (rows.py), and the web could show them.

  database.py       the connection: opened on first use, migrations, one log line per outage, retries
  rows.py           AuditRow, ReviewItem, Stats and the review reasons and states: what the renderers take
  history.py        the audit log (table audit): /kb history and undo
  review.py         the review queue (table unanswered), with solved threads as candidates
  solved_threads.py solved forum threads and deleted ones (tables solved_threads, deleted_threads)
  votes.py          👍/👎 per member per message (table votes)
  usage.py          how often each entry was answered (table usage)
  stats.py          /kb stats, read from usage, votes and the review queue
  forum_posts.py    forum posts handled and since when the forums are watched (tables forum_posts, meta)
"""

from __future__ import annotations

from . import forum_posts, history, review, solved_threads, usage, votes
from .database import BUSY_TIMEOUT_S, RETRY_AFTER_S, RuntimeDataError, RuntimeDataUnavailable, migrations
from .forum_posts import ForumPosts
from .history import History
from .review import ReviewQueue
from .rows import AuditRow, ReviewItem, ReviewReason, ReviewState, Stats
from .solved_threads import SolvedThreads
from .stats import UsageStats
from .votes import Votes

# Version by version, in this order of tables (the order the first schema created them in).
MIGRATIONS = migrations(
    history.SCHEMA, review.SCHEMA, votes.SCHEMA, usage.SCHEMA, forum_posts.SCHEMA, solved_threads.SCHEMA
)
SCHEMA_VERSION = len(MIGRATIONS)


class RuntimeData(History, ReviewQueue, SolvedThreads, Votes, UsageStats, ForumPosts):
    """Every table's queries on one connection (database.Database): what the bot holds as `bot.runtime`."""

    MIGRATIONS = MIGRATIONS


__all__ = [
    "BUSY_TIMEOUT_S",
    "MIGRATIONS",
    "RETRY_AFTER_S",
    "SCHEMA_VERSION",
    "AuditRow",
    "ReviewItem",
    "ReviewReason",
    "ReviewState",
    "RuntimeData",
    "RuntimeDataError",
    "RuntimeDataUnavailable",
    "Stats",
]
