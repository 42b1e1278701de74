""""Never lose or corrupt the graph": the Reliability guarantees of the README, each proved here.

* any sequence of builds, edits and removals leaves the store equal to a fresh build of the same files;
* a build killed with SIGKILL at any point leaves a store that opens, answers queries, conforms to the
  shapes, holds every article's graph either whole-old or whole-new, and that the next build completes;
* a store written by another format version is refused with how to rebuild; the ontology version is
  recorded;
* while one process holds the store for writing, readers work (on the published view), a second writer
  gets one line naming the store, nothing waits forever, and ``kg backup`` still copies the store.
"""
from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.build import build, remove
from kg.cli import main
from kg.errors import GhatnaError, StoreError
from kg.export import export
from kg.store import open_store, view_path, view_root

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
BUILD_GRAPH = "https://w3id.org/ghatna/id/graph/build"
STORE_NODE = "https://w3id.org/ghatna/id/build/store"


# ------------------------------------------------------------------ helpers
def nquads(path) -> list[str]:
    gs = open_store(path, read_only=True)
    try:
        return sorted(export(gs, "nquads").decode("utf-8").splitlines())
    finally:
        gs.close()


def graphs(path) -> dict[str, frozenset[str]]:
    """Every named graph but the bookkeeping one, as a set of quads."""
    gs = open_store(path, read_only=True)
    out: dict[str, set[str]] = {}
    for q in gs.store.quads_for_pattern(None, None, None, None):
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value != BUILD_GRAPH:
            out.setdefault(q.graph_name.value, set()).add(str(q))
    gs.close()
    return {g: frozenset(v) for g, v in out.items()}


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def kg(*args, timeout=60, **kw) -> subprocess.CompletedProcess:
    """``kg`` in its own process (never allowed to hang: ``timeout``)."""
    return subprocess.run([sys.executable, "-m", "kg.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=ENV, **kw)


def one_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# ------------------------------------------------------------------ articles
SHORT = {
    "s1_beijing": "date 2025-09-03\nबीजिंग में रूसी राष्ट्रपति व्लादिमीर पुतिन और उत्तर कोरिया के नेता किम जोंग उन ने "
                  "मुलाकात की। पुतिन ने कहा कि रूस और उत्तर कोरिया के संबंध मजबूत हैं।\n",
    "s2_treaty": "date 2024-06-19\nरूस और उत्तर कोरिया ने प्योंगयांग में व्यापक रणनीतिक साझेदारी संधि पर हस्ताक्षर किए। "
                 "दोनों देशों ने कहा कि यह संधि ऐतिहासिक है।\n",
    "s3_troops": "date 2024-11-05\nदक्षिण कोरिया के अनुसार उत्तर कोरिया ने लगभग 10000 सैनिक रूस के कुर्स्क क्षेत्र में "
                 "भेजे हैं।\n",
    "s4_peskov": 'क्रेमलिन के प्रवक्ता दिमित्री पेसकोव ने कहा, "हम बातचीत के लिए तैयार हैं।"\n',
}
POOL = {f.stem: f.read_text(encoding="utf-8") for f in sorted(SEEDS.glob("*.txt"))} | SHORT
NAMES = sorted(POOL)
VOCAB = ["पुतिन", "किम", "मोदी", "मुलाकात", "बैठक", "सैनिक", "5000", "संधि", "कहा", "बीजिंग", "रूस",
         "2023", "अगस्त", "नहीं", "शी", "जिनपिंग", '"', "।", "और", "ने"]


def edited(text: str, changes: list[tuple[int, str]]) -> str:
    """``text`` with a few words replaced (a word index beyond the end wraps around)."""
    words = text.split(" ")
    for pos, word in changes:
        words[pos % len(words)] = word
    return " ".join(words)


OPS = st.lists(st.one_of(
    st.tuples(st.just("add"), st.sampled_from(NAMES)),
    st.tuples(st.just("edit"), st.sampled_from(NAMES),
              st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(VOCAB)), min_size=1, max_size=3)),
    st.tuples(st.just("remove"), st.sampled_from(NAMES)),
), min_size=1, max_size=7)


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory) -> Path:
    """A store with the ontology and gazetteer but no article (copied: cheaper than creating one)."""
    path = tmp_path_factory.mktemp("empty") / "kg.oxigraph"
    build([], path)
    return path


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(ops=OPS)
@example(ops=[("add", "000_ce5797c3e7b73d6e"), ("add", "001_10fe313b376d7345"), ("add", "s1_beijing"),
              ("remove", "001_10fe313b376d7345"), ("edit", "000_ce5797c3e7b73d6e", [(40, "मोदी")]),
              ("add", "002_ce110b77584f89db")])
