"""Score the events in a store against gold annotations (``kg evaluate``).

The gold format is fixed by ``shared/docs/gold-format.md``: a ``*.gold.json`` file lists events
(global, each with the articles that report it) and an ``entities.json`` file names the entities the
events refer to. Scoring runs in four steps, each a function of its own:

1. :func:`load_gold` and :func:`load_entities` read and validate the two files;
2. :func:`load_predictions` reads the events of a store (SPARQL over the union of all graphs);
3. :func:`evaluate` pairs predictions with gold events of the same type by a maximum matching over
   compatible pairs (networkx) and counts true positives, false positives, misses and duplicates;
4. :meth:`Report.to_dict` and :func:`render_text` present the result.

Only predictions with at least one source among the articles the gold file covers (its ``articles``
lists and ``traps`` keys) are scored, so a store that holds more articles can still be evaluated.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.errors import GhatnaError

__all__ = [
    "EVENT_TYPES",
    "ArgumentScore",
    "Duplicate",
    "EntityInfo",
    "EvaluationError",
    "Extra",
    "Match",
    "Miss",
    "Prediction",
    "Report",
    "TypeScore",
    "dates_compatible",
    "evaluate",
    "evaluate_store",
    "load_entities",
    "load_gold",
    "load_predictions",
    "normalise_name",
    "quote_overlap",
    "quotes_match",
    "render_text",
]

EVENT_TYPES: tuple[str, ...] = ("Meeting", "Statement", "TroopDeployment", "Treaty")
"""The four scored event types, in report order."""

GH = "https://w3id.org/ghatna/ontology#"
WD = "http://www.wikidata.org/entity/"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_OWL = "http://www.w3.org/2002/07/owl#"

#: Known subclasses of the four types, used in addition to ``rdfs:subClassOf*`` in the store, so a
#: store without the ontology graph is still read correctly.
KNOWN_SUBCLASSES: Mapping[str, str] = {
    f"{GH}Meeting": "Meeting",
    f"{GH}PhoneCall": "Meeting",
    f"{GH}Statement": "Statement",
    f"{GH}TroopDeployment": "TroopDeployment",
    f"{GH}Treaty": "Treaty",
}

_STATUS = {f"{GH}Occurred": "occurred", f"{GH}Planned": "planned"}
_STATUSES = frozenset(_STATUS.values())
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_QID_RE = re.compile(r"^Q[1-9]\d*$")
_WIKIDATA_IRI_RE = re.compile(r"^https?://www\.wikidata\.org/(?:entity|wiki)/(Q[1-9]\d*)$")

#: Entity-valued roles read from the store: attribute of :class:`Prediction` → property local name.
_ENTITY_ROLES: Mapping[str, str] = {
    "participants": "participant",
    "speaker": "speaker",
    "addressee": "addressee",
    "sender": "sender",
    "host": "host",
    "destination": "destination",
    "parties": "party",
    "place": "place",
}

# Gold fields that hold entity keys, and whether each is a list.
_GOLD_ENTITY_FIELDS: Mapping[str, bool] = {
    "participants": True,
    "parties": True,
    "speaker": False,
    "addressee": False,
    "sender": False,
    "destination": True,
    "place": True,
}
# Fields a gold event of each type must have.
_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "Meeting": ("participants",),
    "Statement": ("speaker",),
    "TroopDeployment": ("sender",),
    "Treaty": ("parties",),
}

# Matching weights: cardinality comes first (networkx ``maxcardinality=True``); among matchings of
# the same size, pairs with a non-optional gold event and then pairs that agree on more are preferred.
_W_BASE = 1
_W_SCORED = 64
_W_QUOTE = 16
_W_DATE_EXACT = 8
_W_STATUS = 4
_W_PLACE = 2
_W_COUNT = 1


class EvaluationError(GhatnaError):
    """A gold or entities file (or a store) that cannot be evaluated; the message names it."""


# --------------------------------------------------------------------------- normalisation


def normalise_name(name: str) -> str:
    """Normalise an entity name for comparison (gold-format.md).

    NFC, lower case, without nukta (U+093C), ZWJ/ZWNJ, whitespace, hyphens and punctuation.

    >>> normalise_name("Kim Jong-un") == normalise_name("kim jong un")
    True
    >>> normalise_name("पेस\u093cकोव") == normalise_name("पेसकोव")
    True
    """
    # Decompose first so nukta letters NFC keeps composed (e.g. U+0929) lose their nukta too.
    text = unicodedata.normalize("NFD", name).replace("\u093c", "")
    text = unicodedata.normalize("NFC", text).casefold()
    return "".join(
        ch
        for ch in text
        if not ch.isspace() and unicodedata.category(ch)[0] not in ("P", "Z") and ch not in "\u200c\u200d"
    )


def _normalise_quote(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _grams(text: str) -> set[str]:
    return {text[i : i + 4] for i in range(len(text) - 3)}


def quote_overlap(a: str, b: str) -> float:
    """Share of the shorter quote's character 4-grams that occur in the other (NFC, spaces collapsed).

    >>> quote_overlap("abcdefg", "xx abcde yy")   # abcd, bcde of abcd bcde cdef defg
    0.5
    >>> quote_overlap("same  text", "same text")
    1.0
    """
    a, b = _normalise_quote(a), _normalise_quote(b)
    short, other = (a, b) if len(a) <= len(b) else (b, a)
    if not short:
        return 0.0
    if len(short) < 4:
        return 1.0 if short in other else 0.0
    grams = _grams(short)
    return len(grams & _grams(other)) / len(grams)


def quotes_match(a: str, b: str) -> bool:
    """True when at least half of the shorter quote's 4-grams occur in the other."""
    return quote_overlap(a, b) >= 0.5


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Dates are compatible when either is missing or one is a prefix of the other.

    >>> dates_compatible("2025-08", "2025-08-15"), dates_compatible("2025-08", "2025-09"), dates_compatible(None, "2024")
    (True, False, True)
    """
    if not a or not b:
        return True
    return a.startswith(b) or b.startswith(a)


def _article_id(name: str) -> str:
    """An article identifier without folder and ``.txt`` extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base[: -len(".txt")] if base.endswith(".txt") else base


