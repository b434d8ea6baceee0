"""A member's message read as one conversation (bot/core/questions.py, comparisons.py, specifics.py and
Engine.answer_message): statements are the subject of the question after them, references reach back across
sentences, comparisons are answered side by side, a question about something the knowledge lacks gets the
closest it has said as such, and the parts nothing answers are named."""

import pytest

from bot.core.comparisons import compares_them, sides
from bot.core.models import Status
from bot.core.questions import Lean, leans, read_message
from bot.core.specifics import named_words


def entries(engine, message: str) -> list[str | None]:
    return [part.entry.id if part.entry else None for part in engine.answer_message(message).parts]


def test_a_statement_is_kept_as_the_subject_of_the_question_after_it():
    (asked,) = read_message("Hi all! Danish member here. When did we join?")
    assert asked.question == "When did we join?" and asked.stated == "Danish member here."
    (asked,) = read_message("I keep hearing the EDF is just a subsidy. Is that fair? Thanks!")
    assert (asked.question, asked.stated) == ("Is that fair?", "I keep hearing the EDF is just a subsidy.")
    (asked,) = read_message("The EDF is a subsidy for arms firms. Is that true?")
    assert (asked.question, asked.stated) == ("Is that true?", "The EDF is a subsidy for arms firms.")
    (asked,) = read_message("What is PESCO? And why?")
    assert asked.question == "What is PESCO? And why?"  # no subject of its own: part of the question before
    first, second = read_message("When did PESCO start? And who is in it?")  # asks anew: a question of its own
    assert (first.question, second.question) == ("When did PESCO start?", "And who is in it?")
    (asked,) = read_message("Is the RDC an army? What is the difference?")  # "difference" names nothing
    assert asked.question == "Is the RDC an army? What is the difference?"


