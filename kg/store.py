"""The embedded, persistent Oxigraph store.

Each article's graph is replaced in one SPARQL Update request, which Oxigraph applies as one
transaction: a reader sees the old graph or the new one, never half of it, and a crash leaves one or
the other. The bookkeeping graph (``id:graph/build``) records, per article, the content hash, the cached
extraction and the graph's fingerprint, and for the store the format version.
"""
from __future__ import annotations

import collections
import fcntl
import hashlib
import json
import os
import queue
import re
import shutil
import tempfile
import threading
import time
import weakref
import zlib
from pathlib import Path
from collections.abc import Mapping
from typing import Callable, Iterable, Iterator
from urllib.parse import unquote

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad

from . import __version__
from .errors import StoreError, StoreLockedError
from .rdf import GRAPH_BUILD, GRAPH_ENTITIES, GRAPH_ONTOLOGY, article_iri
from .resources import ontology_dir
from .vocab import ID_NS, NIF

__all__ = ["GraphStore", "open_store", "is_server_url", "DEFAULT_STORE", "FORMAT_VERSION", "default_store_path"]

DEFAULT_STORE = "kg.oxigraph"
FORMAT_VERSION = "1"
BUILD = ID_NS + "build/"
P_EXTRACTION = NamedNode(BUILD + "extraction")
P_GRAPH_HASH = NamedNode(BUILD + "graphHash")
P_CONTENT_HASH = NamedNode(BUILD + "contentHash")
P_RECORD_INFO = NamedNode(BUILD + "recordInfo")   # see record_info
P_ENTRIES = NamedNode(BUILD + "resolutionEntries")   # on an article's entries node: see EntryIndex
P_ENTRY_KEY = NamedNode(BUILD + "resolutionKeys")   # on a bucket node: see EntryIndex
P_ENTRY_CLUSTER = NamedNode(BUILD + "resolutionClusters")   # on a bucket node: see EntryIndex
ENTRIES_PREFIX = BUILD + "entries/"
P_FORMAT = NamedNode(BUILD + "formatVersion")
P_VERSION = NamedNode(BUILD + "ghatnaVersion")
P_RESOURCE_HASH = NamedNode(BUILD + "resourceHash")
P_ONTOLOGY_VERSION = NamedNode(BUILD + "ontologyVersion")
STORE_NODE = NamedNode(BUILD + "store")
GRAPHS_NODE = NamedNode(BUILD + "graphs")
P_RESOLVED = NamedNode(BUILD + "resolved")   # on GRAPHS_NODE: see GraphStore.resolved
P_MANIFEST = NamedNode(BUILD + "manifest")   # on a manifest part's node: see GraphStore.manifest_parts
MANIFEST_PREFIX = BUILD + "manifest/"
P_NIF_IS_STRING = NIF.isString
ONTOLOGY_NODE = NamedNode("https://w3id.org/ghatna/ontology")
OWL_VERSION_INFO = NamedNode("http://www.w3.org/2002/07/owl#versionInfo")
VIEW_CURRENT = "current"       # in <store>.view/: symlink to the newest whole generation
VIEW_COMPLETE = "COMPLETE"     # in a generation: present from publication until its removal begins

# Stores this process holds for writing, by real path. ``writer_active`` must not probe the LOCK file of
# these: closing any descriptor of a POSIX-locked file drops the whole process's lock on it.
_WRITERS: "weakref.WeakValueDictionary[str, GraphStore]" = weakref.WeakValueDictionary()


def default_store_path() -> str:
    return os.environ.get("KG_STORE") or DEFAULT_STORE


#: One article to write: ``(ident, quads, extraction, graph_hash)``, quads and extraction or functions
#: that make them (see :meth:`GraphStore.apply`)
Write = tuple[str, "list[Quad] | Callable[[], list[Quad]]", "dict | Callable[[], dict]", str]


def _article_node(prefix: str, ident: str) -> NamedNode:
    """An article's bookkeeping node under ``prefix``, named as its graph is (:func:`kg.rdf.article_iri`)."""
    return NamedNode(prefix + article_iri(ident).value.rsplit("/", 1)[-1])


def _record(ident: str) -> NamedNode:
    return _article_node(BUILD + "article/", ident)


def _entries_node(ident: str) -> NamedNode:
    return _article_node(ENTRIES_PREFIX, ident)


_PLAIN_IDENT = re.compile(r'[^"\\\x00-\x1f]*')


def _ident_text(ident: str) -> str:
    """An article identifier in an index line: as it is unless it holds a quote, a backslash or a control
    character (then as JSON, in quotes)."""
    return ident if _PLAIN_IDENT.fullmatch(ident) else json.dumps(ident, ensure_ascii=False)


def _ident_of(text: str) -> str:
    return json.loads(text) if text.startswith('"') else text


def _bucket(value: str) -> str:
    """The index bucket of a key digest or cluster IRI: one of 4,096."""
    return "%03x" % (zlib.crc32(value.encode()) & 0xFFF)


def _bucket_node(kind: NamedNode, bucket: str) -> NamedNode:
    return NamedNode(f"{BUILD}{'keys' if kind == P_ENTRY_KEY else 'clusters'}/{bucket}")