# --------------------------------------------------------------------------- gold files


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise EvaluationError(f"{path}: cannot read the file: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise EvaluationError(f"{path}: not UTF-8 text: {e}") from e
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise EvaluationError(f"{path}: not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from e


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_gold(data: Any, name: str) -> None:
    """Raise :class:`EvaluationError` naming ``name`` when ``data`` is not a valid gold document."""
    if not isinstance(data, dict):
        raise EvaluationError(f"{name}: the top level must be an object with an 'events' list")
    events = data.get("events")
    if not isinstance(events, list):
        raise EvaluationError(f"{name}: missing 'events' list")
    seen: set[str] = set()
    for n, event in enumerate(events, start=1):
        where = f"{name}: event {n}"
        if not isinstance(event, dict):
            raise EvaluationError(f"{where} is not an object")
        ident = event.get("id")
        if not isinstance(ident, str) or not ident:
            raise EvaluationError(f"{where} has no 'id' string")
        if ident in seen:
            raise EvaluationError(f"{where} repeats id {ident!r}")
        seen.add(ident)
        where = f"{name}: event {n} ({ident!r})"
        etype = event.get("type")
        if etype not in EVENT_TYPES:
            raise EvaluationError(
                f"{name}: event {n} has unknown type {etype!r} (expected one of {', '.join(EVENT_TYPES)})"
            )
        articles = event.get("articles")
        if (
            not isinstance(articles, list)
            or not articles
            or not all(isinstance(a, str) and a for a in articles)
        ):
            raise EvaluationError(f"{where} needs a non-empty 'articles' list of file names")
        for key in _REQUIRED[etype]:
            if key not in event:
                raise EvaluationError(f"{where}: a {etype} needs {key!r}")
        for key, is_list in _GOLD_ENTITY_FIELDS.items():
            if key not in event:
                continue
            value = event[key]
            if is_list:
                if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                    raise EvaluationError(f"{where}: {key!r} must be a non-empty list of entity keys")
            elif not isinstance(value, str) or not value:
                raise EvaluationError(f"{where}: {key!r} must be an entity key (a string)")
        quotes = event.get("quotes")
        if quotes is not None and (
            not isinstance(quotes, list) or not all(isinstance(q, str) and q.strip() for q in quotes)
        ):
            raise EvaluationError(f"{where}: 'quotes' must be a list of non-empty strings")
        counts = event.get("counts")
        if counts is not None and (not isinstance(counts, list) or not all(_is_int(c) for c in counts)):
            raise EvaluationError(f"{where}: 'counts' must be a list of integers")
        for key in ("date", "in_force"):
            value = event.get(key)
            if value is not None and (not isinstance(value, str) or not _DATE_RE.match(value)):
                raise EvaluationError(f"{where}: {key!r} must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
        status = event.get("status")
        if status is not None and status not in _STATUSES:
            raise EvaluationError(f"{where}: 'status' must be 'occurred' or 'planned', not {status!r}")
        optional = event.get("optional", False)
        if not isinstance(optional, bool):
            raise EvaluationError(f"{where}: 'optional' must be true or false, not {optional!r}")
    traps = data.get("traps", {})
    if not isinstance(traps, dict) or not all(isinstance(k, str) and k for k in traps):
        raise EvaluationError(f"{name}: 'traps' must be an object keyed by article file name")


def _check_entities(data: Any, name: str) -> None:
    if not isinstance(data, dict):
        raise EvaluationError(f"{name}: the top level must be an object keyed by entity key")
    for key, value in data.items():
        if not isinstance(value, dict):
            raise EvaluationError(f"{name}: entity {key!r} is not an object")
        qid = value.get("qid")
        if qid is not None and (not isinstance(qid, str) or not _QID_RE.match(qid)):
            raise EvaluationError(f"{name}: entity {key!r} has a 'qid' that is not a Wikidata item: {qid!r}")
        names = value.get("names", [])
        if not isinstance(names, list) or not all(isinstance(n, str) and normalise_name(n) for n in names):
            raise EvaluationError(f"{name}: entity {key!r}: 'names' must be a list of non-empty strings")
        if not names and qid is None:
            raise EvaluationError(f"{name}: entity {key!r} has neither a 'qid' nor 'names'")


def _check_references(gold: Mapping[str, Any], entities: Mapping[str, Any], gold_name: str,
                      entities_name: str) -> None:
    for n, event in enumerate(gold["events"], start=1):
        for key, is_list in _GOLD_ENTITY_FIELDS.items():
            if key not in event:
                continue
            for ref in event[key] if is_list else [event[key]]:
                if ref not in entities:
                    raise EvaluationError(
                        f"{gold_name}: event {n} ({event['id']!r}) refers to {key} {ref!r}, "
                        f"which {entities_name} does not define"
                    )


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and validate a ``*.gold.json`` file; errors name the file and the problem."""
    path = Path(path)
    data = _read_json(path)
    _check_gold(data, str(path))
    return data


def load_entities(path: str | Path) -> dict[str, Any]:
    """Read and validate an ``entities.json`` file; errors name the file and the problem."""
    path = Path(path)
    data = _read_json(path)
    _check_entities(data, str(path))
    return data


# --------------------------------------------------------------------------- predictions


@dataclass(frozen=True)
class EntityInfo:
    """What the store says about an entity an event refers to: its labels and Wikidata items."""

    iri: str
    labels: tuple[str, ...] = ()
    qids: tuple[str, ...] = ()
    display: str = ""

    @property
    def name(self) -> str:
        """A human-readable name: the English label if any, else another label, else the IRI."""
        return self.display or (self.labels[0] if self.labels else self.iri)


@dataclass
class Prediction:
    """One event read from the store, with the arguments the scorer compares."""

    iri: str
    type: str
    participants: frozenset[str] = frozenset()
    speaker: frozenset[str] = frozenset()
    addressee: frozenset[str] = frozenset()
    sender: frozenset[str] = frozenset()
    host: frozenset[str] = frozenset()
    destination: frozenset[str] = frozenset()
    parties: frozenset[str] = frozenset()
    place: frozenset[str] = frozenset()
    quotes: tuple[str, ...] = ()
    counts: frozenset[int] = frozenset()
    date: str | None = None
    status: str | None = None
    in_force: str | None = None
    articles: frozenset[str] = frozenset()
    evidence: tuple[str, ...] = ()
    entities: dict[str, EntityInfo] = field(default_factory=dict)

    def label(self, iri: str) -> str:
        """The display name of an entity IRI this event refers to."""
        info = self.entities.get(iri)
        return info.name if info else iri

    def arguments(self) -> dict[str, list[str]]:
        """Entity-valued arguments as sorted IRIs, by role, leaving out empty roles."""
        return {role: sorted(getattr(self, role)) for role in _ENTITY_ROLES if getattr(self, role)}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable view, with entity arguments as ``{"iri", "label"}``."""
        return {
            "iri": self.iri,
            "type": self.type,
            "arguments": {
                role: [{"iri": iri, "label": self.label(iri)} for iri in iris]
                for role, iris in self.arguments().items()
            },
            "quotes": list(self.quotes),
            "counts": sorted(self.counts),
            "date": self.date,
            "status": self.status,
            "in_force": self.in_force,
            "articles": sorted(self.articles),
            "evidence": list(self.evidence),
        }


_PREFIXES = f"""PREFIX gh: <{GH}>
PREFIX rdfs: <{_RDFS}>
PREFIX skos: <{_SKOS}>
PREFIX owl: <{_OWL}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""

_Q_EVENTS = _PREFIXES + """
SELECT ?event ?class ?root WHERE {
  ?event a ?class .
  ?class rdfs:subClassOf* ?root .
  VALUES ?root { gh:Meeting gh:PhoneCall gh:Statement gh:TroopDeployment gh:Treaty }
}"""

# One template for every single-valued read; the property is bound by substitution.
_Q_PROPERTY = "SELECT ?event ?property ?value WHERE { ?event ?property ?value }"

_Q_SOURCES = _PREFIXES + """
SELECT ?event ?article ?ident WHERE {
  ?event gh:source ?article .
  OPTIONAL { ?article dcterms:identifier ?ident }
}"""

_Q_EVIDENCE = _PREFIXES + """
SELECT ?event ?anchor WHERE { ?event gh:evidence ?span . ?span nif:anchorOf ?anchor }"""

_Q_ENTITY_LABELS = _PREFIXES + """
SELECT DISTINCT ?entity ?label ?kind WHERE {
  VALUES ?role { gh:participant gh:speaker gh:addressee gh:sender gh:host gh:destination gh:party gh:place }
  ?event ?role ?entity .
  { ?entity rdfs:label ?label BIND("label" AS ?kind) }
  UNION
  { ?entity skos:altLabel ?label BIND("alt" AS ?kind) }
}"""

_Q_ENTITY_SAMEAS = _PREFIXES + """
SELECT DISTINCT ?entity ?same WHERE {
  VALUES ?role { gh:participant gh:speaker gh:addressee gh:sender gh:host gh:destination gh:party gh:place }
  ?event ?role ?entity .
  ?entity owl:sameAs ?same .
}"""


def _query(store: ox.Store, sparql: str, **bindings: ox.NamedNode) -> Iterable[ox.QuerySolution]:
    substitutions = {ox.Variable(name): term for name, term in bindings.items()}
    result = store.query(sparql, use_default_graph_as_union=True, substitutions=substitutions or None)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _term_text(term: Any) -> str:
    return str(term.value)


def _qid(iri: str) -> str | None:
    match = _WIKIDATA_IRI_RE.match(iri)
    return match.group(1) if match else None


def _ordered_unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def load_predictions(store: ox.Store) -> list[Prediction]:
    """Read every event of the store (union of all graphs), sorted by IRI.

    The type is the first of Meeting, Statement, TroopDeployment, Treaty the event's class is
    ``rdfs:subClassOf*`` (``gh:PhoneCall`` counts as Meeting even without the ontology graph).
    """
    kinds: dict[str, str] = {}
    for row in _query(store, _Q_EVENTS):
        if not isinstance(row["event"], ox.NamedNode | ox.BlankNode):
            continue
        kind = KNOWN_SUBCLASSES[row["root"].value]
        key = _node_key(row["event"])
        if key not in kinds or EVENT_TYPES.index(kind) < EVENT_TYPES.index(kinds[key]):
            kinds[key] = kind

    def values(local: str) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        for row in _query(store, _Q_PROPERTY, property=ox.NamedNode(GH + local)):
            key = _node_key(row["event"])
            if key in kinds:
                found.setdefault(key, []).append(row["value"])
        return found

    roles = {attr: values(local) for attr, local in _ENTITY_ROLES.items()}
    quotes = values("quote")
    counts = values("troopCount")
    dates = values("date")
    statuses = values("status")
    in_force = values("inForceFrom")

    articles: dict[str, set[str]] = {}
    for row in _query(store, _Q_SOURCES):
        key = _node_key(row["event"])
        if key not in kinds:
            continue
        ident = row["ident"]
        name = _term_text(ident) if ident is not None else _term_text(row["article"]).rsplit("/", 1)[-1]
        articles.setdefault(key, set()).add(_article_id(name))

    evidence: dict[str, list[str]] = {}
    for row in _query(store, _Q_EVIDENCE):
        key = _node_key(row["event"])
        if key in kinds:
            evidence.setdefault(key, []).append(_term_text(row["anchor"]))

    entity_labels: dict[str, list[tuple[int, str]]] = {}
    for row in _query(store, _Q_ENTITY_LABELS):
        label = row["label"]
        lang = getattr(label, "language", None)
        rank = 0 if row["kind"].value == "label" and lang == "en" else 1 if row["kind"].value == "label" else 2
        entity_labels.setdefault(_node_key(row["entity"]), []).append((rank, _term_text(label)))
    entity_qids: dict[str, list[str]] = {}
    for row in _query(store, _Q_ENTITY_SAMEAS):
        qid = _qid(_term_text(row["same"]))
        if qid:
            entity_qids.setdefault(_node_key(row["entity"]), []).append(qid)

    predictions = []
    for key in sorted(kinds):
        role_sets = {
            attr: frozenset(_node_key(v) for v in found.get(key, [])) for attr, found in roles.items()
        }
        referenced = set().union(*role_sets.values())
        entities = {}
        for iri in referenced:
            ranked = sorted(entity_labels.get(iri, []))
            own_qid = _qid(iri)
            entities[iri] = EntityInfo(
                iri=iri,
                labels=_ordered_unique(label for _, label in ranked),
                qids=_ordered_unique([*([own_qid] if own_qid else []), *sorted(entity_qids.get(iri, []))]),
                display=ranked[0][1] if ranked else "",
            )
        predictions.append(
            Prediction(
                iri=key,
                type=kinds[key],
                **role_sets,
                quotes=_ordered_unique(_term_text(q) for q in quotes.get(key, [])),
                counts=frozenset(_parse_count(key, c) for c in counts.get(key, [])),
                date=min((_term_text(d) for d in dates.get(key, [])), default=None),
                status=_status(statuses.get(key, [])),
                in_force=min((_term_text(d) for d in in_force.get(key, [])), default=None),
                articles=frozenset(articles.get(key, set())),
                evidence=_ordered_unique(evidence.get(key, [])),
                entities=entities,
            )
        )
    return predictions


def _node_key(term: Any) -> str:
    """IRIs as their string; blank nodes as ``_:id`` (they should not occur, but must not collide)."""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)


def _parse_count(event: str, term: Any) -> int:
    text = _term_text(term)
    try:
        return int(text)
    except ValueError as e:
        raise EvaluationError(f"store: event <{event}> has a gh:troopCount that is not an integer: {text!r}") from e


def _status(terms: list[Any]) -> str | None:
    found = sorted({_STATUS.get(_term_text(t), _term_text(t).rsplit("#", 1)[-1].lower()) for t in terms})
    return found[0] if found else None


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class _Gold:
    """A validated gold event, with article names reduced to identifiers."""

    raw: Mapping[str, Any]
    id: str
    type: str
    optional: bool
    articles: frozenset[str]
    participants: frozenset[str]
    parties: frozenset[str]
    speaker: str | None
    sender: str | None
    quotes: tuple[str, ...]
    counts: frozenset[int]
    date: str | None
    place: frozenset[str]
    status: str | None

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> _Gold:
        return cls(
            raw=raw,
            id=raw["id"],
            type=raw["type"],
            optional=bool(raw.get("optional", False)),
            articles=frozenset(_article_id(a) for a in raw["articles"]),
            participants=frozenset(raw.get("participants", ())),
            parties=frozenset(raw.get("parties", ())),
            speaker=raw.get("speaker"),
            sender=raw.get("sender"),
            quotes=tuple(raw.get("quotes", ())),
            counts=frozenset(raw.get("counts", ())),
            date=raw.get("date"),
            place=frozenset(raw.get("place", ())),
            status=raw.get("status"),
        )


class _EntityIndex:
    """Maps predicted entity IRIs to gold entity keys (by Wikidata item or normalised name)."""

    def __init__(self, entities: Mapping[str, Any]) -> None:
        self._by_qid: dict[str, set[str]] = {}
        self._by_name: dict[str, set[str]] = {}
        for key, value in entities.items():
            if value.get("qid"):
                self._by_qid.setdefault(value["qid"], set()).add(key)
            for name in value.get("names", []):
                self._by_name.setdefault(normalise_name(name), set()).add(key)
        self._cache: dict[tuple[str, str], frozenset[str]] = {}

    def keys(self, prediction: Prediction, iri: str) -> frozenset[str]:
        """The gold keys entity ``iri`` (as described in ``prediction``) stands for."""
        cache_key = (prediction.iri, iri)
        if cache_key not in self._cache:
            info = prediction.entities.get(iri) or EntityInfo(iri=iri, qids=tuple(filter(None, [_qid(iri)])))
            found: set[str] = set()
            for qid in info.qids:
                found |= self._by_qid.get(qid, set())
            for label in info.labels:
                found |= self._by_name.get(normalise_name(label), set())
            self._cache[cache_key] = frozenset(found)
        return self._cache[cache_key]

    def all_keys(self, prediction: Prediction, iris: Iterable[str]) -> frozenset[str]:
        return frozenset().union(*(self.keys(prediction, iri) for iri in iris))


def _same_agent(index: _EntityIndex, p: Prediction, iris: frozenset[str], key: str | None) -> bool:
    """Every predicted IRI of a single-valued role stands for the gold key (and there is one)."""
    return bool(iris) and all(key in index.keys(p, iri) for iri in iris)


def _why_incompatible(p: Prediction, g: _Gold, index: _EntityIndex) -> str | None:
    """None when ``p`` may be ``g``; otherwise the first reason it may not, for the report."""
    if p.type != g.type:
        return f"type {p.type} is not {g.type}"
    if not p.articles & g.articles:
        return "no shared article"
    if not dates_compatible(p.date, g.date):
        return f"date {p.date} does not fit {g.date}"
    if g.type == "Meeting":
        found = index.all_keys(p, p.participants)
        missing = sorted(g.participants - found)
        if missing:
            return f"participant(s) {', '.join(missing)} not predicted"
        extra = [iri for iri in sorted(p.participants) if not index.keys(p, iri) & g.participants]
        if len(extra) > 1:
            return f"{len(extra)} extra participants ({', '.join(p.label(i) for i in extra)})"
    elif g.type == "Treaty":
        missing = sorted(g.parties - index.all_keys(p, p.parties))
        if missing:
            return f"part(y/ies) {', '.join(missing)} not predicted"
    elif g.type == "Statement":
        if not _same_agent(index, p, p.speaker, g.speaker):
            return f"speaker is not {g.speaker}"
        if g.quotes and p.quotes and not any(quotes_match(a, b) for a in g.quotes for b in p.quotes):
            best = max(quote_overlap(a, b) for a in g.quotes for b in p.quotes)
            return f"no quote overlaps (best 4-gram overlap {best:.2f} < 0.50)"
    elif g.type == "TroopDeployment":
        if not _same_agent(index, p, p.sender, g.sender):
            return f"sender is not {g.sender}"
        if p.counts and not g.counts:
            return f"count {', '.join(map(str, sorted(p.counts)))} where the text gives none"
        if p.counts - g.counts:
            return (
                f"count {', '.join(map(str, sorted(p.counts - g.counts)))} not among "
                f"{', '.join(map(str, sorted(g.counts)))}"
            )
    return None


def _related(p: Prediction, g: _Gold, index: _EntityIndex) -> bool:
    """Whether a non-paired prediction is worth showing next to a gold event in the report: same
    type, a shared article, and the same main agent (some shared participant or party)."""
    if p.type != g.type or not p.articles & g.articles:
        return False
    if g.type == "Meeting":
        return bool(index.all_keys(p, p.participants) & g.participants)
    if g.type == "Treaty":
        return bool(index.all_keys(p, p.parties) & g.parties)
    if g.type == "Statement":
        return g.speaker in index.all_keys(p, p.speaker)
    return g.sender in index.all_keys(p, p.sender)


def _argument_checks(p: Prediction, g: _Gold, index: _EntityIndex) -> dict[str, bool]:
    """For each argument the gold event states, whether the prediction has it right."""
    checks: dict[str, bool] = {}
    if g.date:
        checks["date_exact"] = p.date == g.date
    if g.place:
        checks["place"] = bool(index.all_keys(p, p.place) & g.place)
    if g.status:
        checks["status"] = p.status == g.status
    if g.counts:
        checks["count"] = bool(p.counts) and p.counts <= g.counts
    return checks


def _weight(p: Prediction, g: _Gold, index: _EntityIndex) -> int:
    weight = _W_BASE + (0 if g.optional else _W_SCORED)
    if g.quotes and p.quotes:
        weight += _W_QUOTE
    checks = _argument_checks(p, g, index)
    weight += _W_DATE_EXACT * checks.get("date_exact", False)
    weight += _W_STATUS * checks.get("status", False)
    weight += _W_PLACE * checks.get("place", False)
    weight += _W_COUNT * checks.get("count", False)
    return weight


# --------------------------------------------------------------------------- report


@dataclass
class TypeScore:
    """Counts for one event type (or overall) and the measures derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    duplicates: int = 0
    neutral: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp, self)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn, self)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: TypeScore) -> None:
        """Add another score's counts to this one (micro-averaging)."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.duplicates += other.duplicates
        self.neutral += other.neutral

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "duplicates": self.duplicates,
            "neutral": self.neutral,
        }


def _ratio(num: int, den: int, score: TypeScore) -> float:
    """num/den, with 0/0 = 1.0 when there is nothing to find and nothing predicted, else 0.0."""
    if den:
        return num / den
    return 1.0 if score.tp + score.fp + score.fn == 0 else 0.0


@dataclass
class ArgumentScore:
    """How often a paired prediction has an argument right, over pairs whose gold states it."""

    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        """correct/total, or None when no paired gold event states the argument."""
        return self.correct / self.total if self.total else None

    def to_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "total": self.total, "accuracy": self.accuracy}


ARGUMENTS: tuple[str, ...] = ("date_exact", "place", "status", "count")


@dataclass
class Match:
    """A prediction paired with a gold event; ``optional`` pairs are not counted."""

    gold_id: str
    prediction: Prediction
    optional: bool
    checks: dict[str, bool]

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold_id,
            "prediction": self.prediction.iri,
            "type": self.prediction.type,
            "optional": self.optional,
            "arguments": dict(self.checks),
        }


@dataclass
class Miss:
    """A non-optional gold event no prediction was paired with, and why nearby predictions failed."""

    gold: Mapping[str, Any]
    # related predictions (same type, shared article and agent) and why each is not this event
    near: list[tuple[str, str]] = field(default_factory=list)  # (prediction IRI, reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.gold["id"],
            "type": self.gold["type"],
            "gold": dict(self.gold),
            "near": [{"prediction": iri, "reason": reason} for iri, reason in self.near],
        }


@dataclass
class Extra:
    """An unpaired prediction: a false positive, or neutral when only compatible with optional gold."""

    prediction: Prediction
    # related gold events (same type, shared article and agent) and why this is none of them
    near: list[tuple[str, str]] = field(default_factory=list)  # (gold id, reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.prediction.to_dict(),
            "near": [{"gold": gid, "reason": reason} for gid, reason in self.near],
        }


@dataclass
class Duplicate:
    """An unpaired prediction compatible with a gold event another prediction was paired with."""

    prediction: Prediction
    gold_ids: list[str]
    paired_with: list[str]  # IRIs of the predictions holding those gold events

    def to_dict(self) -> dict[str, Any]:
        return {**self.prediction.to_dict(), "duplicates": self.gold_ids, "paired_with": self.paired_with}


@dataclass
class Report:
    """The outcome of :func:`evaluate`."""

    types: dict[str, TypeScore]
    arguments: dict[str, ArgumentScore]
    matches: list[Match]
    misses: list[Miss]
    false_positives: list[Extra]
    duplicates: list[Duplicate]
    neutral: list[Extra]
    scope: list[str]
    out_of_scope: int

    @property
    def overall(self) -> TypeScore:
        """Micro-average over the four types."""
        total = TypeScore()
        for score in self.types.values():
            total.add(score)
        return total

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable view of the whole report."""
        return {
            "types": {name: score.to_dict() for name, score in self.types.items()},
            "overall": self.overall.to_dict(),
            "arguments": {name: score.to_dict() for name, score in self.arguments.items()},
            "matches": [m.to_dict() for m in self.matches],
            "misses": [m.to_dict() for m in self.misses],
            "false_positives": [e.to_dict() for e in self.false_positives],
            "duplicates": [d.to_dict() for d in self.duplicates],
            "neutral": [e.to_dict() for e in self.neutral],
            "scope": {"articles": list(self.scope), "out_of_scope_predictions": self.out_of_scope},
        }


