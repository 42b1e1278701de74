"""One node per real event: merge event mentions within and across articles, and mint stable IRIs.

Two phases. Within an article, mentions of the same event (repeated in the headline, the lead and the
body) merge when their arguments agree. Across articles, the merged events merge when they agree on who
(participants, speaker, sender, parties), when (explicit dates compatible) and, for undated reports,
where: an undated meeting of the same two leaders elsewhere stays a different meeting. Statements are
paired by content within the same occasion (the same meeting) and by quote overlap otherwise.

The result depends only on the *set* of articles, never on their order: clusters are formed in sorted
order and an event's IRI is derived from its earliest member (article identifier, offset), so a fresh
build and any sequence of incremental builds give the same graph.
"""
from __future__ import annotations

import bisect
import hashlib
import heapq
import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Protocol

from .events import CountClaim, Event, Span
from .gazetteer import Gazetteer
from .vocab import ID_NS

__all__ = ["ArticleEvents", "Cluster", "Resolution", "Update", "StaleEntries", "StoredEntries", "resolve",
           "resolve_all", "resolve_changes", "cluster_digest", "quote_overlap", "dates_compatible", "EVENT_PATH"]

EVENT_PATH = {"Meeting": "meeting", "Statement": "statement", "TroopDeployment": "deployment", "Treaty": "treaty"}
_RANK = {4: "day", 2: "month", 1: "year"}


@dataclass
class ArticleEvents:
    """An article's identifier, publication date (ISO or None) and its extracted events."""

    ident: str
    published: str | None
    events: list[Event]


@dataclass
class Cluster:
    """One real event: its IRI, merged description, and the article events it came from."""

    iri: str
    type: str
    members: list[Event]
    description: Event
    during: str | None = None     # IRI of the meeting a statement was made at
    sources: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------- small comparisons
def _precision(value: str | None) -> int:
    return 0 if not value else {10: 3, 7: 2, 4: 1}.get(len(value), 0)


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Compatible when either is unknown or one is a prefix of the other.

    >>> dates_compatible("2024-06", "2024-06-19"), dates_compatible("2024", "2025"), dates_compatible(None, "2024")
    (True, False, True)
    """
    if not a or not b:
        return True
    return a.startswith(b) or b.startswith(a)


@lru_cache(maxsize=1 << 16)
def _grams(s: str) -> frozenset[str]:
    s = re.sub(r"\s+", " ", re.sub(r"[\"'‘’“”।.,!?]", " ", s)).strip()
    return frozenset(s[i:i + 4] for i in range(max(0, len(s) - 3)))


def quote_overlap(a: str, b: str) -> float:
    """Share of the shorter quote's character 4-grams that occur in the longer one.

    >>> quote_overlap("बातचीत बहुत ठोस रही", '"पुतिन और किम के बीच बातचीत बहुत ठोस रही।"')
    1.0
    """
    ga, gb = _grams(a), _grams(b)
    if not ga or not gb:
        return 0.0
    short, long_ = (ga, gb) if len(ga) <= len(gb) else (gb, ga)
    return len(short & long_) / len(short)


_STOP = set("के की का में से को ने और है हैं था थे थी कि यह वह इस उस पर भी एक लिए साथ तक हो होगा होगी गया गई किया "
            "करने करना कर रहे रहा रही दिया अपने अपनी उनके उनकी तो ही जो".split())


@lru_cache(maxsize=1 << 16)
def _words(s: str) -> frozenset[str]:
    """A quote's content words (cached like :func:`_grams`: statement clustering compares each quote with
    many others; the regex was a tenth of resolution's time on 10,000 articles)."""
    return frozenset(w for w in re.findall(r"[\u0900-\u097f\w]+", s) if w not in _STOP and len(w) > 1)


def clear_identity_caches() -> None:
    """Empty the caches of quotes' 4-grams, their ranks and content words (bounded, but tens of MB once
    full): for when a resolution of many articles is over."""
    _grams.cache_clear()
    _gram_rank.cache_clear()
    _words.cache_clear()


def _content_similarity(a: Event, b: Event) -> float:
    qa, qb = " ".join(a.quotes), " ".join(b.quotes)
    wa, wb = _words(qa), _words(qb)
    jac = len(wa & wb) / len(wa | wb) if wa and wb else 0.0
    return max(jac, quote_overlap(qa, qb) * 0.8)


