"""Tests for the scorer behind ``kg evaluate`` (kg/evaluate.py).

Fixture stores are built from TriG text shaped like docs/data-model.md: entities in
``id:graph/entities``, each article's events in the article's own graph, sources pointing at
articles with ``dcterms:identifier``.
"""
from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.evaluate import (
    EvaluationError,
    Prediction,
    Report,
    evaluate,
    evaluate_store,
    load_entities,
    load_gold,
    load_predictions,
    normalise_name,
    quote_overlap,
    quotes_match,
    render_text,
)

GOLD_DIR = Path(__file__).parent / "data" / "gold"
SEEDS_GOLD = GOLD_DIR / "seeds.gold.json"
ENTITIES = GOLD_DIR / "entities.json"

ID = "https://w3id.org/ghatna/id/"
PREFIXES = """\
@prefix gh: <https://w3id.org/ghatna/ontology#> .
@prefix id: <https://w3id.org/ghatna/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
"""

A0, A1, A2, A3, A4 = (
    "000_ce5797c3e7b73d6e",
    "001_10fe313b376d7345",
    "002_ce110b77584f89db",
    "003_b809a8d0328b69a2",
    "004_c3de44ceda0a1ac2",
)

PESKOV_QUOTE = "पुतिन और किम जोंग उन के बीच बातचीत बहुत ठोस रही।"


# ----------------------------------------------------------------------------- fixture helpers


def lit(text: str, lang: str | None = "hi") -> str:
    """A Turtle string literal (JSON string escapes are valid Turtle escapes)."""
    return json.dumps(text, ensure_ascii=False) + (f"@{lang}" if lang else "")


def date_lit(value: str) -> str:
    datatype = {4: "xsd:gYear", 7: "xsd:gYearMonth", 10: "xsd:date"}[len(value)]
    return f'"{value}"^^{datatype}'


def entity(slug: str, en: str | None = None, hi: str | None = None, alt: Iterable[str] = (),
           qid: str | None = None, cls: str = "gh:Person") -> str:
    """Turtle for one gazetteer entity ``id:entity/{slug}``."""
    props = [f"a {cls}"]
    if en:
        props.append(f"rdfs:label {lit(en, 'en')}")
    if hi:
        props.append(f"rdfs:label {lit(hi)}")
    for label in alt:
        props.append(f"skos:altLabel {lit(label)}")
    if qid:
        props.append(f"owl:sameAs wd:{qid}")
    return f"<{ID}entity/{slug}> " + " ;\n    ".join(props) + " .\n"


def entities_graph(entities: Mapping[str, Any]) -> str:
    """The gazetteer graph for entities.json: ``id:entity/{key}``, first name as label, rest as altLabel."""
    body = "".join(
        entity(key, en=value["names"][0], alt=value["names"][1:], qid=value["qid"])
        for key, value in entities.items()
    )
    return f"<{ID}graph/entities> {{\n{body}}}\n"


def event(name: str, cls: str, articles: Iterable[str], *, participants: Iterable[str] = (),
          speaker: str | None = None, addressee: str | None = None, sender: str | None = None,
          destination: Iterable[str] = (), parties: Iterable[str] = (), place: Iterable[str] = (),
          quotes: Iterable[str] = (), counts: Iterable[int] = (), date: str | None = None,
          status: str | None = None, in_force: str | None = None, evidence: str | None = None) -> str:
    """TriG for one event ``id:event/{name}``, repeated in the graph of every article reporting it.

    Entity arguments are entity slugs (``id:entity/{slug}``).
    """
    iri = f"<{ID}event/{name}>"
    common = [f"a {cls}", f"rdfs:label {lit(name, 'en')}", "gh:confidence 0.9"]
    for prop, slugs in (("participant", participants), ("destination", destination), ("party", parties),
                        ("place", place)):
        common += [f"gh:{prop} <{ID}entity/{s}>" for s in slugs]
    for prop, slug in (("speaker", speaker), ("addressee", addressee), ("sender", sender)):
        if slug:
            common.append(f"gh:{prop} <{ID}entity/{slug}>")
    common += [f"gh:quote {lit(q)}" for q in quotes]
    common += [f'gh:troopCount "{c}"^^xsd:integer' for c in counts]
    if date:
        common.append(f"gh:date {date_lit(date)}")
    if in_force:
        common.append(f"gh:inForceFrom {date_lit(in_force)}")
    if status:
        common.append(f"gh:status gh:{status.capitalize()}")
    sentence = evidence or f"evidence sentence for {name}."
    out = []
    for article in articles:
        art = f"<{ID}article/{article}>"
        span = f"<{ID}article/{article}#char=0,{len(sentence)}>"
        props = [*common, f"gh:source {art}", f"gh:evidence {span}"]
        out.append(
            f"{art} {{\n"
            f'  {art} a gh:Article ; dcterms:identifier "{article}" .\n'
            f"  {iri} " + " ;\n    ".join(props) + " .\n"
            f"  {span} a nif:String ; nif:anchorOf {lit(sentence)} ; "
            f"nif:beginIndex 0 ; nif:endIndex {len(sentence)} ; "
            f"nif:referenceContext <{ID}article/{article}#context> .\n"
            "}\n"
        )
    return "".join(out)


