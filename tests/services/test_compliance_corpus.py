"""The labelled corpus of live-stream sentences: the seeded rules, read from the database,
find the claims (recall) without flagging clean sentences (precision), sentence by sentence."""

import json
from pathlib import Path

from app.services.compliance import active_rules, check_text
from tests.factories_compliance import seed_rules

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "ad_corpus.jsonl"


def _corpus() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def test_the_corpus_is_large_and_has_enough_clean_sentences():
    items = _corpus()
    assert len(items) >= 200
    assert sum(1 for item in items if not item["categories"]) >= 90
    assert len({item["text"] for item in items}) == len(items)


def test_the_rules_reach_precision_and_recall_of_at_least_0_9_on_the_corpus(session):
    seed_rules(session)
    rules = active_rules(session)
    tp = fp = fn = 0
    for item in _corpus():
        flagged, claim = bool(check_text(item["text"], rules)), bool(item["categories"])
        tp += flagged and claim
        fp += flagged and not claim
        fn += claim and not flagged
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.9, precision
    assert recall >= 0.9, recall
