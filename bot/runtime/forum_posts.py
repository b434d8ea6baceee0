"""The forum posts the bot has handled (table forum_posts) and since when it watches the forums (table meta):
a restart neither answers a post twice nor misses one made while it was away."""

from __future__ import annotations

import datetime as dt

from .database import Database, timestamp

SCHEMA = {
    # 3: the forum posts the bot has handled (answered, or chose not to), so a restart neither answers one
    # twice nor misses one; and small settings, such as when the bot began watching the forums
    3: """
    CREATE TABLE forum_posts (
        post_id INTEGER PRIMARY KEY,
        at TEXT NOT NULL
    );
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
}


class ForumPosts(Database):
    def claim_post(self, post_id: int) -> bool:
        """True the first time a forum post is claimed for answering, False ever after (across restarts)."""
        cursor = self._write("INSERT OR IGNORE INTO forum_posts (post_id, at) VALUES (?, ?)", (post_id, timestamp()))
        return cursor.rowcount == 1

    def forget_posts(self, before_id: int) -> None:
        """Forget posts older than the snowflake `before_id` (too old to be caught up on again anyway)."""
        self._write("DELETE FROM forum_posts WHERE post_id < ?", (before_id,))

    def watching_since(self, now: dt.datetime) -> dt.datetime:
        """When the bot began watching the forums: `now` the first time it is asked, the same time ever after.
        Posts from before it are never caught up on (adding the bot does not answer a forum's history)."""
        self._write("INSERT OR IGNORE INTO meta (key, value) VALUES ('forums_watched_since', ?)", (now.isoformat(),))
        (row,) = self._read("SELECT value FROM meta WHERE key = 'forums_watched_since'")
        return dt.datetime.fromisoformat(row["value"])
