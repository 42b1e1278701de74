"""The timeline drawing: events on a time axis, one lane per event type or per actor.

:func:`timeline_data` reads the events from an Oxigraph store into a plain dict (JSON-ready), and
:func:`render_timeline` draws that dict: PNG, SVG or PDF with matplotlib, or one self-contained HTML page
(inline SVG drawn by a small inline script; no library, no network).

Reading reuses :func:`kg.viz.event_graph` (SPARQL over the union of all graphs, values bound as terms,
never pasted), so a timeline shows exactly the events, labels, sources and evidence ``kg viz`` draws, and
the type and date filters mean the same thing in both. Fonts, the Devanagari fallback (English labels,
spelt in Latin letters when a name has no English form, with one notice), colours, markers and
:class:`~kg.viz.VizError` are those of :mod:`kg.viz`.

How dates are drawn: a ``gh:date`` of day precision (``xsd:date``) is a marker on its day. A date of
month or year precision (``xsd:gYearMonth``, ``xsd:gYear``) is a *span*: a bar over the whole month or
year with the type's marker in its middle, because the event happened somewhere in it, not on its first
day. Planned events (``gh:status gh:Planned``) are hollow markers and white bars with a dashed outline.
Undated events have no place on the axis: the drawings list them in a box below it (the HTML page in a
list below the timeline).
"""
from __future__ import annotations

import calendar
import datetime as dt
import html
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from kg import viz as _viz
from kg.viz import COLOURS, EVENT_TYPES, MARKERS, VizError

__all__ = ["timeline_data", "render_timeline", "LANES", "FORMATS", "ACTOR_ROLES"]

#: How events can be split into lanes.
LANES = ("type", "actor")
#: Output formats by suffix.
FORMATS = (".png", ".svg", ".pdf", ".html")
#: Roles whose entity "takes part" in an event (``lanes="actor"``); only people and countries get lanes.
ACTOR_ROLES = ("participant", "speaker", "sender", "host", "party")
_ACTOR_KINDS = ("person", "country")
_DATE_FORMS = {
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(r"^(\d{4})$"),
}
_DEVANAGARI_RE = re.compile(r"[\u0900-\u097F\uA8E0-\uA8FF]")
_WORDS: dict[str, tuple[str, str]] = {
    "other": ("other", "अन्य"),
    "undated": ("Undated events", "तिथि अज्ञात घटनाएँ"),
    "span": ("month or year only (bar)", "केवल माह या वर्ष (पट्टी)"),
    "no_events": ("no events", "कोई घटना नहीं"),
}
_NO_FONT = "no Devanagari font found (install fonts-noto-core); labels drawn in English"
_EMPTY = "the timeline is empty: no events match the filters"


def _word(key: str, lang: str) -> str:
    en, hi = _WORDS[key]
    return hi if lang == "hi" else en


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------

