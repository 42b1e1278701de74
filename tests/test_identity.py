"""Cross-article resolution: the blocking keys that keep it near-linear never change its result."""
from __future__ import annotations

import itertools
import random

import pytest

import kg.identity
from kg.events import CountClaim, Event, Span
from kg.gazetteer import Entity, Gazetteer, load_gazetteer
from kg.identity import ArticleEvents, _block_keys, _cluster, _cross_compatible, cluster_digest, resolve_all, \
    resolve_changes

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


class _Entries:
    """The stored entries of a resolution, as ``resolve_changes`` reads them (``kg.store.EntryIndex``'s role)."""

    def __init__(self, entries: dict[str, list]) -> None:
        self.stored = entries

    def entries(self, ident: str) -> list | None:
        return self.stored.get(ident)

    def with_key(self, key: str) -> list[str]:
        return [a for a, es in self.stored.items() if any(key in x[2] for x in es)]

    def in_cluster(self, iri: str) -> list[str]:
        return [a for a, es in self.stored.items() if any(x[1] == iri for x in es)]


def _meeting(article: str, date: str | None, start: int = 0) -> Event:
    return Event("Meeting", article, [Span(start, start + 40, "x")], "test", date=date,
                 date_explicit=date is not None, roles={"participant": [E + "kim-jong-un", E + "vladimir-putin"]})


def test_a_meeting_whose_description_changes_takes_the_statements_made_at_it_along(gaz):
    """An edit in one article makes a meeting's date more precise without changing its IRI (its first
    report is another article's): a statement made at the meeting in a third article, whose own date is
    the meeting's, changes too, although nothing of its article did."""
    statement = Event("Statement", "b", [Span(100, 140, "x")], "test", quotes=["बातचीत बहुत ठोस रही"],
                      roles={"speaker": [E + "vladimir-putin"], "addressee": [E + "kim-jong-un"]})
    before = {"a": [_meeting("a", "2024-06")], "b": [_meeting("b", "2024", 100), statement],
              "c": [_meeting("c", "2024-06")], "d": [_meeting("d", "2024-06")]}
    after = {**before, "c": [_meeting("c", "2024-06-19")]}

    def articles(events: dict[str, list[Event]]) -> list[ArticleEvents]:
        return [ArticleEvents(ident, "2024-06-25", evs) for ident, evs in sorted(events.items())]
    old, new = resolve_all(articles(before), gaz), resolve_all(articles(after), gaz)
    at = next(c for c in new.clusters if c.type == "Statement")
    assert at.during and at.description.date == "2024-06-19"     # the statement's date is the meeting's
    was = next(c for c in old.clusters if c.type == "Meeting")
    assert at.during == was.iri and len(was.members) == 4      # the same meeting IRI as before the edit

    update = resolve_changes(_Entries({a: old.entries(a) for a in before}), [],
                             [ArticleEvents("c", "2024-06-25", after["c"])],
                             {a.ident: a for a in articles(after)}.__getitem__, gaz)
    assert "b" in update.articles
    for ident in after:
        want = new.entries(ident)
        assert (update.entries[ident] if ident in update.entries else old.entries(ident)) == want, ident
    got = {c.iri: c for ident in update.articles for c in update.clusters_of(ident)}
    for c in new.clusters:
        assert cluster_digest(got[c.iri]) == cluster_digest(c), c.type


def test_an_edit_that_leaves_a_meeting_as_it_was_links_no_other_articles_statements(gaz, monkeypatch):
    """Every report of two leaders' meetings shares the meeting's key, so an edit reaches all of them; the
    statements of those whose meeting cluster stayed as it was are not linked to meetings again."""
    statement = Event("Statement", "b", [Span(100, 140, "x")], "test", quotes=["बातचीत बहुत ठोस रही"],
                      roles={"speaker": [E + "vladimir-putin"], "addressee": [E + "kim-jong-un"]})
    before = {"a": [_meeting("a", "2024-06")], "b": [_meeting("b", "2024", 100), statement],
              "c": [_meeting("c", "2024-06")]}
    treaty = Event("Treaty", "c", [Span(200, 240, "x")], "test", roles={"party": [E + "north-korea", E + "russia"]})
    after = {**before, "c": [_meeting("c", "2024-06"), treaty]}
    linked: list[str] = []
    real = kg.identity._link_statements

    def spy(per_article, *args):
        linked.extend(per_article)
        return real(per_article, *args)
    monkeypatch.setattr(kg.identity, "_link_statements", spy)

    def articles(events: dict[str, list[Event]]) -> list[ArticleEvents]:
        return [ArticleEvents(ident, "2024-06-25", evs) for ident, evs in sorted(events.items())]
    old, new = resolve_all(articles(before), gaz), resolve_all(articles(after), gaz)
    linked.clear()
    update = resolve_changes(_Entries({a: old.entries(a) for a in before}), [],
                             [ArticleEvents("c", "2024-06-25", after["c"])],
                             {a.ident: a for a in articles(after)}.__getitem__, gaz)
    assert linked == ["c"]
    assert {"a", "b", "c"} <= set(update.articles)     # the meeting's reports: their graphs are made again
    for ident in after:
        assert update.entries[ident] == new.entries(ident), ident