@example(ops=[("add", "s2_treaty"), ("add", "002_ce110b77584f89db"), ("remove", "s2_treaty"),
              ("edit", "002_ce110b77584f89db", [(3, "संधि"), (90, "2023")]), ("add", "s2_treaty")])
def test_any_sequence_of_builds_and_removals_equals_a_fresh_build(ops, tmp_path_factory, empty_store):
    base = tmp_path_factory.mktemp("seq")
    corpus, store = base / "corpus", base / "kg.oxigraph"
    corpus.mkdir()
    shutil.copytree(empty_store, store)
    for op in ops:
        kind, name = op[0], op[1]
        f = corpus / f"{name}.txt"
        if kind == "remove":
            if f.exists():
                remove([name], store)
                f.unlink()
            else:
                before = nquads(store)
                with pytest.raises(GhatnaError, match="no such article"):
                    remove([name], store)
                assert nquads(store) == before
            continue
        text = f.read_text(encoding="utf-8") if f.exists() else POOL[name]
        if kind == "edit":
            text = edited(text, op[2])
        f.write_text(text, encoding="utf-8")
        report = build([f], store, workers=1)
        assert not report.skipped, report.skipped
    fresh = base / "fresh.oxigraph"
    build(sorted(corpus.glob("*.txt")), fresh, workers=1)
    assert nquads(store) == nquads(fresh)
    # a second build of everything changes nothing
    if any(corpus.iterdir()):
        report = build([corpus], store, workers=1)
        assert report.written == 0 and report.extracted == 0
        assert nquads(store) == nquads(fresh)


# ------------------------------------------------------------------ SIGKILL
DATA = ROOT / "tests" / "data" / "articles"
# Articles whose clean build does not conform today (a venue typed gh:Organization is used as gh:place:
# reported to the extraction side); the crash test needs a corpus whose clean build conforms.
NONCONFORMING = {"t01_india_russia_summit_moscow", "t02_jaishankar_lavrov_moscow", "t06_iran_russia_treaty_in_force",
                 "t07_south_korea_japan_summit", "t10_us_troops_poland", "t12_budapest_summit_cancelled"}