def test_questions_joined_by_commas_or_asked_without_a_mark_after_an_aside_are_each_read():
    questions = [
        a.question for a in read_message("what's the EU clause, what's the best game, and has anyone used it?")
    ]
    assert questions == ["what's the EU clause", "what's the best game", "has anyone used it?"]
    first, second = read_message("who's the defence commissioner, and does he have a favourite football team?")
    assert (first.question, second.question) == (
        "who's the defence commissioner",
        "does he have a favourite football team?",
    )
    # "…, and is NATO running…": a new question about a name in capitals; "and is the plan…" was one already
    first, second = read_message("what protects undersea cables, and is NATO running something in the baltic?")
    assert second.question == "is NATO running something in the baltic?"
    # a question after a comma that names nothing stays with the one before
    (asked,) = read_message("Berlin Plus vs the joint declarations, what's the difference?")
    assert asked.question == "Berlin Plus vs the joint declarations, what's the difference?"
    # no question mark, but asking after "and separately," / "oh and": a question, not a statement
    questions = [a.question for a in read_message("who wins the election? and separately, what has hungary blocked")]
    assert questions == ["who wins the election?", "and separately, what has hungary blocked"]
    (_, asked) = read_message(
        "my landlord keeps my deposit, what can I do? oh and has the SAFE money been paid out yet"
    )
    assert asked.question == "oh and has the SAFE money been paid out yet" and not asked.stated
    # a short lead-in before the question word: "If not, what's …"
    (_, asked, _) = read_message("Is the EU an army? If not, what's this reaction force, and is it ready yet?")
    assert asked.question == "If not, what's this reaction force"
    # the member's own doing, a wish or a plea for pointers asks nothing
    (asked,) = read_message("Was reading about the WEU for an essay. When did it close? Any pointers welcome.")
    assert (asked.question, asked.stated) == ("When did it close?", "Was reading about the WEU for an essay.")
    assert len(read_message("Are battlegroups ever used? Would love a straight answer.")) == 1
    assert len(read_message("When was PESCO launched? Will credit the server 🙂")) == 1
    # "curious about X." names a subject; it asks nothing
    (asked,) = read_message("Curious about the Ukraine side. How does the Peace Facility work?")
    assert asked.stated == "Curious about the Ukraine side."


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Danish member here. When did we join?", ["denmark-joins-pesco"]),
        # the statement's words dilute the confidence, but only one entry is even plausible: it is the answer
        (
            "Maltese here. ppl at uni keep asking me why we sit out everything military in the EU. why is that?",
            ["malta-neutrality"],
        ),
        ("I keep reading about the Strategic Compass. What's in it?", ["strategic-compass"]),
        # "how big?" has no subject of its own: it stays with the question before the comma
        ("I keep seeing KNDS in tank news. Who are they, and how big?", ["knds-what"]),
        # the statement is about the loan, the question about what became of it: its own words weigh in
        (
            "Last December the EU agreed a 90 billion loan for Ukraine. Has Kyiv seen any of it yet?",
            ["ukraine-loan-status"],
        ),
        ("Last December the EU agreed a 90 billion loan for Ukraine. How is it split?", ["ukraine-support-loan"]),
        (
            "When did PESCO start and how many countries are in it? Are any EU states not in it?",
            ["pesco-when", "pesco-members", "pesco-members"],
        ),
        ("What is PESCO? I've been reading a lot about EU defence and Ukraine lately.", ["pesco-what"]),
        ("When did PESCO start? And who is in it?", ["pesco-when", "pesco-members"]),
        (
            "St-Malo 1998, Blair and Chirac. what did they agree? and the Helsinki goal the year after, what was that?",
            ["st-malo-declaration", "helsinki-headline-goal"],
        ),
        # the answer's names ("EU") are not its whole subject: then its title's subject words are
        ("How much do EU countries spend on defence? Is that above 2%?", ["defence-spending-levels"] * 2),
        (
            "What is the EU's sanctions regime for hybrid attacks? Who has been listed under it?",
            ["hybrid-sanctions-regime"] * 2,
        ),
        # ...also when its names ("Ukraine") offer choices: "it" is the coalition, not any Ukraine entry
        (
            "What does the coalition of the willing for Ukraine do? And is it an EU body?",
            ["coalition-of-the-willing-ukraine"] * 2,
        ),
    ],
)
def test_statements_and_references_are_read_with_what_came_before(engine, message, expected):
    assert entries(engine, message) == expected


def test_how_a_question_leans_on_what_came_before():
    assert leans("Is that true?") is Lean.NO_SUBJECT
    assert leans("Is that fair?") is Lean.REFERENCE
    assert leans("Is it lost?") is Lean.REFERENCE
    assert leans("And who chairs the EU Military Committee these days?") is None  # when, not what came before
    assert leans("Is it still running these days?") is Lean.REFERENCE
    assert leans("how big?") is Lean.NO_SUBJECT  # the size of what came before, not "big" things
    assert leans("and Malta?") is Lean.ELLIPTICAL
    assert leans("What is PESCO?") is None
    assert leans("And who is in it?") is Lean.REFERENCE  # no subject, but a new question about what "it" is
    assert leans("And why is that?") is Lean.NO_SUBJECT  # about the answer itself
    assert leans("and the UK, are they in any yet?") is Lean.ELLIPTICAL  # "they" is the UK, named first
    # a contraction is its words: "who's" asks, "that's" points back; neither is a subject
    assert leans("and who's in it?") is Lean.REFERENCE and leans("what's that?") is Lean.REFERENCE
    first, second = read_message("KNDS and Rheinmetall build a tank. What's it called and when is it ready?")
    assert (first.question, second.question) == ("What's it called", "when is it ready?")


