"""The gazetteer of known entities (``ontology/entities.ttl``) and the matcher that finds them in text.

Matching runs on folded text (:func:`kg.text.fold`), so nukta, hyphen and digit variants match alike,
and respects word boundaries, so ``रूस`` does not match inside ``रूसी``. Besides names it finds:

- demonyms (``रूसी``), which point at their country;
- role phrases (``रूसी राष्ट्रपति``), resolved to the holder on the article's date;
- capital phrases (``उत्तर कोरियाई राजधानी``, ``रूस की राजधानी``), resolved to the capital;
- a title followed by a name the gazetteer does not know (``प्रवक्ता लिन जियान ने``), minted as a new person.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick
import pyoxigraph as ox

from .errors import GazetteerError
from .resources import lang_dir, ontology_dir
from .text import Folded, fold, fold_key
from .vocab import GH, ID_NS, OWL, RDF, RDFS, SKOS, WD_NS

__all__ = ["Entity", "Role", "Mention", "Gazetteer", "load_gazetteer", "new_entity_iri"]

_KINDS = {
    GH.Person.value: "person", GH.Country.value: "country", GH.NewsAgency.value: "agency",
    GH.Organization.value: "organization", GH.Place.value: "place",
}
_KIND_ORDER = ["agency", "country", "person", "organization", "place"]
_LETTER = r"\u0900-\u0963\u0966-\u097f\w"
NEW_ENTITY_NS = ID_NS + "entity/new/"


def _is_letter(ch: str) -> bool:
    """A character that continues a word (Devanagari letters and signs, not the danda; word characters)."""
    return ("\u0900" <= ch <= "\u0963") or ("\u0966" <= ch <= "\u097f") or ch.isalnum() or ch == "_"


@dataclass
class Role:
    phrases: list[str]
    start: dt.date | None
    end: dt.date | None

    def holds_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class Entity:
    iri: str
    kind: str                  # person | country | organization | agency | place
    label_en: str = ""
    label_hi: str = ""
    names: list[str] = field(default_factory=list)
    qid: str | None = None
    country: str | None = None
    capital: str | None = None
    located_in: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)

    @property
    def is_agent(self) -> bool:
        return self.kind in ("person", "country", "organization", "agency")

    @property
    def is_place(self) -> bool:
        return self.kind in ("place", "country")


@dataclass(frozen=True)
class Mention:
    """An entity found in text: ``[start, end)`` offsets in the text given to :meth:`Gazetteer.find`."""

    start: int
    end: int
    text: str
    iri: str
    kind: str          # entity kind (person, country, …)
    via: str = "name"  # name | demonym | role | capital | title (minted)
    label: str = ""    # for minted entities: the name as written


def new_entity_iri(name: str) -> str:
    """The IRI of an entity minted from its Hindi name (same name, same IRI, in every article)."""
    return NEW_ENTITY_NS + hashlib.sha256(fold_key(name).encode("utf-8")).hexdigest()[:16]


class Gazetteer:
    """Entities by IRI and a matcher over their names."""

    def __init__(self, entities: dict[str, Entity], titles: dict) -> None:
        self.entities = entities
        self._titles = titles
        self._capital_of: dict[str, str] | None = None
        self._enclosing_cache: dict[str, frozenset[str]] = {}
        self._outermost_cache: dict[str, frozenset[str]] = {}
        self._lookup: dict[str, list[tuple[str, object]]] = {}
        for e in entities.values():
            for name in e.names:
                self._add(name, ("name", e.iri))
            for d in e.demonyms:
                self._add(d, ("demonym", e.iri))
            for role in e.roles:
                for phrase in role.phrases:
                    self._add(phrase, ("role", (e.iri, role)))
            if e.kind == "country" and e.capital:
                for d in e.demonyms:
                    self._add(f"{d} राजधानी", ("capital", e.capital))
                for name in e.names:
                    self._add(f"{name} की राजधानी", ("capital", e.capital))
        # Aho-Corasick over every folded name: one pass per sentence, whatever the gazetteer's size
        self._automaton = ahocorasick.Automaton()
        for key in self._lookup:
            self._automaton.add_word(key, key)
        self._automaton.make_automaton()
        titles_sorted = sorted({fold(t).text for t in titles.get("person_titles", [])}, key=len, reverse=True)
        self._title_re = re.compile(
            rf"(?<![{_LETTER}])(?:{'|'.join(re.escape(t) for t in titles_sorted)})\s+"
            rf"((?:[{_LETTER}\.]+\s+){{0,2}}?[{_LETTER}]+)(?:\s+(?=ने|से|को|के|की|का|और)|\s*(?=,))"
        ) if titles_sorted else None
        self._stop = {fold(w).text for w in titles.get("name_stop_words", [])}
        self._stop_all = frozenset(self._stop | {fold(t).text for t in titles.get("person_titles", []) if " " not in t})
        self._titles_folded = tuple(sorted({fold(t).text for t in titles.get("person_titles", [])}, key=len,
                                           reverse=True))

    @property
    def name_stop_words(self) -> frozenset[str]:
        """Folded words that are never (part of) a name on their own: titles, postpositions, common nouns."""
        return self._stop_all

    @property
    def folded_titles(self) -> tuple[str, ...]:
        """The person titles, folded, longest first."""
        return self._titles_folded

    def person_titles(self) -> list[str]:
        """Titles Hindi news puts before names (``ontology/lang/titles.json``)."""
        return list(self._titles.get("person_titles", []))

    def is_name(self, folded: str) -> bool:
        """True when ``folded`` is a known name, demonym or phrase of some entity."""
        return folded in self._lookup

    def _add(self, name: str, target: tuple[str, object]) -> None:
        key = fold(name.strip()).text
        if len(key) < 2:
            return
        bucket = self._lookup.setdefault(key, [])
        if target not in bucket:
            bucket.append(target)

    # ------------------------------------------------------------------ lookup helpers
    def get(self, iri: str) -> Entity | None:
        return self.entities.get(iri)

    def country_of(self, iri: str) -> str | None:
        """The country an entity is, belongs to, or lies in (capitals and regions included)."""
        seen: set[str] = set()
        todo = [iri]
        while todo:
            cur = todo.pop(0)
            if cur in seen:
                continue
            seen.add(cur)
            e = self.entities.get(cur)
            if e is None:
                continue
            if e.kind == "country":
                return e.iri
            if e.country:
                todo.append(e.country)
            todo.extend(e.located_in)
        return None

    def capital_of(self, iri: str) -> str | None:
        """The country whose capital ``iri`` is (metonymy: ``प्योंगयांग ने`` means North Korea)."""
        if self._capital_of is None:
            self._capital_of = {e.capital: e.iri for e in sorted(self.entities.values(), key=lambda e: e.iri)
                                if e.kind == "country" and e.capital}
        return self._capital_of.get(iri)

    def within(self, inner: str, outer: str) -> bool:
        """True when place ``inner`` is ``outer`` or lies inside it."""
        return outer in self._enclosing(inner)

    def _enclosing(self, iri: str) -> frozenset[str]:
        """``iri`` and every place it lies in (``located_in`` and, below country level, its country)."""
        cache = self._enclosing_cache
        if iri not in cache:
            seen: set[str] = set()
            todo = [iri]
            while todo:
                cur = todo.pop()
                if cur in seen:
                    continue
                seen.add(cur)
                e = self.entities.get(cur)
                if e:
                    todo.extend(e.located_in)
                    if e.kind != "country" and e.country:
                        todo.append(e.country)
            cache[iri] = frozenset(seen)
        return cache[iri]

    def outermost(self, iri: str) -> frozenset[str]:
        """The outermost places enclosing ``iri`` (itself when it lies in nothing known): those whose
        every enclosing place encloses them back. When ``within(x, y)``, every outermost place of ``y`` is
        one of ``x``, so two places one of which lies in the other always share one (a blocking key)."""
        cache = self._outermost_cache
        if iri not in cache:
            cache[iri] = frozenset(r for r in self._enclosing(iri)
                                   if all(r in self._enclosing(p) for p in self._enclosing(r)))
        return cache[iri]

    def holder(self, iri_roles: list[tuple[str, Role]], day: dt.date | None) -> str | None:
        """Who held a role phrase on ``day``; without a day, the current (open-ended) holder."""
        if day is not None:
            holders = {iri for iri, role in iri_roles if role.holds_on(day)}
        else:
            holders = {iri for iri, role in iri_roles if role.end is None}
            if not holders and len({iri for iri, _ in iri_roles}) == 1:
                holders = {iri_roles[0][0]}
        return holders.pop() if len(holders) == 1 else None

    # ------------------------------------------------------------------ matching
    def find(self, text: str, day: dt.date | None = None, folded: Folded | None = None) -> list[Mention]:
        """Entity mentions in ``text``, left to right, longest match first, titles merged into names."""
        f = folded or fold(text)
        out: list[Mention] = []
        for fs, fe, key in self._matches(f.text):
            s, e = f.span(fs, fe)
            mention = self._resolve(self._lookup[key], text[s:e], s, e, day)
            if mention:
                out.append(mention)
        out = self._drop_titles(out, text)
        out.extend(self._minted(text, f, out))
        out.sort(key=lambda m: (m.start, -m.end))
        return out

    def _matches(self, folded: str) -> list[tuple[int, int, str]]:
        """Leftmost-longest whole-word matches of gazetteer keys in ``folded`` (no overlaps)."""
        found: list[tuple[int, int, str]] = []
        n = len(folded)
        for end_idx, key in self._automaton.iter(folded):
            start = end_idx - len(key) + 1
            end = end_idx + 1
            if start > 0 and _is_letter(folded[start - 1]):
                continue
            if end < n and _is_letter(folded[end]):
                continue
            found.append((start, end, key))
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        out: list[tuple[int, int, str]] = []
        last_end = -1
        for m in found:
            if m[0] >= last_end:
                out.append(m)
                last_end = m[1]
        return out

    def _resolve(self, targets: list, surface: str, s: int, e: int, day: dt.date | None) -> Mention | None:
        names = [t for t in targets if t[0] == "name"]
        if names:
            iris = sorted({t[1] for t in names}, key=lambda i: _KIND_ORDER.index(self.entities[i].kind))
            ent = self.entities[iris[0]]
            return Mention(s, e, surface, ent.iri, ent.kind, "name")
        roles = [t[1] for t in targets if t[0] == "role"]
        if roles:
            iri = self.holder(roles, day)
            if iri:
                return Mention(s, e, surface, iri, self.entities[iri].kind, "role")
            return None
        capitals = [t[1] for t in targets if t[0] == "capital"]
        if capitals:
            iri = capitals[0]
            return Mention(s, e, surface, iri, self.entities[iri].kind if iri in self.entities else "place", "capital")
        demonyms = [t[1] for t in targets if t[0] == "demonym"]
        if demonyms:
            return Mention(s, e, surface, demonyms[0], "country", "demonym")
        return None

    @staticmethod
    def _drop_titles(mentions: list[Mention], text: str) -> list[Mention]:
        """A role phrase right before a person's name is that person's title, not a second mention."""
        out: list[Mention] = []
        for i, m in enumerate(mentions):
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            if (m.via == "role" or m.via == "demonym") and nxt and nxt.kind == "person" and nxt.via == "name" \
                    and not text[m.end:nxt.start].strip() and m.via == "role":
                continue
            out.append(m)
        return out

    def _minted(self, text: str, f: Folded, known: list[Mention]) -> list[Mention]:
        if self._title_re is None:
            return []
        out: list[Mention] = []
        for m in self._title_re.finditer(f.text):
            s, e = f.span(m.start(1), m.end(1))
            if any(k.start < e and s < k.end for k in known):
                continue
            words = m.group(1).split()
            if any(w in self._stop for w in words) or any(ch.isdigit() for ch in m.group(1)):
                continue
            if not all("\u0900" <= w[0] <= "\u097f" for w in words):
                continue
            name = text[s:e]
            out.append(Mention(s, e, name, new_entity_iri(name), "person", "title", label=name))
        return out


# ---------------------------------------------------------------------- loading
def _literal_text(term: ox.Literal) -> tuple[str, str | None]:
    return term.value, term.language


def _parse_date(term: ox.Literal | None) -> dt.date | None:
    if term is None:
        return None
    try:
        return dt.date.fromisoformat(term.value)
    except ValueError as e:
        raise GazetteerError(f"entities.ttl: bad role date {term.value!r}") from e


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Load ``entities.ttl`` (default: the bundled one) and the title lists."""
    return _load(str(path) if path else str(ontology_dir() / "entities.ttl"))


