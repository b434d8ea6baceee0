"""bot.core.classifier: numpy scoring agrees with scikit-learn's own decision function, the size limits
switch it off, and the index mixes it in only where it trained."""

import numpy as np
import pytest

import bot.core.classifier as classifier_module
from bot.core.classifier import Classifier, train
from bot.core.index import Index, Weights
from bot.core.models import Entry
from bot.core.normalize import words

pytest.importorskip("sklearn")

ENTRIES = [
    Entry("pesco", ("what is pesco", "permanent structured cooperation explained", "pesco projects"), "-"),
    Entry("edf", ("how big is the european defence fund", "edf budget", "defence fund money"), "-"),
    Entry("nato", ("what is nato", "nato spending target", "is nato the same as the eu"), "-"),
    Entry("army", ("does the eu have an army", "is there a european army", "eu military force"), "-"),
]


def test_numpy_scores_equal_scikit_learns_decision_function():
    questions = [[words(q) for q in entry.questions] for entry in ENTRIES]
    fitted = Classifier._fit(questions, keep_model=True)
    assert fitted is not None
    classifier, model, features = fitted
    asked = ["whats pesco", "how much money does the defence fund have", "nato spending", "eu armie?"]
    found = [words(q) for q in asked]
    expected = model.decision_function(features.transform(found))
    got = np.array([classifier.decision(f) for f in found])
    assert np.allclose(got, expected, atol=2e-3)  # the rows are stored as float16
    assert [int(i) for i in got.argmax(axis=1)] == [0, 1, 2, 3]


def test_probabilities_sum_to_one_and_nothing_known_gives_none():
    classifier = train(ENTRIES)
    assert classifier is not None and classifier.size == len(ENTRIES)
    p = classifier.probabilities(words("what is pesco"))
    assert p is not None and abs(float(p.sum()) - 1) < 1e-5 and int(p.argmax()) == 0
    assert classifier.probabilities([]) is None
    assert classifier.probabilities(words("qqqq xx")) is None  # no n-gram of it was ever seen


def test_a_misspelt_word_is_scored_through_its_character_ngrams():
    classifier = train(ENTRIES)
    assert classifier is not None
    p = classifier.probabilities(words("permanant structurd cooperaton"))
    assert p is not None and int(p.argmax()) == 0


def test_too_few_or_too_many_entries_train_nothing(monkeypatch):
    assert train(ENTRIES[:2]) is None
    monkeypatch.setattr(classifier_module, "MAX_ENTRIES", 3)
    assert train(ENTRIES) is None
    monkeypatch.setattr(classifier_module, "MAX_ENTRIES", 1_000)
    monkeypatch.setattr(classifier_module, "MAX_WORK", 10)
    assert train(ENTRIES) is None


def test_the_index_mixes_the_classifier_in_only_when_asked():
    assert Index(ENTRIES).classifier is not None
    assert Index(ENTRIES, weights=Weights(classifier=False)).classifier is None
    mixed, lexical = Index(ENTRIES), Index(ENTRIES, weights=Weights(classifier=False))
    for question in ("what is pesco", "eu military force"):
        assert mixed.search(question, 1)[0].entry.id == lexical.search(question, 1)[0].entry.id


def test_an_edit_retrains_it_only_when_questions_change():
    index = Index(ENTRIES)
    answer_only = [ENTRIES[0], Entry("edf", ENTRIES[1].questions, "new answer"), *ENTRIES[2:]]
    assert index.updated(answer_only).classifier is index.classifier
    phrased = [ENTRIES[0], Entry("edf", (*ENTRIES[1].questions, "fund for defence research"), "-"), *ENTRIES[2:]]
    retrained = index.updated(phrased).classifier
    assert retrained is not None and retrained is not index.classifier
    p = retrained.probabilities(words("fund for defence research"))
    assert p is not None and int(p.argmax()) == 1