@pytest.mark.parametrize(
    ("question", "compared"),
    [
        ("EPF vs EDF — are they the same thing?", ("EPF", "EDF")),
        ("how is CARD different from PESCO?", ("CARD", "PESCO")),
        ("difference between the EDA and the EDF", ("EDA", "EDF")),
        ("SAFE or EDIP, which one gives loans?", ("SAFE", "EDIP")),
        ("malta and ireland, which one of them is in pesco", ("malta", "ireland")),
        ("CARD and the CDP - same plan or two different things?", ("CARD", "CDP")),
        ("EDA and EDF: related at all?", ("EDA", "EDF")),
        (
            "Is the High Representative the same person as the defence commissioner?",
            ("High Representative", "defence commissioner"),
        ),
        ("how does the EDF compare to EDIP?", ("EDF", "EDIP")),
        ("is CARD any different to PESCO?", ("CARD", "PESCO")),
        ("how do CARD and PESCO differ?", ("CARD", "PESCO")),
        ("are the EDF and EDIP the same thing?", ("EDF", "EDIP")),
        ("EDIS and EDIP are the same thing right?", ("EDIS", "EDIP")),
        ("do PESCO and CARD overlap?", ("PESCO", "CARD")),
        ("Galileo PRS and IRIS2, how are they different?", ("Galileo PRS", "IRIS2")),
        ("the PSC and the EU military committee, who does what?", ("PSC", "EU military committee")),
        ("what separates the MPCC from the EU military staff?", ("MPCC", "EU military staff")),
        ("whats the relationship between PESCO and the EDF", ("PESCO", "EDF")),
        ("how does PESCO relate to CARD?", ("PESCO", "CARD")),
        ("does the EDA do the same job as DG DEFIS?", ("EDA", "DG DEFIS")),
        ("is the EDF basically the same as EDIP?", ("EDF", "EDIP")),  # the hedge is not part of a side
        ("are the EDA and the EDF pretty much the same?", ("EDA", "EDF")),
        ("which is older, the WEU or the EDC?", ("WEU", "EDC")),
        # one said to be a rebrand, a department or a piece of the other
        ("isn't the MPCC just a department of the EU military staff?", ("MPCC", "EU military staff")),
        ("is EDIP basically edirpa 2.0?", ("EDIP", "edirpa")),
        ("Is the RDC just the battlegroups with a new logo?", ("RDC", "battlegroups")),
        ("Is SAFE a piece of ReArm Europe or a totally separate scheme?", ("SAFE", "ReArm Europe")),
        ("Was ASAP the same thing as the shells pledge or something separate?", ("ASAP", "shells pledge")),
        ("mbda and knds, both joint ventures?", ("mbda", "knds")),
        ("is PESCO just a talking shop?", None),  # a judgement, not another thing
        ("which countries are in pesco, is it 25 or 26?", None),
        ("what are PESCO and CARD?", ("PESCO", "CARD")),  # two names asked about at once
        ("who are Kallas and Kubilius?", ("Kallas", "Kubilius")),
        ("What is the Political and Security Committee?", None),  # one name with "and" in it
        ("what are the benefits and challenges?", None),  # not names
        ("is the EDA part of PESCO or separate?", ("EDA", "PESCO")),
        ("is Finland part of PESCO?", None),  # whether it belongs: the members entry answers it
        ("Is Ireland actually part of PESCO or not?", None),  # "or not" says no alternative
        ("is the RDC just the old battlegroups under another name?", ("RDC", "old battlegroups")),
        ("did the Compass replace the Global Strategy, or do both still apply?", ("Compass", "Global Strategy")),
        ("did the Compass replace anything?", None),  # a replacement asked without its alternative
        ("MPCC / EUMS confusion.", ("MPCC", "EUMS")),
        ("was the WEU just the old name for the CSDP, or did both exist?", ("WEU", "CSDP")),
        ("is the RDC just the battlegroups by another name?", ("RDC", "battlegroups")),
        ("are finland and sweden both in nato now?", None),  # one question about two countries
        ("is it 25 or 26 countries in pesco", None),  # figures, not two things
        ("I am interested in a Visa or Mastercard.", None),  # "or" inside a clause
        (
            "JEF or Macron's intervention initiative, which one is more of a force?",
            ("JEF", "Macron's intervention initiative"),
        ),
    ],
)
def test_comparisons_find_their_two_sides(question, compared):
    assert sides(question) == compared


