"""SHACL shapes (ontology/shapes.ttl) against the fixture and against broken copies of it."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, Dataset, Graph, Namespace, URIRef
from rdflib.namespace import SH

from kg.resources import ontology_dir

FIXTURE = Path(__file__).parent / "data" / "fixture.trig"
GH = Namespace("https://w3id.org/ghatna/ontology#")
ID = Namespace("https://w3id.org/ghatna/id/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")

M1 = ID["event/meeting/a1b2c3d4e5f60718"]
P1 = ID["event/meeting/b2c3d4e5f6071829"]
PM1 = ID["event/meeting/c3d4e5f60718293a"]
S1 = ID["event/statement/d4e5f60718293a4b"]
S3 = ID["event/statement/f60718293a4b5c6d"]
D1 = ID["event/deployment/0718293a4b5c6d7e"]
T1 = ID["event/treaty/18293a4b5c6d7e8f"]
A1 = ID["article/000_ce5797c3e7b73d6e"]
SPAN = URIRef(str(A1) + "#char=103,177")

PREFIXES = """
PREFIX gh: <https://w3id.org/ghatna/ontology#>
PREFIX meeting: <https://w3id.org/ghatna/id/event/meeting/>
PREFIX statement: <https://w3id.org/ghatna/id/event/statement/>
PREFIX deployment: <https://w3id.org/ghatna/id/event/deployment/>
PREFIX treaty: <https://w3id.org/ghatna/id/event/treaty/>
PREFIX entity: <https://w3id.org/ghatna/id/entity/>
PREFIX article: <https://w3id.org/ghatna/id/article/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""

Result = tuple[URIRef, URIRef | None, str]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_dir() / "ghatna.ttl", format="turtle")


@pytest.fixture(scope="module")
def fixture_union() -> Graph:
    """All the fixture's graphs merged: SHACL must see the gazetteer and the articles together."""
    ds = Dataset()
    ds.parse(FIXTURE, format="trig")
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def validate(data: Graph, shapes: Graph, ontology: Graph | None) -> tuple[bool, set[Result]]:
    """Validate as `kg validate` should: ontology as ont_graph, no RDFS inference."""
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True
    )
    results = {
        (
            report.value(r, SH.focusNode),
            report.value(r, SH.resultPath),
            str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
        )
        for top in report.subjects(RDF.type, SH.ValidationReport)
        for r in report.objects(top, SH.result)  # top-level results, not nested sh:detail ones
    }
    return bool(conforms), results


def broken(union: Graph, update: str) -> Graph:
    copy = Graph()
    for triple in union:
        copy.add(triple)
    copy.update(PREFIXES + update)
    assert len(copy) != len(union) or set(copy) != set(union), "the update changed nothing"
    return copy


def test_fixture_conforms(fixture_union: Graph, shapes: Graph, ontology: Graph) -> None:
    conforms, results = validate(fixture_union, shapes, ontology)
    assert conforms, results
    assert results == set()


def test_fixture_conforms_with_ontology_in_the_data_graph(
    fixture_union: Graph, shapes: Graph, ontology: Graph
) -> None:
    data = fixture_union + ontology
    assert validate(data, shapes, None) == (True, set())


