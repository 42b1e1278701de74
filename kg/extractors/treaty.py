"""Treaties between states: signing, ratification, entry into force.

A treaty noun (``संधि``, ``समझौता``, ``करार``) in a sentence naming two or more states (or ``दोनों देशों``,
resolved to the article's two most mentioned states) is a treaty mention; commercial contracts and
deals that were not reached are not. Time expressions next to ``हस्ताक्षर``/``हुआ था`` date the signing,
next to ``लागू``/``प्रभावी`` the entry into force, next to ``अनुमोदन`` the ratification. A mention that
names fewer than two states is kept for the identity stage, which joins it to the article's treaty.
"""
from __future__ import annotations

import re
from collections import Counter

from ..doc import Doc, SentenceView
from ..events import Event
from ..timex import detect_tense, find_times
from .base import clause_at, find, in_parens, is_earlier, is_negated, is_pluperfect, register, span_of, word_after

__all__ = ["TreatyExtractor"]


@register("treaty.v1")
class TreatyExtractor:
    name = "treaty.v1"

    def __call__(self, doc: Doc) -> list[Event]:
        lex = doc.lex
        top = self._top_countries(doc)
        events: list[Event] = []
        for view in doc.sentences:
            nouns = find(view, lex["treaty.nouns"])
            if not nouns:
                continue
            s, e, word = nouns[0]
            a, b = clause_at(view, lex["clause_breaks"], s)
            window = (max(0, s - 60), min(len(view.text), e + 60))
            if find(view, lex["treaty.commercial"], *window) or find(view, lex["treaty.failed"], *window):
                continue
            if is_negated(doc, view, a, b) and not find(view, lex["treaty.sign"], a, b):
                continue
            parties = self._parties(doc, view)
            if len(parties) < 2 and find(view, lex["both_countries"]) and len(top) >= 2:
                parties = sorted(set(parties) | set(top[:2]))[:max(2, len(parties))]
            ev = Event(type="Treaty", article=doc.article.ident, evidence=[span_of(view)], extractor=self.name,
                       roles={"party": sorted(set(parties))}, confidence=0.85 if len(parties) >= 2 else 0.5,
                       earlier=is_earlier(doc, view), pluperfect=is_pluperfect(view))
            tense = detect_tense(view.text)
            ev.status = "planned" if tense == "future" and not find(view, lex["treaty.sign"]) else "occurred"
            self._lifecycle(doc, view, ev)
            places = [m.iri for m in view.mentions
                      if m.kind in ("place", "organization") and m.via == "name"
                      and word_after(view, m.end, 1) == "में" and not in_parens(view, m.start)]
            if doc.dateline_place and find(view, lex["here"]):
                places.append(doc.dateline_place)
            if places and find(view, lex["treaty.sign"]):
                ev.roles["place"] = sorted(set(places))
            events.append(ev)
        return events

    def _parties(self, doc: Doc, view: SentenceView) -> list[str]:
        gaz = doc.gazetteer
        out = []
        for m in view.mentions:
            if in_parens(view, m.start):
                continue
            nxt = word_after(view, m.end, 1)
            if nxt == "में":
                continue  # "भारत में …": where something happens, not who is party to it
            if m.kind == "country" and m.via == "name":
                out.append(m.iri)
            elif m.kind == "place" and m.via == "name" and nxt in ("ने", "और", "के", "की", "का", "से", "तथा", "एवं"):
                # a capital acting for its state ("प्योंगयांग और मॉस्को के बीच"), not naming a treaty
                # ("वियना संधि")
                c = gaz.capital_of(m.iri)
                if c:
                    out.append(c)
        return sorted(set(out))

    def _top_countries(self, doc: Doc) -> list[str]:
        counts: Counter[str] = Counter()
        for view in doc.sentences:
            for m in view.mentions:
                if m.via == "demonym":
                    continue  # "अमेरिकी अधिकारियों": an adjective, not the country as a party
                if m.kind == "country":
                    counts[m.iri] += 1
                elif m.kind == "place":
                    c = doc.gazetteer.capital_of(m.iri)
                    if c:
                        counts[c] += 1
                elif m.kind == "person":  # a leader stands for the country in a story about two states
                    e = doc.gazetteer.get(m.iri)
                    if e and e.country:
                        counts[e.country] += 1
        return [iri for iri, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    def _lifecycle(self, doc: Doc, view: SentenceView, ev: Event) -> None:
        lex = doc.lex
        cues = {
            "sign": [s for s, _, _ in find(view, lex["treaty.sign"])],
            "force": [s for s, _, _ in find(view, lex["treaty.in_force"])],
            "ratify": [s for s, _, _ in find(view, lex["treaty.ratify"])],
        }
        best: dict[str, tuple[int, str]] = {}
        for t in find_times(view.text, doc.article.published, "past"):
            if t.value is None:
                continue
            nearest = None
            for kind, positions in cues.items():
                for p in positions:
                    d = p - t.end if p >= t.end else (t.start - p) * 3
                    if d <= 60 and (nearest is None or d < nearest[0]):
                        nearest = (d, kind)
            if nearest is None:
                # "1961 की मैत्री संधि": a date modifying the treaty noun dates its signing
                tail = view.text[t.end:t.end + 40]
                if re.match(r"\s*(की|के|का)\s+(?:\S+\s+){0,3}?(संधि|समझौत|करार)", tail):
                    nearest = (0, "sign")
                else:
                    continue
            if nearest[1] not in best or nearest[0] < best[nearest[1]][0]:
                best[nearest[1]] = (nearest[0], t.value.value)  # each cue takes its nearest time
        if "sign" in best:
            ev.date, ev.date_explicit = best["sign"][1], True
        if "force" in best:
            ev.in_force = best["force"][1]
        if "ratify" in best:
            ev.ratified = best["ratify"][1]