@lru_cache(maxsize=4)
def _load(path: str) -> Gazetteer:
    """The gazetteer, read from the user's cache when it holds one made from the same files by the same
    code (``$XDG_CACHE_HOME/ghatna``, default ``~/.cache/ghatna``): reading the entities and building the
    matcher took 50-75 ms of every command, a tenth of a one-article rebuild; unpickling takes about 13."""
    cache = _cache_file(path)
    if cache is not None:
        try:
            with open(cache, "rb") as fh:
                gaz = pickle.load(fh)
            if isinstance(gaz, Gazetteer):
                return gaz
        except Exception:  # noqa: BLE001 - a cache that cannot be read is made again
            pass
    gaz = _read(path)
    if cache is not None:
        try:   # (written beside, then renamed: a reader never sees half a file)
            cache.parent.mkdir(parents=True, exist_ok=True)
            part = cache.with_name(f"{cache.name}.{os.getpid()}")
            part.write_bytes(pickle.dumps(gaz, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(part, cache)
        except OSError:
            pass
    return gaz


def _cache_file(path: str) -> Path | None:
    """Where the gazetteer made from ``path`` is cached: named by a digest of what it is made from (the
    entities, the titles, this module and kg.text, the matcher library and the Python version)."""
    try:
        h = hashlib.sha256(sys.version.encode())
        here = Path(__file__)
        for source in (Path(path), lang_dir() / "titles.json", here, here.with_name("text.py")):
            h.update(source.read_bytes())
        st = os.stat(ahocorasick.__file__)
        h.update(f"{st.st_size}|{st.st_mtime_ns}".encode())
    except (OSError, AttributeError, TypeError):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ghatna" / f"gazetteer-{h.hexdigest()[:20]}.pickle"


def _read(path: str) -> Gazetteer:
    try:
        triples = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError) as e:
        raise GazetteerError(f"{path}: cannot load the gazetteer ({e})") from e
    by_subject: dict[object, list[tuple[str, object]]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append((t.predicate.value, t.object))
    entities: dict[str, Entity] = {}
    for subj, props in by_subject.items():
        if not isinstance(subj, ox.NamedNode):
            continue
        types = {o.value for p, o in props if p == RDF.type.value}
        kinds = [k for t, k in _KINDS.items() if t in types]
        if not kinds:
            continue
        kind = "agency" if "agency" in kinds else "country" if "country" in kinds else \
            "person" if "person" in kinds else kinds[0]
        ent = Entity(iri=subj.value, kind=kind)
        for p, o in props:
            if p == RDFS.label.value and isinstance(o, ox.Literal):
                if o.language == "en":
                    ent.label_en = o.value
                elif o.language == "hi":
                    ent.label_hi = o.value
                ent.names.append(o.value)
            elif p == SKOS.altLabel.value and isinstance(o, ox.Literal):
                ent.names.append(o.value)
            elif p == OWL.sameAs.value and o.value.startswith(WD_NS):
                ent.qid = o.value[len(WD_NS):]
            elif p == GH.country.value:
                ent.country = o.value
            elif p == GH.capital.value:
                ent.capital = o.value
            elif p == GH.locatedIn.value:
                ent.located_in.append(o.value)
            elif p == GH.demonym.value and isinstance(o, ox.Literal):
                ent.demonyms.append(o.value)
            elif p == GH.holdsRole.value:
                rp = by_subject.get(o, [])
                phrases = [x.value for q, x in rp if q == GH.rolePhrase.value]
                start = next((x for q, x in rp if q == GH.roleStart.value), None)
                end = next((x for q, x in rp if q == GH.roleEnd.value), None)
                ent.roles.append(Role(phrases, _parse_date(start), _parse_date(end)))
        ent.names = sorted(set(ent.names))
        ent.located_in.sort()
        entities[ent.iri] = ent
    titles = json.loads((lang_dir() / "titles.json").read_text(encoding="utf-8"))
    return Gazetteer(entities, titles)
