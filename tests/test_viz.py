"""The drawing stage: the networkx graph read from the store, and every renderer."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from kg import viz
from kg.viz import VizError, event_graph, find_devanagari_font, render

ID = "https://w3id.org/ghatna/id/"
ARTIFACTS = Path(__file__).parent / "artifacts"
DEVANAGARI = re.compile(r"[\u0900-\u097F]")

# Shaped like docs/data-model.md: gazetteer graph, one graph per article, events in each reporting graph.
FIXTURE = """
@prefix gh: <https://w3id.org/ghatna/ontology#> .
@prefix id: <https://w3id.org/ghatna/id/> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/ghatna/id/graph/ontology> {
  gh:PhoneCall rdfs:subClassOf gh:Meeting .
  gh:NewsAgency rdfs:subClassOf gh:Organization .
}

<https://w3id.org/ghatna/id/graph/entities> {
  id:entity\\/vladimir-putin a gh:Person ; rdfs:label "Vladimir Putin"@en , "व्लादिमीर पुतिन"@hi ;
      skos:altLabel "पुतिन"@hi , "Putin"@en .
  id:entity\\/kim-jong-un a gh:Person ; rdfs:label "Kim Jong Un"@en , "किम जोंग-उन"@hi .
  id:entity\\/xi-jinping a gh:Person ; rdfs:label "Xi Jinping"@en , "शी जिनपिंग"@hi .
  id:entity\\/narendra-modi a gh:Person ; rdfs:label "Narendra Modi"@en , "नरेंद्र मोदी"@hi .
  id:entity\\/russia a gh:Country ; rdfs:label "Russia"@en , "रूस"@hi .
  id:entity\\/north-korea a gh:Country ; rdfs:label "North Korea"@en , "उत्तर कोरिया"@hi .
  id:entity\\/pyongyang a gh:Place ; rdfs:label "Pyongyang"@en , "प्योंगयांग"@hi .
  id:entity\\/kursk-oblast a gh:Place ; rdfs:label "Kursk Oblast"@en , "कुर्स्क क्षेत्र"@hi .
  id:entity\\/kcna a gh:NewsAgency ; rdfs:label "KCNA"@en , "केसीएनए"@hi .
}