def test_data_read_back_from_oxigraph_conforms(shapes: Graph, ontology: Graph) -> None:
    """Oxigraph stores xsd:nonNegativeInteger offsets as xsd:integer; the shapes must accept that."""
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    dumped = Dataset()
    dumped.parse(data=store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
    union = Graph()
    for s, p, o, _ in dumped.quads((None, None, None, None)):
        union.add((s, p, o))
    assert any(o.datatype == URIRef("http://www.w3.org/2001/XMLSchema#integer")
               for o in union.objects(None, NIF.beginIndex))
    assert validate(union, shapes, ontology) == (True, set())


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        pytest.param(
            "DELETE DATA { meeting:c3d4e5f60718293a gh:participant entity:donald-trump }",
            {(PM1, GH.participant, "MinCountConstraintComponent")},
            id="meeting-with-one-participant",
        ),
        pytest.param(
            "DELETE WHERE { statement:d4e5f60718293a4b gh:speaker ?s }",
            {(S1, GH.speaker, "MinCountConstraintComponent")},
            id="statement-without-speaker",
        ),
        pytest.param(
            "DELETE { ?m gh:date ?d } INSERT { ?m gh:date \"2025-09-03\" } "
            "WHERE { BIND(meeting:a1b2c3d4e5f60718 AS ?m) ?m gh:date ?d }",
            {(M1, GH.date, "NodeConstraintComponent")},
            id="date-as-plain-string",
        ),
        pytest.param(
            "DELETE { ?m gh:date ?d } INSERT { ?m gh:date \"2025-09-03T10:00:00\"^^xsd:dateTime } "
            "WHERE { BIND(meeting:a1b2c3d4e5f60718 AS ?m) ?m gh:date ?d }",
            {(M1, GH.date, "NodeConstraintComponent")},
            id="date-as-dateTime",
        ),
        pytest.param(
            "INSERT DATA { treaty:18293a4b5c6d7e8f gh:date \"2024-06-20\"^^xsd:date }",
            {(T1, GH.date, "MaxCountConstraintComponent")},
            id="two-dates",
        ),
        pytest.param(
            "DELETE DATA { meeting:b2c3d4e5f6071829 gh:participant entity:kim-jong-un }",
            {(P1, GH.participant, "MinCountConstraintComponent")},
            id="phone-call-with-one-participant",
        ),
        pytest.param(
            "INSERT DATA { meeting:c3d4e5f60718293a gh:participant entity:alaska }",
            {(PM1, GH.participant, "ClassConstraintComponent")},
            id="participant-not-an-agent",
        ),
        pytest.param(
            "DELETE WHERE { meeting:c3d4e5f60718293a gh:status ?s } ;"
            " INSERT DATA { meeting:c3d4e5f60718293a gh:status gh:Rumoured }",
            {(PM1, GH.status, "InConstraintComponent")},
            id="unknown-status",
        ),
        pytest.param(
            "INSERT DATA { meeting:c3d4e5f60718293a gh:status gh:Occurred }",
            {(PM1, GH.status, "MaxCountConstraintComponent")},
            id="two-statuses",
        ),
        pytest.param(
            "DELETE WHERE { meeting:c3d4e5f60718293a gh:source ?a }",
            {(PM1, GH.source, "MinCountConstraintComponent")},
            id="no-source",
        ),
        pytest.param(
            "DELETE WHERE { meeting:c3d4e5f60718293a gh:evidence ?e }",
            {(PM1, GH.evidence, "MinCountConstraintComponent")},
            id="no-evidence",
        ),
        pytest.param(
            "INSERT DATA { meeting:c3d4e5f60718293a gh:confidence 1.5 }",
            {(PM1, GH.confidence, "MaxInclusiveConstraintComponent")},
            id="confidence-above-one",
        ),
        pytest.param(
            "INSERT DATA { meeting:c3d4e5f60718293a gh:confidence \"0.5\"^^xsd:double }",
            {(PM1, GH.confidence, "DatatypeConstraintComponent")},
            id="confidence-not-decimal",
        ),
        pytest.param(
            "DELETE WHERE { statement:d4e5f60718293a4b gh:quote ?q } ;"
            " INSERT DATA { statement:d4e5f60718293a4b gh:quote \"Your soldiers fought bravely\"@en }",
            {(S1, GH.quote, "LanguageInConstraintComponent")},
            id="quote-not-hindi",
        ),
        pytest.param(
            "INSERT DATA { statement:d4e5f60718293a4b gh:speaker entity:kim-jong-un }",
            {(S1, GH.speaker, "MaxCountConstraintComponent")},
            id="two-speakers",
        ),
        pytest.param(
            "DELETE WHERE { statement:f60718293a4b5c6d gh:speaker ?s } ;"
            " INSERT DATA { statement:f60718293a4b5c6d gh:speaker entity:kcna }",
            {(S3, GH.speaker, "NotConstraintComponent")},
            id="news-agency-as-speaker",
        ),
        pytest.param(
            "DELETE DATA { deployment:0718293a4b5c6d7e gh:sender entity:north-korea }",
            {(D1, GH.sender, "MinCountConstraintComponent")},
            id="deployment-without-sender",
        ),
        pytest.param(
            "DELETE DATA { deployment:0718293a4b5c6d7e gh:sender entity:north-korea } ;"
            " INSERT DATA { deployment:0718293a4b5c6d7e gh:sender entity:kim-jong-un }",
            {(D1, GH.sender, "ClassConstraintComponent")},
            id="sender-not-a-country",
        ),
        pytest.param(
            "INSERT DATA { deployment:0718293a4b5c6d7e gh:host entity:china }",
            {(D1, GH.host, "MaxCountConstraintComponent")},
            id="two-hosts",
        ),
        pytest.param(
            "INSERT DATA { deployment:0718293a4b5c6d7e gh:troopCount -5 }",
            {(D1, GH.troopCount, "MinInclusiveConstraintComponent")},
            id="negative-troop-count",
        ),
        pytest.param(
            "INSERT DATA { deployment:0718293a4b5c6d7e gh:troopCount \"11,000\" }",
            {
                (D1, GH.troopCount, "DatatypeConstraintComponent"),
                (D1, GH.troopCount, "MinInclusiveConstraintComponent"),
            },
            id="troop-count-as-string",
        ),
        pytest.param(
            "DELETE DATA { treaty:18293a4b5c6d7e8f gh:party entity:russia }",
            {(T1, GH.party, "MinCountConstraintComponent")},
            id="treaty-with-one-party",
        ),
        pytest.param(
            "DELETE WHERE { treaty:18293a4b5c6d7e8f gh:inForceFrom ?d } ;"
            " INSERT DATA { treaty:18293a4b5c6d7e8f gh:inForceFrom \"December 2024\" }",
            {(T1, GH.inForceFrom, "NodeConstraintComponent")},
            id="in-force-from-not-a-date",
        ),
        pytest.param(
            "DELETE WHERE { <https://w3id.org/ghatna/id/article/000_ce5797c3e7b73d6e#char=103,177> nif:beginIndex ?b } ;"
            " INSERT DATA { <https://w3id.org/ghatna/id/article/000_ce5797c3e7b73d6e#char=103,177>"
            " nif:beginIndex \"104\"^^xsd:nonNegativeInteger }",
            {(SPAN, None, "SPARQLConstraintComponent")},
            id="offset-does-not-match-anchor",
        ),
        pytest.param(
            "DELETE WHERE { <https://w3id.org/ghatna/id/article/000_ce5797c3e7b73d6e#char=103,177> nif:beginIndex ?b } ;"
            " INSERT DATA { <https://w3id.org/ghatna/id/article/000_ce5797c3e7b73d6e#char=103,177>"
            " nif:beginIndex \"-1\"^^xsd:integer }",
            {(SPAN, NIF.beginIndex, "NodeConstraintComponent"), (SPAN, None, "SPARQLConstraintComponent")},
            id="negative-offset",
        ),
        pytest.param(
            "DELETE WHERE { <https://w3id.org/ghatna/id/article/000_ce5797c3e7b73d6e#char=103,177> nif:referenceContext ?c }",
            {(SPAN, NIF.referenceContext, "MinCountConstraintComponent")},
            id="evidence-without-context",
        ),
        pytest.param(
            "INSERT DATA { article:000_ce5797c3e7b73d6e dcterms:identifier \"000\" }",
            {(A1, URIRef("http://purl.org/dc/terms/identifier"), "MaxCountConstraintComponent")},
            id="article-with-two-identifiers",
        ),
        pytest.param(
            "DELETE WHERE { article:000_ce5797c3e7b73d6e schema:datePublished ?d } ;"
            " INSERT DATA { article:000_ce5797c3e7b73d6e schema:datePublished \"2025-09-03T08:00:00\"^^xsd:dateTime }",
            {(A1, URIRef("https://schema.org/datePublished"), "DatatypeConstraintComponent")},
            id="article-date-wrong-datatype",
        ),
    ],
)
def test_broken_copy_is_caught(
    fixture_union: Graph, shapes: Graph, ontology: Graph, update: str, expected: set[Result]
) -> None:
    conforms, results = validate(broken(fixture_union, update), shapes, ontology)
    assert not conforms
    assert results == expected