def evaluate(predictions: Iterable[Prediction], gold: Mapping[str, Any], entities: Mapping[str, Any]) -> Report:
    """Score ``predictions`` against a gold document and its entities (both as loaded from JSON).

    Per type, predictions and gold events are paired by a maximum-cardinality matching over
    compatible pairs that prefers non-optional gold events and then pairs agreeing on more
    arguments. See ``gold-format.md`` for what counts as compatible.
    """
    _check_gold(gold, "gold")
    _check_entities(entities, "entities")
    _check_references(gold, entities, "gold", "entities")
    index = _EntityIndex(entities)
    golds = [_Gold.of(raw) for raw in gold["events"]]
    scope = {_article_id(a) for g in golds for a in g.articles} | {_article_id(k) for k in gold.get("traps", {})}

    all_predictions = list(predictions)
    in_scope = sorted((p for p in all_predictions if p.articles & scope), key=lambda p: (p.type, p.iri))

    report = Report(
        types={t: TypeScore() for t in EVENT_TYPES},
        arguments={a: ArgumentScore() for a in ARGUMENTS},
        matches=[],
        misses=[],
        false_positives=[],
        duplicates=[],
        neutral=[],
        scope=sorted(scope),
        out_of_scope=len(all_predictions) - len(in_scope),
    )
    for etype in EVENT_TYPES:
        _score_type(
            [p for p in in_scope if p.type == etype],
            [g for g in golds if g.type == etype],
            index,
            report,
            report.types[etype],
        )
    return report


