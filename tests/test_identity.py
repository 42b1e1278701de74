"""Cross-article resolution: the blocking keys that keep it near-linear never change its result."""
from __future__ import annotations

import itertools
import random

import pytest

from kg.events import CountClaim, Event, Span
from kg.gazetteer import Entity, Gazetteer, load_gazetteer
from kg.identity import _block_keys, _cluster, _cross_compatible

E = "https://w3id.org/ghatna/id/entity/"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def _places(gaz: Gazetteer) -> list[str]:
    return sorted(e.iri for e in gaz.entities.values() if e.is_place)


def test_a_place_lying_in_another_shares_an_outermost_place_with_it(gaz):
    places = _places(gaz)
    pairs = [(x, y) for x in places for y in places if gaz.within(x, y)]
    assert len(pairs) > len(places), "the gazetteer should nest some places"
    for x, y in pairs:
        assert gaz.outermost(y), y
        assert gaz.outermost(y) <= gaz.outermost(x), (x, y)


def test_outermost_places_in_a_cycle_of_located_in():
    """Data with a cycle (a within b within a) still gives every place an outermost set, shared by both."""
    ents = {E + n: Entity(E + n, "place", names=[n]) for n in ("aa", "bb", "cc", "dd")}
    ents[E + "aa"].located_in = [E + "bb"]
    ents[E + "bb"].located_in = [E + "aa"]
    ents[E + "cc"].located_in = [E + "aa"]
    g = Gazetteer(ents, {})
    assert g.within(E + "cc", E + "bb") and g.within(E + "bb", E + "aa")
    assert g.outermost(E + "cc") == g.outermost(E + "aa") == {E + "aa", E + "bb"}
    assert g.outermost(E + "dd") == {E + "dd"}


def _random_events(gaz: Gazetteer, rng: random.Random, n: int) -> list[Event]:
    places = _places(gaz)
    people = [E + p for p in ("putin", "kim", "xi", "modi", "lavrov")]
    countries = [E + c for c in ("russia", "north-korea", "china", "india")]
    out = []
    for i in range(n):
        art = f"a{i // 3:03d}"
        kind = rng.choice(("Meeting", "TroopDeployment", "Treaty"))
        date = rng.choice([None, "2024", "2024-06", "2024-06-19", "2024-06-20", "2023-11"])
        ev = Event(kind, art, [Span(i * 10, i * 10 + 5, "x")], "test", date=date,
                   date_explicit=date is not None and rng.random() < 0.8,
                   status=rng.choice(("occurred", "occurred", "planned")))
        if kind == "Meeting":
            ev.roles = {"participant": sorted(rng.sample(people, rng.choice((2, 2, 3)))),
                        "place": rng.sample(places, rng.choice((0, 1, 1)))}
            ev.medium = rng.choice((None, None, "phone"))
        elif kind == "TroopDeployment":
            ev.roles = {"sender": [rng.choice(countries[:2])]}
            if rng.random() < 0.4:
                ev.roles["host"] = [rng.choice(countries)]
            ev.roles["destination"] = rng.sample(places, rng.choice((0, 1, 1, 2)))
            ev.personnel = rng.choice((None, "सैनिक"))
            ev.counts = [CountClaim(rng.choice((1000, 5000)))] if rng.random() < 0.5 else []
        else:
            ev.roles = {"party": sorted(rng.sample(countries, rng.choice((2, 2, 3))))}
        out.append(ev)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_compatible_events_always_share_a_block_key(gaz, seed):
    events = _random_events(gaz, random.Random(seed), 300)
    shared = 0
    for a, b in itertools.combinations(events, 2):
        if a.type == b.type and _cross_compatible(gaz, a, b):
            assert set(_block_keys(a, gaz=gaz)) & set(_block_keys(b, gaz=gaz)), (a, b)
            shared += 1
    assert shared > 50   # the random events do make compatible pairs


def _greedy_every_pair(items: list[Event], ok) -> list[list[int]]:
    """The agglomeration as specified, plainly: every pair in order; join two groups of different articles
    when every cross pair is compatible."""
    group = {i: [i] for i in range(len(items))}   # item -> its group (shared list objects)
    for i, j in itertools.combinations(range(len(items)), 2):
        gi, gj = group[i], group[j]
        if gi is gj or {items[x].article for x in gi} & {items[y].article for y in gj}:
            continue
        if all(ok(items[x], items[y]) for x in gi for y in gj):
            merged = sorted(gi + gj)
            for x in merged:
                group[x] = merged
    return list({id(g): g for g in group.values()}.values())


@pytest.mark.parametrize("seed", range(5))
def test_clusters_with_blocking_equal_clusters_comparing_every_pair(gaz, seed):
    events = _random_events(gaz, random.Random(100 + seed), 240)
    for type_ in ("Meeting", "TroopDeployment", "Treaty"):
        items = [e for e in events if e.type == type_]
        ok = lambda a, b: _cross_compatible(gaz, a, b)  # noqa: E731
        blocked = _cluster(items, ok, lambda ev: _block_keys(ev, gaz=gaz))
        every_pair = _greedy_every_pair(items, ok)
        assert sorted(blocked) == sorted(every_pair), type_
        assert len(blocked) < len(items), f"{type_}: nothing merged, the test shows nothing"