# ---------------------------------------------------------------------- merging descriptions
def _merge_into(target: Event, other: Event) -> None:
    for span in other.evidence:
        if all((s.start, s.end) != (span.start, span.end) for s in target.evidence):
            target.evidence.append(span)
    target.evidence.sort(key=lambda s: s.start)
    for role, iris in other.roles.items():
        if role in ("speaker", "sender") and target.roles.get(role):
            continue
        merged = list(dict.fromkeys(target.roles.get(role, []) + iris))
        target.roles[role] = merged if role in ("reportedBy",) else sorted(merged)
    if _precision(other.date) > _precision(target.date) and dates_compatible(target.date, other.date):
        target.date, target.date_explicit = other.date, other.date_explicit
    for attr in ("in_force", "ratified"):
        if _precision(getattr(other, attr)) > _precision(getattr(target, attr)):
            setattr(target, attr, getattr(other, attr))
    for q in other.quotes:
        if q not in target.quotes:
            target.quotes.append(q)
    for c in other.counts:
        if all((c.count, c.attributed_to) != (x.count, x.attributed_to) for x in target.counts):
            target.counts.append(c)
    if other.status == "occurred":
        target.status = "occurred"
    target.subtype = target.subtype if target.subtype not in (None, "anaphoric") else other.subtype
    target.medium = target.medium or other.medium
    target.personnel = target.personnel or other.personnel
    target.name = target.name or other.name
    target.quote_kind = "direct" if "direct" in (target.quote_kind, other.quote_kind) else target.quote_kind
    target.earlier = target.earlier and other.earlier
    target.pluperfect = target.pluperfect and other.pluperfect
    target.confidence = max(target.confidence, other.confidence)
    for n in other.new_entities:
        if n not in target.new_entities:
            target.new_entities.append(n)


def _copy(ev: Event) -> Event:
    """A copy whose lists and role map can be merged into without touching ``ev`` (spans, counts and
    minted entities are never changed in place, so they are shared)."""
    # what ``dataclasses.replace`` gives, without its per-field checks; through ``__init__``, so that the
    # copy's attribute dict shares its keys with other events' (a dict of its own is 3x the size)
    return type(ev)(**{**ev.__dict__, "evidence": list(ev.evidence), "roles": {k: list(v) for k, v in ev.roles.items()},
                       "quotes": list(ev.quotes), "counts": list(ev.counts), "new_entities": list(ev.new_entities)})


# ---------------------------------------------------------------------- compatibility rules
def _places_compatible(gaz: Gazetteer, a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return False
    return any(gaz.within(x, y) or gaz.within(y, x) for x in a for y in b)


def _participants_compatible(a: Event, b: Event) -> bool:
    pa, pb = set(a.role("participant")), set(b.role("participant"))
    return len(pa & pb) >= 2 and (pa <= pb or pb <= pa)


def _places_compatible_any(a: list[str], b: list[str]) -> bool:
    """Within one article, without the gazetteer: the same place named on both sides."""
    return bool(set(a) & set(b))


def _same_article_compatible(a: Event, b: Event) -> bool:
    if a.type != b.type:
        return False
    if a.type != "Statement" and a.earlier != b.earlier:
        return False  # "इससे पहले … 2021 में … वार्ता की थी" is not the summit the article reports
    if a.type == "TroopDeployment" and a.status == b.status == "occurred":
        # figures and dates of one ongoing deployment vary with the source and do not split it,
        # but two fronts do: both figures given and destinations apart means two deployments
        if a.counts and b.counts and a.role("destination") and b.role("destination") \
                and not _places_compatible_any(a.role("destination"), b.role("destination")):
            return False
    elif not dates_compatible(a.date if a.date_explicit else None, b.date if b.date_explicit else None):
        return False
    if a.type == "Meeting":
        return _participants_compatible(a, b) and (a.medium == b.medium or not a.medium or not b.medium) \
            and a.status == b.status
    if a.type == "Statement":
        if a.role("speaker") != b.role("speaker"):
            return False
        return b.subtype == "anaphoric" or quote_overlap(" ".join(a.quotes), " ".join(b.quotes)) >= 0.5
    if a.type == "TroopDeployment":
        return (a.role("sender") == b.role("sender") and a.status == b.status
                and (not a.role("host") or not b.role("host") or a.role("host") == b.role("host"))
                and (a.personnel == b.personnel or a.status == "occurred" and not (a.counts and b.counts))
                and (not a.counts or not b.counts or a.status == "occurred"
                     or {c.count for c in a.counts} == {c.count for c in b.counts}))
    if a.type == "Treaty":
        pa, pb = set(a.role("party")), set(b.role("party"))
        return len(pa) < 2 or len(pb) < 2 or pa <= pb or pb <= pa
    return False


def _cross_compatible(gaz: Gazetteer, a: Event, b: Event) -> bool:
    ea = a.date if a.date_explicit else None
    eb = b.date if b.date_explicit else None
    if a.type == "Meeting":
        if not _participants_compatible(a, b):
            return False
        if (a.medium or "") != (b.medium or ""):
            return False
        if ea and eb:
            if not dates_compatible(ea, eb):
                return False
            if _precision(ea) == 3 and _precision(eb) == 3:
                return ea == eb
            return True
        return _places_compatible(gaz, a.role("place"), b.role("place")) and dates_compatible(a.date, b.date)
    if a.type == "TroopDeployment":
        if a.role("sender") != b.role("sender") or a.status != b.status:
            return False
        if a.role("host") and b.role("host"):
            if a.role("host") != b.role("host"):
                return False
        elif not _places_compatible(gaz, a.role("destination"), b.role("destination")):
            return False
        if a.status == "planned":
            return a.personnel == b.personnel and {c.count for c in a.counts} == {c.count for c in b.counts} \
                and dates_compatible(ea, eb)
        return True
    if a.type == "Treaty":
        pa, pb = set(a.role("party")), set(b.role("party"))
        return (pa <= pb or pb <= pa) and len(pa & pb) >= 2 and dates_compatible(ea, eb)
    if a.type == "Statement":
        return a.role("speaker") == b.role("speaker") and dates_compatible(a.date, b.date) \
            and quote_overlap(" ".join(a.quotes), " ".join(b.quotes)) >= 0.5
    return False


# ---------------------------------------------------------------------- the resolver
def _signature(ev: Event) -> str:
    """What tells apart two events first reported in the same sentence (e.g. 5,000 builders and 1,000 sappers)."""
    parts = [ev.type, repr(sorted((k, tuple(v)) for k, v in ev.roles.items())), ev.personnel or "",
             repr(sorted(c.count for c in ev.counts)), "|".join(ev.quotes[:1]), ev.status]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:8]


