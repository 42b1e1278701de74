"""Stored queries (queries/*.rq) and kg.queries, run on the hand-written fixture tests/data/fixture.trig."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.queries import (
    QueryError,
    QueryResult,
    StoredQuery,
    _substitutions,
    list_queries,
    load_query,
    parse_params,
    parse_value,
    run_query,
    term_text,
    to_sparql_json,
)
from kg.resources import ontology_dir, queries_dir

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "fixture.trig"

ID = "https://w3id.org/ghatna/id/"
GH = "https://w3id.org/ghatna/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"

A1, A2, A3 = "000_ce5797c3e7b73d6e", "001_10fe313b376d7345", "002_ce110b77584f89db"
M1 = "id:event/meeting/a1b2c3d4e5f60718"  # Putin–Kim, Beijing, 2025-09-03, two sources
P1 = "id:event/meeting/b2c3d4e5f6071829"  # phone call, undated
PM1 = "id:event/meeting/c3d4e5f60718293a"  # planned Trump–Putin, Alaska, 2025-08-15
S1 = "id:event/statement/d4e5f60718293a4b"  # Putin, during M1
S2 = "id:event/statement/e5f60718293a4b5c"  # Kim to Putin, undated
S3 = "id:event/statement/f60718293a4b5c6d"  # Kim to Putin, 2025-06, via KCNA
D1 = "id:event/deployment/0718293a4b5c6d7e"
T1 = "id:event/treaty/18293a4b5c6d7e8f"

STORED = [
    "articles",
    "deployments",
    "entities",
    "entity",
    "meetings",
    "provenance",
    "statements",
    "timeline",
    "treaties",
]


@pytest.fixture
def store() -> ox.Store:
    """The fixture dataset plus the ontology in id:graph/ontology, as `kg build` lays a store out."""
    s = ox.Store()
    s.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    s.load(
        path=str(ontology_dir() / "ghatna.ttl"),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(ID + "graph/ontology"),
    )
    return s


def table(result: QueryResult) -> list[dict[str, str]]:
    """Rows as {column: display text}."""
    return [{k: term_text(v) for k, v in row.items()} for row in result.dicts()]


def split(text: str, sep: str = ", ") -> set[str]:
    """A GROUP_CONCAT column as a set (its order is not defined by SPARQL)."""
    return set(text.split(sep)) if text else set()


def quads(store: ox.Store) -> set[ox.Quad]:
    return set(store)


# ----------------------------------------------------------------------------- the catalogue


def test_list_queries_reads_every_header() -> None:
    queries = list_queries()
    # a new stored query needs a test here with its expected rows
    assert [q.name for q in queries] == STORED
    for q in queries:
        assert q.name == q.path.stem, q.path
        assert q.description and not q.description.startswith("#"), q.name
        assert q.path.parent == queries_dir()
        for param, doc in q.params.items():
            assert doc, f"{q.name}: parameter {param} has no description"
            # pyoxigraph substitutions need the parameter in the SELECT projection
            assert f"?{param}" in q.text.split("WHERE", 1)[0], f"{q.name}: ?{param} not projected"


def test_header_params() -> None:
    assert load_query("meetings").params.keys() == {"participant"}
    assert load_query("statements").params.keys() == {"speaker"}
    assert load_query("entity").params.keys() == {"entity"}
    assert load_query("provenance").params.keys() == {"event"}
    assert load_query("articles").params == {}
    assert load_query("meetings").description == "who met whom, when and where, with the reporting articles"


@pytest.mark.parametrize("name", STORED)
def test_every_stored_query_runs_and_returns_rows(store: ox.Store, name: str) -> None:
    result = run_query(store, load_query(name))
    assert result.kind == "select"
    assert len(result) > 0
    for param in load_query(name).params:
        if name == "provenance":  # ?event is the subject of its first pattern: unbound, it is each mention's event
            assert result.column(param) == result.column("mentioned")
            continue
        assert result.column(param) == [None] * len(result)  # unbound parameter: no filter


def test_unknown_query_lists_the_known_names() -> None:
    with pytest.raises(QueryError) as e:
        load_query("meeting")
    message = str(e.value)
    assert "'meeting'" in message
    for name in STORED:
        assert name in message


def test_load_query_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.rq"
    path.write_text(
        "# mine: count the articles\n# param: x — unused\n"
        "SELECT (COUNT(*) AS ?n) ?x WHERE { ?a a <https://w3id.org/ghatna/ontology#Article> } GROUP BY ?x\n",
        encoding="utf-8",
    )
    q = load_query(str(path))
    assert (q.name, q.description, q.params, q.path) == ("mine", "count the articles", {"x": "unused"}, path)
    with pytest.raises(QueryError, match="does not exist"):
        load_query(str(tmp_path / "missing.rq"))


# ----------------------------------------------------------------------------- meetings


def test_meetings_rows(store: ox.Store) -> None:
    rows = table(run_query(store, "meetings"))
    assert [r["meeting"] for r in rows] == [PM1, M1, P1]  # by date, undated last
    pm1, m1, p1 = rows
    assert m1["date"] == "2025-09-03" and m1["type"] == "gh:Meeting"
    assert split(m1["participants"]) == {"व्लादिमीर पुतिन", "किम जोंग-उन"}
    assert split(m1["participants_en"]) == {"Vladimir Putin", "Kim Jong Un"}
    assert split(m1["place"]) == {"बीजिंग", "चीन"}  # one place from each article's graph
    assert m1["status"] == "gh:Occurred" and m1["medium"] == ""
    assert split(m1["sources"]) == {A1, A2}  # one event, two sources
    assert pm1["status"] == "gh:Planned" and pm1["place"] == "अलास्का" and pm1["date"] == "2025-08-15"
    assert split(pm1["participants_en"]) == {"Donald Trump", "Vladimir Putin"}
    assert p1["type"] == "gh:PhoneCall" and p1["medium"] == "phone" and p1["date"] == ""
    assert p1["sources"] == A3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ट्रंप", [PM1]),  # Hindi alias
        ("डोनाल्ड ट्रंप", [PM1]),  # Hindi label
        ("donald trump", [PM1]),  # English label, any case
        ("id:entity/kim-jong-un", [M1, P1]),  # entity IRI (prefixed)
        (f"<{ID}entity/kim-jong-un>", [M1, P1]),  # entity IRI (full)
        ("wd:Q56226", [M1, P1]),  # Wikidata item via owl:sameAs
        ("पुतिन", [PM1, M1, P1]),
        ("किम जोंग", []),  # a name must match a label or alias exactly
        ("id:entity/russia", []),
    ],
)
def test_meetings_filtered_by_participant(store: ox.Store, value: str, expected: list[str]) -> None:
    result = run_query(store, "meetings", [f"participant={value}"])
    assert [term_text(m) for m in result.column("meeting")] == expected


# ----------------------------------------------------------------------------- statements


def test_statements_rows(store: ox.Store) -> None:
    rows = table(run_query(store, "statements"))
    assert [r["statement"] for r in rows] == [S3, S1, S2]
    s3, s1, s2 = rows
    assert s1 == {
        "statement": S1,
        "date": "2025-09-03",
        "speaker_name": "व्लादिमीर पुतिन",
        "speaker_en": "Vladimir Putin",
        "addressee_name": "",
        "addressee_en": "",
        "quote": "आपके सैनिकों ने साहस और वीरता से लड़ाई लड़ी।",
        "quote_kind": "direct",
        "during": M1,
        "during_label": "मुलाकात: व्लादिमीर पुतिन, किम जोंग-उन",
        "status": "gh:Occurred",
        "sources": A1,
        "speaker": "",
    }
    assert (s3["date"], s3["speaker_en"], s3["addressee_en"], s3["during"]) == (
        "2025-06",
        "Kim Jong Un",
        "Vladimir Putin",
        "",
    )
    assert s3["quote"] == "उनका देश हमेशा रूस के साथ खड़ा रहेगा" and s3["sources"] == A2
    assert s2["date"] == "" and s2["quote"] == "रूस को पूरा समर्थन देने की बात" and s2["sources"] == A3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("किम", [S3, S2]),
        ("पुतिन", [S1]),
        ("Putin", [S1]),
        ("id:entity/vladimir-putin", [S1]),
        ("http://www.wikidata.org/entity/Q56226", [S3, S2]),
        ("केसीएनए", []),  # the agency relays S3; it is not a speaker
    ],
)
def test_statements_filtered_by_speaker(store: ox.Store, value: str, expected: list[str]) -> None:
    result = run_query(store, "statements", {"speaker": value})
    assert [term_text(s) for s in result.column("statement")] == expected


def test_injection_attempt_is_a_literal(store: ox.Store) -> None:
    before = quads(store)
    params = parse_params(['speaker=x" } ; DROP ALL ; #'])
    assert params == {ox.Variable("speaker"): ox.Literal('x" } ; DROP ALL ; #')}
    result = run_query(store, "statements", params)
    assert result.rows == []
    for name, param in [("meetings", "participant"), ("entity", "entity"), ("treaties", "party")]:
        for value in ['x" } ; DROP ALL ; #', "} INSERT DATA { <http://x> <http://x> <http://x> } #", "'''"]:
            assert run_query(store, name, [f"{param}={value}"]).rows == []
    assert quads(store) == before
    assert len(run_query(store, "statements")) == 3


# ----------------------------------------------------------------------------- deployments, treaties


def test_deployments_rows(store: ox.Store) -> None:
    result = run_query(store, "deployments")
    (row,) = table(result)
    assert row["deployment"] == D1
    assert (row["sender_name"], row["sender_en"], row["host_name"], row["host_en"]) == (
        "उत्तर कोरिया",
        "North Korea",
        "रूस",
        "Russia",
    )
    assert row["destination"] == "कुर्स्क क्षेत्र"
    assert split(row["counts"], "; ") == {"about 11000 (दक्षिण कोरियाई आकलन)", "more than 12000"}
    assert split(row["troop_counts"]) == {"11000", "12000"}
    assert (row["personnel"], row["status"], row["sources"]) == ("सैनिक", "gh:Occurred", A1)
    assert result.column("date") == [ox.Literal("2024", datatype=ox.NamedNode(XSD + "gYear"))]


@pytest.mark.parametrize(("value", "count"), [("रूस", 1), ("North Korea", 1), ("wd:Q159", 1), ("China", 0)])
def test_deployments_filtered_by_country(store: ox.Store, value: str, count: int) -> None:
    assert len(run_query(store, "deployments", [f"country={value}"])) == count


def test_treaties_rows(store: ox.Store) -> None:
    result = run_query(store, "treaties")
    (row,) = table(result)
    assert row["treaty"] == T1
    assert row["name"] == "व्यापक रणनीतिक साझेदारी संधि"
    assert split(row["parties"]) == {"रूस", "उत्तर कोरिया"}
    assert split(row["parties_en"]) == {"Russia", "North Korea"}
    assert (row["date"], row["place"], row["in_force_from"]) == ("2024-06-19", "प्योंगयांग", "2024-12")
    assert (row["status"], row["sources"]) == ("gh:Occurred", A1)
    assert result.column("in_force_from")[0].datatype == ox.NamedNode(XSD + "gYearMonth")
    assert len(run_query(store, "treaties", ["party=चीन"])) == 0
    assert len(run_query(store, "treaties", ["party=उत्तर कोरिया"])) == 1


def test_lists_do_not_depend_on_the_roles_that_mark_the_kind_of_event(store: ox.Store) -> None:
    """A treaty with no party found (the extractor keeps one, with low confidence), and a deployment without
    a sender (data from elsewhere), still show their date, status, place and sources: the queries restrict
    their lists to their own kind of event by class, not by a role that every valid one has."""
    for event, role in ((T1, "party"), (D1, "sender")):
        for q in list(store.quads_for_pattern(ox.NamedNode(ID + event[3:]), ox.NamedNode(GH + role), None)):
            store.remove(q)
    (treaty,) = table(run_query(store, "treaties"))
    assert (treaty["treaty"], treaty["parties"], treaty["date"], treaty["place"]) == (T1, "", "2024-06-19", "प्योंगयांग")
    assert (treaty["status"], treaty["sources"]) == ("gh:Occurred", A1)
    (deployment,) = table(run_query(store, "deployments"))
    assert (deployment["deployment"], deployment["sender_name"], deployment["date"]) == (D1, "", "2024")
    assert (deployment["status"], deployment["sources"]) == ("gh:Occurred", A1)


# ----------------------------------------------------------------------------- timeline, entity, provenance


def test_timeline_orders_by_date_with_undated_last(store: ox.Store) -> None:
    rows = table(run_query(store, "timeline"))
    assert [(r["date"], r["type"], r["event"]) for r in rows] == [
        ("2024", "gh:TroopDeployment", D1),
        ("2024-06-19", "gh:Treaty", T1),
        ("2025-06", "gh:Statement", S3),
        ("2025-08-15", "gh:Meeting", PM1),
        ("2025-09-03", "gh:Meeting", M1),
        ("2025-09-03", "gh:Statement", S1),
        ("", "gh:PhoneCall", P1),
        ("", "gh:Statement", S2),
    ]
    m1 = rows[4]
    assert m1["label"] == "मुलाकात: व्लादिमीर पुतिन, किम जोंग-उन"
    assert m1["label_en"] == "Meeting: Vladimir Putin, Kim Jong Un"
    assert split(m1["sources"]) == {A1, A2}
    assert rows[3]["status"] == "gh:Planned"


def test_timeline_filtered_by_class(store: ox.Store) -> None:
    result = run_query(store, "timeline", ["class=gh:Meeting"])
    assert [term_text(e) for e in result.column("event")] == [PM1, M1, P1]  # subclasses included
    result = run_query(store, "timeline", ["class=gh:PhoneCall"])
    assert [term_text(e) for e in result.column("event")] == [P1]


def test_entity_by_hindi_alias(store: ox.Store) -> None:
    rows = table(run_query(store, "entity", ["entity=पुतिन"]))
    assert [(r["event"], r["role"]) for r in rows] == [
        (S3, "gh:addressee"),
        (PM1, "gh:participant"),
        (M1, "gh:participant"),
        (S1, "gh:speaker"),
        (P1, "gh:participant"),
        (S2, "gh:addressee"),
    ]
    assert {r["match"] for r in rows} == {"id:entity/vladimir-putin"}
    assert {r["entity_en"] for r in rows} == {"Vladimir Putin"}
    assert rows[0]["type"] == "gh:Statement" and rows[0]["date"] == "2025-06"
    assert rows[4]["type"] == "gh:PhoneCall" and rows[4]["date"] == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("wd:Q7747", 6),
        ("id:entity/vladimir-putin", 6),
        ("Vladimir Putin", 6),
        ("रूस", 2),  # host of D1, party to T1
        ("id:entity/kcna", 1),
        ("id:entity/united-states", 0),
    ],
)
def test_entity_by_iri_and_name(store: ox.Store, value: str, expected: int) -> None:
    assert len(run_query(store, "entity", [f"entity={value}"])) == expected


def test_entity_roles_of_a_place_and_an_agency(store: ox.Store) -> None:
    rows = table(run_query(store, "entity", ["entity=id:entity/kcna"]))
    assert [(r["event"], r["role"]) for r in rows] == [(S3, "gh:reportedBy")]
    rows = table(run_query(store, "entity", ["entity=कुर्स्क"]))
    assert [(r["event"], r["role"]) for r in rows] == [(D1, "gh:destination")]


def test_provenance_of_a_meeting_reported_twice(store: ox.Store) -> None:
    result = run_query(store, "provenance", [f"event=<{ID}event/meeting/a1b2c3d4e5f60718>"])
    rows = table(result)
    assert [(r["source"], r["published"], r["begin"], r["end"]) for r in rows] == [
        (A1, "2025-09-03", "0", "102"),
        (A2, "", "48", "138"),  # article 001 has no publication date
    ]
    assert rows[0]["sentence"].startswith("रूसी राष्ट्रपति व्लादिमीर पुतिन ने बुधवार को बीजिंग में")
    assert rows[1]["span"] == f"id:article/{A2}#char=48,138"
    # Oxigraph stores xsd:nonNegativeInteger as xsd:integer (the shapes accept both)
    integers = {ox.NamedNode(XSD + "integer"), ox.NamedNode(XSD + "nonNegativeInteger")}
    assert result.column("begin")[0].datatype in integers


def test_provenance_offsets_index_the_article_text(store: ox.Store) -> None:
    result = run_query(store, "provenance")
    assert len(result) == 10  # every mention in the fixture
    texts = {
        term_text(s["a"]): s["t"].value
        for s in store.query(
            "SELECT ?a ?t WHERE { ?a <https://w3id.org/ghatna/ontology#context>/"
            "<http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#isString> ?t }",
            use_default_graph_as_union=True,
        )
    }
    for row in table(result):
        assert texts[row["article"]][int(row["begin"]) : int(row["end"])] == row["sentence"]


# ----------------------------------------------------------------------------- entities, articles


def test_entities_rows(store: ox.Store) -> None:
    rows = table(run_query(store, "entities"))
    assert [(r["entity"], r["types"], r["events"]) for r in rows] == [
        ("id:entity/vladimir-putin", "gh:Person", "6"),
        ("id:entity/kim-jong-un", "gh:Person", "4"),
        ("id:entity/north-korea", "gh:Country", "2"),
        ("id:entity/russia", "gh:Country", "2"),
        ("id:entity/alaska", "gh:Place", "1"),
        ("id:entity/beijing", "gh:Place", "1"),
        ("id:entity/china", "gh:Country", "1"),
        ("id:entity/donald-trump", "gh:Person", "1"),
        ("id:entity/kcna", "gh:NewsAgency", "1"),
        ("id:entity/kursk-oblast", "gh:Place", "1"),
        ("id:entity/pyongyang", "gh:Place", "1"),
        ("id:entity/united-states", "gh:Country", "0"),
    ]
    putin = rows[0]
    assert (putin["label_hi"], putin["label_en"], putin["wikidata"]) == (
        "व्लादिमीर पुतिन",
        "Vladimir Putin",
        "wd:Q7747",
    )
    assert rows[9]["wikidata"] == ""  # Kursk Oblast: no Wikidata link in the fixture


def test_entities_filtered_by_class(store: ox.Store) -> None:
    result = run_query(store, "entities", ["class=gh:Agent"])
    assert {term_text(e) for e in result.column("entity")} == {
        "id:entity/vladimir-putin",
        "id:entity/kim-jong-un",
        "id:entity/donald-trump",
        "id:entity/north-korea",
        "id:entity/russia",
        "id:entity/china",
        "id:entity/united-states",
        "id:entity/kcna",
    }


def test_articles_rows(store: ox.Store) -> None:
    rows = table(run_query(store, "articles"))
    assert [(r["identifier"], r["published"], r["events"]) for r in rows] == [
        (A3, "2025-08-13", "3"),
        (A1, "2025-09-03", "4"),  # count claims are not events
        (A2, "", "2"),  # undated last
    ]
    assert rows[2]["headline"] == "अचानक किम जोंग-उन के सैनिकों की तारीफ क्यों करने लगे पुतिन?"
    assert rows[0]["article"] == f"id:article/{A3}"


# ----------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("<http://example.org/a b>".replace(" ", "%20"), ox.NamedNode("http://example.org/a%20b")),
        ("https://w3id.org/ghatna/id/entity/russia", ox.NamedNode(ID + "entity/russia")),
        ("wd:Q7747", ox.NamedNode("http://www.wikidata.org/entity/Q7747")),
        ("id:entity/kim-jong-un", ox.NamedNode(ID + "entity/kim-jong-un")),
        ("gh:Meeting", ox.NamedNode(GH + "Meeting")),
        ("11000", ox.Literal("11000", datatype=ox.NamedNode(XSD + "integer"))),
        ("-3", ox.Literal("-3", datatype=ox.NamedNode(XSD + "integer"))),
        ("2025-09-03", ox.Literal("2025-09-03", datatype=ox.NamedNode(XSD + "date"))),
        ("2025-06", ox.Literal("2025-06", datatype=ox.NamedNode(XSD + "gYearMonth"))),
        ("पुतिन", ox.Literal("पुतिन")),
        ("Kim Jong Un", ox.Literal("Kim Jong Un")),
        ("foo:bar", ox.Literal("foo:bar")),  # unknown prefix: a string
        ('"quoted"@hi', ox.Literal('"quoted"@hi')),
        ("{ } INSERT DATA", ox.Literal("{ } INSERT DATA")),
        ("<http://x> } DROP ALL {", ox.Literal("<http://x> } DROP ALL {")),
    ],
)
def test_parse_value(text: str, term: object) -> None:
    assert parse_value(text) == term


def test_parse_params_errors() -> None:
    with pytest.raises(QueryError, match="malformed parameter 'speaker'"):
        parse_params(["speaker"])
    with pytest.raises(QueryError, match="malformed parameter '=x'"):
        parse_params(["=x"])
    with pytest.raises(QueryError, match="not a valid variable name"):
        parse_params(["a b=x"])
    with pytest.raises(QueryError, match="given twice"):
        parse_params(["speaker=a", "?speaker=b"])
    with pytest.raises(QueryError, match="'2025-02-30'"):
        parse_params(["date=2025-02-30"])
    with pytest.raises(QueryError, match="not a valid IRI"):
        parse_params(["e=<not an iri>"])
    with pytest.raises(QueryError, match="empty value"):
        parse_params(["speaker="])
    with pytest.raises(QueryError, match=r"'meetings' has no parameter 'speaker'; its parameters: participant"):
        parse_params(["speaker=x"], load_query("meetings"))
    assert parse_params(["$speaker=a=b"]) == {ox.Variable("speaker"): ox.Literal("a=b")}


def test_unknown_parameter_is_refused(store: ox.Store) -> None:
    with pytest.raises(QueryError, match="'statements' has no parameter 'participant'"):
        run_query(store, "statements", ["participant=x"])
    with pytest.raises(QueryError, match="'articles' has no parameter 'x'"):
        run_query(store, "articles", ["x=1"])
    with pytest.raises(QueryError, match=r"'<inline query>' has no parameter 'y'"):
        run_query(store, "SELECT ?x WHERE { ?x ?p ?o }", {"y": "1"})


def test_parameters_bind_typed_terms(store: ox.Store) -> None:
    q = "SELECT ?e ?d WHERE { ?e <https://w3id.org/ghatna/ontology#date> ?d }"
    # the union default graph is a multiset: M1's date is in both of its articles' graphs
    assert sorted(term_text(e) for e in run_query(store, q, ["d=2025-09-03"]).column("e")) == [M1, M1, S1]
    assert run_query(store, q, ["d=2024"]).rows == []  # xsd:integer 2024 is not xsd:gYear "2024"
    q = "SELECT ?c ?n WHERE { ?c <https://w3id.org/ghatna/ontology#count> ?n }"
    assert len(run_query(store, q, ["n=11000"])) == 1


# ----------------------------------------------------------------------------- read-only, errors


@pytest.mark.parametrize(
    "update",
    [
        "DROP ALL",
        "clear all",
        "INSERT DATA { <http://x> <http://y> <http://z> }",
        "# a comment\nPREFIX gh: <https://w3id.org/ghatna/ontology#>\nDELETE WHERE { ?s gh:speaker ?o }",
        "BASE <http://x/> WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CREATE GRAPH <http://g>",
        "COPY DEFAULT TO <http://g>",
        "MOVE DEFAULT TO <http://g>",
        "ADD DEFAULT TO <http://g>",
    ],
)
def test_updates_are_refused(store: ox.Store, update: str) -> None:
    before = quads(store)
    with pytest.raises(QueryError, match="is a SPARQL update .*read-only unless update=True"):
        run_query(store, update)
    assert quads(store) == before


def test_update_runs_when_allowed(store: ox.Store) -> None:
    update = f"DELETE WHERE {{ GRAPH ?g {{ <{ID}event/statement/d4e5f60718293a4b> ?p ?o }} }}"
    result = run_query(store, update, update=True)
    assert result.kind == "update"
    assert len(run_query(store, "statements")) == 2
    with pytest.raises(QueryError, match="parameters cannot be bound"):
        run_query(store, "DELETE WHERE { ?s ?p ?x }", {"x": "1"}, update=True)


def test_query_with_a_trailing_update_is_not_run(store: ox.Store) -> None:
    before = quads(store)
    with pytest.raises(QueryError, match="syntax error"):
        run_query(store, "SELECT * WHERE { ?s ?p ?o } ; DROP ALL")
    assert quads(store) == before


def test_syntax_error_names_line_and_column(store: ox.Store, tmp_path: Path) -> None:
    with pytest.raises(QueryError) as e:
        run_query(store, "SELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTER(?o = )\n}")
    message = str(e.value)
    assert "'<inline query>'" in message
    assert "line " in message and "column " in message and "error at" in message
    bad = tmp_path / "broken.rq"
    bad.write_text("# broken: a query with a typo\nSELECT ?s WHERE {\n  ?s ?p\n}\n", encoding="utf-8")
    with pytest.raises(QueryError) as e:
        run_query(store, load_query(str(bad)))
    message = str(e.value)
    assert "'broken'" in message and re.search(r"line [345], column \d+", message), message
    assert isinstance(e.value.__cause__, SyntaxError)


# ----------------------------------------------------------------------------- output


def test_to_sparql_json_matches_pyoxigraph(store: ox.Store) -> None:
    for name in ["provenance", "articles", "entities"]:
        text = load_query(name).text
        ours = to_sparql_json(run_query(store, load_query(name)))
        theirs = json.loads(
            store.query(text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
        )
        assert ours == theirs, name
    ask = "ASK { ?m a <https://w3id.org/ghatna/ontology#PhoneCall> }"
    assert to_sparql_json(run_query(store, ask)) == {"head": {}, "boolean": True}


def test_to_sparql_json_structure(store: ox.Store) -> None:
    doc = to_sparql_json(run_query(store, "timeline"))
    assert set(doc) == {"head", "results"}
    assert doc["head"]["vars"] == ["date", "type", "label", "label_en", "status", "sources", "event", "class"]
    bindings = doc["results"]["bindings"]
    assert len(bindings) == 8
    first, last = bindings[0], bindings[-1]
    assert first["date"] == {"type": "literal", "value": "2024", "datatype": XSD + "gYear"}
    assert first["type"] == {"type": "uri", "value": GH + "TroopDeployment"}
    assert first["label"] == {"type": "literal", "value": "सैन्य तैनाती: उत्तर कोरिया से रूस"}
    assert "date" not in last and "class" not in last  # unbound: left out
    json.dumps(doc)  # serialisable as is
    hi = to_sparql_json(QueryResult(["q"], [[ox.Literal("रूस", language="hi")]]))
    assert hi["results"]["bindings"] == [{"q": {"type": "literal", "value": "रूस", "xml:lang": "hi"}}]


def test_construct_result(store: ox.Store) -> None:
    result = run_query(
        store,
        "CONSTRUCT { ?m <http://ex/with> ?p } WHERE { ?m <https://w3id.org/ghatna/ontology#participant> ?p }",
    )
    assert result.kind == "graph" and len(result.triples) == 6
    assert result.variables == ["subject", "predicate", "object"]
    assert to_sparql_json(result)["head"]["vars"] == ["subject", "predicate", "object"]


def test_term_text() -> None:
    assert term_text(None) == ""
    assert term_text(ox.NamedNode(GH + "Occurred")) == "gh:Occurred"
    assert term_text(ox.NamedNode("http://www.wikidata.org/entity/Q7747")) == "wd:Q7747"
    assert term_text(ox.NamedNode(ID + "article/x#char=0,5")) == "id:article/x#char=0,5"
    assert term_text(ox.Literal("रूस", language="hi")) == "रूस"
    assert term_text(ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))) == "3"
    assert term_text(ox.BlankNode("b0")) == "_:b0"


def test_run_query_accepts_stored_query_objects(store: ox.Store) -> None:
    q = StoredQuery(
        name="custom",
        description="",
        params={"who": "a speaker"},
        text="SELECT ?s ?who WHERE { ?s <https://w3id.org/ghatna/ontology#speaker> ?who }",
        path=Path("custom.rq"),
    )
    assert len(run_query(store, q)) == 3
    assert len(run_query(store, q, ["who=id:entity/kim-jong-un"])) == 2
    with pytest.raises(QueryError, match="'custom' has no parameter 'x'"):
        run_query(store, q, ["x=1"])


def test_pyoxigraph_substitution_semantics_the_queries_rely_on() -> None:
    """pyoxigraph 0.5 substitutions, as the stored queries use them (see kg/queries.py)."""
    s = ox.Store()
    for name, value in [("a", "1"), ("b", "2")]:
        s.add(ox.Quad(ox.NamedNode(f"http://ex/{name}"), ox.NamedNode("http://ex/p"), ox.Literal(value)))
    x = {ox.Variable("x"): ox.Literal("2")}

    def subjects(query: str, subs: dict[ox.Variable, ox.Literal]) -> list[str]:
        return sorted(sol["s"].value for sol in s.query(query, substitutions=subs))

    # the parameter must be projected
    with pytest.raises(RuntimeError, match="SELECT projection"):
        s.query("SELECT ?s WHERE { ?s <http://ex/p> ?o FILTER(?o = ?x) }", substitutions=x)
    # "no value given" is detected with COALESCE(STR(?x), "") = "" ...
    q = 'SELECT ?s ?x WHERE { ?s <http://ex/p> ?o FILTER(COALESCE(STR(?x), "") = "" || ?o = ?x) }'
    assert subjects(q, {}) == ["http://ex/a", "http://ex/b"]
    assert subjects(q, x) == ["http://ex/b"]
    # ... and the value is seen inside EXISTS
    q = "SELECT ?s ?x WHERE { ?s ?p ?o FILTER EXISTS { ?s <http://ex/p> ?x } }"
    assert subjects(q, x) == ["http://ex/b"]
    # BOUND() does not see a substituted value (if this starts failing, BOUND can replace the COALESCE idiom)
    q = "SELECT ?s ?x WHERE { ?s <http://ex/p> ?o FILTER(!BOUND(?x) || ?o = ?x) }"
    assert subjects(q, x) == ["http://ex/a", "http://ex/b"]


# ----------------------------------------------------------------------------- other SPARQL engines


def _cells(row: tuple) -> tuple:
    """A row with each GROUP_CONCAT cell as a sorted tuple (SPARQL leaves the order inside a group open)."""
    return tuple(None if v is None else tuple(sorted(re.split(r"; |, ", v))) for v in row)


def _rdflib_dataset() -> rdflib.Dataset:
    """The fixture and the ontology in rdflib, laid out as the Oxigraph ``store`` fixture."""
    ds = rdflib.Dataset(default_union=True)
    ds.parse(FIXTURE, format="trig")
    ds.graph(rdflib.URIRef(ID + "graph/ontology")).parse(ontology_dir() / "ghatna.ttl", format="turtle")
    return ds


@pytest.mark.parametrize(
    ("name", "params"),
    [(name, {}) for name in STORED if name != "provenance"]
    + [
        ("meetings", {"participant": "पुतिन"}),
        ("statements", {"speaker": "wd:Q56226"}),
        ("deployments", {"country": "North Korea"}),
        ("treaties", {"party": "रूस"}),
        ("timeline", {"class": "gh:Meeting"}),
        ("entity", {"entity": "Vladimir Putin"}),
        ("entities", {"class": "gh:Country"}),
        ("provenance", {"event": M1}),
    ],
)
def test_stored_queries_give_the_same_rows_in_rdflib(store: ox.Store, name: str, params: dict[str, str]) -> None:
    """The .rq files are plain SPARQL 1.1: rdflib, the other engine a user is likely to run them in, gives the
    rows Oxigraph gives, in the same order (an ORDER BY key must not be an error for unbound values: rdflib
    7 fails to sort then)."""
    sq = load_query(name)
    result = run_query(store, sq, params)
    ours = [tuple(None if v is None else v.value for v in row) for row in result.rows]
    assert ours, f"{name}: no rows to compare"

    ds = _rdflib_dataset()

    def term(t: ox.NamedNode | ox.Literal) -> rdflib.URIRef | rdflib.Literal:
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))

    bindings = {rdflib.Variable(v.value): term(t) for v, t in _substitutions(params, sq).items()}
    theirs = [tuple(None if v is None else str(v) for v in row)
              for row in ds.query(sq.text_for(params), initBindings=bindings)]
    assert [_cells(r) for r in theirs] == [_cells(r) for r in ours]


def test_stored_queries_parse_in_rdflib_from_deep_in_a_program() -> None:
    """rdflib parses SPARQL by recursive descent: some 45 Python frames per nested group, more with pyparsing's
    packrat cache on (matplotlib turns it on in any process that imports it). Every stored query must parse with
    300 frames already on the stack, so nesting is not free: a statements query built as a chain of a dozen
    subqueries, each adding one property per selected row (22× faster for one speaker in Oxigraph), did not parse
    at all in a process that had drawn a chart."""
    import pyparsing
    from rdflib.plugins.sparql.parser import parseQuery

    pyparsing.ParserElement.enable_packrat()

    def parse_at(depth: int, text: str):
        return parse_at(depth - 1, text) if depth else parseQuery(text)

    for sq in list_queries():
        parse_at(300, sq.text)
        if sq.selective is not None:
            parse_at(300, sq.selective)


# ----------------------------------------------------------------------------- selective forms

SELECTIVE = sorted(q.name for q in list_queries() if q.selective is not None)


def test_a_selective_form_runs_when_every_parameter_is_given() -> None:
    sq = load_query("statements")
    assert sq.selective is not None and sq.selective != sq.text
    assert sq.text_for(["speaker"]) == sq.selective
    assert sq.text_for([]) == sq.text
    assert load_query("articles").text_for([]) == load_query("articles").text
    # every selective form belongs to a stored query with parameters
    names = {p.stem for p in (queries_dir() / "selective").glob("*.rq")}
    assert names == set(SELECTIVE) and all(load_query(n).params for n in names)


def _solutions(result: ox.QuerySolutions) -> list[tuple]:
    """pyoxigraph solutions as comparable rows (see :func:`_cells`)."""
    return [_cells(tuple(None if v is None else v.value for v in row)) for row in result]


def _values_to_try(store: ox.Store) -> list[ox.NamedNode | ox.Literal]:
    """Every entity that takes part in an event, by IRI, by owl:sameAs, by each label (upper-cased too), and a
    name that matches nothing."""
    q = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX owl: <http://www.w3.org/2002/07/owl#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX gh: <{GH}>
    SELECT DISTINCT ?e ?same ?name WHERE {{
      ?ev ?role ?e . FILTER(STRSTARTS(STR(?role), STR(gh:)) && isIRI(?e)) ?e rdfs:label ?any .
      OPTIONAL {{ ?e owl:sameAs ?same }} OPTIONAL {{ ?e rdfs:label|skos:altLabel ?name }} }}"""
    values: list[ox.NamedNode | ox.Literal] = [ox.Literal("कोई नहीं")]
    for e, same, name in store.query(q, use_default_graph_as_union=True):
        values += [e] + [same] * (same is not None)
        if name is not None:
            values += [ox.Literal(name.value), ox.Literal(name.value.upper())]
    return list(dict.fromkeys(values))