def test_the_one_on_a_side_of_a_comparison_is_the_other_side_s_kind_of_thing(engine):
    message = "what's the difference between the EU navy op in the Red Sea and the one that chases pirates off Somalia?"
    assert entries(engine, message) == ["aspides-operation", "atalanta-operation"]


def test_a_question_naming_its_own_subject_is_not_pulled_to_the_statement_before_it(engine):
    # the statement's "history of European defence" would answer with the history timeline
    message = "Doing a uni essay on the early history of European defence.\nWhen was the WEU wound up, and why?"
    assert entries(engine, message) == ["weu-what"]


def test_the_first_or_the_second_of_two_things_named_before_is_that_thing(engine):
    assert entries(
        engine,
        "There's the Weimar Triangle and there's the E5 group. Who is in the first one? "
        "And when did the second one first meet?",
    ) == ["weimar-triangle", "e5-group"]
    assert entries(engine, "PESCO and CARD keep coming up. When did the first start? And who runs the latter?") == [
        "pesco-when",
        "card-what",
    ]


@pytest.mark.parametrize(
    "question",
    ["the names are practically identical, which one does what?", "or are they unrelated?", "or am i mixing them up?"],
)
def test_a_question_can_compare_what_was_named_before_it(question):
    assert compares_them(question)
    assert not compares_them("what does it do?")


def test_a_comparison_is_answered_side_by_side_unless_an_entry_compares_the_two(engine):
    assert entries(engine, "EPF vs EDF — are they the same thing?") == ["european-peace-facility", "edf-what"]
    assert entries(engine, "how is CARD different from PESCO?") == ["card-what", "pesco-what"]
    assert entries(engine, "how do the Weimar Triangle and the E5 differ?") == ["weimar-triangle", "e5-group"]
    assert entries(engine, "who are Kallas and Kubilius?") == ["hr-vp-who", "defence-commissioner-who"]
    assert entries(engine, "is switzerland part of pesco?") == ["switzerland-pesco"]
    assert entries(engine, "What is the UK-EU Security and Defence Partnership?") == ["uk-eu-security-partnership"]
    assert entries(engine, "is 42.7 the same as article 5?") == ["article-42-7-vs-nato-article-5"]
    # EDIRPA's entry lists "edirpa vs edip difference" among its phrasings, but it is EDIRPA's own entry
    compared = entries(engine, "What's the difference between EDIP and EDIRPA?")
    assert compared == ["edip-what", "edirpa-joint-procurement"]


def test_a_question_comparing_two_things_the_statement_before_it_named_answers_both(engine):
    message = "Military mobility: there's a PESCO project AND a Commission package. why do we need both?"
    assert entries(engine, message) == ["military-mobility-project", "military-mobility-package"]
    # ... or the question before it named
    message = "wait, brussels has hybrid rapid response teams AND cyber rapid response teams?? how are those different"
    assert entries(engine, message) == ["hybrid-rapid-response-teams", "hybrid-rapid-response-teams", "crrt-project"]
    # ... or its own first clause named
    message = (
        "the Joint Expeditionary Force and the European Intervention Initiative - both sit outside the EU, "
        "so what does one do that the other doesn't?"
    )
    assert entries(engine, message) == ["joint-expeditionary-force", "european-intervention-initiative"]
    # an entry answering the whole question is its answer
    assert entries(engine, "EU defence and NATO, are they doing the same job or different ones?") == [
        "eu-nato-relations"
    ]
    # not comparing: the statement is only the subject ("Why?" is about Malta staying out)
    assert len(engine.answer_message("Denmark joined PESCO in 2023 and Malta is still out. Why?").parts) == 1


