"""The whole pipeline on the seed articles: the graph, its guarantees, and the seed scores."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.build import build, remove
from kg.evaluate import evaluate_store
from kg.export import export
from kg.store import open_store
from kg.validate import description_errors, validate

GH = "https://w3id.org/ghatna/ontology#"
E = "https://w3id.org/ghatna/id/entity/"


def nquads(path) -> list[str]:
    gs = open_store(path, read_only=True)
    return sorted(export(gs, "nquads").decode("utf-8").splitlines())


def q(path, sparql):
    gs = open_store(path, read_only=True)
    return list(gs.store.query("PREFIX gh: <%s>\n" % GH + sparql, use_default_graph_as_union=True))


def test_beijing_meeting_is_one_node_with_two_sources(seed_store):
    rows = q(seed_store, f"""
        SELECT DISTINCT ?m ?date (GROUP_CONCAT(DISTINCT STR(?src); separator=" ") AS ?srcs) WHERE {{
          ?m a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* gh:Meeting ;
             gh:participant <{E}vladimir-putin>, <{E}kim-jong-un> ; gh:date ?date ;
             gh:place <{E}diaoyutai-state-guesthouse> ; gh:source ?src .
        }} GROUP BY ?m ?date""")
    assert len(rows) == 1
    assert rows[0]["date"].value == "2025-09-03"
    assert rows[0]["srcs"].value.count("article/") == 2


def test_every_graph_that_reports_an_event_holds_its_whole_description(seed_store):
    """docs/data-model.md: the merged description is written into each reporting article's graph; only
    gh:source, gh:evidence and gh:countClaim are the article's own. The stored queries' selective forms
    (queries/selective/) read an event's properties from one of its graphs and rely on this."""
    events = [r[0] for r in q(seed_store, "SELECT ?e WHERE { GRAPH ?g { ?e gh:source ?a } } "
                                          "GROUP BY ?e HAVING (COUNT(DISTINCT ?g) > 1)")]
    assert len(events) >= 4   # the seeds' shared meeting, statements, deployment and treaty
    quads = list(open_store(seed_store, read_only=True).store.quads_for_pattern(None, None, None, None))
    assert description_errors(quads) == []   # kg validate's check (the next test shows it finds a defect)


def test_validate_names_an_event_that_one_of_its_graphs_describes_in_part(seed_store):
    """The check behind `kg validate`'s description errors: a store edited by hand may say more of an event
    in one graph than in another, and the selective forms would then read one graph where the listings
    read them all."""
    quads = list(open_store(seed_store, read_only=True).store.quads_for_pattern(None, None, None, None))
    shared = q(seed_store, "SELECT ?e (SAMPLE(?g) AS ?one) WHERE { GRAPH ?g { ?e gh:source ?a } } "
                           "GROUP BY ?e HAVING (COUNT(DISTINCT ?g) > 1) ORDER BY ?e")
    event, graph = shared[0]["e"], shared[0]["one"]
    status = ox.NamedNode(GH + "status")
    # one graph says more
    extra = ox.Quad(event, status, ox.NamedNode(GH + "Cancelled"), graph)
    [err] = description_errors(quads + [extra])
    assert err.startswith(f"{event.value}: ") and "lack part of its description (status)" in err
    assert graph.value not in err   # the graphs named are those that lack it
    # a graph that does not report the event says something of it
    [err] = description_errors(quads + [ox.Quad(event, status, ox.NamedNode(GH + "Cancelled"), ox.DefaultGraph())])
    assert err.startswith(f"{event.value}: ") and "status" in err
    # one graph says less; the article's own properties may differ
    dropped = min((x for x in quads if x.subject == event and x.graph_name == graph
                   and x.predicate.value.startswith(GH) and x.predicate.value not in (GH + "source", GH + "evidence")),
                  key=str)
    [err] = description_errors([x for x in quads if x != dropped])
    name = dropped.predicate.value[len(GH):]
    assert err.startswith(f"{event.value}: 1 of the ") and f"({name})" in err and graph.value in err
    own = [x for x in quads if not (x.subject == event and x.graph_name == graph and x.predicate.value in
                                    (GH + "source", GH + "evidence"))]
    assert description_errors(own) == []


