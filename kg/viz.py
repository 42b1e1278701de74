"""The drawing stage: the event graph as a networkx graph, and its renderers.

:func:`event_graph` reads events and the entities they link to from an Oxigraph store (SPARQL over the
union of all graphs, values bound, never pasted) into a :class:`networkx.MultiDiGraph`: one node per
event and per entity, one edge ``event -> entity`` per role (``participant``, ``speaker``, ...), and a
``during`` edge from a statement to the meeting it was made at. :func:`render` writes that graph as a
drawing (PNG, SVG, PDF with matplotlib), a self-contained interactive page (HTML, vis-network inlined,
no network needed) or a graph file for other tools (GraphML, GEXF).

Node attributes, all nodes: ``kind`` (person, country, organization, place, meeting, statement,
deployment, treaty), ``iri``, ``label_hi``, ``label_en``, ``label`` (the chosen language, falling back
to the other), ``alt_labels``. Events also carry ``type`` (Meeting, Statement, TroopDeployment,
Treaty), ``subtype`` (e.g. PhoneCall), ``status`` (Occurred/Planned), ``date``, ``sources`` (article
identifiers), ``evidence`` (sentences) with ``evidence_sources`` (the article of each), ``quotes``,
``quote_kind``, ``counts``, ``count_claims``, ``medium``, ``personnel``, ``in_force_from``,
``treaty_name``, ``confidence``, ``extractor``. Graph attributes: ``articles`` (identifier -> iri,
headline, published), ``n_articles``, ``n_events``, ``date_min``, ``date_max`` and the filters used.
"""
from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import networkx as nx
import pyoxigraph as ox

from kg.errors import GhatnaError
from kg.vocab import DCTERMS, GH_NS, NIF, RDFS, SCHEMA, SKOS

__all__ = [
    "VizError",
    "event_graph",
    "find_devanagari_font",
    "render",
    "EVENT_TYPES",
    "KINDS",
    "FORMATS",
    "layout",
]


class VizError(GhatnaError):
    """A drawing cannot be made: bad filter, unknown focus, unknown output format, unwritable file."""


#: Event types a user can filter on, with the node kind each becomes.
EVENT_TYPES: dict[str, str] = {
    "Meeting": "meeting",
    "Statement": "statement",
    "TroopDeployment": "deployment",
    "Treaty": "treaty",
}
ENTITY_KINDS = ("person", "country", "organization", "place")
KINDS = (*ENTITY_KINDS, *EVENT_TYPES.values())
FORMATS = (".png", ".svg", ".pdf", ".html", ".graphml", ".gexf")

#: Edge roles read from the store: predicate local name -> (English, Hindi) label.
ROLES: dict[str, tuple[str, str]] = {
    "participant": ("participant", "प्रतिभागी"),
    "speaker": ("speaker", "वक्ता"),
    "addressee": ("addressee", "संबोधित"),
    "sender": ("sender", "भेजने वाला"),
    "host": ("host", "मेज़बान"),
    "destination": ("destination", "गंतव्य"),
    "party": ("party", "पक्ष"),
    "place": ("place", "स्थान"),
    "during": ("during", "के दौरान"),
}
KIND_NAMES: dict[str, tuple[str, str]] = {
    "person": ("person", "व्यक्ति"),
    "country": ("country", "देश"),
    "organization": ("organization", "संगठन"),
    "place": ("place", "स्थान"),
    "meeting": ("meeting", "बैठक"),
    "statement": ("statement", "बयान"),
    "deployment": ("deployment", "तैनाती"),
    "treaty": ("treaty", "संधि"),
    "phonecall": ("phone call", "फ़ोन वार्ता"),
    "planned": ("planned", "नियोजित"),
}
#: Colour-blind-safe palette (Okabe-Ito) and marker per kind; shared by every renderer.
COLOURS = {
    "person": "#0072B2",
    "country": "#009E73",
    "organization": "#CC79A7",
    "place": "#E69F00",
    "meeting": "#D55E00",
    "statement": "#56B4E9",
    "deployment": "#7A4FA0",
    "treaty": "#B8A800",
}
MARKERS = {
    "person": "o",
    "country": "s",
    "organization": "h",
    "place": "^",
    "meeting": "D",
    "statement": "p",
    "deployment": "v",
    "treaty": "*",
}
VIS_SHAPES = {
    "person": "dot",
    "country": "square",
    "organization": "hexagon",
    "place": "triangle",
}

_PREFIXES = {
    "gh": GH_NS,
    "rdfs": RDFS.base,
    "skos": SKOS.base,
    "nif": NIF.base,
    "dcterms": DCTERMS.base,
    "schema": SCHEMA.base,
}
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DEVANAGARI_RE = re.compile(r"[\u0900-\u097F\uA8E0-\uA8FF]")

# --------------------------------------------------------------------------------------------------
# Reading the store
# --------------------------------------------------------------------------------------------------

_Q_EVENTS = """
SELECT DISTINCT ?e ?top ?t WHERE {
  { VALUES ?top { gh:Meeting gh:Statement gh:TroopDeployment gh:Treaty }
    ?e a ?t . ?t rdfs:subClassOf* ?top . }
  UNION
  { ?e a gh:PhoneCall . BIND(gh:Meeting AS ?top) BIND(gh:PhoneCall AS ?t) }
}"""

_Q_ATTRS = """
SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?p { rdfs:label skos:altLabel gh:status gh:date gh:confidence gh:extractor gh:medium
              gh:quote gh:quoteKind gh:troopCount gh:personnel gh:inForceFrom gh:treatyName }
  ?s ?p ?o .
}"""

_Q_ROLES = """
SELECT DISTINCT ?e ?p ?x WHERE {
  VALUES ?p { gh:participant gh:speaker gh:addressee gh:sender gh:host gh:destination gh:party
              gh:place gh:during }
  ?e ?p ?x .
}"""

_Q_KINDS = """
SELECT DISTINCT ?x ?k WHERE {
  VALUES ?k { gh:Person gh:Country gh:Organization gh:Place }
  ?x a ?c . ?c rdfs:subClassOf* ?k .
}"""

_Q_EVIDENCE = """
SELECT DISTINCT ?e ?span ?text ?b ?ident WHERE {
  ?e gh:evidence ?span .
  OPTIONAL { ?span nif:anchorOf ?text }
  OPTIONAL { ?span nif:beginIndex ?b }
  OPTIONAL { ?span nif:referenceContext ?ctx . ?art gh:context ?ctx . ?art dcterms:identifier ?ident }
}"""

