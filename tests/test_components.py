"""Resolving a corpus component by component with its mentions on disk (``kg.components``) gives what
resolving it in memory (``kg.identity.resolve_all``) gives: the same events, entries and graphs."""
from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kg.article import parse_article
from kg.components import mentions_digest, resolve_on_disk
from kg.gazetteer import load_gazetteer
from kg.identity import ArticleEvents, cluster_digest, resolve_all
from kg.pipeline import events_of, extract, extraction_record
from kg.rdf import ArticleMeta, article_quads

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[dict[str, ArticleEvents], dict[str, ArticleMeta]]:
    """The seeds and 200 generated articles (stories several articles report, statements made at
    meetings, treaties, deployments), as the build reads them back: events without their spans' text."""
    folder = tmp_path_factory.mktemp("components") / "generated"
    subprocess.run([sys.executable, "-m", "benchmarks.generate", "200", str(folder), "--seed", "11"],
                   cwd=ROOT, check=True, capture_output=True)
    gaz = load_gazetteer()
    events, metas = {}, {}
    for path in sorted((ROOT / "seeds").glob("*.txt")) + sorted(folder.glob("*.txt")):
        article = parse_article(path.stem, path.read_bytes())
        record = extraction_record(article, extract(article, gaz))
        a = record["article"]
        events[path.stem] = ArticleEvents(path.stem, a["published"], events_of(record, span_texts=False))
        metas[path.stem] = ArticleMeta(a["ident"], a["text"], a["content_hash"], a["published"], a["headline"])
    return events, metas


def test_the_same_resolution_as_in_memory(corpus):
    events, metas = corpus
    gaz = load_gazetteer()
    idents = sorted(events)
    memory = resolve_all((events[i] for i in idents), gaz)
    disk = resolve_on_disk(idents, events.__getitem__, gaz)
    try:
        counts = Counter(c.type for c in memory.clusters)
        assert disk.counts == counts and set(counts) == {"Meeting", "Statement", "TroopDeployment", "Treaty"}
        assert any(len(c.members) > 2 for c in memory.clusters)        # events many articles report
        assert any(c.during for c in memory.clusters)                  # statements made at a meeting
        of: dict[str, list] = {}
        for c in memory.clusters:
            for source in c.sources:
                of.setdefault(source, []).append(c)
        for ident in idents:
            assert disk.entries(ident) == memory.entries(ident), ident
            assert disk.mentions(ident) == memory.mentions[ident], ident
            assert disk.mentions_digest(ident) == mentions_digest(memory.mentions[ident]), ident
            mine, theirs = disk.clusters_of(ident), of.get(ident, [])
            assert [c.iri for c in mine] == [c.iri for c in theirs], ident
            for c, d in zip(mine, theirs):
                assert (c.type, c.description, c.during) == (d.type, d.description, d.during)
                assert cluster_digest(c) == cluster_digest(d)
                assert c.members == [m for m in d.members if m.article == ident]
            assert article_quads(metas[ident], mine, gaz) == article_quads(metas[ident], theirs, gaz), ident
    finally:
        disk.close()


def test_the_order_the_articles_come_in_does_not_matter(corpus):
    events, _ = corpus
    gaz = load_gazetteer()
    idents = sorted(events)
    forward = resolve_on_disk(idents, events.__getitem__, gaz)
    backward = resolve_on_disk(idents[::-1], events.__getitem__, gaz)
    try:
        assert forward.counts == backward.counts
        for ident in idents:
            assert forward.entries(ident) == backward.entries(ident), ident
            assert [(c.iri, c.description) for c in forward.clusters_of(ident)] \
                == [(c.iri, c.description) for c in backward.clusters_of(ident)], ident
    finally:
        forward.close()
        backward.close()


def test_articles_without_events_have_none():
    gaz = load_gazetteer()
    res = resolve_on_disk(["a", "b"], lambda ident: ArticleEvents(ident, None, []), gaz)
    try:
        assert res.entries("a") == res.mentions("b") == res.clusters_of("a") == [] and not res.counts
    finally:
        res.close()


@pytest.mark.parametrize("prefix, what", [("ghatna-mentions-", "merged event mentions"),
                                          ("ghatna-entries-", "the resolution entries in")])