def _period(date: str | None) -> tuple[str | None, str | None, str | None]:
    """Precision and first/last day (ISO, inclusive) of a ``gh:date`` lexical form; Nones if unusable.

    >>> _period("2024-02"), _period("2024")
    (('month', '2024-02-01', '2024-02-29'), ('year', '2024-01-01', '2024-12-31'))
    >>> _period("2025-09-03")
    ('day', '2025-09-03', '2025-09-03')
    >>> _period("2024-13"), _period(None)
    ((None, None, None), (None, None, None))
    """
    if not date:
        return None, None, None
    for precision, pattern in _DATE_FORMS.items():
        m = pattern.match(date)
        if not m:
            continue
        try:
            y = int(m.group(1))
            if precision == "year":
                first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)
            elif precision == "month":
                mo = int(m.group(2))
                first = dt.date(y, mo, 1)
                last = dt.date(y, mo, calendar.monthrange(y, mo)[1])
            else:
                first = last = dt.date(y, int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None, None, None
        return precision, first.isoformat(), last.isoformat()
    return None, None, None


def _entity_info(graph: Any, node: str, role: str, lang: str) -> dict[str, Any]:
    d = graph.nodes[node]
    return {
        "iri": node,
        "role": role,
        "kind": d.get("kind"),
        "label": _viz._pick(d, lang),
        "label_hi": d.get("label_hi"),
        "label_en": d.get("label_en"),
    }


def _actor_sort_key(a: dict[str, Any]) -> tuple:
    return (a.get("label_en") or a.get("label_hi") or "", a["iri"])


def timeline_data(
    store: Any,
    *,
    lanes: str = "type",
    types: set[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    focus: str | None = None,
    lang: str = "hi",
) -> dict:
    """The events in ``store`` for a timeline, as a JSON-ready dict.

    ``types``, ``since`` and ``until`` filter as in :func:`kg.viz.event_graph` (a phone call is a
    meeting; dates compared on their common prefix, so ``2024-06`` is inside ``since="2024-06-15"``;
    undated events are left out once a date window is given). ``focus`` (an entity IRI or a Hindi or
    English name or alternative name; or an event IRI) keeps the events that entity has any role in
    (for an event: the event itself and the events linked to it by ``gh:during``). ``lanes`` is
    ``"type"`` (one lane per event type) or ``"actor"`` (one lane per person or country taking part as
    participant, speaker, sender, host or party; an event is in each of its actors' lanes; events
    with no such actor go to a lane ``""`` named "other"). ``lang`` picks ``label`` (the other language
    when a name has none in it).

    Returns ``{"lang", "lanes_by", "filters", "focus_entities", "lanes", "events", "undated",
    "articles", "n_events", "n_dated", "n_undated", "date_min", "date_max"}``. ``events`` (dated, in date
    order) and ``undated`` hold one dict per event: ``iri``, ``type`` (Meeting, Statement,
    TroopDeployment, Treaty), ``subtype`` (PhoneCall or None), ``kind``, ``date`` (the ``gh:date``
    lexical form), ``precision`` (day/month/year), ``start``/``end`` (first and last day, ISO),
    ``label``, ``label_hi``, ``label_en``, ``status`` (Occurred/Planned), ``planned``,
    ``participants``, ``parties``, ``places`` (lists of labels), ``speaker``, ``addressee``,
    ``sender``, ``host`` (label or None), ``actors`` (``iri``, ``role``, ``kind``, ``label``,
    ``label_hi``, ``label_en`` of every role-holder but places), ``sources`` (article identifiers),
    ``evidence`` (``{"text", "source"}``), ``quotes``, ``counts``, ``medium``, ``in_force_from``,
    ``lanes`` (the keys of the lanes the event is in). ``lanes`` lists the lanes of the dated events in
    drawing order: ``key`` (type name or entity IRI), ``label``, ``label_hi``, ``label_en``, ``kind``.
    Raises :class:`~kg.viz.VizError` for a bad ``lanes``, type, date, language or a focus that matches
    nothing.
    """
    lang = _viz._check_lang(lang)
    if lanes not in LANES:
        raise VizError(f"lanes must be one of {', '.join(LANES)}, got {lanes!r}")
    if not hasattr(store, "query") and hasattr(getattr(store, "store", None), "query"):
        store = store.store  # a kg.store.GraphStore
    graph = _viz.event_graph(store, types=types, since=since, until=until, lang=lang)

    event_kinds = set(EVENT_TYPES.values())
    events = [n for n, d in graph.nodes(data=True) if d.get("kind") in event_kinds]
    focus_entities: list[dict[str, Any]] = []
    if focus is not None:
        seeds = _viz._match_focus(graph, focus)
        if not seeds:
            raise VizError(f"focus {focus!r} matches no entity or event (after the type and date filters); "
                           "give an entity IRI or its Hindi or English name")
        undirected = graph.to_undirected(as_view=True)
        keep: set[str] = set()
        for seed in seeds:
            if graph.nodes[seed].get("kind") in event_kinds:
                keep.add(seed)
            keep.update(n for n in undirected.neighbors(seed) if graph.nodes[n].get("kind") in event_kinds)
            if graph.nodes[seed].get("kind") not in event_kinds:
                focus_entities.append(_entity_info(graph, seed, "focus", lang))
        events = [e for e in events if e in keep]
        focus_entities.sort(key=_actor_sort_key)

    order = list(EVENT_TYPES)
    records = []
    for e in events:
        d = graph.nodes[e]
        actors, places = [], []
        for _, x, ed in graph.out_edges(e, data=True):
            role = ed.get("role")
            if role == "during" or graph.nodes[x].get("kind") in event_kinds:
                continue
            info = _entity_info(graph, x, role, lang)
            if role in ("place", "destination"):
                places.append(info)
            else:
                actors.append(info)
        role_order = list(_viz.ROLES)
        actors.sort(key=lambda a: (role_order.index(a["role"]) if a["role"] in role_order else 99,
                                   *_actor_sort_key(a)))
        places.sort(key=_actor_sort_key)

        def labels(role: str) -> list[str]:
            return [a["label"] for a in actors if a["role"] == role]

        def one(role: str) -> str | None:
            return ", ".join(labels(role)) or None

        precision, start, end = _period(d.get("date"))
        records.append({
            "iri": e,
            "type": d["type"],
            "subtype": d.get("subtype"),
            "kind": d["kind"],
            "date": d.get("date"),
            "precision": precision,
            "start": start,
            "end": end,
            "label": d.get("label"),
            "label_hi": d.get("label_hi"),
            "label_en": d.get("label_en"),
            "status": d.get("status"),
            "planned": d.get("status") == "Planned",
            "participants": labels("participant"),
            "speaker": one("speaker"),
            "addressee": one("addressee"),
            "sender": one("sender"),
            "host": one("host"),
            "parties": labels("party"),
            "places": [p["label"] for p in places],
            "place_details": places,
            "actors": actors,
            "sources": list(d.get("sources", [])),
            "evidence": [{"text": t, "source": s}
                         for t, s in zip(d.get("evidence", []), d.get("evidence_sources", []))],
            "quotes": list(d.get("quotes", [])),
            "counts": list(d.get("count_claims") or [str(c) for c in d.get("counts", [])]),
            "troop_counts": list(d.get("counts", [])),
            "medium": d.get("medium"),
            "in_force_from": d.get("in_force_from"),
            "lanes": [],
        })

    # Lanes.
    lane_info: dict[str, dict[str, Any]] = {}
    for r in records:
        if lanes == "type":
            keys = [r["type"]]
            lane_info.setdefault(r["type"], {
                "key": r["type"], "kind": r["kind"],
                "label_hi": _viz._kind_word(r["kind"], "hi"),
                "label_en": _viz._kind_word(r["kind"], "en").capitalize(),
            })
        else:
            keys = []
            for a in r["actors"]:
                if a["role"] in ACTOR_ROLES and a["kind"] in _ACTOR_KINDS and a["iri"] not in keys:
                    keys.append(a["iri"])
                    lane_info.setdefault(a["iri"], {"key": a["iri"], "kind": a["kind"],
                                                    "label_hi": a["label_hi"], "label_en": a["label_en"]})
            if not keys:
                keys = [""]
                lane_info.setdefault("", {"key": "", "kind": None, "label_hi": _word("other", "hi"),
                                          "label_en": _word("other", "en").capitalize()})
        r["lanes"] = keys

    dated = sorted((r for r in records if r["start"]),
                   key=lambda r: (r["start"], r["end"], order.index(r["type"]), r["iri"]))
    undated = sorted((r for r in records if not r["start"]),
                     key=lambda r: (order.index(r["type"]), r["planned"], r["label_en"] or r["label"] or "",
                                    r["iri"]))
    used: dict[str, int] = defaultdict(int)
    for r in dated:
        for k in r["lanes"]:
            used[k] += 1
    focus_iris = [f["iri"] for f in focus_entities]
    if lanes == "type":
        lane_keys = [t for t in order if t in used]
    else:
        lane_keys = sorted(used, key=lambda k: (
            k == "",
            k not in focus_iris,
            -used[k],
            lane_info[k]["kind"] != "person",
            (lane_info[k]["label_en"] or lane_info[k]["label_hi"] or k).casefold(),
            k,
        ))
    lane_list = []
    for k in lane_keys:
        info = dict(lane_info[k])
        info["label"] = _viz._pick({**info, "iri": k or "other"}, lang)
        lane_list.append(info)

    idents = sorted({s for r in records for s in r["sources"]})
    known = graph.graph.get("articles", {})
    dates = [r["date"] for r in dated]
    return {
        "lang": lang,
        "lanes_by": lanes,
        "filters": {"types": sorted(types) if types is not None else None, "since": since, "until": until,
                    "focus": focus},
        "focus_entities": focus_entities,
        "lanes": lane_list,
        "events": dated,
        "undated": undated,
        "articles": {i: known.get(i, {"iri": None, "headline": None, "published": None}) for i in idents},
        "n_events": len(records),
        "n_dated": len(dated),
        "n_undated": len(undated),
        "date_min": min(dates, key=lambda s: (_period(s)[1], s)) if dates else None,
        "date_max": max(dates, key=lambda s: (_period(s)[2], s)) if dates else None,
    }


# --------------------------------------------------------------------------------------------------
# What is drawn: marks (one per lane, period, kind, status and text; identical events counted)
# --------------------------------------------------------------------------------------------------

def _name(a: dict[str, Any], lang: str, devanagari: bool = True) -> str:
    """An entity's name in ``lang``; in English (or with no Devanagari font) never in Devanagari."""
    first, second = (a.get("label_hi"), a.get("label_en")) if lang == "hi" else (a.get("label_en"),
                                                                                  a.get("label_hi"))
    text = first or second or a.get("label") or _viz._local(a.get("iri") or "?")
    if (lang == "en" or not devanagari) and _DEVANAGARI_RE.search(text):
        text = a.get("label_en") or _viz._romanize(text)
    return text


def _latin(text: str, lang: str, devanagari: bool) -> str:
    if (lang == "en" or not devanagari) and _DEVANAGARI_RE.search(text):
        return _viz._romanize(text)
    return text


def _type_word(r: dict[str, Any], lang: str) -> str:
    return _viz._kind_word("phonecall" if r.get("subtype") == "PhoneCall" else r["kind"], lang)


def _event_text(r: dict[str, Any], lane: str | None, lang: str, devanagari: bool = True) -> str:
    """The words next to an event's mark: who took part (in a type lane) or what and with whom (in an
    actor lane, leaving out the lane's own actor), then the date and, if planned, "(planned)"."""
    roles = [a for a in r["actors"] if a["role"] in ACTOR_ROLES or a["role"] == "speaker"]
    if r["type"] == "TroopDeployment":
        senders = [a for a in roles if a["role"] == "sender" and a["iri"] != lane]
        hosts = [a for a in roles if a["role"] == "host" and a["iri"] != lane]
        who = ", ".join(_name(a, lang, devanagari) for a in senders)
        if hosts:
            who = (who + " → " if who else "→ ") + ", ".join(_name(a, lang, devanagari) for a in hosts)
        if r.get("troop_counts"):
            who += " (" + " / ".join(f"{n:,}" for n in r["troop_counts"]) + ")"
    else:
        who = ", ".join(_name(a, lang, devanagari) for a in roles if a["iri"] != lane)
    if lane is None or r["type"] != lane:
        # An actor lane (or the undated list): say what happened.
        word = _type_word(r, lang)
        if lang == "en":
            word = word.capitalize()
        text = f"{word}: {who}" if who else word
    else:
        text = who or _type_word(r, lang)
        if r.get("subtype") == "PhoneCall":
            word = _type_word(r, lang)
            text = f"{word.capitalize() if lang == 'en' else word}: {text}"
    if r.get("planned"):
        text += f" ({_viz._kind_word('planned', lang)})"
    return _latin(text, lang, devanagari)


def _marks(data: dict[str, Any], lang: str, devanagari: bool = True) -> list[dict[str, Any]]:
    """One mark per lane and group of events drawn alike (same period, kind, status and words)."""
    by_type = data.get("lanes_by") == "type"
    lane_keys = [lane["key"] for lane in data.get("lanes", [])]
    groups: dict[tuple, dict[str, Any]] = {}
    for r in data.get("events", []):
        for key in r["lanes"]:
            if key not in lane_keys:
                continue
            text = _event_text(r, key if not by_type else r["type"], lang, devanagari)
            gk = (key, r["start"], r["end"], r["kind"], r.get("subtype"), r["planned"], text)
            mark = groups.get(gk)
            if mark is None:
                mark = groups[gk] = {
                    "lane": key, "start": r["start"], "end": r["end"], "date": r["date"],
                    "precision": r["precision"], "kind": r["kind"], "subtype": r.get("subtype"),
                    "planned": r["planned"], "text": text, "events": [],
                }
            mark["events"].append(r["iri"])
    out = list(groups.values())
    for m in out:
        n = len(m["events"])
        m["label"] = f"{m['text']} · {m['date']}" + (f" ×{n}" if n > 1 else "")
    out.sort(key=lambda m: (lane_keys.index(m["lane"]), m["start"], m["end"], m["label"]))
    return out


def _undated_rows(data: dict[str, Any], lang: str, devanagari: bool = True) -> list[dict[str, Any]]:
    """The undated events, identical ones (same kind, status, words and sources) counted once."""
    groups: dict[tuple, dict[str, Any]] = {}
    for r in data.get("undated", []):
        text = _event_text(r, None, lang, devanagari)
        key = (r["kind"], r.get("subtype"), r["planned"], text, tuple(r["sources"]))
        row = groups.setdefault(key, {"kind": r["kind"], "planned": r["planned"], "text": text,
                                      "sources": r["sources"], "events": [], "date": r.get("date")})
        row["events"].append(r["iri"])
    rows = list(groups.values())
    for row in rows:
        n = len(row["events"])
        row["label"] = row["text"] + (f" ×{n}" if n > 1 else "")
    return rows


def _lane_label(lane: dict[str, Any], lang: str, devanagari: bool = True) -> str:
    return _name({**lane, "iri": lane.get("key") or "other"}, lang, devanagari)


def _title(data: dict[str, Any], lang: str, devanagari: bool = True) -> str:
    n, k = data.get("n_events", 0), data.get("n_undated", 0)
    lo, hi_ = data.get("date_min"), data.get("date_max")
    span = "" if not lo else (lo if lo == hi_ else f"{lo} – {hi_}")
    by_actor = data.get("lanes_by") == "actor"
    if lang == "hi":
        head = f"घटना समयरेखा: {n} घटनाएँ" + (f" ({k} तिथि अज्ञात)" if k else "")
        head += f", {span}" if span else ""
        head += "; पंक्तियाँ: " + ("भागीदार" if by_actor else "घटना का प्रकार")
    else:
        head = f"Ghatna timeline: {n} events" + (f" ({k} undated)" if k else "")
        head += f", {span}" if span else ""
        head += "; lanes by " + ("actor" if by_actor else "event type")
    f = data.get("filters") or {}
    bits = []
    if data.get("focus_entities") or f.get("focus"):
        names = ", ".join(_name(a, lang, devanagari) for a in data.get("focus_entities", [])) or f["focus"]
        bits.append(f"{'केंद्र' if lang == 'hi' else 'focus'}: {names}")
    if f.get("types"):
        bits.append(f"{'प्रकार' if lang == 'hi' else 'types'}: " + ", ".join(
            _viz._kind_word(EVENT_TYPES[t], lang) for t in f["types"] if t in EVENT_TYPES))
    if f.get("since") or f.get("until"):
        if f.get("since") == f.get("until"):
            bits.append(f["since"])
        else:
            bits.append(f"{f.get('since') or '…'} – {f.get('until') or '…'}")
    if bits:
        head += "\n" + "; ".join(bits)
    return _latin(head, lang, devanagari)


# --------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------

def render_timeline(data: dict, path: str | Path, *, lang: str = "hi", title: str | None = None) -> list[str]:
    """Draw ``data`` (from :func:`timeline_data`) to ``path``; the suffix picks the format.

    ``.png``/``.svg``/``.pdf``: matplotlib; lanes top to bottom, time left to right, day-precision
    dates as markers, month/year dates as bars over the period, planned events hollow (bars dashed),
    events drawn alike in one lane and period counted once (``×3``), undated events in a box below
    the axis. Hindi needs a Devanagari font (:func:`kg.viz.find_devanagari_font`); without one the
    drawing is in English with one notice. ``.html``: one self-contained page (inline SVG and script,
    no network), with a Hindi/English switch, details and evidence on click, and the undated events
    in a list. Returns notices for the user. Raises :class:`~kg.viz.VizError` for an unknown suffix or
    an unwritable path.
    """
    lang = _viz._check_lang(lang)
    if not isinstance(data, dict) or "events" not in data or "lanes" not in data:
        raise VizError("expected the dict returned by kg.timeline.timeline_data")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise VizError(f"unknown output format {suffix or '(no suffix)'!r} for {path}; "
                       f"use one of {', '.join(FORMATS)}")
    notices: list[str] = []
    try:
        if suffix == ".html":
            _render_html(data, path, lang=lang, title=title)
        else:
            notices += _render_matplotlib(data, path, lang=lang, title=title)
    except OSError as e:
        raise VizError(f"cannot write {path}: {e.strerror or e}") from e
    if not data.get("events") and not data.get("undated"):
        notices.append(_EMPTY)
    return notices


def _clip(text: str, n: int) -> str:
    """``text`` cut to ``n`` characters (at a space when one is near), with an ellipsis.

    >>> _clip("Vladimir Putin, Kim Jong Un", 18)
    'Vladimir Putin…'
    """
    if len(text) <= n:
        return text
    cut = text[: n - 1]
    space = cut.rfind(" ")
    if space > n * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:·") + "…"


def _day(iso: str) -> float:
    from matplotlib.dates import date2num

    return float(date2num(dt.date.fromisoformat(iso)))


def _tick_formatter(x: float, _pos: Any = None) -> str:
    from matplotlib.dates import num2date

    d = num2date(x)
    if d.day == 1 and d.month == 1:
        return f"{d.year}"
    if d.day == 1:
        return f"{d.year}-{d.month:02d}"
    return f"{d.year}-{d.month:02d}-{d.day:02d}"


def _render_matplotlib(data: dict[str, Any], path: Path, *, lang: str, title: str | None) -> list[str]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch, Rectangle
    from matplotlib.ticker import FuncFormatter

    notices: list[str] = []
    font = _viz.find_devanagari_font()
    devanagari = font is not None
    if not devanagari:
        texts = [m["text"] for m in _marks(data, lang)] + [r["text"] for r in _undated_rows(data, lang)]
        texts += [_lane_label(lane, lang) for lane in data["lanes"]] + [_title(data, lang), title or ""]
        if lang == "hi" or any(_DEVANAGARI_RE.search(t) for t in texts):
            notices.append(_NO_FONT)
        lang = "en"
    families = _viz._families(font)
    text_kw = {"fontfamily": families}

    marks = _marks(data, lang, devanagari)
    rows = _undated_rows(data, lang, devanagari)
    lanes = data["lanes"]
    heading = title if title is not None else _title(data, lang, devanagari)
    heading = _latin(heading, lang, devanagari) if not devanagari else heading

    # Measure text (inches) on a scratch canvas.
    dpi = 150
    scratch = Figure(figsize=(4, 4), dpi=dpi)
    renderer = FigureCanvasAgg(scratch).get_renderer()

    def width(text: str, size: float) -> float:
        t = scratch.text(0, 0, text, fontsize=size, **text_kw)
        w = t.get_window_extent(renderer).width / dpi
        t.remove()
        return w

    mark_size, lane_size = 8.0, 10.0
    for m in marks:
        m["label"] = _clip(m["label"], 90)
        m["w"] = width(m["label"], mark_size)
    for r in rows:
        r["label"] = _clip(r["label"], 110)
    lane_labels = [_lane_label(lane, lang, devanagari) for lane in lanes]
    left = min(3.2, max([1.0] + [width(t, lane_size) for t in lane_labels]) + 0.35)

    # Time scale: the axis fits every event and the words to its right.
    fig_w = 15.0 if len(marks) > 6 or lanes and len(lanes) > 4 else 13.0
    axis_w = fig_w - left - 0.3
    pad_l, marker_in = 0.25, 0.09
    if marks:
        t0 = min(_day(m["start"]) for m in marks)
        ends = [(_day(m["end"]) + 1.0, m["w"] + 2 * marker_in + 0.1) for m in marks]
        t_last = max(e for e, _ in ends)
        span = max(t_last - t0, 20.0)
        scale = min((axis_w - pad_l - w) / max(e - t0, 1.0) for e, w in ends)  # inches per day
        scale = max(scale, (axis_w - pad_l) * 0.35 / span)  # never squash time for one long label
        scale = min(scale, (axis_w - pad_l) / 30.0)  # at least a month on the axis
        x_lo = t0 - pad_l / scale
        x_hi = x_lo + axis_w / scale
    else:
        x_lo, x_hi, scale = 0.0, 1.0, axis_w

    # Pack each lane's marks into rows so that no mark or label overlaps another.
    row_h, lane_pad = 0.3, 0.12
    lane_rows: list[int] = []
    for lane in lanes:
        ends_in_row: list[float] = []
        for m in (m for m in marks if m["lane"] == lane["key"]):
            x0 = (_day(m["start"]) - x_lo) * scale - marker_in
            x1 = (_day(m["end"]) + 1.0 - x_lo) * scale + marker_in + 0.08 + m["w"]
            for i, end in enumerate(ends_in_row):
                if x0 > end + 0.08:
                    ends_in_row[i] = x1
                    m["row"] = i
                    break
            else:
                ends_in_row.append(x1)
                m["row"] = len(ends_in_row) - 1
        lane_rows.append(max(1, len(ends_in_row)))
    lanes_h = sum(r * row_h + 2 * lane_pad for r in lane_rows) if lanes else 0.8

    # Figure geometry (inches, top to bottom): title, legend, lanes, axis labels, undated box.
    n_title = heading.count("\n") + 1
    title_h = 0.3 + 0.24 * n_title
    legend_h = 0.35
    axis_h = 0.45
    undated_h = (0.42 + 0.2 * len(rows)) if rows else 0.0
    gap = 0.2 if rows else 0.0
    fig_h = title_h + legend_h + lanes_h + axis_h + gap + undated_h + 0.1
    fig = Figure(figsize=(fig_w, fig_h), dpi=dpi)
    FigureCanvasAgg(fig)

    def frac_y(top_in: float, h: float) -> tuple[float, float]:
        return 1.0 - (top_in + h) / fig_h, h / fig_h

    y0, h = frac_y(title_h + legend_h, lanes_h)
    ax = fig.add_axes((left / fig_w, y0, axis_w / fig_w, h))
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(lanes_h, 0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=8.5)
    locator = AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(_tick_formatter))
    ax.grid(axis="x", color="#dddddd", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)

    # Lanes: alternating bands, names on the left.
    y = 0.0
    lane_y: dict[str, float] = {}
    ticks, tick_labels = [], []
    for i, (lane, nrows) in enumerate(zip(lanes, lane_rows)):
        hgt = nrows * row_h + 2 * lane_pad
        if i % 2 == 0:
            ax.axhspan(y, y + hgt, color="#f3f3f3", zorder=0.5, linewidth=0)
        lane_y[lane["key"]] = y + lane_pad
        ticks.append(y + hgt / 2)
        tick_labels.append(lane_labels[i])
        y += hgt
    ax.set_yticks(ticks, tick_labels, fontsize=lane_size, **text_kw)
    for lbl, lane in zip(ax.get_yticklabels(), lanes):
        if lane.get("key") in {f["iri"] for f in data.get("focus_entities", [])}:
            lbl.set_fontweight("bold")
    if not marks:
        ax.text(0.5, 0.5, _word("no_events", lang), ha="center", va="center", fontsize=12,
                transform=ax.transAxes, **text_kw)
        ax.set_xticks([])

    # Marks.
    per_in = 1.0 / scale  # days per inch
    for m in marks:
        colour = COLOURS[m["kind"]]
        cy = lane_y[m["lane"]] + m.get("row", 0) * row_h + row_h / 2
        a, b = _day(m["start"]), _day(m["end"]) + 1.0
        if m["precision"] != "day":
            bar_h = row_h * 0.5
            ax.add_patch(FancyBboxPatch(
                (a, cy - bar_h / 2), b - a, bar_h, boxstyle="round,pad=0,rounding_size=0.0",
                facecolor="white" if m["planned"] else colour, alpha=1.0 if m["planned"] else 0.35,
                edgecolor=colour, linewidth=1.3, linestyle="--" if m["planned"] else "-", zorder=2))
            mx = (a + b) / 2
        else:
            mx = a + 0.5
        ax.scatter([mx], [cy], s=70 if m["kind"] != "treaty" else 120, marker=MARKERS[m["kind"]],
                   c="white" if m["planned"] else colour, edgecolors=colour if m["planned"] else "#333333",
                   linewidths=1.8 if m["planned"] else 0.7, zorder=4)
        tx = (b if m["precision"] != "day" else mx) + (marker_in + 0.05) * per_in
        ax.text(tx, cy, m["label"], fontsize=mark_size, va="center", ha="left", zorder=5,
                color="#222222", **text_kw)

    # Legend above the lanes.
    kinds = [k for k in EVENT_TYPES.values() if any(m["kind"] == k for m in marks)
             or any(r["kind"] == k for r in rows)]
    handles = [Line2D([], [], linestyle="none", marker=MARKERS[k], markersize=8 if k != "treaty" else 11,
                      markerfacecolor=COLOURS[k], markeredgecolor="#333333",
                      label=_viz._kind_word(k, lang)) for k in kinds]
    if any(m["planned"] for m in marks) or any(r["planned"] for r in rows):
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=8, markerfacecolor="white",
                              markeredgecolor="#333333", markeredgewidth=1.8,
                              label=_viz._kind_word("planned", lang)))
    if any(m["precision"] != "day" for m in marks):
        handles.append(Rectangle((0, 0), 1, 1, facecolor="#bbbbbb", edgecolor="#777777",
                                 label=_word("span", lang)))
    if handles:
        fig.legend(handles=handles, loc="upper left", ncols=len(handles), frameon=False,
                   bbox_to_anchor=(left / fig_w - 0.01, 1.0 - title_h / fig_h + 0.02),
                   prop={"family": families, "size": 9}, handletextpad=0.4, columnspacing=1.4)
    fig.text(0.2 / fig_w, 1.0 - 0.2 / fig_h, heading, fontsize=12, ha="left", va="top", **text_kw)

    # Undated events, below the axis.
    if rows:
        top = title_h + legend_h + lanes_h + axis_h + gap
        uy, uh = frac_y(top, undated_h)
        ux0 = 0.2 / fig_w
        bx = fig.add_axes((ux0, uy, 1.0 - 2 * ux0, uh))
        bx.set_xlim(0, fig_w - 0.4)
        bx.set_ylim(undated_h, 0)
        bx.set_xticks([])
        bx.set_yticks([])
        for spine in bx.spines.values():
            spine.set_color("#bbbbbb")
        bx.set_facecolor("#fafafa")
        bx.text(0.15, 0.22, f"{_word('undated', lang)} ({data.get('n_undated', len(rows))})", fontsize=10,
                fontweight="bold", va="center", ha="left", **text_kw)
        text_w = max(width(r["label"], mark_size) for r in rows)
        src_x = min(0.45 + text_w + 0.35, (fig_w - 0.4) * 0.62)
        for i, r in enumerate(rows):
            cy = 0.46 + i * 0.2
            colour = COLOURS[r["kind"]]
            bx.scatter([0.27], [cy], s=40 if r["kind"] != "treaty" else 70, marker=MARKERS[r["kind"]],
                       c="white" if r["planned"] else colour,
                       edgecolors=colour if r["planned"] else "#333333", linewidths=1.6 if r["planned"] else 0.6, zorder=3)
            bx.text(0.45, cy, r["label"], fontsize=mark_size, va="center", ha="left", **text_kw)
            bx.text(src_x, cy, ", ".join(r["sources"]), fontsize=7.5, va="center", ha="left",
                    color="#555555", **text_kw)

    fig.savefig(path, metadata={"Title": heading.replace("\n", " ")})
    return notices