def _score_type(preds: list[Prediction], golds: list[_Gold], index: _EntityIndex, report: Report,
                score: TypeScore) -> None:
    reasons: dict[tuple[int, int], str | None] = {
        (i, j): _why_incompatible(p, g, index) for i, p in enumerate(preds) for j, g in enumerate(golds)
    }
    graph = nx.Graph()
    graph.add_nodes_from(("p", i) for i in range(len(preds)))
    graph.add_nodes_from(("g", j) for j in range(len(golds)))
    for (i, j), reason in reasons.items():
        if reason is None:
            graph.add_edge(("p", i), ("g", j), weight=_weight(preds[i], golds[j], index))
    pred_to_gold: dict[int, int] = {}
    for a, b in nx.max_weight_matching(graph, maxcardinality=True, weight="weight"):
        (pa, i), (_, j) = (a, b) if a[0] == "p" else (b, a)
        assert pa == "p"
        pred_to_gold[i] = j
    gold_to_pred = {j: i for i, j in pred_to_gold.items()}

    for i, j in sorted(pred_to_gold.items(), key=lambda item: golds[item[1]].id):
        p, g = preds[i], golds[j]
        checks = _argument_checks(p, g, index)
        report.matches.append(Match(gold_id=g.id, prediction=p, optional=g.optional, checks=checks))
        if g.optional:
            score.neutral += 1
            continue
        score.tp += 1
        for name, ok in checks.items():
            report.arguments[name].total += 1
            report.arguments[name].correct += ok

    for j, g in enumerate(golds):
        if j in gold_to_pred or g.optional:
            continue
        score.fn += 1
        near = [
            (p.iri, reasons[(i, j)] or f"paired with gold {golds[pred_to_gold[i]].id!r} instead")
            if i in pred_to_gold or reasons[(i, j)] is not None
            else (p.iri, "compatible")
            for i, p in enumerate(preds)
            if _related(p, g, index)
        ]
        report.misses.append(Miss(gold=g.raw, near=near))

    for i, p in enumerate(preds):
        if i in pred_to_gold:
            continue
        compatible = [j for j in range(len(golds)) if reasons[(i, j)] is None]
        scored = [j for j in compatible if not golds[j].optional]
        if scored:
            score.duplicates += 1
            report.duplicates.append(
                Duplicate(
                    prediction=p,
                    gold_ids=[golds[j].id for j in scored],
                    paired_with=[preds[gold_to_pred[j]].iri for j in scored if j in gold_to_pred],
                )
            )
            continue
        near = [(g.id, reasons[(i, j)] or "compatible") for j, g in enumerate(golds) if _related(p, g, index)]
        if compatible:
            score.neutral += 1
            report.neutral.append(Extra(prediction=p, near=near))
        else:
            score.fp += 1
            report.false_positives.append(Extra(prediction=p, near=near))