def test_a_full_temporary_folder_while_resolving_is_one_line_and_loses_nothing(writable_seed_store, seeds_dir,
                                                                               tmp_path, monkeypatch,
                                                                               full_temp_folder, prefix, what):
    """The mentions wait in a temporary file while every article is resolved, the resolution entries from
    their signatures until they are stored: a full disk there is a clear error, and the store stays as it
    was (a later build finds it complete)."""
    from click.testing import CliRunner

    from kg.build import build
    from kg.cli import main
    from kg.export import export
    from kg.store import open_store

    def dump() -> bytes:
        gs = open_store(writable_seed_store, read_only=True)
        try:
            return export(gs, "nquads")
        finally:
            gs.close()

    before = dump()
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    for path in sorted(articles.glob("*.txt"))[:2]:   # changed enough to resolve every article again
        path.write_text(path.read_text(encoding="utf-8") + "\nरूस ने कहा कि बातचीत जारी रहेगी।\n", encoding="utf-8")
    full_temp_folder(prefix)
    result = CliRunner().invoke(main, ["build", str(articles), "--store", str(writable_seed_store), "-q"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert what in result.output and "TMPDIR" in result.output
    assert dump() == before
    monkeypatch.undo()
    assert build([seeds_dir], writable_seed_store).written == 0   # the seeds' store, complete as it was


def test_each_reporting_article_describes_an_event_alike_even_a_person_another_article_named(tmp_path):
    """A person only one article names (minted from a title, unknown to the gazetteer) takes part in a
    meeting two articles report: both articles' graphs give the event the same labels, though the other
    article's own mention does not know the name."""
    import pyoxigraph as ox

    from kg.build import build
    from kg.store import open_store

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "date 2024-06-19\nप्योंगयांग में पुतिन और किम की मुलाकात\nप्योंगयांग, 19 जून 2024। रूसी राष्ट्रपति व्लादिमीर पुतिन "
        "ने बुधवार को प्योंगयांग में उत्तर कोरिया के नेता किम जोंग उन और उप प्रधानमंत्री रामलाल वर्मा से मुलाकात की।\n",
        encoding="utf-8")
    (folder / "b.txt").write_text(
        "date 2024-06-20\nपुतिन-किम भेंट\nनई दिल्ली, 20 जून 2024। रूसी राष्ट्रपति व्लादिमीर पुतिन ने 19 जून को प्योंगयांग में "
        "उत्तर कोरिया के नेता किम जोंग उन से मुलाकात की।\n", encoding="utf-8")
    build([folder], tmp_path / "store")
    gs = open_store(tmp_path / "store", read_only=True)
    try:
        rows = gs.store.query("""
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            PREFIX gh: <https://w3id.org/ghatna/ontology#>
            SELECT ?g ?label WHERE { GRAPH ?g { ?e a gh:Meeting ; rdfs:label ?label } }""")
        labels: dict[str, set[str]] = {}
        for row in rows:
            labels.setdefault(row["g"].value, set()).add(row["label"].value)
    finally:
        gs.close()
    assert len(labels) == 2, labels
    a, b = labels.values()
    assert a == b and any("रामलाल वर्मा" in label for label in a), labels


def test_a_full_temporary_folder_while_storing_the_index_is_one_line_and_the_next_build_completes(
        writable_seed_store, seeds_dir, tmp_path, monkeypatch, full_temp_folder):
    """A full index's lines wait in a temporary file after the graphs are written: a full disk there is a
    clear error, the store is left without its completion mark (as after a crash), and the next build
    leaves what a fresh build of the same articles does."""
    from click.testing import CliRunner

    from kg.build import build
    from kg.cli import main
    from kg.export import export
    from kg.store import open_store

    def dump(path) -> bytes:
        gs = open_store(path, read_only=True)
        try:
            return export(gs, "nquads")
        finally:
            gs.close()

    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    for path in sorted(articles.glob("*.txt"))[:2]:
        path.write_text(path.read_text(encoding="utf-8") + "\nरूस ने कहा कि बातचीत जारी रहेगी।\n", encoding="utf-8")
    import kg.store
    monkeypatch.setattr(kg.store._LineParts, "_CHUNK", 64)   # (the seeds' lines would stay in memory)
    full_temp_folder("ghatna-index-")
    result = CliRunner().invoke(main, ["build", str(articles), "--store", str(writable_seed_store), "-q"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert "the resolution entries' index" in result.output and "TMPDIR" in result.output
    gs = open_store(writable_seed_store, read_only=True)
    assert gs.resolved() is None
    gs.close()
    monkeypatch.undo()
    build([articles], writable_seed_store)
    build([articles], tmp_path / "fresh")
    assert dump(writable_seed_store) == dump(tmp_path / "fresh")