# ---------------------------------------------------------------------------------------------- HTML

def _page_data(data: dict[str, Any], lang: str, title: str | None) -> dict[str, Any]:
    events = {r["iri"]: r for r in (*data.get("events", []), *data.get("undated", []))}
    details = {}
    for iri, r in events.items():
        details[iri] = {
            "label_hi": r.get("label_hi") or r.get("label_en") or r.get("label"),
            "label_en": r.get("label_en") or _latin(r.get("label") or "", "en", False),
            "kind": r["kind"], "subtype": r.get("subtype"), "date": r.get("date"),
            "status": r.get("status"), "planned": r.get("planned"),
            "type_hi": _type_word(r, "hi"), "type_en": _type_word(r, "en"),
            "actors": [{"role_hi": _viz._role_text(a["role"], "hi"),
                        "role_en": _viz._role_text(a["role"], "en"),
                        "hi": _name(a, "hi"), "en": _name(a, "en")} for a in r.get("actors", [])]
            + [{"role_hi": _viz._role_text("place", "hi"), "role_en": _viz._role_text("place", "en"),
                "hi": _name(p, "hi"), "en": _name(p, "en")} for p in r.get("place_details", [])],
            "quotes": r.get("quotes", []), "counts": r.get("counts", []),
            "evidence": r.get("evidence", []), "sources": r.get("sources", []),
            "in_force_from": r.get("in_force_from"), "medium": r.get("medium"),
        }
    marks = {}
    undated = {}
    for code in ("hi", "en"):
        marks[code] = [{k: m[k] for k in ("lane", "start", "end", "precision", "kind", "planned", "label",
                                          "events")} for m in _marks(data, code)]
        undated[code] = [{k: u[k] for k in ("kind", "planned", "label", "sources", "events")}
                         for u in _undated_rows(data, code)]
    return {
        "lang": lang,
        "title_hi": title if title is not None else _title(data, "hi"),
        "title_en": title if title is not None else _title(data, "en"),
        "lanes": [{"key": lane["key"], "hi": _lane_label(lane, "hi"), "en": _lane_label(lane, "en"),
                   "focus": lane["key"] in {f["iri"] for f in data.get("focus_entities", [])}}
                  for lane in data.get("lanes", [])],
        "marks": marks,
        "undated": undated,
        "n_undated": data.get("n_undated", len(data.get("undated", []))),
        "events": details,
        "articles": data.get("articles", {}),
        "colours": COLOURS,
        "kind_names": {k: {"en": en, "hi": hi} for k, (en, hi) in _viz.KIND_NAMES.items()},
        "words": {k: {"en": en, "hi": hi} for k, (en, hi) in _WORDS.items()},
    }