def make_store(*parts: str) -> ox.Store:
    store = ox.Store()
    store.load(input=(PREFIXES + "".join(parts)).encode("utf-8"), format=ox.RdfFormat.TRIG)
    return store


def gold_event_trig(g: Mapping[str, Any], name: str | None = None) -> str:
    """A prediction that is exactly gold event ``g`` (first quote, all counts, all place keys)."""
    cls = {"Meeting": "gh:Meeting", "Statement": "gh:Statement", "TroopDeployment": "gh:TroopDeployment",
           "Treaty": "gh:Treaty"}[g["type"]]
    if g.get("medium") == "phone":
        cls = "gh:PhoneCall"
    return event(
        name or g["id"], cls, [a.removesuffix(".txt") for a in g["articles"]],
        participants=g.get("participants", ()), speaker=g.get("speaker"), addressee=g.get("addressee"),
        sender=g.get("sender"), destination=g.get("destination", ()), parties=g.get("parties", ()),
        place=g.get("place", ()), quotes=g.get("quotes", [])[:1], counts=g.get("counts", ()),
        date=g.get("date"), status=g.get("status"), in_force=g.get("in_force"),
    )


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    return load_gold(SEEDS_GOLD)


@pytest.fixture(scope="module")
def entities() -> dict[str, Any]:
    return load_entities(ENTITIES)


def perfect_parts(gold: Mapping[str, Any], skip: Iterable[str] = ()) -> list[str]:
    """Predictions for every non-optional seed gold event except ``skip``."""
    return [gold_event_trig(g) for g in gold["events"] if not g.get("optional") and g["id"] not in skip]


def score(parts: Iterable[str], gold: Mapping[str, Any], entities: Mapping[str, Any]) -> Report:
    return evaluate(load_predictions(make_store(entities_graph(entities), *parts)), gold, entities)


def one_event_gold(**fields: Any) -> dict[str, Any]:
    base = {"id": "g1", "articles": [f"{A4}.txt"]}
    return {"events": [{**base, **fields}]}


# ----------------------------------------------------------------------------- gold files


def test_gold_copies_are_unchanged_and_valid() -> None:
    shared = Path("/work/shared/gold")
    if shared.is_dir():
        for name in ("seeds.gold.json", "entities.json"):
            assert (GOLD_DIR / name).read_bytes() == (shared / name).read_bytes()
    gold = load_gold(SEEDS_GOLD)
    assert len(gold["events"]) == 37
    assert "putin" in load_entities(ENTITIES)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["events"][2].__setitem__("type", "Meetin"), "event 3 has unknown type 'Meetin'"),
        (lambda d: d.pop("events"), "missing 'events' list"),
        (lambda d: d["events"][0].__setitem__("date", "3 Sep 2025"), "'date' must be YYYY"),
        (lambda d: d["events"][0].__setitem__("articles", []), "non-empty 'articles'"),
        (lambda d: d["events"][9].__setitem__("counts", ["15000"]), "'counts' must be a list of integers"),
        (lambda d: d["events"][1].__setitem__("id", d["events"][0]["id"]), "repeats id 'beijing-meeting'"),
        (lambda d: d["events"][0].pop("participants"), "a Meeting needs 'participants'"),
        (lambda d: d["events"][0].__setitem__("status", "happened"), "'status' must be"),
    ],
)
def test_bad_gold_file_names_file_and_problem(tmp_path: Path, gold: dict[str, Any], mutate: Any,
                                              expected: str) -> None:
    data = copy.deepcopy(gold)
    mutate(data)
    path = tmp_path / "broken.gold.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(EvaluationError) as err:
        load_gold(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_gold_that_is_not_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.gold.json"
    path.write_text('{"events": [\n  {"id": "x",}\n]}', encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"bad\.gold\.json: not valid JSON: .* line 2"):
        load_gold(path)


def test_missing_gold_file_is_an_evaluation_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="nope.gold.json: cannot read"):
        load_gold(tmp_path / "nope.gold.json")