def _corpus(folder: Path, copies: int, old: bool, conforming: bool = True) -> None:
    """The seeds and the test articles under ``copies`` sets of names; the ``old`` version has half of
    them edited. (Copies report the same events: a meeting with many sources makes the stored queries
    slow, so keep ``copies`` small.)"""
    files = sorted(SEEDS.glob("*.txt")) + [f for f in sorted(DATA.glob("*.txt"))
                                           if not (conforming and f.stem in NONCONFORMING)]
    folder.mkdir()
    for k in range(copies):
        for i, f in enumerate(files):
            text = f.read_text(encoding="utf-8")
            if old and (k + i) % 2 == 0:
                text = text.replace("पुतिन", "व्लादिमीर पुतिन", 2) + "\nरूसी राष्ट्रपति पुतिन ने कहा कि रूस जीतेगा।\n"
            (folder / f"c{k}_{f.name}").write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_sigkill_at_any_point_leaves_a_store_that_works_and_the_next_build_completes(tmp_path):
    from kg.validate import validate

    old_corpus, new_corpus = tmp_path / "old", tmp_path / "new"
    _corpus(old_corpus, 1, old=True)
    _corpus(new_corpus, 1, old=False)
    old_store, ref = tmp_path / "old.oxigraph", tmp_path / "ref.oxigraph"
    build([old_corpus], old_store)
    build([new_corpus], ref)
    ref_nq, old_graphs, new_graphs = nquads(ref), graphs(old_store), graphs(ref)
    validated: set[str] = set()
    for path in (old_store, ref):
        gs = open_store(path, read_only=True)
        assert validate(gs).conforms, f"{path}: a clean build does not conform (an extraction bug, not a crash)"
        validated.add(hashlib.sha256("\n".join(nquads(path)).encode()).hexdigest())

    def start(store: Path) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(new_corpus), "--store", str(store),
                                 "-q"], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)

    # how long an uninterrupted build takes, from the old store (drop, rewrite, publish) and from nothing
    # (the shorter of two runs: a first, cold run overstates it and the kills would come after the end)
    duration = {}
    for from_old in (True, False):
        for attempt in range(2):
            timing = tmp_path / f"timing{from_old}{attempt}.oxigraph"
            if from_old:
                shutil.copytree(old_store, timing)
            t0 = time.monotonic()
            proc = start(timing)
            assert proc.wait(timeout=120) == 0, proc.stderr.read()
            duration[from_old] = min(duration.get(from_old, 1e9), time.monotonic() - t0)
            proc.stderr.close()
            assert nquads(timing) == ref_nq

    seed = random.randrange(1 << 30)   # new points on every run; the seed is in every failure message
    rng = random.Random(seed)
    n = 9
    fractions = sorted([0.92 * (i + rng.random()) / n for i in range(n)]   # spread over the build
                       + [rng.uniform(0.65, 0.92) for _ in range(3)])       # more where it writes
    killed, states = 0, []
    for i, fraction in enumerate(fractions):
        store = tmp_path / f"s{i}.oxigraph"
        from_old = i % 3 != 2   # two in three from a built store, one in three from nothing
        delay = fraction * duration[from_old]
        if from_old:
            shutil.copytree(old_store, store)
            shutil.copytree(view_root(old_store), view_root(store), symlinks=True)
        proc = start(store)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)   # the build and its extraction workers
            killed += 1
        proc.wait(timeout=30)
        proc.stderr.close()

        if store.exists():
            # the store opens for writing and reading, and the stored queries run
            open_store(store).close()
            result = cli("query", "meetings", "--store", store)
            assert result.exit_code == 0, (seed, delay, result.output)
            # every article graph is whole: the old one or the new one
            allowed = {g: {old_graphs.get(g), new_graphs.get(g)} - {None} if from_old else {new_graphs.get(g)}
                       for g in set(old_graphs) | set(new_graphs)}
            now = graphs(store)
            for g, quads in now.items():
                assert quads in allowed.get(g, set()), f"seed {seed}, kill after {delay:.2f} s: graph {g} is neither old nor new"
            states.append((round(delay, 2), "old" if now == old_graphs else "new" if now == new_graphs else
                           f"{sum(now.get(g) == new_graphs[g] for g in new_graphs)}/{len(new_graphs)} new"))
            # and the whole conforms to the shapes (validation depends only on the exported quads)
            key = hashlib.sha256("\n".join(nquads(store)).encode()).hexdigest()
            if key not in validated:
                gs = open_store(store, read_only=True)
                report = validate(gs)
                gs.close()
                assert report.conforms, f"seed {seed}, kill after {delay:.2f} s: {report.shacl_text[:1500]}"
                validated.add(key)
        else:
            assert not from_old
            states.append((round(delay, 2), "no store"))
        # the next build completes the store: equal to a clean build, and so is its read view
        result = cli("build", new_corpus, "--store", store, "-q")
        assert result.exit_code == 0, result.output
        assert nquads(store) == ref_nq, f"seed {seed}, kill after {delay:.2f} s: rebuilt store differs from a clean build"
        assert nquads(view_path(store)) == ref_nq
        left = sorted(p.name for p in Path(view_root(store)).iterdir())
        assert len(left) == 2 and left[0] == "current" and left[1].startswith("g"), f"stale view folders: {left}"
        shutil.rmtree(store)
        shutil.rmtree(view_root(store))
    print(f"builds {duration} s; killed {killed}/{len(fractions)}; states after the kills: {states}")
    assert killed >= 8, f"only {killed} builds were killed before they ended (builds {duration} s; {states})"


def test_stale_view_folders_of_a_killed_build_are_cleaned(writable_seed_store, seeds_dir):
    """A writer killed while publishing leaves a generation without its marker or a half-made link, and a
    killed reader its snapshot; the next build removes them (live readers' snapshots stay)."""
    s = writable_seed_store
    root = Path(view_root(s))
    (root / "g00000000000000000001").mkdir()
    (root / "g00000000000000000001" / "CURRENT").write_text("x")
    (root / "current.tmp999999").symlink_to("g00000000000000000001")
    (root / "g00000000000000000002.tmp").mkdir()   # RocksDB's checkpoint folder before its rename
    (root / "r999999.dead").mkdir()           # no such process
    (root / f"r{os.getpid()}.alive").mkdir()  # this process: a reader still at work
    build([seeds_dir / "000_ce5797c3e7b73d6e.txt"], s)
    left = sorted(p.name for p in root.iterdir())
    assert left[0] == "current" and left[1].startswith("g") and left[2:] == [f"r{os.getpid()}.alive"], left
    assert os.readlink(root / "current") == left[1]
    assert (root / left[1] / "COMPLETE").exists()


def test_a_view_of_the_old_layout_is_replaced(writable_seed_store, seeds_dir):
    """Ghatna 0.1 kept one bare checkpoint at ``<store>.view``; publishing replaces it with generations."""
    s = writable_seed_store
    root = Path(view_root(s))
    shutil.rmtree(root)
    gs = open_store(s)
    gs.store.backup(str(root))
    gs.close()
    build([seeds_dir / "000_ce5797c3e7b73d6e.txt"], s)
    assert os.path.islink(view_path(s)) and nquads(view_path(s)) == nquads(s)