def _index_lines(ident: str, entries: list) -> dict[NamedNode, set[tuple[str, str]]]:
    """The index lines an article's entries make: ``(key digest or cluster IRI, ident)`` by predicate."""
    return {P_ENTRY_KEY: {(k, ident) for e in entries for k in e[2]},
            P_ENTRY_CLUSTER: {(e[1], ident) for e in entries}}


class _LineParts:
    """Index lines (``value<TAB>ident``) by bucket, for a store's whole index: 1.4 million lines at 100,000
    articles, 56 MB if held until written. They go to a temporary file in 16 parts (by the bucket's first
    hex digit), a part's lines in chunks of 1 MB, and come back a part at a time, grouped by bucket."""

    _CHUNK = 1 << 20

    def __init__(self) -> None:
        from .components import BlobFile   # (not at the top: the commands that only read need no resolver)
        self._file = BlobFile("the resolution entries' index", "600 bytes", prefix="ghatna-index-")
        self._pending: dict[str, list[str]] = collections.defaultdict(list)   # a part's lines not yet written
        self._pending_size: collections.Counter = collections.Counter()
        self._chunks: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)
        self._seen: set[str] = set()

    def add(self, kind: NamedNode, bucket: str, line: str) -> None:
        head = ("k" if kind == P_ENTRY_KEY else "c") + bucket
        self._seen.add(head)
        part = bucket[0]
        self._pending[part].append(f"{head}\t{line}")
        self._pending_size[part] += len(line) + 5
        if self._pending_size[part] >= self._CHUNK:
            self._write(part)

    def _write(self, part: str) -> None:
        self._chunks[part].append(self._file.put("".join(self._pending.pop(part)).encode("utf-8")))
        self._pending_size[part] = 0

    @property
    def count(self) -> int:
        """Buckets with a line."""
        return len(self._seen)

    def buckets(self) -> Iterator[tuple[tuple[NamedNode, str], list[str]]]:
        """``((kind, bucket), lines)`` for every bucket with a line, a part at a time."""
        for part in sorted(self._chunks.keys() | self._pending.keys()):
            text = b"".join(self._file.get(*c) for c in self._chunks.pop(part, ())).decode("utf-8")
            text += "".join(self._pending.pop(part, ()))
            by_bucket: dict[str, list[str]] = collections.defaultdict(list)
            for line in text.split("\n")[:-1]:   # (each ends with one)
                head, rest = line.split("\t", 1)
                by_bucket[head].append(rest + "\n")
            del text
            for head in sorted(by_bucket):
                yield (P_ENTRY_KEY if head[0] == "k" else P_ENTRY_CLUSTER, head[1:]), by_bucket.pop(head)

    def close(self) -> None:
        self._file.close()


