"""``kg validate``: SHACL shapes (pySHACL) plus the provenance check SHACL cannot express.

The union of all graphs is validated as one graph with the ontology mixed in (so ``sh:targetClass``
reaches subclasses such as ``gh:PhoneCall``) and without RDFS inference, which would hide wrong-class
errors by inferring the class from a property's domain.

The provenance check: every evidence span's ``nif:beginIndex``/``nif:endIndex`` slice its article's
``nif:isString`` to exactly its ``nif:anchorOf``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib

from .rdf import GRAPH_BUILD
from .resources import ontology_dir
from .store import GraphStore

__all__ = ["ValidationReport", "validate"]

_OFFSETS = """
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
SELECT ?span ?anchor ?b ?e ?text WHERE {
  ?span nif:anchorOf ?anchor ; nif:beginIndex ?b ; nif:endIndex ?e ; nif:referenceContext ?ctx .
  ?ctx nif:isString ?text .
}
"""


@dataclass
class ValidationReport:
    conforms: bool
    shacl_text: str = ""
    violations: int = 0
    offset_errors: list[str] = field(default_factory=list)
    triples: int = 0


def _data_graph(gs: GraphStore) -> rdflib.Graph:
    quads = [q for q in gs.store.quads_for_pattern(None, None, None, None) if q.graph_name != GRAPH_BUILD]
    data = ox.serialize(sorted({q.triple for q in quads}, key=str), format=ox.RdfFormat.N_TRIPLES)
    g = rdflib.Graph()
    g.parse(data=data.decode("utf-8"), format="nt")
    return g


def validate(gs: GraphStore) -> ValidationReport:
    """Validate the whole store against ``ontology/shapes.ttl`` and check every evidence offset."""
    import pyshacl

    data = _data_graph(gs)
    shapes = rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    ont = rdflib.Graph().parse(ontology_dir() / "ghatna.ttl", format="turtle")
    conforms, results_graph, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ont, inference="none",
                                                     allow_warnings=True)
    violations = len(list(results_graph.subjects(
        rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#ValidationResult"))))
    errors = []
    for row in gs.store.query(_OFFSETS, use_default_graph_as_union=True):
        text_value = row["text"].value
        b, e = int(row["b"].value), int(row["e"].value)
        if text_value[b:e] != row["anchor"].value:
            errors.append(f"{row['span'].value}: offsets {b}-{e} do not slice the article to its anchor text")
    return ValidationReport(conforms=bool(conforms) and not errors, shacl_text=text, violations=violations,
                            offset_errors=errors, triples=len(data))