def evaluate_store(store: ox.Store, gold_path: str | Path, entities_path: str | Path | None = None) -> Report:
    """Load the gold and entities files and score the events of ``store`` against them.

    ``entities_path`` defaults to ``entities.json`` next to the gold file.
    """
    gold_path = Path(gold_path)
    entities_path = Path(entities_path) if entities_path is not None else gold_path.parent / "entities.json"
    gold = load_gold(gold_path)
    if not entities_path.is_file():
        raise EvaluationError(f"{entities_path}: entities file not found (give one with --entities)")
    entities = load_entities(entities_path)
    _check_references(gold, entities, str(gold_path), str(entities_path))
    return evaluate(load_predictions(store), gold, entities)


# --------------------------------------------------------------------------- text rendering


def _fmt(value: float | None) -> str:
    return "  —  " if value is None else f"{value:.3f}"


def _gold_fields(raw: Mapping[str, Any]) -> str:
    parts = []
    for key, value in raw.items():
        if key in ("id", "type", "articles", "note", "quotes"):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts)


def _prediction_lines(p: Prediction, indent: str) -> list[str]:
    fields = [f"{role}: {', '.join(p.label(i) for i in iris)}" for role, iris in p.arguments().items()]
    for name in ("date", "status", "in_force"):
        if getattr(p, name):
            fields.append(f"{name}: {getattr(p, name)}")
    if p.counts:
        fields.append(f"counts: {', '.join(map(str, sorted(p.counts)))}")
    lines = [f"{indent}{'; '.join(fields) or '(no arguments)'}"]
    lines += [f"{indent}quote: {q}" for q in p.quotes]
    lines.append(f"{indent}sources: {', '.join(sorted(p.articles)) or '(none)'}")
    lines += [f"{indent}evidence: {s}" for s in p.evidence]
    return lines