id:article\\/000_aaaa {
  id:article\\/000_aaaa a gh:Article, schema:NewsArticle ; dcterms:identifier "000_aaaa" ;
      schema:datePublished "2024-06-20"^^xsd:date ; dcterms:language "hi" ;
      schema:headline "पुतिन और किम की प्योंगयांग में मुलाक़ात"@hi ;
      gh:context <https://w3id.org/ghatna/id/article/000_aaaa#context> .
  <https://w3id.org/ghatna/id/article/000_aaaa#context> a nif:Context ;
      nif:isString "पुतिन ने प्योंगयांग में किम जोंग-उन से मुलाक़ात की। किम ने कहा, \\"हम साथ हैं\\"। दोनों देशों ने संधि पर हस्ताक्षर किए।" .

  id:event\\/meeting\\/aaaaaaaaaaaaaaaa a gh:Meeting ;
      rdfs:label "Meeting: Vladimir Putin, Kim Jong Un"@en , "बैठक: व्लादिमीर पुतिन, किम जोंग-उन"@hi ;
      gh:status gh:Occurred ; gh:date "2024-06-19"^^xsd:date ;
      gh:participant id:entity\\/vladimir-putin , id:entity\\/kim-jong-un ; gh:place id:entity\\/pyongyang ;
      gh:source id:article\\/000_aaaa ;
      gh:evidence <https://w3id.org/ghatna/id/article/000_aaaa#char=0,47> ;
      gh:confidence 0.9 ; gh:extractor "meeting.v1" .
  <https://w3id.org/ghatna/id/article/000_aaaa#char=0,47> a nif:String ;
      nif:anchorOf "पुतिन ने प्योंगयांग में किम जोंग-उन से मुलाक़ात की।" ; nif:beginIndex 0 ; nif:endIndex 47 ;
      nif:referenceContext <https://w3id.org/ghatna/id/article/000_aaaa#context> .

  id:event\\/statement\\/bbbbbbbbbbbbbbbb a gh:Statement ;
      rdfs:label "Statement: Kim Jong Un"@en , "बयान: किम जोंग-उन"@hi ;
      gh:status gh:Occurred ; gh:date "2024-06-19"^^xsd:date ;
      gh:speaker id:entity\\/kim-jong-un ; gh:addressee id:entity\\/vladimir-putin ;
      gh:quote "हम साथ हैं <b>&</b> </script>"@hi ; gh:quoteKind "direct" ;
      gh:during id:event\\/meeting\\/aaaaaaaaaaaaaaaa ; gh:reportedBy id:entity\\/kcna ;
      gh:source id:article\\/000_aaaa ;
      gh:evidence <https://w3id.org/ghatna/id/article/000_aaaa#char=48,70> ;
      gh:confidence 0.8 ; gh:extractor "statement.v1" .
  <https://w3id.org/ghatna/id/article/000_aaaa#char=48,70> a nif:String ;
      nif:anchorOf "किम ने कहा, \\"हम साथ हैं\\"।" ; nif:beginIndex 48 ; nif:endIndex 70 ;
      nif:referenceContext <https://w3id.org/ghatna/id/article/000_aaaa#context> .

  id:event\\/treaty\\/cccccccccccccccc a gh:Treaty ;
      rdfs:label "Treaty: Russia, North Korea"@en , "संधि: रूस, उत्तर कोरिया"@hi ;
      gh:status gh:Occurred ; gh:date "2024-06-19"^^xsd:date ; gh:inForceFrom "2024-12"^^xsd:gYearMonth ;
      gh:party id:entity\\/russia , id:entity\\/north-korea ; gh:place id:entity\\/pyongyang ;
      gh:treatyName "व्यापक रणनीतिक साझेदारी संधि"@hi ;
      gh:source id:article\\/000_aaaa ;
      gh:evidence <https://w3id.org/ghatna/id/article/000_aaaa#char=71,105> ;
      gh:confidence 0.85 ; gh:extractor "treaty.v1" .
  <https://w3id.org/ghatna/id/article/000_aaaa#char=71,105> a nif:String ;
      nif:anchorOf "दोनों देशों ने संधि पर हस्ताक्षर किए।" ; nif:beginIndex 71 ; nif:endIndex 105 ;
      nif:referenceContext <https://w3id.org/ghatna/id/article/000_aaaa#context> .
}