def test_bad_entities_file(tmp_path: Path) -> None:
    path = tmp_path / "entities.json"
    path.write_text(json.dumps({"putin": {"qid": "7747", "names": ["Putin"]}}), encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"entities\.json: entity 'putin' has a 'qid'"):
        load_entities(path)


def test_gold_referring_to_undefined_entity_key(tmp_path: Path, gold: dict[str, Any],
                                                entities: dict[str, Any]) -> None:
    data = copy.deepcopy(gold)
    data["events"][0]["participants"] = ["putin", "kimm"]
    (tmp_path / "g.gold.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "entities.json").write_text(json.dumps(entities, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"g\.gold\.json: event 1 .* 'kimm', which .*entities\.json"):
        evaluate_store(ox.Store(), tmp_path / "g.gold.json")


def test_evaluate_store_reads_entities_next_to_gold(tmp_path: Path, gold: dict[str, Any],
                                                    entities: dict[str, Any]) -> None:
    (tmp_path / "seeds.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    store = make_store(entities_graph(entities), *perfect_parts(gold))
    with pytest.raises(EvaluationError, match="entities.json: entities file not found"):
        evaluate_store(store, tmp_path / "seeds.gold.json")
    (tmp_path / "entities.json").write_text(json.dumps(entities, ensure_ascii=False), encoding="utf-8")
    report = evaluate_store(store, tmp_path / "seeds.gold.json")
    assert report.overall.f1 == 1.0
    assert evaluate_store(store, SEEDS_GOLD, ENTITIES).overall.tp == report.overall.tp


# ----------------------------------------------------------------------------- reading the store


def test_load_predictions_reads_every_field() -> None:
    store = make_store(
        f"<{ID}graph/ontology> {{ gh:VideoCall rdfs:subClassOf gh:Meeting . }}\n",
        f"<{ID}graph/entities> {{\n" + entity("putin", en="Vladimir Putin", qid="Q7747")
        + entity("kursk", en="Kursk", cls="gh:Place") + "}\n",
        event("d1", "gh:TroopDeployment", [A2, A3], sender="putin", destination=["kursk"],
              counts=[15000, 11000], date="2024", status="occurred", evidence="सैनिक भेजे गए।"),
        event("m1", "gh:VideoCall", [A1], participants=["putin", "kursk"], status="planned"),
        event("p1", "gh:PhoneCall", [A2], participants=["putin"]),
        event("s1", "gh:Statement", [A4], speaker="putin", quotes=["एक", "दो"], date="2023-09-13"),
        event("t1", "gh:Treaty", [A0], parties=["putin"], in_force="2024-12", date="2024-06"),
    )
    preds = {p.iri.rsplit("/", 1)[-1]: p for p in load_predictions(store)}
    assert set(preds) == {"d1", "m1", "p1", "s1", "t1"}
    d1 = preds["d1"]
    assert d1.type == "TroopDeployment"
    assert d1.sender == {f"{ID}entity/putin"}
    assert d1.destination == {f"{ID}entity/kursk"}
    assert d1.counts == {15000, 11000}
    assert (d1.date, d1.status) == ("2024", "occurred")
    assert d1.articles == {A2, A3}
    assert d1.evidence == ("सैनिक भेजे गए।",)
    assert d1.entities[f"{ID}entity/putin"].qids == ("Q7747",)
    assert d1.label(f"{ID}entity/putin") == "Vladimir Putin"
    assert preds["m1"].type == "Meeting"  # via rdfs:subClassOf in the store
    assert preds["m1"].status == "planned"
    assert preds["p1"].type == "Meeting"  # known subclass, no ontology statement needed
    assert sorted(preds["s1"].quotes) == ["एक", "दो"]
    assert (preds["s1"].speaker, preds["s1"].date) == (frozenset({f"{ID}entity/putin"}), "2023-09-13")
    assert (preds["t1"].type, preds["t1"].in_force, preds["t1"].date) == ("Treaty", "2024-12", "2024-06")


# ----------------------------------------------------------------------------- scoring the seeds


def test_perfect_predictions_score_one(gold: dict[str, Any], entities: dict[str, Any]) -> None:
    report = score(perfect_parts(gold), gold, entities)
    scored = [g for g in gold["events"] if not g.get("optional")]
    overall = report.overall
    assert (overall.precision, overall.recall, overall.f1) == (1.0, 1.0, 1.0)
    assert (overall.tp, overall.fp, overall.fn, overall.duplicates) == (len(scored), 0, 0, 0)
    for etype in ("Meeting", "Statement", "TroopDeployment", "Treaty"):
        expected = sum(g["type"] == etype for g in scored)
        assert report.types[etype].tp == expected
        assert report.types[etype].f1 == 1.0
    for name, arg in report.arguments.items():
        assert arg.total > 0, name
        assert arg.accuracy == 1.0, name
    assert report.arguments["date_exact"].total == sum("date" in g for g in scored)
    assert {m.gold_id for m in report.matches} == {g["id"] for g in scored}
    assert not report.misses and not report.false_positives and not report.duplicates


def test_missed_event(gold: dict[str, Any], entities: dict[str, Any]) -> None:
    report = score(perfect_parts(gold, skip=["phone-call"]), gold, entities)
    assert [m.gold["id"] for m in report.misses] == ["phone-call"]
    meeting = report.types["Meeting"]
    assert (meeting.tp, meeting.fp, meeting.fn) == (4, 0, 1)  # five non-optional meetings in the seeds
    assert meeting.precision == 1.0 and meeting.recall == 0.8
    assert report.overall.recall < 1.0


def test_false_positive(gold: dict[str, Any], entities: dict[str, Any]) -> None:
    extra = event("fp-meeting", "gh:Meeting", [A3], participants=["trump", "kim"], status="occurred",
                  evidence="ट्रंप और किम की मुलाकात हुई।")
    report = score([*perfect_parts(gold), extra], gold, entities)
    assert [e.prediction.iri for e in report.false_positives] == [f"{ID}event/fp-meeting"]
    meeting = report.types["Meeting"]
    assert (meeting.tp, meeting.fp, meeting.fn, meeting.duplicates) == (5, 1, 0, 0)
    assert meeting.precision == 5 / 6
    assert report.overall.fp == 1


def test_same_meeting_minted_twice_is_a_duplicate_not_a_false_positive(gold: dict[str, Any],
                                                                        entities: dict[str, Any]) -> None:
    beijing = next(g for g in gold["events"] if g["id"] == "beijing-meeting")
    twin = gold_event_trig({**beijing, "articles": [f"{A1}.txt"]}, name="beijing-meeting-twin")
    report = score([*perfect_parts(gold), twin], gold, entities)
    meeting = report.types["Meeting"]
    assert (meeting.tp, meeting.fp, meeting.duplicates) == (5, 0, 1)
    assert meeting.precision == 1.0
    [dup] = report.duplicates
    assert dup.gold_ids == ["beijing-meeting"]
    assert {dup.prediction.iri, *dup.paired_with} == {f"{ID}event/beijing-meeting",
                                                      f"{ID}event/beijing-meeting-twin"}
    assert report.overall.duplicates == 1 and report.overall.fp == 0


def test_optional_events_are_neutral(gold: dict[str, Any], entities: dict[str, Any]) -> None:
    optional = next(g for g in gold["events"] if g["id"] == "pyongyang-2024-meeting")
    parts = [
        *perfect_parts(gold),
        gold_event_trig(optional),
        # a second reading of the same optional meeting: unpaired, compatible only with optional gold
        event("pyongyang-again", "gh:Meeting", [A2], participants=["putin", "kim"], date="2024"),
        # an optional statement with no gold quotes: anything Kim says in 003 could be it
        event("kim-friend", "gh:Statement", [A3], speaker="kim", quotes=["मेरे सबसे प्रिय मित्र"]),
    ]
    report = score(parts, gold, entities)
    baseline = score(perfect_parts(gold), gold, entities)
    assert report.overall.tp == baseline.overall.tp
    assert report.overall.fp == 0 and report.overall.fn == 0 and report.overall.duplicates == 0
    assert report.overall.neutral == 3
    assert {m.gold_id for m in report.matches if m.optional} >= {"pyongyang-2024-meeting"}
    assert [e.prediction.iri for e in report.neutral] == [f"{ID}event/pyongyang-again"]
    # the same extra meeting in an article where no optional gold event fits is a false positive
    stray = event("pyongyang-stray", "gh:Meeting", [A3], participants=["putin", "kim"], date="2024")
    assert score([*perfect_parts(gold), stray], gold, entities).overall.fp == 1


@pytest.mark.parametrize("reverse", [False, True])
def test_prediction_fitting_optional_and_scored_gold_goes_to_the_scored_one(entities: dict[str, Any],
                                                                            reverse: bool) -> None:
    events = [
        {"id": "opt", "type": "Statement", "speaker": "kim", "optional": True, "articles": [A4]},
        {"id": "real", "type": "Statement", "speaker": "kim", "quotes": [PESKOV_QUOTE], "articles": [A4]},
    ]
    gold = {"events": events[::-1] if reverse else events}
    report = score([event("s", "gh:Statement", [A4], speaker="kim")], gold, entities)
    assert (report.overall.tp, report.overall.fn, report.overall.neutral) == (1, 0, 0)


# ----------------------------------------------------------------------------- compatibility rules


def test_quote_overlap_threshold_unit() -> None:
    # shorter side "abcdefg" has 4-grams abcd bcde cdef defg; the other has abcd and bcde: exactly half
    assert quote_overlap("abcdefg", "xyz abcde uvw") == 0.5
    assert quotes_match("abcdefg", "xyz abcde uvw")
    assert quotes_match("xyz abcde uvw", "abcdefg")  # symmetric: the shorter side decides
    assert not quotes_match("abcdefg", "xyz abcd uvwst")  # 1 of 4
    assert quote_overlap("a  b\n c d", "a b c d") == 1.0  # whitespace normalised
    assert quotes_match("ठोस", PESKOV_QUOTE)  # shorter than one 4-gram: containment


@pytest.mark.parametrize(
    ("quote", "lo", "hi", "compatible"),
    [
        ("पुतिन और किम जोंग उन मिले और चर्चा हुई", 0.5, 0.55, True),  # just above half
        ("बातचीत बहुत ठोस रही और लंबी चली, यह कहा गया", 0.4, 0.5, False),  # just below
        ("बातचीत बहुत अच्छी रही और दोनों नेता खुश थे", 0.0, 0.3, False),  # clearly below
        ("बातचीत बहुत ठोस रही", 1.0, 1.0, True),  # a fragment of the gold quote
    ],
    ids=["just-above", "just-below", "clearly-below", "fragment"],
)
def test_quote_overlap_decides_statement_compatibility(entities: dict[str, Any], quote: str, lo: float,
                                                       hi: float, compatible: bool) -> None:
    assert lo <= quote_overlap(PESKOV_QUOTE, quote) <= hi
    gold = one_event_gold(type="Statement", speaker="peskov", quotes=[PESKOV_QUOTE])
    report = score([event("s", "gh:Statement", [A4], speaker="peskov", quotes=[quote])], gold, entities)
    s = report.types["Statement"]
    assert (s.tp, s.fp, s.fn) == ((1, 0, 0) if compatible else (0, 1, 1))
    if not compatible:
        assert "no quote overlaps" in report.false_positives[0].near[0][1]


def test_statement_without_quotes_matches_on_speaker_alone(entities: dict[str, Any]) -> None:
    gold = one_event_gold(type="Statement", speaker="peskov", quotes=[PESKOV_QUOTE])
    right = score([event("s", "gh:Statement", [A4], speaker="peskov")], gold, entities)
    wrong = score([event("s", "gh:Statement", [A4], speaker="putin")], gold, entities)
    assert right.overall.tp == 1
    assert (wrong.overall.tp, wrong.overall.fp, wrong.overall.fn) == (0, 1, 1)


@pytest.mark.parametrize(
    ("gold_counts", "predicted", "compatible", "count_correct"),
    [
        ([5000], [5000], True, True),
        ([15000, 11000], [11000, 15000], True, True),
        ([5000], [7000], False, None),
        ([15000, 11000], [15000, 12000], False, None),  # every predicted count must be acceptable
        ([5000], [], True, False),  # no count: compatible, but the count argument is wrong
        (None, [5000], False, None),  # the text gives no number: a predicted one is wrong
        (None, [], True, None),
    ],
)
def test_troop_counts(entities: dict[str, Any], gold_counts: list[int] | None, predicted: list[int],
                      compatible: bool, count_correct: bool | None) -> None:
    fields: dict[str, Any] = {"type": "TroopDeployment", "sender": "north_korea", "destination": ["kursk"]}
    if gold_counts is not None:
        fields["counts"] = gold_counts
    gold = one_event_gold(**fields)
    pred = event("d", "gh:TroopDeployment", [A4], sender="north_korea", counts=predicted)
    report = score([pred], gold, entities)
    s = report.types["TroopDeployment"]
    assert (s.tp, s.fp, s.fn) == ((1, 0, 0) if compatible else (0, 1, 1))
    if gold_counts is None and predicted:
        assert "where the text gives none" in report.false_positives[0].near[0][1]
    count = report.arguments["count"]
    if count_correct is None:
        assert count.total == 0
    else:
        assert (count.correct, count.total) == (int(count_correct), 1)


def test_count_incompatible_with_one_gold_pairs_with_the_other(entities: dict[str, Any]) -> None:
    gold = {"events": [
        {"id": "builders", "type": "TroopDeployment", "sender": "north_korea", "counts": [5000],
         "articles": [A2]},
        {"id": "sappers", "type": "TroopDeployment", "sender": "north_korea", "counts": [1000],
         "articles": [A2]},
    ]}
    preds = [event("a", "gh:TroopDeployment", [A2], sender="north_korea", counts=[1000]),
             event("b", "gh:TroopDeployment", [A2], sender="north_korea", counts=[5000])]
    report = score(preds, gold, entities)
    assert {(m.gold_id, m.prediction.iri.rsplit("/", 1)[-1]) for m in report.matches} == {
        ("builders", "b"), ("sappers", "a")}
    assert report.arguments["count"].accuracy == 1.0


@pytest.mark.parametrize(
    ("gold_date", "predicted", "compatible", "exact"),
    [
        ("2025-08", "2025-08-15", True, False),
        ("2025-08-15", "2025-08", True, False),
        ("2025-08-15", "2025-08-15", True, True),
        ("2025-08", None, True, False),
        ("2025-08", "2025-09-01", False, None),
        ("2025", "2024-12", False, None),
        (None, "2025-08-15", True, None),
    ],
)
def test_dates(entities: dict[str, Any], gold_date: str | None, predicted: str | None, compatible: bool,
               exact: bool | None) -> None:
    fields: dict[str, Any] = {"type": "Meeting", "participants": ["putin", "trump"]}
    if gold_date:
        fields["date"] = gold_date
    pred = event("m", "gh:Meeting", [A4], participants=["trump", "putin"], date=predicted)
    report = score([pred], one_event_gold(**fields), entities)
    assert report.overall.tp == int(compatible)
    assert report.overall.fp == int(not compatible)
    date_exact = report.arguments["date_exact"]
    if exact is None:
        assert date_exact.total == 0
    else:
        assert (date_exact.correct, date_exact.total) == (int(exact), 1)


@pytest.mark.parametrize("reverse", [False, True])
def test_best_date_agreement_is_preferred_when_pairing(entities: dict[str, Any], reverse: bool) -> None:
    events = [
        {"id": "aug", "type": "Meeting", "participants": ["putin", "kim"], "date": "2025-08", "articles": [A2]},
        {"id": "aug15", "type": "Meeting", "participants": ["putin", "kim"], "date": "2025-08-15",
         "articles": [A2]},
    ]
    gold = {"events": events[::-1] if reverse else events}
    # both predictions fit both gold events; only one pairing makes both dates exact
    preds = [event("p15", "gh:Meeting", [A2], participants=["putin", "kim"], date="2025-08-15"),
             event("pAug", "gh:Meeting", [A2], participants=["putin", "kim"], date="2025-08")]
    report = score(preds[::-1] if reverse else preds, gold, entities)
    assert report.arguments["date_exact"].correct == 2


def test_meeting_tolerates_one_extra_participant_not_two(entities: dict[str, Any]) -> None:
    gold = one_event_gold(type="Meeting", participants=["putin", "kim"])
    one = event("m", "gh:Meeting", [A4], participants=["putin", "kim", "shoigu"])
    two = event("m", "gh:Meeting", [A4], participants=["putin", "kim", "shoigu", "peskov"])
    missing = event("m", "gh:Meeting", [A4], participants=["putin", "shoigu"])
    assert score([one], gold, entities).overall.tp == 1
    assert score([two], gold, entities).overall.tp == 0
    assert score([missing], gold, entities).overall.tp == 0


def test_treaty_needs_every_party(entities: dict[str, Any]) -> None:
    gold = one_event_gold(type="Treaty", parties=["russia", "north_korea"], place=["pyongyang"])
    ok = event("t", "gh:Treaty", [A4], parties=["north_korea", "russia"], place=["beijing"])
    half = event("t", "gh:Treaty", [A4], parties=["russia"])
    report = score([ok], gold, entities)
    assert report.overall.tp == 1
    assert (report.arguments["place"].correct, report.arguments["place"].total) == (0, 1)
    assert score([half], gold, entities).overall.tp == 0


# ----------------------------------------------------------------------------- entity mapping


def test_normalise_name() -> None:
    assert normalise_name("किम जोंग-उन") == normalise_name("किम\u200dजोंग उन")
    assert normalise_name("पेस\u093cकोव") == normalise_name("पेसकोव")
    assert normalise_name("ड़") == normalise_name("ड")  # U+095C decomposes under NFC
    assert normalise_name("Kim Jong-Un.") == "kimjongun"
    assert normalise_name("पुतिन") != normalise_name("पुतीन")


def test_entity_mapping_through_label_variant_and_same_as(entities: dict[str, Any]) -> None:
    gold = one_event_gold(type="Meeting", participants=["putin", "peskov"])
    variant_entities = (
        f"<{ID}graph/entities> {{\n"
        # no sameAs, label with nukta, ZWJ and a hyphen where entities.json has a space
        + entity("new/peskov", hi="दिमित्री-पेस\u093cको\u200dव")
        # label unknown to entities.json, but owl:sameAs the gold key's Wikidata item
        + entity("vvp", en="V. V. P.", qid="Q7747")
        + entity("nobody", en="Putln")
        + "}\n"
    )
    store = make_store(variant_entities,
                       event("m", "gh:Meeting", [A4], participants=["new/peskov", "vvp"]))
    report = evaluate(load_predictions(store), gold, entities)
    assert report.overall.tp == 1
    # control: neither a near-miss spelling without sameAs nor a bare IRI maps to putin
    store = make_store(variant_entities,
                       event("m", "gh:Meeting", [A4], participants=["new/peskov", "nobody"]))
    report = evaluate(load_predictions(store), gold, entities)
    assert report.overall.tp == 0
    assert "putin not predicted" in report.false_positives[0].near[0][1]


# ----------------------------------------------------------------------------- scope


def test_predictions_outside_gold_articles_are_not_scored(gold: dict[str, Any], entities: dict[str, Any]) -> None:
    elsewhere = event("elsewhere", "gh:Meeting", ["999_not_in_gold"], participants=["trump", "kim"])
    both = event("both", "gh:Meeting", ["999_not_in_gold", A3], participants=["trump", "kim"])
    report = score([*perfect_parts(gold), elsewhere], gold, entities)
    assert report.overall.fp == 0 and report.out_of_scope == 1
    report = score([*perfect_parts(gold), both], gold, entities)
    assert report.overall.fp == 1 and report.out_of_scope == 0


def test_trap_articles_are_in_scope(entities: dict[str, Any]) -> None:
    gold = {"events": one_event_gold(type="Meeting", participants=["putin", "kim"])["events"],
            "traps": {"trap_article.txt": "arms, not troops"}}
    trap = event("arms", "gh:TroopDeployment", ["trap_article"], sender="north_korea")
    report = score([trap], gold, entities)
    assert report.overall.fp == 1
    assert "trap_article" in report.scope


# ----------------------------------------------------------------------------- output


def test_render_text_lists_misses_false_positives_and_evidence(gold: dict[str, Any],
                                                              entities: dict[str, Any]) -> None:
    sentence = "ट्रंप ने किम जोंग उन से मुलाकात की।"
    extra = event("fp-meeting", "gh:Meeting", [A3], participants=["trump", "kim"], evidence=sentence)
    beijing = next(g for g in gold["events"] if g["id"] == "beijing-meeting")
    twin = gold_event_trig({**beijing, "articles": [A0]}, name="beijing-twin")
    report = score([*perfect_parts(gold, skip=["kim-shoigu-meeting"]), extra, twin], gold, entities)
    text = render_text(report)
    misses = text.split("misses (1)")[1].split("false positives")[0]
    assert "kim-shoigu-meeting [Meeting]" in misses
    assert "participants: kim, shoigu" in misses and A3 in misses
    fps = text.split("false positives (1)")[1].split("duplicates")[0]
    assert f"<{ID}event/fp-meeting> [Meeting]" in fps
    assert sentence in fps
    assert "Donald Trump" in fps and "Kim Jong Un" in fps  # arguments as labels, not IRIs
    assert "vs gold kim-shoigu-meeting: participant(s) shoigu not predicted" in fps
    dups = text.split("duplicates (1)")[1]
    assert "beijing-twin" in dups and "duplicates gold beijing-meeting" in dups
    overall = next(line for line in text.splitlines() if line.startswith("overall"))
    assert overall.split()[1:4] == [f"{report.overall.precision:.3f}", f"{report.overall.recall:.3f}",
                                     f"{report.overall.f1:.3f}"]


def test_report_to_dict_is_json_serialisable(gold: dict[str, Any], entities: dict[str, Any]) -> None:
    extra = event("fp-meeting", "gh:Meeting", [A3], participants=["trump", "kim"], evidence="वाक्य।")
    report = score([*perfect_parts(gold, skip=["treaty-2024"]), extra], gold, entities)
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert set(data["types"]) == {"Meeting", "Statement", "TroopDeployment", "Treaty"}
    assert data["types"]["Treaty"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0,
                                       "fn": 1, "duplicates": 0, "neutral": 0}
    assert data["overall"]["fp"] == 1 and data["overall"]["fn"] == 1
    assert set(data["arguments"]) == {"date_exact", "place", "status", "count"}
    assert set(data["arguments"]["place"]) == {"correct", "total", "accuracy"}
    assert [m["id"] for m in data["misses"]] == ["treaty-2024"]
    [fp] = data["false_positives"]
    assert fp["evidence"] == ["वाक्य।"] and fp["articles"] == [A3]
    assert {a["label"] for a in fp["arguments"]["participants"]} == {"Donald Trump", "Kim Jong Un"}
    assert data["duplicates"] == []


def test_nothing_to_find_and_nothing_predicted_is_perfect(entities: dict[str, Any]) -> None:
    report = evaluate([], {"events": []}, entities)
    assert report.overall.f1 == 1.0 and report.types["Treaty"].precision == 1.0
    gold = one_event_gold(type="Meeting", participants=["putin", "kim"])
    empty = evaluate([], gold, entities)
    assert (empty.overall.precision, empty.overall.recall, empty.overall.f1) == (0.0, 0.0, 0.0)
    assert empty.types["Treaty"].f1 == 1.0


def test_evaluate_accepts_hand_built_predictions(entities: dict[str, Any]) -> None:
    gold = one_event_gold(type="Meeting", participants=["putin", "kim"], date="2023-09")
    pred = Prediction(iri="urn:x", type="Meeting", date="2023-09-13",
                      participants=frozenset({"http://www.wikidata.org/entity/Q7747",
                                              "http://www.wikidata.org/entity/Q56226"}),
                      articles=frozenset({A4}))
    report = evaluate([pred], gold, entities)
    assert report.overall.tp == 1 and report.arguments["date_exact"].correct == 0
