from bot.core.normalize import Normalizer, fold


def terms(text: str, synonyms=None) -> tuple[str, ...]:
    return Normalizer(synonyms).terms(text)


def test_case_accents_and_punctuation_fold_away():
    assert terms("DÉFENCE, Coopération!!") == terms("defence cooperation")
    assert fold("It\u2019s \u2013 Défense") == "it's - defense"
    assert terms("what's PESCO?") == terms("whats pesco") == terms("What is pesco")


def test_british_and_american_spellings_meet():
    assert terms("defence") == terms("defense")
    assert terms("organisation") == terms("organization")
    assert terms("programme") == terms("program")
    assert terms("centre") == terms("center")


def test_plurals_and_inflections_meet():
    assert terms("countries") == terms("country")
    assert terms("projects") == terms("project")
    assert terms("commitments") == terms("commitment")


def test_dotted_acronyms_and_capital_us():
    assert terms("E.U.") == terms("EU")
    assert terms("Is the US in PESCO?") != terms("tell us about PESCO")
    assert terms("U.S. participation")[0] == terms("USA")[0]


def test_synonym_phrases_fold_onto_the_canonical_term():
    synonyms = {"pesco": ["permanent structured cooperation"], "eu": ["european union"]}
    assert terms("Permanent Structured Co-operation in the European Union", synonyms) == ("pesco", "eu")


def test_hyphenated_words_split():
    assert terms("anti-torpedo torpedo") == ("anti", "torpedo", "torpedo")


def test_stopwords_only_question_is_empty():
    assert terms("is it the?") == ()


def test_thousands_written_short_and_chat_shorthand_inside_a_hyphenated_word():
    assert terms("50-60k troops") == terms("50 60000 troops")  # "60k" is the 60000 a phrasing writes
    assert terms("next-gen fighter") == terms("next generation fighter")
    assert terms("u-boat") == ("u", "boat")  # not "you boat"
