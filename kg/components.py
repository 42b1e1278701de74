"""Resolving a whole corpus component by component, with the mentions and clusters on disk.

:func:`kg.identity.resolve_all` holds every article's merged mentions, and every cluster made from them,
in memory until the graphs are written: about 1.3 KB a mention, most of a build's memory on a large
corpus (100,000 articles: about 950 MB of 1.4 GB). :func:`resolve_on_disk` gives the same clusters and
:data:`~kg.identity.Entry` lists with only small per-mention numbers in memory:

1. Each article's merged mentions are pickled to a temporary file as they are made, with their block
   keys (:func:`kg.identity._block_keys`; a statement's without its occasion, which is not known yet).
   Mentions sharing a key are joined in a union-find over their numbers.
2. The meetings, deployments and treaties are clustered one *component* (mentions connected through
   shared keys) at a time: groups never form across components (:func:`kg.identity._cluster`), so this
   gives the clusters :func:`~kg.identity.resolve_all` makes. Each cluster's description is pickled to a
   second file; each mention keeps its cluster's number.
3. The articles with both a meeting and a statement are read again to find where each statement was
   made (:func:`kg.identity._link_statements`); that occasion is one more key of the statement.
4. The statements are clustered component by component, as in 2.

What the graphs need is then read back an article at a time (:meth:`DiskResolution.clusters_of`,
:meth:`DiskResolution.mentions`), also in processes forked from the build (the files are read with
``os.pread``).
"""
from __future__ import annotations

import functools
import hashlib
import marshal
import os
import pickle
import tempfile
from array import array
from collections import Counter
from typing import Callable, Iterable

from .errors import GhatnaError
from .events import Event
from .gazetteer import Gazetteer
from .identity import (EVENT_PATH, ArticleEvents, Cluster, Entry, _block_keys, _cluster_events,
                       _cluster_statements, _digest, _key, _link_statements, _UnionFind, _within_article,
                       cluster_digest)
from .vocab import ID_NS

__all__ = ["BlobFile", "DiskResolution", "resolve_on_disk", "event_text", "mentions_digest"]


def event_text(ev: Event) -> str:
    """An event's fields as text, the same for the same fields in every process: ``repr`` of the field
    values (strings, numbers, lists, dataclasses; no sets), with the one dict, the roles, in key order (a
    record read back from the store has its keys sorted, a fresh one in the extractor's order). Instead of
    canonical JSON through ``vars``: the signature stage of a 10,000-article rebuild 0.68 → 0.48 s."""
    return repr([sorted(v.items()) if type(v) is dict else v for v in vars(ev).values()])


def mentions_digest(mentions: Iterable[Event]) -> str:
    """What an article's graph takes from its merged mentions, as one digest (:func:`event_text` of each)."""
    return hashlib.sha256("".join(event_text(m) for m in mentions).encode()).hexdigest()


class BlobFile:
    """Byte strings in an unnamed temporary file (in ``$TMPDIR``; the system removes it when it is closed
    or the process ends), written in turn and read back by place with ``os.pread``, which processes forked
    after the writing can share. ``what`` names the contents in the error a full disk gives."""

    def __init__(self, what: str, per_article: str, prefix: str = "ghatna-") -> None:
        self._what, self._per_article = what, per_article
        try:   # (unbuffered: nothing waits in a buffer that a read by place would miss)
            self._file = tempfile.TemporaryFile(prefix=prefix, buffering=0)
        except OSError as e:
            raise self._error(e) from e
        self._end = 0   # (the file's position: it is only written here)

    def _error(self, e: OSError) -> GhatnaError:
        return GhatnaError(f"{tempfile.gettempdir()}: cannot keep {self._what} in a temporary file here "
                           f"({e.strerror or e}); set TMPDIR to a folder with room (about {self._per_article} "
                           "per article)")

    def put(self, data: bytes) -> tuple[int, int]:
        """Append ``data``; its place (offset, size)."""
        at = self._end
        try:
            done = 0
            while done < len(data):
                done += self._file.write(data[done:])
        except OSError as e:
            raise self._error(e) from e
        self._end += len(data)
        return at, len(data)

    def get(self, at: int, size: int) -> bytes:
        return os.pread(self._file.fileno(), size, at)

    def __len__(self) -> int:
        """Bytes written."""
        return self._end

    def close(self) -> None:
        self._file.close()


