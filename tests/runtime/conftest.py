"""The runtime data of one test: a fresh database in the test's directory."""

import pytest

from bot.core.models import Answer, Entry, Status
from bot.runtime import RuntimeData

ENTRY = Entry("pesco-what", ("What is PESCO?",), "An answer.", ("s",))


@pytest.fixture
def data(tmp_path):
    runtime = RuntimeData(tmp_path / "data.sqlite3")
    yield runtime
    runtime.close()


def unanswered(question: str) -> Answer:
    return Answer(question, Status.NONE, (), 12.0)
