"""Messages several tests send through different media (Discord, the CLI, the web), so each shows the same outcome."""

# One post that reads as one conversation: a statement and the question that leans on it, a comparison, a
# specific thing the knowledge lacks, and a part no FAQ answers (issue 19's "done when").
CONVERSATION_POST = (
    "I keep reading that Denmark changed its mind on EU defence. When did it join PESCO?\n"
    "Also, EPF vs EDF — are they the same thing?\n"
    "Can Mexico get SAFE money?\n"
    "And who won the football last night?"
)
# What each medium must show for it: part by part, the status and the entry.
CONVERSATION_OUTCOMES = [
    ("answered", "denmark-joins-pesco"),
    ("answered", "european-peace-facility"),
    ("answered", "edf-what"),
    ("closest", None),
    ("none", None),
]
CONVERSATION_UNANSWERED = ["And who won the football last night?"]
