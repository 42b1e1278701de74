"""``kg build``: articles in, store updated; idempotent, incremental and crash-safe.

1. Find the files; read each one's bytes and hash them. Articles whose content (and publication date
   option) did not change reuse their cached extraction; the others are parsed and extracted, in worker
   processes when there are several (``workers``, default the core count). New records wait in a temporary
   file, not in memory; a local store's own are read from it again when needed (:class:`_Spool`).
2. Resolve identities (the result depends only on the set of articles). Skipped when nothing was
   extracted and the last complete build used the same code. When a few articles changed in a local
   store completely made by the same code, only the events they can affect are resolved again
   (:func:`kg.identity.resolve_changes`, from the resolution entries the last build stored per article,
   indexed by block key and cluster: only those the changes reach are read); otherwise every article's,
   component by component with the mentions and clusters on disk (:func:`kg.components.resolve_on_disk`).
3. Compute each article's graph signature (its content and the events it reports and their clusters);
   only graphs whose signature changed are rebuilt and written, through :meth:`GraphStore.apply`; then
   the resolution entries that changed, then the completion mark with the manifest of the articles.
"""
from __future__ import annotations

import collections
import collections.abc
import contextlib
import ctypes
import datetime as dt
import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import shutil
import stat
import sys
import time
import zlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator

import pyoxigraph as ox

from .article import DEFAULT_MAX_BYTES, Article, _skipped_spans, find_article_paths, parse_article, stem
from .errors import ArticleError, GhatnaError
from .gazetteer import load_gazetteer
from .components import BlobFile, mentions_digest, resolve_on_disk
from .identity import ArticleEvents, StaleEntries, Update, clear_identity_caches, resolve_changes
from .pipeline import EXTRACTION_VERSION, events_of, extract, extraction_record
from .rdf import ArticleMeta, article_quads
from .store import GraphStore, default_store_path, open_store, record_info

__all__ = ["BuildReport", "build", "remove", "default_workers"]


@dataclass
class BuildReport:
    read: int = 0
    extracted: int = 0
    unchanged: int = 0
    written: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (path, reason)
    events: Counter = field(default_factory=Counter)
    triples: int = 0
    seconds: float = 0.0
    articles_in_store: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _meta(record: dict) -> ArticleMeta:
    a = record["article"]
    return ArticleMeta(a["ident"], a["text"], a["content_hash"], a["published"], a["headline"])


@contextlib.contextmanager
def _no_cyclic_gc():
    """Without Python's cyclic garbage collector while a build runs: a build holds millions of small
    objects (records, events, clusters) that live to its end and form no cycles, and each full collection
    walks all of them, more often the bigger the corpus (a third of resolution's time at 100,000
    articles). Objects are still freed by reference counting; collection resumes after the build."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def _release_memory() -> None:
    """Give back to the system the memory a stage freed. glibc keeps freed heap memory for reuse, so a
    process's resident set stays at its highest: resolving 10,000 articles left the process 120 MB
    larger, 28 MB of it live objects, and ``malloc_trim`` gave 103 MB back. Without it each stage starts
    from the last one's high mark, and the writers forked from the build inherit it. (Dask trims its
    workers' memory the same way.) Peak resident set of a build: 10,000 articles 281 → 263 MB, 100,000
    articles 626 → 561 MB."""
    if _TRIM is not None:
        _TRIM(0)


@dataclass(frozen=True, slots=True)
class _Info:
    """What a build checks about an article's record without reading it (one per article while a build
    runs: no attribute dict, and the dates and versions many articles share are one string each)."""

    content_hash: str
    published: str | None
    version: str | None
    published_option: str | None
    has_text: bool
    file: str | None = None   # the file's stat and path when its content was last hashed (:func:`_file_key`)


def _new_info(content_hash: str, published: str | None, version: str | None, published_option: str | None,
              has_text: bool, file: str | None) -> _Info:
    """An :class:`_Info`, its date, version and option strings shared with every article's that has them."""
    return _Info(content_hash, published and sys.intern(published), version and sys.intern(version),
                 published_option and sys.intern(published_option), has_text, file)