_Q_SOURCES = """
SELECT DISTINCT ?e ?art ?ident ?head ?pub WHERE {
  ?e gh:source ?art .
  OPTIONAL { ?art dcterms:identifier ?ident }
  OPTIONAL { ?art schema:headline ?head }
  OPTIONAL { ?art schema:datePublished ?pub }
}"""

_Q_COUNTS = """
SELECT DISTINCT ?e ?claim ?n ?q ?attr WHERE {
  ?e gh:countClaim ?claim . ?claim gh:count ?n .
  OPTIONAL { ?claim gh:qualifier ?q }
  OPTIONAL { ?claim gh:attributedTo ?attr }
}"""


def _select(store: Any, query: str, **bindings: Any) -> list[dict[str, Any]]:
    """Run a SELECT over the union of all graphs; rows as dicts of bound variables only."""
    subs = {ox.Variable(name): term for name, term in bindings.items()}
    try:
        result = store.query(query, use_default_graph_as_union=True, prefixes=_PREFIXES,
                             substitutions=subs or None)
    except (SyntaxError, OSError, ValueError) as e:
        raise VizError(f"reading the store for the drawing failed: {e}") from e
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term
        rows.append(row)
    return rows


def _local(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> _local("https://w3id.org/ghatna/ontology#TroopDeployment")
    'TroopDeployment'
    """
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def _article_ident(iri: str) -> str:
    """An article's identifier from its IRI, a span IRI or a context IRI.

    >>> _article_ident("https://w3id.org/ghatna/id/article/000_ce57#char=3,9")
    '000_ce57'
    """
    tail = iri.split("/article/", 1)[-1]
    return tail.split("#", 1)[0]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _lang_of(term: Any) -> str | None:
    return getattr(term, "language", None)


def _check_date(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if not _DATE_RE.match(value):
        raise VizError(f"{name} must be an ISO date YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    return value


def _date_in_window(date: str | None, since: str | None, until: str | None) -> bool:
    """Compare a ``gh:date`` with a window on their common prefix; undated events fail any window.

    >>> _date_in_window("2024-06", "2024-06-15", None)   # June 2024 overlaps "from 15 June"
    True
    >>> _date_in_window("2024-05-31", "2024-06", None)
    False
    >>> _date_in_window(None, None, None), _date_in_window(None, "2024", None)
    (True, False)
    """
    if since is None and until is None:
        return True
    if not date:
        return False
    if since is not None:
        n = min(len(date), len(since))
        if date[:n] < since[:n]:
            return False
    if until is not None:
        n = min(len(date), len(until))
        if date[:n] > until[:n]:
            return False
    return True


def event_graph(
    store: Any,
    *,
    focus: str | None = None,
    hops: int = 2,
    types: Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    lang: str = "hi",
) -> nx.MultiDiGraph:
    """The events in ``store`` and the entities they link to, as a networkx graph.

    ``types`` keeps events of those types (``Meeting``, ``Statement``, ``TroopDeployment``, ``Treaty``;
    a phone call is a meeting). ``since``/``until`` (``YYYY[-MM[-DD]]``, inclusive) keep events whose
    ``gh:date`` overlaps the window, compared on the common prefix, so ``2024-06`` is inside
    ``since="2024-06-15"``; undated events are left out once a window is given. ``focus`` (an IRI, a
    label or alternative label in Hindi or English, case-insensitive) keeps the nodes within ``hops``
    edges of every matching node, in either direction: with ``hops=2`` a person, their events and the
    other parties to them. Entities left with no event are dropped. Raises :class:`VizError` for an
    unknown type, a malformed date, a negative ``hops`` or a focus that matches no node.
    """
    lang = _check_lang(lang)
    since = _check_date("since", since)
    until = _check_date("until", until)
    if since and until and since[: min(len(since), len(until))] > until[: min(len(since), len(until))]:
        raise VizError(f"since ({since}) is after until ({until})")
    wanted: set[str] | None = None
    if types is not None:
        wanted = set(types)
        unknown = sorted(wanted - set(EVENT_TYPES))
        if unknown:
            raise VizError(f"unknown event type(s) {', '.join(unknown)}; "
                           f"choose from {', '.join(EVENT_TYPES)}")
    if not isinstance(hops, int) or hops < 0:
        raise VizError(f"hops must be a non-negative integer, got {hops!r}")
    if not hasattr(store, "query"):
        raise VizError(f"expected a pyoxigraph Store, got {type(store).__name__}")

    graph = _read_graph(store, lang)

    # Filters on events, then drop the entities no kept event links to.
    drop = []
    for node, data in graph.nodes(data=True):
        if data["kind"] not in EVENT_TYPES.values():
            continue
        if wanted is not None and data["type"] not in wanted:
            drop.append(node)
        elif not _date_in_window(data.get("date"), since, until):
            drop.append(node)
    graph.remove_nodes_from(drop)
    graph.remove_nodes_from([n for n, d in graph.nodes(data=True)
                             if d["kind"] in ENTITY_KINDS and graph.degree(n) == 0])

    if focus is not None:
        seeds = _match_focus(graph, focus)
        if not seeds:
            raise VizError(f"focus {focus!r} matches no node (after the type and date filters); "
                           "give an entity IRI or its Hindi or English label")
        undirected = graph.to_undirected(as_view=True)
        keep: set[str] = set()
        for seed in seeds:
            keep.update(nx.single_source_shortest_path_length(undirected, seed, cutoff=hops))
        graph = graph.subgraph(keep).copy()
        graph.graph["focus_nodes"] = sorted(seeds)

    _summarise(graph)
    graph.graph.update(
        focus=focus, hops=hops, types=sorted(wanted) if wanted is not None else None,
        since=since, until=until, lang=lang,
    )
    return graph


def _check_lang(lang: str) -> str:
    if lang not in ("hi", "en"):
        raise VizError(f"lang must be 'hi' or 'en', got {lang!r}")
    return lang


def _read_graph(store: Any, lang: str) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(name="Ghatna events")

    # Events and their types (the first of the four wins if an event somehow has two).
    order = list(EVENT_TYPES)
    top_of: dict[str, str] = {}
    sub_of: dict[str, str] = {}
    for row in _select(store, _Q_EVENTS):
        e, top, t = row["e"].value, _local(row["top"].value), _local(row["t"].value)
        if e not in top_of or order.index(top) < order.index(top_of[e]):
            top_of[e] = top
        if t != top:
            sub_of[e] = t
    if not top_of:
        _summarise(graph)
        return graph

    # Literal attributes of every subject (labels of entities too).
    attrs: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for row in _select(store, _Q_ATTRS):
        attrs[row["s"].value][_local(row["p"].value)].append(row["o"])

    kinds: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, _Q_KINDS):
        kinds[row["x"].value].add(_local(row["k"].value).lower())

    for e, top in top_of.items():
        a = attrs.get(e, {})
        data = _labels(e, a)
        data.update(
            kind=EVENT_TYPES[top],
            type=top,
            subtype=sub_of.get(e),
            status=_first(_local(t.value) for t in a.get("status", [])),
            date=_first(sorted(t.value for t in a.get("date", []))),
            confidence=_first(float(t.value) for t in a.get("confidence", [])),
            extractor=_first(sorted(t.value for t in a.get("extractor", []))),
            medium=_first(sorted(t.value for t in a.get("medium", []))),
            quotes=sorted({_nfc(t.value) for t in a.get("quote", [])}),
            quote_kind=_first(sorted(t.value for t in a.get("quoteKind", []))),
            counts=sorted({int(t.value) for t in a.get("troopCount", [])}),
            count_claims=[],
            personnel=_first(sorted(t.value for t in a.get("personnel", []))),
            in_force_from=_first(sorted(t.value for t in a.get("inForceFrom", []))),
            treaty_name=_first(sorted(t.value for t in a.get("treatyName", []))),
            sources=[],
            evidence=[],
            evidence_sources=[],
        )
        graph.add_node(e, **data)

    # Sources (and the articles, kept once at graph level).
    articles: dict[str, dict[str, str | None]] = {}
    sources: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, _Q_SOURCES):
        e = row["e"].value
        if e not in graph:
            continue
        iri = row["art"].value
        ident = row["ident"].value if "ident" in row else _article_ident(iri)
        sources[e].add(ident)
        info = articles.setdefault(ident, {"iri": iri, "headline": None, "published": None})
        if "head" in row and not info["headline"]:
            info["headline"] = _nfc(row["head"].value)
        if "pub" in row and not info["published"]:
            info["published"] = row["pub"].value
    for e, idents in sources.items():
        graph.nodes[e]["sources"] = sorted(idents)
    graph.graph["all_articles"] = articles

    # Evidence sentences, in article order, each with the article it comes from.
    spans: dict[str, dict[str, tuple[str, int, str]]] = defaultdict(dict)
    for row in _select(store, _Q_EVIDENCE):
        e = row["e"].value
        if e not in graph or "text" not in row:
            continue
        span = row["span"].value
        ident = row["ident"].value if "ident" in row else _article_ident(span)
        begin = int(row["b"].value) if "b" in row else 0
        spans[e][span] = (ident, begin, _nfc(row["text"].value))
    for e, by_span in spans.items():
        seen: set[tuple[str, str]] = set()
        node = graph.nodes[e]
        for ident, _begin, text in sorted(by_span.values()):
            if (ident, text) in seen:
                continue
            seen.add((ident, text))
            node["evidence"].append(text)
            node["evidence_sources"].append(ident)

    # Count claims, rendered as short phrases ("about 12000 — attributed to ...").
    claims: dict[str, dict[str, str]] = defaultdict(dict)
    for row in _select(store, _Q_COUNTS):
        e = row["e"].value
        if e not in graph:
            continue
        text = f"{row['q'].value} {row['n'].value}" if "q" in row else row["n"].value
        if "attr" in row:
            text += f" ({_nfc(row['attr'].value)})"
        claims[e][row["claim"].value] = text
    for e, by_claim in claims.items():
        graph.nodes[e]["count_claims"] = [by_claim[c] for c in sorted(by_claim)]

    # Roles: event -> entity edges, plus statement -> meeting ("during").
    for row in _select(store, _Q_ROLES):
        e, role, x = row["e"].value, _local(row["p"].value), row["x"].value
        if e not in graph:
            continue
        if role == "during":
            if x in top_of:
                graph.add_edge(e, x, key=role, role=role)
            continue
        if x in top_of:  # an event in an entity slot: not ours to draw
            continue
        if x not in graph:
            data = _labels(x, attrs.get(x, {}))
            data["kind"] = _entity_kind(kinds.get(x, set()), role)
            graph.add_node(x, **data)
        graph.add_edge(e, x, key=role, role=role)

    for node, data in graph.nodes(data=True):
        data["label"] = _pick(data, lang)
    return graph


def _first(values: Iterable[Any]) -> Any:
    for v in values:
        return v
    return None


def _labels(iri: str, a: dict[str, list[Any]]) -> dict[str, Any]:
    """``iri``, ``label_hi``, ``label_en`` and ``alt_labels`` from rdfs:label and skos:altLabel."""
    by_lang: dict[str | None, list[str]] = defaultdict(list)
    for t in a.get("label", []):
        by_lang[_lang_of(t)].append(_nfc(t.value))
    plain = sorted(by_lang.get(None, []))
    hi = _first(sorted(by_lang.get("hi", []))) or _first(p for p in plain if _DEVANAGARI_RE.search(p))
    en = _first(sorted(by_lang.get("en", []))) or _first(p for p in plain if not _DEVANAGARI_RE.search(p))
    alts = sorted({_nfc(t.value) for t in a.get("altLabel", [])})
    return {"iri": iri, "label_hi": hi, "label_en": en, "alt_labels": alts}


def _pick(data: dict[str, Any], lang: str) -> str:
    """The label in ``lang``, else the other language, else the IRI's last segment."""
    first, second = ("label_hi", "label_en") if lang == "hi" else ("label_en", "label_hi")
    return data.get(first) or data.get(second) or _local(data["iri"])


def _entity_kind(classes: set[str], role: str) -> str:
    """Country wins (a country is both agent and place), then person, organization, place."""
    for kind in ("country", "person", "organization", "place"):
        if kind in classes:
            return kind
    # Untyped: guess from the role it plays.
    if role in ("destination", "place"):
        return "place"
    if role in ("sender", "host", "party"):
        return "country"
    return "person"


def _match_focus(graph: nx.MultiDiGraph, focus: str) -> set[str]:
    wanted = _nfc(focus).strip("<>")
    if wanted in graph:
        return {wanted}
    folded = wanted.casefold()
    seeds = set()
    for node, data in graph.nodes(data=True):
        names = [data.get("label_hi"), data.get("label_en"), *data.get("alt_labels", [])]
        if any(n and n.casefold() == folded for n in names):
            seeds.add(node)
    if not seeds and "/" in wanted:  # a tail of an IRI, e.g. "entity/vladimir-putin"
        seeds = {n for n in graph if n.endswith("/" + wanted.lstrip("/"))}
    return seeds


def _summarise(graph: nx.MultiDiGraph) -> None:
    """Counts and date range of what is in the graph, for titles and exports."""
    events = [d for _, d in graph.nodes(data=True) if d.get("kind") in EVENT_TYPES.values()]
    idents = sorted({s for d in events for s in d.get("sources", [])})
    dates = sorted(d["date"] for d in events if d.get("date"))
    all_articles = graph.graph.pop("all_articles", graph.graph.get("articles", {})) or {}
    graph.graph["articles"] = {i: all_articles.get(i, {"iri": None, "headline": None, "published": None})
                               for i in idents}
    graph.graph["n_articles"] = len(idents)
    graph.graph["n_events"] = len(events)
    graph.graph["date_min"] = dates[0] if dates else None
    graph.graph["date_max"] = dates[-1] if dates else None


# --------------------------------------------------------------------------------------------------
# Fonts and labels for drawing
# --------------------------------------------------------------------------------------------------

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansDevanagari-Regular.otf",
    "/usr/share/fonts/truetype/noto/NotoSansDevanagariUI-Regular.ttf",
    "/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf",
    "/usr/share/fonts/truetype/noto/NotoSerifDevanagari-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
)