def test_the_2023_meeting_in_an_undated_article_stays_apart(seed_store):
    rows = q(seed_store, f"""SELECT DISTINCT ?m WHERE {{ ?m a gh:Meeting ;
        gh:participant <{E}vladimir-putin>, <{E}kim-jong-un> ; gh:source ?a .
        ?a <http://purl.org/dc/terms/identifier> "004_c3de44ceda0a1ac2" }}""")
    assert len(rows) == 1
    beijing = q(seed_store, f"""SELECT DISTINCT ?m WHERE {{ ?m gh:place <{E}diaoyutai-state-guesthouse> }}""")
    assert rows[0]["m"] != beijing[0]["m"]


def test_treaty_june_2024_with_its_parties(seed_store):
    rows = q(seed_store, f"""SELECT DISTINCT ?t ?date ?force WHERE {{ ?t a gh:Treaty ; gh:date ?date ;
        gh:party <{E}russia>, <{E}north-korea> . OPTIONAL {{ ?t gh:inForceFrom ?force }} }}""")
    assert [(r["date"].value, r["force"].value) for r in rows] == [("2024-06", "2024-12")]


def test_deployment_figures_with_their_sources(seed_store):
    rows = q(seed_store, """SELECT ?n ?qual ?who ?id WHERE { ?d gh:countClaim ?c . ?c gh:count ?n ;
        gh:qualifier ?qual ; <http://purl.org/dc/terms/source>/<http://purl.org/dc/terms/identifier> ?id .
        OPTIONAL { ?c gh:attributedTo ?who } }""")
    got = {(int(r["n"].value), r["qual"].value, r["id"].value) for r in rows}
    assert (15000, "about", "000_ce5797c3e7b73d6e") in got
    assert (11000, "more than", "003_b809a8d0328b69a2") in got
    one = q(seed_store, """SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d gh:troopCount 15000, 11000 }""")
    assert int(one[0]["n"].value) == 1  # one deployment, two attributed figures


def test_arms_and_boilerplate_yield_no_events(seed_store):
    rows = q(seed_store, """SELECT ?text WHERE { ?e gh:evidence ?s . ?s <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf> ?text }""")
    texts = [r["text"].value for r in rows]
    assert not any("यह भी पढ़ें" in t or "बैलिस्टिक मिसाइलें" in t or "Latest" in t for t in texts)


def test_export_parses_and_validates(seed_store):
    gs = open_store(seed_store, read_only=True)
    ds = rdflib.Dataset()
    ds.parse(data=export(gs, "nquads").decode("utf-8"), format="nquads")
    assert len(ds) > 1000
    g = rdflib.Graph().parse(data=export(gs, "turtle").decode("utf-8"), format="turtle")
    assert len(g) > 1000
    assert "https://w3id.org/ghatna/id/graph/build" not in export(gs, "trig").decode("utf-8")
    report = validate(gs)
    assert report.conforms, report.shacl_text[:2000]


def test_every_offset_slices_the_article(seed_store):
    rows = q(seed_store, """PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        SELECT ?a ?b ?e ?t WHERE { ?s nif:anchorOf ?a ; nif:beginIndex ?b ; nif:endIndex ?e ;
        nif:referenceContext/nif:isString ?t }""")
    assert rows
    for r in rows:
        assert r["t"].value[int(r["b"].value):int(r["e"].value)] == r["a"].value


def test_rebuild_changes_nothing(writable_seed_store, seeds_dir, monkeypatch):
    import kg.build
    before = nquads(writable_seed_store)
    events = build([seeds_dir], writable_seed_store).events

    def no_resolution(*args, **kwargs):
        raise AssertionError("nothing changed: resolution should not run")
    monkeypatch.setattr(kg.build, "resolve_on_disk", no_resolution)
    monkeypatch.setattr(kg.build, "resolve_changes", no_resolution)
    report = build([seeds_dir], writable_seed_store)
    assert (report.extracted, report.unchanged, report.written) == (0, 5, 0)
    assert report.events == events and report.articles_in_store == 5   # as the last build counted them
    assert nquads(writable_seed_store) == before


