"""Each stage alone: text, article reading, gazetteer matching, numbers."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kg.article import find_article_paths, find_articles, parse_article, read_article, stem
from kg.errors import ArticleError
from kg.gazetteer import load_gazetteer, new_entity_iri
from kg.numbers import find_numbers
from kg.text import fold, fold_key, normalize, split_sentences

E = "https://w3id.org/ghatna/id/entity/"


# ------------------------------------------------------------------ text
def test_normalize_nfc_bom_crlf_controls():
    raw = "\ufeffक\u093c\r\nख\x00ग\x07"
    assert normalize(raw) == "क़\nखग"


@pytest.mark.parametrize("a,b", [
    ("हज़ार", "हजार"), ("फ़रवरी", "फरवरी"), ("किम जोंग-उन", "किम जोंग उन"), ("२०२४", "2024"),
    ("हूँ", "हूं"), ("क\u200dष", "कष"),
])
def test_fold_matches_variants_alike(a, b):
    assert fold(a).text == fold(b).text


def test_fold_maps_back_to_original_offsets():
    text = "नई दिल्ली में हज़ार सैनिक"
    f = fold(text)
    i = f.text.index("हजार")
    s, e = f.span(i, i + 4)
    assert text[s:e] == "हज़ार"


def test_sentences_keep_offsets_into_the_article(seeds_dir):
    for path in seeds_dir.glob("*.txt"):
        text = normalize(path.read_text(encoding="utf-8"))
        for s in split_sentences(text):
            assert text[s.start:s.end] == s.text


def test_sentences_split_on_danda_question_and_full_stop_not_in_quotes_or_numbers():
    text = 'उन्होंने कहा, "हम तैयार हैं। हम लड़ेंगे।" फिर वे गए. क्या यह सच है? 3.5 प्रतिशत बढ़ा।'
    assert [s.text for s in split_sentences(text)] == [
        'उन्होंने कहा, "हम तैयार हैं। हम लड़ेंगे।"', "फिर वे गए.", "क्या यह सच है?", "3.5 प्रतिशत बढ़ा।"]


def test_two_single_quotes_close_a_double_quote():
    text = "उन्होंने कहा, \"पहला। दूसरा,'' उन्होंने कहा। अगला वाक्य।"
    assert [s.text for s in split_sentences(text)][-1] == "अगला वाक्य।"


# ------------------------------------------------------------------ article
def test_date_header_is_read_and_skipped():
    a = parse_article("x", " date 2025-09-03 पुतिन ने कहा।".encode())
    assert a.published == dt.date(2025, 9, 3) and a.published_from == "header"
    assert a.is_skipped(1, 16)


def test_english_dateline_gives_the_date():
    a = parse_article("x", "शीर्षक\nAug 13, 2025, 11:03 AM\nसियोल: किम ने कहा।".encode())
    assert a.published == dt.date(2025, 8, 13) and a.published_from == "dateline"


def test_published_option_is_the_fallback():
    a = parse_article("x", "किम ने कहा कि वे आएंगे।".encode(), published=dt.date(2024, 1, 2))
    assert a.published == dt.date(2024, 1, 2) and a.published_from == "option"
    b = parse_article("x", " date 2025-09-03 किम ने कहा।".encode(), published=dt.date(2024, 1, 2))
    assert b.published == dt.date(2025, 9, 3)


def test_no_date_is_fine():
    assert parse_article("x", "किम ने कहा कि वे आएंगे।".encode()).published is None


@pytest.mark.parametrize("line", [
    "यह भी पढ़ें: पुतिन ने मोदी से मुलाकात की", "Source link", "Dakshin Bharat Android App Download",
    "Photo: kremlin website", "Published on", "ये भी पढ़ें- ट्रंप ने कहा कि",
])
def test_boilerplate_lines_are_skipped(line):
    text = f"पहली पंक्ति।\n{line}\nआखिरी पंक्ति।"
    a = parse_article("x", text.encode())
    start = a.text.index(line.split()[0])
    assert a.is_skipped(start, start + len(line))
    assert not a.is_skipped(0, 5)


def test_related_story_tail_is_skipped():
    text = "पुतिन ने कहा कि हम जीतेंगे।\nLatest articles\nमोदी ने ट्रंप से मुलाकात की।\n"
    a = parse_article("x", text.encode())
    tail = a.text.index("मोदी")
    assert a.is_skipped(tail, len(a.text))


def test_bad_files_raise_one_line_errors(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfeabc \xe0\xa4")
    with pytest.raises(ArticleError, match=r"bad.txt: not UTF-8"):
        read_article(bad)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    with pytest.raises(ArticleError, match="empty.txt: empty article"):
        read_article(empty)
    with pytest.raises(ArticleError, match="no such file"):
        find_articles([tmp_path / "missing"])
    (tmp_path / "d").mkdir()
    with pytest.raises(ArticleError, match="no .txt articles"):
        find_articles([tmp_path / "d"])
    big = tmp_path / "big.txt"
    big.write_bytes("क".encode() * 100)
    with pytest.raises(ArticleError, match="over the limit"):
        read_article(big, max_bytes=50)


def test_article_paths_are_the_paths_as_strings_in_the_same_order(tmp_path, monkeypatch):
    """The build's string listing must name the files exactly as ``str(Path)`` would (the stats it records
    and the report use these strings), in the same order: by article name, then path."""
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / "a").mkdir()
    for rel in ("a/z.txt", "b/a.txt", "b/deeper/m.TXT", "b/notes.md", "a/..txt", "top.txt", "a/x.y.txt"):
        (tmp_path / rel).write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "a", tmp_path / "b" / "link_to_a")   # a symlinked folder is not followed
    monkeypatch.chdir(tmp_path)
    for paths in (["."], ["./"], ["a", "./b"], [str(tmp_path)], ["b//deeper/m.TXT", "b", "top.txt"],
                  ["b/notes.md"], ["a/../b"]):
        want = [str(p) for p in find_articles(paths)]
        assert find_article_paths(paths) == want, paths
        assert [stem(f) for f in want] == [Path(f).stem for f in want]
    # "..txt" has no extension to os.path.splitext, so a folder's walk does not take it
    assert find_article_paths(["."]) == ["b/a.txt", "b/deeper/m.TXT", "top.txt", "a/x.y.txt", "a/z.txt"]


# ------------------------------------------------------------------ gazetteer
@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _iris(gaz, text, day=None):
    return [m.iri.rsplit("/", 1)[-1] for m in gaz.find(text, day)]


@pytest.mark.parametrize("text", ["किम जोंग-उन ने कहा", "किम जोंग उन ने कहा", "किम ने कहा", "Kim Jong Un said"])
def test_spelling_variants_match_one_entity(gaz, text):
    assert _iris(gaz, text) == ["kim-jong-un"]


def test_no_match_inside_a_longer_word(gaz):
    assert "russia" not in _iris(gaz, "रूसी सेना आगे बढ़ी")
    assert _iris(gaz, "रूस ने कहा") == ["russia"]


def test_role_phrase_resolves_by_date(gaz):
    assert _iris(gaz, "अमेरिकी राष्ट्रपति ने कहा", dt.date(2024, 6, 1)) == ["joe-biden"]
    assert _iris(gaz, "अमेरिकी राष्ट्रपति ने कहा", dt.date(2025, 8, 1)) == ["donald-trump"]


def test_title_before_a_name_is_not_a_second_mention(gaz):
    assert _iris(gaz, "रूसी राष्ट्रपति व्लादिमीर पुतिन ने कहा", dt.date(2025, 1, 1)) == ["vladimir-putin"]


def test_capital_phrase_is_the_capital(gaz):
    assert _iris(gaz, "उत्तर कोरियाई राजधानी में बैठक") == ["pyongyang"]


def test_demonym_points_at_the_country(gaz):
    ms = gaz.find("उत्तर कोरियाई सैनिकों ने")
    assert [(m.iri, m.via) for m in ms] == [(E + "north-korea", "demonym")]


def test_unknown_person_after_a_title_is_minted(gaz):
    ms = gaz.find("विदेश मंत्री अनवर हुसैन ने कहा")
    assert [(m.text, m.via) for m in ms] == [("अनवर हुसैन", "title")]
    assert ms[0].iri == new_entity_iri("अनवर  हुसैन")
    assert fold_key("अनवर हुसैन") in {fold_key(ms[0].label)}


def test_the_gazetteer_is_cached_and_a_bad_cache_is_made_again(tmp_path, monkeypatch, seeds_dir):
    """The gazetteer is read from the user's cache when it was made from the same files by the same code;
    the cached one finds what a freshly made one finds; a damaged cache file is made again, and a cache
    folder that cannot be written is no error."""
    import kg.gazetteer as G

    def found(g) -> list:
        return [(m.start, m.end, m.iri, m.via) for f in sorted(seeds_dir.glob("*.txt"))
                for m in g.find(f.read_text(encoding="utf-8"))]

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = str(G.ontology_dir() / "entities.ttl")
    fresh = G._read(path)
    G._load.cache_clear()
    try:
        made = G.load_gazetteer()
        cached = list((tmp_path / "cache" / "ghatna").glob("gazetteer-*.pickle"))
        assert len(cached) == 1 and G._cache_file(path) == cached[0]
        G._load.cache_clear()
        read = G.load_gazetteer()
        assert read is not made and found(read) == found(made) == found(fresh) and found(fresh)
        cached[0].write_bytes(b"not a pickle")
        G._load.cache_clear()
        assert found(G.load_gazetteer()) == found(fresh) and cached[0].stat().st_size > 1000
        monkeypatch.setenv("XDG_CACHE_HOME", str(cached[0]))   # a file where the folder should be
        G._load.cache_clear()
        assert found(G.load_gazetteer()) == found(fresh)
    finally:
        G._load.cache_clear()


def test_gazetteer_knows_the_contract_wikidata_links(gaz):
    qids = {e.iri.rsplit("/", 1)[-1]: e.qid for e in gaz.entities.values()}
    assert qids["vladimir-putin"] == "Q7747" and qids["kim-jong-un"] == "Q56226"
    assert qids["russia"] == "Q159" and qids["north-korea"] == "Q423"


# ------------------------------------------------------------------ numbers
@pytest.mark.parametrize("text,value", [
    ("15,000 सैनिक", 15000), ("1,50,000 जवान", 150000), ("१२,००० सैनिक", 12000), ("10 हजार सैनिक", 10000),
    ("दो हज़ार सैनिक", 2000), ("डेढ़ लाख सैनिक", 150000), ("पांच सौ सैनिक", 500), ("1,00,00,00,000", 1000000000),
])
def test_numbers(text, value):
    assert find_numbers(text)[0].value == value


def test_event_to_dict_is_asdict_and_round_trips():
    """``Event.to_dict`` is built by hand for speed: it must equal ``dataclasses.asdict`` and share nothing."""
    from dataclasses import asdict

    from kg.events import CountClaim, Event, NewEntity, Span, event_from_dict
    ev = Event("TroopDeployment", "a1", [Span(0, 4, "सैनिक")], "deployment.v1", roles={"sender": ["e:x"]},
               quotes=["q"], counts=[CountClaim(100, "about", "कोई", Span(5, 8, "१००")), CountClaim(7)],
               new_entities=[NewEntity("e:n", "Person", "नाम")], date="2024-06", during=1)
    d = ev.to_dict()
    assert d == asdict(ev)
    d["roles"]["sender"].append("e:y")
    d["evidence"][0]["start"] = 9
    assert ev.roles["sender"] == ["e:x"] and ev.evidence[0].start == 0
    assert event_from_dict(asdict(ev)) == ev


# --------------------------------------------------------------------------- phrase search
def _reference_matches(words: list[str], text: str, start: int = 0, end: int | None = None):
    """Whole-word matches as the plain pattern finds them (lookbehind, alternation, lookahead)."""
    import re

    from kg.doc import _LETTER
    keys = sorted({fold(w).text.strip() for w in words if w.strip()}, key=len, reverse=True)
    rx = re.compile(rf"(?<![{_LETTER}])(?:{'|'.join(re.escape(k) for k in keys)})(?![{_LETTER}])")
    return [(m.start(), m.end(), m.group(0)) for m in rx.finditer(text, start, len(text) if end is None else end)]


def test_phrase_search_finds_exactly_what_the_lookbehind_pattern_finds():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from kg.doc import Phrases
    pieces = st.sampled_from(list("कमलि ा ेंबातचीत,.-–x") + ["रूस", "बैठक", "की", "ने", " - "])
    word = st.lists(pieces, min_size=1, max_size=4).map("".join)
    text = st.lists(pieces, max_size=25).map("".join)

    @settings(max_examples=400, deadline=None, database=None)
    @given(st.lists(word, min_size=1, max_size=6), text, st.integers(0, 5), st.integers(0, 45))
    def check(words, text, start, end):
        phrases = Phrases(words)
        if not phrases.words:
            return
        end = min(end, len(text))
        assert phrases.finditer(text, start, end) == _reference_matches(words, text, start, end)
        assert phrases.finditer(text) == _reference_matches(words, text)
    check()


def test_phrase_search_inside_a_word_starts_again_one_character_later():
    from kg.doc import Phrases
    # "बात" inside "सबात" is no match, but the search must still find "बात" right after it
    assert Phrases(["बात", "तचीत"]).finditer("सबातचीत बात") == [(8, 11, "बात")]
    assert Phrases(["ab c", "c"]).finditer("xab c") == [(4, 5, "c")]