def _key(ev: Event) -> tuple[str, int, str]:
    return (ev.article, ev.evidence[0].start if ev.evidence else 0, _signature(ev))


def _iri(type_: str, key: tuple[str, int, str]) -> str:
    digest = hashlib.sha256(f"{type_}|{key[0]}|{key[1]}|{key[2]}".encode("utf-8")).hexdigest()[:16]
    return f"{ID_NS}event/{EVENT_PATH[type_]}/{digest}"


def _within_article(events: list[Event]) -> list[Event]:
    """Merge an article's mentions of the same event; attach partial treaty mentions."""
    merged: list[Event] = []
    for ev in sorted(events, key=lambda e: (EVENT_PATH[e.type], e.evidence[0].start if e.evidence else 0)):
        target = next((m for m in merged if _same_article_compatible(m, ev)), None)
        if target is None:
            merged.append(_copy(ev))
        else:
            _merge_into(target, ev)
    treaties = [e for e in merged if e.type == "Treaty"]
    full = [t for t in treaties if len(t.role("party")) >= 2]
    out = [e for e in merged if e.type != "Treaty" or len(e.role("party")) >= 2]
    if full:
        main = max(full, key=lambda t: (len(t.evidence), -t.evidence[0].start))
        for t in treaties:
            if len(t.role("party")) < 2:
                t.roles.pop("party", None)
                _merge_into(main, t)
    for e in out:
        if e.subtype == "anaphoric":
            e.subtype = None
    return [e for e in out if not (e.type == "Statement" and not e.quotes)]


class _UnionFind:
    """Union-find over item numbers ``0 .. n-1``, which may grow (:meth:`add`): kept in an array, 8 bytes
    a number (:func:`kg.components.resolve_on_disk` joins every mention of a corpus in one)."""

    def __init__(self, n: int = 0) -> None:
        self.parent = array("q", range(n))

    def add(self) -> None:
        """One more item, in a group of its own."""
        self.parent.append(len(self.parent))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _block_keys(ev: Event, occasion: str | None = None, gaz: Gazetteer | None = None) -> list[tuple]:
    """Keys any compatible pair of events shares, so only events with a common key are compared.

    Meetings share two participants and their medium, treaties two parties. Deployments share their
    sender and status, and either their host (when both name one) or an outermost place enclosing their
    destinations (a destination lying in the other's, see :meth:`Gazetteer.outermost`); one with neither
    host nor destination is compatible with none. Statements share their speaker and occasion or
    (without an occasion) one of four of their quote's 4-grams, the first in a fixed pseudo-random order
    (a min-hash sketch) — half the shorter quote's 4-grams must occur in the other, so two matching
    quotes most likely share one.

    Finer keys leave the clusters as they are (the agglomeration skips incompatible pairs, whatever
    keys brought them together) and keep the compared pairs near-linear in the corpus.
    """
    if ev.type == "Meeting":
        ps = sorted(ev.role("participant"))
        return [("m", a, b, ev.medium or "") for i, a in enumerate(ps) for b in ps[i + 1:]]
    if ev.type == "Treaty":
        ps = sorted(ev.role("party"))
        return [("t", a, b) for i, a in enumerate(ps) for b in ps[i + 1:]]
    if ev.type == "TroopDeployment":
        base = ("d", tuple(ev.role("sender")), ev.status)
        if gaz is None:
            return [base]
        keys = [(*base, "host", tuple(ev.role("host")))] if ev.role("host") else []
        keys += sorted({(*base, "in", top) for place in ev.role("destination") for top in gaz.outermost(place)})
        return keys
    speaker = tuple(ev.role("speaker"))
    keys: list[tuple] = [("s", speaker, "occasion", occasion)] if occasion else []
    grams = heapq.nsmallest(4, _grams(" ".join(ev.quotes)), key=_gram_rank)
    keys += [("s", speaker, g) for g in grams]
    return keys


@lru_cache(maxsize=1 << 18)
def _gram_rank(gram: str) -> bytes:
    """A fixed pseudo-random order of 4-grams (the same on every machine and run)."""
    return hashlib.md5(gram.encode("utf-8")).digest()


