"""Find 广告法 risks in a script: sentences, rule matches, exceptions and negations.

Pure functions over text and rules (``AdRule`` rows or anything with the same fields),
so the benchmark and the tests run them without a database.

How a match becomes a hit, in order:

1. Exceptions. A match that lies inside an occurrence of one of its rule's exception
   phrases is no claim: 第一 inside 第一次, 最 inside 最近 or 最好是 (advice).
2. Cleared by. A rule with ``cleared_by`` words (美白 with 特证 / 国妆特字) gives no hit in
   a sentence that names them: the claim is lawful once the registration is stated.
3. Overlaps. Matches that overlap make one hit, of the longest match's rule, covering
   them all (最 inside 全网最低; 全网最低 and 最低价 make 全网最低价), so one phrase is one
   hit and highlights never nest.
4. Negations. A hit directly after a negating word (不是全网最便宜, 不能治疗疾病) is a
   disclaimer, not a claim, and is dropped. Only the words right before the phrase count:
   a double negative such as 不是最好的我们不卖 is missed, a known limit that the
   teacher's review covers.
"""

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

# What says the phrase after it is denied. Longest first, so 并不是 wins over 不是.
NEGATIONS = sorted(
    [
        *("不是", "不算", "并非", "并不是", "不敢说是", "不敢说", "不能说", "不能", "不可以"),
        *("无法", "没有", "不宣传", "不会", "不说", "不承诺", "不保证", "绝不"),
    ],
    key=len,
    reverse=True,
)
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")


class RuleLike(Protocol):
    code: str
    pattern: str
    is_regex: bool
    category: str
    exception_list: list[str]
    cleared_by_list: list[str]


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int


@dataclass(frozen=True)
class Hit:
    rule: Any  # the AdRule (or RuleLike) that matched
    start: int  # offsets in the checked text, [start, end)
    end: int
    matched: str
    sentence: str

    @property
    def key(self) -> str:
        """Stable while the sentence is unchanged: what a teacher's sign-off refers to."""
        return hit_key(self.rule.code, self.sentence)


def hit_key(code: str, sentence: str) -> str:
    digest = hashlib.sha256(" ".join(sentence.split()).encode("utf-8")).hexdigest()
    return f"{code}:{digest[:16]}"


def split_sentences(text: str) -> list[Sentence]:
    """Sentences as a broadcaster speaks them: ended by 。！？； or a line break."""
    result = []
    for match in _SENTENCE.finditer(text):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            result.append(Sentence(stripped, match.start() + raw.index(stripped[0])))
    return result


@lru_cache(maxsize=2048)
def _compiled(pattern: str, is_regex: bool) -> re.Pattern:
    """Compiled once per pattern text: an edited rule is a new key, so nothing goes stale."""
    return re.compile(pattern if is_regex else re.escape(pattern))


def is_valid_pattern(pattern: str, is_regex: bool) -> bool:
    try:
        _compiled(pattern, is_regex)
    except re.error:
        return False
    return bool(pattern)


def _inside_exception(sentence: str, start: int, end: int, exceptions: tuple[str, ...]) -> bool:
    """Whether an occurrence of an exception phrase covers [start, end)."""
    for phrase in exceptions:
        for at in range(max(0, end - len(phrase)), start + 1):
            if sentence.startswith(phrase, at):
                return True
    return False


def _negated(sentence: str, start: int) -> bool:
    before = sentence[:start].rstrip()
    return any(before.endswith(word) for word in NEGATIONS)


@dataclass(frozen=True)
class _Prepared:
    rule: Any
    pattern: re.Pattern
    exceptions: tuple[str, ...]
    cleared_by: tuple[str, ...]


def _prepare(rules: list) -> list[_Prepared]:
    """Each rule's pattern and lists read once per check, not once per sentence."""
    return [
        _Prepared(
            rule,
            _compiled(rule.pattern, rule.is_regex),
            tuple(rule.exception_list),
            tuple(rule.cleared_by_list),
        )
        for rule in rules
    ]


def _matches(text: str, sentences: list[Sentence], rules: list[_Prepared]) -> list[list]:
    """Each sentence's (rule, start, end) matches, offsets within the sentence. Every
    pattern runs once over the whole text, not once per sentence: ten times faster."""
    starts = [sentence.start for sentence in sentences]
    found: list[list] = [[] for _ in sentences]
    for prepared in rules:
        for match in prepared.pattern.finditer(text):
            index = bisect_right(starts, match.start()) - 1
            if index < 0 or match.end() == match.start():
                continue
            sentence = sentences[index]
            start, end = match.start() - sentence.start, match.end() - sentence.start
            if end > len(sentence.text):
                continue  # runs into the next sentence
            if prepared.cleared_by and any(w in sentence.text for w in prepared.cleared_by):
                continue
            if not _inside_exception(sentence.text, start, end, prepared.exceptions):
                found[index].append((prepared.rule, start, end))
    return found


def _resolve(sentence: Sentence, found: list) -> list[tuple[Any, int, int]]:
    # longest first; a match overlapping a kept one widens it instead of adding a hit
    found.sort(key=lambda item: (item[1] - item[2], item[1]))
    kept: list[list] = []
    for rule, start, end in found:
        overlapping = [item for item in kept if start < item[2] and item[1] < end]
        if not overlapping:
            kept.append([rule, start, end])
        elif len(overlapping) == 1:
            [item] = overlapping
            low, high = min(start, item[1]), max(end, item[2])
            if not any(low < o[2] and o[1] < high for o in kept if o is not item):
                item[1:] = [low, high]
    return [(r, s, e) for r, s, e in kept if not _negated(sentence.text, s)]


def check_text(text: str, rules: list) -> list[Hit]:
    """Every hit of ``rules`` in ``text``, in reading order."""
    text = text or ""
    sentences = split_sentences(text)
    hits = []
    for sentence, found in zip(sentences, _matches(text, sentences, _prepare(rules)), strict=True):
        for rule, start, end in _resolve(sentence, found):
            hits.append(
                Hit(
                    rule=rule,
                    start=sentence.start + start,
                    end=sentence.start + end,
                    matched=sentence.text[start:end],
                    sentence=sentence.text,
                )
            )
    hits.sort(key=lambda hit: (hit.start, hit.end))
    return hits
