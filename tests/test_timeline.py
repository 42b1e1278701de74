"""The timeline: events read from the seed store into lanes, and every renderer."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg import viz
from kg.build import build
from kg.store import open_store
from kg.timeline import render_timeline, timeline_data
from kg.viz import VizError, find_devanagari_font

ID = "https://w3id.org/ghatna/id/"
PUTIN = ID + "entity/vladimir-putin"
KIM = ID + "entity/kim-jong-un"
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
SVG_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
needs_font = pytest.mark.skipif(find_devanagari_font() is None,
                                reason="no Devanagari font (apt-get install fonts-noto-core)")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("timeline") / "s"
    build([Path(__file__).resolve().parent.parent / "seeds"], path)  # /work/main/seeds, about a second
    return open_store(path, read_only=True).store


@pytest.fixture(scope="module")
def by_type(store) -> dict:
    return timeline_data(store)


@pytest.fixture(scope="module")
def by_actor(store) -> dict:
    return timeline_data(store, lanes="actor")


def _meetings(events: list[dict], date: str | None = None) -> list[dict]:
    return [e for e in events if e["type"] == "Meeting" and e["date"] == date]


# ------------------------------------------------------------------------------------------ data

def test_beijing_meeting_once_with_both_sources(by_type: dict) -> None:
    [m] = _meetings(by_type["events"], "2025-09-03")
    assert m["precision"] == "day" and m["start"] == m["end"] == "2025-09-03"
    assert m["sources"] == ["000_ce5797c3e7b73d6e", "001_10fe313b376d7345"]
    assert sorted(m["participants"]) == ["किम जोंग उन", "व्लादिमीर पुतिन"]
    assert m["label"] == m["label_hi"] and m["label_en"] == "Meeting: Kim Jong Un, Vladimir Putin"
    assert m["status"] == "Occurred" and not m["planned"]
    assert m["evidence"] and all(set(ev) == {"text", "source"} for ev in m["evidence"])
    assert {ev["source"] for ev in m["evidence"]} == set(m["sources"])
    assert m["lanes"] == ["Meeting"]
    json.dumps(by_type, ensure_ascii=False)  # JSON-ready


def _store_counts(store) -> tuple[int, int]:
    """Events and undated events in the store, counted with SPARQL (not frozen: extractors improve)."""
    prefix = "PREFIX gh: <https://w3id.org/ghatna/ontology#>\n"
    count = lambda where: int(next(iter(store.query(  # noqa: E731
        prefix + f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}", use_default_graph_as_union=True)))["n"].value)
    return (count("?e gh:source ?a"),
            count("?e gh:source ?a FILTER NOT EXISTS { ?e gh:date ?d }"))


def test_undated_2023_meeting_listed_apart(by_type: dict, store) -> None:
    assert all(e["start"] for e in by_type["events"])
    assert all(e["date"] is None and e["start"] is None for e in by_type["undated"])
    [m] = _meetings(by_type["undated"])
    assert m["sources"] == ["004_c3de44ceda0a1ac2"]
    assert {a["iri"] for a in m["actors"]} == {PUTIN, KIM}
    n_events, n_undated = _store_counts(store)
    assert by_type["n_events"] == by_type["n_dated"] + by_type["n_undated"] == n_events
    assert by_type["n_undated"] == len(by_type["undated"]) == n_undated


def test_precision_and_order(by_type: dict) -> None:
    events = by_type["events"]
    assert [e["start"] for e in events] == sorted(e["start"] for e in events)
    [treaty] = [e for e in events if e["type"] == "Treaty"]
    assert (treaty["date"], treaty["precision"], treaty["start"], treaty["end"]) == \
        ("2024-06", "month", "2024-06-01", "2024-06-30")
    assert sorted(treaty["parties"]) == ["उत्तर कोरिया", "रूस"]
    [dep] = [e for e in events if e["type"] == "TroopDeployment"]
    assert (dep["precision"], dep["start"], dep["end"]) == ("year", "2024-01-01", "2024-12-31")
    assert dep["sender"] == "उत्तर कोरिया" and dep["host"] == "रूस"
    [planned] = [e for e in events if e["planned"]]
    assert planned["date"] == "2025-08-15" and planned["type"] == "Meeting"
    [call] = [e for e in events if e["subtype"] == "PhoneCall"]
    assert call["date"] == "2025-08" and call["type"] == "Meeting"
    statements = [e for e in events if e["type"] == "Statement"]
    assert statements and all(e["speaker"] for e in statements)
    assert (by_type["date_min"], by_type["date_max"]) == ("2024", "2025-09-03")


def test_lanes_by_type(by_type: dict) -> None:
    assert [lane["key"] for lane in by_type["lanes"]] == ["Meeting", "Statement", "TroopDeployment", "Treaty"]
    assert by_type["lanes"][0]["label"] == "बैठक" and by_type["lanes"][0]["label_en"] == "Meeting"


def test_lanes_by_actor(by_actor: dict) -> None:
    keys = [lane["key"] for lane in by_actor["lanes"]]
    assert PUTIN in keys and KIM in keys
    assert {ID + "entity/russia", ID + "entity/north-korea"} <= set(keys)
    assert all(lane["kind"] in ("person", "country") for lane in by_actor["lanes"])
    [m] = _meetings(by_actor["events"], "2025-09-03")
    assert sorted(m["lanes"]) == sorted([PUTIN, KIM])  # one event, drawn in both lanes
    [dep] = [e for e in by_actor["events"] if e["type"] == "TroopDeployment"]
    assert set(dep["lanes"]) == {ID + "entity/north-korea", ID + "entity/russia"}
    lane = next(lane for lane in by_actor["lanes"] if lane["key"] == PUTIN)
    assert lane["label"] == "व्लादिमीर पुतिन" and lane["label_en"] == "Vladimir Putin"


def test_english_labels(store) -> None:
    data = timeline_data(store, lang="en")
    [m] = _meetings(data["events"], "2025-09-03")
    assert m["label"] == "Meeting: Kim Jong Un, Vladimir Putin"
    assert sorted(m["participants"]) == ["Kim Jong Un", "Vladimir Putin"]
    assert [lane["label"] for lane in data["lanes"]][0] == "Meeting"


# --------------------------------------------------------------------------------------- filters

def test_type_filter(store) -> None:
    data = timeline_data(store, types={"Treaty", "TroopDeployment"})
    assert {e["type"] for e in data["events"] + data["undated"]} == {"Treaty", "TroopDeployment"}
    assert [lane["key"] for lane in data["lanes"]] == ["TroopDeployment", "Treaty"]
    with pytest.raises(VizError, match="unknown event type"):
        timeline_data(store, types={"Battle"})


def test_date_window(store) -> None:
    data = timeline_data(store, since="2025-08", until="2025-08-31")
    assert {e["date"] for e in data["events"]} == {"2025-08", "2025-08-15"}
    assert data["undated"] == []  # undated events are outside any window, as in kg viz
    assert {e["date"] for e in timeline_data(store, since="2024-06-15", until="2024-12")["events"]} == \
        {"2024", "2024-06"}
    with pytest.raises(VizError, match="since"):
        timeline_data(store, since="June 2024")


def test_focus(store) -> None:
    data = timeline_data(store, focus="पुतिन", lanes="actor")
    events = data["events"] + data["undated"]
    assert events and all(PUTIN in {a["iri"] for a in e["actors"]} for e in events)
    assert [f["iri"] for f in data["focus_entities"]] == [PUTIN]
    assert data["lanes"][0]["key"] == PUTIN  # the focus lane first
    trump = timeline_data(store, focus="Donald Trump")
    assert [e["date"] for e in trump["events"]] == ["2025-08-15"] and trump["undated"] == []
    place = timeline_data(store, focus="प्योंगयांग")
    assert place["events"] and all("प्योंगयांग" in e["places"] for e in place["events"] + place["undated"])
    with pytest.raises(VizError, match="matches no"):
        timeline_data(store, focus="Napoleon")


def test_bad_arguments(store) -> None:
    with pytest.raises(VizError, match="lanes"):
        timeline_data(store, lanes="place")
    with pytest.raises(VizError, match="lang"):
        timeline_data(store, lang="fr")


def test_empty_store(tmp_path: Path) -> None:
    import pyoxigraph as ox

    data = timeline_data(ox.Store())
    assert data["events"] == data["undated"] == data["lanes"] == []
    notices = render_timeline(data, tmp_path / "e.png", lang="en")
    assert notices == ["the timeline is empty: no events match the filters"]
    assert (tmp_path / "e.png").stat().st_size > 0


# ------------------------------------------------------------------------------------- rendering

@needs_font
@pytest.mark.parametrize("lanes", ["type", "actor"])
def test_png_and_svg_in_hindi(store, tmp_path: Path, lanes: str) -> None:
    data = timeline_data(store, lanes=lanes)
    png, svg = tmp_path / "t.png", tmp_path / "t.svg"
    assert render_timeline(data, png) == []
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert render_timeline(data, svg) == []
    comments = " ".join(SVG_COMMENT.findall(svg.read_text(encoding="utf-8")))
    assert "व्लादिमीर पुतिन" in comments and "तिथि अज्ञात" in comments  # text, above its glyphs
    assert "2025-09-03" in comments and "(नियोजित)" in comments


def test_svg_in_english_has_no_devanagari(store, tmp_path: Path) -> None:
    svg = tmp_path / "t.svg"
    for lanes in ("type", "actor"):
        assert render_timeline(timeline_data(store, lanes=lanes), svg, lang="en") == []
        text = svg.read_text(encoding="utf-8")
        comments = " ".join(SVG_COMMENT.findall(text))
        assert not DEVANAGARI.search(comments) and not DEVANAGARI.search(text)
        assert "Vladimir Putin" in comments and f"Undated events ({_store_counts(store)[1]})" in comments
        assert "(planned)" in comments


def test_no_font_falls_back_to_english(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(viz, "find_devanagari_font", lambda: None)
    svg = tmp_path / "t.svg"
    notices = render_timeline(timeline_data(store), svg, lang="hi")
    assert len(notices) == 1 and "Devanagari" in notices[0]
    assert not DEVANAGARI.search(svg.read_text(encoding="utf-8"))  # never boxes


def test_pdf_and_title(store, tmp_path: Path) -> None:
    pdf = tmp_path / "t.pdf"
    assert render_timeline(timeline_data(store), pdf, lang="en", title="My corpus") == []
    assert pdf.read_bytes().startswith(b"%PDF")
    svg = tmp_path / "t.svg"
    render_timeline(timeline_data(store, focus="Putin"), svg, lang="en")
    assert "focus: Vladimir Putin" in svg.read_text(encoding="utf-8")


def test_unknown_suffix_and_unwritable(by_type: dict, tmp_path: Path) -> None:
    with pytest.raises(VizError, match=r"'\.jpg'.*\.png, \.svg, \.pdf, \.html"):
        render_timeline(by_type, tmp_path / "t.jpg")
    with pytest.raises(VizError, match="no suffix"):
        render_timeline(by_type, tmp_path / "t")
    with pytest.raises(VizError, match="cannot write"):
        render_timeline(by_type, tmp_path / "missing" / "t.html")
    with pytest.raises(VizError, match="timeline_data"):
        render_timeline({"nodes": []}, tmp_path / "t.png")


def test_html_is_self_contained(by_actor: dict, tmp_path: Path) -> None:
    path = tmp_path / "t.html"
    assert render_timeline(by_actor, path) == []
    page = path.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="gh-data">(.*?)</script>', page, re.S).group(1)
    rest = page.replace(block, "")
    # Nothing is loaded from anywhere, and our own markup and code name no URL at all.
    assert not re.search(r"""\b(src|href)\s*=""", page, re.I)
    assert not re.search(r"<link\b|@import|url\(|sourceMappingURL|https?://", rest, re.I)
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "<" not in block and "&" not in block  # the data cannot end its block
    data = json.loads(block)
    assert [lane["key"] for lane in data["lanes"]] == [lane["key"] for lane in by_actor["lanes"]]
    assert set(data["events"]) == {e["iri"] for e in by_actor["events"] + by_actor["undated"]}
    drawn = {iri for m in data["marks"]["hi"] for iri in m["events"]}
    assert drawn == {e["iri"] for e in by_actor["events"]}
    listed = {iri for u in data["undated"]["hi"] for iri in u["events"]}
    assert listed == {e["iri"] for e in by_actor["undated"]}
    assert not any(DEVANAGARI.search(m["label"]) for m in data["marks"]["en"])
    assert 'lang="hi"' in page and "<svg" in page