def _extra_lines(extra: Extra, indent: str) -> list[str]:
    p = extra.prediction
    lines = [f"- <{p.iri}> [{p.type}]", *_prediction_lines(p, indent)]
    lines += [f"{indent}vs gold {gid}: {reason}" for gid, reason in extra.near]
    return lines


def render_text(report: Report) -> str:
    """A readable report: a table per type and overall, argument accuracy, then every miss, false
    positive, duplicate and neutral prediction with what is needed to see why."""
    indent = "    "
    header = f"{'type':<16} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4} {'dup':>4} {'neut':>5}"
    lines = [header, "-" * len(header)]
    rows = [*report.types.items(), ("overall", report.overall)]
    for name, s in rows:
        if name == "overall":
            lines.append("-" * len(header))
        lines.append(
            f"{name:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:4d} {s.fp:4d} {s.fn:4d} "
            f"{s.duplicates:4d} {s.neutral:5d}"
        )
    lines += ["", "argument accuracy (non-optional pairs)"]
    for name, a in report.arguments.items():
        lines.append(f"  {name:<11} {a.correct:3d}/{a.total:<3d} {_fmt(a.accuracy)}")
    lines.append("")
    lines.append(
        f"scope: {len(report.scope)} article(s); {report.out_of_scope} prediction(s) outside them not scored"
    )

    lines += ["", f"misses ({len(report.misses)})"]
    for miss in report.misses:
        g = miss.gold
        lines.append(f"- {g['id']} [{g['type']}] {_gold_fields(g)}")
        lines += [f"{indent}quote: {q}" for q in g.get("quotes", [])]
        lines.append(f"{indent}articles: {', '.join(g['articles'])}")
        if g.get("note"):
            lines.append(f"{indent}note: {g['note']}")
        lines += [f"{indent}vs <{iri}>: {reason}" for iri, reason in miss.near]

    lines += ["", f"false positives ({len(report.false_positives)})"]
    for extra in report.false_positives:
        lines += _extra_lines(extra, indent)

    lines += ["", f"duplicates ({len(report.duplicates)})"]
    for dup in report.duplicates:
        p = dup.prediction
        lines.append(f"- <{p.iri}> [{p.type}] duplicates gold {', '.join(dup.gold_ids)}")
        lines.append(f"{indent}already paired with: {', '.join(f'<{i}>' for i in dup.paired_with)}")
        lines += _prediction_lines(p, indent)

    if report.neutral:
        lines += ["", f"neutral: unpaired, compatible only with optional gold events ({len(report.neutral)})"]
        for extra in report.neutral:
            lines += _extra_lines(extra, indent)
    return "\n".join(lines) + "\n"