class EntryIndex:
    """The stored resolution entries (:data:`kg.identity.Entry`), read when asked: an article's, and the
    articles with a mention that has a block key or is in a cluster, so that resolving a change reads only
    the entries it reaches, not every article's (:func:`kg.identity.resolve_changes`). The key and cluster
    indexes are literals of ``value<TAB>ident`` lines in 4,096 buckets each, about 25 key lines per
    10,000 articles in a bucket (a quad per key and article, 142,000 quads for 10,000 articles, made the
    first build 4% slower; the buckets cost it 0.45 s of 31 s)."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._buckets: dict[tuple[NamedNode, str], dict[str, list[str]]] = {}

    def entries(self, ident: str) -> list | None:
        for q in self._store.quads_for_pattern(_entries_node(ident), P_ENTRIES, None, GRAPH_BUILD):
            return json.loads(q.object.value)
        return None

    def bucket(self, kind: NamedNode, bucket: str) -> dict[str, list[str]]:
        """One bucket of an index: the articles by key digest or cluster IRI."""
        got = self._buckets.get((kind, bucket))
        if got is None:
            got = self._buckets[(kind, bucket)] = {}
            for q in self._store.quads_for_pattern(_bucket_node(kind, bucket), kind, None, GRAPH_BUILD):
                for line in q.object.value.split("\n"):
                    if line:
                        value, _, ident = line.partition("\t")
                        got.setdefault(value, []).append(_ident_of(ident))
        return got

    def with_key(self, key: str) -> list[str]:
        return sorted(self.bucket(P_ENTRY_KEY, _bucket(key)).get(key, ()))

    def in_cluster(self, iri: str) -> list[str]:
        return sorted(self.bucket(P_ENTRY_CLUSTER, _bucket(iri)).get(iri, ()))


def _term(t) -> str:
    return str(t)


class GraphStore:
    """A Ghatna store: an Oxigraph database with Ghatna's graphs and bookkeeping."""

    def __init__(self, store: ox.Store, path: str | None, read_only: bool) -> None:
        self.store = store
        self.path = path
        self.read_only = read_only
        self._snapshot: weakref.finalize | None = None

    # ------------------------------------------------------------------ versions
    def check_version(self) -> None:
        """Refuse a store written by an incompatible format, with how to rebuild."""
        found = [q.object.value for q in self.store.quads_for_pattern(STORE_NODE, P_FORMAT, None, GRAPH_BUILD)]
        if found and found[0] != FORMAT_VERSION:
            raise StoreError(f"{self.path}: store format {found[0]} was written by another Ghatna version "
                             f"(this one reads format {FORMAT_VERSION}); rebuild it: remove the folder and run "
                             "kg build again")

    def is_empty(self) -> bool:
        return not any(True for _ in self.store.quads_for_pattern(STORE_NODE, P_FORMAT, None, GRAPH_BUILD))

    # ------------------------------------------------------------------ static graphs
    def ensure_static(self) -> None:
        """Load the ontology and gazetteer graphs when they are missing or their files changed."""
        for graph, name in ((GRAPH_ONTOLOGY, "ghatna.ttl"), (GRAPH_ENTITIES, "entities.ttl")):
            path = ontology_dir() / name
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            node = NamedNode(graph.value)
            current = [q.object.value for q in self.store.quads_for_pattern(node, P_RESOURCE_HASH, None, GRAPH_BUILD)]
            if current == [digest]:
                continue
            triples = _skolemize(list(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())))
            quads = [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
            self._replace_graph(graph, quads, [Quad(node, P_RESOURCE_HASH, Literal(digest), GRAPH_BUILD)],
                                record=node)
        self._set_store_meta()

    def _set_store_meta(self) -> None:
        want = [Quad(STORE_NODE, P_FORMAT, Literal(FORMAT_VERSION), GRAPH_BUILD),
                Quad(STORE_NODE, P_VERSION, Literal(__version__), GRAPH_BUILD)]
        want += [Quad(STORE_NODE, P_ONTOLOGY_VERSION, Literal(q.object.value), GRAPH_BUILD)
                 for q in self.store.quads_for_pattern(ONTOLOGY_NODE, OWL_VERSION_INFO, None, GRAPH_ONTOLOGY)]
        have = set(self.store.quads_for_pattern(STORE_NODE, None, None, GRAPH_BUILD))
        if set(want) != have:
            ops = [f"DELETE WHERE {{ GRAPH {_term(GRAPH_BUILD)} {{ {_term(STORE_NODE)} ?p ?o }} }}",
                   "INSERT DATA { " + " ".join(f"GRAPH {_term(q.graph_name)} {{ {_term(q.subject)} "
                                                f"{_term(q.predicate)} {_term(q.object)} }}" for q in want) + " }"]
            self.store.update(" ;\n".join(ops))

    # ------------------------------------------------------------------ articles
    def articles(self) -> dict[str, dict]:
        """Bookkeeping per article in the store: ``{ident: {"content_hash", "graph_hash", "extraction"}}``."""
        return dict(self.iter_articles())

    def iter_articles(self) -> Iterator[tuple[str, dict]]:
        """:meth:`articles` one at a time, without holding them all."""
        return iter_records_from_quads(self.store.quads_for_pattern(None, None, None, GRAPH_BUILD))

    def iter_record_infos(self) -> Iterator[tuple[str, str | None, dict]]:
        """``(ident, graph hash or None, record_info(record))`` per stored article, without reading the
        cached extractions (a build that finds nothing changed needs no more; reading and parsing every
        record was 0.42 s of a 1.1 s rebuild of 10,000 unchanged articles). A record written before
        ``recordInfo`` existed is read and parsed."""
        hashes = {q.subject.value: q.object.value
                  for q in self.store.quads_for_pattern(None, P_GRAPH_HASH, None, GRAPH_BUILD)}
        infos = {q.subject.value: q.object.value
                 for q in self.store.quads_for_pattern(None, P_RECORD_INFO, None, GRAPH_BUILD)}
        prefix = BUILD + "article/"
        for q in self.store.quads_for_pattern(None, P_CONTENT_HASH, None, GRAPH_BUILD):
            node = q.subject.value
            if not node.startswith(prefix):
                continue
            if node in infos:
                info = json.loads(infos[node])
            else:
                cached = next(self.store.quads_for_pattern(q.subject, P_EXTRACTION, None, GRAPH_BUILD), None)
                if cached is None:
                    continue
                info = record_info(json.loads(cached.object.value))
            yield info["ident"], hashes.get(node), info

    def resolution_entries(self) -> dict[str, list]:
        """Per article, the entries (:data:`kg.identity.Entry`) of the resolution the graphs were made
        with (:meth:`put_resolution_entries`; valid only while :meth:`resolved` holds the current code)."""
        return {ident: json.loads(text) for ident, text in self.resolution_entry_texts().items()}

    def resolution_entry_texts(self) -> dict[str, str]:
        """:meth:`resolution_entries` with each article's entries as JSON text, not parsed."""
        n = len(ENTRIES_PREFIX)
        return {unquote(q.subject.value[n:]): q.object.value
                for q in self.store.quads_for_pattern(None, P_ENTRIES, None, GRAPH_BUILD)
                if q.subject.value.startswith(ENTRIES_PREFIX)}

    def entry_index(self) -> EntryIndex:
        return EntryIndex(self.store)

    def resolution_entry_count(self) -> int:
        """How many articles have resolution entries (counted by the store: 2 ms for 10,000)."""
        return self._count_build(P_ENTRIES)

    def _count_build(self, predicate: NamedNode) -> int:
        """How many quads of the build graph have ``predicate``."""
        g, p = _term(GRAPH_BUILD), _term(predicate)
        rows = self.store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH {g} {{ ?s {p} ?o }} }}")
        return int(next(iter(rows))["n"].value)

    def put_resolution_entries(self, texts: Mapping[str, str], drop: Iterable[str] = (), *,
                               every: bool = False) -> None:
        """Replace the stored resolution entries of the articles in ``texts`` (JSON texts) and remove
        those of ``drop`` (``every``: those of every article, then store ``texts``), with their lines in
        the key and cluster indexes (:class:`EntryIndex`). Only while :meth:`resolved` is cleared: entries
        are read only beside a mark."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        g = _term(GRAPH_BUILD)
        if every:   # every line, in a temporary file until its bucket is written (_LineParts)
            self.store.update(" ;\n".join(f"DELETE WHERE {{ GRAPH {g} {{ ?n {_term(p)} ?o }} }}"
                                           for p in (P_ENTRIES, P_ENTRY_KEY, P_ENTRY_CLUSTER)))
            parts = _LineParts()
            for ident, text in texts.items():
                name = _ident_text(ident)
                for kind, lines in _index_lines(ident, json.loads(text)).items():
                    for value, _ in lines:
                        parts.add(kind, _bucket(value), f"{value}\t{name}\n")
            buckets = parts.buckets()
            n_buckets = parts.count
        else:   # the lines to take out and to put in, by bucket; the buckets they change
            gone: dict[tuple[NamedNode, str], set[tuple[str, str]]] = collections.defaultdict(set)
            added: dict[tuple[NamedNode, str], set[tuple[str, str]]] = collections.defaultdict(set)
            index = EntryIndex(self.store)
            for ident in sorted(set(texts) | set(drop)):
                for kind, lines in _index_lines(ident, index.entries(ident) or []).items():
                    for line in lines:
                        gone[(kind, _bucket(line[0]))].add(line)
                if ident in texts:
                    for kind, lines in _index_lines(ident, json.loads(texts[ident])).items():
                        for line in lines:
                            added[(kind, _bucket(line[0]))].add(line)
            changed = {}
            for b in sorted(gone.keys() | added.keys()):
                if gone[b] != added[b]:
                    have = {(v, i) for v, idents in index.bucket(*b).items() for i in idents}
                    changed[b] = [f"{v}\t{_ident_text(i)}\n" for v, i in (have - gone[b]) | added[b]]
            nodes = sorted({_entries_node(ident).value for ident in set(texts) | set(drop)}
                           | {_bucket_node(*b).value for b in changed})
            for i in range(0, len(nodes), 500):
                values = " ".join(f"<{n}>" for n in nodes[i:i + 500])
                self.store.update(f"DELETE {{ GRAPH {g} {{ ?n ?p ?o }} }} "
                                  f"WHERE {{ VALUES ?n {{ {values} }} GRAPH {g} {{ ?n ?p ?o }} }}")
            buckets = ((b, changed.pop(b)) for b in sorted(changed))
            n_buckets = len(changed)

        def quads() -> Iterator[Quad]:   # made as the store takes them
            for ident in sorted(texts):
                yield Quad(_entries_node(ident), P_ENTRIES, Literal(texts[ident]), GRAPH_BUILD)
            for b, lines in buckets:
                if lines:
                    yield Quad(_bucket_node(*b), b[0], Literal("".join(sorted(lines))), GRAPH_BUILD)
        try:
            if len(texts) + n_buckets < SMALL_BATCH:
                self.store.extend(quads())
            else:   # in parts of a few MB (the bulk loader holds what it is given)
                part: list[Quad] = []
                size = 0
                for q in quads():
                    part.append(q)
                    size += len(q.object.value)
                    if size >= 8_000_000:
                        self.store.bulk_extend(part)
                        part, size = [], 0
                self.store.bulk_extend(part)
        finally:
            if every:
                parts.close()

    def record(self, ident: str) -> dict | None:
        """The cached extraction of one stored article (without its text), or None."""
        for q in self.store.quads_for_pattern(_record(ident), P_EXTRACTION, None, GRAPH_BUILD):
            return json.loads(q.object.value)
        return None

    def resolved(self) -> dict | None:
        """What the article graphs were last completely made with (``kg.build`` records its code and the
        event counts there once every graph is written, and clears it before it changes one), or None."""
        for q in self.store.quads_for_pattern(GRAPHS_NODE, P_RESOLVED, None, GRAPH_BUILD):
            return json.loads(q.object.value)
        return None

    def set_resolved(self, value: dict | None) -> None:
        """Replace (or with None clear) what :meth:`resolved` returns. A build clears it before it changes
        a graph or the resolution entries (:meth:`put_resolution_entries`) and sets it once all are
        written: a crash in between leaves it cleared, and entries without a mark are never read."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        # (and the entries older versions kept in one literal on the same node)
        self.store.update(f"DELETE WHERE {{ GRAPH {_term(GRAPH_BUILD)} {{ {_term(GRAPHS_NODE)} {_term(P_RESOLVED)} ?o }} }} ;\n"
                          f"DELETE WHERE {{ GRAPH {_term(GRAPH_BUILD)} {{ {_term(GRAPHS_NODE)} {_term(P_ENTRIES)} ?o }} }}")
        if value is not None:
            self.store.add(Quad(GRAPHS_NODE, P_RESOLVED, Literal(_compact(value)), GRAPH_BUILD))

    def manifest_parts(self, names: Iterable[str]) -> dict[str, str]:
        """The texts of the named parts of the build's manifest (``kg.build`` keeps there every article's
        record info, graph hash and file stat, in parts so that a small update rewrites few of them), those
        that exist."""
        out = {}
        for name in names:
            for q in self.store.quads_for_pattern(NamedNode(MANIFEST_PREFIX + name), P_MANIFEST, None, GRAPH_BUILD):
                out[name] = q.object.value
        return out

    def manifest_part_count(self) -> int:
        """How many manifest parts the store holds."""
        return self._count_build(P_MANIFEST)

    def put_manifest_parts(self, texts: dict[str, str], drop: Iterable[str] = (), *, every: bool = False) -> None:
        """Replace the manifest parts in ``texts`` and remove those in ``drop`` (``every``: all others).
        Only while :meth:`resolved` is cleared: the parts are read only beside a mark, which lists them."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        g, p = _term(GRAPH_BUILD), _term(P_MANIFEST)
        names = sorted(set(texts) | set(drop))
        if every:
            self.store.update(f"DELETE WHERE {{ GRAPH {g} {{ ?n {p} ?o }} }}")
        elif names:
            values = " ".join(_term(NamedNode(MANIFEST_PREFIX + name)) for name in names)
            self.store.update(f"DELETE {{ GRAPH {g} {{ ?n {p} ?o }} }} WHERE {{ VALUES ?n {{ {values} }} GRAPH {g} {{ ?n {p} ?o }} }}")
        self.store.extend(Quad(NamedNode(MANIFEST_PREFIX + name), P_MANIFEST, Literal(text), GRAPH_BUILD)
                          for name, text in sorted(texts.items()))

    def apply(self, writes: Iterable[Write], removals: list[str], batch_quads: int = 50_000) -> int:
        """Replace and remove article graphs so that a crash at any point leaves a consistent store.

        ``writes`` are ``(ident, quads, extraction, graph_hash)``; ``quads`` and ``extraction`` may be
        functions that make them, called (in that order) when the article's turn comes, so that only one
        batch is in memory.

        First every graph that will change or go is dropped, with its bookkeeping, in one transaction.
        Graphs that stay unchanged already describe each event exactly as the new graphs will, so from
        then on the store is always a consistent subset of the new state. Then the new graphs are added
        in batches, an article's graph together with its bookkeeping record, which is what marks it
        complete. Each batch goes through Oxigraph's bulk loader (``Store.bulk_extend``), which sorts
        it into SST files and ingests those into every index with one RocksDB ``IngestExternalFiles``
        call: all of a batch or none of it, as with a transaction, at several times the speed (a batch
        stays under the loader's own batch size of 1,000,000 quads, so it is one ingestion). A later
        ``kg build`` fills in whatever a crash left out. Returns the number of graphs written.
        """
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        writes = list(writes)
        self._drop_graphs({ident for ident, *_ in writes} | set(removals))
        with _Loader(self.store) as loader:   # loads one batch while the next one is made
            batch: list[Quad] = []
            for ident, quads, extraction, graph_hash in writes:
                batch.extend(quads() if callable(quads) else quads)
                batch.extend(self._record_quads(ident, extraction() if callable(extraction) else extraction,
                                                graph_hash))
                if len(batch) >= batch_quads:
                    loader.put(batch)
                    batch = []
            if batch:
                loader.put(batch)
        return len(writes)

    def apply_nquads(self, idents: list[str], removals: list[str], made: Iterable[tuple[bytes, int]],
                     batch_quads: int = 50_000) -> int:
        """:meth:`apply`, with each written article's graph and bookkeeping already serialised (by other
        processes): ``made`` gives, for each of ``idents`` in turn, its N-Quads and how many quads its graph
        is (``batch_quads`` counts those). The batches hold whole articles, as in :meth:`apply`; each is
        one ``Store.bulk_load`` call. (25,000-quad batches would lower a 10,000-article build's peak from
        354 to 292 MB, at 0.2 s more writing and 0.5 s more compaction.) Returns the number of graphs
        written."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        self._drop_graphs(set(idents) | set(removals))
        written = 0
        with _Loader(self.store) as loader:
            parts: list[bytes] = []
            size = 0
            for data, count in made:
                parts.append(data)
                size += count
                written += 1
                if size >= batch_quads:
                    loader.put((b"".join(parts), size))
                    parts, size = [], 0
            if parts:
                loader.put((b"".join(parts), size))
        if written != len(idents):
            raise StoreError(f"{self.path}: {written} of {len(idents)} article graphs were made")
        return written

    def _drop_graphs(self, idents: set[str]) -> None:
        """The first step of :meth:`apply`: drop these articles' graphs and bookkeeping, in one transaction
        per 500 articles."""
        gone = sorted(idents)
        for i in range(0, len(gone), 500):
            chunk = gone[i:i + 500]
            ops = [f"DROP SILENT GRAPH {_term(article_iri(ident))}" for ident in chunk]
            values = " ".join(_term(_record(ident)) for ident in chunk)
            ops.append(f"DELETE {{ GRAPH {_term(GRAPH_BUILD)} {{ ?r ?p ?o }} }} WHERE {{ VALUES ?r {{ {values} }} "
                       f"GRAPH {_term(GRAPH_BUILD)} {{ ?r ?p ?o }} }}")
            self.store.update(" ;\n".join(ops))

    def article_texts(self, idents: Iterable[str]) -> dict[str, str]:
        """The text of stored articles, read from their graphs (records do not repeat it)."""
        out = {}
        for ident in idents:
            graph = article_iri(ident)
            ctx = NamedNode(graph.value + "#context")
            for q in self.store.quads_for_pattern(ctx, P_NIF_IS_STRING, None, graph):
                out[ident] = q.object.value
        return out

    @staticmethod
    def _record_quads(ident: str, extraction: dict, graph_hash: str) -> list[Quad]:
        """An article's bookkeeping: its content hash, graph signature and cached extraction. The text is
        left out of the cached extraction: the article's graph holds it (``nif:isString``)."""
        rec = _record(ident)
        cached = {**extraction, "article": {k: v for k, v in extraction["article"].items() if k != "text"}}
        return [
            Quad(rec, P_CONTENT_HASH, Literal(extraction["article"]["content_hash"]), GRAPH_BUILD),
            Quad(rec, P_GRAPH_HASH, Literal(graph_hash), GRAPH_BUILD),
            Quad(rec, P_EXTRACTION, Literal(json.dumps(cached, ensure_ascii=False, sort_keys=True)), GRAPH_BUILD),
            Quad(rec, P_RECORD_INFO, Literal(json.dumps(record_info(extraction), ensure_ascii=False,
                                                        sort_keys=True)), GRAPH_BUILD),
        ]

    def backup(self, target: str | Path) -> None:
        """A consistent copy of the store in ``target`` (a new folder), safe while the store is in use."""
        t = Path(target)
        if t.exists():
            raise StoreError(f"{t}: already exists; give a new folder for the backup")
        try:
            self.store.backup(str(t))
        except OSError as e:
            raise StoreError(f"{t}: backup failed ({e})") from e

    def _replace_graph(self, graph: NamedNode, quads: list[Quad], meta: list[Quad], record: NamedNode) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        ops = [f"DROP SILENT GRAPH {_term(graph)}",
               f"DELETE WHERE {{ GRAPH {_term(GRAPH_BUILD)} {{ {_term(record)} ?p ?o }} }}"]
        body = [f"{_term(q.subject)} {_term(q.predicate)} {_term(q.object)} ." for q in quads]
        if body:
            ops.append(f"INSERT DATA {{ GRAPH {_term(graph)} {{\n" + "\n".join(body) + "\n} }")
        if meta:
            ops.append(f"INSERT DATA {{ GRAPH {_term(GRAPH_BUILD)} {{\n"
                       + "\n".join(f"{_term(q.subject)} {_term(q.predicate)} {_term(q.object)} ." for q in meta)
                       + "\n} }")
        self.store.update(" ;\n".join(ops))

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    # ------------------------------------------------------------------ reading
    def quads(self, include_build: bool = False) -> list[Quad]:
        """Every quad (without the bookkeeping graph unless asked), sorted."""
        out = [q for q in self.store.quads_for_pattern(None, None, None, None)
               if include_build or q.graph_name != GRAPH_BUILD]
        return sorted(out, key=str)

    def flush(self) -> None:
        if not self.read_only and self.store is not None:
            self.store.flush()

    def optimize(self) -> None:
        """Compact the database (``Store.optimize``): after a large write, queries read fewer files (the
        stored queries run about twice as fast on a freshly built 10,000-article store). An embedded
        store that closes right after writing never leaves RocksDB the idle time to do it itself.
        Compaction only rearranges what is written: if it fails (a full disk), the store is whole and
        stays as it was, so the failure is not the build's."""
        if not self.read_only and self.store is not None:
            try:
                self.store.optimize()
            except OSError:
                pass

    def close(self) -> None:
        """Release the database (pyoxigraph closes it when the last reference goes)."""
        self.store = None  # type: ignore[assignment]
        if self._snapshot is not None:
            self._snapshot()   # the private view snapshot, once pyoxigraph has let go of it
        if self.path is not None and _WRITERS.get(os.path.realpath(self.path)) is self:
            del _WRITERS[os.path.realpath(self.path)]

    def publish_view(self) -> None:
        """Publish the store's current state as the read view: a checkpoint (hard links, cheap) that
        readers use while a writer holds the store, since reading a RocksDB database another process
        writes is undefined behaviour.

        Views are generations in ``<store>.view/``; the ``current`` symlink is switched atomically, so a
        reader always finds a whole view, and an older generation is removed only after its ``COMPLETE``
        marker, which readers check after taking their own hard links (see :func:`_snapshot_view`)."""
        if self.read_only or self.path is None:
            return
        root = Path(view_root(self.path))
        if root.is_dir() and (root / "CURRENT").is_file():   # a view of Ghatna <= 0.1: one bare checkpoint
            shutil.rmtree(root, ignore_errors=True)
        root.mkdir(exist_ok=True)
        gen = root / f"g{time.time_ns():020d}"
        try:
            self.store.backup(str(gen))
            (gen / VIEW_COMPLETE).touch()
        except OSError:
            shutil.rmtree(gen, ignore_errors=True)
            return
        link = root / f"current.tmp{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(gen.name)
        current = root / VIEW_CURRENT
        if current.is_dir() and not current.is_symlink():   # copied by a tool that follows symlinks
            shutil.rmtree(current, ignore_errors=True)
        os.replace(link, current)
        _sweep_views(root, keep=gen.name)


