"""Checks on the gazetteer data, ontology/entities.ttl: shape, links, unambiguous labels, role terms.

The matcher folds nukta, ZWJ/ZWNJ and case, so the label checks fold the same way: two spellings
that differ only in those are one label, and a folded label must point at one entity.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.resources import ontology_dir

GH = Namespace("https://w3id.org/ghatna/ontology#")
E = Namespace("https://w3id.org/ghatna/id/entity/")
WD = Namespace("http://www.wikidata.org/entity/")

ENTITY_CLASSES = {GH.Person, GH.Country, GH.Organization, GH.NewsAgency, GH.Place}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def fold(text: str) -> str:
    """The matcher's folding: NFC, drop nukta (U+093C) and ZWJ/ZWNJ, lower-case.

    >>> fold("ज़ेलेंस्की") == fold("जेलेंस्की")
    True
    >>> fold("TASS") == fold("Tass")
    True
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u093c", "").replace("\u200c", "").replace("\u200d", "")
    return text.lower()


@lru_cache(maxsize=1)
def graph() -> Graph:
    g = Graph()
    g.parse(ontology_dir() / "entities.ttl", format="turtle")
    return g


def entities() -> list[URIRef]:
    g = graph()
    return sorted({s for c in ENTITY_CLASSES for s in g.subjects(RDF.type, c)})


def names(entity: URIRef) -> list[Literal]:
    g = graph()
    return [o for p in (RDFS.label, SKOS.altLabel) for o in g.objects(entity, p)]


def label_index() -> dict[str, set[URIRef]]:
    index: dict[str, set[URIRef]] = defaultdict(set)
    for ent in entities():
        for name in names(ent):
            index[fold(str(name))].add(ent)
    return index


def role_blocks() -> list[tuple[URIRef, BNode]]:
    return [(s, o) for s, o in graph().subject_objects(GH.holdsRole)]


def to_date(lit: Literal | None) -> dt.date | None:
    return None if lit is None else dt.date.fromisoformat(str(lit))


def holder(phrase: str, on: dt.date) -> set[URIRef]:
    """Who held the office a role phrase names on a given day (end date exclusive)."""
    g = graph()
    found = set()
    for person, block in role_blocks():
        if fold(phrase) not in {fold(str(p)) for p in g.objects(block, GH.rolePhrase)}:
            continue
        start = to_date(g.value(block, GH.roleStart))
        end = to_date(g.value(block, GH.roleEnd))
        if (start is None or start <= on) and (end is None or on < end):
            found.add(person)
    return found


# ---------------------------------------------------------------- shape


def test_parses_and_is_substantial():
    g = graph()
    counts = {c: len(set(g.subjects(RDF.type, c))) for c in ENTITY_CLASSES}
    assert counts[GH.Country] >= 40
    assert counts[GH.Person] >= 70
    assert counts[GH.Organization] >= 40
    assert counts[GH.NewsAgency] >= 20
    assert counts[GH.Place] >= 50


def test_every_named_subject_is_a_typed_entity_under_the_entity_base():
    g = graph()
    typed = set(entities())
    for s in set(g.subjects()):
        if isinstance(s, BNode):
            continue
        assert s in typed, f"{s} has statements but no gazetteer type"
    for term in set(g.subjects()) | {o for o in g.objects() if isinstance(o, URIRef)}:
        if isinstance(term, URIRef) and str(term).startswith("https://w3id.org/ghatna/id/"):
            assert str(term).startswith(str(E)), term
    for ent in typed:
        assert str(ent).startswith(str(E)), ent
        assert SLUG.fullmatch(str(ent)[len(str(E)):]), f"bad slug: {ent}"


def test_blank_nodes_are_only_role_blocks():
    g = graph()
    blocks = {b for _, b in role_blocks()}
    for s in g.subjects():
        if isinstance(s, BNode):
            assert s in blocks, f"stray blank node {s}"
    for block in blocks:
        assert isinstance(block, BNode)
        assert set(g.predicates(block)) <= {GH.rolePhrase, GH.roleStart, GH.roleEnd, RDF.type}


