"""Top-1 accuracy on BANKING77, and in-scope accuracy / out-of-scope recall on CLINC150 with the
abstain threshold chosen on the validation split (as Larson et al. 2019 did). The engine is measured both
ways: each utterance asked as one question, and as a member's message (the message path: its sentences
read as one conversation, what `ask --json` and Discord do)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .data import Split, banking77, clinc150, first_per_intent, knowledge_from, split
from .methods import METHODS, BM25Method, EngineMethod, Prediction

OOS = "oos"


def predict_all(method: Any, questions: Sequence[str]) -> list[Prediction]:
    if isinstance(method, BM25Method):
        return method.predict_many(questions)
    return [method.predict(q) for q in questions]


def top1(predictions: Sequence[Prediction], labels: Sequence[str]) -> float:
    pairs = [(p, label) for p, label in zip(predictions, labels, strict=True) if label != OOS]
    return 100 * sum(p.entry_id == label for p, label in pairs) / len(pairs)


def with_threshold(predictions: Sequence[Prediction], labels: Sequence[str], threshold: float) -> tuple[float, float]:
    """(in-scope accuracy, out-of-scope recall) when the method abstains below `threshold`."""
    in_scope = [(p, label) for p, label in zip(predictions, labels, strict=True) if label != OOS]
    out_scope = [p for p, label in zip(predictions, labels, strict=True) if label == OOS]
    accuracy = 100 * sum(p.score >= threshold and p.entry_id == label for p, label in in_scope) / len(in_scope)
    recall = 100 * sum(p.score < threshold for p in out_scope) / len(out_scope) if out_scope else 0.0
    return accuracy, recall


def choose_threshold(predictions: Sequence[Prediction], labels: Sequence[str]) -> float:
    """The threshold with the best overall accuracy on the validation split, out-of-scope counted as a
    151st class (right when the method abstains): in-scope val has 3,000 questions, oos_val 100."""
    scores = sorted({p.score for p in predictions})
    step = max(1, len(scores) // 400)
    out_share = sum(label == OOS for label in labels) / len(labels)

    def overall(threshold: float) -> float:
        in_scope, oos_recall = with_threshold(predictions, labels, threshold)
        return (1 - out_share) * in_scope + out_share * oos_recall

    return max([0.0, *scores[::step], float("inf")], key=overall)


def own_outcome(predictions: Sequence[Prediction], labels: Sequence[str]) -> tuple[float, float]:
    """The engine's own "none" (its shipped thresholds): right entry shown, and off-topic caught."""
    in_scope = [(p, label) for p, label in zip(predictions, labels, strict=True) if label != OOS]
    out_scope = [p for p, label in zip(predictions, labels, strict=True) if label == OOS]
    accuracy = 100 * sum(not p.abstained and p.entry_id == label for p, label in in_scope) / len(in_scope)
    return accuracy, 100 * sum(bool(p.abstained) for p in out_scope) / len(out_scope)


def _sample(data: Split, every: int) -> Split:
    return Split(data.questions[::every], data.labels[::every])


def run(datasets: Path, *, smoke: bool = False, log: Any = print) -> list[dict[str, Any]]:
    every = 25 if smoke else 1
    rows: list[dict[str, Any]] = []

    train, test = banking77(datasets)
    test = _sample(test, every)
    for variant, pairs in (("full", train), ("first-10", first_per_intent(train, 10))):
        knowledge = knowledge_from(pairs)
        for name, method_class in METHODS.items():
            started = time.perf_counter()
            method = method_class(knowledge)
            accuracy = top1(predict_all(method, test.questions), test.labels)
            row = {
                "dataset": "BANKING77",
                "variant": variant,
                "method": name,
                "top1": round(accuracy, 1),
                "questions": len(test.questions),
            }
            if isinstance(method, EngineMethod):
                as_messages = [method.predict_message(q) for q in test.questions]
                row["message_top1"] = round(top1(as_messages, test.labels), 1)
            rows.append(row)
            message = f", as messages {row['message_top1']:5.1f}%" if "message_top1" in row else ""
            log(
                f"BANKING77 {variant:8} {name:10} top-1 {accuracy:5.1f}%{message}  "
                f"({time.perf_counter() - started:.0f} s)"
            )

    clinc = clinc150(datasets)
    knowledge = knowledge_from(clinc["train"])
    validation = _sample(split(clinc["val"] + clinc["oos_val"]), every)
    test = _sample(split(clinc["test"] + clinc["oos_test"]), every)
    for name, method_class in METHODS.items():
        started = time.perf_counter()
        method = method_class(knowledge)
        threshold = choose_threshold(predict_all(method, validation.questions), validation.labels)
        predictions = predict_all(method, test.questions)
        in_scope, oos_recall = with_threshold(predictions, test.labels, threshold)
        row = {
            "dataset": "CLINC150",
            "variant": "full",
            "method": name,
            "top1": round(top1(predictions, test.labels), 1),
            "in_scope": round(in_scope, 1),
            "oos_recall": round(oos_recall, 1),
            "threshold": round(threshold, 2),
            "questions": len(test.questions),
        }
        if name == "engine":
            own_in, own_recall = own_outcome(predictions, test.labels)
            row |= {"own_in_scope": round(own_in, 1), "own_oos_recall": round(own_recall, 1)}
        if isinstance(method, EngineMethod):
            val_messages = [method.predict_message(q) for q in validation.questions]
            message_threshold = choose_threshold(val_messages, validation.labels)
            test_messages = [method.predict_message(q) for q in test.questions]
            message_in, message_recall = with_threshold(test_messages, test.labels, message_threshold)
            row |= {
                "message_in_scope": round(message_in, 1),
                "message_oos_recall": round(message_recall, 1),
                "message_threshold": round(message_threshold, 2),
            }
        rows.append(row)
        message = (
            f"; as messages {row['message_in_scope']:5.1f}% / {row['message_oos_recall']:5.1f}%"
            if "message_in_scope" in row
            else ""
        )
        log(
            f"CLINC150  {name:10} in-scope {in_scope:5.1f}%  OOS recall {oos_recall:5.1f}% "
            f"(threshold {threshold:.2f} from validation){message}  ({time.perf_counter() - started:.0f} s)"
        )
    return rows
