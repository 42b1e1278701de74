"""``kg build``: articles in, store updated; idempotent and incremental.

1. Read every file first (bad files are reported and skipped; ``strict`` aborts before any write).
2. Extract the articles whose content changed (content hash); reuse the cached extraction of the rest.
3. Resolve identities over every article in the store (the result depends only on the set of articles).
4. Rebuild each article's graph and write only those whose fingerprint changed, one transaction each.
"""
from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .article import DEFAULT_MAX_BYTES, Article, find_articles, read_article
from .errors import ArticleError, GhatnaError
from .gazetteer import load_gazetteer
from .identity import ArticleEvents, resolve
from .pipeline import EXTRACTION_VERSION, events_of, extract, extraction_record
from .rdf import ArticleMeta, article_quads, nquads_hash
from .store import GraphStore, open_store

__all__ = ["BuildReport", "build", "remove"]


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


def _meta(record: dict) -> ArticleMeta:
    a = record["article"]
    return ArticleMeta(a["ident"], a["text"], a["content_hash"], a["published"], a["headline"])


def build(paths: list[str | Path], store_path: str | Path | None = None, *, published: dt.date | None = None,
          strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES, max_files: int | None = None,
          progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build (or update) the store from the articles under ``paths``."""
    t0 = time.perf_counter()
    report = BuildReport()
    files = find_articles(paths)
    if max_files is not None and len(files) > max_files:
        raise ArticleError(f"{len(files):,} articles is over the limit of {max_files:,} per build (raise it with --max-files)")
    articles: list[Article] = []
    seen: dict[str, str] = {}
    for f in files:
        try:
            a = read_article(f, published=published, max_bytes=max_bytes)
        except ArticleError as e:
            report.skipped.append((str(f), str(e).split(": ", 1)[-1]))
            continue
        if a.ident in seen:
            report.skipped.append((str(f), f"same article name as {seen[a.ident]}"))
            continue
        seen[a.ident] = str(f)
        articles.append(a)
    report.read = len(articles)
    if strict and report.skipped:
        path, reason = report.skipped[0]
        raise ArticleError(f"{path}: {reason} (--strict: nothing was written)")
    gaz = load_gazetteer()
    gs = open_store(store_path)
    try:
        gs.ensure_static()
        stored = gs.articles()
        records = {ident: rec["extraction"] for ident, rec in stored.items()
                   if rec["extraction"].get("version") == EXTRACTION_VERSION}
        for i, a in enumerate(articles):
            cached = records.get(a.ident)
            if cached and cached["article"]["content_hash"] == a.content_hash \
                    and cached["article"]["published"] == (a.published.isoformat() if a.published else None):
                report.unchanged += 1
            else:
                records[a.ident] = extraction_record(a, extract(a, gaz))
                report.extracted += 1
            if progress:
                progress(i + 1, len(articles))
        for ident in stored:
            if ident not in records:  # cached by an older extractor version: extract again from its text
                records[ident] = _reextract(stored[ident]["extraction"], gaz)
        _write_all(gs, records, {i: r.get("graph_hash") for i, r in stored.items()}, gaz, report)
    finally:
        gs.flush()
    report.seconds = time.perf_counter() - t0
    return report


def _reextract(record: dict, gaz) -> dict:
    a = record["article"]
    art = Article(ident=a["ident"], text=a["text"], content_hash=a["content_hash"],
                  published=dt.date.fromisoformat(a["published"]) if a["published"] else None,
                  published_from=a.get("published_from"), headline=a["headline"], path=a.get("path", ""))
    from .article import _skipped_spans
    art.skipped = _skipped_spans(art.text)
    return extraction_record(art, extract(art, gaz))


def _write_all(gs: GraphStore, records: dict[str, dict], old_hashes: dict[str, str | None], gaz,
               report: BuildReport) -> None:
    inputs = [ArticleEvents(ident, rec["article"]["published"], events_of(rec)) for ident, rec in records.items()]
    clusters = resolve(inputs, gaz)
    by_article: dict[str, list] = {}
    for c in clusters:
        for src in c.sources:
            by_article.setdefault(src, []).append(c)
        report.events[c.type] += 1
    for ident in sorted(records):
        quads = article_quads(_meta(records[ident]), by_article.get(ident, []), gaz)
        report.triples += len(quads)
        digest = nquads_hash(quads)
        if old_hashes.get(ident) != digest:
            gs.write_article(ident, quads, records[ident], digest)
            report.written += 1
    report.articles_in_store = len(records)


def remove(idents: list[str], store_path: str | Path | None = None) -> BuildReport:
    """Retract articles: events only they reported disappear; others lose them as a source."""
    report = BuildReport()
    gaz = load_gazetteer()
    gs = open_store(store_path, create=False)
    try:
        stored = gs.articles()
        missing = [i for i in idents if Path(i).stem not in stored]
        if missing:
            raise GhatnaError(f"{missing[0]}: no such article in {gs.path}")
        gone = {Path(i).stem for i in idents}
        for ident in sorted(gone):
            gs.remove_article(ident)
        records = {i: r["extraction"] for i, r in stored.items() if i not in gone}
        records = {i: (r if r.get("version") == EXTRACTION_VERSION else _reextract(r, gaz)) for i, r in records.items()}
        _write_all(gs, records, {i: r.get("graph_hash") for i, r in stored.items()}, gaz, report)
    finally:
        gs.flush()
    return report