@pytest.mark.parametrize("name", SELECTIVE)
def test_a_selective_form_gives_the_rows_of_the_plain_form(store: ox.Store, name: str) -> None:
    """The selective form is a faster plan for the same query, not another query: for every value the fixture
    offers, the two forms give the same rows in the same order."""
    sq = load_query(name)
    (param,) = sq.params
    matched = 0
    for value in _values_to_try(store):
        subs = {ox.Variable(param): value}
        want = store.query(sq.text, substitutions=subs, use_default_graph_as_union=True)
        got = store.query(sq.selective, substitutions=subs, use_default_graph_as_union=True)
        assert got.variables == want.variables, name
        want_rows, got_rows = _solutions(want), _solutions(got)
        assert got_rows == want_rows, (name, value)
        matched += bool(want_rows)
    assert matched >= 3, f"{name}: too few values match anything to test the selective form"


#: the roles whose entities each selective form is tried with on a generated corpus
_SELECTIVE_ROLES = {"statements": "gh:speaker", "meetings": "gh:participant", "treaties": "gh:party",
                    "deployments": "gh:sender|gh:host", "entity": "gh:participant|gh:place|gh:party"}


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory) -> ox.Store:
    """150 articles from the benchmark's generator, built: events reported by many articles, each with its
    own count claims, which the hand-written fixture has too few of."""
    import subprocess
    import sys

    from kg.build import build

    root = Path(__file__).resolve().parent.parent
    folder = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, "-m", "benchmarks.generate", "150", str(folder / "corpus"), "--seed", "1"],
                   check=True, cwd=root, capture_output=True)
    build([folder / "corpus"], folder / "store", workers=1)
    return ox.Store.read_only(str(folder / "store"))