class _Spool:
    """The articles' records while a build runs, kept on disk rather than in memory: a local store's own
    by reference (:meth:`refer`), the others as zlib-compressed JSON in an unnamed temporary file (in
    ``$TMPDIR``; the system removes it when it is closed or the process ends), with only each record's
    place and :class:`_Info` in memory. A record is read back when it is needed (for resolution, then for
    writing), one at a time."""

    def __init__(self, stored: Callable[[str], dict | None] | None = None) -> None:
        self._file = BlobFile("the articles' records", "3 KB", prefix="ghatna-records-")
        self._at: dict[str, tuple[int, int] | None] = {}   # None: read from the store (``refer``)
        self.info: dict[str, _Info] = {}
        self._stored = stored
        self.from_manifest = False   # the stored records were listed by the store's manifest (_load_records)

    def put(self, record: dict) -> None:
        """Keep ``record`` (a newer one for the same article replaces it)."""
        a = record["article"]
        data = zlib.compress(json.dumps(record, ensure_ascii=False).encode("utf-8"), 1)
        self._at[a["ident"]] = self._file.put(data)
        self._note(record)

    def _note(self, record: dict) -> None:
        self._note_info(record_info(record), "text" in record["article"])

    def _note_info(self, info: dict, has_text: bool) -> None:
        self.info[info["ident"]] = _new_info(info["content_hash"], info["published"], info["version"],
                                             info["published_option"], has_text, info.get("file"))

    @property
    def can_refer(self) -> bool:
        return self._stored is not None

    def refer_manifest(self, manifest: dict[str, list], leave_out: Collection[str] = ()) -> None:
        """:meth:`refer` for every article of a store's manifest (:func:`_manifest`) but ``leave_out``."""
        for ident, content_hash, published, version, option, file in zip(
                manifest["ident"], manifest["content_hash"], manifest["published"], manifest["version"],
                manifest["published_option"], manifest["file"]):
            if ident not in leave_out:
                self._at[ident] = None
                self.info[ident] = _new_info(content_hash, published, version, option, False, file)

    def refer(self, info: dict) -> None:
        """Keep the record ``info`` (:func:`kg.store.record_info`) describes, one the store holds (without
        its text), by reference: :meth:`get` reads it from the store again rather than from a copy here
        (copying every stored record was most of an unchanged build: 10,000 articles 2.0 s, 1.1 s without).
        Only for records whose graph stays until the last ``get``: ``kg.build`` puts every record it will
        replace in the file before it drops a graph."""
        self._at[info["ident"]] = None
        self._note_info(info, False)

    def get(self, ident: str) -> dict:
        place = self._at[ident]
        if place is None:
            record = self._stored(ident)   # type: ignore[misc]
            if record is None:
                raise GhatnaError(f"the record of article {ident} left the store while the build read it")
            return record
        at, size = place
        return json.loads(zlib.decompress(self._file.get(at, size)))

    def in_file(self, ident: str) -> bool:
        """The record is kept here, not read from the store (so a forked process can read it too)."""
        return self._at[ident] is not None

    def __len__(self) -> int:
        return len(self._at)

    def idents(self) -> list[str]:
        return sorted(self._at)

    def close(self) -> None:
        self._file.close()


class _EntryTexts(collections.abc.Mapping):
    """The resolution entries (JSON) of the articles resolved again, from the signatures until they are
    stored, in a temporary file: in memory they were about 700 bytes an article (70 MB at 100,000)."""

    def __init__(self) -> None:
        self._file = BlobFile("the resolution entries", "1 KB", prefix="ghatna-entries-")
        self._at: dict[str, tuple[int, int]] = {}

    def put(self, ident: str, text: str) -> None:
        self._at[ident] = self._file.put(text.encode("utf-8"))

    def __getitem__(self, ident: str) -> str:
        return self._file.get(*self._at[ident]).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def close(self) -> None:
        self._file.close()


def _spool_for(gs) -> _Spool:
    """A spool that reads a local store's records from the store when asked; a SPARQL server's are copied
    in (a request per record would be slow)."""
    return _Spool(gs.record if isinstance(gs, GraphStore) else None)


def _map_chunk(fn: Callable, chunk: list) -> list:
    return [fn(item) for item in chunk]


def _streamed(pool, fn: Callable, items: Iterable, chunksize: int, window: int) -> Iterator:
    """``pool.map(fn, items, chunksize=chunksize)`` without taking every item first: the executors'
    ``map`` submits them all at once, which for a build means every changed file's bytes in memory at
    the start. Here at most ``window`` chunks are in flight (read, not yet returned); results come in
    order."""
    pending: collections.deque = collections.deque()
    it = iter(items)
    while True:
        while len(pending) < window and (chunk := list(itertools.islice(it, chunksize))):
            pending.append(pool.submit(_map_chunk, fn, chunk))
        if not pending:
            return
        yield from pending.popleft().result()


