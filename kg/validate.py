"""``kg validate``: SHACL shapes (pySHACL) plus the provenance check SHACL cannot express.

The union of all graphs is validated as one graph with the ontology mixed in (so ``sh:targetClass``
reaches subclasses such as ``gh:PhoneCall``) and without RDFS inference, which would hide wrong-class
errors by inferring the class from a property's domain.

The provenance check: every evidence span's ``nif:beginIndex``/``nif:endIndex`` slice its article's
``nif:isString`` to exactly its ``nif:anchorOf``.

The description check: every graph that says anything of an event (other than the article's own
``gh:source``, ``gh:evidence`` and ``gh:countClaim``) says all of it, as ``kg build`` writes them
(``docs/data-model.md``, Events). The stored queries' selective forms read an event from one of its
graphs and rely on this; a store edited by hand (``kg query --update``) or written by another tool may
break it, and would then give other rows for one entity than the listing does.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib

from .rdf import GRAPH_BUILD
from .resources import ontology_dir
from .store import GraphStore
from .vocab import GH

__all__ = ["ValidationReport", "description_errors", "validate"]

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
    description_errors: list[str] = field(default_factory=list)


def _data_graph(quads: list[ox.Quad]) -> rdflib.Graph:
    data = ox.serialize(sorted({q.triple for q in quads}, key=str), format=ox.RdfFormat.N_TRIPLES)
    g = rdflib.Graph()
    g.parse(data=data.decode("utf-8"), format="nt")
    return g


#: An event's properties that belong to one reporting article, not to its shared description
_OWN = frozenset({GH.source, GH.evidence, GH.countClaim})


def description_errors(quads: Sequence[ox.Quad]) -> list[str]:
    """One line for each event (a subject of ``gh:source``) whose graphs do not all hold its whole
    description: the union of what every graph says of it, but for the article's own properties."""
    events = {q.subject for q in quads if q.predicate == GH.source}
    said: dict = {}   # event -> graph -> its (predicate, object) pairs
    for q in quads:
        if q.subject in events and q.predicate not in _OWN:
            said.setdefault(q.subject, {}).setdefault(q.graph_name, set()).add((q.predicate, q.object))
    errors = []
    for event in sorted(said, key=lambda e: e.value):
        by_graph = said[event]
        whole = set().union(*by_graph.values())
        partial = sorted(_graph_text(g) for g, pairs in by_graph.items() if pairs != whole)
        if partial:
            missing = sorted({p.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
                              for g, pairs in by_graph.items() for p, _ in whole - pairs})
            errors.append(f"{event.value}: {len(partial)} of the {len(by_graph)} graphs that describe it lack part "
                          f"of its description ({', '.join(missing)}), first {partial[0]}")
    return errors


def _graph_text(graph) -> str:
    return "the default graph" if isinstance(graph, ox.DefaultGraph) else str(graph)


def validate(gs: GraphStore) -> ValidationReport:
    """Validate the whole store against ``ontology/shapes.ttl``, check every evidence offset, and check
    that each event is described whole in every graph that describes it."""
    import pyshacl

    quads = [q for q in gs.store.quads_for_pattern(None, None, None, None) if q.graph_name != GRAPH_BUILD]
    described = description_errors(quads)
    data = _data_graph(quads)
    del quads
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
    return ValidationReport(conforms=bool(conforms) and not errors and not described, shacl_text=text,
                            violations=violations, offset_errors=errors, triples=len(data),
                            description_errors=described)
