"""Troop deployments: personnel sent or stationed by one state in another.

A personnel noun (``सैनिक``, ``सैपर``, ``टुकड़ियां`` …) with a verb of sending or stationing (``भेजे``,
``तैनात``, ``रवाना``) close after it makes a deployment; arms alone (missiles, shells) never do, and a
noun in a casualty context (``मारे गए सैनिक``) does not. Each personnel noun with its own figure
(``5,000 निर्माणकर्मी और 1,000 सैपर``) is its own deployment. The figure keeps its qualifier (``लगभग``,
``से अधिक``) and who gives it (``दक्षिण कोरियाई आकलन के अनुसार``).
"""
from __future__ import annotations

import re

from ..doc import Doc, SentenceView
from ..events import CountClaim, Event, Span
from ..numbers import find_numbers
from ..timex import detect_tense
from .base import (clause_at, explicit_date, find, in_parens, is_earlier, is_negated, is_pluperfect, register,
                   span_of, word_after)

__all__ = ["DeploymentExtractor"]

_MAX_GAP = 70  # characters between the personnel noun and the verb


@register("deployment.v1")
class DeploymentExtractor:
    name = "deployment.v1"

    def __call__(self, doc: Doc) -> list[Event]:
        lex = doc.lex
        events: list[Event] = []
        for view in doc.sentences:
            nouns = find(view, lex["deployment.personnel"])
            verbs = find(view, lex["deployment.send"])
            if not nouns or not verbs:
                continue
            groups: list[tuple[int, int, str, CountClaim | None]] = []
            for s, e, word in nouns:
                verb = next((v for v in verbs if v[0] >= e and v[0] - e <= _MAX_GAP), None)
                if verb is not None and re.search(r",(?!\d)|।", view.text[e:verb[0]]):
                    verb = None
                if verb is None:  # headline order: "रूस ने जुटाए डेढ़ लाख सैनिक"
                    verb = next((v for v in verbs if 0 <= s - v[1] <= 25 and not re.search(r",(?!\d)", view.text[v[1]:s])), None)
                if verb is None:
                    continue
                if find(view, lex["deployment.not_personnel_context"], max(0, s - 30), min(len(view.text), e + 30)):
                    continue
                a, b = clause_at(view, lex["clause_breaks"], s)
                if is_negated(doc, view, a, max(b, verb[1])):
                    continue
                groups.append((s, e, word, self._count(doc, view, s)))
            if not groups:
                continue
            sender = self._sender(doc, view, groups[0][0])
            if sender is None:
                continue
            host, destinations = self._host(doc, view, sender)
            if self._at_home(doc, view, sender, host, destinations):
                continue  # police or troops in their own country are not a deployment abroad
            attribution = self._attribution(doc, view)
            a, b = clause_at(view, lex["clause_breaks"], groups[0][0])
            tense = detect_tense(view.text[a:]) or detect_tense(view.text)
            planned = tense == "future"
            date = explicit_date(doc, view, a, b, "future" if planned else "past")
            with_counts = [g for g in groups if g[3] is not None]
            chosen = with_counts if with_counts else groups[:1]
            for s, e, word, claim in chosen:
                if claim is not None:
                    claim.attributed_to = attribution
                    claim.span = span_of(view)
                roles = {"sender": [sender]}
                if host:
                    roles["host"] = [host]
                if destinations:
                    roles["destination"] = destinations
                events.append(Event(
                    type="TroopDeployment", article=doc.article.ident, evidence=[span_of(view)],
                    extractor=self.name, roles=roles, status="planned" if planned else "occurred",
                    date=date, date_explicit=date is not None, counts=[claim] if claim else [],
                    personnel=_personnel(word), confidence=0.85 if claim else 0.7,
                    earlier=is_earlier(doc, view), pluperfect=is_pluperfect(view),
                ))
        return events

    def _count(self, doc: Doc, view: SentenceView, noun_start: int) -> CountClaim | None:
        before_q = doc.lex.mapping("deployment.qualifiers_before")
        after_q = doc.lex.mapping("deployment.qualifiers_after")
        best = None
        for n in find_numbers(view.text[:noun_start]):
            gap = view.text[n.end:noun_start]
            if len(gap.split()) > 3 or "," in gap or " और " in f" {gap} ":
                continue
            if re.fullmatch(r"\s*(में|के|की|से|तक)\b.*", gap) and not any(gap.strip().startswith(k) for k in after_q):
                continue
            best = n
        if best is None:
            return None
        if 1900 <= best.value <= 2100 and not re.search(r"\d,\d", best.text):
            gap = view.text[best.end:noun_start].strip()
            if not gap == "" :
                return None
        gap = view.text[best.end:noun_start].strip()
        qualifier = "exactly"
        from ..text import fold
        fgap = fold(gap).text
        for k, v in sorted(after_q.items(), key=lambda kv: -len(kv[0])):
            if fgap.startswith(k):
                qualifier = v
                break
        fbefore = fold(view.text[max(0, best.start - 20):best.start]).text.strip()
        for k, v in sorted(before_q.items(), key=lambda kv: -len(kv[0])):
            if fbefore.endswith(k):
                qualifier = v
                break
        return CountClaim(count=best.value, qualifier=qualifier)

    def _sender(self, doc: Doc, view: SentenceView, noun_start: int) -> str | None:
        gaz = doc.gazetteer
        # the subject marked with ने in the personnel noun's clause ("X ने कहा कि रूस ने … सैनिक तैनात किए")
        sa, _ = clause_at(view, doc.lex["strong_clause_breaks"], noun_start)
        found = self._ne_subject(gaz, view, sa, noun_start)
        if found is not None:
            return found or None
        # "प्योंगयांग ने पुष्टि की कि उसने … अपनी सेना भेजी": a pronoun subject is the "X ने" before it
        if find(view, doc.lex["statement.pronouns"], sa, noun_start):
            found = self._ne_subject(gaz, view, 0, sa)
            if found:
                return found
        # a demonym or genitive on the personnel noun: "उत्तर कोरियाई सैनिक", "रूस के 1,10,000 से अधिक सैनिक"
        for m in view.mentions:
            gap = view.text[m.end:noun_start]
            if m.via == "demonym" and 0 <= noun_start - m.end <= 25:
                return m.iri
            if m.kind == "country" and m.via == "name" and 0 <= len(gap) <= 40 \
                    and re.match(r"\s+(के|की)\s", gap) and not re.search(r",(?!\d)", gap):
                return m.iri
        # an unmarked subject opening the clause: "उत्तर कोरिया पहले ही रूस को सैनिक … भेज चुका है"
        a, _ = clause_at(view, doc.lex["clause_breaks"], noun_start)
        for m in view.mentions:
            if a <= m.start < noun_start and not in_parens(view, m.start) and m.via in ("name", "capital"):
                if len(view.text[a:m.start].split()) > 6:
                    break  # the subject opens its clause (after at most a time phrase)
                if word_after(view, m.end, 1) in ("को", "में", "के", "की", "का", "से", "पर", "तक"):
                    continue
                country = _as_country(gaz, m)
                if country:
                    return country
                break
        # last, the subject of a reporting clause ("रूस ने कहा कि … सैनिक भेजेगा" is rare: prefer the above)
        found = self._ne_subject(gaz, view, 0, sa)
        return found or None

    @staticmethod
    def _ne_subject(gaz, view: SentenceView, lo: int, hi: int) -> str | None:
        """The country of the nearest "X ने" in ``[lo, hi)``; "" when the subject is ambiguous."""
        for m in reversed([m for m in view.mentions if lo <= m.start < hi]):
            if in_parens(view, m.start) or word_after(view, m.end, 1) != "ने":
                continue
            if view.text[:m.start].rstrip().endswith(" और"):
                return ""  # "जर्मनी और लिथुआनिया ने …": two subjects, no single sender
            country = _as_country(gaz, m)
            if country:
                return country
        return None

    @staticmethod
    def _at_home(doc: Doc, view: SentenceView, sender: str, host: str | None, destinations: list[str]) -> bool:
        if host is not None:
            return False
        if find(view, doc.lex["deployment.domestic"]):
            return True
        return bool(destinations) and all(doc.gazetteer.country_of(d) == sender for d in destinations)

    def _host(self, doc: Doc, view: SentenceView, sender: str) -> tuple[str | None, list[str]]:
        gaz = doc.gazetteer
        host = None
        places: list[str] = []
        for m in view.mentions:
            nxt = word_after(view, m.end, 2)
            # any named place but an origin ("… से"): "जापोरिज्जिया मोर्चे पर", "कुर्स्क में", "लिथुआनिया में"
            dateline = view.text[m.end:m.end + 2].lstrip()[:1] in (":", "/", "|")
            if m.kind == "place" and nxt.split()[:1] != ["से"] and not in_parens(view, m.start) and not dateline:
                places.append(m.iri)
            if m.kind == "country" and m.via == "name" and m.iri != sender:
                if nxt.startswith(("में", "को", "के लिए", "की मदद", "भेज", "रवाना", "पहुंच")):
                    host = host or m.iri
        if host is None:
            for p in places:
                c = gaz.country_of(p)
                if c and c != sender:
                    host = c
                    break
        dest = sorted({p for p in places if gaz.country_of(p) != sender})
        if not dest and host:
            dest = [host]
        return host, dest

    def _attribution(self, doc: Doc, view: SentenceView) -> str | None:
        text = view.text
        m = re.search(r"^(.{3,80}?)\s+(के अनुसार|के मुताबिक|का अनुमान है)", text)
        if m and "," in text[m.end():m.end() + 3]:
            return m.group(1).strip(" ,")
        m = re.search(r"([^,]{3,60}?)\s+का हवाला देते हुए", text)
        if m:
            return m.group(1).strip(" ,")
        m = re.match(r"\s*(रिपोर्ट|आकलन|अनुमान)[^,]{0,30}?(बताया|कहा|अनुमान)", text)
        if m:
            return m.group(1)
        m = re.search(r"^(.{3,60}?)\s+ने\s+(बताया|कहा|दावा किया)\s+कि", text)
        if m:
            return m.group(1).strip(" ,")
        return None


def _as_country(gaz, m) -> str | None:
    if m.kind == "country":
        return m.iri
    if m.kind == "place":
        return gaz.capital_of(m.iri)
    if m.kind in ("person", "organization"):
        e = gaz.get(m.iri)
        return e.country if e else None
    return None


def _personnel(word: str) -> str:
    for base in ("सैपर", "निर्माणकर्मी", "इंजीनियर", "सलाहकार", "प्रशिक्षक", "टुकड़ी", "जवान", "सैन्यकर्मी", "सैन्य कर्मी"):
        if base.replace("़", "") in word:
            return base
    return "सैनिक"