def test_a_heading_before_a_colon_or_a_dash_is_read_apart_from_its_question(engine):
    (first, second) = read_message("Couple of questions: what exactly is the CSDP, and what is CARD?")
    assert (first.question, first.stated, second.question) == ("what exactly is the CSDP", "", "what is CARD?")
    (asked,) = read_message("PESCO questions for a podcast episode: when was it launched?")
    assert (asked.question, asked.stated) == ("when was it launched?", "PESCO questions for a podcast episode")
    (asked,) = read_message("PESCO: when did it start?")
    assert (asked.question, asked.stated) == ("when did it start?", "PESCO")
    assert entries(engine, "PESCO: when did it start?") == ["pesco-when"]
    reply = engine.answer_message("Q1: what is the Military Mobility Package?\nQ2: what is CARD?")
    assert [p.entry.id if p.entry else None for p in reply.parts] == ["military-mobility-package", "card-what"]
    assert not any(p.lacking for p in reply.parts)  # "Q1" is a label, not a thing the knowledge lacks
    (asked,) = read_message("Note: the EDF started in 2021.")  # nothing asked after the colon: one statement
    assert asked.question == "Note: the EDF started in 2021."
    (asked,) = read_message("EPF and EDF: what's the difference?")  # a comparison keeps its sides
    assert sides(asked.question) == ("EPF", "EDF")
    # a dash does what a colon does: "the red sea op - what is it, and how many drones has it shot down?"
    first, second = read_message("the red sea op - what is it, and how many drones has it shot down?")
    assert (first.question, first.stated) == ("what is it", "the red sea op")
    assert (
        entries(engine, "the red sea op - what is it, and how many drones has it shot down?")
        == ["aspides-operation"] * 2
    )
    (asked,) = read_message("EPF vs EDF - are they the same thing?")
    assert sides(asked.question) == ("EPF", "EDF")


def test_what_a_question_names_is_read_from_how_it_is_written():
    found = {n.word: n for n in named_words("can Mexico get SAFE money in 2031? asking for a friend")}
    assert found["mexico"].capitalised and found["safe"].capitalised and found["2031"].figure
    assert not found["money"].capitalised and "friend" in found  # a word; whether it is specific is measured


def test_a_specific_thing_no_entry_explains_gets_the_closest_said_as_such(engine):
    answer = engine.answer_message("Can Mexico get SAFE money?").primary
    assert answer.status is Status.CLOSEST and answer.lacking == ("Mexico",)
    assert answer.entry is None and answer.candidates  # choices, never an outright answer
    assert {c.entry.id for c in answer.candidates} & {"safe-third-countries", "safe-payments", "safe-loans"}
    lithuania = engine.answer_message("how much does Lithuania spend on defence?").primary
    assert lithuania.status is Status.ANSWERED and "Lithuania" in lithuania.entry.answer  # an entry explains it
    greece = engine.answer_message("is greece in pesco?").primary  # the members entry lists every member
    assert greece.lacking == () and greece.candidates[0].entry.id == "pesco-members"
    # "they" after "and" is the thing the knowledge lacks: one question, said as such, not a guess at "they"
    (tanks,) = engine.answer_message("How many Leopard 2A8s is KNDS building and when do they arrive?").parts
    assert tanks.status is Status.CLOSEST and "2A8s" in tanks.lacking


def test_a_nationality_or_a_capital_is_its_country_for_the_specifics(engine):
    # knowledge/basics.yaml's synonyms: "Austrian" and "Sarajevo" are explained by entries naming the country
    assert entries(engine, "is the Austrian army neutral") == ["eu-neutral-states"]
    assert entries(engine, "EU soldiers in Sarajevo: how many are there?") == ["althea-operation"]
    # members say England for the UK: the operation's move from Northwood (UK) explains it
    assert entries(engine, "why did the EU anti-piracy operation's HQ move from England to Spain?") == [
        "atalanta-operation"
    ]


