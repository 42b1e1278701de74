"""Incremental resolution: after articles change, are added or removed, a build that resolves only what
they can change (``kg.identity.resolve_changes``) leaves the store exactly as a fresh build of the same
articles would, and falls back to resolving everything when the store cannot tell what changed."""
from __future__ import annotations

import random
import shutil
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import build, read_manifest, remove
from kg.rdf import GRAPH_BUILD
from kg.store import P_ENTRY_CLUSTER, P_ENTRY_KEY, open_store

ROOT = Path(__file__).resolve().parent.parent
NO_EVENT = "\nविशेषज्ञ मानते हैं कि यह एक बड़ा बदलाव है।\n"
EVENT = "\nरूसी राष्ट्रपति व्लादिमीर पुतिन ने कहा, \"हम नए समझौते पर काम कर रहे हैं।\"\n"


def state(path: Path) -> tuple[set[str], tuple[dict, set], dict | None]:
    """Every quad but the build's bookkeeping, the resolution entries with their index, and the completion
    mark with the event counts and the manifest (but the files' stats, which depend on when each build read
    them)."""
    gs = open_store(path, read_only=True)
    try:
        mark = gs.resolved()
        if mark:
            del mark["manifest"]   # (the digests of its parts: the files' stats are in them)
            mark["articles"] = read_manifest(gs)
            del mark["articles"]["file"]
        index = {(q.subject.value, q.object.value) for p in (P_ENTRY_KEY, P_ENTRY_CLUSTER)
                 for q in gs.store.quads_for_pattern(None, p, None, GRAPH_BUILD)}
        return ({str(q) for q in gs.store if q.graph_name != GRAPH_BUILD}, (gs.resolution_entries(), index), mark)
    finally:
        gs.close()


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> tuple[Path, Path]:
    """120 generated articles (stories reported by several articles, so clusters have many members) and
    40 more to add."""
    root = tmp_path_factory.mktemp("corpora")
    for n, name, seed in ((120, "main", 7), (40, "extra", 8)):
        subprocess.run([sys.executable, "-m", "benchmarks.generate", str(n), str(root / name), "--seed", str(seed)],
                       cwd=ROOT, check=True, capture_output=True)
    return root / "main", root / "extra"


