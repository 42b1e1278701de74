"""What extractors return: :class:`Event` with its :class:`Span` evidence, plain and JSON-serialisable."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Span", "CountClaim", "NewEntity", "Event", "EVENT_TYPES", "event_from_dict"]

EVENT_TYPES = ("Meeting", "Statement", "TroopDeployment", "Treaty")


@dataclass
class Span:
    """A mention's evidence: ``[start, end)`` in the article text and the text itself."""

    start: int
    end: int
    text: str


@dataclass
class CountClaim:
    """A figure for a deployment as the article gives it."""

    count: int
    qualifier: str = "exactly"        # about | more than | at least | up to | exactly
    attributed_to: str | None = None  # who gives the figure, as worded
    span: Span | None = None


@dataclass
class NewEntity:
    """An entity the gazetteer does not know, minted from a title and a name."""

    iri: str
    kind: str
    label: str


@dataclass
class Event:
    """One event mention (or several merged mentions) found in one article."""

    type: str                                   # one of EVENT_TYPES
    article: str                                # article ident
    evidence: list[Span]
    extractor: str
    roles: dict[str, list[str]] = field(default_factory=dict)   # role → entity IRIs
    subtype: str | None = None                  # e.g. "PhoneCall"
    status: str = "occurred"                    # occurred | planned
    date: str | None = None                     # ISO value at its precision
    date_explicit: bool = False                 # the date came from a time expression, not a default
    default_date: str | None = None             # when the text gives none: the lead's date or the month reported
    in_force: str | None = None
    ratified: str | None = None
    quotes: list[str] = field(default_factory=list)
    quote_kind: str | None = None
    counts: list[CountClaim] = field(default_factory=list)
    personnel: str | None = None
    medium: str | None = None
    name: str | None = None                     # a treaty's name as written
    during: int | None = None                   # index of the meeting (in the same article's list)
    earlier: bool = False                       # the text marks it as before the news (इससे पहले …)
    pluperfect: bool = False                    # told in the pluperfect (… था/थे): no news-day default date
    confidence: float = 0.8
    new_entities: list[NewEntity] = field(default_factory=list)

    def role(self, name: str) -> list[str]:
        return self.roles.get(name, [])

    def to_dict(self) -> dict[str, Any]:
        """What :func:`dataclasses.asdict` gives, built directly (it deep-copies every value: slow)."""
        d = dict(vars(self))
        d["evidence"] = [dict(vars(s)) for s in self.evidence]
        d["roles"] = {k: list(v) for k, v in self.roles.items()}
        d["quotes"] = list(self.quotes)
        d["counts"] = [{**vars(c), "span": dict(vars(c.span)) if c.span is not None else None} for c in self.counts]
        d["new_entities"] = [dict(vars(n)) for n in self.new_entities]
        return d


_SHARED = ("type", "article", "extractor", "status", "subtype", "date", "default_date", "quote_kind", "medium")


def event_from_dict(d: dict[str, Any]) -> Event:
    """Rebuild an :class:`Event` from :meth:`Event.to_dict` output (cached extractions). Role names,
    entity IRIs and the short values many events repeat are interned: JSON gives each event copies of
    its own, a third of what resolving a large corpus holds."""
    d = dict(d)
    d["roles"] = {sys.intern(k): [sys.intern(v) for v in vs] for k, vs in d.get("roles", {}).items()}
    for k in _SHARED:
        if isinstance(v := d.get(k), str):
            d[k] = sys.intern(v)
    d["evidence"] = [Span(**s) for s in d.get("evidence", [])]
    d["counts"] = [CountClaim(**{**c, "span": Span(**c["span"]) if c.get("span") else None})
                   for c in d.get("counts", [])]
    d["new_entities"] = [NewEntity(**n) for n in d.get("new_entities", [])]
    return Event(**d)