def test_the_three_breaks_together(fixture_union: Graph, shapes: Graph, ontology: Graph) -> None:
    data = broken(
        fixture_union,
        "DELETE DATA { meeting:c3d4e5f60718293a gh:participant entity:donald-trump } ;"
        " DELETE WHERE { statement:d4e5f60718293a4b gh:speaker ?s } ;"
        " DELETE { ?m gh:date ?d } INSERT { ?m gh:date \"2025-09-03\"^^xsd:string }"
        " WHERE { BIND(meeting:a1b2c3d4e5f60718 AS ?m) ?m gh:date ?d }",
    )
    conforms, results = validate(data, shapes, ontology)
    assert not conforms
    assert {(focus, path) for focus, path, _ in results} == {
        (PM1, GH.participant),
        (S1, GH.speaker),
        (M1, GH.date),
    }


def test_subclass_targets_need_the_ontology(fixture_union: Graph, shapes: Graph, ontology: Graph) -> None:
    """sh:targetClass gh:Meeting reaches a gh:PhoneCall only through rdfs:subClassOf in the data graph."""
    data = broken(
        fixture_union,
        "DELETE DATA { meeting:b2c3d4e5f6071829 gh:participant entity:kim-jong-un }",
    )
    _, with_ontology = validate(data, shapes, ontology)
    assert (P1, GH.participant, "MinCountConstraintComponent") in with_ontology
    # with only the subclass triples (no ont_graph), the phone call is still caught
    hierarchy = Graph()
    for triple in ontology.triples((None, RDFS.subClassOf, None)):
        hierarchy.add(triple)
    _, with_hierarchy = validate(data + hierarchy, shapes, None)
    assert (P1, GH.participant, "MinCountConstraintComponent") in with_hierarchy
    # without the ontology, the phone call is not a target at all (and gh:Person is not known as gh:Agent)
    _, without = validate(data, shapes, None)
    assert not any(focus == P1 for focus, _, _ in without)


