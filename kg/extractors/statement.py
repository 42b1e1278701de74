"""Statements: direct quotes and reported speech, attributed to the right speaker.

For each verb of saying (``ने कहा``, ``बताया कि``, ``के हवाले से``, ``जवाब दिया`` …) the speaker is, in order:
the one cited (``X के हवाले से``, ``X का हवाला देते हुए``); the nearest agent marked with ``ने`` (or
``का कहना है``) before the verb, outside parentheses; a pronoun (``उन्होंने``) resolved to the last speaker;
a role phrase the gazetteer resolves on the article's date. A news agency or medium that relays a report
(``केसीएनए के अनुसार``, ``सीएनएन ने बताया``) is recorded as ``reportedBy``, never as the speaker. The words
said are the quote next to the verb, else the clause after ``कि``; several verbs of one speaker in one
sentence make one statement.
"""
from __future__ import annotations

import re

from ..doc import Doc, SentenceView
from ..events import Event, NewEntity
from ..gazetteer import Mention
from .base import explicit_date, find, in_parens, is_earlier, is_pluperfect, register, span_of, word_after, word_before

__all__ = ["StatementExtractor"]

_OPEN = {'"': '"', "“": "”", "‘": "’", "'": "'", "«": "»", "''": "''"}
_ANAPHORIC = ("यह बात", "यह बयान", "ये बातें", "यह टिप्पणी", "ये टिप्पणियां")
_SPEAKER_KINDS = ("person", "organization", "country")