def test_the_members_own_life_and_who_told_them_name_nothing_the_answer_must_explain(engine):
    # where the member lives or works is the setting, not the thing asked about...
    airbus = engine.answer_message("My girlfriend works for Airbus in Toulouse. What does the company do in defence?")
    assert airbus.primary.status is Status.ANSWERED and airbus.primary.entry.id == "airbus-defence"
    assert entries(engine, "I'm a history teacher in Lyon. What was the European Defence Community?") == [
        "european-defence-community"
    ]
    # a greeting in the member's own language and where they write from ("Labas from Vilnius.") is the setting too
    vilnius = engine.answer_message("Labas from Vilnius. Are we really heading for 5-6% of GDP on defence?")
    assert vilnius.primary.lacking == () and vilnius.primary.entry.id == "baltic-states-defence-spending"
    vienna = engine.answer_message("Grüß Gott from Vienna. We are neutral, so does the EU mutual defence clause apply?")
    assert vienna.primary.lacking == () and vienna.primary.status is not Status.CLOSEST
    # ...but what someone told them is a claim about the world, whose names the answer must explain; who told
    # them is not
    claim = engine.answer_message("My uncle says Mexico wants in on SAFE. Can it get the money?").primary
    assert claim.status is Status.CLOSEST and claim.lacking == ("Mexico",)
    assert entries(engine, "My MEP keeps talking about ReArm Europe. How much money is that?") == ["rearm-europe"]