@pytest.mark.parametrize("entity", entities(), ids=lambda e: str(e).rsplit("/", 1)[-1])
def test_entity_has_english_and_hindi_label(entity):
    labels = list(graph().objects(entity, RDFS.label))
    langs = [lab.language for lab in labels]
    assert langs.count("en") == 1, f"{entity}: {labels}"
    assert langs.count("hi") == 1, f"{entity}: {labels}"


def test_all_text_is_nfc_and_hindi_text_is_devanagari():
    g = graph()
    for _, p, o in g:
        if not isinstance(o, Literal) or o.datatype is not None:
            continue
        text = str(o)
        assert text == unicodedata.normalize("NFC", text), f"not NFC: {text!r}"
        assert text == text.strip() and "  " not in text, f"stray whitespace: {text!r}"
        assert "\u200c" not in text and "\u200d" not in text, f"ZWJ/ZWNJ in {text!r}"
        assert o.language in {"en", "hi"}, f"{p} {text!r} has language {o.language!r}"
        if o.language == "hi" and p in (RDFS.label, GH.rolePhrase, GH.demonym):
            assert DEVANAGARI.search(text), f"@hi text without Devanagari: {text!r}"


def test_news_agencies_are_organisations_and_hold_no_roles():
    g = graph()
    for agency in g.subjects(RDF.type, GH.NewsAgency):
        assert (agency, RDF.type, GH.Organization) in g, agency
        assert g.value(agency, GH.holdsRole) is None, agency


def test_types_do_not_mix():
    g = graph()
    kinds = [{GH.Person}, {GH.Country}, {GH.Organization, GH.NewsAgency}, {GH.Place}]
    for ent in entities():
        types = set(g.objects(ent, RDF.type)) & ENTITY_CLASSES
        assert any(types <= k for k in kinds), f"{ent} is {types}"


# ---------------------------------------------------------------- links


def test_every_person_has_a_country():
    g = graph()
    for person in g.subjects(RDF.type, GH.Person):
        assert g.value(person, GH.country) is not None, person


@pytest.mark.parametrize(
    ("prop", "target_class"),
    [(GH.capital, GH.Place), (GH.locatedIn, None), (GH.country, GH.Country)],
    ids=["capital", "locatedIn", "country"],
)
def test_link_targets_are_defined_here(prop, target_class):
    g = graph()
    defined = set(entities())
    for s, o in g.subject_objects(prop):
        assert o in defined, f"{s} {prop} {o}: target not defined in entities.ttl"
        if target_class is not None:
            assert (o, RDF.type, target_class) in g, f"{s} {prop} {o}: not a {target_class}"
        else:
            assert {(o, RDF.type, GH.Place), (o, RDF.type, GH.Country)} & set(g.triples((o, RDF.type, None))), o
        assert o != s, f"{s} {prop} itself"


def test_capitals_lie_in_their_country_and_every_country_with_one_has_one():
    g = graph()
    for country, capital in g.subject_objects(GH.capital):
        assert (country, RDF.type, GH.Country) in g
        assert (capital, GH.locatedIn, country) in g, f"{capital} is not gh:locatedIn {country}"
        assert len(list(g.objects(country, GH.capital))) == 1, country


def test_places_other_than_seas_and_regions_are_located():
    g = graph()
    unlocated = {e for e in g.subjects(RDF.type, GH.Place)
                 if (e, RDF.type, GH.Country) not in g and g.value(e, GH.locatedIn) is None}
    allowed = {E["korean-peninsula"], E["sea-of-japan"], E["yellow-sea"], E["south-china-sea"],
               E["taiwan-strait"], E["black-sea"], E["baltic-sea"], E["strait-of-hormuz"]}
    assert unlocated <= allowed, sorted(unlocated - allowed)