def _candidate_pairs(item_keys: list[list[tuple]]) -> Iterator[tuple[int, int]]:
    """Every pair ``i < j`` of items sharing a block key, once, in sorted order, made one ``i`` at a time
    (a corpus's pairs, materialised, outgrow its events many times over)."""
    blocks: dict[tuple, list[int]] = {}
    for i, ks in enumerate(item_keys):
        for k in ks:
            blocks.setdefault(k, []).append(i)
    for i, ks in enumerate(item_keys):
        later: set[int] = set()
        for k in ks:
            members = blocks[k]
            later.update(members[bisect.bisect_right(members, i):])
        for j in sorted(later):
            yield i, j


def _cluster(items: list[Event], ok, keys=None, item_keys: list[list[tuple]] | None = None) -> list[list[int]]:
    """Greedy agglomeration in a fixed order: join two groups only when every cross pair is compatible
    and they share no article (an article's own mentions were merged already). Only events sharing a
    block key (``_block_keys``, or ``item_keys`` given per item) are compared, which keeps large corpora
    near-linear.

    Items that share no key, directly or through other items, never meet: the groups of a set of items
    closed under sharing keys (a union of *components*) are the groups those items form among all items.
    :func:`resolve_changes` relies on it."""
    if item_keys is None:
        keys = keys or (lambda ev: _block_keys(ev))
        item_keys = [keys(ev) for ev in items]
    uf = _UnionFind(len(items))
    groups: dict[int, list[int]] = {i: [i] for i in range(len(items))}
    articles: dict[int, set[str]] = {i: {items[i].article} for i in range(len(items))}
    # pairs of groups found unable to join (as root * n + root): groups only grow, so they never will, and
    # many candidate pairs lead from one group into the same other group (a root names its group until
    # the group joins another)
    n = len(items)
    failed: set[int] = set()
    for i, j in _candidate_pairs(item_keys):
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj or ri * n + rj in failed or not articles[ri].isdisjoint(articles[rj]):
            continue
        gi, gj = groups[ri], groups[rj]
        if not all(ok(items[x], items[y]) for x in gi for y in gj):
            failed.add(ri * n + rj)
        else:
            uf.union(ri, rj)
            root, other = (ri, rj) if uf.find(ri) == ri else (rj, ri)
            groups[root] = sorted(gi + gj)
            articles[root] = articles[ri] | articles[rj]
            groups.pop(other, None)
            articles.pop(other, None)
    return [sorted(g) for g in groups.values()]


#: One merged mention in a :class:`Resolution`'s ``entries``: its type, the IRI of its cluster, the digests
#: of its block keys, for a statement the IRI of the meeting it was made at (or None), and the digest of
#: its cluster (:func:`cluster_digest`).
Entry = list


@dataclass
class Resolution:
    """Clusters, per article its merged mentions (in the order ``_within_article`` gives them), and
    their :data:`Entry` lists (:meth:`entries`, made when asked): what :func:`resolve_changes` needs to
    redo only part of the work when articles change."""

    clusters: list[Cluster]
    mentions: dict[str, list[Event]]
    _of: dict[int, tuple[str, str]]        # id(mention) → its cluster's IRI and digest
    _block: dict[int, list[tuple]]         # id(mention) → its block keys
    _occasion: dict[int, str | None]       # id(statement) → its occasion

    def entries(self, ident: str) -> list[Entry]:
        return [[e.type, self._of[id(e)][0], [_digest(k) for k in self._block[id(e)]], self._occasion.get(id(e)),
                 self._of[id(e)][1]] for e in self.mentions[ident]]


class StaleEntries(Exception):
    """Stored entries do not describe an article's mentions as they are read now: resolve everything."""


def cluster_digest(c: Cluster) -> str:
    """What an article's graph takes from a cluster it is a member of: IRI, occasion and description."""
    text = c.iri + repr(c.during) + repr([sorted(v.items()) if type(v) is dict else v
                                         for v in vars(c.description).values()])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _digest(key: tuple) -> str:
    """A block key as stored in an :data:`Entry` (two events sharing a key share its digest; a collision
    of two keys could only bring more events into :func:`resolve_changes`' work, never change a group)."""
    return hashlib.blake2b(repr(key).encode("utf-8"), digest_size=8).hexdigest()


def resolve(articles: Iterable[ArticleEvents], gazetteer: Gazetteer) -> list[Cluster]:
    """All clusters of all articles, in a deterministic order. ``articles`` may be a generator: only
    each article's merged mentions are kept, not the mentions it gives."""
    return resolve_all(articles, gazetteer).clusters


def resolve_all(articles: Iterable[ArticleEvents], gazetteer: Gazetteer) -> Resolution:
    """:func:`resolve`, with each article's :data:`Entry` list."""
    per_article: dict[str, list[Event]] = {}
    published: dict[str, str | None] = {}
    for a in articles:
        per_article[a.ident] = _within_article(a.events)
        published[a.ident] = a.published
    per_article = dict(sorted(per_article.items()))
    flat = [e for events in per_article.values() for e in events]
    keys = {id(e): _key(e) for e in flat}   # merged mentions do not change from here on (descriptions are copies)
    key = lambda e: keys[id(e)]  # noqa: E731
    by_type: dict[str, list[Event]] = {}
    for e in flat:
        by_type.setdefault(e.type, []).append(e)
    block: dict[int, list[tuple]] = {}
    clusters = _cluster_events({t: by_type.get(t, []) for t in ("Meeting", "TroopDeployment", "Treaty")},
                               gazetteer, published, key, block)
    meeting_of = _link_statements(per_article, {id(m): c.iri for c in clusters if c.type == "Meeting"
                                                for m in c.members}, gazetteer, published)
    occasion = {id(e): meeting_of.get(id(e)) for e in by_type.get("Statement", [])}
    clusters += _cluster_statements(by_type.get("Statement", []), occasion, gazetteer, published, key, block,
                                    {c.iri: c for c in clusters if c.type == "Meeting"}.get)
    clusters.sort(key=lambda c: c.iri)
    of = {id(m): (c.iri, cluster_digest(c)) for c in clusters for m in c.members}
    return Resolution(clusters, per_article, of, block, occasion)