def test_readers_of_a_view_survive_its_replacement(writable_seed_store, seeds_dir):
    """A reader opened on a view keeps reading whole data after newer views were published and the one it
    started from was deleted (RocksDB opens files lazily: the reader needs its own hard links)."""
    from kg.store import writer_active
    s = writable_seed_store
    before = nquads(s)
    gs = open_store(s)   # hold the store: readers now go to the view
    try:
        assert writer_active(s)
        reader = open_store(s, read_only=True)
        snapshot = Path(reader.path)
        assert snapshot.parent == Path(view_root(s)) and snapshot.name.startswith(f"r{os.getpid()}.")
        gs.store.update("CLEAR GRAPH <https://w3id.org/ghatna/id/graph/entities>")
        for _ in range(3):
            gs.publish_view()
        gens = [p for p in Path(view_root(s)).iterdir() if p.name.startswith("g")]
        assert len(gens) == 1   # the generation the reader started from is gone
        assert sorted(export(reader, "nquads").decode("utf-8").splitlines()) == before
        reader.close()
        assert not snapshot.exists()
    finally:
        gs.close()


# ------------------------------------------------------------------ versions
def _set_format(store: Path, value: str) -> None:
    s = ox.Store(str(store))
    g, node, p = ox.NamedNode(BUILD_GRAPH), ox.NamedNode(STORE_NODE), ox.NamedNode(
        "https://w3id.org/ghatna/id/build/formatVersion")
    for q in list(s.quads_for_pattern(node, p, None, g)):
        s.remove(q)
    s.add(ox.Quad(node, p, ox.Literal(value), g))
    s.flush()
    del s


@pytest.mark.parametrize("found", ["0", "2", "999"])
def test_a_store_of_another_format_version_is_refused_with_how_to_rebuild(writable_seed_store, found, seeds_dir):
    s = writable_seed_store
    shutil.rmtree(view_root(s), ignore_errors=True)
    _set_format(s, found)
    with pytest.raises(StoreError, match=r"rebuild"):
        open_store(s, read_only=True)
    for args in (("query", "meetings"), ("export",), ("build", seeds_dir), ("remove", "003_b809a8d0328b69a2"),
                 ("validate",), ("backup", s.parent / "bk")):
        result = cli(*args, "--store", s)
        assert result.exit_code != 0, args
        line = one_line(result.output)
        assert str(s) in line and f"format {found}" in line and re.search(r"rebuild.*kg build", line), line
    # refusing wrote nothing: the recorded version is still the foreign one
    q = list(ox.Store.read_only(str(s)).quads_for_pattern(None, ox.NamedNode(
        "https://w3id.org/ghatna/id/build/formatVersion"), None, ox.NamedNode(BUILD_GRAPH)))
    assert [x.object.value for x in q] == [found]
    assert not (s.parent / "bk").exists()


def test_the_store_records_format_code_and_ontology_versions(seed_store):
    import kg
    from kg.store import FORMAT_VERSION

    onto = {t.predicate.value: t.object.value for t in ox.parse(path=str(ROOT / "ontology" / "ghatna.ttl"))
            if t.subject == ox.NamedNode("https://w3id.org/ghatna/ontology")}
    version = onto["http://www.w3.org/2002/07/owl#versionInfo"]
    s = ox.Store.read_only(str(seed_store))
    meta = {q.predicate.value.rsplit("/", 1)[-1]: q.object.value
            for q in s.quads_for_pattern(ox.NamedNode(STORE_NODE), None, None, ox.NamedNode(BUILD_GRAPH))}
    assert meta == {"formatVersion": FORMAT_VERSION, "ghatnaVersion": kg.__version__, "ontologyVersion": version}


def test_a_changed_ontology_version_is_recorded_by_the_next_build(writable_seed_store, seeds_dir):
    s = ox.Store(str(writable_seed_store))
    p = ox.NamedNode("https://w3id.org/ghatna/id/build/ontologyVersion")
    for q in list(s.quads_for_pattern(ox.NamedNode(STORE_NODE), p, None, ox.NamedNode(BUILD_GRAPH))):
        s.remove(q)
    s.add(ox.Quad(ox.NamedNode(STORE_NODE), p, ox.Literal("0"), ox.NamedNode(BUILD_GRAPH)))
    s.flush()
    del s
    build([seeds_dir], writable_seed_store)
    s = ox.Store.read_only(str(writable_seed_store))
    assert [q.object.value for q in s.quads_for_pattern(ox.NamedNode(STORE_NODE), p, None,
                                                        ox.NamedNode(BUILD_GRAPH))] != ["0"]