def _extract_job(job: tuple[str, bytes, str | None, str, int]) -> tuple[str, dict | None, str | None]:
    """Worker: parse and extract one article; errors come back as a reason, never raise."""
    ident, raw, published, path, max_bytes = job
    try:
        article = parse_article(ident, raw, published=dt.date.fromisoformat(published) if published else None,
                                path=path, max_bytes=max_bytes)
        return path, extraction_record(article, extract(article, load_gazetteer())), None
    except ArticleError as e:
        return path, None, str(e).split(": ", 1)[-1]
    except Exception as e:  # noqa: BLE001 - a bug in one extractor must not lose the whole build
        return path, None, f"internal error while extracting ({type(e).__name__}: {e}); please report it"


#: Articles to extract from which a build starts worker processes (starting them costs more than
#: extracting a few articles in the build's own process)
_POOL_FROM = 8


def _stat(f: Path | str, max_bytes: int) -> os.stat_result:
    """A file's stat; OSError when there is none, ArticleError when it is not a regular file or too big."""
    st = os.stat(f)
    if not stat.S_ISREG(st.st_mode):
        raise ArticleError("not a regular file")
    if st.st_size > max_bytes:
        raise ArticleError(f"{st.st_size:,} bytes is over the limit of {max_bytes:,} bytes "
                           "per article (raise it with --max-bytes)")
    return st


def _read_bytes(f: str, max_bytes: int) -> bytes:
    """A file's bytes; OSError when it cannot be read, ArticleError when it is not a regular file or too big.
    (A FIFO or device named ``*.txt`` is never opened: reading it could wait forever.)"""
    _stat(f, max_bytes)
    return _read_file(f)


def _read_file(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _file_key(path: str, st: os.stat_result) -> str:
    """A file's size, modification and change times, inode and path, as one string (kept per article)."""
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino} {path}"


#: Seconds before a build starts within which a file's last change makes its stat untrustworthy (a change
#: in the same tick of a coarse file-system clock would leave it as it was; FAT's tick is 2 s)
_RACY_S = 2


def _read_jobs(files: list[str], published: dt.date | None, max_bytes: int, report: BuildReport,
               cached: dict[str, _Info], seen_files: dict[str, str | None] | None = None,
               job_files: dict[str, str | None] | None = None) -> Iterator[tuple[str, bytes, str | None, str, int]]:
    """Jobs for the files whose content changed; counts unchanged ones and reports unreadable ones.

    A file is read and its content hashed unless its path and stat (size, modification and change
    times, inode) are those recorded when the same content was hashed by an earlier build, as git does
    with its index. Every write to a file updates its change time (which no program can set back), so
    an equal stat means the same bytes; a stat taken while the file was changing (its change time within
    ``_RACY_S`` of the build's start) is not recorded. ``seen_files`` receives what to record for the
    unchanged files, ``job_files`` for the others (to record once their extraction succeeded)."""
    seen: dict[str, str] = {}
    pub = published.isoformat() if published else None
    racy_from = time.time_ns() - _RACY_S * 1_000_000_000
    for path in files:
        ident = stem(path)
        if ident in seen:
            report.skipped.append((path, f"same article name as {seen[ident]}"))
            continue
        try:
            st = _stat(path, max_bytes)
            file = _file_key(path, st) if st.st_ctime_ns < racy_from else None
            rec = cached.get(ident)
            if file is not None and rec and rec.file == file \
                    and (rec.version, rec.published_option) == (EXTRACTION_VERSION, pub):
                seen[ident] = path
                report.unchanged += 1
                report.read += 1
                if seen_files is not None:
                    seen_files[ident] = file
                continue
            raw = _read_file(path)
        except (OSError, ArticleError) as e:
            reason = str(e) if isinstance(e, ArticleError) else (e.strerror or str(e))
            report.skipped.append((path, f"cannot read ({reason})" if isinstance(e, OSError) else reason))
            continue
        seen[ident] = path
        digest = hashlib.sha256(raw).hexdigest()
        if rec and (rec.version, rec.content_hash, rec.published_option) == (EXTRACTION_VERSION, digest, pub):
            report.unchanged += 1
            report.read += 1
            if seen_files is not None:
                seen_files[ident] = file
            continue
        if job_files is not None:
            job_files[ident] = file
        yield ident, raw, pub, path, max_bytes