def test_a_common_word_or_a_word_many_entries_use_is_not_a_specific_thing(engine):
    assert engine.answer_message("How does the EU support Ukraine militarily?").primary.status is Status.ANSWERED
    assert engine.answer_message("is NATO part of PESCO?").primary.lacking == ()
    # a common word misspelt is not a name the knowledge lacks; a company no entry names is
    reading = engine.answer_message("any recomended reading on eu defence for a total beginer?").primary
    assert reading.lacking == () and reading.candidates[0].entry.id == "learn-more-resources"
    assert engine.answer_message("did hensoldt get an EDIP grant").primary.lacking == ("hensoldt",)
    # a common word the knowledge capitalises only inside longer names ("White Paper") or a quoted title ("Fit for
    # war by 2030?") is the word; one it capitalises on its own is a name even in lower case ("japan")
    assert engine.answer_message("has the SAFE money been paid out or is it all still on paper").primary.lacking == ()
    assert engine.answer_message("and the EU Military Staff, how does that fit in next to it?").primary.lacking == ()
    assert engine.answer_message("is japan in pesco?").primary.lacking == ("japan",)
    # chat shorthand is the word it stands for, not a name: "smth", "disinfo"
    sanctions = engine.answer_message("does brussels slap sanctions on russians for sabotage and disinfo stuff?")
    assert sanctions.primary.status is Status.ANSWERED and sanctions.primary.entry.id == "hybrid-sanctions-regime"
    assert engine.answer_message("why is malta neutral, is it in their constitution or smth").primary.lacking == ()
    assert engine.answer_message("who's the EU foreign policy chief rn?").primary.status is Status.ANSWERED
    assert engine.answer_message("Qs about the Bosnia mission. How many troops are there?").primary.lacking == ()
    # "somewhere", "anywhere" are filler, not words the knowledge lacks (which count against every entry)
    assert engine.index.unknown_terms("how does the EU decide to send a mission somewhere, or anywhere?") == []
    assert engine.index.unknown_terms("what even is the Strategic Compass nowadays, roughly?") == []
    goal = engine.answer_message("what was the 1999 target of deploying 50-60k troops about?").primary
    assert goal.status is Status.ANSWERED and goal.entry.id == "helsinki-headline-goal"
    jet = engine.answer_message("The Franco-German-Spanish next-gen fighter jet, is it dead?").primary
    assert jet.status is Status.ANSWERED and jet.entry.id == "fcas-scaf"  # "gen" is no general's rank ("Gen.")
    # a figure said roughly is the entry's own ("170+" for 178), one far from any it has is not
    rough = engine.answer_message("is it true europe runs 170+ weapon systems vs about 30 for the US?").primary
    assert rough.status is Status.ANSWERED and rough.entry.id == "fragmentation-weapon-systems"
    assert engine.answer_message("does europe really run 300 different weapon systems?").primary.lacking == ("300",)
    # "5,000" in an answer is the 5000 a member writes
    helsinki = engine.entry("helsinki-headline-goal")
    assert engine.specifics.lacking("was the 1999 goal bigger than the 5000 troops of today?", helsinki) == ()
    assert engine.specifics.lacking("was the 1999 goal bigger than the 7000 troops of today?", helsinki) == ("7000",)
    # an amount written short is its number: "5k" is the 5,000, "~140bn" the €140 billion; "400bn" is no figure
    # the entry has
    assert engine.specifics.lacking("was the 1999 goal bigger than the 5k troops of today?", helsinki) == ()
    reparations = engine.entry("reparations-loan")
    assert engine.specifics.lacking("was the reparations loan worth ~140bn?", reparations) == ()
    assert engine.specifics.lacking("was the reparations loan worth 400bn?", reparations) == ("400bn",)
    # a figure that names the subject is explained by a related entry: the SAFE entry's 150 billion for its payments
    payments = engine.entry("safe-payments")
    assert engine.specifics.lacking("has any of the €150bn loan thing been paid out yet?", payments) == ()
    assert engine.specifics.lacking("has any of the €400bn loan thing been paid out yet?", payments) == ("400bn",)
    # "5x" is explained by an entry's "five-fold"
    budget = engine.entry("eu-budget-2028-2034")
    assert engine.specifics.lacking("is the next budget 5x for defence?", budget) == ()
    assert engine.specifics.lacking("is the next budget 9x for defence?", budget) == ("9x",)
    frozen = engine.answer_message(
        "reading about the frozen Russian central bank money at Euroclear and the ~140bn plan. what happened with it?"
    ).primary
    assert frozen.status is Status.ANSWERED and frozen.entry.id == "reparations-loan"
    # "why on earth" asks about no planet (the knowledge writes "Earth observation")
    unanimous = engine.answer_message("why on earth does every EU defence decision need all 27?").primary
    assert unanimous.status is Status.ANSWERED and unanimous.lacking == ()
    # a single letter names nothing ("R&D"); a people's name is explained by its country's ("somali", Somalia)
    assert engine.answer_message("how big is the european defence fund for R&D?").primary.status is Status.ANSWERED
    piracy = engine.answer_message("where is the EU's anti-piracy operation off the somali coast run from?").primary
    assert piracy.status is Status.ANSWERED and piracy.entry.id == "atalanta-operation"
    # a month written short is the month: the cable plan of February 2025 explains "Feb 2025"
    cables = engine.answer_message("What was in the EU's undersea cable plan from Feb 2025?").primary
    assert cables.status is Status.ANSWERED and cables.entry.id == "eu-cable-security-action-plan"


def test_the_parts_nothing_answers_are_named_when_others_are_answered(engine):
    reply = engine.answer_message("What is PESCO?\nAlso, who won the football last night?")
    assert [p.entry.id for p in reply.answers] == ["pesco-what"]
    assert [p.question for p in reply.unanswered] == ["Also, who won the football last night?"]
    alone = engine.answer_message("who won the football last night?")
    assert alone.unanswered == () and alone.primary.status is Status.NONE  # the off-topic reply says it
    # answered past the three answers a reply shows: named too, never silently dropped
    four = engine.answer_message("What is PESCO? What is CARD? What is the EDA? And what is the EPF? What is CARD?")
    assert [p.entry.id for p in four.answers] == ["pesco-what", "card-what", "eda-what"]
    assert [p.question for p in four.left_out] == ["And what is the EPF?"]  # CARD's again is already answered