def _cluster_events(by_type: dict[str, list[Event]], gazetteer: Gazetteer, published: dict[str, str | None],
                    key, block: dict[int, list[tuple]]) -> list[Cluster]:
    """Meetings, deployments and treaties: agglomerate on compatible descriptions. Records each event's
    block keys in ``block`` (or takes them from there)."""
    clusters: list[Cluster] = []
    for type_, events in by_type.items():
        items = sorted(events, key=key)
        item_keys = [block[id(ev)] if id(ev) in block else _block_keys(ev, gaz=gazetteer) for ev in items]
        for ev, ks in zip(items, item_keys):
            block[id(ev)] = ks
        for group in _cluster(items, lambda a, b: _cross_compatible(gazetteer, a, b), item_keys=item_keys):
            clusters.append(_make_cluster(type_, [items[i] for i in group], published, key=key))
    return clusters


def _cluster_statements(statements: list[Event], occasion: dict[int, str | None], gazetteer: Gazetteer,
                        published: dict[str, str | None], key, block: dict[int, list[tuple]],
                        meeting) -> list[Cluster]:
    """Statements: same speaker and occasion → pair by content; otherwise by quote overlap. ``meeting``
    gives the meeting cluster of an occasion's IRI. Block keys as in :func:`_cluster_events`."""
    items = sorted(statements, key=key)
    same_slot: dict[tuple, list[Event]] = {}
    for e in items:  # statements of one speaker at one occasion in one article
        same_slot.setdefault((e.article, tuple(e.role("speaker")), occasion[id(e)]), []).append(e)

    def stmt_ok(a: Event, b: Event) -> bool:
        if a.role("speaker") != b.role("speaker"):
            return False
        oa, ob = occasion[id(a)], occasion[id(b)]
        if oa and ob and oa == ob:
            return _content_similarity(a, b) >= 0.12 and _mutual_best(a, b, same_slot, occasion)
        return _cross_compatible(gazetteer, a, b)

    item_keys = [block[id(ev)] if id(ev) in block else _block_keys(ev, occasion[id(ev)]) for ev in items]
    for ev, ks in zip(items, item_keys):
        block[id(ev)] = ks
    out = []
    for group in _cluster(items, stmt_ok, item_keys=item_keys):
        members = [items[i] for i in group]
        occ = next((occasion[id(m)] for m in members if occasion[id(m)]), None)
        c = _make_cluster("Statement", members, published, meeting(occ) if occ else None, key=key)
        c.during = occ
        out.append(c)
    return out


class StoredEntries(Protocol):
    """The :data:`Entry` lists of the last complete resolution, as :func:`resolve_changes` reads them
    (:class:`kg.store.EntryIndex` reads them from a store as they are asked for)."""

    def entries(self, ident: str) -> list[Entry] | None:
        """An article's entries, or None."""

    def with_key(self, key: str) -> Iterable[str]:
        """The articles with a mention that has the key digest ``key``."""

    def in_cluster(self, iri: str) -> Iterable[str]:
        """The articles with a mention in the cluster ``iri``."""


@dataclass
class Update:
    """What :func:`resolve_changes` found: the articles whose graphs may change (``articles``), their
    merged mentions and new :data:`Entry` lists, the clusters each of them takes part in
    (``clusters_of(ident)``; a cluster left as it was is made again from its members, for most articles
    when first asked) and how many events of each type the store loses and gains."""

    articles: list[str]
    entries: dict[str, list[Entry]]
    mentions: dict[str, list[Event]]
    clusters_of: Callable[[str], list[Cluster]]
    dropped: Counter
    added: Counter