def test_rdfs_inference_would_hide_class_errors(fixture_union: Graph, shapes: Graph, ontology: Graph) -> None:
    """Why shapes.ttl says not to validate with inference='rdfs': range axioms make anything an Agent."""
    data = broken(
        fixture_union,
        "INSERT DATA { meeting:c3d4e5f60718293a gh:participant entity:alaska }",
    )
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", advanced=True
    )
    class_errors = [
        r
        for r in report.subjects(RDF.type, SH.ValidationResult)
        if report.value(r, SH.sourceConstraintComponent) == SH.ClassConstraintComponent
    ]
    assert class_errors == []


def test_shapes_use_only_declared_vocabulary(shapes: Graph, ontology: Graph) -> None:
    declared: set[object] = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, GH.EventStatus):
        declared |= set(ontology.subjects(RDF.type, kind))
    used = set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"]))
    used |= set(shapes.objects(None, SH.path)) | set(shapes.objects(None, SH.targetObjectsOf))
    for lst in shapes.objects(None, SH["in"]):
        used |= set(shapes.items(lst))
    gh_terms = {t for t in used if isinstance(t, URIRef) and str(t).startswith(str(GH))}
    assert gh_terms, "no gh: terms found in the shapes"
    assert gh_terms <= declared, sorted(gh_terms - declared)