#: Batches smaller than this go in through a transaction (``Store.extend``): the bulk loader's fixed cost
#: (sorting into SST files and ingesting them into every index, about 50 ms) dwarfs a few graphs
SMALL_BATCH = 10_000


class _Loader:
    """``Store.bulk_extend`` in a background thread (pyoxigraph releases the GIL while it loads), one batch
    at a time and in order (a small one through ``Store.extend``, also all or nothing); an error is raised
    in the caller at the next ``put`` or on leaving."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="ghatna-loader", daemon=True)

    def _run(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is None:
                try:
                    if isinstance(batch, tuple):   # N-Quads and their count (GraphStore.apply_nquads)
                        data, count = batch
                        load = self.store.load if count < SMALL_BATCH else self.store.bulk_load
                        load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
                    elif len(batch) < SMALL_BATCH:
                        self.store.extend(batch)
                    else:
                        self.store.bulk_extend(batch)
                except BaseException as e:  # noqa: BLE001 - handed to the caller
                    self.error = e

    def put(self, batch: list[Quad] | tuple[bytes, int]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(batch)

    def __enter__(self) -> "_Loader":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_views(root: Path, keep: str) -> None:
    """Remove older view generations (marker first: a reader linking from one then retries), links,
    generations and half-made checkpoints left by a killed writer, and reader snapshots whose process is gone."""
    for entry in root.iterdir():
        name = entry.name
        if name in (keep, VIEW_CURRENT):
            continue
        if name.startswith("current.tmp"):
            entry.unlink(missing_ok=True)
        elif re.fullmatch(r"g\d+(\.tmp)?", name):   # RocksDB checkpoints into "<dir>.tmp", then renames
            (entry / VIEW_COMPLETE).unlink(missing_ok=True)
            shutil.rmtree(entry, ignore_errors=True)
        elif (m := re.fullmatch(r"r(\d+)\..+", name)) and not _pid_alive(int(m.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


def _snapshot_view(store_path: str) -> Path:
    """A private, unchanging copy of the current read view, made of hard links (no data is copied).

    The writer may publish a newer view and delete this one at any moment, and RocksDB opens its files
    lazily, so a reader must not read the shared folder itself. Linking is safe: the writer deletes a
    generation's ``COMPLETE`` marker before anything else, so if the marker is still there after every
    link was taken, every link is to the whole, unchanged generation."""
    root = Path(view_root(store_path))
    for _ in range(50):
        try:
            fd = os.open(root / VIEW_CURRENT, os.O_RDONLY | os.O_DIRECTORY)
        except (FileNotFoundError, NotADirectoryError):
            raise StoreLockedError(f"{store_path}: a kg build is writing this store and no read view exists "
                                   "yet; try again when it ends") from None
        dst = None
        try:
            names = [n for n in os.listdir(fd) if n not in ("LOCK", "LOG") and not n.startswith("LOG.old")]
            if VIEW_COMPLETE not in names:
                continue   # being removed, or written by a killed writer: look again
            dst = Path(tempfile.mkdtemp(prefix=f"r{os.getpid()}.", dir=root))
            for n in names:
                os.link(n, dst / n, src_dir_fd=fd, follow_symlinks=False)
            os.stat(VIEW_COMPLETE, dir_fd=fd)
            return dst
        except FileNotFoundError:
            if dst is not None:
                shutil.rmtree(dst, ignore_errors=True)
        finally:
            os.close(fd)
        time.sleep(0.01)
    raise StoreLockedError(f"{store_path}: a kg build is writing this store and its read view kept changing; "
                           "try again")


def _skolemize(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Blank nodes → IRIs derived from who points at them and what they say, so loading the same file
    twice gives the same quads (blank node labels differ on every parse)."""
    out_edges: dict[ox.BlankNode, list[str]] = {}
    in_edges: dict[ox.BlankNode, list[str]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode):
            out_edges.setdefault(t.subject, []).append(f"{t.predicate} {t.object}")
        if isinstance(t.object, ox.BlankNode) and not isinstance(t.subject, ox.BlankNode):
            in_edges.setdefault(t.object, []).append(f"{t.subject} {t.predicate}")
    names: dict[ox.BlankNode, ox.NamedNode] = {}
    for b in set(out_edges) | set(in_edges):
        key = "\n".join(sorted(in_edges.get(b, [])) + ["|"] + sorted(out_edges.get(b, [])))
        names[b] = NamedNode(ID_NS + "genid/" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20])
    fix = lambda term: names.get(term, term) if isinstance(term, ox.BlankNode) else term  # noqa: E731
    return [ox.Triple(fix(t.subject), t.predicate, fix(t.object)) for t in triples]