def test_located_in_has_no_cycles():
    g = graph()
    for start in g.subjects(GH.locatedIn, None):
        seen, frontier = set(), {start}
        while frontier:
            nxt = {o for f in frontier for o in g.objects(f, GH.locatedIn)}
            assert start not in nxt, f"cycle through {start}"
            frontier = nxt - seen
            seen |= nxt


def test_every_country_has_a_demonym_and_demonyms_are_unique():
    g = graph()
    owner: dict[str, URIRef] = {}
    for country in g.subjects(RDF.type, GH.Country):
        dems = list(g.objects(country, GH.demonym))
        assert dems, f"{country} has no gh:demonym"
        for d in dems:
            assert d.language == "hi"
            key = fold(str(d))
            assert owner.setdefault(key, country) == country, f"demonym {d} on {owner[key]} and {country}"


# ---------------------------------------------------------------- labels


def test_no_label_is_shared_by_two_entities():
    clashes = {k: sorted(str(e) for e in v) for k, v in label_index().items() if len(v) > 1}
    assert not clashes, clashes


@pytest.mark.parametrize(
    ("other", "bare"),
    [("kim-yo-jong", "किम"), ("kim-jong-il", "किम"), ("lee-jae-myung", "ली"), ("li-qiang", "ली"),
     ("wang-yi", "वांग"), ("han-duck-soo", "हान"), ("rajnath-singh", "सिंह")],
)
def test_ambiguous_bare_names_are_not_given(other, bare):
    assert fold(bare) not in {fold(str(n)) for n in names(E[other])}


def test_hindi_spelling_variants_are_not_just_nukta_doubles():
    """The matcher folds nukta, so a variant equal to another name of the same entity is noise."""
    for ent in entities():
        hi = [str(n) for n in names(ent) if n.language == "hi"]
        folded = [fold(n) for n in hi]
        dupes = {h for h, f in zip(hi, folded) if folded.count(f) > 1}
        assert not dupes, f"{ent}: {sorted(dupes)}"


# Mentions taken from the seed articles (seeds/*.txt) and the entity each must resolve to.
SEED_MENTIONS = [
    ("पुतिन", "vladimir-putin"), ("व्लादिमीर पुतिन", "vladimir-putin"),
    ("किम", "kim-jong-un"), ("किम जोंग-उन", "kim-jong-un"), ("किम जोंग उन", "kim-jong-un"),
    ("डोनाल्ड ट्रंप", "donald-trump"), ("ट्रंप", "donald-trump"),
    ("सर्गेई शोइगु", "sergei-shoigu"), ("पेसकोव", "dmitry-peskov"), ("दिमित्री पेसकोव", "dmitry-peskov"),
    ("रूस", "russia"), ("उत्तर कोरिया", "north-korea"), ("डीपीआरके", "north-korea"),
    ("डेमोक्रेटिक पीपल्स रिपब्लिक ऑफ कोरिया", "north-korea"), ("चीन", "china"), ("जापान", "japan"),
    ("यूक्रेन", "ukraine"), ("अमेरिका", "united-states"), ("संयुक्त राज्य अमेरिका", "united-states"),
    ("ऑस्ट्रेलिया", "australia"), ("यूनाइटेड किंगडम", "united-kingdom"), ("कनाडा", "canada"),
    ("मॉस्को", "moscow"), ("मास्को", "moscow"), ("प्योंगयांग", "pyongyang"), ("बीजिंग", "beijing"),
    ("सियोल", "seoul"), ("कीव", "kyiv"), ("जापोरिज्जिया", "zaporizhzhia"), ("ज़ापोरिज़्ज़िया", "zaporizhzhia"),
    ("अलास्का", "alaska"), ("कुर्स्क", "kursk-oblast"), ("कुर्स्क क्षेत्र", "kursk-oblast"),
    ("कुर्स्क ओब्लास्ट", "kursk-oblast"), ("दियाओयुताई राजकीय अतिथि गृह", "diaoyutai-state-guesthouse"),
    ("कोरियाई प्रायद्वीप", "korean-peninsula"), ("वोस्तोचनी कॉस्मोड्रोम", "vostochny-cosmodrome"),
    ("क्रेमलिन", "kremlin"), ("कोरियाई पीपुल्स आर्मी", "korean-peoples-army"),
    ("कोरियन सेंट्रल न्यूज एजेंसी", "kcna"), ("केसीएनए", "kcna"), ("योनहाप", "yonhap"), ("TASS", "tass"),
    ("आरआईए", "ria-novosti"), ("आरटी", "rt"), ("रूस 1", "rossiya-1"), ("सीएनएन", "cnn"), ("एएनआई", "ani"),
    ("ब्लूमबर्ग न्यूज", "bloomberg"),
]


