"""``kg stats``: counts per event type, entity kind and article, read with SPARQL."""
from __future__ import annotations

from .store import GraphStore

__all__ = ["stats"]

_EVENTS = """
PREFIX gh: <https://w3id.org/ghatna/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE {
  VALUES ?type { gh:Meeting gh:Statement gh:TroopDeployment gh:Treaty }
  ?e a ?t . ?t rdfs:subClassOf* ?type .
} GROUP BY ?type ORDER BY ?type
"""
_ENTITIES = """
PREFIX gh: <https://w3id.org/ghatna/ontology#>
SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) (COUNT(DISTINCT ?used) AS ?m) WHERE {
  VALUES ?kind { gh:Person gh:Country gh:Organization gh:NewsAgency gh:Place }
  ?x a ?kind .
  OPTIONAL { ?ev gh:participant|gh:speaker|gh:addressee|gh:sender|gh:host|gh:destination|gh:party|gh:place ?x .
             BIND(?x AS ?used) }
} GROUP BY ?kind ORDER BY ?kind
"""
_ARTICLES = """
PREFIX gh: <https://w3id.org/ghatna/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?a a gh:Article ; dcterms:identifier ?id . OPTIONAL { ?e gh:source ?a }
} GROUP BY ?id ORDER BY ?id
"""


def stats(gs: GraphStore) -> dict[str, list[tuple[str, str]]]:
    """Sections of (name, value) rows."""
    q = lambda s: gs.store.query(s, use_default_graph_as_union=True)  # noqa: E731
    short = lambda iri: iri.rsplit("#", 1)[-1]  # noqa: E731
    out: dict[str, list[tuple[str, str]]] = {}
    out["events"] = [(short(r["type"].value), r["n"].value) for r in q(_EVENTS)]
    out["entities (known / in events)"] = [(short(r["kind"].value), f"{r['n'].value} / {r['m'].value}")
                                           for r in q(_ENTITIES)]
    arts = [(r["id"].value, f"{r['n'].value} events") for r in q(_ARTICLES)]
    out[f"articles ({len(arts)})"] = arts
    total = sum(1 for _ in gs.store.quads_for_pattern(None, None, None, None))
    out["store"] = [("quads (with bookkeeping)", str(total)), ("named graphs", str(len(gs.graph_names())))]
    return out