id:article\\/001_bbbb {
  id:article\\/001_bbbb a gh:Article, schema:NewsArticle ; dcterms:identifier "001_bbbb" ;
      schema:datePublished "2024-11-02"^^xsd:date ; dcterms:language "hi" ;
      schema:headline "कुर्स्क में उत्तर कोरियाई सैनिक"@hi ;
      gh:context <https://w3id.org/ghatna/id/article/001_bbbb#context> .
  <https://w3id.org/ghatna/id/article/001_bbbb#context> a nif:Context ;
      nif:isString "उत्तर कोरिया ने कुर्स्क क्षेत्र में लगभग 12,000 सैनिक भेजे। पुतिन ने किम से मुलाक़ात की थी।" .

  id:event\\/deployment\\/dddddddddddddddd a gh:TroopDeployment ;
      rdfs:label "Deployment: North Korea to Russia"@en , "तैनाती: उत्तर कोरिया से रूस"@hi ;
      gh:status gh:Occurred ; gh:date "2024-10"^^xsd:gYearMonth ;
      gh:sender id:entity\\/north-korea ; gh:host id:entity\\/russia ; gh:destination id:entity\\/kursk-oblast ;
      gh:troopCount 12000 ; gh:personnel "सैनिक"@hi ;
      gh:countClaim <https://w3id.org/ghatna/id/event/deployment/dddddddddddddddd/claim/01> ;
      gh:source id:article\\/001_bbbb ;
      gh:evidence <https://w3id.org/ghatna/id/article/001_bbbb#char=0,55> ;
      gh:confidence 0.8 ; gh:extractor "deployment.v1" .
  <https://w3id.org/ghatna/id/event/deployment/dddddddddddddddd/claim/01> gh:count 12000 ;
      gh:qualifier "about" ; gh:attributedTo "दक्षिण कोरियाई आकलन"@hi ; gh:source id:article\\/001_bbbb .
  <https://w3id.org/ghatna/id/article/001_bbbb#char=0,55> a nif:String ;
      nif:anchorOf "उत्तर कोरिया ने कुर्स्क क्षेत्र में लगभग 12,000 सैनिक भेजे।" ; nif:beginIndex 0 ;
      nif:endIndex 55 ; nif:referenceContext <https://w3id.org/ghatna/id/article/001_bbbb#context> .

  # The June meeting again: one IRI, a second source and a second mention.
  id:event\\/meeting\\/aaaaaaaaaaaaaaaa a gh:Meeting ;
      rdfs:label "Meeting: Vladimir Putin, Kim Jong Un"@en , "बैठक: व्लादिमीर पुतिन, किम जोंग-उन"@hi ;
      gh:status gh:Occurred ; gh:date "2024-06-19"^^xsd:date ;
      gh:participant id:entity\\/vladimir-putin , id:entity\\/kim-jong-un ;
      gh:source id:article\\/001_bbbb ;
      gh:evidence <https://w3id.org/ghatna/id/article/001_bbbb#char=56,85> .
  <https://w3id.org/ghatna/id/article/001_bbbb#char=56,85> a nif:String ;
      nif:anchorOf "पुतिन ने किम से मुलाक़ात की थी।" ; nif:beginIndex 56 ; nif:endIndex 85 ;
      nif:referenceContext <https://w3id.org/ghatna/id/article/001_bbbb#context> .

  # A planned, undated meeting.
  id:event\\/meeting\\/eeeeeeeeeeeeeeee a gh:Meeting ;
      rdfs:label "Meeting: Vladimir Putin, Kim Jong Un"@en , "बैठक: व्लादिमीर पुतिन, किम जोंग-उन"@hi ;
      gh:status gh:Planned ;
      gh:participant id:entity\\/vladimir-putin , id:entity\\/kim-jong-un ;
      gh:source id:article\\/001_bbbb ;
      gh:evidence <https://w3id.org/ghatna/id/article/001_bbbb#char=56,85> .
}