@pytest.mark.parametrize("name", SELECTIVE)
def test_a_selective_form_gives_the_rows_of_the_plain_form_on_a_built_corpus(generated_store: ox.Store,
                                                                             name: str) -> None:
    sq = load_query(name)
    (param,) = sq.params
    q = f"""PREFIX gh: <{GH}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?e (SAMPLE(?l) AS ?name) WHERE {{ ?ev {_SELECTIVE_ROLES[name]} ?e OPTIONAL {{ ?e rdfs:label ?l }} }}
    GROUP BY ?e ORDER BY ?e LIMIT 40"""
    values = [v for e, label in generated_store.query(q, use_default_graph_as_union=True)
              for v in (e, None if label is None else ox.Literal(label.value)) if v is not None]
    matched = several = 0
    for value in values:
        subs = {ox.Variable(param): value}
        want = _solutions(generated_store.query(sq.text, substitutions=subs, use_default_graph_as_union=True))
        got = _solutions(generated_store.query(sq.selective, substitutions=subs, use_default_graph_as_union=True))
        assert got == want, (name, value)
        matched += bool(want)
        several += len(want) > 1
    assert matched >= 10 and several >= 2, f"{name}: too few values that match events to test the form"


@pytest.mark.parametrize("name", SELECTIVE)
def test_a_selective_form_finds_nothing_for_a_name_nothing_has_in_rdflib_too(store: ox.Store, name: str) -> None:
    """rdflib 7 turns an empty grouped subquery into one row of unbound values when an OPTIONAL follows it (the
    OPTIONAL then matches every event); the selective forms filter that row out."""
    sq = load_query(name)
    (param,) = sq.params
    assert run_query(store, sq, {param: "कोई नहीं"}).rows == []
    ds = _rdflib_dataset()
    assert list(ds.query(sq.selective, initBindings={rdflib.Variable(param): rdflib.Literal("कोई नहीं")})) == []