@pytest.mark.parametrize(("mention", "slug"), SEED_MENTIONS)
def test_seed_mentions_resolve(mention, slug):
    assert label_index().get(fold(mention)) == {E[slug]}


@pytest.mark.parametrize("slug", ["kcna", "yonhap", "tass", "ria-novosti", "rt", "rossiya-1", "cnn", "ani",
                                  "reuters", "xinhua", "bloomberg", "afp", "ap", "pti", "bbc"])
def test_media_are_news_agencies(slug):
    assert (E[slug], RDF.type, GH.NewsAgency) in graph()


@pytest.mark.parametrize("slug", ["kremlin", "nato", "united-nations", "un-security-council", "european-union",
                                  "white-house", "pentagon", "korean-peoples-army", "south-korea-nis"])
def test_bodies_that_speak_are_not_news_agencies(slug):
    g = graph()
    assert (E[slug], RDF.type, GH.Organization) in g
    assert (E[slug], RDF.type, GH.NewsAgency) not in g


# ---------------------------------------------------------------- roles


def test_role_blocks_have_hindi_phrases_and_valid_dates():
    g = graph()
    assert len(role_blocks()) >= 60
    for person, block in role_blocks():
        assert (person, RDF.type, GH.Person) in g, f"{person} holds a role but is not a gh:Person"
        phrases = list(g.objects(block, GH.rolePhrase))
        assert any(p.language == "hi" for p in phrases), f"{person}: role block without @hi phrase"
        for prop in (GH.roleStart, GH.roleEnd):
            values = list(g.objects(block, prop))
            assert len(values) <= 1, f"{person}: several {prop}"
            for v in values:
                assert v.datatype == XSD.date, f"{person} {prop} {v!r} is not xsd:date"
                dt.date.fromisoformat(str(v))
        start, end = to_date(g.value(block, GH.roleStart)), to_date(g.value(block, GH.roleEnd))
        if end is not None:
            assert start is not None, f"{person}: roleEnd without roleStart"
            assert start < end, f"{person}: role ends before it starts"


def test_one_role_phrase_never_names_two_people_at_once():
    g = graph()
    spans: dict[str, list[tuple[dt.date, dt.date, URIRef]]] = defaultdict(list)
    for person, block in role_blocks():
        start = to_date(g.value(block, GH.roleStart)) or dt.date.min
        end = to_date(g.value(block, GH.roleEnd)) or dt.date.max
        for phrase in {fold(str(p)) for p in g.objects(block, GH.rolePhrase)}:
            spans[phrase].append((start, end, person))
    for phrase, items in spans.items():
        items.sort(key=lambda t: (t[0], t[1]))
        for (s1, e1, p1), (s2, e2, p2) in zip(items, items[1:]):
            if p1 != p2:
                assert e1 <= s2, f"{phrase!r}: {p1} until {e1} overlaps {p2} from {s2}"


def test_role_phrases_are_not_entity_names():
    index = label_index()
    g = graph()
    for person, block in role_blocks():
        for phrase in g.objects(block, GH.rolePhrase):
            assert fold(str(phrase)) not in index, f"role phrase {phrase} is also a name of {index[fold(str(phrase))]}"


