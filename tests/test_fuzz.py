"""Nasty input never crashes the build, never yields invalid RDF, never yields an offset that does not
slice its article.

A corpus of hostile files is made in the test (bad encodings, BOM, CRLF, NULs, control characters, mixed
scripts, a 10 MB line, an empty file, binaries, a symlink loop, a FIFO, a file that vanishes mid-build,
nested quotes, Indian digit grouping, endless sentences), and hypothesis writes Devanagari text that goes
through extraction, identity and RDF.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg.build
from kg.article import parse_article
from kg.build import build
from kg.cli import EXIT_SKIPPED, main
from kg.errors import ArticleError
from kg.export import export
from kg.gazetteer import load_gazetteer
from kg.identity import ArticleEvents, resolve
from kg.pipeline import events_of, extract, extraction_record
from kg.rdf import ArticleMeta, article_quads
from kg.store import GraphStore, open_store
from kg.validate import validate

ROOT = Path(__file__).resolve().parent.parent
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
SEED = (ROOT / "seeds" / "000_ce5797c3e7b73d6e.txt").read_text(encoding="utf-8")
HINDI = "date 2025-09-03\nबीजिंग में रूसी राष्ट्रपति व्लादिमीर पुतिन ने किम जोंग उन से मुलाकात की। पुतिन ने कहा कि संबंध मजबूत हैं।\n"


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def nquads(path) -> list[str]:
    gs = open_store(path, read_only=True)
    return sorted(export(gs, "nquads").decode("utf-8").splitlines())


def offsets_slice(quads) -> int:
    """Every evidence span's begin/end slice its article's text to its anchor; returns how many spans."""
    by_subject: dict[str, dict[str, ox.Literal | ox.NamedNode]] = {}
    for q in quads:
        if q.predicate.value.startswith(NIF):
            by_subject.setdefault(q.subject.value, {})[q.predicate.value[len(NIF):]] = q.object
    n = 0
    for span, props in by_subject.items():
        if "anchorOf" not in props:
            continue
        ctx = by_subject[props["referenceContext"].value]["isString"].value
        b, e = int(props["beginIndex"].value), int(props["endIndex"].value)
        assert 0 <= b <= e <= len(ctx) and ctx[b:e] == props["anchorOf"].value, span
        n += 1
    return n


# ------------------------------------------------------------------ the nasty corpus
@pytest.fixture(scope="module")
def nasty(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A folder of hostile files; returns it and {file name: expected skip reason} for the bad ones."""
    d = tmp_path_factory.mktemp("nasty") / "corpus"
    d.mkdir()
    rng = random.Random(7)
    w = lambda name, data: (d / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))  # noqa: E731
    bad: dict[str, str] = {}
    # readable, if odd
    w("bom.txt", "\ufeff" + HINDI)
    w("crlf.txt", SEED.replace("\n", "\r\n"))
    w("cr_only.txt", SEED.replace("\n", "\r"))
    w("nul_few.txt", HINDI.replace("पुतिन", "पु\x00तिन", 1) + "\x00")
    w("control.txt", "\x01\x02\x07\x08\x0b\x0c\x1b[31m" + HINDI.replace(" ", " \x7f", 3) + "\x1f\u200b\u200d\u2028\u2029")
    w("mixed_scripts.txt", "date 2025-09-03\nपुतिन Putin Путин بوتين 普京 ने किम 김정은 से मुलाकात की 🤝। "
                           "ट्रंप (Trump) ने कहा — “सब ठीक है।” ꧁ देवनागरी ꧂ \u0301\u093c\u094d\n" + "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 " * 20)
    w("quotes.txt", 'पुतिन ने कहा, "' + '“किम ने कहा, ‘' * 60 + "हम जीतेंगे" + "’ ”" * 60 + '"।\n'
                    + 'पेसकोव ने कहा कि ' + '"' * 501 + " «»‹›„‚ '' ```\n")
    w("numbers.txt", "date 2024-11-05\nदक्षिण कोरिया के अनुसार उत्तर कोरिया ने 1,00,00,00,000 सैनिक रूस भेजे। "
                     "रूस ने १,००,००,००,००० सैनिक तैनात किए। उत्तर कोरिया ने 99999999999999999999999999 सैनिक भेजे। "
                     "लगभग 0 सैनिक, -5 सैनिक, 1.5e10 सैनिक, 12,34,56,78,90,12,34,56 सैनिक और 10 करोड़ अरब खरब सैनिक भेजे गए।\n")
    w("long_sentence.txt", "date 2025-09-03\n" + ("पुतिन ने किम से मुलाकात की और कहा कि रूस साथ है तथा 5000 सैनिक "
                                                    "तैनात होंगे, " * 800) + "\n")
    w("one_word_line.txt", "पुतिन ने कहा " + "क" * 60_000 + "\n")
    w("many_lines.txt", "\n".join(f"पुतिन ने {i} बार कहा।" for i in range(1000)))
    w("deep_parens.txt", "पुतिन (" * 500 + "ने किम से मुलाकात की" + ")" * 500 + "।\n")
    w("date_junk.txt", "date 2025-99-99\n" + HINDI.split("\n", 1)[1] + "date 0000-00-00\n")
    # unreadable: skipped with a warning naming the file and the reason
    w("latin1.txt", "café à Moscou, Poutine a dit".encode("latin-1")); bad["latin1.txt"] = "not UTF-8"
    w("broken_utf8.txt", HINDI.encode("utf-8")[:-2] + b"\xff\xfe"); bad["broken_utf8.txt"] = "not UTF-8"
    w("utf16.txt", HINDI.encode("utf-16")); bad["utf16.txt"] = "not UTF-8|binary"
    w("empty.txt", b""); bad["empty.txt"] = "empty article"
    w("blank.txt", " \n\t\r\n\ufeff\x0b "); bad["blank.txt"] = "empty article"
    w("nul_mostly.txt", b"\x00" * 5000 + "पुतिन".encode()); bad["nul_mostly.txt"] = "binary"
    with open(d / "huge_line.txt", "wb") as fh:  # 10 MB, one line
        unit = "पुतिन ने कहा कि ".encode()
        fh.write(unit * (10 * 1024 * 1024 // len(unit) + 1))
    bad["huge_line.txt"] = "over the limit"
    bins = d / "binaries"
    bins.mkdir()
    for i in range(5):
        (bins / f"blob{i}.txt").write_bytes(bytes(rng.randrange(256) for _ in range(2000)) + b"\x00" * 100)
        bad[f"blob{i}.txt"] = "not UTF-8|binary"
    (bins / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(500))  # not .txt: not an article at all
    # links: a loop, a dangling link, a folder link back up (must not loop the walk)
    os.symlink("loop_b.txt", d / "loop_a.txt"); bad["loop_a.txt"] = "cannot read"
    os.symlink("loop_a.txt", d / "loop_b.txt"); bad["loop_b.txt"] = "cannot read"
    os.symlink("nowhere.txt", d / "dangling.txt"); bad["dangling.txt"] = "cannot read"
    os.symlink("..", bins / "up")
    os.mkfifo(d / "fifo.txt"); bad["fifo.txt"] = "not a regular file"  # reading it would wait forever
    (d / "folder.txt").mkdir()  # a folder named like an article: searched, not read
    (d / "folder.txt" / "inner.txt").write_text(HINDI, encoding="utf-8")
    return d, bad


def test_nasty_corpus_build_skips_what_it_cannot_read_and_the_rest_conforms(nasty, tmp_path):
    corpus, bad = nasty
    store = tmp_path / "kg.oxigraph"
    t = time.monotonic()
    result = cli("build", corpus, "--store", store)
    assert time.monotonic() - t < 120
    assert "Traceback" not in result.output
    assert result.exit_code == EXIT_SKIPPED, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: skipped ")]
    for name, reason in bad.items():
        hits = [line for line in warnings if re.search(rf"/{re.escape(name)}: ", line)]
        assert len(hits) == 1, (name, result.output)
        assert re.search(reason, hits[0]), hits[0]
    assert len(warnings) == len(bad), warnings
    summary = re.search(r"(\d+) articles read .* (\d+) skipped; (\d+) in store", result.output)
    assert summary and int(summary.group(2)) == len(bad), result.output
    readable = {p.name for p in corpus.rglob("*.txt") if p.name not in bad and p.is_file() and not p.is_symlink()}
    assert int(summary.group(1)) == int(summary.group(3)) == len(readable)
    gs = open_store(store, read_only=True)
    assert set(gs.articles()) == {Path(n).stem for n in readable}
    report = validate(gs)
    assert report.conforms, report.shacl_text[:3000] + "\n".join(report.offset_errors[:10])
    assert offsets_slice(gs.store.quads_for_pattern(None, None, None, None)) > 0
    ds = ox.Dataset(ox.parse(export(gs, "nquads"), format=ox.RdfFormat.N_QUADS))  # valid N-Quads
    assert len(ds) > 1000
    # the text kept is the cleaned one: no BOM, no CR, no NUL or other control character
    texts = [q.object.value for q in gs.store.quads_for_pattern(None, ox.NamedNode(NIF + "isString"), None, None)]
    assert texts and not any(re.search(r"[\ufeff\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", t) for t in texts)
    # a second build reads the same files and changes nothing
    before = nquads(store)
    again = cli("build", corpus, "--store", store, "-q")
    assert again.exit_code == EXIT_SKIPPED and nquads(store) == before


def test_strict_refuses_the_nasty_corpus_and_writes_nothing(nasty, tmp_path, seed_store):
    corpus, _ = nasty
    new = tmp_path / "new.oxigraph"
    result = cli("build", corpus, "--store", new, "--strict")
    assert result.exit_code not in (0, EXIT_SKIPPED)
    line = [x for x in result.output.strip().splitlines() if x.strip()]
    assert len(line) == 1 and "--strict: nothing was written" in line[0] and "corpus/" in line[0], result.output
    assert not new.exists()  # not even an empty store
    old = tmp_path / "old.oxigraph"
    shutil.copytree(seed_store, old)
    before = nquads(old)
    assert cli("build", corpus, "--store", old, "--strict").exit_code not in (0, EXIT_SKIPPED)
    assert nquads(old) == before


@pytest.mark.parametrize("strict", [False, True])
def test_a_file_that_vanishes_mid_build(monkeypatch, tmp_path, strict):
    """Found by the folder walk, gone when it is read: skipped (or, --strict, an error with nothing written)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "stays.txt").write_text(HINDI, encoding="utf-8")
    (corpus / "goes.txt").write_text(SEED, encoding="utf-8")
    found = kg.build.find_article_paths

    def find_then_delete(paths):
        files = found(paths)
        (corpus / "goes.txt").unlink()
        return files

    monkeypatch.setattr(kg.build, "find_article_paths", find_then_delete)
    store = tmp_path / "kg.oxigraph"
    result = cli("build", corpus, "--store", store, *(["--strict"] if strict else []))
    assert "Traceback" not in result.output
    if strict:
        assert result.exit_code == 1 and re.search(r"goes\.txt: cannot read \(No such file", result.output)
        assert not store.exists()
    else:
        assert result.exit_code == EXIT_SKIPPED
        assert re.search(r"warning: skipped \S*goes\.txt: cannot read \(No such file", result.output), result.output
        assert "1 skipped; 1 in store" in result.output
        assert validate(open_store(store, read_only=True)).conforms


def test_a_file_made_unreadable_mid_build_under_strict_writes_nothing(monkeypatch, tmp_path, seed_store):
    """It passes the --strict check, then fails when the build reads it: still nothing is written."""
    store = tmp_path / "kg.oxigraph"
    shutil.copytree(seed_store, store)
    before = nquads(store)
    f = tmp_path / "late.txt"
    f.write_text(HINDI, encoding="utf-8")
    check = kg.build._check_readable

    def check_then_break(files, published, max_bytes):
        check(files, published, max_bytes)
        f.write_bytes(b"\xff\xfe broken")

    monkeypatch.setattr(kg.build, "_check_readable", check_then_break)
    with pytest.raises(ArticleError, match=r"late\.txt: not UTF-8.*nothing was written"):
        build([f], store, strict=True)
    assert nquads(store) == before
    fresh = tmp_path / "fresh.oxigraph"
    with pytest.raises(ArticleError):
        build([f], fresh, strict=True)
    assert not fresh.exists()


def test_a_huge_line_within_a_raised_limit_is_read_in_linear_time(tmp_path):
    """A 150 KB article on one line without a sentence mark (extraction work grows faster than linearly
    with a sentence's length: the splitter cuts such runs)."""
    text = "date 2025-09-03\n" + "पुतिन ने किम जोंग उन से मुलाकात की और कहा कि 5000 सैनिक तैनात होंगे " * 2000
    art = parse_article("huge", text.encode("utf-8"))
    t = time.monotonic()
    events = extract(art, load_gazetteer())
    assert time.monotonic() - t < 30
    quads = _quads_of(art, events)
    assert offsets_slice(quads) > 0


def test_an_explicit_symlink_loop_or_fifo_never_hangs(tmp_path):
    os.symlink("b.txt", tmp_path / "a.txt")
    os.symlink("a.txt", tmp_path / "b.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.txt").write_text(HINDI, encoding="utf-8")
    result = cli("build", tmp_path / "pipe.txt", tmp_path / "ok.txt", "--store", tmp_path / "s")
    assert result.exit_code == EXIT_SKIPPED and "pipe.txt: not a regular file" in result.output, result.output
    result = cli("build", tmp_path / "a.txt", "--store", tmp_path / "s")
    assert result.exit_code != 0 and "a.txt" in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------ generated text
WORDS = ["पुतिन", "व्लादिमीर पुतिन", "किम जोंग उन", "मोदी", "शी जिनपिंग", "ट्रंप", "पेसकोव", "रूस", "उत्तर कोरिया",
         "भारत", "चीन", "बीजिंग", "प्योंगयांग", "कुर्स्क", "ने", "से", "में", "को", "की", "के", "और", "कि", "कहा",
         "मुलाकात", "बैठक", "वार्ता", "फोन पर बात", "सैनिक", "तैनात", "भेजे", "संधि", "समझौते", "हस्ताक्षर", "किए",
         "नहीं", "होगी", "थी", "करीब", "लगभग", "से अधिक", "हजार", "लाख", "करोड़", "1,00,00,00,000", "15,000",
         "१२००", "3 सितंबर 2025", "पिछले साल", "अगले महीने", "सोमवार", "2024", "जून", "प्रवक्ता", "राष्ट्रपति",
         "रूसी", "के अनुसार", "रिपोर्ट", "यह भी पढ़ें", "Latest News", "(", ")"]
SENTENCES = ["पुतिन ने बीजिंग में किम जोंग उन से मुलाकात की।", 'पेसकोव ने कहा, "रूस बातचीत के लिए तैयार है।"',
             "दक्षिण कोरिया के अनुसार उत्तर कोरिया ने लगभग 10,000 सैनिक रूस के कुर्स्क क्षेत्र में भेजे।",
             "रूस और उत्तर कोरिया ने प्योंगयांग में व्यापक रणनीतिक साझेदारी संधि पर हस्ताक्षर किए।",
             "मोदी और शी जिनपिंग ने सोमवार को फोन पर बात की।", "ट्रंप ने कहा कि वह पुतिन से अगले महीने मिलेंगे।"]
PUNCT = list("।?!.,;:-—\"'“”‘’«»()[]॥ \n") + ["''", "\n\n", "\r\n", "\t", "\u200d", "\u200c", "\u093c"]
DEVANAGARI = st.characters(min_codepoint=0x0900, max_codepoint=0x097F)
TOKEN = st.one_of(st.sampled_from(SENTENCES), st.sampled_from(WORDS), st.sampled_from(PUNCT), st.text(DEVANAGARI, min_size=1, max_size=6),
                  st.text(st.sampled_from("0123456789०१२३४५६७८९,."), min_size=1, max_size=14))
TEXT = st.lists(TOKEN, min_size=1, max_size=80).map(" ".join)
HEADER = st.one_of(st.just(""), st.dates().map(lambda d: f"date {d.isoformat()}\n"), st.just("date 2025-02-30\n"))

_GAZ = None


def _gaz():
    global _GAZ
    _GAZ = _GAZ or load_gazetteer()
    return _GAZ


def _quads_of(article, events, ident=None):
    """What the build writes for a store holding this one article (through the JSON record, as cached)."""
    rec = extraction_record(article, events)
    clusters = resolve([ArticleEvents(article.ident, rec["article"]["published"], events_of(rec))], _gaz())
    a = rec["article"]
    return article_quads(ArticleMeta(a["ident"], a["text"], a["content_hash"], a["published"], a["headline"]),
                         clusters, _gaz())


def test_generated_hindi_text_gives_valid_conforming_rdf_with_exact_offsets():
    collected = GraphStore(ox.Store(), None, False)
    collected.ensure_static()
    counter = iter(range(10**9))
    stats = {"events": 0, "spans": 0}

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(header=HEADER, body=TEXT)
    def one(header, body):
        raw = (header + body).encode("utf-8")
        ident = f"gen{next(counter):05d}"
        try:
            article = parse_article(ident, raw)
        except ArticleError as e:
            assert "empty article" in str(e)
            return
        events = extract(article, _gaz())
        quads = _quads_of(article, events)
        # valid RDF: serialises as N-Quads and parses back to the same quads
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        assert sorted(map(str, ox.parse(data, format=ox.RdfFormat.N_QUADS))) == sorted(map(str, quads))
        stats["spans"] += offsets_slice(quads)
        stats["events"] += len(events)
        collected.store.extend(quads)

    one()
    assert stats["events"] > 0, "the generator never produced an event: it tests nothing"
    report = validate(collected)  # once over every generated article's graph (pySHACL is slow)
    assert report.conforms, report.shacl_text[:3000] + "\n".join(report.offset_errors[:10])