def _covers_devanagari(path: str) -> bool:
    try:
        from matplotlib.ft2font import FT2Font

        charmap = FT2Font(path).get_charmap()
    except Exception:  # unreadable or not a font: simply not a candidate
        return False
    return all(cp in charmap for cp in (0x0915, 0x093F, 0x094D, 0x0928))  # क ि ् न


def find_devanagari_font() -> str | None:
    """Path of an installed font that covers Devanagari, Noto Sans Devanagari first; None if none.

    Looks in matplotlib's font list, then in the usual Debian folders (fonts installed after
    matplotlib built its cache are found there).
    """
    from matplotlib import font_manager

    listed = sorted(
        {f.fname for f in font_manager.fontManager.ttflist if "devanagari" in f.name.lower()},
        key=lambda p: (
            "NotoSansDevanagari" not in Path(p).name,
            "Regular" not in Path(p).name,
            "UI" in Path(p).name,
            p,
        ),
    )
    for path in (*listed, *_FONT_CANDIDATES):
        if Path(path).is_file() and _covers_devanagari(path):
            return path
    for folder in ("/usr/share/fonts", "/usr/local/share/fonts"):
        root = Path(folder)
        if root.is_dir():
            for path in sorted(root.rglob("*Devanagari*Regular.*")):
                if _covers_devanagari(str(path)):
                    return str(path)
    return None