@_no_cyclic_gc()
def build(paths: list[str | Path], store_path: str | Path | None = None, *, published: dt.date | None = None,
          strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES, max_files: int | None = None,
          workers: int | None = None, cluster: str | None = None,
          progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build (or update) the store from the articles under ``paths``."""
    t0 = time.perf_counter()
    report = BuildReport()
    files = find_article_paths(paths)
    if max_files is not None and len(files) > max_files:
        raise ArticleError(f"{len(files):,} articles is over the limit of {max_files:,} per build "
                           "(raise it with --max-files)")
    workers = workers or default_workers()
    if strict:
        _check_readable(files, published, max_bytes)  # before the store is touched
    gaz = load_gazetteer()
    created = not Path(store_path or default_store_path()).exists()
    gs = open_store(store_path)
    spool = _spool_for(gs)
    try:
        last = gs.resolved()
        old_hashes = _load_records(gs, spool, last=last)
        done = 0
        fresh: list[str] = []   # the articles extracted by this build
        seen_files: dict[str, str | None] = {}   # stats to record (see _read_jobs)
        job_files: dict[str, str | None] = {}
        jobs = _read_jobs(files, published, max_bytes, report, spool.info, seen_files, job_files)
        first = list(itertools.islice(jobs, _POOL_FROM))   # a few changed articles need no worker processes
        jobs = itertools.chain(first, jobs)
        if cluster:  # a dask.distributed cluster ("local" starts one): the same job function remotely
            from .distributed import extract_on_cluster
            for path, record, error in extract_on_cluster(jobs, cluster):
                done = _collect(path, record, error, spool, report, published, progress, done, len(files), fresh)
        elif workers > 1 and len(first) >= _POOL_FROM:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for path, record, error in _streamed(pool, _extract_job, jobs, chunksize=16, window=4 * workers):
                    done = _collect(path, record, error, spool, report, published, progress, done, len(files), fresh)
        else:
            for job in jobs:
                path, record, error = _extract_job(job)
                done = _collect(path, record, error, spool, report, published, progress, done, len(files), fresh)
        report.timings["extract"] = time.perf_counter() - t0
        _release_memory()
        seen_files.update((ident, job_files[ident]) for ident in fresh)   # not those that failed
        del job_files
        if strict and report.skipped:
            path, reason = report.skipped[0]
            gs.close()
            if created:  # nothing was written: not even an empty store
                shutil.rmtree(store_path or default_store_path(), ignore_errors=True)
            raise ArticleError(f"{path}: {reason} (--strict: nothing was written)")
        gs.ensure_static()  # after the --strict check: a refused build writes nothing
        restale = _reextract_stale(gs, spool, gaz)
        if report.extracted or restale or not last or last.get("code") != _RESOLVED_CODE:
            _write_all(gs, spool, old_hashes, gaz, report, [], fresh if not restale else None, last, seen_files,
                       workers=workers)
        else:   # the same records and code as the last complete build: every graph is as it would be made
            report.events.update(last.get("events", {}))
            report.articles_in_store = len(spool)
            if spool.can_refer and not spool.from_manifest:   # but a part of its manifest is missing
                gs.set_resolved(None)
                gs.set_resolved({**last, "manifest": _store_manifest(gs, spool, old_hashes, seen_files, None),
                                 "article_count": len(spool)})
        _settle(gs, report)
    finally:
        spool.close()
        gs.close()
    report.seconds = time.perf_counter() - t0
    return report


def _load_records(gs: GraphStore, spool: _Spool, leave_out: Collection[str] = (),
                  last: dict | None = None) -> dict[str, str | None]:
    """The stored articles' records into ``spool`` (but those in ``leave_out``); their graph hashes.
    ``last`` is :meth:`GraphStore.resolved`: a local store completely made by this code keeps a manifest
    of every article's record info and graph hash (:func:`_manifest`), read instead of a quad per article
    (10,000 articles: 0.34 s → 0.03 s)."""
    old_hashes: dict[str, str | None] = {}
    names = last.get("manifest") if spool.can_refer and last and last.get("code") == _RESOLVED_CODE else None
    texts = gs.manifest_parts(names) if names is not None else {}
    spool.from_manifest = names is not None and len(texts) == len(names)
    if spool.from_manifest:
        for text in texts.values():
            part = json.loads(text)
            spool.refer_manifest(part, leave_out)
            old_hashes.update(zip(part["ident"], part["graph_hash"]))
        return old_hashes
    if spool.can_refer:   # a local store: only what tells whether a record must be read
        for ident, graph_hash, info in gs.iter_record_infos():
            old_hashes[ident] = graph_hash
            if ident not in leave_out:
                spool.refer(info)
        return old_hashes
    for ident, rec in gs.iter_articles():
        old_hashes[ident] = rec.get("graph_hash")
        if ident not in leave_out:
            spool.put(rec["extraction"])
    return old_hashes


def _reextract_stale(gs: GraphStore, spool: _Spool, gaz) -> int:
    """Records cached by another extractor version (and not read again from a file): extract again from
    the text their graph keeps. Returns how many."""
    stale = [ident for ident, info in spool.info.items() if info.version != EXTRACTION_VERSION]
    for ident, record in _with_texts(gs, spool, stale):
        spool.put(_reextract(record, gaz))
    return len(stale)


def _settle(gs: GraphStore, report: BuildReport) -> None:
    """Make the writes durable, compact the store after a large rewrite (a quarter of its articles or
    more: a first build, a new extractor version; not an update of a few articles, which RocksDB's own
    compaction handles), and publish the read view."""
    gs.flush()
    _release_memory()   # what writing freed: compaction's own memory comes on top
    if report.written and report.written * 4 >= report.articles_in_store:
        t = time.perf_counter()
        gs.optimize()
        report.timings["optimize"] = time.perf_counter() - t
    gs.publish_view()


def _check_readable(files: list[str], published: dt.date | None, max_bytes: int) -> None:
    """--strict: every file must read and parse, or nothing is written."""
    seen: dict[str, str] = {}
    for f in files:
        ident = stem(f)
        if ident in seen:
            raise ArticleError(f"{f}: same article name as {seen[ident]} (--strict: nothing was written)")
        seen[ident] = f
        try:
            raw = _read_bytes(f, max_bytes)
        except OSError as e:
            raise ArticleError(f"{f}: cannot read ({e.strerror or e}) (--strict: nothing was written)") from e
        except ArticleError as e:
            raise ArticleError(f"{f}: {e} (--strict: nothing was written)") from e
        try:
            parse_article(ident, raw, published=published, path=f, max_bytes=max_bytes)
        except ArticleError as e:
            raise ArticleError(f"{e} (--strict: nothing was written)") from e


def _collect(path, record, error, spool: _Spool, report, published, progress, done, total, fresh) -> int:
    if error is not None:
        report.skipped.append((path, error))
    else:
        record["published_option"] = published.isoformat() if published else None
        spool.put(record)
        fresh.append(record["article"]["ident"])
        report.extracted += 1
        report.read += 1
    done += 1
    if progress:
        progress(done, total)
    return done


def _reextract(record: dict, gaz) -> dict:
    a = record["article"]
    art = Article(ident=a["ident"], text=a["text"], content_hash=a["content_hash"],
                  published=dt.date.fromisoformat(a["published"]) if a["published"] else None,
                  published_from=a.get("published_from"), headline=a["headline"], path=a.get("path", ""))
    art.skipped = _skipped_spans(art.text)
    out = extraction_record(art, extract(art, gaz))
    out["published_option"] = record.get("published_option")
    return out


def _graph_code_fingerprint() -> str:
    """The code and ontology that turn events into quads: changing them must rewrite every graph."""
    from .resources import ontology_dir
    h = hashlib.sha256()
    for path in (Path(__file__).with_name("rdf.py"), ontology_dir() / "ghatna.ttl"):
        h.update(path.read_bytes())
    return h.hexdigest()


_GRAPH_CODE = _graph_code_fingerprint()


def _resolved_code_fingerprint() -> str:
    """What the graphs depend on besides the records: the extractor version (extraction code, language
    data, gazetteer), the code and ontology that make quads (``_GRAPH_CODE``) and the code that resolves
    and signs events. A build that extracts nothing and finds the store made with the same, as a whole,
    skips resolution (see ``GraphStore.resolved``)."""
    h = hashlib.sha256(f"{EXTRACTION_VERSION}|{_GRAPH_CODE}".encode())
    for name in ("identity.py", "components.py", "build.py", "vocab.py"):
        h.update(Path(__file__).with_name(name).read_bytes())
    return h.hexdigest()


_RESOLVED_CODE = _resolved_code_fingerprint()


def _signature(ident: str, info: _Info, entries: list, mentions: str) -> str:
    """What an article's graph is made from: its record, its merged mentions (``mentions``, their
    :func:`kg.components.mentions_digest`), the clusters they are members of (IRI, the mention's occasion,
    and the cluster's digest in ``entries``, :func:`kg.identity.cluster_digest`), and the code."""
    h = hashlib.sha256(_GRAPH_CODE.encode())
    h.update(info.content_hash.encode())
    h.update((info.published or "").encode())
    h.update((info.version or "").encode())
    h.update(repr([(e[1], e[3], e[4]) for e in entries]).encode())
    h.update(mentions.encode())
    return h.hexdigest()


def _with_texts(gs: GraphStore, spool: _Spool, idents: list[str],
                chunk: int = 500) -> Iterator[tuple[str, dict]]:
    """The records of ``idents`` with their texts: cached records do not repeat the text, which their
    article graph keeps; it is read from there, a chunk of articles at a time."""
    for i in range(0, len(idents), chunk):
        part = idents[i:i + chunk]
        missing = [ident for ident in part if not spool.info[ident].has_text]
        texts = gs.article_texts(missing) if missing else {}
        for ident in part:
            record = spool.get(ident)
            if "text" not in record["article"]:
                if ident not in texts:
                    raise GhatnaError(f"{gs.path}: the graph of article {ident} has no text; rebuild the store")
                record["article"]["text"] = texts[ident]
            yield ident, record


def _events(spool: _Spool, ident: str) -> ArticleEvents:
    return ArticleEvents(ident, spool.info[ident].published, events_of(spool.get(ident), span_texts=False))


def _resolve_changes(gs, spool: _Spool, gaz, fresh: list[str] | None, removals: list[str],
                     last: dict | None) -> Update | None:
    """Resolution of only what ``fresh`` (extracted) and removed articles can change
    (:func:`kg.identity.resolve_changes`, reading only the stored entries it reaches), or None when
    everything must be resolved: a SPARQL server's store, a store not completely made by this code, an
    entry missing or not matching its article, or more than a tenth of the articles changed (resolving
    everything is as quick then)."""
    if fresh is None or not spool.can_refer or not last or last.get("code") != _RESOLVED_CODE:
        return None
    changed = set(fresh) | set(removals)
    if not changed or len(changed) * 10 > len(spool) + len(removals):
        return None
    if gs.resolution_entry_count() != last.get("article_count"):   # every article the mark counts has them
        return None
    same = {ident for ident in fresh if _same_events(gs, spool, ident)}
    try:
        return resolve_changes(gs.entry_index(), removals,
                               (_events(spool, ident) for ident in sorted(set(fresh) - same)),
                               lambda ident: _events(spool, ident), gaz, unchanged=sorted(same))
    except StaleEntries:
        return None


def _same_events(gs: GraphStore, spool: _Spool, ident: str) -> bool:
    """The article extracted again gives the events and publication date the store's record of it has (an
    edit that touched no event, e.g. a sentence added after them): what resolution reads of it is as it
    was, so nothing else can change (its own graph still changes)."""
    old = gs.record(ident)
    if old is None or old["article"].get("published") != spool.info[ident].published:
        return False
    return old["events"] == spool.get(ident)["events"]   # (as JSON: stricter than Events, and no objects made)


@contextlib.contextmanager
def _resolved(gs, spool: _Spool, gaz, report: BuildReport, fresh: list[str] | None, removals: list[str],
              last: dict | None) -> Iterator[tuple[list[str], Callable, Callable, Callable, bool]]:
    """Resolve what must be (:func:`_resolve_changes`, or every article's on disk,
    :func:`kg.components.resolve_on_disk`) and give the articles resolved again, what each one's graph is
    made from (its :data:`~kg.identity.Entry` list, the digest of its merged mentions, its clusters) and
    whether they are all the articles. The resolution's temporary files go when the block ends."""
    t = time.perf_counter()
    update = _resolve_changes(gs, spool, gaz, fresh, removals, last)
    if update is not None:
        counts = Counter(last["events"])   # type: ignore[index]
        counts.subtract(update.dropped)
        counts.update(update.added)
        report.events.update(+counts)
        report.timings["resolve (changes)"] = time.perf_counter() - t
        yield ([ident for ident in update.articles if ident in spool.info], update.entries.__getitem__,
               lambda ident: mentions_digest(update.mentions[ident]), update.clusters_of, False)
        return
    idents = spool.idents()
    resolution = resolve_on_disk(idents, lambda ident: _events(spool, ident), gaz)   # one article at a time
    clear_identity_caches()   # (their quotes' 4-grams: tens of MB on a large corpus)
    _release_memory()
    try:
        report.events.update(resolution.counts)
        report.timings["resolve"] = time.perf_counter() - t
        yield idents, resolution.entries, resolution.mentions_digest, resolution.clusters_of, True
    finally:
        resolution.close()


def _write_all(gs: GraphStore, spool: _Spool, old_hashes: dict[str, str | None], gaz,
               report: BuildReport, removals: list[str], fresh: list[str] | None = None,
               last: dict | None = None, seen_files: dict[str, str | None] | None = None,
               workers: int = 1) -> None:
    """Resolve, sign and write every graph that changed. With ``fresh`` (the articles this build
    extracted; None when others were extracted again too) and ``last`` (:meth:`GraphStore.resolved` before
    the build), only what those and ``removals`` can change is resolved again, when the store allows it.
    ``seen_files``: the files' stats to record (:func:`_read_jobs`); ``workers``: processes that make the
    graphs when there are many (:func:`_made_in_workers`)."""
    with _resolved(gs, spool, gaz, report, fresh, removals, last) as (idents, entries, mentions, clusters_of, every), \
            contextlib.closing(_EntryTexts()) as texts:   # a local store's entries as JSON (only this is kept)
        t = time.perf_counter()
        changed = []
        for ident in idents:
            es = entries(ident)
            sig = _signature(ident, spool.info[ident], es, mentions(ident))
            if old_hashes.get(ident) != sig:
                changed.append((ident, sig))
            if spool.can_refer:   # (a server's store keeps none)
                texts.put(ident, json.dumps(es, ensure_ascii=False, separators=(",", ":")))
        # the texts of cached records, before their graphs are dropped: kept with the records
        without_text = [ident for ident, _ in changed if not spool.info[ident].has_text]
        for _, record in _with_texts(gs, spool, without_text):
            spool.put(record)
        report.timings["signatures"] = time.perf_counter() - t
        _release_memory()

        def write_of(ident: str, sig: str) -> tuple:
            record: list[dict] = []

            def quads():
                record.append(spool.get(ident))
                out = article_quads(_meta(record[0]), clusters_of(ident), gaz)
                report.triples += len(out)
                return out
            return ident, quads, lambda: record.pop(), sig

        t = time.perf_counter()
        entries_change = spool.can_refer and bool(texts or removals)
        if changed or removals or entries_change:
            gs.set_resolved(None)   # until every graph is written: a crash in between must not look complete
        if _forks_writers(gs, spool, changed, workers):
            report.written = _made_in_workers(gs, spool, changed, removals, clusters_of, gaz, report, workers)
        else:
            report.written = gs.apply([write_of(ident, sig) for ident, sig in changed], removals)
        if entries_change:   # the entries a later build resolves changes from: of the articles resolved again
            gs.put_resolution_entries(texts, removals, every=every)
        done = {"code": _RESOLVED_CODE, "events": dict(report.events)}
        if spool.can_refer:   # the manifest _load_records reads (a server's store has its records read whole)
            done["manifest"] = _store_manifest(gs, spool, {**old_hashes, **dict(changed)}, seen_files or {}, last)
            done["article_count"] = len(spool)
        gs.set_resolved(done)
        report.timings["write"] = time.perf_counter() - t
        report.articles_in_store = len(spool)


#: Parts of the manifest (by a hash of the article's identifier)
_MANIFEST_PARTS = 64


def _manifest(spool: _Spool, hashes: dict[str, str | None], files: dict[str, str | None]) -> dict[str, str]:
    """Every article's record info, graph hash and file stat (:func:`_file_key`) in ``_MANIFEST_PARTS``
    parts, each as JSON columns (one list per field, in the order of the articles' identifiers: 10,000
    articles read in 4 ms rather than 12-18 as a list per article, and written in 8 rather than 15)."""
    by_part: dict[str, list[str]] = collections.defaultdict(list)
    for ident in spool.idents():
        by_part["%02x" % (zlib.crc32(ident.encode("utf-8")) % _MANIFEST_PARTS)].append(ident)
    out = {}
    for name, idents in sorted(by_part.items()):
        infos = [spool.info[ident] for ident in idents]
        out[name] = json.dumps(
            {"ident": idents, "content_hash": [i.content_hash for i in infos],
             "published": [i.published for i in infos], "version": [i.version for i in infos],
             "published_option": [i.published_option for i in infos], "graph_hash": [hashes.get(i) for i in idents],
             "file": [files[ident] if ident in files else i.file for ident, i in zip(idents, infos)]},
            ensure_ascii=False, separators=(",", ":"))
    return out


def _store_manifest(gs: GraphStore, spool: _Spool, hashes: dict[str, str | None], files: dict[str, str | None],
                    last: dict | None) -> dict[str, str]:
    """Store the manifest's parts that changed since ``last`` (the mark the build started from: the parts
    it lists are whole in the store; after an edit of one article, one part), while the mark is cleared.
    Returns each part's digest, for the new mark. Rewriting all of it was most of what a one-article
    rebuild wrote (3 MB at 10,000 articles), and flushing and compacting that most of its store time."""
    parts = _manifest(spool, hashes, files)
    digests = {name: hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest() for name, text in parts.items()}
    before = (last or {}).get("manifest")
    if not isinstance(before, dict) or gs.manifest_part_count() != len(before):   # (no mark, an older layout)
        gs.put_manifest_parts(parts, every=True)
    else:
        gs.put_manifest_parts({name: text for name, text in parts.items() if before.get(name) != digests[name]},
                              [name for name in before if name not in parts])
    return digests


def read_manifest(gs: GraphStore) -> dict[str, list] | None:
    """The manifest of a store completely made by a build (its parts' columns together, by identifier), or
    None."""
    last = gs.resolved()
    if not last or not isinstance(last.get("manifest"), dict):
        return None
    parts = [json.loads(text) for text in gs.manifest_parts(last["manifest"]).values()]
    if not parts:
        return {}
    fields = list(parts[0])
    rows = sorted(row for part in parts for row in zip(*(part[f] for f in fields)))   # (by identifier)
    return {f: [row[i] for row in rows] for i, f in enumerate(fields)}


#: Graphs to write from which worker processes make them (forking costs about what 300 graphs do)
_FORK_WRITERS_FROM = 2_000

#: What a forked writer reads: the spool, the clusters of an article, the gazetteer (set just before
#: the fork; nothing is sent to the processes but the articles' identifiers and graph signatures)
_WRITER: tuple | None = None


def _forks_writers(gs, spool: _Spool, changed: list[tuple[str, str]], workers: int) -> bool:
    """Whether worker processes make the graphs: several workers, many graphs, a local store (a server's
    store takes SPARQL updates), every record in the spool's file (a forked process must not read the
    store), and Linux (where forking a process with the store's threads running is safe as long as the
    child leaves the store alone; on macOS system libraries may not survive it)."""
    return (workers > 1 and len(changed) >= _FORK_WRITERS_FROM and isinstance(gs, GraphStore)
            and sys.platform.startswith("linux") and all(spool.in_file(ident) for ident, _ in changed))


def _write_job(item: tuple[str, str]) -> tuple[bytes, int]:
    """Worker (forked from the build): one article's graph and bookkeeping as N-Quads, and how many quads
    the graph is."""
    spool, clusters_of, gaz = _WRITER   # type: ignore[misc]
    ident, sig = item
    record = spool.get(ident)
    quads = article_quads(_meta(record), clusters_of(ident), gaz)
    count = len(quads)
    quads += GraphStore._record_quads(ident, record, sig)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS), count


