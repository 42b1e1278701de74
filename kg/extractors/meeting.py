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
from .base import (clause_at, explicit_date, find, in_parens, is_earlier, is_negated, is_pluperfect, register, span_of,
                   word_after)

__all__ = ["MeetingExtractor"]

_FUTURE_CUES = ("तय है", "होने वाली", "होने वाला", "होने वाले", "आने वाली", "आगामी", "प्रस्तावित", "होगी", "होगा",
                "करेंगे", "करेगा", "करेगी", "मिलेंगे", "की योजना")


@register("meeting.v1")
class MeetingExtractor:
    name = "meeting.v1"

    def __call__(self, doc: Doc) -> list[Event]:
        lex = doc.lex
        events: list[Event] = []
        previous: list[list[Mention]] = []  # participants of the meetings found so far, for "दोनों नेता"
        for view in doc.sentences:
            triggers = sorted(find(view, lex["meeting.nouns"]) + find(view, lex["meeting.verbs"]))
            done: set[tuple[int, int]] = set()
            for s, e, word in triggers:
                if find(view, lex["meeting.not_meeting_context"], max(0, s - 25), e + 12):
                    continue
                # "शिखर सम्मेलन से पहले": the trigger only marks time, relative to another event
                if find(view, lex["meeting.reference_only"], e, min(len(view.text), e + 14)):
                    continue
                a, b = self._segment(doc, view, s, e, triggers)
                if is_negated(doc, view, a, b) or (a, b) in done:
                    continue
                parts = self._participants(doc, view, a, b)
                if len(parts) == 1 and find(view, lex["meeting.possessive_pronouns"], max(0, s - 25), s):
                    # "ट्रंप के साथ उनकी पहली शिखर वार्ता": "their" is the sentence's subject
                    subject = self._subject(doc, view)
                    if subject and subject.iri != parts[0].iri:
                        parts = parts + [subject]
                if len(parts) < 2 and find(view, lex["both_leaders"]):
                    parts = self._both_leaders(doc, view, previous)
                if len(parts) < 2:
                    continue
                done.add((a, b))
                previous.append(parts)
                events.append(self._event(doc, view, a, b, parts))
        return events

    def _segment(self, doc: Doc, view: SentenceView, s: int, e: int, triggers: list) -> tuple[int, int]:
        """The stretch of the sentence that describes this trigger's meeting.

        The clause (cut at कि, जब, जिसमें, लेकिन …; commas are too weak: lists of names have them). When
        the clause holds another trigger, "X के साथ वार्ता के बाद Y ने Z से भेंट की" is cut after "के बाद":
        the first meeting gets the adjunct and the main subject, the second the rest.
        """
        a, b = clause_at(view, doc.lex["strong_clause_breaks"], s)
        others = [t for t in triggers if a <= t[0] < b and t[0] != s]
        if not others:
            return a, b
        cuts = [ce for _, ce, _ in find(view, doc.lex["meeting.reference_after"], a, b)]
        cuts = [c for c in cuts if any(0 <= c - te <= 14 for _, te, _ in triggers)]
        points = [a] + sorted(cuts) + [b]
        for x, y in zip(points, points[1:]):
            if x <= s < y:
                if y != b and y in cuts:
                    # the reference adjunct: its meeting's other party is the main clause's subject
                    subj = [m for m in view.mentions if y <= m.start < b and m.kind == "person"
                            and word_after(view, m.end, 1) == "ने"]
                    return (x, subj[0].end) if subj else (x, y)
                return x, y
        return a, b

    def _participants(self, doc: Doc, view: SentenceView, a: int, b: int) -> list[Mention]:
        lex = doc.lex
        mentions = [m for m in view.mentions if a <= m.start and m.end <= b and not in_parens(view, m.start)]
        people = []
        for m in mentions:
            if m.kind != "person":
                continue
            after = word_after(view, m.end, 5).split()
            # "पुतिन ने किम को … बैठक के बारे में बताया": the one told (dative) is not a participant
            if after[:1] == ["को"]:
                continue
            # "पुतिन के सहयोगी शोइगु", "मोदी की शुभकामनाएं": a possessor is not a participant, unless the
            # genitive leads to the meeting itself ("किम की मुलाकात", "इशिबा की तोक्यो में शिखर वार्ता")
            if after[:1] and after[0] in ("के", "की", "का"):
                rest = " ".join(after[1:5])
                if not (after[1:2] and after[1] in ("साथ", "बीच")) and not lex["meeting.nouns"].search(rest):
                    continue
            people.append(m)
        chosen = _unique(people)
        if len(chosen) < 2 and not chosen:
            chosen = self._country_pair(view, mentions)
        return chosen

    @staticmethod
    def _country_pair(view: SentenceView, mentions: list[Mention]) -> list[Mention]:
        """"भारत और चीन के बीच वार्ता": two states as the parties, only in that explicit form."""
        states = [m for m in mentions if m.kind in ("country", "organization") and m.via == "name"]
        for x, y in zip(states, states[1:]):
            if view.text[x.end:y.start].strip() == "और" and word_after(view, y.end, 2) == "के बीच":
                return [x, y]
        return []

    @staticmethod
    def _subject(doc: Doc, view: SentenceView) -> Mention | None:
        """The sentence's subject: its first person mention that is not a genitive or dative, else the last
        person subject (X ने) of the sentences before."""
        for m in view.mentions:
            if m.kind == "person" and word_after(view, m.end, 1) not in ("के", "की", "का", "को", "से"):
                return m
        for v in reversed(doc.sentences[:view.index]):
            for m in reversed(v.mentions):
                if m.kind == "person" and word_after(v, m.end, 1) == "ने":
                    return m
        return None

    @staticmethod
    def _both_leaders(doc: Doc, view: SentenceView, previous: list[list[Mention]]) -> list[Mention]:
        """"दोनों नेता": the people the sentence names, completed by the article's most mentioned other
        person; with none named, the earlier meeting whose participants the article mentions most, else
        its two most mentioned people."""
        counts: dict[str, int] = {}
        by_iri: dict[str, Mention] = {}
        for v in doc.sentences:
            for m in v.mentions:
                if m.kind == "person":
                    counts[m.iri] = counts.get(m.iri, 0) + 1
                    by_iri.setdefault(m.iri, m)
        ranked = sorted(counts, key=lambda i: (-counts[i], i))
        named = _unique([m for m in view.mentions if m.kind == "person"])
        if len(named) >= 2:
            return named[:2]
        if len(named) == 1:
            # two leaders meet across countries: prefer the most mentioned person of another country
            gaz = doc.gazetteer
            home = (gaz.get(named[0].iri).country if gaz.get(named[0].iri) else None)
            others = [i for i in ranked if i != named[0].iri]
            foreign = [i for i in others if home is None or (gaz.get(i) is None or gaz.get(i).country != home)]
            other = (foreign or others or [None])[0]
            return named + [by_iri[other]] if other else []
        if previous:
            return max(previous, key=lambda ps: sum(counts.get(p.iri, 0) for p in ps))
        return [by_iri[i] for i in ranked[:2]] if len(ranked) >= 2 else []

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
            if not (a <= m.start < b) or in_parens(view, m.start) or m.via == "demonym":
                continue
            nxt = word_after(view, m.end, 1)
            if m.kind in ("place", "country") and nxt in ("में", "पहुंचे", "पहुंची", "के") \
                    and m.iri not in {p.iri for p in parts}:
                if nxt == "के" and not _next_is_place(view, m):
                    continue
                places.append(m.iri)
            elif m.kind == "organization" and nxt == "में":
                places.append(m.iri)  # a venue: "क्रेमलिन में", "व्हाइट हाउस में"
        if doc.dateline_place and find(view, lex["here"], a, b):
            places.append(doc.dateline_place)  # "यहां" is the dateline's city
        phone = bool(find(view, lex["meeting.phone"], a, b))
        video = bool(find(view, lex["meeting.video"], a, b))
        new = [p for p in parts if p.via == "title"]
        ev = Event(
            type="Meeting", article=doc.article.ident, evidence=[span_of(view)], extractor=self.name,
            roles={"participant": sorted({p.iri for p in parts}), "place": sorted(set(places))},
            subtype="PhoneCall" if phone else None, medium="phone" if phone else ("video" if video else None),
            status="planned" if planned else "occurred", date=date, date_explicit=date is not None,
            earlier=is_earlier(doc, view), pluperfect=is_pluperfect(view),
            confidence=0.85 if len(parts) >= 2 and places else 0.75,
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