def _compact(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_info(record: dict) -> dict:
    """What a build checks about an article's record without reading its events: stored beside the record
    (``recordInfo``) so that it can be read alone."""
    a = record["article"]
    return {"ident": a["ident"], "content_hash": a["content_hash"], "published": a["published"],
            "version": record.get("version"), "published_option": record.get("published_option")}


def iter_records_from_quads(quads) -> Iterator[tuple[str, dict]]:
    """Per-article bookkeeping read from the build graph's quads (any store that yields them), one article
    at a time: ``(ident, {"content_hash", "graph_hash", "extraction"})``. A store yields an article's
    quads together (its index is ordered by graph, then subject), so only one is held at a time; any order
    works."""
    prefix = BUILD + "article/"
    partial: dict[str, dict] = {}
    for q in quads:
        if not q.subject.value.startswith(prefix):
            continue
        rec = partial.setdefault(q.subject.value, {})
        if q.predicate == P_EXTRACTION:
            rec["extraction"] = q.object.value
        elif q.predicate == P_GRAPH_HASH:
            rec["graph_hash"] = q.object.value
        elif q.predicate == P_CONTENT_HASH:
            rec["content_hash"] = q.object.value
        else:   # recordInfo repeats what the record says
            continue
        if len(rec) == 3:
            del partial[q.subject.value]
            yield _parsed(rec)
    for rec in partial.values():   # a record without its graph hash (never written by a build)
        if "extraction" in rec:
            yield _parsed(rec)


def _parsed(rec: dict) -> tuple[str, dict]:
    data = json.loads(rec["extraction"])
    return data["article"]["ident"], {**rec, "extraction": data}


def view_root(path: str | Path) -> str:
    """The folder beside the store at ``path`` that holds its read views."""
    p = Path(path)
    return str(p.with_name(p.name + ".view"))


def view_path(path: str | Path) -> str:
    """The current read view of the store at ``path`` (a symlink to the newest whole generation)."""
    return str(Path(view_root(path)) / VIEW_CURRENT)


def writer_active(path: str | Path) -> bool:
    """True when a process (this one included) holds the store's write lock (RocksDB's LOCK file)."""
    own = _WRITERS.get(os.path.realpath(path))
    if own is not None and own.store is not None:
        return True  # probing the LOCK file would release our own lock
    lock = Path(path) / "LOCK"
    if not lock.exists():
        return False
    try:
        with open(lock, "r+b") as fh:
            try:
                fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.lockf(fh, fcntl.LOCK_UN)
    except OSError:
        return False
    return False


def is_server_url(store: str | Path) -> bool:
    """Whether ``--store`` names a SPARQL 1.1 server's query endpoint (see :mod:`kg.remote`), not a folder."""
    return str(store).startswith(("http://", "https://"))


def open_store(path: str | Path | None = None, *, read_only: bool = False, create: bool = True) -> GraphStore:
    """Open (or create) the store at ``path`` (default ``$KG_STORE`` or ``./kg.oxigraph``).

    Raises :class:`StoreLockedError` when another process holds it for writing, and
    :class:`StoreError` when it does not exist (reading) or cannot be opened.
    """
    p = str(path or default_store_path())
    if is_server_url(p):
        from .remote import open_remote
        return open_remote(p, read_only=read_only, create=create)  # type: ignore[return-value]
    if read_only or not create:
        if not Path(p).is_dir():
            raise StoreError(f"{p}: no store here; build one first with: kg build --store {p}")
    if Path(p).exists() and not Path(p).is_dir():
        raise StoreError(f"{p}: exists and is not a store folder")
    snapshot = None
    if read_only and writer_active(p):
        snapshot = _snapshot_view(p)   # the last completed state, published by the writer
        p = str(snapshot)
    try:
        store = ox.Store.read_only(p) if read_only else ox.Store(p)
    except OSError as e:
        if snapshot is not None:
            shutil.rmtree(snapshot, ignore_errors=True)
        msg = str(e)
        if "lock" in msg.lower() or "resource temporarily unavailable" in msg.lower():
            raise StoreLockedError(f"{p}: another process holds this store for writing (a kg build is running?); "
                                   "try again when it ends") from e
        raise StoreError(f"{p}: cannot open the store ({msg.splitlines()[0] if msg else e})") from e
    gs = GraphStore(store, p, read_only)
    if snapshot is not None:   # removed when the store object goes (after pyoxigraph has let go of it)
        gs._snapshot = weakref.finalize(gs, shutil.rmtree, str(snapshot), True)
    del store  # a refused store must not stay open (and locked) through the traceback's frames
    try:
        gs.check_version()
    except StoreError:
        gs.close()
        raise
    if not read_only:
        _WRITERS[os.path.realpath(p)] = gs
    return gs