def built(corpus: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of ``corpus`` and a store built from it."""
    articles, store = tmp_path / "articles", tmp_path / "store"
    shutil.copytree(corpus, articles)
    build([articles], store)
    return articles, store


def test_incremental_builds_leave_the_store_a_full_build_makes(corpora, tmp_path):
    main, extra = corpora
    articles, store = built(main, tmp_path)
    rng = random.Random(3)
    spare = sorted(extra.glob("*.txt"))
    steps = ["replace", "add", "reorder", "remove", "several", "append", "replace", "add", "remove"]
    for step in steps:
        files = sorted(articles.glob("*.txt"))
        if step == "replace":      # an article now says what another says
            f, g = rng.sample(files, 2)
            f.write_bytes(g.read_bytes() + b"\n")
        elif step == "add":
            new = spare.pop()
            shutil.copy(new, articles / ("z" + new.name))
        elif step == "reorder":    # the same sentences in another order: other offsets, other IRIs
            f = rng.choice(files)
            lines = f.read_text(encoding="utf-8").split("\n")
            rng.shuffle(lines)
            f.write_text("\n".join(lines), encoding="utf-8")
        elif step == "append":     # a sentence without an event after the others: the events stay as they were
            f = rng.choice(files)
            f.write_bytes(f.read_bytes() + NO_EVENT.encode("utf-8"))
        elif step == "several":
            for f in rng.sample(files, 4):
                f.write_bytes(spare.pop().read_bytes())
        if step == "remove":
            f = rng.choice(files)
            f.unlink()
            report = remove([f.stem], store)
        else:
            report = build([articles], store)
        assert "resolve (changes)" in report.timings, step
        fresh = tmp_path / f"fresh-{step}"
        shutil.rmtree(fresh, ignore_errors=True)
        full = build([articles], fresh)
        assert "resolve" in full.timings
        got, want = state(store), state(fresh)
        assert got[0] == want[0], step
        assert got[1] == want[1], step
        assert got[2] == want[2], step
        assert report.events == full.events, step


def test_an_edit_that_touches_no_event_resolves_nothing_again(corpora, tmp_path, monkeypatch):
    """An article whose events and date did not change (a sentence without an event added after them)
    takes the clusters it had: no component is resolved again, only its own graph is made again. An
    edit that adds an event is resolved as usual."""
    import kg.build

    articles, store = built(corpora[0], tmp_path)
    seen = []
    real = kg.build.resolve_changes

    def spy(index, gone, fresh, load, gaz, unchanged=()):
        fresh = list(fresh)
        seen.append(([a.ident for a in fresh], list(unchanged)))
        return real(index, gone, fresh, load, gaz, unchanged=unchanged)
    monkeypatch.setattr(kg.build, "resolve_changes", spy)
    f = next(f for f in sorted(articles.glob("*.txt")) if "\nSource link" in f.read_text(encoding="utf-8"))

    def before_the_footer(sentence: str) -> None:   # after the body's events, before "Source link"
        text = f.read_text(encoding="utf-8")
        f.write_text(text.replace("\nSource link", sentence + "\nSource link", 1), encoding="utf-8")
    before_the_footer(NO_EVENT)
    report = build([articles], store)
    assert seen == [([], [f.stem])] and report.written == 1
    before_the_footer(EVENT)
    build([articles], store)
    assert seen[1] == ([f.stem], [])
    monkeypatch.undo()
    build([articles], tmp_path / "fresh")
    assert state(store) == state(tmp_path / "fresh")


def set_entries(store: Path, change) -> None:
    """Replace the stored resolution entries with ``change(entries)`` (None: remove them)."""
    gs = open_store(store)
    entries = gs.resolution_entries()
    new = change(entries) or {}
    gs.put_resolution_entries({ident: json.dumps(es) for ident, es in new.items()}, drop=entries)
    gs.close()


def test_a_store_without_entries_is_resolved_whole_and_gets_them(corpora, tmp_path):
    articles, store = built(corpora[0], tmp_path)
    set_entries(store, lambda entries: None)   # as a store made by an older version
    f = sorted(articles.glob("*.txt"))[5]
    f.write_bytes(f.read_bytes() + "\nविशेषज्ञ मानते हैं कि यह एक बड़ा बदलाव है।\n".encode("utf-8"))
    report = build([articles], store)
    assert "resolve" in report.timings and "resolve (changes)" not in report.timings
    assert report.written == 1
    assert len(state(store)[1][0]) == len(list(articles.glob("*.txt")))
    f.write_bytes(sorted(corpora[0].glob("*.txt"))[5].read_bytes())
    assert "resolve (changes)" in build([articles], store).timings


def test_entries_that_do_not_match_their_article_are_not_trusted(corpora, tmp_path):
    articles, store = built(corpora[0], tmp_path)
    entries = state(store)[1][0]
    # an article sharing a cluster with another: its entries claim a mention it does not have
    shared: dict[str, set[str]] = {}
    for ident, es in entries.items():
        for e in es:
            shared.setdefault(e[1], set()).add(ident)
    victim, other = next(sorted(idents) for idents in shared.values() if len(idents) > 1)[:2]
    set_entries(store, lambda entries: {**entries, victim: entries[victim] + [["Treaty", "x", [], None, "0"]]})
    f = articles / f"{other}.txt"
    f.write_bytes(f.read_bytes() + b"\n")
    report = build([articles], store)
    assert "resolve" in report.timings and "resolve (changes)" not in report.timings   # resolved whole
    fresh = tmp_path / "fresh"
    build([articles], fresh)
    assert state(store) == state(fresh)   # the victim's entries mended too
    f.write_bytes(f.read_bytes() + b"\n")
    assert "resolve (changes)" in build([articles], store).timings


def test_entries_round_trip_whatever_the_article_names(tmp_path):
    gs = open_store(tmp_path / "store")
    names = ["plain_1", 'with "quotes"', "tab\tand\\back", "हिंदी-लेख", '"', "a/b c%20"]
    texts = {name: json.dumps([["Meeting", f"https://example.org/m/{i % 2}", ["k", f"k{i}"], None, "d"]])
             for i, name in enumerate(names)}
    gs.put_resolution_entries(texts)
    assert gs.resolution_entry_texts() == texts
    index = gs.entry_index()
    assert list(index.with_key("k")) == sorted(names)
    assert list(index.with_key("k3")) == [names[3]] and list(index.with_key("nothing")) == []
    assert list(index.in_cluster("https://example.org/m/1")) == sorted(names[1::2])
    assert index.entries(names[2]) == json.loads(texts[names[2]]) and index.entries("other") is None
    gs.put_resolution_entries({names[0]: "[]"}, drop=names[1:3])
    assert gs.resolution_entry_texts() == {names[0]: "[]", **{n: texts[n] for n in names[3:]}}
    assert list(gs.entry_index().with_key("k")) == sorted(names[3:])
    gs.close()


@pytest.mark.parametrize("chunk", [1 << 20, 64])
def test_the_whole_index_at_once_is_the_index_made_article_by_article(tmp_path, monkeypatch, chunk):
    """A full build stores every article's entries at once (``every=True``), its index lines going through a
    temporary file in parts (``kg.store._LineParts``, here also in chunks of 64 bytes): what it leaves, old
    entries gone, is what storing the same entries in a fresh store leaves."""
    import kg.store
    monkeypatch.setattr(kg.store._LineParts, "_CHUNK", chunk)
    names = ['with "quotes"', "tab\tand\\back", "हिंदी-लेख"] + [f"a{i:03d}" for i in range(300)]
    texts = {name: json.dumps([["Meeting", f"https://example.org/m/{i % 7}", [f"k{i}", f"k{i // 3}"], None, "d"],
                               ["Statement", f"https://example.org/s/{i}", [f"s{i % 50}"], None, "e"]])
             for i, name in enumerate(names)}

    def index(gs) -> set[str]:
        return {str(q) for p in (P_ENTRY_KEY, P_ENTRY_CLUSTER) for q in gs.store.quads_for_pattern(None, p, None, GRAPH_BUILD)}
    one = open_store(tmp_path / "one")
    one.put_resolution_entries(texts)
    every = open_store(tmp_path / "every")
    every.put_resolution_entries({"old": json.dumps([["Treaty", "https://example.org/t", ["t"], None, "f"]])})
    every.put_resolution_entries(texts, every=True)
    try:
        assert every.resolution_entry_texts() == one.resolution_entry_texts() == texts
        assert index(every) == index(one) and len(index(one)) > 300
        assert list(every.entry_index().with_key("s7")) == sorted(n for i, n in enumerate(names) if i % 50 == 7)
        assert list(every.entry_index().with_key("t")) == []
    finally:
        one.close()
        every.close()


def test_graphs_made_in_forked_processes_are_those_the_build_makes_itself(corpora, tmp_path, monkeypatch):
    """A large build makes its graphs in processes forked after resolution (``kg.build._made_in_workers``),
    which return N-Quads for the store's bulk loader: the store, bookkeeping included, is the one a build
    that makes every graph in its own process leaves."""
    import kg.build
    from kg.store import GRAPHS_NODE, P_RESOLVED

    def bookkeeping(path: Path) -> set[str]:
        gs = open_store(path, read_only=True)
        try:
            return {str(q) for q in gs.store.quads_for_pattern(None, None, None, GRAPH_BUILD)
                    if (q.subject, q.predicate) != (GRAPHS_NODE, P_RESOLVED)}
        finally:
            gs.close()

    main, _ = corpora
    here, forked = tmp_path / "here", tmp_path / "forked"
    report = build([main], here, workers=2)   # 120 graphs: under _FORK_WRITERS_FROM
    forks = []
    real = kg.build._made_in_workers
    monkeypatch.setattr(kg.build, "_FORK_WRITERS_FROM", 1)
    monkeypatch.setattr(kg.build, "_made_in_workers", lambda *a: forks.append(a[-1]) or real(*a))
    forked_report = build([main], forked, workers=2)
    assert forks == [2]
    assert (forked_report.written, forked_report.triples) == (report.written, report.triples) == (120, report.triples)
    assert state(forked) == state(here)
    assert bookkeeping(forked) == bookkeeping(here)
    assert len(bookkeeping(here)) > 4 * 120