@register("statement.v1")
class StatementExtractor:
    name = "statement.v1"

    def __call__(self, doc: Doc) -> list[Event]:
        events: list[Event] = []
        last_speaker: str | None = None
        for view in doc.sentences:
            by_speaker: dict[str, Event] = {}
            verbs = self._verbs(doc, view)
            for vs, ve in verbs:
                speaker, relay, new = self._speaker(doc, view, vs, last_speaker)
                if speaker is None:
                    continue
                content, kind = self._content(doc, view, vs, ve, verbs)
                if not content:
                    continue
                before = view.folded.text[max(0, view.fpos(vs) - 40):view.fpos(vs)]
                anaphoric = any(a in before for a in _ANAPHORIC) and kind == "indirect-np"
                ev = by_speaker.get(speaker.iri)
                if ev is None:
                    ev = Event(type="Statement", article=doc.article.ident, evidence=[span_of(view)],
                               extractor=self.name, roles={"speaker": [speaker.iri]},
                               confidence=0.85 if speaker.via == "name" else 0.7,
                               earlier=is_earlier(doc, view), pluperfect=is_pluperfect(view))
                    by_speaker[speaker.iri] = ev
                    events.append(ev)
                    if anaphoric:
                        ev.subtype = "anaphoric"
                if content not in ev.quotes:
                    ev.quotes.append(content)
                if re.match(r"\s*(था|थे|थी|थीं)\b", view.text[ve:]):
                    ev.earlier = True  # "ने कहा था कि": said before the news
                ev.quote_kind = "direct" if (kind == "direct" or ev.quote_kind == "direct") else "indirect"
                addressee = self._addressee(view, speaker, vs)
                if addressee and addressee.iri != speaker.iri and "addressee" not in ev.roles:
                    ev.roles["addressee"] = [addressee.iri]
                    if addressee.via == "title":
                        ev.new_entities.append(NewEntity(addressee.iri, addressee.kind, addressee.label))
                if relay:
                    ev.roles.setdefault("reportedBy", [])
                    for r in relay:
                        if r not in ev.roles["reportedBy"]:
                            ev.roles["reportedBy"].append(r)
                if new:
                    ev.new_entities.append(NewEntity(speaker.iri, speaker.kind, speaker.label))
                last_speaker = speaker.iri
            first_verb = verbs[0][0] if verbs else len(view.text)
            for ev in by_speaker.values():
                # the reporting frame dates the statement; dates inside what was said do not
                date = explicit_date(doc, view, 0, first_verb, "past")
                ev.date, ev.date_explicit = date, date is not None
                for r in self._sentence_relays(doc, view):
                    ev.roles.setdefault("reportedBy", [])
                    if r not in ev.roles["reportedBy"]:
                        ev.roles["reportedBy"].append(r)
            if not by_speaker:
                subject = self._subject_person(view)
                if subject:
                    last_speaker = subject
        return events

    # ---------------------------------------------------------------- verbs
    def _verbs(self, doc: Doc, view: SentenceView) -> list[tuple[int, int]]:
        spans = sorted(find(view, doc.lex["statement.verbs"]))
        merged: list[list[int]] = []
        for s, e, _ in spans:
            if merged and s <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        return [(s, e) for s, e in merged if not in_parens(view, s)]

    # ---------------------------------------------------------------- speaker
    def _speaker(self, doc: Doc, view: SentenceView, vs: int, last: str | None
                 ) -> tuple[Mention | None, list[str], bool]:
        gaz = doc.gazetteer
        relay: list[str] = []
        # 1. the one cited: "X के हवाले से", "X का हवाला देते हुए"
        for cs, ce, _ in find(view, doc.lex["statement.cite"]):
            if cs > vs + 5 or vs - ce > 120:
                continue
            cands = [m for m in view.mentions if m.end <= cs and view.text[m.end:cs].strip() == ""
                     and m.kind in _SPEAKER_KINDS]
            if cands:
                m = cands[-1]
                relay = [x.iri for x in view.mentions if x.kind == "agency" and x.end <= vs]
                return m, relay, m.via == "title"
        # 2. the nearest "X ने" / "X का कहना" before the verb
        window = view.text[:vs]
        subjects = []
        for m in view.mentions:
            if m.end > vs or in_parens(view, m.start):
                continue
            nxt = word_after(view, m.end, 2)
            if nxt.startswith("ने") or nxt.startswith("का कहना") or nxt.startswith("की ओर से"):
                subjects.append(m)
            elif view.text[m.end:].lstrip().startswith(")"):
                continue
        # a relay subject right before "ने" closer to the verb than any entity subject ("मीडिया ने बताया")
        ne_positions = [mm.start() for mm in re.finditer(r"(?<=\s)ने(?=\s)", window)]
        pronouns = find(view, doc.lex["statement.pronouns"], 0, vs)
        last_ne = ne_positions[-1] if ne_positions else -1
        best_subject = subjects[-1] if subjects else None
        if last_ne >= 0:
            word = word_before(view, last_ne, 1)
            words2 = word_before(view, last_ne, 2)
            if best_subject is None or best_subject.end < last_ne - 1:
                relay_words = set(doc.lex["statement.relay_subjects"].words)
                if word in relay_words or words2 in relay_words:
                    return None, [], False
        if pronouns and (best_subject is None or pronouns[-1][0] > best_subject.end):
            if last:
                ent = gaz.get(last)
                kind = ent.kind if ent else "person"
                return Mention(pronouns[-1][0], pronouns[-1][1], pronouns[-1][2], last, kind, "pronoun"), [], False
            return None, [], False
        if best_subject is None:
            # "…का वादा किया, कहा कि …": the verb shares the subject of the clause before it
            return None, [], False
        if best_subject.kind == "agency":
            return None, [], False
        if best_subject.kind not in _SPEAKER_KINDS or best_subject.via == "demonym":
            return None, [], False
        relay = [x.iri for x in view.mentions if x.kind == "agency" and x.end <= vs and x is not best_subject]
        return best_subject, relay, best_subject.via == "title"

    def _sentence_relays(self, doc: Doc, view: SentenceView) -> list[str]:
        return [m.iri for m in view.mentions if m.kind == "agency"]

    def _subject_person(self, view: SentenceView) -> str | None:
        subs = [m for m in view.mentions if m.kind == "person" and word_after(view, m.end, 1) == "ने"]
        return subs[-1].iri if subs else None

    def _addressee(self, view: SentenceView, speaker: Mention, vs: int) -> Mention | None:
        for m in view.mentions:
            if speaker.end <= m.start and m.end <= vs and m.kind in ("person", "organization", "agency") \
                    and not in_parens(view, m.start):
                nxt = word_after(view, m.end, 1)
                if nxt in ("से", "को"):
                    return m
        return None

    # ---------------------------------------------------------------- content
    def _content(self, doc: Doc, view: SentenceView, vs: int, ve: int, verbs: list[tuple[int, int]]
                 ) -> tuple[str, str]:
        text = view.text
        nxt_verb = min((s for s, _ in verbs if s > ve), default=len(text))
        # a quote right after the verb (", :" and auxiliaries between)
        m = re.match(r"[\s,:\-–]*(?:(?:गया|गई|है|था|कि)[\s,:]*)*", text[ve:])
        qstart = ve + (m.end() if m else 0)
        quote = _quote_at(text, qstart)
        if quote:
            return _clean(quote), "direct"
        # a quote right before the verb: '"…," उन्होंने कहा', "‘…’ कहा", "‘…’ बताया"
        quote = _quote_before(text, vs)
        if quote:
            return _clean(quote), "direct"
        # the clause after कि
        km = re.search(r"(?<=\s)कि(?=\s)", text[ve:min(len(text), ve + 60)])
        if km or text[vs:ve].endswith("कि"):
            start = ve + km.end() if km else ve
            end = nxt_verb
            if end < len(text):
                # stop at the comma that introduces the next verb's subject: ", उन्होंने कहा कि"
                cut = text.rfind(",", start, end)
                end = cut if cut > start else end
            body = _strip_trailing_attribution(doc, view, text[start:end])
            return _clean(body), "indirect"
        # "X ने … की बात कही": the words between subject and verb (only for verbs of saying proper;
        # "… की घोषणा की" announces an act, which is not a statement of what was said)
        ne = text.rfind(" ने ", 0, vs)
        if ne >= 0 and vs - ne > 12 and find(view, doc.lex["statement.np_verbs"], vs, ve):
            body = text[ne + 4:vs]
            body = re.sub(r"\s*(की|का|के)\s*(बात|आश्वासन)?\s*$", "", body)
            body = re.sub(r"^(इस बात पर|इस पर)\s*", "", body)
            if len(body.split()) >= 3:
                return _clean(body), "indirect-np"
        return "", ""


