"""Write the graph out: Turtle and N-Triples flatten the graphs, TriG and N-Quads keep them.

The bookkeeping graph is never exported. Serialisation is pyoxigraph's own (fast, standard syntax that
rdflib and other RDF tools read back).
"""
from __future__ import annotations

from typing import IO, Iterable

import pyoxigraph as ox
from pyoxigraph import Quad, Triple

from .errors import GhatnaError
from .rdf import GRAPH_BUILD
from .store import GraphStore
from .vocab import GH_NS, ID_NS, WD_NS

__all__ = ["FORMATS", "export", "PREFIXES"]

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False),
    "ntriples": (ox.RdfFormat.N_TRIPLES, False),
    "trig": (ox.RdfFormat.TRIG, True),
    "nquads": (ox.RdfFormat.N_QUADS, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}
PREFIXES = {
    "gh": GH_NS, "id": ID_NS, "wd": WD_NS, "e": ID_NS + "entity/",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "schema": "https://schema.org/", "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#", "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "prov": "http://www.w3.org/ns/prov#",
}


def export(gs: GraphStore, fmt: str, output: IO[bytes] | str | None = None) -> bytes | None:
    """Serialise every graph but the bookkeeping one in ``fmt``; to ``output`` or as bytes."""
    if fmt not in FORMATS:
        raise GhatnaError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    rdf_format, keeps_graphs = FORMATS[fmt]
    quads = (q for q in gs.store.quads_for_pattern(None, None, None, None) if q.graph_name != GRAPH_BUILD)
    data: Iterable[Quad] | list[Triple]
    if keeps_graphs:
        # streamed in the store's index order (graph by graph; the same for the same content), so that
        # exporting costs what Oxigraph's own dump costs and holds nothing in memory
        data = quads
    else:
        # a triple reported by several articles is written once; sorted, so subjects stay together
        data = sorted({q.triple for q in quads}, key=str)
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(data, output, rdf_format, prefixes=prefixes)
