"""Events to quads: one named graph per article, with provenance down to the sentence.

Every article's graph holds the article node, its text as a NIF context, the description of every event
it reports (the same description in each reporting article's graph, so the union is one node), its own
``gh:source`` and ``gh:evidence`` links, the figures it gives, and the entities it minted.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad

from .events import CountClaim, Event, Span
from .gazetteer import Gazetteer
from .identity import Cluster
from .vocab import DCTERMS, GH, ID_NS, NIF, RDF, RDFS, SCHEMA, XSD

__all__ = ["ArticleMeta", "article_iri", "article_quads", "nquads_hash", "GRAPH_ONTOLOGY", "GRAPH_ENTITIES",
           "GRAPH_BUILD", "date_literal"]

GRAPH_ONTOLOGY = NamedNode(ID_NS + "graph/ontology")
GRAPH_ENTITIES = NamedNode(ID_NS + "graph/entities")
GRAPH_BUILD = NamedNode(ID_NS + "graph/build")

_TYPE_CLASS = {"Meeting": GH.Meeting, "Statement": GH.Statement, "TroopDeployment": GH.TroopDeployment,
               "Treaty": GH.Treaty}
_TYPE_LABEL = {"Meeting": ("Meeting", "मुलाकात"), "Statement": ("Statement", "बयान"),
               "TroopDeployment": ("Troop deployment", "सैन्य तैनाती"), "Treaty": ("Treaty", "संधि")}
_ROLE_PROP = {"participant": GH.participant, "speaker": GH.speaker, "addressee": GH.addressee,
              "sender": GH.sender, "host": GH.host, "destination": GH.destination, "party": GH.party,
              "place": GH.place, "reportedBy": GH.reportedBy}
_KIND_CLASS = {"person": GH.Person, "country": GH.Country, "organization": GH.Organization,
               "agency": GH.NewsAgency, "place": GH.Place}
_LABEL_ROLES = {"Meeting": "participant", "Statement": "speaker", "TroopDeployment": "sender", "Treaty": "party"}


@dataclass
class ArticleMeta:
    ident: str
    text: str
    content_hash: str
    published: str | None
    headline: str


def article_iri(ident: str) -> NamedNode:
    return NamedNode(f"{ID_NS}article/{quote(ident, safe='-_.~')}")


def date_literal(value: str) -> Literal:
    """``2024-06-19`` → xsd:date, ``2024-06`` → xsd:gYearMonth, ``2024`` → xsd:gYear."""
    dt = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}.get(len(value))
    if dt is None:
        raise ValueError(f"not an ISO date, year-month or year: {value!r}")
    return Literal(value, datatype=dt)


def _span_node(art: NamedNode, span: Span) -> NamedNode:
    return NamedNode(f"{art.value}#char={span.start},{span.end}")


def _label(gaz: Gazetteer, iri: str, lang: str, minted: dict[str, str]) -> str:
    e = gaz.get(iri)
    if e is None:
        return minted.get(iri, iri.rsplit("/", 1)[-1])
    return (e.label_en or e.label_hi) if lang == "en" else (e.label_hi or e.label_en)


def article_quads(meta: ArticleMeta, clusters: list[Cluster], gaz: Gazetteer) -> list[Quad]:
    """The quads of one article's graph: article, text, events it reports, minted entities."""
    art = article_iri(meta.ident)
    g = art
    ctx = NamedNode(art.value + "#context")
    q: list[Quad] = []

    def add(s, p, o) -> None:
        q.append(Quad(s, p, o, g))

    add(art, RDF.type, GH.Article)
    add(art, RDF.type, SCHEMA.NewsArticle)
    add(art, DCTERMS.identifier, Literal(meta.ident))
    add(art, DCTERMS.language, Literal("hi"))
    if meta.headline:
        add(art, SCHEMA.headline, Literal(meta.headline, language="hi"))
    if meta.published:
        add(art, SCHEMA.datePublished, Literal(meta.published, datatype=XSD.date))
    add(art, GH.contentHash, Literal(meta.content_hash))
    add(art, GH.context, ctx)
    add(ctx, RDF.type, NIF.Context)
    add(ctx, NIF.isString, Literal(meta.text))
    add(ctx, NIF.beginIndex, Literal("0", datatype=XSD.nonNegativeInteger))
    add(ctx, NIF.endIndex, Literal(str(len(meta.text)), datatype=XSD.nonNegativeInteger))

    minted: dict[str, tuple[str, str]] = {}
    for c in clusters:   # (a description has its members' new entities, in their order)
        for n in c.description.new_entities:
            minted.setdefault(n.iri, (n.kind, n.label))
    minted_labels = {iri: label for iri, (_, label) in minted.items()}

    for c in clusters:
        mine = [m for m in c.members if m.article == meta.ident]
        if not mine:
            continue
        d = c.description
        ev = NamedNode(c.iri)
        add(ev, RDF.type, GH.PhoneCall if d.subtype == "PhoneCall" else _TYPE_CLASS[c.type])
        en, hi = _TYPE_LABEL[c.type]
        who = d.role(_LABEL_ROLES[c.type])
        add(ev, RDFS.label, Literal(f"{en}: " + ", ".join(_label(gaz, w, "en", minted_labels) for w in who), language="en"))
        add(ev, RDFS.label, Literal(f"{hi}: " + ", ".join(_label(gaz, w, "hi", minted_labels) for w in who), language="hi"))
        add(ev, GH.status, GH.Planned if d.status == "planned" else GH.Occurred)
        add(ev, GH.confidence, Literal(f"{d.confidence:.2f}", datatype=XSD.decimal))
        add(ev, GH.extractor, Literal(d.extractor))
        if d.date:
            add(ev, GH.date, date_literal(d.date))
        if d.in_force:
            add(ev, GH.inForceFrom, date_literal(d.in_force))
        if d.ratified:
            add(ev, GH.ratifiedOn, date_literal(d.ratified))
        for role, iris in sorted(d.roles.items()):
            prop = _ROLE_PROP.get(role)
            if prop is None:
                continue
            for iri in (iris[:1] if role in ("speaker", "sender", "host") else iris):
                add(ev, prop, NamedNode(iri))
                entity = gaz.get(iri)
                if role in ("place", "destination") and entity is not None and not entity.is_place:
                    add(NamedNode(iri), RDF.type, GH.Place)  # a venue (क्रेमलिन में): the institution's seat
        for text in d.quotes:
            add(ev, GH.quote, Literal(text, language="hi"))
        if d.quote_kind in ("direct", "indirect"):
            add(ev, GH.quoteKind, Literal(d.quote_kind))
        if d.medium:
            add(ev, GH.medium, Literal(d.medium))
        if d.personnel:
            add(ev, GH.personnel, Literal(d.personnel, language="hi"))
        for n in sorted({cl.count for cl in d.counts}):
            add(ev, GH.troopCount, Literal(str(n), datatype=XSD.integer))
        if d.name:
            add(ev, GH.treatyName, Literal(d.name, language="hi"))
        if c.during:
            add(ev, GH.during, NamedNode(c.during))
        # this article's provenance
        add(ev, GH.source, art)
        for m in mine:
            for span in m.evidence:
                node = _span_node(art, span)
                add(ev, GH.evidence, node)
                add(node, RDF.type, NIF.String)
                add(node, NIF.anchorOf, Literal(meta.text[span.start:span.end]))   # the span's own text
                add(node, NIF.beginIndex, Literal(str(span.start), datatype=XSD.nonNegativeInteger))
                add(node, NIF.endIndex, Literal(str(span.end), datatype=XSD.nonNegativeInteger))
                add(node, NIF.referenceContext, ctx)
            for claim in m.counts:
                _claim(add, ev, art, claim)
            for n in m.new_entities:
                node = NamedNode(n.iri)
                add(node, RDF.type, _KIND_CLASS.get(n.kind, GH.Agent))
                add(node, RDFS.label, Literal(n.label, language="hi"))
    # each quad once (an entity minted twice), in a fixed order; not sorted (str() of every quad to sort
    # them took about a second of a 10,000-article build, and the loader does not need an order)
    return list(dict.fromkeys(q))


def _claim(add, ev: NamedNode, art: NamedNode, claim: CountClaim) -> None:
    key = f"{art.value}|{claim.count}|{claim.qualifier}|{claim.attributed_to}"
    node = NamedNode(f"{ev.value}/claim/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:12]}")
    add(ev, GH.countClaim, node)
    add(node, RDF.type, GH.CountClaim)
    add(node, GH.count, Literal(str(claim.count), datatype=XSD.integer))
    add(node, GH.qualifier, Literal(claim.qualifier))
    if claim.attributed_to:
        add(node, GH.attributedTo, Literal(claim.attributed_to, language="hi"))
    add(node, DCTERMS.source, art)


def nquads_hash(quads: list[Quad]) -> str:
    """A fingerprint of a graph: sha256 of its sorted N-Quads lines."""
    h = hashlib.sha256()
    for line in sorted(f"{x} ." for x in quads):
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()
