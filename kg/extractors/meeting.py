"""Meetings: talks, visits, summits and calls between named agents.

A meeting trigger (``ontology/lang/triggers.json`` → ``meeting``) in a clause whose agents include two or
more participants makes one event. Participants are persons (or, failing that, organisations and
countries) in the trigger's clause; a possessor (``पुतिन के सहयोगी शोइगु``), a relaying news agency and
anything in parentheses is not a participant. A trigger that only marks time (``शिखर सम्मेलन से पहले``)
is a reference to another event and is skipped, as are negated and hypothetical clauses.
"""
from __future__ import annotations

from ..doc import Doc, SentenceView
from ..events import Event
from ..gazetteer import Mention
from ..timex import detect_tense
from .base import (clause_at, explicit_date, find, in_parens, is_earlier, is_negated, register, span_of,
                   word_after)

__all__ = ["MeetingExtractor"]

_TIME_REF = ("से पहले", "के बाद", "से पूर्व", "के पहले", "के दौरान", "के बाद से")
_FUTURE_CUES = ("तय है", "होने वाली", "होने वाला", "होने वाले", "आने वाली", "आगामी", "प्रस्तावित", "होगी", "होगा",
                "करेंगे", "करेगा", "करेगी", "मिलेंगे", "की योजना")


@register("meeting.v1")
class MeetingExtractor:
    name = "meeting.v1"

    def __call__(self, doc: Doc) -> list[Event]:
        lex = doc.lex
        events: list[Event] = []
        for view in doc.sentences:
            triggers = find(view, lex["meeting.nouns"]) + find(view, lex["meeting.verbs"])
            done: set[tuple[int, int]] = set()
            for s, e, word in sorted(triggers):
                a, b = clause_at(view, lex["clause_breaks"], s)
                if (a, b) in done:
                    continue
                if find(view, lex["meeting.not_meeting_context"], max(0, s - 25), e + 12):
                    continue
                after = word_after(view, e, 2)
                if word not in ("बैठक", "बैठकों") and any(after.startswith(t) for t in _TIME_REF if t != "के दौरान"):
                    continue
                if is_negated(doc, view, a, b):
                    continue
                parts = self._participants(doc, view, a, b)
                if len(parts) < 2:
                    continue
                done.add((a, b))
                events.append(self._event(doc, view, a, b, parts))
        return events

    def _participants(self, doc: Doc, view: SentenceView, a: int, b: int) -> list[Mention]:
        mentions = [m for m in view.mentions if a <= m.start and m.end <= b and not in_parens(view, m.start)]
        people = []
        for i, m in enumerate(mentions):
            if m.kind != "person":
                continue
            # "पुतिन ने किम को … बैठक के बारे में बताया": the one told (dative) is not a participant
            if word_after(view, m.end, 1) == "को":
                continue
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            # "पुतिन के प्रमुख सहयोगी शोइगु": a possessor is not a participant
            if nxt and nxt.kind == "person" and word_after(view, m.end, 1) in ("के", "की", "का") \
                    and len(view.text[m.end:nxt.start].split()) <= 5:
                continue
            people.append(m)
        chosen = people
        if len(_unique(chosen)) < 2:
            others = [m for m in mentions if m.kind in ("country", "organization") and m.via == "name"
                      and word_after(view, m.end, 1) not in ("में",)]
            if len(_unique(people)) == 0 and len(_unique(others)) >= 2 and "बीच" in view.folded.text:
                chosen = others
            elif len(_unique(people)) == 1:
                chosen = people
        return _unique(chosen)

    def _event(self, doc: Doc, view: SentenceView, a: int, b: int, parts: list[Mention]) -> Event:
        lex = doc.lex
        clause = view.folded.text[view.fpos(a):view.fpos(b)]
        tense = detect_tense(view.text[a:b]) or detect_tense(view.text)
        planned = tense == "future" or any(c in clause for c in _FUTURE_CUES)
        date = explicit_date(doc, view, a, b, "future" if planned else "past")
        if date is None:
            date = explicit_date(doc, view, 0, len(view.text), "future" if planned else "past")
        places = []
        for m in view.mentions:
            if m.kind in ("place", "country") and word_after(view, m.end, 1) in ("में", "पहुंचे", "पहुंची", "के") \
                    and not in_parens(view, m.start) and m.iri not in {p.iri for p in parts}:
                if word_after(view, m.end, 1) == "के" and not _next_is_place(view, m):
                    continue
                if m.via == "demonym":
                    continue
                places.append(m.iri)
        phone = bool(find(view, lex["meeting.phone"], a, b))
        video = bool(find(view, lex["meeting.video"], a, b))
        new = [p for p in parts if p.via == "title"]
        ev = Event(
            type="Meeting", article=doc.article.ident, evidence=[span_of(view)], extractor=self.name,
            roles={"participant": sorted({p.iri for p in parts}), "place": sorted(set(places))},
            subtype="PhoneCall" if phone else None, medium="phone" if phone else ("video" if video else None),
            status="planned" if planned else "occurred", date=date, date_explicit=date is not None,
            earlier=is_earlier(doc, view), confidence=0.85 if len(parts) >= 2 and places else 0.75,
        )
        from ..events import NewEntity
        ev.new_entities = [NewEntity(p.iri, p.kind, p.label) for p in new]
        return ev


def _next_is_place(view: SentenceView, m: Mention) -> bool:
    """``बीजिंग के दियाओयुताई … में``: a place in a genitive chain ending in में."""
    later = [x for x in view.mentions if x.start > m.end and x.kind in ("place", "country")]
    return bool(later) and len(view.text[m.end:later[0].start].split()) <= 2


def _unique(ms: list[Mention]) -> list[Mention]:
    seen: set[str] = set()
    out = []
    for m in ms:
        if m.iri not in seen:
            seen.add(m.iri)
            out.append(m)
    return out
