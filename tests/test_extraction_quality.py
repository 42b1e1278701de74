"""Extraction quality on articles written for the tests (not the seeds): a floor that catches regressions.

tests/data/articles/ holds 18 Hindi articles about other people, places and outlets, in other styles,
with traps and two event-free articles; tests/data/articles.gold.json annotates them in the shared gold
format. The figures in the README come from `kg evaluate` on this set.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build
from kg.evaluate import evaluate_store
from kg.store import open_store

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    store = tmp_path_factory.mktemp("dev") / "kg.oxigraph"
    build([DATA / "articles"], store)
    gs = open_store(store, read_only=True)
    return evaluate_store(gs.store, DATA / "articles.gold.json", DATA / "articles.entities.json").to_dict()


def test_overall_quality_floor(report):
    overall = report["overall"]
    assert overall["precision"] >= 0.95, overall
    assert overall["f1"] >= 0.90, overall
    assert overall["duplicates"] <= 2, overall


@pytest.mark.parametrize("type_", ["Meeting", "Statement", "TroopDeployment", "Treaty"])
def test_every_type_is_found(report, type_):
    assert report["types"][type_]["f1"] >= 0.85, report["types"][type_]


def test_event_free_articles_and_traps_yield_nothing(tmp_path):
    build([DATA / "articles" / "t16_market_report_defence_stocks.txt",
           DATA / "articles" / "t17_explainer_treaty_vs_mou.txt"], tmp_path / "s")
    gs = open_store(tmp_path / "s", read_only=True)
    n = list(gs.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?e <https://w3id.org/ghatna/ontology#source> ?a }",
                            use_default_graph_as_union=True))
    assert int(n[0]["n"].value) == 0