_TYPES = ("Meeting", "Statement", "TroopDeployment", "Treaty")
_NONE = -1   # no cluster (a mention's occasion)


class DiskResolution:
    """:func:`resolve_on_disk`'s result: per article its merged mentions, :data:`~kg.identity.Entry` list
    and clusters, read from disk when asked; ``counts``, the events of each type."""

    def __init__(self, idents: list[str]) -> None:
        self._index = {ident: i for i, ident in enumerate(idents)}
        self._mentions = BlobFile("the merged event mentions", "3 KB", prefix="ghatna-mentions-")
        self._clusters = BlobFile("the resolved events", "1 KB", prefix="ghatna-events-")
        self._first = array("q")        # article → its first mention's number
        self._place = array("q")        # mention → offset, size of its pickle (an article's are in a row)
        self._partial = array("q")      # article → offset, size of its marshalled (type, key digests) list
        self._cluster = array("q")      # mention → its cluster's number
        self._occasion = array("q")     # mention → the number of the meeting cluster it was made at, or -1
        self._cplace = array("q")       # cluster → offset, size of its pickle
        self._cid = bytearray()         # cluster → type (1 byte), IRI digest (8 bytes), cluster digest (8 bytes)
        self.counts: Counter = Counter()

    # ------------------------------------------------------------------ writing (resolve_on_disk)
    def _add_article(self, mentions: list[Event], keys: list[list[tuple]], partial: list) -> None:
        self._first.append(len(self._cluster))
        for e, ks in zip(mentions, keys):
            self._place.extend(self._mentions.put(pickle.dumps((e, ks), protocol=pickle.HIGHEST_PROTOCOL)))
        self._put_partial(len(self._first) - 1, partial)
        self._cluster.extend([_NONE] * len(mentions))
        self._occasion.extend([_NONE] * len(mentions))

    def _put_partial(self, article: int, partial: list) -> None:
        at, size = self._mentions.put(marshal.dumps(partial))
        if article * 2 < len(self._partial):
            self._partial[article * 2], self._partial[article * 2 + 1] = at, size
        else:
            self._partial.extend((at, size))

    def _add_clusters(self, clusters: list[Cluster], where: dict[int, int]) -> None:
        """Keep ``clusters`` and note each member's (``where``: a member's mention number, by ``id``)."""
        for c in clusters:
            n = self._add_cluster(c)
            for e in c.members:
                self._cluster[where[id(e)]] = n

    def _add_cluster(self, c: Cluster) -> int:
        n = len(self._cplace) // 2
        self._cplace.extend(self._clusters.put(pickle.dumps((c.description, c.during),
                                                            protocol=pickle.HIGHEST_PROTOCOL)))
        self._cid.append(_TYPES.index(c.type))
        self._cid += bytes.fromhex(c.iri.rsplit("/", 1)[1])   # (kg.identity._iri: 16 hex digits)
        self._cid += bytes.fromhex(cluster_digest(c))
        self.counts[c.type] += 1
        return n

    # ------------------------------------------------------------------ reading
    def _range(self, article: int) -> range:
        end = self._first[article + 1] if article + 1 < len(self._first) else len(self._cluster)
        return range(self._first[article], end)

    def _load(self, article: int) -> list[Event]:
        """An article's merged mentions, read in one go."""
        r = self._range(article)
        if not r:
            return []
        start = self._place[2 * r.start]
        data = self._mentions.get(start, self._place[2 * r[-1]] + self._place[2 * r[-1] + 1] - start)
        out = []
        for m in r:
            at = self._place[2 * m] - start
            out.append(pickle.loads(data[at:at + self._place[2 * m + 1]])[0])
        return out

    def _mention(self, m: int) -> tuple[Event, list[tuple]]:
        """A merged mention and its block keys (a statement's without its occasion)."""
        return pickle.loads(self._mentions.get(self._place[2 * m], self._place[2 * m + 1]))

    def _partial_of(self, article: int) -> list:
        return marshal.loads(self._mentions.get(self._partial[2 * article], self._partial[2 * article + 1]))

    def _iri(self, n: int) -> str:
        row = self._cid[17 * n:17 * n + 17]
        type_ = _TYPES[row[0]]
        return f"{ID_NS}event/{EVENT_PATH[type_]}/{row[1:9].hex()}"

    def _digest(self, n: int) -> str:
        return self._cid[17 * n + 9:17 * n + 17].hex()

    def _load_cluster(self, n: int) -> tuple[Event, str | None]:
        return pickle.loads(self._clusters.get(self._cplace[2 * n], self._cplace[2 * n + 1]))

    def mentions(self, ident: str) -> list[Event]:
        """The article's merged mentions (fresh objects at each call)."""
        return self._load(self._index[ident])

    def entries(self, ident: str) -> list[Entry]:
        """The article's :data:`~kg.identity.Entry` list, as :meth:`kg.identity.Resolution.entries`."""
        article = self._index[ident]
        out = []
        for m, (type_, keys) in zip(self._range(article), self._partial_of(article)[1]):
            n, occ = self._cluster[m], self._occasion[m]
            out.append([type_, self._iri(n), keys, self._iri(occ) if occ != _NONE else None, self._digest(n)])
        return out

    def mentions_digest(self, ident: str) -> str:
        """:func:`mentions_digest` of the article's merged mentions (kept from when they were made)."""
        return self._partial_of(self._index[ident])[0]

    def clusters_of(self, ident: str) -> list[Cluster]:
        """The clusters the article's mentions are members of, in IRI order, as that article's graph needs
        them: each with its description and occasion, and of its members only this article's (a cluster
        never has two members from one article; the others' new entities are in the description)."""
        article = self._index[ident]
        out = {}
        for m, ev in zip(self._range(article), self._load(article)):
            n = self._cluster[m]
            description, during = self._load_cluster(n)
            iri = self._iri(n)
            out[iri] = Cluster(iri=iri, type=ev.type, members=[ev], description=description, during=during,
                               sources=[ident])
        return [out[iri] for iri in sorted(out)]

    def close(self) -> None:
        self._mentions.close()
        self._clusters.close()