@pytest.mark.parametrize(
    ("phrase", "day", "slug"),
    [
        ("रूसी राष्ट्रपति", "2025-09-03", "vladimir-putin"),
        ("रूस के राष्ट्रपति", "2010-01-01", "dmitry-medvedev"),
        ("उत्तर कोरियाई नेता", "2025-08-13", "kim-jong-un"),
        ("उत्तर कोरिया के नेता", "2005-01-01", "kim-jong-il"),
        ("अमेरिकी राष्ट्रपति", "2025-08-13", "donald-trump"),
        ("अमेरिकी राष्ट्रपति", "2024-06-01", "joe-biden"),
        ("अमेरिकी राष्ट्रपति", "2019-06-30", "donald-trump"),
        ("अमेरिकी राष्ट्रपति", "2021-01-20", "joe-biden"),
        ("अमेरिकी विदेश मंत्री", "2024-01-01", "antony-blinken"),
        ("अमेरिकी विदेश मंत्री", "2025-03-01", "marco-rubio"),
        ("रूसी रक्षा मंत्री", "2023-09-13", "sergei-shoigu"),
        ("रूसी रक्षा मंत्री", "2025-01-01", "andrei-belousov"),
        ("रूस की सुरक्षा परिषद के सचिव", "2025-06-17", "sergei-shoigu"),
        ("दक्षिण कोरियाई राष्ट्रपति", "2024-06-01", "yoon-suk-yeol"),
        ("दक्षिण कोरियाई राष्ट्रपति", "2025-07-01", "lee-jae-myung"),
        ("जापानी प्रधानमंत्री", "2024-06-01", "fumio-kishida"),
        ("जापानी प्रधानमंत्री", "2025-01-01", "shigeru-ishiba"),
        ("जापानी प्रधानमंत्री", "2025-11-01", "sanae-takaichi"),
        ("चीनी राष्ट्रपति", "2025-09-03", "xi-jinping"),
        ("क्रेमलिन के प्रवक्ता", "2023-09-13", "dmitry-peskov"),
        ("यूक्रेनी राष्ट्रपति", "2025-01-01", "volodymyr-zelenskyy"),
        ("भारतीय प्रधानमंत्री", "2025-01-01", "narendra-modi"),
        ("नाटो महासचिव", "2025-01-01", "mark-rutte"),
        ("जर्मन चांसलर", "2025-06-01", "friedrich-merz"),
    ],
)
def test_role_phrase_picks_the_office_holder_of_the_day(phrase, day, slug):
    assert holder(phrase, dt.date.fromisoformat(day)) == {E[slug]}


@pytest.mark.parametrize(("phrase", "day"), [("दक्षिण कोरियाई राष्ट्रपति", "2025-05-01"),
                                             ("अमेरिकी राष्ट्रपति", "2016-01-01")])
def test_role_phrase_names_nobody_outside_known_terms(phrase, day):
    assert holder(phrase, dt.date.fromisoformat(day)) == set()


# ---------------------------------------------------------------- Wikidata


@pytest.mark.parametrize(
    ("slug", "qid"),
    [
        # the project contract
        ("vladimir-putin", "Q7747"), ("kim-jong-un", "Q56226"), ("russia", "Q159"), ("north-korea", "Q423"),
        # the gold entities
        ("donald-trump", "Q22686"), ("sergei-shoigu", "Q32024"), ("kremlin", "Q133274"), ("beijing", "Q956"),
        ("pyongyang", "Q18808"), ("alaska", "Q797"),
    ],
)
def test_required_wikidata_links(slug, qid):
    assert (E[slug], OWL.sameAs, WD[qid]) in graph()


def test_wikidata_links_are_well_formed_and_one_per_entity():
    g = graph()
    owner: dict[URIRef, URIRef] = {}
    for s, o in g.subject_objects(OWL.sameAs):
        assert re.fullmatch(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*", str(o)), o
        assert owner.setdefault(o, s) == s, f"{o} on both {owner[o]} and {s}"
        assert len(list(g.objects(s, OWL.sameAs))) == 1, s
