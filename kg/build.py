"""``kg build``: articles in, store updated; idempotent, incremental and crash-safe.

1. Find the files; read each one's bytes and hash them. Articles whose content (and publication date
   option) did not change reuse their cached extraction; the others are parsed and extracted, in worker
   processes when there are several (``workers``, default the core count).
2. Resolve identities over every article in the store (the result depends only on the set of articles).
3. Compute each article's graph signature (its content and the descriptions of the events it reports);
   only graphs whose signature changed are rebuilt and written, through :meth:`GraphStore.apply`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import os
import shutil
import stat
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .article import DEFAULT_MAX_BYTES, Article, _skipped_spans, find_articles, parse_article
from .errors import ArticleError, GhatnaError
from .gazetteer import load_gazetteer
from .identity import ArticleEvents, Cluster, resolve
from .pipeline import EXTRACTION_VERSION, events_of, extract, extraction_record
from .rdf import ArticleMeta, article_quads, nquads_hash
from .store import GraphStore, default_store_path, open_store

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


def _read_bytes(f: Path, max_bytes: int) -> bytes:
    """A file's bytes; OSError when it cannot be read, ArticleError when it is not a regular file or too big.
    (A FIFO or device named ``*.txt`` is never opened: reading it could wait forever.)"""
    st = f.stat()
    if not stat.S_ISREG(st.st_mode):
        raise ArticleError("not a regular file")
    if st.st_size > max_bytes:
        raise ArticleError(f"{st.st_size:,} bytes is over the limit of {max_bytes:,} bytes "
                           "per article (raise it with --max-bytes)")
    return f.read_bytes()


def _read_jobs(files: list[Path], published: dt.date | None, max_bytes: int, report: BuildReport,
               cached: dict[str, dict]) -> Iterator[tuple[str, bytes, str | None, str, int]]:
    """Jobs for the files whose content changed; counts unchanged ones and reports unreadable ones."""
    seen: dict[str, str] = {}
    pub = published.isoformat() if published else None
    for f in files:
        ident = f.stem
        if ident in seen:
            report.skipped.append((str(f), f"same article name as {seen[ident]}"))
            continue
        try:
            raw = _read_bytes(f, max_bytes)
        except (OSError, ArticleError) as e:
            reason = str(e) if isinstance(e, ArticleError) else (e.strerror or str(e))
            report.skipped.append((str(f), f"cannot read ({reason})" if isinstance(e, OSError) else reason))
            continue
        seen[ident] = str(f)
        rec = cached.get(ident)
        digest = hashlib.sha256(raw).hexdigest()
        if rec and rec["article"]["content_hash"] == digest and rec.get("published_option") == pub:
            report.unchanged += 1
            report.read += 1
            continue
        yield ident, raw, pub, str(f), max_bytes


@_no_cyclic_gc()
def build(paths: list[str | Path], store_path: str | Path | None = None, *, published: dt.date | None = None,
          strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES, max_files: int | None = None,
          workers: int | None = None, cluster: str | None = None,
          progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build (or update) the store from the articles under ``paths``."""
    t0 = time.perf_counter()
    report = BuildReport()
    files = find_articles(paths)
    if max_files is not None and len(files) > max_files:
        raise ArticleError(f"{len(files):,} articles is over the limit of {max_files:,} per build "
                           "(raise it with --max-files)")
    workers = workers or default_workers()
    if strict:
        _check_readable(files, published, max_bytes)  # before the store is touched
    gaz = load_gazetteer()
    created = not Path(store_path or default_store_path()).exists()
    gs = open_store(store_path)
    try:
        stored = gs.articles()
        records = {ident: rec["extraction"] for ident, rec in stored.items()
                   if rec["extraction"].get("version") == EXTRACTION_VERSION}
        new: dict[str, dict] = {}
        done = 0
        jobs = _read_jobs(files, published, max_bytes, report, records)
        if cluster:  # a dask.distributed cluster ("local" starts one): the same job function remotely
            from .distributed import extract_on_cluster
            for path, record, error in extract_on_cluster(jobs, cluster):
                done = _collect(path, record, error, new, report, published, progress, done, len(files))
        elif workers > 1 and len(files) >= 8:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                results = pool.map(_extract_job, jobs, chunksize=16)
                for path, record, error in results:
                    done = _collect(path, record, error, new, report, published, progress, done, len(files))
        else:
            for job in jobs:
                path, record, error = _extract_job(job)
                done = _collect(path, record, error, new, report, published, progress, done, len(files))
        report.timings["extract"] = time.perf_counter() - t0
        if strict and report.skipped:
            path, reason = report.skipped[0]
            gs.close()
            if created:  # nothing was written: not even an empty store
                shutil.rmtree(store_path or default_store_path(), ignore_errors=True)
            raise ArticleError(f"{path}: {reason} (--strict: nothing was written)")
        gs.ensure_static()  # after the --strict check: a refused build writes nothing
        records.update(new)
        stale = [ident for ident in stored if ident not in records]
        if stale:  # cached by another extractor version: extract again from its text
            cached = {ident: stored[ident]["extraction"] for ident in stale}
            _with_texts(gs, cached, stale)
            for ident in stale:
                records[ident] = _reextract(cached[ident], gaz)
        _write_all(gs, records, {i: r.get("graph_hash") for i, r in stored.items()}, gaz, report, [])
        gs.flush()
        gs.publish_view()
    finally:
        gs.close()
    report.seconds = time.perf_counter() - t0
    return report


