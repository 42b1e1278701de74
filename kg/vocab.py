"""The vocabulary as closed namespaces: a misspelt term fails at import time, never mints an IRI.

>>> GH.Meeting.value
'https://w3id.org/ghatna/ontology#Meeting'
>>> GH.Meetin
Traceback (most recent call last):
...
AttributeError: gh:Meetin is not a term of the Ghatna ontology (ontology/ghatna.ttl)
"""
from __future__ import annotations

from pyoxigraph import NamedNode

__all__ = [
    "GH", "NIF", "SCHEMA", "DCTERMS", "SKOS", "OWL", "RDF", "RDFS", "XSD", "PROV",
    "GH_NS", "ID_NS", "WD_NS", "ClosedNamespace",
]

GH_NS = "https://w3id.org/ghatna/ontology#"
ID_NS = "https://w3id.org/ghatna/id/"
WD_NS = "http://www.wikidata.org/entity/"


class ClosedNamespace:
    """A namespace that only hands out the terms it was given."""

    def __init__(self, prefix: str, base: str, terms: str, source: str = "") -> None:
        self._prefix = prefix
        self._base = base
        self._terms = frozenset(terms.split())
        self._source = source

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_") or name not in self._terms:
            where = f" ({self._source})" if self._source else ""
            raise AttributeError(f"{self._prefix}:{name} is not a term of {self._describe()}{where}")
        term = NamedNode(self._base + name)
        setattr(self, name, term)   # found as a plain attribute from now on (a build asks millions of times)
        return term

    def _describe(self) -> str:
        return "the Ghatna ontology" if self._prefix == "gh" else f"the {self._prefix} namespace as used here"

    def __getitem__(self, name: str) -> NamedNode:
        return self.__getattr__(name)

    @property
    def base(self) -> str:
        return self._base

    @property
    def terms(self) -> frozenset[str]:
        return self._terms


GH = ClosedNamespace("gh", GH_NS, """
    Event Meeting PhoneCall Statement TroopDeployment Treaty Agent Person Country Organization NewsAgency
    Place Article EventStatus Occurred Planned CountClaim Role
    participant speaker addressee quote sender host destination troopCount party inForceFrom date place
    status source evidence confidence during reportedBy quoteKind medium personnel countClaim count
    qualifier attributedTo treatyName ratifiedOn context contentHash extractor
    demonym capital locatedIn country holdsRole rolePhrase roleStart roleEnd
""", "ontology/ghatna.ttl")

NIF = ClosedNamespace("nif", "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
                      "Context String isString anchorOf beginIndex endIndex referenceContext")
SCHEMA = ClosedNamespace("schema", "https://schema.org/", "NewsArticle datePublished headline")
DCTERMS = ClosedNamespace("dcterms", "http://purl.org/dc/terms/", "identifier language source")
SKOS = ClosedNamespace("skos", "http://www.w3.org/2004/02/skos/core#", "altLabel prefLabel")
OWL = ClosedNamespace("owl", "http://www.w3.org/2002/07/owl#", "sameAs")
RDF = ClosedNamespace("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "type langString")
RDFS = ClosedNamespace("rdfs", "http://www.w3.org/2000/01/rdf-schema#", "label comment subClassOf")
XSD = ClosedNamespace("xsd", "http://www.w3.org/2001/XMLSchema#",
                      "date gYearMonth gYear integer decimal nonNegativeInteger string dateTime")
PROV = ClosedNamespace("prov", "http://www.w3.org/ns/prov#", "wasDerivedFrom")