class _Keys:
    """Mentions joined through shared key digests: the first mention seen with each key."""

    def __init__(self, uf: _UnionFind) -> None:
        self._uf = uf
        self._first: dict[str, int] = {}

    def add(self, m: int, keys: list[str]) -> None:
        for k in keys:
            other = self._first.setdefault(k, m)
            if other != m:
                self._uf.union(other, m)


def _meeting(res: DiskResolution, numbers: dict[str, int], iri: str) -> Cluster:
    """The meeting cluster ``iri`` (its number in ``numbers``), as a statement's occasion: its description."""
    description, during = res._load_cluster(numbers[iri])
    return Cluster(iri=iri, type="Meeting", members=[], description=description, during=during)


def _components(uf: _UnionFind, numbers: Iterable[int]) -> list[list[int]]:
    """The mentions ``numbers`` grouped by component, each group and the groups in mention order."""
    groups: dict[int, list[int]] = {}
    for m in numbers:
        groups.setdefault(uf.find(m), []).append(m)
    return [groups[r] for r in sorted(groups)]


def resolve_on_disk(idents: list[str], load: Callable[[str], ArticleEvents],
                    gazetteer: Gazetteer) -> DiskResolution:
    """The resolution :func:`kg.identity.resolve_all` gives for the articles ``idents`` (sorted; ``load``
    gives each one's :class:`~kg.identity.ArticleEvents`, and is called once per article, in order), kept
    on disk (see the module's description)."""
    res = DiskResolution(idents)
    try:
        return _resolve(res, idents, load, gazetteer)
    except BaseException:
        res.close()
        raise