def _made_in_workers(gs: GraphStore, spool: _Spool, changed: list[tuple[str, str]], removals: list[str],
                     clusters_of, gaz, report: BuildReport, workers: int) -> int:
    """:meth:`GraphStore.apply` with the graphs made in ``workers`` processes, forked after resolution so
    that they share its clusters without copying them, while this process loads what they return. Making
    the quads was the writing stage's bottleneck (10,000 articles: 4.9 s of its 8.6, the loader waiting)."""
    global _WRITER
    _WRITER = (spool, clusters_of, gaz)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            pool.submit(int).result()   # the processes fork now, before the loader's thread starts

            def made() -> Iterator[tuple[bytes, int]]:
                for data, count in _streamed(pool, _write_job, changed, chunksize=32, window=4 * workers):
                    report.triples += count
                    yield data, count
            return gs.apply_nquads([ident for ident, _ in changed], removals, made())
    finally:
        _WRITER = None


@_no_cyclic_gc()
def remove(idents: list[str], store_path: str | Path | None = None) -> BuildReport:
    """Retract articles: events only they reported disappear; others lose them as a source."""
    report = BuildReport()
    gaz = load_gazetteer()
    gs = open_store(store_path, create=False)
    spool = _spool_for(gs)
    try:
        names = [Path(i).stem if i.endswith(".txt") else i for i in idents]
        gone = set(names)
        last = gs.resolved()
        old_hashes = _load_records(gs, spool, leave_out=gone, last=last)
        missing = [i for i in names if i not in old_hashes]
        if missing:
            raise GhatnaError(f"{missing[0]}: no such article in {gs.path}")
        restale = _reextract_stale(gs, spool, gaz)
        _write_all(gs, spool, old_hashes, gaz, report, sorted(gone), [] if not restale else None, last)
        _settle(gs, report)
    finally:
        spool.close()
        gs.close()
    return report