id:article\\/002_cccc {
  id:article\\/002_cccc a gh:Article, schema:NewsArticle ; dcterms:identifier "002_cccc" ;
      dcterms:language "hi" ; schema:headline "मोदी और शी की बात"@hi ;
      gh:context <https://w3id.org/ghatna/id/article/002_cccc#context> .
  <https://w3id.org/ghatna/id/article/002_cccc#context> a nif:Context ;
      nif:isString "मोदी ने शी जिनपिंग से फ़ोन पर बात की। विदेश मंत्री सुब्रमण्यम जयशंकर भी थे।" .

  id:event\\/meeting\\/ffffffffffffffff a gh:PhoneCall ;
      rdfs:label "Phone call: Narendra Modi, Xi Jinping"@en , "फ़ोन वार्ता: नरेंद्र मोदी, शी जिनपिंग"@hi ;
      gh:status gh:Occurred ; gh:date "2025-09-01"^^xsd:date ; gh:medium "phone" ;
      gh:participant id:entity\\/narendra-modi , id:entity\\/xi-jinping , id:entity\\/new\\/0123456789abcdef ;
      gh:source id:article\\/002_cccc ;
      gh:evidence <https://w3id.org/ghatna/id/article/002_cccc#char=0,37> .
  <https://w3id.org/ghatna/id/article/002_cccc#char=0,37> a nif:String ;
      nif:anchorOf "मोदी ने शी जिनपिंग से फ़ोन पर बात की।" ; nif:beginIndex 0 ; nif:endIndex 37 ;
      nif:referenceContext <https://w3id.org/ghatna/id/article/002_cccc#context> .
  id:entity\\/new\\/0123456789abcdef a gh:Person ; rdfs:label "सुब्रमण्यम जयशंकर"@hi .
}
"""

MEETING = ID + "event/meeting/aaaaaaaaaaaaaaaa"
PLANNED = ID + "event/meeting/eeeeeeeeeeeeeeee"
CALL = ID + "event/meeting/ffffffffffffffff"
STATEMENT = ID + "event/statement/bbbbbbbbbbbbbbbb"
TREATY = ID + "event/treaty/cccccccccccccccc"
DEPLOYMENT = ID + "event/deployment/dddddddddddddddd"
PUTIN = ID + "entity/vladimir-putin"
KIM = ID + "entity/kim-jong-un"
MINTED = ID + "entity/new/0123456789abcdef"
EVENTS = {MEETING, PLANNED, CALL, STATEMENT, TREATY, DEPLOYMENT}
ENTITIES = {PUTIN, KIM, MINTED} | {ID + "entity/" + s for s in (
    "xi-jinping", "narendra-modi", "russia", "north-korea", "pyongyang", "kursk-oblast")}
HAS_FONT = find_devanagari_font() is not None
needs_font = pytest.mark.skipif(not HAS_FONT, reason="no Devanagari font (apt-get install fonts-noto-core)")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.load(FIXTURE.encode("utf-8"), ox.RdfFormat.TRIG)
    return s


@pytest.fixture(scope="module")
def graph(store: ox.Store) -> nx.MultiDiGraph:
    return event_graph(store)


# ------------------------------------------------------------------------------------------- graph

def test_nodes_edges_and_kinds(graph: nx.MultiDiGraph) -> None:
    assert set(graph.nodes) == EVENTS | ENTITIES  # KCNA (reportedBy only) is not drawn
    kinds = nx.get_node_attributes(graph, "kind")
    assert [kinds[n] for n in (MEETING, PLANNED, CALL)] == ["meeting"] * 3
    assert (kinds[STATEMENT], kinds[TREATY], kinds[DEPLOYMENT]) == ("statement", "treaty", "deployment")
    assert kinds[PUTIN] == kinds[MINTED] == "person"
    assert kinds[ID + "entity/russia"] == "country" and kinds[ID + "entity/kursk-oblast"] == "place"
    # meeting 2 participants + place, planned 2, call 3, statement speaker+addressee+during,
    # treaty 2 parties + place, deployment sender+host+destination
    assert graph.number_of_edges() == 3 + 2 + 3 + 3 + 3 + 3
    roles = {(u, v): d["role"] for u, v, d in graph.edges(data=True)}
    assert roles[(STATEMENT, KIM)] == "speaker" and roles[(STATEMENT, PUTIN)] == "addressee"
    assert roles[(STATEMENT, MEETING)] == "during"
    assert roles[(DEPLOYMENT, ID + "entity/kursk-oblast")] == "destination"
    assert graph.nodes[CALL]["subtype"] == "PhoneCall" and graph.nodes[CALL]["type"] == "Meeting"


def test_event_attributes_merge_all_sources(graph: nx.MultiDiGraph) -> None:
    m = graph.nodes[MEETING]
    assert m["sources"] == ["000_aaaa", "001_bbbb"]
    assert m["evidence"] == ["पुतिन ने प्योंगयांग में किम जोंग-उन से मुलाक़ात की।", "पुतिन ने किम से मुलाक़ात की थी।"]
    assert m["evidence_sources"] == ["000_aaaa", "001_bbbb"]
    assert (m["date"], m["status"], m["label_en"]) == ("2024-06-19", "Occurred", "Meeting: Vladimir Putin, Kim Jong Un")
    assert m["label"] == m["label_hi"] == "बैठक: व्लादिमीर पुतिन, किम जोंग-उन"
    d = graph.nodes[DEPLOYMENT]
    assert d["counts"] == [12000] and d["count_claims"] == ["about 12000 (दक्षिण कोरियाई आकलन)"]
    assert graph.nodes[STATEMENT]["quotes"] == ["हम साथ हैं <b>&</b> </script>"]
    assert graph.nodes[PLANNED]["status"] == "Planned" and graph.nodes[PLANNED]["date"] is None
    assert graph.nodes[TREATY]["in_force_from"] == "2024-12"
    assert graph.nodes[MINTED]["label_hi"] == "सुब्रमण्यम जयशंकर" and graph.nodes[MINTED]["label_en"] is None
    g = graph.graph
    assert (g["n_events"], g["n_articles"], g["date_min"], g["date_max"]) == (6, 3, "2024-06-19", "2025-09-01")
    assert g["articles"]["000_aaaa"]["headline"] == "पुतिन और किम की प्योंगयांग में मुलाक़ात"


def test_lang_en_labels(store: ox.Store) -> None:
    g = event_graph(store, lang="en")
    assert g.nodes[PUTIN]["label"] == "Vladimir Putin"
    assert g.nodes[MINTED]["label"] == "सुब्रमण्यम जयशंकर"  # no English label: falls back to Hindi


@pytest.mark.parametrize("focus", [PUTIN, "Putin", "पुतिन", "व्लादिमीर पुतिन", "vladimir putin"])
def test_focus_by_iri_or_label(store: ox.Store, focus: str) -> None:
    g = event_graph(store, focus=focus)
    # Putin -> his events (1 hop) -> their other nodes (2 hops); the Modi-Xi call is far away.
    assert set(g.nodes) == {PUTIN, KIM, MEETING, PLANNED, STATEMENT, ID + "entity/pyongyang"}
    assert g.graph["focus_nodes"] == [PUTIN]


def test_focus_hops(store: ox.Store) -> None:
    assert set(event_graph(store, focus="Putin", hops=1).nodes) == {PUTIN, MEETING, PLANNED, STATEMENT}
    assert set(event_graph(store, focus="Putin", hops=0).nodes) == {PUTIN}
    assert CALL not in event_graph(store, focus="Putin", hops=10)


def test_focus_unknown(store: ox.Store) -> None:
    with pytest.raises(VizError, match="Nobody"):
        event_graph(store, focus="Nobody")


def test_types_filter(store: ox.Store) -> None:
    g = event_graph(store, types={"Treaty", "TroopDeployment"})
    assert set(g.nodes) == {TREATY, DEPLOYMENT} | {ID + "entity/" + s for s in (
        "russia", "north-korea", "pyongyang", "kursk-oblast")}
    assert {d["kind"] for _, d in event_graph(store, types={"Meeting"}).nodes(data=True)} == {"meeting", "person",
                                                                                            "place"}
    with pytest.raises(VizError, match="Battle"):
        event_graph(store, types={"Battle"})


def test_date_window(store: ox.Store) -> None:
    g = event_graph(store, since="2024-10")
    events = {n for n, d in g.nodes(data=True) if d["kind"] in viz.EVENT_TYPES.values()}
    assert events == {DEPLOYMENT, CALL}  # the undated planned meeting is left out
    assert event_graph(store, since="2024-10-15", until="2024-10-20").number_of_nodes() == 4  # 2024-10 overlaps
    june = event_graph(store, since="2024-06", until="2024-06-30")
    assert {n for n, d in june.nodes(data=True) if d["kind"] in viz.EVENT_TYPES.values()} == {
        MEETING, STATEMENT, TREATY}
    assert june.graph["n_articles"] == 2 and june.graph["date_max"] == "2024-06-19"
    with pytest.raises(VizError, match="2024/06"):
        event_graph(store, since="2024/06")
    with pytest.raises(VizError, match="after"):
        event_graph(store, since="2025", until="2024")


def test_empty_store_and_bad_args() -> None:
    g = event_graph(ox.Store())
    assert g.number_of_nodes() == 0 and g.graph["n_events"] == 0
    with pytest.raises(VizError, match="'fr'"):
        event_graph(ox.Store(), lang="fr")
    with pytest.raises(VizError, match="hops"):
        event_graph(ox.Store(), hops=-1)


# ----------------------------------------------------------------------------------------- drawings

def test_font_found_covers_devanagari() -> None:
    path = find_devanagari_font()
    if path is None:
        pytest.skip("no Devanagari font installed")
    from matplotlib.ft2font import FT2Font

    assert 0x0915 in FT2Font(path).get_charmap()


@needs_font
def test_png_and_svg_in_hindi(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    png, svg = tmp_path / "g.png", tmp_path / "g.svg"
    assert render(graph, png) == []
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert render(graph, svg, lang="hi") == []
    text = svg.read_text(encoding="utf-8")
    assert "किम जोंग-उन" in text and "प्रतिभागी" in text  # labels and roles (as comments above their glyphs)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(png, ARTIFACTS / "viz-hi.png")


def test_svg_in_english(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    svg = tmp_path / "g.svg"
    assert render(graph, svg, lang="en") == []
    text = svg.read_text(encoding="utf-8")
    assert not DEVANAGARI.search(text)
    assert "Kim Jong Un" in text and "participant" in text and "Subramanyam Jayashankar" in text


def test_no_font_falls_back_to_english(graph: nx.MultiDiGraph, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(viz, "find_devanagari_font", lambda: None)
    svg = tmp_path / "g.svg"
    notices = render(graph, svg, lang="hi")
    assert len(notices) == 1 and "Devanagari" in notices[0]
    assert not DEVANAGARI.search(svg.read_text(encoding="utf-8"))  # never boxes


def test_pdf_and_title(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    pdf = tmp_path / "g.pdf"
    render(graph, pdf, lang="en", title="My corpus")
    assert pdf.read_bytes().startswith(b"%PDF")
    svg = tmp_path / "t.svg"
    render(graph, svg, lang="en")
    assert "6 events from 3 articles, 2024-06-19 – 2025-09-01" in svg.read_text(encoding="utf-8")


def test_empty_graph_renders_with_notice(tmp_path: Path) -> None:
    notices = render(event_graph(ox.Store()), tmp_path / "e.png", lang="en")
    assert notices == ["the graph is empty: no events match the filters"]
    assert (tmp_path / "e.png").stat().st_size > 0


def test_unknown_suffix(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    with pytest.raises(VizError, match=r"'\.jpg'.*\.png, \.svg, \.pdf, \.html, \.graphml, \.gexf"):
        render(graph, tmp_path / "g.jpg")
    with pytest.raises(VizError, match="no suffix"):
        render(graph, tmp_path / "g")


def test_unwritable_path(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    with pytest.raises(VizError, match="cannot write"):
        render(graph, tmp_path / "missing" / "g.graphml")


# ---------------------------------------------------------------------------------- graph files

@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_graph_files_round_trip(graph: nx.MultiDiGraph, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"g{suffix}"
    render(graph, path)
    back = nx.read_graphml(path) if suffix == ".graphml" else nx.read_gexf(path)
    assert set(back.nodes) == set(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    m = back.nodes[MEETING]
    assert m["label_hi"] == "बैठक: व्लादिमीर पुतिन, किम जोंग-उन"
    assert m["label_en"] == "Meeting: Vladimir Putin, Kim Jong Un"
    assert json.loads(m["evidence"])[1] == "पुतिन ने किम से मुलाक़ात की थी।"
    assert json.loads(m["sources"]) == ["000_aaaa", "001_bbbb"]
    assert back.nodes[PLANNED]["date"] == ""
    assert back.nodes[MINTED]["label_hi"] == "सुब्रमण्यम जयशंकर"
    assert {d["role"] for *_, d in back.edges(data=True)} >= {"participant", "speaker", "during", "host"}
    if suffix == ".graphml":
        assert float(m["confidence"]) == pytest.approx(0.9)


# -------------------------------------------------------------------------------------------- HTML

def _outside_data(page: str) -> str:
    """The page without the JSON data block."""
    return re.sub(r'<script type="application/json" id="gh-data">.*?</script>', "", page, flags=re.S)


def test_html_self_contained(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "g.html"
    assert render(graph, path) == []
    page = path.read_text(encoding="utf-8")
    rest = _outside_data(page)
    # Nothing is loaded from anywhere: no src/href/url()/@import, no source map, no <link>.
    assert not re.search(r"""\b(src|href)\s*=\s*["']?\s*(https?:)?//""", rest, re.I)
    assert not re.search(r"<link\b|@import|url\(\s*['\"]?(https?:)?//|sourceMappingURL", rest, re.I)
    assert "vis.Network" in rest and "vis-network" in rest
    # Our own markup and code carry no URL at all (the library's licence comments may).
    ours = rest.split("<script>", 1)[0] + rest.rsplit("</script>", 2)[-2]
    assert not re.search(r"https?://", ours)
    # The data is there, escaped so that no "</script>" or "<!--" in the text can end its block.
    block = re.search(r'<script type="application/json" id="gh-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and "&" not in block
    data = json.loads(block)
    assert {n["id"] for n in data["nodes"]} == set(graph.nodes)
    quote = next(n for n in data["nodes"] if n["id"] == STATEMENT)["attrs"]["quotes"][0]
    assert quote == "हम साथ हैं <b>&</b> </script>"
    assert len(data["edges"]) == graph.number_of_edges()
    assert page.count("<script") == 3 and page.count("</script>") == 3


def _chromium_args(user_dir: Path) -> list[str]:
    return [
        "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--disable-extensions", "--mute-audio",
        # No network at all: every host resolves to nothing and any proxy use fails.
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
        f"--user-data-dir={user_dir}", "--window-size=1400,900", "--virtual-time-budget=8000",
    ]


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                    reason="headless Chromium not installed (apt-get install chromium)")
def test_html_in_headless_chromium(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    page = tmp_path / "g.html"
    render(graph, page)
    url = page.as_uri() + "#test-click=" + MEETING.replace("/", "%2F").replace(":", "%3A")
    dom = subprocess.run([*_chromium_args(tmp_path / "profile"), "--dump-dom", url],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    root = re.search(r"<html[^>]*>", html).group(0)
    attrs = dict(re.findall(r'(data-gh-[a-z-]+)="([^"]*)"', root))
    assert attrs.get("data-gh-ready") == "1", root
    assert int(attrs["data-gh-nodes"]) == graph.number_of_nodes()
    assert int(attrs["data-gh-ink"]) > 1000  # the canvas has something drawn on it
    assert attrs["data-gh-resources"] == "0"  # nothing fetched
    assert attrs["data-gh-clicked"] == MEETING  # the canvas hit-test at the node's position finds it
    panel = re.search(r'<aside id="panel"[^>]*>(.*?)</aside>', html, re.S).group(1)
    assert "पुतिन ने किम से मुलाक़ात की थी।" in panel and "000_aaaa" in panel

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "viz-html.png"
    shot.unlink(missing_ok=True)
    run = subprocess.run([*_chromium_args(tmp_path / "profile2"), f"--screenshot={shot}", url],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.stat().st_size > 10_000


SHARED_FIXTURE = Path(__file__).parent / "data" / "fixture.trig"


@pytest.mark.skipif(not SHARED_FIXTURE.exists(), reason="tests/data/fixture.trig not written yet")
def test_shared_fixture(tmp_path: Path) -> None:
    s = ox.Store()
    s.load(SHARED_FIXTURE.read_bytes(), ox.RdfFormat.TRIG)
    g = event_graph(s)
    events = [n for n, d in g.nodes(data=True) if d["kind"] in viz.EVENT_TYPES.values()]
    assert events and g.graph["n_events"] == len(events)
    assert all(d["kind"] in viz.KINDS and d["label"] for _, d in g.nodes(data=True))
    assert all(d["role"] in viz.ROLES for *_, d in g.edges(data=True))
    assert all(g.nodes[e]["sources"] for e in events)
    for suffix in (".html", ".graphml", ".svg"):
        render(g, tmp_path / f"shared{suffix}", lang="en")
    assert nx.read_graphml(tmp_path / "shared.graphml").number_of_nodes() == g.number_of_nodes()