# ------------------------------------------------------------------ concurrency
HOLDER = textwrap.dedent("""
    import sys, pyoxigraph
    s = pyoxigraph.Store(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
""")


@pytest.fixture
def held(writable_seed_store):
    """The seed store, held for writing by another process for as long as the test runs."""
    snap = nquads(writable_seed_store)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(writable_seed_store)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield writable_seed_store, snap
    finally:
        holder.communicate("\n", timeout=30)
    assert nquads(writable_seed_store) == snap


def test_readers_work_while_another_process_holds_the_store(held, tmp_path):
    store, snap = held
    r = kg("query", "meetings", "--store", store)
    assert r.returncode == 0 and "(5 rows)" in r.stdout, r.stderr
    r = kg("export", "--format", "nquads", "--store", store)
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.splitlines()) == snap
    out = tmp_path / "g.nq"
    assert kg("export", "--format", "nquads", "--store", store, "-o", out).returncode == 0
    assert sorted(out.read_text(encoding="utf-8").splitlines()) == snap


def test_a_second_writer_gets_one_line_naming_the_store(held, seeds_dir):
    store, _ = held
    t = time.monotonic()
    for args in (("build", seeds_dir), ("remove", "003_b809a8d0328b69a2")):
        r = kg(*args, "--store", store, timeout=30)
        assert r.returncode == 1, r
        line = one_line(r.stderr)
        assert str(store) in line and "another process holds this store" in line, line
    assert time.monotonic() - t < 30  # refused at once, not after waiting


def test_backup_while_the_store_is_held_equals_the_original(held, tmp_path):
    store, snap = held
    r = kg("backup", tmp_path / "bk", "--store", store)
    assert r.returncode == 0, r.stderr
    assert nquads(tmp_path / "bk") == snap


def test_backup_while_idle_equals_the_original(writable_seed_store, tmp_path):
    r = kg("backup", tmp_path / "bk", "--store", writable_seed_store)
    assert r.returncode == 0, r.stderr
    assert nquads(tmp_path / "bk") == nquads(writable_seed_store)


def test_reading_in_the_writing_process_keeps_its_lock(writable_seed_store):
    """Python API: opening a store read-only in the process that holds it for writing must not release
    RocksDB's lock (closing any descriptor of a POSIX-locked file drops the process's lock)."""
    gs = open_store(writable_seed_store)
    try:
        reader = open_store(writable_seed_store, read_only=True)
        assert len(export(reader, "nquads")) > 1000
        from kg.store import writer_active
        assert writer_active(writable_seed_store)
        r = subprocess.run([sys.executable, "-c", "import sys, pyoxigraph; pyoxigraph.Store(sys.argv[1])",
                            str(writable_seed_store)], capture_output=True, text=True, timeout=30)
        assert r.returncode != 0 and "lock" in r.stderr.lower(), "another process could open the store for writing"
    finally:
        gs.close()


@pytest.mark.slow
def test_readers_during_a_long_build_see_a_whole_state(tmp_path):
    """A real ``kg build`` writes while readers query and export: every reader succeeds and sees the
    last completed state or the new one, never a mixture, and a second build is refused at once."""
    from kg.store import writer_active

    corpus = tmp_path / "corpus"
    _corpus(corpus, 2, old=False, conforming=False)
    store, final_ref = tmp_path / "kg.oxigraph", tmp_path / "ref.oxigraph"
    build(sorted(corpus.glob("c0_*.txt")), store)
    build([corpus], final_ref)
    before, after = nquads(store), nquads(final_ref)

    writer = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(store), "-q",
                               "--workers", "1"], cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not writer_active(store) and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert writer.poll() is None, "the build ended before it could be observed"
        seen = 0
        while writer.poll() is None and time.monotonic() < deadline:
            r = cli("export", "--format", "nquads", "--store", store)
            assert r.exit_code == 0, r.output
            assert sorted(r.output.splitlines()) in (before, after)
            r = cli("query", "meetings", "--store", store, "--timeout", "20")
            assert r.exit_code == 0, r.output
            if seen == 0 and writer.poll() is None:
                second = kg("build", corpus, "--store", store, timeout=30)
                if writer.poll() is None:  # still writing when the second build started and ended
                    assert second.returncode == 1 and str(store) in one_line(second.stderr), second
            seen += 1
        assert seen >= 1
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait(timeout=30)
    assert nquads(store) == after
