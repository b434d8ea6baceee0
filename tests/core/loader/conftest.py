"""What the loader's tests share: a good source to cite, and the errors of a load as plain tuples."""

GOOD_SOURCE = """
sources:
  - id: s1
    title: A source
    url: https://example.org/a
    publisher: Someone
    date: 2024-11
"""


def messages(result):
    return [(p.file, p.line, p.key, p.message) for p in result.errors]
