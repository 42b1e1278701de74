"""One article through the stages: read → normalise & split → entities → extractors → extraction record.

The extraction record is plain JSON (the article's metadata and text, and its events); the build caches
it in the store so that unchanged articles are never extracted again.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from . import __version__
from .article import Article
from .doc import make_doc
from .events import Event, event_from_dict
from .extractors import get_extractors
from .gazetteer import Gazetteer, load_gazetteer
from .resources import lang_dir, ontology_dir

__all__ = ["extract", "extraction_record", "events_of", "EXTRACTION_VERSION"]

def _data_fingerprint() -> str:
    """Extraction code, language data and gazetteer: changing any of them must re-extract every article."""
    here = Path(__file__).parent
    code = [here / n for n in ("article.py", "text.py", "doc.py", "gazetteer.py", "timex.py", "numbers.py",
                               "events.py", "pipeline.py")] + sorted((here / "extractors").glob("*.py"))
    h = hashlib.sha256()
    for path in code + sorted(lang_dir().glob("*.json")) + [ontology_dir() / "entities.ttl"]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


EXTRACTION_VERSION = f"{__version__}/{_data_fingerprint()}"


def extract(article: Article, gazetteer: Gazetteer | None = None, extractor_names: list[str] | None = None
            ) -> list[Event]:
    """All events every registered extractor finds in ``article``."""
    doc = make_doc(article, gazetteer or load_gazetteer())
    events: list[Event] = []
    for extractor in get_extractors(extractor_names):
        events.extend(extractor(doc))
    resolve_times(doc, events)
    return events


def resolve_times(doc, events: list[Event]) -> None:
    """Time resolution for what the sentences leave undated: an event reported as news (occurred, not
    marked as earlier) is dated by the lead's day when the lead gives one, else by the month published.
    Explicit dates always win; the identity stage prefers a meeting's date for what was said at it."""
    default = doc.default_date()
    for ev in events:
        if ev.date_explicit or ev.status != "occurred" or ev.earlier or ev.pluperfect or default is None:
            continue
        ev.default_date = default


def extraction_record(article: Article, events: list[Event]) -> dict[str, Any]:
    """The JSON record cached for an article."""
    return {
        "version": EXTRACTION_VERSION,
        "article": {
            "ident": article.ident, "text": article.text, "content_hash": article.content_hash,
            "published": article.published.isoformat() if article.published else None,
            "published_from": article.published_from, "headline": article.headline, "path": article.path,
        },
        "events": [e.to_dict() for e in events],
    }


def events_of(record: dict[str, Any], *, span_texts: bool = True) -> list[Event]:
    """The events of a cached record. ``span_texts=False`` leaves the evidence spans' text out (``""``):
    it is the article's text between their offsets, which the graph takes from there, and resolving a
    large corpus need not hold every sentence twice."""
    if span_texts:
        return [event_from_dict(e) for e in record["events"]]
    return [event_from_dict({**e, "evidence": [{**s, "text": ""} for s in e.get("evidence", [])],
                             "counts": [{**c, "span": {**c["span"], "text": ""} if c.get("span") else None}
                                        for c in e.get("counts", [])]})
            for e in record["events"]]