def resolve_changes(index: StoredEntries, gone: Iterable[str], fresh: Iterable[ArticleEvents],
                    load, gazetteer: Gazetteer, unchanged: Iterable[str] = ()) -> Update:
    """Resolve again only what changed articles can change, with the same result as :func:`resolve_all`
    over every article. ``unchanged``: articles read again whose events and publication date are those
    their stored entries were made from (an edit that touched no event); they are resolved as they were,
    but are among the articles whose graphs are made again.

    ``index`` gives the :data:`Entry` lists of the last complete resolution, ``gone`` the articles
    removed since, ``fresh`` the articles (re)extracted since (their stored entries, if any, no longer
    hold) and ``load(ident)`` gives an unchanged article's :class:`ArticleEvents`, read only when needed.

    Groups form only among events sharing block keys, directly or through others (:func:`_cluster`), so
    only the *components* of the changed articles' old and new mentions are clustered again: for
    meetings, deployments and treaties, every mention reached from those mentions' keys through the
    stored keys. A statement's keys and its occasion depend on the cluster IRIs of its article's
    meetings, so every statement of an article with a meeting clustered again (and of the changed
    articles) starts the same search among statements. Clusters outside the components stay as they
    were; those that articles inside also take part in are made again from their stored members.
    Raises :class:`StaleEntries` when an article read does not match its entries.
    """
    fresh = list(fresh)
    merged: dict[str, list[Event]] = {}
    published: dict[str, str | None] = {}
    for a in fresh:
        merged[a.ident] = _within_article(a.events)
        published[a.ident] = a.published
    new = set(merged)
    out_of_date = set(gone) | new     # articles whose stored entries no longer hold

    stored: dict[str, list[Entry]] = {}   # the entries read so far

    def entry(ident: str) -> list[Entry]:
        es = stored.get(ident)
        if es is None:
            es = index.entries(ident)
            if es is None:
                raise StaleEntries(ident)
            stored[ident] = es
        return es

    def events(ident: str) -> list[Event]:
        if ident not in merged:
            a = load(ident)
            evs = _within_article(a.events)
            if [e.type for e in evs] != [x[0] for x in entry(ident)]:
                raise StaleEntries(ident)
            merged[ident], published[ident] = evs, a.published
        return merged[ident]

    keys = {}
    def key(e: Event):  # noqa: E306
        k = keys.get(id(e))
        if k is None:
            k = keys[id(e)] = _key(e)
        return k

    block: dict[int, list[tuple]] = {}
    dkeys: dict[tuple[str, int], list[str]] = {}    # new digests of the mentions clustered again

    def keys_of(m: tuple[str, int]) -> list[str]:
        return dkeys[m] if m in dkeys else stored[m[0]][m[1]][2]

    def is_statement(m: tuple[str, int]) -> bool:
        return (merged[m[0]][m[1]].type if m[0] in new else stored[m[0]][m[1]][0]) == "Statement"

    # the mentions with each key (a statement's keys are never another type's) and the members of each
    # cluster, from the stored entries as the search reaches them, but the changed articles' entries
    with_key: dict[str, list[tuple[str, int]]] = {}
    members_of: dict[str, list[tuple[str, int]]] = {}

    def at(k: str) -> list[tuple[str, int]]:
        ms = with_key.get(k)
        if ms is None:
            ms = with_key[k] = [(a, i) for a in index.with_key(k) if a not in out_of_date
                                for i, x in enumerate(entry(a)) if k in x[2]]
        return ms

    def members(iri: str) -> list[tuple[str, int]]:
        ms = members_of.get(iri)
        if ms is None:
            ms = members_of[iri] = [(a, i) for a in index.in_cluster(iri) if a not in out_of_date
                                    for i, x in enumerate(entry(a)) if x[1] == iri]
        if not ms:
            raise StaleEntries(iri)
        return ms

    def spread(seeds: set[str], reached: set[tuple[str, int]], statements: bool) -> None:
        """Every mention of the kind asked for reached from ``seeds`` through shared keys, into ``reached``
        (a statement's keys are never another type's, but for a collision of their digests)."""
        stack, seen = list(seeds), set()
        while stack:
            k = stack.pop()
            if k in seen:
                continue
            seen.add(k)
            for m in at(k):
                if m not in reached and is_statement(m) == statements:
                    reached.add(m)
                    stack.extend(keys_of(m))

    before: dict[str, list[Entry]] = {}   # the changed articles' stored entries (a new article has none)
    for ident in sorted(out_of_date):
        es = index.entries(ident)
        if es is not None:
            before[ident] = stored[ident] = es
    # meetings, deployments, treaties
    seeds: set[str] = set()
    reached: set[tuple[str, int]] = set()
    for ident in sorted(new):
        for i, e in enumerate(merged[ident]):
            if e.type != "Statement":
                block[id(e)] = _block_keys(e, gaz=gazetteer)
                dkeys[(ident, i)] = ds = [_digest(k) for k in block[id(e)]]
                reached.add((ident, i))
                seeds.update(ds)
                for d in ds:
                    at(d).append((ident, i))
    for es in before.values():
        seeds.update(k for t, _, ks, *_ in es for k in ks if t != "Statement")
    spread(seeds, reached, statements=False)
    by_type: dict[str, list[Event]] = {"Meeting": [], "TroopDeployment": [], "Treaty": []}
    where: dict[int, tuple[str, int]] = {}
    for m in sorted(reached):
        e = events(m[0])[m[1]]
        where[id(e)] = m
        by_type[e.type].append(e)
    clusters = _cluster_events(by_type, gazetteer, published, key, block)
    cluster_at: dict[tuple[str, int], Cluster] = {where[id(e)]: c for c in clusters for e in c.members}

    # statements: their occasions in the changed articles and in those whose meetings' clusters changed (IRI
    # or description). An article's occasions depend only on its own events and its meetings' IRIs
    # (_link_statements), and a statement's cluster on its occasion's description, so where those are as
    # stored the article's statements are too, unless a changed statement shares their keys (the search
    # below reaches them then). A meeting's pair key is shared by every report of two leaders' meetings:
    # re-linking every article of such a component read hundreds of articles' statements for one edit.
    digests = {c.iri: cluster_digest(c) for c in clusters}

    def changed_meeting(m: tuple[str, int]) -> bool:
        c = cluster_at[m]
        return (c.iri, digests[c.iri]) != (stored[m[0]][m[1]][1], stored[m[0]][m[1]][4])

    again = sorted({m[0] for m in reached if m[0] not in new and events(m[0])[m[1]].type == "Meeting"
                    and changed_meeting(m)} | new)
    meeting_iri = {id(e): (cluster_at[(ident, i)].iri if (ident, i) in cluster_at else stored[ident][i][1])
                   for ident in again for i, e in enumerate(events(ident)) if e.type == "Meeting"}
    meeting_of = _link_statements({ident: events(ident) for ident in again}, meeting_iri, gazetteer, published)
    occasion: dict[int, str | None] = {}
    again_set = set(again)
    for ident in again_set - out_of_date:   # their statements' stored keys give way to new ones
        for i, (t, _, ks, *_) in enumerate(stored[ident]):
            if t == "Statement":
                for k in ks:
                    at(k).remove((ident, i))
    seeds = set()
    s_reached: set[tuple[str, int]] = set()
    for ident in again:
        for i, e in enumerate(events(ident)):
            if e.type == "Statement":
                occasion[id(e)] = meeting_of.get(id(e))
                block[id(e)] = _block_keys(e, occasion[id(e)])
                dkeys[(ident, i)] = ds = [_digest(k) for k in block[id(e)]]
                s_reached.add((ident, i))
                seeds.update(ds)
                for d in ds:
                    at(d).append((ident, i))
    for ident in sorted(again_set - out_of_date):
        seeds.update(k for t, _, ks, *_ in entry(ident) for k in ks if t == "Statement")
    for es in before.values():
        seeds.update(k for t, _, ks, *_ in es for k in ks if t == "Statement")
    spread(seeds, s_reached, statements=True)
    statements = []
    for m in sorted(s_reached):
        e = events(m[0])[m[1]]
        where[id(e)] = m
        if id(e) not in occasion:
            occasion[id(e)] = stored[m[0]][m[1]][3]
        statements.append(e)

    # clusters outside the components that articles inside take part in: made again from their members
    remade: dict[str, Cluster] = {c.iri: c for c in clusters}

    def made(iri: str, c: Cluster) -> Cluster:
        if c.iri != iri:
            raise StaleEntries(iri)
        remade[iri] = c
        return c

    def remake_event(iri: str) -> Cluster:
        """A meeting's, deployment's or treaty's cluster made again from its members."""
        if iri not in remade:
            ms = members(iri)
            evs = sorted((events(a)[i] for a, i in ms), key=key)
            made(iri, _make_cluster(stored[ms[0][0]][ms[0][1]][0], evs, published, key=key))
        return remade[iri]

    def remake(iri: str) -> Cluster:
        """Any cluster made again from its members; a statement's with its occasion's, a meeting's (not
        by calling itself: a function that refers to itself is a reference cycle, and this one would hold
        every structure here until the cyclic collector, which builds turn off, ran)."""
        if iri not in remade:
            ms = members(iri)
            if stored[ms[0][0]][ms[0][1]][0] != "Statement":
                return remake_event(iri)
            evs = sorted((events(a)[i] for a, i in ms), key=key)
            occ_of = {id(events(a)[i]): stored[a][i][3] for a, i in ms}
            occ = next((occ_of[id(e)] for e in evs if occ_of[id(e)]), None)
            c = _make_cluster("Statement", evs, published, remake_event(occ) if occ else None, key=key)
            c.during = occ
            made(iri, c)
        return remade[iri]

    s_clusters = _cluster_statements(statements, occasion, gazetteer, published, key, block, remake)
    clusters += s_clusters
    for c in s_clusters:
        for e in c.members:
            cluster_at[where[id(e)]] = c

    articles = sorted({m[0] for m in reached | s_reached} | new | set(unchanged))
    entries: dict[str, list[Entry]] = {}
    digests.update((c.iri, cluster_digest(c)) for c in s_clusters)
    for ident in articles:
        es = []
        for i, e in enumerate(events(ident)):
            c = cluster_at.get((ident, i))
            iri, digest = (c.iri, digests[c.iri]) if c else (stored[ident][i][1], stored[ident][i][4])
            es.append([e.type, iri, keys_of((ident, i)),
                       (occasion[id(e)] if id(e) in occasion else stored[ident][i][3]) if e.type == "Statement"
                       else None, digest])
        entries[ident] = es

    article_clusters: dict[str, list[Cluster]] = {}

    def clusters_of(ident: str) -> list[Cluster]:
        if ident not in article_clusters:
            out = {}
            for i in range(len(events(ident))):
                c = cluster_at.get((ident, i)) or remake(stored[ident][i][1])
                out[c.iri] = c
            article_clusters[ident] = sorted(out.values(), key=lambda c: c.iri)
        return article_clusters[ident]

    dropped: Counter = Counter()
    olds = {(stored[a][i][0], stored[a][i][1]) for a, i in reached | s_reached if a not in out_of_date}
    olds |= {(x[0], x[1]) for es in before.values() for x in es}
    olds |= {(x[0], x[1]) for ident in again_set - out_of_date for x in stored[ident] if x[0] == "Statement"}
    dropped.update(t for t, _ in olds)
    added = Counter(c.type for c in clusters)
    # the clusters of the articles read again, whose graphs change, now rather than when they are written:
    # a stored entry found not to match its article while a cluster is made again from its members
    # (StaleEntries) must show before anything is written (the other articles' are made when asked: most
    # of their graphs stay as they are)
    for ident in sorted(new | set(unchanged)):
        clusters_of(ident)
    return Update(articles, entries, {ident: events(ident) for ident in articles}, clusters_of, dropped, added)