@pytest.mark.parametrize("why", ["a build stopped before it wrote every graph", "other code made the graphs"])
def test_a_rebuild_resolves_again_unless_the_last_build_was_complete_with_this_code(writable_seed_store,
                                                                                   seeds_dir, monkeypatch, why):
    import kg.build
    gs = open_store(writable_seed_store)
    if why.startswith("a build stopped"):
        gs.set_resolved(None)   # what a build does before it drops the first graph
    else:
        gs.set_resolved({**gs.resolved(), "code": "older"})
    gs.close()
    calls = []
    real = kg.build.resolve_on_disk
    monkeypatch.setattr(kg.build, "resolve_on_disk", lambda *a, **k: calls.append(1) or real(*a, **k))
    before = nquads(writable_seed_store)
    assert build([seeds_dir], writable_seed_store).written == 0
    assert calls == [1] and nquads(writable_seed_store) == before
    build([seeds_dir], writable_seed_store)   # complete again: no second resolution
    assert calls == [1]


def test_two_fresh_builds_are_identical_and_order_does_not_matter(tmp_path, seeds_dir, seed_store):
    files = sorted(seeds_dir.glob("*.txt"))
    path = tmp_path / "incremental"
    for f in reversed(files):  # one article at a time, last first
        build([f], path)
    assert nquads(path) == nquads(seed_store)


def test_a_build_that_fails_while_writing_does_not_mark_the_store_complete(writable_seed_store, seeds_dir,
                                                                          monkeypatch, tmp_path):
    from kg.store import GraphStore
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    target = corpus / "004_c3de44ceda0a1ac2.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("अत्यधिक उत्पादक", "बेहद उपयोगी"), encoding="utf-8")

    def crash(self, writes, removals, **kwargs):
        raise RuntimeError("killed while writing")
    monkeypatch.setattr(GraphStore, "apply", crash)
    with pytest.raises(RuntimeError):
        build([corpus], writable_seed_store)
    gs = open_store(writable_seed_store, read_only=True)
    assert gs.resolved() is None
    gs.close()


