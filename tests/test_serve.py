"""kg.serve: the store as a read-only SPARQL 1.1 Protocol endpoint, queried with SPARQLWrapper."""
from __future__ import annotations

import csv
import io
import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

SPARQLWrapper = pytest.importorskip("SPARQLWrapper", reason="SPARQLWrapper is not installed (pip install SPARQLWrapper)")
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TSV, TURTLE, XML  # noqa: E402

from kg.queries import load_query, run_query, to_sparql_json  # noqa: E402
from kg.serve import make_server  # noqa: E402
from kg.store import open_store  # noqa: E402

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def endpoint(seed_store):
    server = make_server(seed_store, "127.0.0.1", 0)  # port 0: a free loopback port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()
        server.app.close()
        thread.join(5)


@pytest.fixture(scope="module")
def local_meetings(seed_store):
    gs = open_store(seed_store, read_only=True)
    try:
        return run_query(gs.store, "meetings")
    finally:
        gs.close()


def _client(url: str, query: str, fmt: str, method: str = "GET"):
    c = SPARQLWrapper.SPARQLWrapper(url)
    c.setQuery(query)
    c.setReturnFormat(fmt)
    if method == "POST":
        c.setMethod(POST)
    elif method == "POSTDIRECTLY":
        c.setMethod(POST)
        c.setRequestMethod(POSTDIRECTLY)
    return c


def _expected_bindings(result) -> list[tuple]:
    doc = to_sparql_json(result)
    return sorted(tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in b.items()))
                  for b in doc["results"]["bindings"])


@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
def test_meetings_json_same_rows_as_run_query(endpoint, local_meetings, method):
    text = load_query("meetings").text
    got = _client(endpoint, text, JSON, method).queryAndConvert()
    assert got["head"]["vars"] == local_meetings.variables
    rows = sorted(tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in b.items()))
                  for b in got["results"]["bindings"])
    assert len(rows) == len(local_meetings.rows) >= 5
    assert rows == _expected_bindings(local_meetings)


def test_meetings_xml(endpoint, local_meetings):
    doc = _client(endpoint, load_query("meetings").text, XML).queryAndConvert()  # a minidom Document
    variables = [v.getAttribute("name") for v in doc.getElementsByTagName("variable")]
    assert variables == local_meetings.variables
    rows = []
    for result in doc.getElementsByTagName("result"):
        row = {}
        for b in result.getElementsByTagName("binding"):
            value = b.firstChild  # <uri>, <literal> or <bnode>
            row[b.getAttribute("name")] = "".join(n.data for n in value.childNodes)
        rows.append(tuple(row.get(v, "") for v in variables))
    expected = [tuple("" if t is None else t.value for t in r) for r in local_meetings.rows]
    assert sorted(rows) == sorted(expected)


def test_meetings_csv(endpoint, local_meetings):
    data = _client(endpoint, load_query("meetings").text, CSV).queryAndConvert()
    table = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert table[0] == local_meetings.variables
    expected = [["" if t is None else t.value for t in r] for r in local_meetings.rows]
    assert sorted(table[1:]) == sorted(expected)


def test_meetings_tsv(endpoint, local_meetings):
    data = _client(endpoint, load_query("meetings").text, TSV).queryAndConvert()
    parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
    assert [v.value for v in parsed.variables] == local_meetings.variables
    rows = sorted(tuple(str(t) if t is not None else "" for t in sol) for sol in parsed)
    assert rows == sorted(tuple(str(t) if t is not None else "" for t in r) for r in local_meetings.rows)


def test_every_stored_query_by_accept_header(endpoint, seed_store):
    """Plain HTTP: every stored query (no parameters) gives the rows kg.queries.run_query gives."""
    gs = open_store(seed_store, read_only=True)
    try:
        for name in ["articles", "deployments", "entities", "meetings", "statements", "timeline", "treaties"]:
            local = run_query(gs.store, name)
            req = urllib.request.Request(endpoint, data=urllib.parse.urlencode({"query": load_query(name).text}).encode(),
                                         headers={"Accept": "application/sparql-results+json",
                                                  "Content-Type": "application/x-www-form-urlencoded"})
            with urllib.request.urlopen(req) as r:
                assert r.headers["Content-Type"].startswith("application/sparql-results+json")
                got = json.load(r)
            rows = sorted(tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in b.items()))
                          for b in got["results"]["bindings"])
            assert rows == _expected_bindings(local), name
    finally:
        gs.close()


def test_construct_as_turtle_and_ntriples(endpoint, seed_store):
    q = "CONSTRUCT WHERE { ?m a <https://w3id.org/ghatna/ontology#Meeting> ; ?p ?o }"
    gs = open_store(seed_store, read_only=True)
    try:
        expected = set(gs.store.query(q, use_default_graph_as_union=True))
    finally:
        gs.close()
    ttl = _client(endpoint, q, TURTLE).queryAndConvert()
    assert {q.triple for q in ox.parse(ttl, format=ox.RdfFormat.TURTLE)} == expected
    with urllib.request.urlopen(endpoint + "?" + urllib.parse.urlencode({"query": q, "format": "ntriples"})) as r:
        assert r.headers["Content-Type"].startswith("application/n-triples")
        assert {q.triple for q in ox.parse(r.read(), format=ox.RdfFormat.N_TRIPLES)} == expected


def _status(url: str, **kw) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, **kw)) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_updates_are_refused(endpoint):
    before = _client(endpoint, COUNT, JSON).queryAndConvert()["results"]["bindings"][0]["n"]["value"]
    # SPARQLWrapper sends an update as update=… in a form: 403 with a message
    c = SPARQLWrapper.SPARQLWrapper(endpoint)
    c.setMethod(POST)
    c.setQuery("DROP ALL")
    with pytest.raises(urllib.error.HTTPError) as e:
        c.query()
    assert e.value.code == 403
    assert "read-only" in e.value.read().decode()
    # application/sparql-update body: 403
    code, msg = _status(endpoint, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert code == 403 and "read-only" in msg
    # an update smuggled in as query=: 400
    code, msg = _status(endpoint + "?" + urllib.parse.urlencode({"query": "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }"}))
    assert code == 400 and "read-only" in msg and "DELETE" in msg
    after = _client(endpoint, COUNT, JSON).queryAndConvert()["results"]["bindings"][0]["n"]["value"]
    assert before == after and int(after) > 0


def test_errors_are_one_line_messages(endpoint):
    code, msg = _status(endpoint + "?" + urllib.parse.urlencode({"query": "SELEC ?x"}))
    assert code == 400 and msg.startswith("SPARQL syntax error")
    code, msg = _status(endpoint + "?" + urllib.parse.urlencode({"query": COUNT}), headers={"Accept": "image/png"})
    assert code == 406
    code, msg = _status(endpoint.rsplit("/", 1)[0] + "/nope")
    assert code == 404
    code, msg = _status(endpoint + "?" + urllib.parse.urlencode({"query": COUNT, "format": "turtle"}))
    assert code == 406 and "format" in msg


def test_opens_the_store_read_only(endpoint, seed_store):
    """While the endpoint runs, another read-only opener still works and the server never takes the
    write lock (a kg build could start)."""
    from kg.store import writer_active
    assert not writer_active(seed_store)