def _mutual_best(a: Event, b: Event, same_slot: dict[tuple, list[Event]], occasion: dict[int, str | None]) -> bool:
    """``a`` and ``b`` are each other's most similar statement in the other's article (same speaker, occasion)."""
    def best(x: Event, article: str) -> Event | None:
        cands = same_slot.get((article, tuple(x.role("speaker")), occasion[id(x)]), [])
        def rank(y: Event) -> tuple[float, int]:   # the most similar; the first in the article on a tie
            return _content_similarity(x, y), -(y.evidence[0].start if y.evidence else 0)
        return max(cands, key=rank, default=None)
    return best(a, b.article) is b and best(b, a.article) is a


def _link_statements(per_article: dict[str, list[Event]], cluster_of: dict[int, str], gaz: Gazetteer,
                     published: dict[str, str | None]) -> dict[int, str]:
    """The meeting (cluster IRI) each statement was made at, where the article says or implies it
    (``cluster_of``: the cluster IRI of each of those articles' meetings, by ``id``)."""
    out: dict[int, str] = {}
    for ident, events in per_article.items():
        meetings = [e for e in events if e.type == "Meeting" and e.status == "occurred"]
        for st in (e for e in events if e.type == "Statement"):
            speaker = st.role("speaker")[0] if st.role("speaker") else None
            addressee = st.role("addressee")
            cands = [m for m in meetings if speaker in m.role("participant")]
            chosen = None
            st_sentences = {(s.start, s.end) for s in st.evidence}
            for m in cands:  # (a) the same sentence reports the meeting
                if st_sentences & {(s.start, s.end) for s in m.evidence}:
                    chosen = m
                    break
            current = [m for m in cands if not m.earlier and (not m.date_explicit or published.get(ident) is None
                                                            or dates_compatible(m.date, published[ident][:7]))]
            if chosen is None:  # (b) said to the other participant, preferring the meeting the article reports
                told = [m for m in (current or cands) if addressee and addressee[0] in m.role("participant")]
                chosen = told[0] if told else None
            if chosen is None and not st.earlier:  # (c) the meeting the article reports, mentioned before
                first = st.evidence[0].start
                before = [m for m in cands if m.evidence[0].start < first and not m.earlier
                          and (not m.date_explicit or published.get(ident) is None
                               or dates_compatible(m.date, published[ident][:7]))]
                if before:
                    # an old meeting recalled in passing is not where today's words were said
                    chosen = max(before, key=lambda m: (len(m.evidence), not m.date_explicit, -m.evidence[0].start))
            if chosen is not None and id(chosen) in cluster_of:
                out[id(st)] = cluster_of[id(chosen)]
    return out