def _resolve(res: DiskResolution, idents: list[str], load: Callable[[str], ArticleEvents],
             gazetteer: Gazetteer) -> DiskResolution:
    published: list[str | None] = []
    article_of = array("q")          # mention → its article
    is_statement = bytearray()       # mention → 1 for a statement
    linked: list[int] = []           # the articles with a meeting and a statement
    uf = _UnionFind()
    events_keys, statement_keys = _Keys(uf), _Keys(uf)
    # 1. merged mentions to disk, with their keys
    for article, ident in enumerate(idents):
        a = load(ident)
        merged = _within_article(a.events)
        published.append(a.published)
        partial, block = [], []
        for m, e in enumerate(merged, start=len(article_of)):
            uf.add()
            statement = e.type == "Statement"
            block.append(_block_keys(e) if statement else _block_keys(e, gaz=gazetteer))
            keys = [_digest(k) for k in block[-1]]
            (statement_keys if statement else events_keys).add(m, keys)
            partial.append([e.type, keys])
            is_statement.append(statement)
        res._add_article(merged, block, [mentions_digest(merged), partial])
        article_of.extend([article] * len(merged))
        if {"Meeting", "Statement"} <= {e.type for e in merged}:
            linked.append(article)
    del events_keys
    total = len(article_of)

    def key_of(cache: dict[int, tuple]) -> Callable[[Event], tuple]:
        return lambda e: cache[id(e)]

    # 2. meetings, deployments and treaties, a component at a time
    for group in _components(uf, (m for m in range(total) if not is_statement[m])):
        where: dict[int, int] = {}
        by_type: dict[str, list[Event]] = {"Meeting": [], "TroopDeployment": [], "Treaty": []}
        pub: dict[str, str | None] = {}
        keys: dict[int, tuple] = {}
        block: dict[int, list[tuple]] = {}
        for m in group:
            article = article_of[m]
            e, block_keys = res._mention(m)
            where[id(e)], keys[id(e)], block[id(e)] = m, _key(e), block_keys
            by_type[e.type].append(e)
            pub[idents[article]] = published[article]
        res._add_clusters(_cluster_events(by_type, gazetteer, pub, key_of(keys), block), where)

    # 3. where statements were made: one more key each
    for article in linked:
        ident = idents[article]
        merged = res._load(article)
        first = res._first[article]
        held = {id(e): res._cluster[first + j] for j, e in enumerate(merged) if e.type == "Meeting"}
        iris = {i: res._iri(n) for i, n in held.items()}
        occasion = _link_statements({ident: merged}, iris, gazetteer, {ident: published[article]})
        if not occasion:
            continue
        number = {iris[i]: n for i, n in held.items()}
        digest, partial = res._partial_of(article)
        for j, e in enumerate(merged):
            occ = occasion.get(id(e))
            if occ is not None:
                res._occasion[first + j] = number[occ]
                partial[j][1] = [_digest(k) for k in _block_keys(e, occ)]
                statement_keys.add(first + j, partial[j][1][:1])
        res._put_partial(article, [digest, partial])
    del statement_keys

    # 4. statements, a component at a time
    for group in _components(uf, (m for m in range(total) if is_statement[m])):
        where = {}
        items: list[Event] = []
        pub = {}
        keys = {}
        block = {}
        occasion_of: dict[int, str | None] = {}
        meetings: dict[str, int] = {}
        for m in group:
            article = article_of[m]
            e, block_keys = res._mention(m)
            where[id(e)], keys[id(e)] = m, _key(e)
            items.append(e)
            pub[idents[article]] = published[article]
            occ = res._occasion[m]
            occasion_of[id(e)] = res._iri(occ) if occ != _NONE else None
            if occ != _NONE:
                meetings[res._iri(occ)] = occ
                block_keys = _block_keys(e, occasion_of[id(e)])
            block[id(e)] = block_keys

        res._add_clusters(_cluster_statements(items, occasion_of, gazetteer, pub, key_of(keys), block,
                                              functools.partial(_meeting, res, meetings)), where)
    return res