# Devanagari -> Latin for labels that have no English form, when no Devanagari font is installed.
_VOWELS = {"अ": "a", "आ": "a", "इ": "i", "ई": "i", "उ": "u", "ऊ": "u", "ऋ": "ri", "ए": "e", "ऐ": "ai",
           "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e"}
_SIGNS = {"ा": "a", "ि": "i", "ी": "i", "ु": "u", "ू": "u", "ृ": "ri", "े": "e", "ै": "ai", "ो": "o",
          "ौ": "au", "ॉ": "o", "ॅ": "e"}
_CONSONANTS = dict(zip(
    "क ख ग घ ङ च छ ज झ ञ ट ठ ड ढ ण त थ द ध न प फ ब भ म य र ल व श ष स ह ळ क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़".split(),
    "k kh g gh n ch chh j jh n t th d dh n t th d dh n p ph b bh m y r l v sh sh s h l q kh g z r rh f y"
    .split(),
))
_MARKS = {"ं": "n", "ँ": "n", "ः": "h", "़": "", "्": "", "।": ".", "॥": "."}
_DIGITS = {chr(0x0966 + i): str(i) for i in range(10)}


def _romanize(text: str) -> str:
    """A readable Latin spelling of Devanagari text (lossy; for labels only).

    >>> _romanize("किम जोंग-उन")
    'Kim Jong-un'
    >>> _romanize("व्लादिमीर पुतिन")
    'Vladimir Putin'
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    i = 0
    chars = list(text)
    while i < len(chars):
        c = chars[i]
        if i + 1 < len(chars) and chars[i + 1] == "़" and c + "़" in _CONSONANTS:
            c = c + "़"
            i += 1
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if c in _CONSONANTS:
            out.append(_CONSONANTS[c])
            if nxt in _SIGNS or nxt == "्":
                pass
            else:
                # inherent vowel, dropped at the end of a word
                end = not nxt or not ("\u0900" <= nxt <= "\u097F") or nxt in "।॥"
                if not end or len(out) == 1 or out[-2] in (" ", "-"):
                    out.append("a")
        elif c in _SIGNS:
            out.append(_SIGNS[c])
        elif c in _VOWELS:
            out.append(_VOWELS[c])
        elif c in _MARKS:
            out.append(_MARKS[c])
        elif c in _DIGITS:
            out.append(_DIGITS[c])
        else:
            out.append(c)
        i += 1
    return " ".join(w[:1].upper() + w[1:] for w in "".join(out).split(" "))


def _kind_word(kind: str, lang: str) -> str:
    en, hi = KIND_NAMES[kind]
    return hi if lang == "hi" else en


def _node_text(data: dict[str, Any], lang: str, devanagari: bool = True) -> str:
    """What a drawing writes next to a node: an entity's name; an event's kind, date and status.

    In English, or with no Devanagari font, a name with no English form is spelt in Latin letters.
    """
    if data.get("kind") in EVENT_TYPES.values():
        word = _kind_word("phonecall" if data.get("subtype") == "PhoneCall" else data["kind"], lang)
        text = f"{word} · {data['date']}" if data.get("date") else word
        if data.get("status") == "Planned":
            text += f" ({_kind_word('planned', lang)})"
    else:
        text = _pick(data, lang)
    if (lang == "en" or not devanagari) and _DEVANAGARI_RE.search(text):
        if data.get("kind") in ENTITY_KINDS and data.get("label_en"):
            text = data["label_en"]
        else:
            text = _romanize(text)
    return text


def _role_text(role: str, lang: str) -> str:
    en, hi = ROLES.get(role, (role, role))
    return hi if lang == "hi" else en


def _title(graph: nx.Graph, lang: str) -> str:
    g = graph.graph
    span = ""
    if g.get("date_min"):
        span = g["date_min"] if g["date_min"] == g.get("date_max") else f"{g['date_min']} – {g['date_max']}"
    n_ev, n_art = g.get("n_events", 0), g.get("n_articles", 0)
    if lang == "hi":
        head = f"घटना ग्राफ़: {n_ev} घटनाएँ, {n_art} लेख"
    else:
        head = f"Ghatna event graph: {n_ev} events from {n_art} articles"
    if span:
        head += f", {span}"
    if g.get("focus"):
        names = [_node_text(graph.nodes[n], lang) for n in g.get("focus_nodes", []) if n in graph]
        label = ", ".join(names) or g["focus"]
        head += f"\n{'केंद्र' if lang == 'hi' else 'focus'}: {label} (≤ {g.get('hops')} hops)"
    return head


# --------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------

def render(graph: nx.Graph, path: str | Path, *, lang: str = "hi", title: str | None = None) -> list[str]:
    """Write ``graph`` to ``path``; the suffix picks the format. Returns notices for the user.

    ``.png``/``.svg``/``.pdf``: a matplotlib drawing; Hindi labels need a Devanagari font, and
    without one the labels are drawn in English (or spelt in Latin letters) with one notice.
    ``.html``: one self-contained interactive page. ``.graphml``/``.gexf``: every attribute, lists as
    JSON text, missing values as empty strings.
    """
    lang = _check_lang(lang)
    if not isinstance(graph, nx.Graph):
        raise VizError(f"expected a networkx graph, got {type(graph).__name__}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise VizError(f"unknown output format {suffix or '(no suffix)'!r} for {path}; "
                       f"use one of {', '.join(FORMATS)}")
    notices: list[str] = []
    try:
        if suffix in (".png", ".svg", ".pdf"):
            notices += _render_matplotlib(graph, path, lang=lang, title=title)
        elif suffix == ".html":
            notices += _render_html(graph, path, lang=lang, title=title)
        elif suffix == ".graphml":
            nx.write_graphml(_exportable(graph), path, encoding="utf-8")
        else:
            nx.write_gexf(_exportable(graph), path, encoding="utf-8")
    except OSError as e:
        raise VizError(f"cannot write {path}: {e.strerror or e}") from e
    if graph.number_of_nodes() == 0:
        notices.append("the graph is empty: no events match the filters")
    return notices


def layout(graph: nx.Graph, seed: int = 7) -> dict[Any, tuple[float, float]]:
    """Deterministic positions, about one unit between linked nodes; shared by drawings and HTML.

    Each connected component is laid out on its own (spring model, fixed seed) and the components
    are packed in rows, largest first, so a small unrelated story is not flung to a corner.
    """
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes, key=str))
    simple.add_edges_from(sorted(((u, v) for u, v in graph.to_undirected(as_view=True).edges() if u != v),
                                 key=str))
    comps = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(map(str, c))))
    boxes = []
    for comp in comps:
        sub = simple.subgraph(sorted(comp, key=str))
        n = len(comp)
        if n == 1:
            pos = {next(iter(comp)): (0.0, 0.0)}
        else:
            raw = nx.spring_layout(sub, seed=seed, scale=None, iterations=500)
            pos = {node: (float(x), float(y)) for node, (x, y) in raw.items()}
            # spring_layout's unit is loose: rescale so that most nodes keep about a unit of room
            # (a quantile of nearest-neighbour distances; one tight pair does not blow the rest up)
            nearest = sorted(min(math.dist(p, q) for other, q in pos.items() if other != node)
                             for node, p in pos.items())
            unit = nearest[len(nearest) // 4]
            if unit > 0:
                pos = {node: (x / unit, y / unit) for node, (x, y) in pos.items()}
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        boxes.append((pos, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    # Shelf packing: rows no wider than the widest component or the square root of the total area.
    gap = 1.2
    area = sum((w + gap) * (h + gap) for *_, w, h in boxes)
    row_width = max([math.sqrt(area) * 1.2] + [w + gap for *_, w, _h in boxes]) if boxes else 0.0
    out: dict[Any, tuple[float, float]] = {}
    x0 = y0 = row_height = 0.0
    for pos, minx, miny, w, h in boxes:
        if x0 > 0 and x0 + w > row_width:
            x0, y0, row_height = 0.0, y0 - row_height - gap, 0.0
        for node, (x, y) in pos.items():
            out[node] = (round(x - minx + x0, 4), round(y - miny + y0 - h, 4))
        x0 += w + gap
        row_height = max(row_height, h)
    return out


def _families(font_path: str | None) -> list[str]:
    from matplotlib import font_manager

    families = ["DejaVu Sans"]
    if font_path:
        if not any(f.fname == font_path for f in font_manager.fontManager.ttflist):
            font_manager.fontManager.addfont(font_path)
        families.insert(0, font_manager.FontProperties(fname=font_path).get_name())
    return families


def _extent(pos: dict[Any, tuple[float, float]]) -> tuple[float, float]:
    if not pos:
        return 0.0, 0.0
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    return max(xs) - min(xs), max(ys) - min(ys)


def _render_matplotlib(graph: nx.Graph, path: Path, *, lang: str, title: str | None) -> list[str]:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    notices = []
    font = find_devanagari_font()
    devanagari = font is not None
    if not devanagari:
        texts = [_node_text(d, lang) for _, d in graph.nodes(data=True)] + [_title(graph, lang), title or ""]
        if lang == "hi" or any(_DEVANAGARI_RE.search(t) for t in texts):
            notices.append("no Devanagari font found (install fonts-noto-core); labels drawn in English")
        lang = "en"
    families = _families(font)
    text_kw = {"fontfamily": families}

    n = graph.number_of_nodes()
    pos = layout(graph)
    width, height = _extent(pos)
    inch = 1.4  # per layout unit: room for a label between two linked nodes
    fig_w = min(26.0, max(9.0, width * inch + 3.0))  # + legend
    fig_h = min(20.0, max(6.5, height * inch + 1.5))  # + title
    fig = Figure(figsize=(fig_w, fig_h), dpi=150 if max(fig_w, fig_h) < 16 else 120, layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()

    if n == 0:
        ax.text(0.5, 0.5, "कोई घटना नहीं" if lang == "hi" else "no events", ha="center", va="center",
                fontsize=14, transform=ax.transAxes, **text_kw)

    simple = nx.DiGraph()
    simple.add_nodes_from(graph.nodes(data=True))
    roles: dict[tuple[Any, Any], list[str]] = defaultdict(list)
    for u, v, d in graph.edges(data=True):
        simple.add_edge(u, v)
        roles[(u, v)].append(d.get("role", ""))

    sizes = {node: (340 if d.get("kind") in EVENT_TYPES.values() else 420)
             for node, d in graph.nodes(data=True)}
    nx.draw_networkx_edges(simple, pos, ax=ax, edge_color="#8a8a8a", width=1.0, arrows=True,
                           arrowstyle="-|>", arrowsize=9, node_size=[sizes[x] for x in simple.nodes],
                           nodelist=list(simple.nodes))
    for (u, v), rs in roles.items():
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.text((x1 + x2) / 2, (y1 + y2) / 2, ", ".join(_role_text(r, lang) for r in sorted(set(rs))),
                fontsize=6.5, color="#555555", ha="center", va="center", zorder=3,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75}, **text_kw)

    present = [k for k in KINDS if any(d.get("kind") == k for _, d in graph.nodes(data=True))]
    planned_any = False
    for kind in present:
        for planned in (False, True):
            nodes = [x for x, d in graph.nodes(data=True)
                     if d.get("kind") == kind and (d.get("status") == "Planned") == planned]
            if not nodes:
                continue
            planned_any |= planned
            ax.scatter([pos[x][0] for x in nodes], [pos[x][1] for x in nodes],
                       s=[sizes[x] * (1.8 if kind == "treaty" else 1) for x in nodes],
                       marker=MARKERS[kind], c="white" if planned else COLOURS[kind],
                       edgecolors=COLOURS[kind] if planned else "#333333",
                       linewidths=2.0 if planned else 0.8, zorder=4)
    for node, d in graph.nodes(data=True):
        x, y = pos[node]
        ax.annotate(_node_text(d, lang, devanagari), (x, y), xytext=(0, -11), textcoords="offset points",
                    ha="center", va="top", fontsize=8.5, zorder=5,
                    fontweight="bold" if node in graph.graph.get("focus_nodes", []) else "normal",
                    bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.8},
                    **text_kw)

    handles = [Line2D([], [], linestyle="none", marker=MARKERS[k], markersize=9 if k != "treaty" else 12,
                      markerfacecolor=COLOURS[k], markeredgecolor="#333333", label=_kind_word(k, lang))
               for k in present]
    if planned_any:
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=9, markerfacecolor="white",
                              markeredgecolor="#333333", markeredgewidth=2,
                              label=_kind_word("planned", lang)))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
                  prop={"family": families, "size": 9})
    heading = title if title is not None else _title(graph, lang)
    if not devanagari and _DEVANAGARI_RE.search(heading):
        heading = _romanize(heading)
    ax.set_title(heading, fontsize=12, loc="left", **text_kw)
    if pos:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
        ax.set_ylim(min(ys) - 0.5, max(ys) + 0.35)
    metadata = {"Title": heading.replace("\n", " ")}
    fig.savefig(path, metadata=metadata)
    return notices


# ---------------------------------------------------------------------------------------------- HTML

_STATIC = "static"
_VIS_JS = "vis-network.min.js"
_VIS_LICENCE = "vis-network.LICENSE-MIT.txt"


def _static_text(name: str) -> str:
    try:
        return resources.files("kg").joinpath(_STATIC, name).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as e:
        raise VizError(f"bundled asset kg/{_STATIC}/{name} is missing: {e}") from e


def _script_safe_json(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element early or open a comment there.

    >>> _script_safe_json({"t": "</script><!-- & \\u2028"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003c!-- \\\\u0026 \\\\u2028"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _inline_library() -> str:
    js = _static_text(_VIS_JS)
    # The map file is not shipped; a dangling reference only makes developer tools fetch.
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.M)
    lowered = js.lower()
    if "</script" in lowered or "<!--" in js or "<script" in lowered:
        raise VizError(f"kg/{_STATIC}/{_VIS_JS} contains markup that would break an inline <script>")
    licence = _static_text(_VIS_LICENCE).replace("*/", "* /")
    head = "/*! vis-network, bundled from kg/static; licence (MIT, chosen of Apache-2.0 OR MIT):"
    return f"{head}\n{licence}*/\n{js}"


def _page_data(graph: nx.Graph, lang: str) -> dict[str, Any]:
    pos = layout(graph)
    scale = 170.0  # pixels per layout unit
    nodes = []
    for node, d in sorted(graph.nodes(data=True), key=lambda item: str(item[0])):
        x, y = pos.get(node, (0.0, 0.0))
        nodes.append({
            "id": str(node),
            "kind": d.get("kind"),
            "x": round(x * scale, 1),
            "y": round(-y * scale, 1),
            "short_hi": _node_text(d, "hi"),
            "short_en": _node_text(d, "en", devanagari=False) if d.get("kind") in EVENT_TYPES.values()
            else (d.get("label_en") or _node_text(d, "en", devanagari=False)),
            "focus": node in graph.graph.get("focus_nodes", []),
            "attrs": {k: v for k, v in d.items() if v not in (None, [], "")},
        })
    edges = []
    for i, (u, v, d) in enumerate(sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]),
                                                                              str(e[2].get("role"))))):
        role = d.get("role", "")
        edges.append({"id": f"e{i}", "from": str(u), "to": str(v), "role": role,
                      "role_hi": _role_text(role, "hi"), "role_en": _role_text(role, "en")})
    return {
        "lang": lang,
        "title_hi": _title(graph, "hi"),
        "title_en": _title(graph, "en"),
        "nodes": nodes,
        "edges": edges,
        "articles": graph.graph.get("articles", {}),
        "colours": COLOURS,
        "shapes": VIS_SHAPES,
        "kind_names": {k: {"en": en, "hi": hi} for k, (en, hi) in KIND_NAMES.items()},
    }


def _render_html(graph: nx.Graph, path: Path, *, lang: str, title: str | None) -> list[str]:
    data = _page_data(graph, lang)
    if title is not None:
        data["title_hi"] = data["title_en"] = title
    heading = data["title_hi"] if lang == "hi" else data["title_en"]
    page = (_HTML_TEMPLATE
            .replace("@@LANG@@", lang)
            .replace("@@TITLE@@", html.escape(heading.replace("\n", " — ")))
            .replace("@@DATA@@", _script_safe_json(data))
            .replace("@@APP@@", _APP_JS)
            .replace("@@LIBRARY@@", _inline_library()))
    path.write_text(page, encoding="utf-8")
    return []


_HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="@@LANG@@">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<title>@@TITLE@@</title>
<style>
  html, body { margin: 0; height: 100%; font-family: "Noto Sans Devanagari", "Nirmala UI", Mangal, "Kohinoor Devanagari", system-ui, sans-serif; color: #222; }
  body { display: grid; grid-template-columns: 1fr 380px; grid-template-rows: auto 1fr; height: 100vh; }
  header { grid-column: 1 / 3; display: flex; align-items: center; gap: 1em; padding: 6px 12px; border-bottom: 1px solid #ddd; }
  header h1 { font-size: 16px; font-weight: 600; margin: 0; flex: 1; white-space: pre-line; }
  header button { font: inherit; font-size: 13px; }
  #graph { position: relative; min-height: 0; }
  #panel { overflow-y: auto; padding: 10px 14px; border-left: 1px solid #ddd; font-size: 14px; line-height: 1.5; }
  #panel h2 { font-size: 17px; margin: 4px 0; }
  #panel h3 { font-size: 13px; margin: 12px 0 2px; text-transform: uppercase; color: #666; letter-spacing: .04em; }
  #panel .sub { color: #555; }
  #panel blockquote { margin: 4px 0 8px; padding-left: 8px; border-left: 3px solid #ccc; }
  #panel .src { color: #666; font-size: 12px; }
  #panel a.nodelink { color: #0645ad; cursor: pointer; text-decoration: underline; }
  #legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 13px; }
  #legend span::before { content: ""; display: inline-block; width: 11px; height: 11px; margin-right: 4px; background: var(--c); border: 1px solid #333; vertical-align: -1px; }
</style>
</head>
<body>
<header><h1 id="title">@@TITLE@@</h1><div id="legend"></div><button id="langbtn" type="button"></button></header>
<div id="graph"></div>
<aside id="panel"><p class="sub" id="hint"></p></aside>
<script type="application/json" id="gh-data">@@DATA@@</script>
<script>
@@LIBRARY@@
</script>
<script>
@@APP@@
</script>
</body>
</html>
"""