def _check_readable(files: list[Path], published: dt.date | None, max_bytes: int) -> None:
    """--strict: every file must read and parse, or nothing is written."""
    seen: dict[str, Path] = {}
    for f in files:
        if f.stem in seen:
            raise ArticleError(f"{f}: same article name as {seen[f.stem]} (--strict: nothing was written)")
        seen[f.stem] = f
        try:
            raw = _read_bytes(f, max_bytes)
        except OSError as e:
            raise ArticleError(f"{f}: cannot read ({e.strerror or e}) (--strict: nothing was written)") from e
        except ArticleError as e:
            raise ArticleError(f"{f}: {e} (--strict: nothing was written)") from e
        try:
            parse_article(f.stem, raw, published=published, path=str(f), max_bytes=max_bytes)
        except ArticleError as e:
            raise ArticleError(f"{e} (--strict: nothing was written)") from e


def _collect(path, record, error, new, report, published, progress, done, total) -> int:
    if error is not None:
        report.skipped.append((path, error))
    else:
        record["published_option"] = published.isoformat() if published else None
        new[record["article"]["ident"]] = record
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


def _canonical(value) -> str:
    return json.dumps(value, default=vars, sort_keys=True, ensure_ascii=False)


def _signature(record: dict, clusters: list[Cluster], digests: dict[str, str]) -> str:
    """What an article's graph is made from: its record, the clusters it takes part in, and the code.
    (Events are hashed as canonical JSON of their fields, without ``asdict``'s deep copies; a cluster's
    description once per build, in ``digests``.)"""
    h = hashlib.sha256(_GRAPH_CODE.encode())
    h.update(record["article"]["content_hash"].encode())
    h.update((record["article"]["published"] or "").encode())
    h.update(record["version"].encode())
    ident = record["article"]["ident"]
    for c in sorted(clusters, key=lambda c: c.iri):
        if c.iri not in digests:
            digests[c.iri] = hashlib.sha256(_canonical([c.iri, c.during, c.description]).encode()).hexdigest()
        h.update(digests[c.iri].encode())
        h.update(_canonical([m for m in c.members if m.article == ident]).encode())
    return h.hexdigest()


def _with_texts(gs: GraphStore, records: dict[str, dict], idents) -> None:
    """Fill in the text of cached records (kept in the article graphs, not the bookkeeping)."""
    missing = [i for i in idents if "text" not in records[i]["article"]]
    if not missing:
        return
    for ident, text in gs.article_texts(missing).items():
        records[ident]["article"]["text"] = text
    lost = [i for i in missing if "text" not in records[i]["article"]]
    if lost:
        raise GhatnaError(f"{gs.path}: the graph of article {lost[0]} has no text; rebuild the store")


def _write_all(gs: GraphStore, records: dict[str, dict], old_hashes: dict[str, str | None], gaz,
               report: BuildReport, removals: list[str]) -> None:
    t = time.perf_counter()
    inputs = [ArticleEvents(ident, rec["article"]["published"], events_of(rec)) for ident, rec in records.items()]
    clusters = resolve(inputs, gaz)
    del inputs
    report.timings["resolve"] = time.perf_counter() - t
    t = time.perf_counter()
    by_article: dict[str, list[Cluster]] = {}
    for c in clusters:
        for src in c.sources:
            by_article.setdefault(src, []).append(c)
        report.events[c.type] += 1
    digests: dict[str, str] = {}
    changed = []
    for ident in sorted(records):
        sig = _signature(records[ident], by_article.get(ident, []), digests)
        if old_hashes.get(ident) != sig:
            changed.append((ident, sig))
    _with_texts(gs, records, [ident for ident, _ in changed])   # before their graphs are dropped
    report.timings["signatures"] = time.perf_counter() - t

    def quads_of(ident: str):
        def make():
            quads = article_quads(_meta(records[ident]), by_article.get(ident, []), gaz)
            report.triples += len(quads)
            return quads
        return make

    t = time.perf_counter()
    report.written = gs.apply([(ident, quads_of(ident), records[ident], sig) for ident, sig in changed], removals)
    report.timings["write"] = time.perf_counter() - t
    report.articles_in_store = len(records)


@_no_cyclic_gc()
def remove(idents: list[str], store_path: str | Path | None = None) -> BuildReport:
    """Retract articles: events only they reported disappear; others lose them as a source."""
    report = BuildReport()
    gaz = load_gazetteer()
    gs = open_store(store_path, create=False)
    try:
        stored = gs.articles()
        names = [Path(i).stem if i.endswith(".txt") else i for i in idents]
        missing = [i for i in names if i not in stored]
        if missing:
            raise GhatnaError(f"{missing[0]}: no such article in {gs.path}")
        gone = set(names)
        records = {i: r["extraction"] for i, r in stored.items() if i not in gone}
        stale = [i for i, r in records.items() if r.get("version") != EXTRACTION_VERSION]
        _with_texts(gs, records, stale)
        for i in stale:
            records[i] = _reextract(records[i], gaz)
        _write_all(gs, records, {i: r.get("graph_hash") for i, r in stored.items()}, gaz, report, sorted(gone))
        gs.flush()
        gs.publish_view()
    finally:
        gs.close()
    return report