def _make_cluster(type_: str, members: list[Event], published: dict[str, str | None],
                  meeting: Cluster | None = None, key=_key) -> Cluster:
    members = sorted(members, key=key)
    desc = _copy(members[0])
    for m in members[1:]:
        _merge_into(desc, m)
    # single-valued roles: the most frequent value, ties to the earliest member
    for role in ("speaker", "sender", "host"):
        values = [m.role(role)[0] for m in members if m.role(role)]
        if values:
            counts = Counter(values)
            desc.roles[role] = [max(values, key=lambda v: (counts[v], -values.index(v)))]
    explicit = [m.date for m in members if m.date and m.date_explicit]
    desc.date = _best_date(explicit)
    desc.date_explicit = desc.date is not None
    if desc.date is None and meeting is not None:
        desc.date = meeting.description.date
    if desc.date is None and desc.status == "occurred":
        defaults = sorted(d for m in members if (d := m.default_date))
        if defaults:
            desc.date = defaults[0]  # reported as news without a date (see kg.pipeline.resolve_times)
    iri = _iri(type_, key(members[0]))
    return Cluster(iri=iri, type=type_, members=members, description=desc,
                   sources=sorted({m.article for m in members}))


def _best_date(dates: list[str]) -> str | None:
    if not dates:
        return None
    counts = Counter(dates)
    ordered = sorted(set(dates), key=lambda d: (-_precision(d), -counts[d], d))
    for d in ordered:
        if all(dates_compatible(d, o) for o in dates):
            return d
    return max(set(dates), key=lambda d: (counts[d], _precision(d), d))