_APP_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("gh-data").textContent);
  var lang = DATA.lang;
  var byId = {};
  DATA.nodes.forEach(function (n) { byId[n.id] = n; });
  var EVENT_KINDS = { meeting: 1, statement: 1, deployment: 1, treaty: 1 };
  var T = {
    hint: { hi: "किसी बिंदु पर क्लिक करें या माउस ले जाएँ", en: "Hover over or click a node" },
    evidence: { hi: "साक्ष्य", en: "Evidence" }, sources: { hi: "स्रोत लेख", en: "Source articles" },
    quotes: { hi: "उद्धरण", en: "Quotes" }, links: { hi: "जुड़ाव", en: "Links" },
    counts: { hi: "संख्या", en: "Counts" }, date: { hi: "तिथि", en: "Date" },
    status: { hi: "स्थिति", en: "Status" }, other: { hi: "अंग्रेज़ी", en: "Hindi" },
    alt: { hi: "अन्य नाम", en: "Also" }, btn: { hi: "English", en: "हिन्दी" },
    Occurred: { hi: "घटित", en: "occurred" }, Planned: { hi: "नियोजित", en: "planned" }
  };
  function t(key) { return T[key][lang]; }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function kindName(k) { return (DATA.kind_names[k] || { hi: k, en: k })[lang]; }
  function shortLabel(n) { return lang === "hi" ? n.short_hi : n.short_en; }
  function visNode(n) {
    var c = DATA.colours[n.kind] || "#999";
    var planned = n.attrs.status === "Planned";
    var ev = !!EVENT_KINDS[n.kind];
    return {
      id: n.id, x: n.x, y: n.y, label: shortLabel(n),
      shape: ev ? "box" : (DATA.shapes[n.kind] || "dot"), size: 14,
      color: { background: planned ? "#ffffff" : c, border: ev ? c : "#333333",
               highlight: { background: planned ? "#ffffff" : c, border: "#000000" } },
      borderWidth: n.focus ? 4 : (planned ? 3 : 1),
      shapeProperties: planned ? { borderDashes: [5, 3] } : {},
      font: { face: "Noto Sans Devanagari, Nirmala UI, Mangal, sans-serif", size: 14,
              color: ev && !planned ? "#ffffff" : "#222222", bold: n.focus ? { color: "#000" } : undefined }
    };
  }
  function visEdge(e) {
    return { id: e.id, from: e.from, to: e.to, label: lang === "hi" ? e.role_hi : e.role_en,
             arrows: "to", color: { color: "#999999", highlight: "#333333" },
             font: { face: "Noto Sans Devanagari, Nirmala UI, Mangal, sans-serif", size: 11, color: "#666666",
                     strokeWidth: 3, strokeColor: "#ffffff" },
             smooth: false };
  }
  var nodes = new vis.DataSet(DATA.nodes.map(visNode));
  var edges = new vis.DataSet(DATA.edges.map(visEdge));
  var container = document.getElementById("graph");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    physics: false,
    interaction: { hover: true, navigationButtons: false, keyboard: true, multiselect: false, tooltipDelay: 200 },
    layout: { improvedLayout: false }
  });
  var panel = document.getElementById("panel");
  var pinned = null;

  function section(title) { panel.appendChild(el("h3", title)); }
  function nodeLink(id, prefix) {
    var a = el("a", (prefix || "") + shortLabel(byId[id]), "nodelink");
    a.setAttribute("role", "button");
    a.addEventListener("click", function () { select(id); });
    return a;
  }
  function show(id) {
    var n = byId[id];
    panel.textContent = "";
    if (!n) { panel.appendChild(el("p", t("hint"), "sub")); return; }
    var a = n.attrs;
    var main = lang === "hi" ? (a.label_hi || a.label_en) : (a.label_en || a.label_hi);
    var other = lang === "hi" ? a.label_en : a.label_hi;
    panel.appendChild(el("h2", main || n.id));
    if (other && other !== main) { panel.appendChild(el("div", other, "sub")); }
    var kind = kindName(a.subtype === "PhoneCall" ? "phonecall" : n.kind);
    panel.appendChild(el("div", kind, "sub"));
    if (a.alt_labels && a.alt_labels.length) { panel.appendChild(el("div", t("alt") + ": " + a.alt_labels.join(", "), "sub")); }
    if (a.date) { panel.appendChild(el("div", t("date") + ": " + a.date)); }
    if (a.status) { panel.appendChild(el("div", t("status") + ": " + (T[a.status] ? t(a.status) : a.status))); }
    var counts = (a.count_claims && a.count_claims.length) ? a.count_claims : (a.counts || []);
    if (counts.length) { panel.appendChild(el("div", t("counts") + ": " + counts.join("; ") + (a.personnel ? " " + a.personnel : ""))); }
    var links = DATA.edges.filter(function (e) { return e.from === id || e.to === id; });
    if (links.length) {
      section(t("links"));
      var ul = el("ul");
      links.forEach(function (e) {
        var li = el("li");
        var otherId = e.from === id ? e.to : e.from;
        li.appendChild(el("span", (lang === "hi" ? e.role_hi : e.role_en) + ": "));
        li.appendChild(nodeLink(otherId));
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
    if (a.quotes && a.quotes.length) {
      section(t("quotes"));
      a.quotes.forEach(function (q) { panel.appendChild(el("blockquote", q, "quote")); });
    }
    if (a.evidence && a.evidence.length) {
      section(t("evidence"));
      a.evidence.forEach(function (s, i) {
        var b = el("blockquote", s, "evidence");
        var src = (a.evidence_sources || [])[i];
        if (src) { b.appendChild(el("div", src, "src")); }
        panel.appendChild(b);
      });
    }
    if (a.sources && a.sources.length) {
      section(t("sources"));
      var ol = el("ul");
      a.sources.forEach(function (ident) {
        var info = DATA.articles[ident] || {};
        var li = el("li", ident, "source");
        if (info.headline) { li.appendChild(el("div", info.headline, "sub")); }
        if (info.published) { li.appendChild(el("div", info.published, "src")); }
        ol.appendChild(li);
      });
      panel.appendChild(ol);
    }
    panel.appendChild(el("div", n.id, "src iri"));
    panel.setAttribute("data-node", id);
  }
  function select(id) {
    pinned = id;
    network.selectNodes([id]);
    show(id);
  }
  network.on("click", function (params) {
    if (params.nodes.length) { select(params.nodes[0]); }
    else { pinned = null; show(null); }
  });
  network.on("hoverNode", function (params) { if (!pinned) { show(params.node); } });

  function applyLang() {
    document.documentElement.lang = lang;
    document.getElementById("title").textContent = lang === "hi" ? DATA.title_hi : DATA.title_en;
    document.getElementById("langbtn").textContent = t("btn");
    nodes.update(DATA.nodes.map(visNode));
    edges.update(DATA.edges.map(visEdge));
    var legend = document.getElementById("legend");
    legend.textContent = "";
    var seen = {};
    DATA.nodes.forEach(function (n) { seen[n.kind] = 1; });
    Object.keys(DATA.colours).forEach(function (k) {
      if (!seen[k]) { return; }
      var s = el("span", kindName(k));
      s.style.setProperty("--c", DATA.colours[k]);
      legend.appendChild(s);
    });
    show(pinned);
  }
  document.getElementById("langbtn").addEventListener("click", function () {
    lang = lang === "hi" ? "en" : "hi";
    applyLang();
  });
  applyLang();

  // Self-check for tests and curious users: how many nodes, how much ink, what was fetched.
  function selfCheck() {
    var root = document.documentElement;
    var canvas = container.querySelector("canvas");
    var ink = 0;
    if (canvas) {
      var px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      for (var i = 3; i < px.length; i += 16) { if (px[i] > 0) { ink++; } }
    }
    root.setAttribute("data-gh-nodes", String(nodes.length));
    root.setAttribute("data-gh-edges", String(edges.length));
    root.setAttribute("data-gh-ink", String(ink));
    var fetched = (performance.getEntriesByType ? performance.getEntriesByType("resource") : []);
    root.setAttribute("data-gh-resources", String(fetched.length));
    var m = /(?:^#|&)test-click=([^&]*)/.exec(location.hash);
    if (m) {
      var id = decodeURIComponent(m[1]);
      var hit = "";
      if (byId[id]) {
        network.moveTo({ position: network.getPositions([id])[id], animation: false });
        network.redraw();
        // Click where the node is drawn: hit-test the canvas at the node's screen position.
        var p = network.canvasToDOM(network.getPositions([id])[id]);
        hit = network.getNodeAt(p) || "";
        var rect = container.getBoundingClientRect();
        root.setAttribute("data-gh-click-xy", Math.round(p.x + rect.left) + "," + Math.round(p.y + rect.top));
        if (hit) { select(hit); }
      }
      root.setAttribute("data-gh-clicked", String(hit));
    }
    root.setAttribute("data-gh-ready", "1");
  }
  var checked = false;
  network.once("afterDrawing", function () { if (!checked) { checked = true; setTimeout(selfCheck, 0); } });
  network.fit({ animation: false });
  if (network.getScale() < 0.5) { network.moveTo({ scale: 0.5, animation: false }); }  // labels stay legible
  network.redraw();
  window.ghatna = { network: network, select: select, data: DATA };
})();
"""


def _exportable(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes GraphML and GEXF can hold: lists and dicts as JSON, None as ""."""

    def clean(items: Iterable[dict[str, Any]]) -> None:
        items = list(items)
        names = {k for d in items for k in d}
        for name in names:
            values = [d.get(name) for d in items]
            numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
            for d in items:
                v = d.get(name)
                if numeric:
                    continue
                if isinstance(v, (list, tuple, set, dict)):
                    d[name] = json.dumps(sorted(v) if isinstance(v, set) else v, ensure_ascii=False)
                elif v is None:
                    d[name] = ""
                elif not isinstance(v, str):
                    d[name] = str(v)

    out = graph.copy()
    clean(d for _, d in out.nodes(data=True))
    if out.is_multigraph():
        clean(d for _, _, _, d in out.edges(keys=True, data=True))
    else:
        clean(d for _, _, d in out.edges(data=True))
    clean([out.graph])
    return out
