"""The 广告法 script check on the labelled corpus: precision, recall and throughput.

    .venv/bin/python benchmarks/script_check.py [--repeat 50] [--misses]

Reads the rules from seeds/catalogue/ad_rules.json into ``AdRule`` rows (as the seed
does, without a database) and checks every sentence of tests/fixtures/ad_corpus.jsonl.
Scores are per sentence: a sentence counts as flagged when it has at least one hit, and
as a claim when its label names at least one category. Recall per category counts the
labelled sentences of that category that were flagged (by any rule). Throughput checks
the whole corpus as one script ``--repeat`` times.

Targets: precision and recall >= 0.9 (tests/services/test_compliance_corpus.py holds the
same bar); a 10,000-character script checked in under 50 ms on a 2-core machine.
"""

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "fixtures" / "ad_corpus.jsonl"
RULES = ROOT / "seeds" / "catalogue" / "ad_rules.json"
SCRIPT_TARGET_MS = 50.0


def _rules():
    from app.models.compliance import AdRule
    from seeds.ad_rules import rule_values

    data = json.loads(RULES.read_text(encoding="utf-8"))
    categories = {c["code"]: c for c in data["categories"]}
    return [
        AdRule(code=item["code"], **rule_values(item, order, categories))
        for order, item in enumerate(data["rules"])
    ]


def _score(rules, corpus, *, show_misses: bool) -> dict:
    from app.services.compliance import check_text

    tp = fp = fn = tn = 0
    labelled, found = Counter(), Counter()
    for item in corpus:
        hits = check_text(item["text"], rules)
        flagged, claim = bool(hits), bool(item["categories"])
        tp, fp = tp + (flagged and claim), fp + (flagged and not claim)
        fn, tn = fn + (claim and not flagged), tn + (not claim and not flagged)
        for category in item["categories"]:
            labelled[category] += 1
            found[category] += flagged
        if show_misses and flagged != claim:
            kind = "false positive" if flagged else "missed"
            print(f"  {kind}: {item['text']} {[(h.rule.code, h.matched) for h in hits]}")
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "labelled": labelled, "found": found}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--misses", action="store_true", help="list the sentences scored wrong")
    args = parser.parse_args()

    from app.services.compliance import check_text

    rules = _rules()
    corpus = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    score = _score(rules, corpus, show_misses=args.misses)
    tp, fp, fn = score["tp"], score["fp"], score["fn"]
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    clean = sum(1 for item in corpus if not item["categories"])
    print(f"corpus: {len(corpus)} sentences ({len(corpus) - clean} with claims, {clean} clean)")
    print(f"rules: {len(rules)}")
    print(f"precision: {precision:.3f}  recall: {recall:.3f}  (tp {tp}, fp {fp}, fn {fn})")
    for category, n in sorted(score["labelled"].items()):
        print(f"  recall {category:<17} {score['found'][category] / n:.3f}  ({n} sentences)")

    script = "\n".join(item["text"] for item in corpus)
    started = time.perf_counter()
    for _ in range(args.repeat):
        check_text(script, rules)
    elapsed = time.perf_counter() - started
    per_script_ms = elapsed / args.repeat * 1000
    chars_per_s = len(script) * args.repeat / elapsed
    print(
        f"throughput: {len(corpus) * args.repeat / elapsed:,.0f} sentences/s, "
        f"{chars_per_s:,.0f} characters/s; the corpus ({len(script):,} characters) in "
        f"{per_script_ms:.1f} ms"
    )
    ms_10k = 10_000 / chars_per_s * 1000
    verdict = "ok" if ms_10k < SCRIPT_TARGET_MS else "MISSED"
    target = f"target < {SCRIPT_TARGET_MS:.0f} ms: {verdict}"
    print(f"a 10,000-character script: {ms_10k:.1f} ms ({target})")
    return 0 if precision >= 0.9 and recall >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