def test_editing_one_article_replaces_only_its_graph(tmp_path, seeds_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    store = tmp_path / "kg.oxigraph"
    assert "optimize" in build([corpus], store).timings   # a first build compacts the store
    before = {line for line in nquads(store) if "004_c3de44ceda0a1ac2" not in line}
    target = corpus / "004_c3de44ceda0a1ac2.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("अत्यधिक उत्पादक", "बेहद उपयोगी"), encoding="utf-8")
    report = build([corpus], store)
    assert (report.extracted, report.written) == (1, 1)
    assert "optimize" not in report.timings   # one article of five: left to RocksDB's own compaction
    after = nquads(store)
    assert any("बेहद उपयोगी" in line for line in after)
    assert {line for line in after if "004_c3de44ceda0a1ac2" not in line} == before


def test_remove_retracts_an_article(tmp_path, seeds_dir):
    store = tmp_path / "kg.oxigraph"
    build([seeds_dir], store)
    remove(["001_10fe313b376d7345"], store)
    fresh = tmp_path / "fresh"
    build([f for f in seeds_dir.glob("*.txt") if f.stem != "001_10fe313b376d7345"], fresh)
    assert nquads(store) == nquads(fresh)


def _age_the_records(store) -> None:
    """Make every cached extraction look like another extractor version's (with no events)."""
    import json

    from kg.store import GRAPH_BUILD, P_EXTRACTION, P_RECORD_INFO, record_info
    gs = open_store(store)
    for q in list(gs.store.quads_for_pattern(None, P_EXTRACTION, None, GRAPH_BUILD)):
        record = json.loads(q.object.value)
        record.update(version="0.0.1/old", events=[])
        gs.store.remove(q)
        gs.store.add(ox.Quad(q.subject, q.predicate, ox.Literal(json.dumps(record, ensure_ascii=False)), q.graph_name))
        for info in list(gs.store.quads_for_pattern(q.subject, P_RECORD_INFO, None, GRAPH_BUILD)):
            gs.store.remove(info)   # as the older extractor wrote it
            gs.store.add(ox.Quad(q.subject, P_RECORD_INFO, ox.Literal(json.dumps(record_info(record))), q.graph_name))
    gs.set_resolved({**gs.resolved(), "code": "older"})   # the older version's code made the graphs
    gs.close()


def test_records_of_another_extractor_version_are_extracted_again_from_their_text(writable_seed_store, seeds_dir,
                                                                                 seed_store):
    """After an upgrade, articles not given again are extracted again from the text their graph keeps."""
    _age_the_records(writable_seed_store)
    one = sorted(seeds_dir.glob("*.txt"))[0]
    report = build([one], writable_seed_store)   # the other four come from the store alone
    assert (report.extracted, report.articles_in_store) == (1, 5)
    assert nquads(writable_seed_store) == nquads(seed_store)
    assert build([seeds_dir], writable_seed_store).written == 0


def test_remove_extracts_the_remaining_old_records_again(writable_seed_store, tmp_path, seeds_dir):
    _age_the_records(writable_seed_store)
    remove(["001_10fe313b376d7345"], writable_seed_store)
    fresh = tmp_path / "fresh"
    build([f for f in seeds_dir.glob("*.txt") if f.stem != "001_10fe313b376d7345"], fresh)
    assert nquads(writable_seed_store) == nquads(fresh)


def test_the_record_spool_keeps_the_latest_record_of_each_article():
    from kg.build import _Spool
    spool = _Spool()
    rec = {"version": "v", "published_option": None, "events": [{"type": "Meeting", "quotes": ["बातचीत"]}],
           "article": {"ident": "b", "content_hash": "h1", "published": "2024-06-19", "text": "पाठ"}}
    spool.put(rec)
    spool.put({**rec, "article": {**rec["article"], "ident": "a"}})
    spool.put({**rec, "article": {"ident": "b", "content_hash": "h2", "published": None}})
    assert spool.idents() == ["a", "b"] and len(spool) == 2
    assert spool.get("a")["events"] == rec["events"] and spool.get("a")["article"]["text"] == "पाठ"
    assert spool.get("b")["article"] == {"ident": "b", "content_hash": "h2", "published": None}
    assert (spool.info["b"].content_hash, spool.info["b"].has_text, spool.info["a"].has_text) == ("h2", False, True)
    spool.close()


def test_the_spool_reads_stored_records_from_the_store_until_it_is_given_a_new_one():
    from kg.build import _Spool
    stored = {"a": {"version": "v", "events": [], "article": {"ident": "a", "content_hash": "h", "published": None}}}
    from kg.store import record_info
    spool = _Spool(stored.get)
    spool.refer(record_info(stored["a"]))
    assert spool.get("a") == stored["a"] and spool.info["a"].content_hash == "h"
    spool.put({**stored["a"], "article": {**stored["a"]["article"], "content_hash": "h2", "text": "पाठ"}})
    del stored["a"]   # the build dropped its graph: the spool's own copy is read
    assert spool.get("a")["article"]["content_hash"] == "h2"
    spool.close()


def test_a_local_store_s_records_are_not_copied_into_the_spool(writable_seed_store):
    from kg.build import _load_records, _Spool
    from kg.store import open_store
    gs = open_store(writable_seed_store)
    spool = _Spool(gs.record)
    try:
        hashes = _load_records(gs, spool)
        assert len(hashes) == 5 and len(spool._file) == 0   # nothing written to the temporary file
        stored = dict(gs.iter_articles())
        assert hashes == {ident: r["graph_hash"] for ident, r in stored.items()}
        for ident in spool.idents():
            assert spool.get(ident) == stored[ident]["extraction"]
    finally:
        spool.close()
        gs.close()


def test_what_a_build_checks_is_read_without_the_records_and_from_older_stores_too(writable_seed_store):
    """``recordInfo`` says what the record says; a store written before it existed gives the same."""
    from kg.build import _Spool
    from kg.store import GRAPH_BUILD, P_RECORD_INFO, open_store, record_info
    gs = open_store(writable_seed_store)
    try:
        stored = dict(gs.iter_articles())
        want = {ident: (r["graph_hash"], record_info(r["extraction"])) for ident, r in stored.items()}
        assert len(want) == 5 and all(info["version"] for _, info in want.values())
        assert {ident: (h, info) for ident, h, info in gs.iter_record_infos()} == want
        for q in list(gs.store.quads_for_pattern(None, P_RECORD_INFO, None, GRAPH_BUILD)):
            gs.store.remove(q)
        assert {ident: (h, info) for ident, h, info in gs.iter_record_infos()} == want
        spool = _Spool(gs.record)
        for ident, r in stored.items():
            spool.refer(record_info(r["extraction"]))
            fresh = _Spool()
            fresh.put(r["extraction"])
            assert spool.info[ident] == fresh.info[ident]
            fresh.close()
        spool.close()
    finally:
        gs.close()


def test_a_full_temporary_folder_is_one_line_and_writes_nothing(tmp_path, seeds_dir, monkeypatch,
                                                               full_temp_folder):
    """Records wait in a temporary file; a full disk there is a clear error before the store is touched."""
    from click.testing import CliRunner

    from kg.cli import main

    full_temp_folder()
    store = tmp_path / "kg.oxigraph"
    result = CliRunner().invoke(main, ["build", str(seeds_dir), "--store", str(store), "-q"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert "No space left on device" in result.output and "TMPDIR" in result.output
    monkeypatch.undo()
    assert build([seeds_dir], store).written == 5   # nothing half-done was left behind


def test_seed_scores_meet_the_targets(seed_store):
    gs = open_store(seed_store, read_only=True)
    report = evaluate_store(gs.store, "tests/data/gold/seeds.gold.json").to_dict()
    overall = report["overall"]
    assert overall["f1"] >= 0.95, overall
    for type_, score in report["types"].items():
        assert score["f1"] >= 0.9, (type_, score)
    assert overall["duplicates"] == 0
    assert report["arguments"]["date_exact"]["accuracy"] >= 0.9


def test_event_text_sees_every_field_but_not_the_order_of_the_roles():
    """Signatures hash events as text: a record read back from the store (keys sorted) and the same record
    fresh from the extractor must give the same text, and any changed field a different one."""
    from kg.components import event_text as _event_text
    from kg.events import CountClaim, Event, Span

    def event(**kw):
        fields = dict(type="Statement", article="a", evidence=[Span(0, 5, "")], extractor="x",
                      roles={"speaker": ["id:p"], "addressee": ["id:k"]}, quotes=["q"],
                      counts=[CountClaim(5, span=Span(1, 2, ""))])
        return Event(**{**fields, **kw})

    base = _event_text(event())
    assert _event_text(event(roles={"addressee": ["id:k"], "speaker": ["id:p"]})) == base
    for changed in (dict(roles={"speaker": ["id:p"], "addressee": ["id:x"]}), dict(quotes=["q2"]),
                    dict(evidence=[Span(0, 6, "")]), dict(counts=[CountClaim(6, span=Span(1, 2, ""))]),
                    dict(date="2024"), dict(confidence=0.7), dict(status="planned")):
        assert _event_text(event(**changed)) != base, changed


def test_a_store_made_by_this_code_is_read_from_its_manifest(writable_seed_store, seeds_dir, monkeypatch):
    """A complete build leaves a manifest of every article's record info and graph hash beside its
    completion mark; the next build reads that, not a quad per article, and without it reads them."""
    from kg.build import read_manifest
    from kg.store import GraphStore
    real = GraphStore.iter_record_infos
    calls = []
    monkeypatch.setattr(GraphStore, "iter_record_infos", lambda self: calls.append(1) or real(self))
    gs = open_store(writable_seed_store)
    manifest = read_manifest(gs)
    gs.close()
    assert manifest["ident"] == sorted(f.stem for f in seeds_dir.glob("*.txt"))
    assert build([seeds_dir], writable_seed_store).unchanged == 5 and calls == []
    gs = open_store(writable_seed_store)
    gs.set_resolved(None)   # as a build leaves it when it stops before the end
    gs.close()
    assert build([seeds_dir], writable_seed_store).written == 0 and calls == [1]
    gs = open_store(writable_seed_store)
    assert read_manifest(gs) == manifest
    gs.close()


def test_an_edit_rewrites_only_the_manifest_part_of_its_article(tmp_path, seeds_dir, monkeypatch):
    """The manifest is kept in parts by article: a one-article rebuild rewrites one part (at 10,000 articles
    the whole was 3 MB, most of what such a rebuild wrote). A part gone missing is noticed (the records are
    read one by one) and written again."""
    from kg.build import read_manifest
    from kg.store import MANIFEST_PREFIX, P_MANIFEST, GraphStore
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    store = tmp_path / "store"
    build([articles], store)
    gs = open_store(store)
    whole = read_manifest(gs)
    gs.close()
    written = []
    real = GraphStore.put_manifest_parts

    def spy(self, texts, drop=(), every=False):
        written.append((sorted(texts), list(drop), every))
        return real(self, texts, drop, every=every)
    monkeypatch.setattr(GraphStore, "put_manifest_parts", spy)
    f = sorted(articles.glob("*.txt"))[2]
    f.write_bytes(f.read_bytes() + "\nविशेषज्ञ मानते हैं कि यह एक बड़ा बदलाव है।\n".encode("utf-8"))
    assert build([articles], store).extracted == 1
    assert len(written) == 1 and len(written[0][0]) == 1 and written[0][1:] == ([], False)
    gs = open_store(store)
    edited = read_manifest(gs)
    assert edited["ident"] == whole["ident"] and edited["content_hash"] != whole["content_hash"]
    part = next(q for q in gs.store if q.predicate == P_MANIFEST)
    assert part.subject.value.startswith(MANIFEST_PREFIX)
    gs.store.remove(part)
    gs.close()
    written.clear()
    assert build([articles], store).unchanged == 5
    assert len(written) == 1 and written[0][2]   # every part written again
    gs = open_store(store)
    assert read_manifest(gs) == edited
    gs.close()


def test_files_whose_stat_did_not_change_are_not_read_again(tmp_path, seeds_dir, monkeypatch):
    """The stat recorded when a file's content was hashed spares reading it again; any write changes
    its change time, so an edit that keeps the size (and even the modification time) is still seen."""
    import os

    import kg.build
    monkeypatch.setattr(kg.build, "_RACY_S", -60)   # the files were just written: trust their stats anyway
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    store = tmp_path / "store"
    build([articles], store)
    read = []
    real = kg.build._read_file
    monkeypatch.setattr(kg.build, "_read_file", lambda path: read.append(Path(path).name) or real(path))
    assert build([articles], store).unchanged == 5 and read == []
    f = sorted(articles.glob("*.txt"))[1]
    st = f.stat()
    text = f.read_bytes()
    f.write_bytes(text.replace("।".encode("utf-8"), ".  ".encode("utf-8"), 1))   # the same size (3 bytes each)
    assert f.stat().st_size == st.st_size and f.read_bytes() != text
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))   # and the same modification time
    read.clear()
    report = build([articles], store)
    assert read == [f.name] and report.extracted == 1
    monkeypatch.setattr(kg.build, "_RACY_S", 60)   # a file changed just now: its stat is not trusted
    read.clear()
    build([articles], store)
    assert len(read) == 5


def test_extraction_takes_articles_as_workers_need_them():
    """Jobs are read a window at a time, not all before the first result (a corpus's bytes in memory)."""
    from concurrent.futures import ThreadPoolExecutor

    from kg.build import _streamed
    taken = []

    def jobs():
        for i in range(1000):
            taken.append(i)
            yield i
    with ThreadPoolExecutor(2) as pool:
        results = _streamed(pool, lambda x: x * 2, jobs(), chunksize=16, window=4)
        assert next(results) == 0 and len(taken) <= 4 * 16 + 1
        assert [0] + list(results) == [2 * i for i in range(1000)]


@pytest.mark.skipif(not sys.platform.startswith("linux") or not Path("/proc/self/status").exists(), reason="Linux only")
def test_memory_a_stage_freed_goes_back_to_the_system():
    """glibc keeps freed heap memory for reuse, so without a trim a build stays at its highest resident
    set after each stage; ``_release_memory`` (between the stages) gives it back."""
    from kg.build import _TRIM, _release_memory
    if _TRIM is None:
        pytest.skip("not glibc")

    def rss_mb() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
        raise AssertionError("no VmRSS")
    blocks = [bytes(2000) for _ in range(100_000)]   # 200 MB in blocks glibc allocates (not Python's arenas)
    kept = blocks[::10]   # live blocks all through the heap: glibc cannot shrink it from the top
    del blocks
    before = rss_mb()
    _release_memory()
    assert before - rss_mb() > 100, "a trim gave back less than half of the 180 MB freed"
    assert len(kept) == 10_000