def _render_html(data: dict[str, Any], path: Path, *, lang: str, title: str | None) -> None:
    page_data = _page_data(data, lang, title)
    heading = page_data["title_hi"] if lang == "hi" else page_data["title_en"]
    page = (_HTML_TEMPLATE
            .replace("@@LANG@@", lang)
            .replace("@@TITLE@@", html.escape(heading.replace("\n", " — ")))
            .replace("@@DATA@@", _viz._script_safe_json(page_data))
            .replace("@@APP@@", _APP_JS))
    path.write_text(page, encoding="utf-8")


_HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="@@LANG@@">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<title>@@TITLE@@</title>
<style>
  html, body { margin: 0; height: 100%; font-family: "Noto Sans Devanagari", "Nirmala UI", Mangal, "Kohinoor Devanagari", system-ui, sans-serif; color: #222; }
  body { display: grid; grid-template-columns: 1fr 380px; grid-template-rows: auto 1fr; height: 100vh; }
  header { grid-column: 1 / 3; display: flex; align-items: center; gap: 1em; padding: 6px 12px; border-bottom: 1px solid #ddd; }
  header h1 { font-size: 16px; font-weight: 600; margin: 0; flex: 1; white-space: pre-line; }
  header button { font: inherit; font-size: 13px; }
  #main { overflow: auto; min-height: 0; padding: 8px 12px; }
  #tl { display: block; }
  #tl .mark { cursor: pointer; }
  #tl .mark:hover text, #tl .mark.sel text { font-weight: 700; }
  #tl text { font-family: inherit; }
  #undated-box { margin-top: 14px; border: 1px solid #ccc; background: #fafafa; padding: 6px 12px; max-width: 1100px; }
  #undated-box h2 { font-size: 14px; margin: 4px 0; }
  #undated { list-style: none; padding: 0; margin: 0; font-size: 13px; line-height: 1.7; }
  #undated li { cursor: pointer; }
  #undated li:hover { text-decoration: underline; }
  #undated .sw { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border: 1.5px solid #333; vertical-align: 0; }
  #undated .src { color: #666; font-size: 11px; margin-left: 8px; }
  #panel { overflow-y: auto; padding: 10px 14px; border-left: 1px solid #ddd; font-size: 14px; line-height: 1.5; }
  #panel h2 { font-size: 16px; margin: 10px 0 2px; }
  #panel h3 { font-size: 12px; margin: 10px 0 2px; text-transform: uppercase; color: #666; letter-spacing: .04em; }
  #panel .sub { color: #555; }
  #panel blockquote { margin: 4px 0 8px; padding-left: 8px; border-left: 3px solid #ccc; }
  #panel .src { color: #666; font-size: 12px; }
  #panel .iri { word-break: break-all; }
  #panel hr { border: 0; border-top: 1px solid #ddd; margin: 12px 0; }
  #legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 13px; }
  #legend span::before { content: ""; display: inline-block; width: 11px; height: 11px; margin-right: 4px; background: var(--c); border: 1px solid #333; vertical-align: -1px; }
  #legend span.planned::before { background: #fff; border: 2px dashed #333; }
</style>
</head>
<body>
<header><h1 id="title">@@TITLE@@</h1><div id="legend"></div><button id="langbtn" type="button"></button></header>
<div id="main">
<svg id="tl" role="img" width="900" height="200"></svg>
<section id="undated-box"><h2 id="undated-title"></h2><ul id="undated"></ul></section>
</div>
<aside id="panel"><p class="sub" id="hint"></p></aside>
<script type="application/json" id="gh-data">@@DATA@@</script>
<script>
@@APP@@
</script>
</body>
</html>
"""

_APP_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("gh-data").textContent);
  var lang = DATA.lang;
  var svg = document.getElementById("tl");
  var NS = svg.namespaceURI;  // the SVG namespace, taken from the element the parser made
  var FONT = '"Noto Sans Devanagari", "Nirmala UI", Mangal, "Kohinoor Devanagari", system-ui, sans-serif';
  var T = {
    hint: { hi: "किसी घटना पर क्लिक करें", en: "Click an event" },
    evidence: { hi: "साक्ष्य", en: "Evidence" }, sources: { hi: "स्रोत लेख", en: "Source articles" },
    quotes: { hi: "उद्धरण", en: "Quotes" }, who: { hi: "कौन, कहाँ", en: "Who, where" },
    counts: { hi: "संख्या", en: "Counts" }, date: { hi: "तिथि", en: "Date" },
    undated: { hi: "तिथि अज्ञात", en: "undated" }, inforce: { hi: "लागू", en: "In force from" },
    status: { hi: "स्थिति", en: "Status" }, btn: { hi: "English", en: "हिन्दी" },
    Occurred: { hi: "घटित", en: "occurred" }, Planned: { hi: "नियोजित", en: "planned" }
  };
  function t(key) { return T[key][lang]; }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function s(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function day(iso) {
    var p = iso.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / 86400000;
  }
  function iso(d) { return new Date(d * 86400000).toISOString().slice(0, 10); }
  var canvas = document.createElement("canvas");
  var ctx = canvas.getContext("2d");
  function width(text, size, bold) {
    ctx.font = (bold ? "bold " : "") + size + "px " + FONT;
    return ctx.measureText(text).width;
  }
  // Marker shapes, as in the PNG: meeting diamond, statement pentagon, deployment triangle, treaty star.
  function shape(kind, x, y, r) {
    function poly(n, rot, inner) {
      var pts = [];
      var k = inner ? 2 * n : n;
      for (var i = 0; i < k; i++) {
        var a = rot + i * 2 * Math.PI / k;
        var rr = inner && i % 2 ? r * inner : r;
        pts.push((x + rr * Math.sin(a)).toFixed(1) + "," + (y - rr * Math.cos(a)).toFixed(1));
      }
      return "M" + pts.join("L") + "Z";
    }
    if (kind === "meeting") { return poly(4, 0); }
    if (kind === "statement") { return poly(5, 0); }
    if (kind === "deployment") { return poly(3, Math.PI); }
    if (kind === "treaty") { return poly(5, 0, 0.45); }
    return poly(12, 0);
  }
  var selected = null;
  var marksDrawn = 0;

  function draw() {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var marks = DATA.marks[lang];
    var lanes = DATA.lanes;
    var size = 13, rowH = 26, lanePad = 8, markerR = 7, axisH = 30;
    var laneW = 60;
    lanes.forEach(function (l) { laneW = Math.max(laneW, width(l[lang], 14, l.focus) + 24); });
    laneW = Math.min(laneW, 260);
    var main = document.getElementById("main");
    var W = Math.max(760, main.clientWidth - 30);
    var axisW = W - laneW - 12;
    var t0 = Infinity, scale = Infinity, tLast = -Infinity;
    marks.forEach(function (m) {
      m.a = day(m.start); m.b = day(m.end) + 1; m.w = width(m.label, size);
      t0 = Math.min(t0, m.a); tLast = Math.max(tLast, m.b);
    });
    var padL = 20;
    marks.forEach(function (m) {
      scale = Math.min(scale, (axisW - padL - m.w - 2 * markerR - 10) / Math.max(m.b - t0, 1));
    });
    if (marks.length) {
      scale = Math.max(scale, (axisW - padL) * 0.35 / Math.max(tLast - t0, 20));
      scale = Math.min(scale, (axisW - padL) / 30);  // at least a month on the axis
    }
    else { t0 = 0; scale = 1; }
    var xLo = t0 - padL / scale;
    function X(d) { return laneW + (d - xLo) * scale; }
    // Pack marks into rows per lane.
    var laneRows = {};
    lanes.forEach(function (l) {
      var ends = [];
      marks.forEach(function (m) {
        if (m.lane !== l.key) { return; }
        var x0 = X(m.a) - markerR, x1 = X(m.b) + markerR + 6 + m.w;
        for (var i = 0; i < ends.length; i++) {
          if (x0 > ends[i] + 6) { ends[i] = x1; m.row = i; return; }
        }
        ends.push(x1); m.row = ends.length - 1;
      });
      laneRows[l.key] = Math.max(1, ends.length);
    });
    var y = 0, laneY = {};
    var gLanes = s("g", {}, svg);
    var H = lanes.reduce(function (acc, l) { return acc + laneRows[l.key] * rowH + 2 * lanePad; }, 0);
    // Ticks: years, quarters or months, as the span needs.
    var gAxis = s("g", {}, svg);
    var tHi = xLo + axisW / scale;
    var months = (tHi - xLo) / 30.4, step = months > 48 ? 12 : months > 18 ? 3 : months > 4 ? 1 : 0;
    var ticks = [];
    if (marks.length) {
      var d0 = new Date(xLo * 86400000);
      if (step === 0) {
        var every = Math.max(1, Math.ceil((tHi - xLo) / 10));
        for (var d = Math.ceil(xLo); d <= tHi; d += every) { ticks.push([d, iso(d)]); }
      } else {
        var yy = d0.getUTCFullYear(), mm = d0.getUTCMonth() + 1;
        for (var guard = 0; guard < 400; guard++) {
          if (mm > 12) { mm = 1; yy++; }
          var dd = Date.UTC(yy, mm - 1, 1) / 86400000;
          if (dd > tHi) { break; }
          if (dd >= xLo && (mm - 1) % step === 0) {
            ticks.push([dd, mm === 1 ? String(yy) : yy + "-" + (mm < 10 ? "0" : "") + mm]);
          }
          mm++;
        }
      }
    }
    lanes.forEach(function (l, i) {
      var h = laneRows[l.key] * rowH + 2 * lanePad;
      if (i % 2 === 0) { s("rect", { x: laneW, y: y, width: axisW, height: h, fill: "#f3f3f3" }, gLanes); }
      var lt = s("text", { x: laneW - 10, y: y + h / 2, "text-anchor": "end", "dominant-baseline": "middle",
                          "font-size": 14, "font-weight": l.focus ? "bold" : "normal" }, gLanes);
      lt.textContent = l[lang];
      laneY[l.key] = y + lanePad;
      y += h;
    });
    ticks.forEach(function (tk) {
      var x = X(tk[0]);
      s("line", { x1: x, x2: x, y1: 0, y2: H, stroke: "#dddddd" }, gAxis);
      s("line", { x1: x, x2: x, y1: H, y2: H + 5, stroke: "#333" }, gAxis);
      var tt = s("text", { x: x, y: H + 18, "text-anchor": "middle", "font-size": 12 }, gAxis);
      tt.textContent = tk[1];
    });
    s("line", { x1: laneW, x2: laneW + axisW, y1: H, y2: H, stroke: "#333" }, gAxis);
    if (!marks.length) {
      var nt = s("text", { x: laneW + axisW / 2, y: 40, "text-anchor": "middle", "font-size": 15 }, gAxis);
      nt.textContent = DATA.words.no_events[lang];
      H = Math.max(H, 80);
    }
    var gMarks = s("g", {}, svg);
    marksDrawn = 0;
    marks.forEach(function (m) {
      var c = DATA.colours[m.kind] || "#999";
      var cy = laneY[m.lane] + m.row * rowH + rowH / 2;
      var g = s("g", { "class": "mark", "data-events": m.events.join(" "), tabindex: 0 }, gMarks);
      var mx, tx;
      if (m.precision !== "day") {
        var bar = { x: X(m.a), y: cy - 6, width: Math.max(2, X(m.b) - X(m.a)), height: 12, rx: 3,
                    fill: m.planned ? "#ffffff" : c, "fill-opacity": m.planned ? 1 : 0.35, stroke: c, "stroke-width": 1.5 };
        if (m.planned) { bar["stroke-dasharray"] = "5,3"; }
        s("rect", bar, g);
        mx = (X(m.a) + X(m.b)) / 2; tx = X(m.b) + markerR / 2 + 5;
      } else {
        mx = X(m.a + 0.5); tx = mx + markerR + 5;
      }
      s("path", { d: shape(m.kind, mx, cy, m.kind === "treaty" ? markerR + 2 : markerR),
                  fill: m.planned ? "#ffffff" : c, stroke: m.planned ? c : "#333333",
                  "stroke-width": m.planned ? 2 : 1 }, g);
      var tx2 = s("text", { x: tx, y: cy, "dominant-baseline": "middle", "font-size": size }, g);
      tx2.textContent = m.label;
      var tip = s("title", {}, g);
      tip.textContent = m.label;
      g.addEventListener("click", function () { select(m.events, g); });
      g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { select(m.events, g); } });
      marksDrawn++;
    });
    svg.setAttribute("width", String(W));
    svg.setAttribute("height", String(H + axisH));
    svg.setAttribute("aria-label", lang === "hi" ? DATA.title_hi : DATA.title_en);
  }

  function drawUndated() {
    var rows = DATA.undated[lang];
    var box = document.getElementById("undated-box");
    box.style.display = rows.length ? "" : "none";
    document.getElementById("undated-title").textContent = DATA.words.undated[lang] + " (" + DATA.n_undated + ")";
    var ul = document.getElementById("undated");
    ul.textContent = "";
    rows.forEach(function (r) {
      var li = el("li");
      var sw = el("span", null, "sw");
      sw.style.background = r.planned ? "#ffffff" : DATA.colours[r.kind];
      if (r.planned) { sw.style.borderStyle = "dashed"; sw.style.borderColor = DATA.colours[r.kind]; }
      li.appendChild(sw);
      li.appendChild(el("span", r.label));
      li.appendChild(el("span", r.sources.join(", "), "src"));
      li.setAttribute("data-events", r.events.join(" "));
      li.addEventListener("click", function () { select(r.events, null); });
      ul.appendChild(li);
    });
  }

  var panel = document.getElementById("panel");
  function section(title) { panel.appendChild(el("h3", title)); }
  function showEvent(id) {
    var a = DATA.events[id];
    if (!a) { return; }
    panel.appendChild(el("h2", lang === "hi" ? a.label_hi : a.label_en));
    panel.appendChild(el("div", (lang === "hi" ? a.type_hi : a.type_en), "sub"));
    panel.appendChild(el("div", t("date") + ": " + (a.date || t("undated"))));
    if (a.status) { panel.appendChild(el("div", t("status") + ": " + (T[a.status] ? t(a.status) : a.status))); }
    if (a.in_force_from) { panel.appendChild(el("div", t("inforce") + ": " + a.in_force_from)); }
    if (a.counts && a.counts.length) { panel.appendChild(el("div", t("counts") + ": " + a.counts.join("; "))); }
    if (a.actors.length) {
      section(t("who"));
      var ul = el("ul");
      a.actors.forEach(function (x) { ul.appendChild(el("li", (lang === "hi" ? x.role_hi : x.role_en) + ": " + x[lang])); });
      panel.appendChild(ul);
    }
    if (a.quotes.length) {
      section(t("quotes"));
      a.quotes.forEach(function (q) { panel.appendChild(el("blockquote", q, "quote")); });
    }
    if (a.evidence.length) {
      section(t("evidence"));
      a.evidence.forEach(function (ev) {
        var b = el("blockquote", ev.text, "evidence");
        b.appendChild(el("div", ev.source, "src"));
        panel.appendChild(b);
      });
    }
    if (a.sources.length) {
      section(t("sources"));
      var ol = el("ul");
      a.sources.forEach(function (ident) {
        var info = DATA.articles[ident] || {};
        var li = el("li", ident, "source");
        if (info.headline) { li.appendChild(el("div", info.headline, "sub")); }
        if (info.published) { li.appendChild(el("div", info.published, "src")); }
        ol.appendChild(li);
      });
      panel.appendChild(ol);
    }
    panel.appendChild(el("div", id, "src iri"));
  }
  function show(ids) {
    panel.textContent = "";
    if (!ids || !ids.length) { panel.appendChild(el("p", t("hint"), "sub")); return; }
    ids.forEach(function (id, i) { if (i) { panel.appendChild(el("hr")); } showEvent(id); });
    panel.setAttribute("data-events", ids.join(" "));
  }
  function select(ids, g) {
    selected = ids;
    Array.prototype.forEach.call(svg.querySelectorAll(".mark.sel"), function (x) { x.classList.remove("sel"); });
    if (g) { g.classList.add("sel"); }
    show(ids);
  }
  function applyLang() {
    document.documentElement.lang = lang;
    document.getElementById("title").textContent = lang === "hi" ? DATA.title_hi : DATA.title_en;
    document.getElementById("langbtn").textContent = t("btn");
    var legend = document.getElementById("legend");
    legend.textContent = "";
    var seen = {}, planned = false;
    DATA.marks[lang].concat(DATA.undated[lang]).forEach(function (m) { seen[m.kind] = 1; planned = planned || m.planned; });
    ["meeting", "statement", "deployment", "treaty"].forEach(function (k) {
      if (!seen[k]) { return; }
      var sp = el("span", DATA.kind_names[k][lang]);
      sp.style.setProperty("--c", DATA.colours[k]);
      legend.appendChild(sp);
    });
    if (planned) { legend.appendChild(el("span", DATA.kind_names.planned[lang], "planned")); }
    draw();
    drawUndated();
    show(selected);
  }
  document.getElementById("langbtn").addEventListener("click", function () {
    lang = lang === "hi" ? "en" : "hi";
    applyLang();
  });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(draw, 150);
  });
  applyLang();

  // Self-check for tests: what was drawn, and that nothing was fetched.
  var root = document.documentElement;
  root.setAttribute("data-gh-marks", String(marksDrawn));
  root.setAttribute("data-gh-undated", String(DATA.undated[lang].length));
  root.setAttribute("data-gh-resources",
                    String(performance.getEntriesByType ? performance.getEntriesByType("resource").length : 0));
  root.setAttribute("data-gh-ready", "1");
  window.ghatna = { select: select, data: DATA, redraw: draw };
})();
"""
