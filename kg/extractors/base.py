"""The extractor contract, the registry, and the sentence helpers every extractor shares."""
from __future__ import annotations

import re
from typing import Callable, Protocol

from ..doc import Doc, Phrases, SentenceView
from ..events import Event, Span
from ..gazetteer import Mention

__all__ = [
    "Extractor", "register", "registry", "get_extractors", "span_of", "find", "clauses", "clause_at",
    "mentions_between", "word_after", "word_before", "in_parens", "is_negated", "is_earlier",
    "explicit_date", "followed_by", "preceded_by", "is_pluperfect",
]


class Extractor(Protocol):
    """Every extractor: ``extractor(doc) -> list[Event]``; ``name`` is its registered name."""

    name: str

    def __call__(self, doc: Doc) -> list[Event]: ...


_REGISTRY: dict[str, Callable[[], Extractor]] = {}


def register(name: str) -> Callable[[type], type]:
    """Class decorator: register an extractor factory under ``name`` (e.g. ``"meeting.v1"``)."""
    def deco(cls: type) -> type:
        cls.name = name  # type: ignore[attr-defined]
        _REGISTRY[name] = cls
        return cls
    return deco


def registry() -> dict[str, Callable[[], Extractor]]:
    """Registered extractor names and their factories."""
    return dict(_REGISTRY)


def get_extractors(names: list[str] | None = None) -> list[Extractor]:
    """Instances of the named extractors (default: all registered, by name)."""
    chosen = sorted(_REGISTRY) if names is None else names
    unknown = [n for n in chosen if n not in _REGISTRY]
    if unknown:
        raise KeyError(f"unknown extractor {unknown[0]!r}; registered: {', '.join(sorted(_REGISTRY))}")
    return [_REGISTRY[n]() for n in chosen]


# ---------------------------------------------------------------------- sentence helpers
def span_of(view: SentenceView) -> Span:
    """The sentence as evidence."""
    return Span(view.sentence.start, view.sentence.end, view.sentence.text)


def find(view: SentenceView, phrases: Phrases, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Occurrences of ``phrases`` in ``view.text[start:end]``: sentence-relative original spans + folded word."""
    fs = view.fpos(start)
    fe = view.fpos(len(view.text) if end is None else end)
    out = []
    for a, b, w in view.matches(phrases):
        if a >= fs and b <= fe:
            s, e = view.orig(a, b)
            out.append((s, e, w))
    return out


def clauses(view: SentenceView, breaks: Phrases) -> list[tuple[int, int]]:
    """The sentence cut at clause boundaries (commas, कि, जब, लेकिन …), as original spans."""
    cuts = sorted({s for s, _, _ in find(view, breaks)} | {e for _, e, _ in find(view, breaks)})
    points = [0] + cuts + [len(view.text)]
    out = []
    for a, b in zip(points, points[1:]):
        if view.text[a:b].strip(" ,;:-–—"):
            out.append((a, b))
    return out or [(0, len(view.text))]


def clause_at(view: SentenceView, breaks: Phrases, pos: int) -> tuple[int, int]:
    for a, b in clauses(view, breaks):
        if a <= pos < b:
            return a, b
    return 0, len(view.text)


def mentions_between(view: SentenceView, start: int, end: int, kinds: tuple[str, ...] | None = None) -> list[Mention]:
    return [m for m in view.mentions if start <= m.start and m.end <= end and (kinds is None or m.kind in kinds)]


_WORD = re.compile(r"[\u0900-\u0963\u0966-\u097f\w]+")


def word_after(view: SentenceView, pos: int, n: int = 1) -> str:
    """The next ``n`` words after sentence offset ``pos`` (folded), joined by spaces."""
    fpos = view.fpos(pos)
    words = _WORD.findall(view.folded.text[fpos:fpos + 80])[:n]
    return " ".join(words)


def word_before(view: SentenceView, pos: int, n: int = 1) -> str:
    fpos = view.fpos(pos)
    words = _WORD.findall(view.folded.text[max(0, fpos - 80):fpos])
    return " ".join(words[-n:]) if words else ""


def followed_by(view: SentenceView, m: Mention, words: tuple[str, ...]) -> bool:
    nxt = word_after(view, m.end, 3)
    return any(nxt == w or nxt.startswith(w + " ") for w in words)


def preceded_by(view: SentenceView, pos: int, words: tuple[str, ...]) -> bool:
    before = word_before(view, pos, 3)
    return any(before == w or before.endswith(" " + w) for w in words)


def in_parens(view: SentenceView, pos: int) -> bool:
    """True when ``pos`` lies inside ``( … )`` in the sentence (depths computed once per sentence)."""
    depths = view._found.get("paren-depths")
    if depths is None:
        depths, depth = [], 0
        for ch in view.text:
            depths.append(depth)
            if ch == "(":
                depth += 1
            elif ch == ")" and depth:
                depth -= 1
        depths.append(depth)
        view._found["paren-depths"] = depths
    return depths[min(pos, len(depths) - 1)] > 0


def is_negated(doc: Doc, view: SentenceView, start: int, end: int) -> bool:
    return bool(find(view, doc.lex["negation"], start, end))


def is_earlier(doc: Doc, view: SentenceView) -> bool:
    return bool(find(view, doc.lex["earlier"]))


_PLUPERFECT = re.compile(r"\s(था|थे|थी|थीं)\s*[।.!?\"'’”]*\s*$")


def is_pluperfect(view: SentenceView) -> bool:
    """"… हस्ताक्षर किए थे।", "… कहा था।": the sentence reports something before the news."""
    return bool(_PLUPERFECT.search(view.text))


def explicit_date(doc: Doc, view: SentenceView, start: int, end: int, tense: str | None) -> str | None:
    """The most precise resolved time expression in ``view.text[start:end]``."""
    from ..timex import find_times
    best = None
    rank = {"day": 3, "month": 2, "year": 1}
    modifiers = doc.lex["time_modifiers_of_nouns"]
    for t in find_times(view.text[start:end], doc.article.published, tense):
        if t.value is None:
            continue
        # "सोमवार को हुए हमले": the date of a participle clause modifies a noun, not this event
        if modifiers.search(view.folded.text, view.fpos(start + t.end), view.fpos(min(len(view.text), start + t.end + 12))):
            continue
        if best is None or rank[t.value.precision] > rank[best.precision]:
            best = t.value
    return best.value if best else None