def _quote_at(text: str, pos: int) -> str | None:
    for opener in ("''", '"', "“", "‘", "'", "«"):
        if text.startswith(opener, pos):
            closer = _OPEN[opener]
            start = pos + len(opener)
            end = _find_close(text, start, opener, closer)
            if end is not None and end - start >= 2:
                # several quotes in a row separated by space: “…” “…”
                return text[start:end]
    return None


def _find_close(text: str, start: int, opener: str, closer: str) -> int | None:
    if opener in ('"', "''"):
        cands = [i for i in (text.find('"', start), text.find("''", start), text.find("”", start)) if i >= 0]
        return min(cands) if cands else None
    if opener == "'":
        m = re.search(r"'(?![\u0900-\u097f\w])", text[start:])
        return start + m.start() if m else None
    i = text.find(closer, start)
    return i if i >= 0 else None


_SUBJECT_AFTER_QUOTE = re.compile(r"(?:[\"”’']|'')[\s,]*(?:उन्होंने|उसने|इन्होंने|[\u0900-\u097f]+\s+ने)\s")


def _quote_before(text: str, vs: int) -> str | None:
    before = text[:vs].rstrip()
    # a subject between the quote and the verb: "…," उन्होंने कहा; "…," उन्होंने वार्ता की शुरुआत में … से कहा
    m = re.search(r"(?:[\"”’']|'')[\s,]*(?:[\u0900-\u097f]+(?:\s+|$)){0,3}(?:ने\s*)?$", before)
    if not m:
        m = next((x for x in _SUBJECT_AFTER_QUOTE.finditer(before)
                  if len(before[x.end():].split()) <= 12 and not re.search(r"[\"“”‘’]|''", before[x.end():])), None)
    if not m:
        return None
    tail = before[:m.start() + 1]
    close = tail[-1]
    end = len(tail) - 1
    if close == "'" and tail.endswith("''"):
        end = len(tail) - 2
    opener = {"”": "“", "’": "‘"}.get(close)
    if opener:
        start = tail.rfind(opener, 0, end)
    else:
        start = max(tail.rfind('"', 0, end), tail.rfind("“", 0, end), tail.rfind("'", 0, end) if close == "'" else -1)
    if start < 0 or end - start < 3:
        return None
    return text[start + 1:end]


def _strip_trailing_attribution(doc: Doc, view: SentenceView, body: str) -> str:
    """Drop ", सीएनएन ने बुधवार को रिपोर्ट दी।" / "सीएनएन ने बताया" from the end of a reported clause."""
    m = re.search(r",\s*[^,]{0,60}?\sने\s[^,]{0,40}?(रिपोर्ट\s+दी|बताया|कहा|रिपोर्ट\s+किया)[\s।.]*$", body)
    if m:
        return body[:m.start()]
    return body


def _clean(s: str) -> str:
    s = s.strip().strip(",;:").strip()
    # trailing sentence mark and a dangling quote left by the splitter
    while s and s[-1] in "।.":
        s = s[:-1].rstrip()
    for q in ('"', "'", "’", "”"):
        if s.endswith(q) and s.count(q) % 2 == 1 and q in ('"', "'"):
            s = s[:-1].rstrip()
        if s.startswith(q) and s.count(q) % 2 == 1 and q in ('"', "'"):
            s = s[1:].lstrip()
    return s.strip()
