"""Hindi time expressions → dates with the precision the text supports.

The language data (month and weekday spellings, relative words, tense markers) lives in
``ontology/lang/time.json``; this module only knows the shapes of expressions. Text is matched after
folding (nukta, ZWJ/ZWNJ dropped, chandrabindu read as anusvara) and offsets always point into the text
passed in. Devanagari digits count as digits.

>>> import datetime
>>> wed = datetime.date(2025, 9, 3)
>>> [(m.text, m.kind, m.value.value) for m in find_times("पिछले वर्ष जून में संधि हुई।", wed)]
[('पिछले वर्ष जून', 'month', '2024-06')]
>>> [m.value.value for m in find_times("बैठक बुधवार को हुई।", wed, tense="past")]
['2025-09-03']
>>> [m.value for m in find_times("यह बातचीत बुधवार को हुई।", None)]
[None]
>>> find_times("दिसंबर 2024 से प्रभावी", None)[0].value
TimeValue(value='2024-12', precision='month')
>>> detect_tense("शुक्रवार को दोनों नेताओं की मुलाकात तय है।")
'future'
>>> parse_dateline("Aug 13, 2025, 11:03 AM")
datetime.date(2025, 8, 13)
>>> parse_value("2024-06").datatype
'http://www.w3.org/2001/XMLSchema#gYearMonth'
"""
from __future__ import annotations

import bisect
import datetime
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import regex

from kg.resources import lang_dir

__all__ = [
    "TimeValue",
    "TimeMention",
    "find_times",
    "detect_tense",
    "infer_published",
    "parse_dateline",
    "parse_value",
    "TENSES",
]

XSD = "http://www.w3.org/2001/XMLSchema#"
TENSES = ("past", "future")
"""The tenses :func:`detect_tense` returns; :func:`find_times` also takes ``None`` and ``"auto"``."""

_DATATYPES = {"day": XSD + "date", "month": XSD + "gYearMonth", "year": XSD + "gYear"}
_VALUE_SHAPES = {4: "year", 7: "month", 10: "day"}
_VALUE_RE = regex.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")
_MIN_YEAR, _MAX_YEAR = 1900, 2100  # a bare number in text is a year only in this range
_DATELINE_LINES = 10  # infer_published looks for a dateline in this many non-empty lines
_CLAUSE_WINDOW = 400  # characters scanned around a mention for its clause's tense


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class TimeValue:
    """A calendar value at day, month or year precision, in XSD lexical form.

    >>> TimeValue("2024", "year").contains(TimeValue("2024-06-11", "day"))
    True
    >>> TimeValue("2024-05", "month").contains(TimeValue("2024-06-11", "day"))
    False
    """

    value: str  # "2025-09-03", "2025-09" or "2025"
    precision: str  # "day" | "month" | "year"

    def __post_init__(self) -> None:
        if _precision_of(self.value) != self.precision:
            raise ValueError(
                f"time value {self.value!r} does not have precision {self.precision!r}"
            )

    @property
    def datatype(self) -> str:
        """The full XSD datatype IRI: xsd:date, xsd:gYearMonth or xsd:gYear."""
        return _DATATYPES[self.precision]

    def contains(self, other: TimeValue) -> bool:
        """True when the two values are compatible: one is a prefix of the other.

        "2024" and "2024-06-11" are compatible (either way round); "2024-05" and "2024-06" are not.
        """
        return self.value.startswith(other.value) or other.value.startswith(self.value)


def _precision_of(value: object) -> str:
    """The precision of a lexical value; ValueError naming the value when it is not one."""
    if not isinstance(value, str) or not _VALUE_RE.fullmatch(value):
        raise ValueError(f"not a date, year-month or year (YYYY-MM-DD, YYYY-MM, YYYY): {value!r}")
    parts = [int(p) for p in value.split("-")]
    try:
        datetime.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as e:
        raise ValueError(f"not a valid calendar value: {value!r} ({e})") from e
    return _VALUE_SHAPES[len(value)]


def parse_value(value: str) -> TimeValue:
    """Read ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` into a :class:`TimeValue`.

    >>> parse_value("2025-09-03")
    TimeValue(value='2025-09-03', precision='day')
    >>> parse_value("2024-13")
    Traceback (most recent call last):
    ...
    ValueError: not a valid calendar value: '2024-13' (month must be in 1..12)
    """
    return TimeValue(value, _precision_of(value))  # type: ignore[arg-type]


def _day(d: datetime.date) -> TimeValue:
    return TimeValue(d.isoformat(), "day")


def _month(year: int, month: int) -> TimeValue:
    return TimeValue(f"{year:04d}-{month:02d}", "month")


def _year(year: int) -> TimeValue:
    return TimeValue(f"{year:04d}", "year")


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except (ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class TimeMention:
    """A time expression found in text, with its resolved value (None when unresolvable)."""

    start: int  # code-point offsets into the text passed in
    end: int
    text: str
    kind: str  # "date" | "month" | "year" | "weekday" | "relative"
    value: TimeValue | None


# --------------------------------------------------------------------------- folding

_DROP = frozenset("\u093c\u200c\u200d")  # nukta, ZWNJ, ZWJ
_MAP = {
    "\u0901": "\u0902",  # chandrabindu → anusvara
    # precomposed nukta letters (not NFC, but accept them) → base letter
    "\u0958": "\u0915", "\u0959": "\u0916", "\u095a": "\u0917", "\u095b": "\u091c",
    "\u095c": "\u0921", "\u095d": "\u0922", "\u095e": "\u092b", "\u095f": "\u092f",
    "\u0929": "\u0928", "\u0931": "\u0930", "\u0934": "\u0933",
}
_FOLD_NEEDED = regex.compile("[" + "".join(_DROP) + "".join(_MAP) + "]")


_FOLD_TABLE = {**{ord(c): None for c in _DROP}, **{ord(k): v for k, v in _MAP.items()}}
_DROPPED = regex.compile("[" + "".join(_DROP) + "]")


def _fold(text: str) -> tuple[str, Sequence[int]]:
    """Folded text and, for each folded index (plus one past the end), the original index.

    >>> _fold("फ़रवरी"), _fold("ab")
    (('फरवरी', [0, 2, 3, 4, 5, 6]), ('ab', range(0, 3)))
    """
    if not _FOLD_NEEDED.search(text):
        return text, range(len(text) + 1)
    index: list[int] = []
    start = 0
    for m in _DROPPED.finditer(text):   # dropped characters are few: copy the runs between them
        index.extend(range(start, m.start()))
        start = m.end()
    index.extend(range(start, len(text) + 1))
    return text.translate(_FOLD_TABLE), index


def _key(s: str) -> str:
    """Lookup key of a matched word: folded, lower case, single spaces, no trailing dot."""
    return " ".join(_fold(s)[0].lower().rstrip(".").split())


# --------------------------------------------------------------------------- language data

_B = r"(?<![\p{L}\p{M}\p{N}])"  # word start
_E = r"(?![\p{L}\p{M}\p{N}])"  # word end
_SP = r"[^\S\n]*"
_SP1 = r"[^\S\n]+"
_NUM_BEFORE = r"(?<![\p{L}\p{M}\p{N}.,/:\-])"  # a number that is not the tail of another
_YEAR = r"(?P<year>\p{Nd}{4})(?![\p{L}\p{M}\p{N}]|[.,]\p{Nd})"


def _alt(words: Sequence[str]) -> str:
    """A regex alternation of folded words, longest first; spaces match any run of spaces."""
    folded = sorted({_key(w) for w in words if w.strip()}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(regex.escape(w).replace(r"\ ", _SP1) for w in folded) + ")"


@dataclass(frozen=True)
class _Lang:
    months: dict[str, int]
    weekdays: dict[str, int]
    modifiers: dict[str, int]
    units: dict[str, str]
    day_words: dict[str, tuple[int, bool]]
    dmy: regex.Pattern[str]
    mdy: regex.Pattern[str]
    iso: regex.Pattern[str]
    num: regex.Pattern[str]
    month_year: regex.Pattern[str]
    month_alone: regex.Pattern[str]
    year_prefixed: regex.Pattern[str]
    year_followed: regex.Pattern[str]
    relative: regex.Pattern[str]
    day_word: regex.Pattern[str]
    weekday: regex.Pattern[str]
    weekday_before: regex.Pattern[str]
    weekday_after: regex.Pattern[str]
    close_paren: regex.Pattern[str]
    rel_year_before: regex.Pattern[str]
    keyword_before: regex.Pattern[str]
    postposition_after: regex.Pattern[str]
    sentence_end: regex.Pattern[str]
    clause_end: regex.Pattern[str]
    future: regex.Pattern[str]
    future_suffix: regex.Pattern[str]
    future_exceptions: frozenset[str]
    past: regex.Pattern[str]
    past_suffix: regex.Pattern[str]
    past_exceptions: frozenset[str]
    past_final: regex.Pattern[str]
    ergative: regex.Pattern[str]
    passive_after: regex.Pattern[str]


@lru_cache(maxsize=1)
def _lang() -> _Lang:
    """Load ``time.json`` once and compile the patterns built from it."""
    path = lang_dir() / "time.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    months_hi = {_key(w): m["number"] for m in data["months"] for w in m["hi"]}
    months_en = {_key(w): m["number"] for m in data["months"] for w in m["en"]}
    wd_hi = {_key(w): d["number"] for d in data["weekdays"] for w in d["hi"]}
    wd_en = {_key(w): d["number"] for d in data["weekdays"] for w in d["en"]}
    modifiers = {_key(w): int(off) for off, ws in data["relative_modifiers"].items() for w in ws}
    units = {_key(w): unit for unit, ws in data["units"].items() for w in ws}
    day_words = {_key(w): (int(d["days"]), bool(d["signed"])) for d in data["day_words"] for w in d["words"]}
    tense = data["tense"]

    month_hi = _alt(list(months_hi))
    month_any = rf"(?P<month>{month_hi}{_E}|{_alt(list(months_en))}{_E}\.?)"
    weekday_hi = _alt(list(wd_hi))
    weekday_any = _alt(list(wd_hi) + list(wd_en))
    modifier = _alt(list(modifiers))
    year_units = _alt([w for w, u in units.items() if u == "year"])
    day = rf"{_NUM_BEFORE}(?P<day>\p{{Nd}}{{1,2}})(?!\p{{N}})(?:st|nd|rd|th{_E})?"
    year_follow = rf"(?:{_alt(data['year_postpositions'])}{_E}|[,।.);:\]]|\Z)"
    cfg = regex.IGNORECASE

    def c(pattern: str) -> regex.Pattern[str]:
        return regex.compile(pattern, cfg)

    return _Lang(
        months={**months_hi, **months_en},
        weekdays={**wd_hi, **wd_en},
        modifiers=modifiers,
        units=units,
        day_words=day_words,
        dmy=c(rf"{day}{_SP}{month_any}(?:{_SP},?{_SP}{_NUM_BEFORE}{_YEAR})?"),
        mdy=c(rf"{_B}{month_any}{_SP}{day}{_SP},?{_SP}{_NUM_BEFORE}{_YEAR}"),
        iso=c(rf"{_NUM_BEFORE}(?P<year>\p{{Nd}}{{4}})-(?P<mon>\p{{Nd}}{{1,2}})-(?P<day>\p{{Nd}}{{1,2}})(?!\p{{N}})"),
        num=c(
            rf"{_NUM_BEFORE}(?P<day>\p{{Nd}}{{1,2}})(?P<sep>[./-])(?P<mon>\p{{Nd}}{{1,2}})(?P=sep){_YEAR}"
        ),
        month_year=c(rf"{_B}{month_any}{_SP},?{_SP}{_NUM_BEFORE}{_YEAR}"),
        month_alone=c(rf"{_B}(?P<month>{month_hi}){_E}"),
        year_prefixed=c(rf"{_B}{_alt(data['year_prefixes'])}{_SP1}{_NUM_BEFORE}{_YEAR}"),
        year_followed=c(rf"{_NUM_BEFORE}{_YEAR}(?={_SP}{year_follow})"),
        relative=c(rf"{_B}(?P<mod>{modifier}){_SP1}(?P<unit>{_alt(list(units))}){_E}"),
        day_word=c(rf"{_B}(?P<word>{_alt(list(day_words))}){_E}"),
        weekday=c(rf"{_B}(?:(?P<mod>{modifier}){_SP1})?(?P<wd>{weekday_hi}){_E}"),
        weekday_before=c(rf"{_B}(?P<wd>{weekday_any}){_E}\.?{_SP}(?P<sep>[,(]?){_SP}\Z"),
        weekday_after=c(rf"{_SP}(?:(?P<open>\()|,)?{_SP}(?P<wd>{weekday_any}){_E}\.?(?(open){_SP}\))"),
        close_paren=c(rf"{_SP}\)"),
        rel_year_before=c(
            rf"{_B}(?P<mod>{modifier}){_SP1}{year_units}{_E}{_SP1}(?:{_alt(data['genitive'])}{_SP1})?\Z"
        ),
        keyword_before=c(rf"{_B}{_alt(data['dateline_keywords'])}{_E}{_SP}[:\-–—|,]?{_SP}\Z"),
        postposition_after=c(rf"{_SP}{_alt(data['date_postpositions'])}{_E}"),
        sentence_end=c(r"[।॥?!\n]|\.(?!\p{Nd})"),
        clause_end=c(rf"[।॥?!\n;]|\.(?!\p{{Nd}})|,(?!\p{{Nd}})|{_B}{_alt(data['clause_boundaries'])}{_E}"),
        future=c(rf"{_B}{_alt(tense['future_words'])}{_E}"),
        future_suffix=c(rf"{_B}(?P<w>[\p{{L}}\p{{M}}]+{_alt(tense['future_suffixes'])}){_E}"),
        future_exceptions=frozenset(_key(w) for w in tense["future_exceptions"]),
        past=c(rf"{_B}{_alt(tense['past_words'])}{_E}"),
        past_suffix=c(rf"{_B}(?P<w>[\p{{L}}\p{{M}}]+{_alt(tense['past_suffixes'])}){_E}"),
        past_exceptions=frozenset(_key(w) for w in tense["past_exceptions"]),
        past_final=c(
            rf"{_B}{_alt(tense['past_clause_final'])}{_E}"
            rf"(?={_SP}(?:[।॥.,!?;:\"'’”)\]]|\Z|{_alt(tense['clause_final_followers'])}{_E}))"
        ),
        ergative=c(rf"{_B}{_alt(tense['ergative'])}{_E}"),
        passive_after=c(rf"{_SP1}{_alt(tense['passive_auxiliaries'])}{_E}"),
    )


# --------------------------------------------------------------------------- tense


def _signals(folded: str, lang: _Lang) -> tuple[bool, bool, bool]:
    """(past, future, ergative) signals in folded text."""
    future = lang.future.search(folded) is not None or any(
        m["w"].lower() not in lang.future_exceptions for m in lang.future_suffix.finditer(folded)
    )
    past = lang.past_final.search(folded) is not None
    if not past:
        for m in lang.past.finditer(folded):
            if not lang.passive_after.match(folded, m.end()):
                past = True
                break
    if not past:
        for m in lang.past_suffix.finditer(folded):
            if m["w"].lower() not in lang.past_exceptions and not lang.passive_after.match(folded, m.end()):
                past = True
                break
    ergative = lang.ergative.search(folded) is not None
    return past, future, ergative


def _decide(past: bool, future: bool, ergative: bool) -> str | None:
    if future and not past:
        return "future"
    if past and not future:
        return "past"
    if not past and not future and ergative:
        return "past"
    return None


def detect_tense(text: str) -> str | None:
    """"past", "future" or None (no verb forms, or both kinds) for one clause of Hindi.

    The ergative ने counts as past only when no verb form speaks.

    >>> detect_tense("पुतिन ने यह बयान बुधवार को चीन में दिया।")
    'past'
    >>> detect_tense("उत्तर कोरिया 1,000 सैपर भेजेगा।") , detect_tense("रूस और उत्तर कोरिया")
    ('future', None)
    """
    if not isinstance(text, str) or not text:
        return None
    return _decide(*_signals(_fold(text)[0], _lang()))


def _clause_tense(folded: str, start: int, end: int, lang: _Lang) -> str | None:
    """Tense for a mention: its clause (Hindi is verb-final: up to the next boundary), else its sentence."""
    m = lang.clause_end.search(folded, end, min(len(folded), end + _CLAUSE_WINDOW))
    clause_stop = m.start() if m else min(len(folded), end + _CLAUSE_WINDOW)
    past, future, ergative = _signals(folded[end:clause_stop], lang)
    if past or future:
        return _decide(past, future, False)
    lo = max(0, start - _CLAUSE_WINDOW)
    sent_start = lo
    for m in lang.sentence_end.finditer(folded, lo, start):
        sent_start = m.end()
    m = lang.sentence_end.search(folded, end, min(len(folded), end + _CLAUSE_WINDOW))
    sent_stop = m.start() if m else min(len(folded), end + _CLAUSE_WINDOW)
    return _decide(*_signals(folded[sent_start:sent_stop], lang))


# --------------------------------------------------------------------------- candidates


@dataclass
class _Cand:
    start: int  # offsets into the folded text
    end: int
    kind: str
    rule: str  # full | daymonth | monthyear | month | year | rel | dayword | weekday
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    offset: int | None = None  # relative modifier (years, months, weeks, weekdays) or day-word days
    unit: str | None = None
    signed: bool = False


def _plausible(year: int) -> bool:
    return _MIN_YEAR <= year <= _MAX_YEAR


def _extend_date(c: _Cand, folded: str, lang: _Lang) -> None:
    """Widen a day-level candidate over an adjoining weekday and a relative year before it."""
    lo = max(0, c.start - 60)
    m = lang.weekday_before.search(folded, lo, c.start)
    if m:
        c.weekday = lang.weekdays.get(_key(m["wd"]))
        c.start = m.start()
        if m["sep"] == "(":
            close = lang.close_paren.match(folded, c.end)
            if close:
                c.end = close.end()
    else:
        m = lang.weekday_after.match(folded, c.end)
        if m:
            c.weekday = lang.weekdays.get(_key(m["wd"]))
            c.end = m.end()
    if c.rule == "daymonth":
        _extend_rel_year(c, folded, lang)


def _extend_rel_year(c: _Cand, folded: str, lang: _Lang) -> None:
    m = lang.rel_year_before.search(folded, max(0, c.start - 60), c.start)
    if m:
        c.offset = lang.modifiers.get(_key(m["mod"]))
        c.start = m.start()


def _candidates(folded: str, lang: _Lang, pos: int = 0, endpos: int | None = None) -> list[_Cand]:
    """Time expressions in ``folded``, the longest of overlapping ones. With ``pos`` and ``endpos``, those
    that lie within ``folded[pos:endpos]`` (the text before ``pos`` still decides where words start)."""
    out: list[_Cand] = []
    month_of = lang.months.get
    endpos = len(folded) if endpos is None else endpos
    for m in lang.dmy.finditer(folded, pos, endpos):
        day, month = int(m["day"]), month_of(_key(m["month"]))
        if month is None or not 1 <= day <= 31:
            continue
        if m["year"] is not None and _plausible(int(m["year"])):
            c = _Cand(m.start(), m.end(), "date", "full", int(m["year"]), month, day)
        else:
            c = _Cand(m.start(), m.end("month"), "date", "daymonth", None, month, day)
        _extend_date(c, folded, lang)
        out.append(c)
    for m in lang.mdy.finditer(folded, pos, endpos):
        day, month, year = int(m["day"]), month_of(_key(m["month"])), int(m["year"])
        if month is not None and 1 <= day <= 31 and _plausible(year):
            c = _Cand(m.start(), m.end(), "date", "full", year, month, day)
            _extend_date(c, folded, lang)
            out.append(c)
    for pattern in (lang.iso, lang.num):
        for m in pattern.finditer(folded, pos, endpos):
            year, month, day = int(m["year"]), int(m["mon"]), int(m["day"])
            if _plausible(year) and _safe_date(year, month, day):
                out.append(_Cand(m.start(), m.end(), "date", "full", year, month, day))
    for m in lang.month_year.finditer(folded, pos, endpos):
        month, year = month_of(_key(m["month"])), int(m["year"])
        if month is not None and _plausible(year):
            out.append(_Cand(m.start(), m.end(), "month", "monthyear", year, month))
    for m in lang.month_alone.finditer(folded, pos, endpos):
        month = month_of(_key(m["month"]))
        if month is not None:
            c = _Cand(m.start(), m.end(), "month", "month", None, month)
            _extend_rel_year(c, folded, lang)
            out.append(c)
    for pattern in (lang.year_prefixed, lang.year_followed):
        for m in pattern.finditer(folded, pos, endpos):
            year = int(m["year"])
            if _plausible(year):
                out.append(_Cand(m.start(), m.end(), "year", "year", year))
    for m in lang.relative.finditer(folded, pos, endpos):
        out.append(
            _Cand(m.start(), m.end(), "relative", "rel",
                  offset=lang.modifiers.get(_key(m["mod"])), unit=lang.units.get(_key(m["unit"])))
        )
    for m in lang.day_word.finditer(folded, pos, endpos):
        days, signed = lang.day_words.get(_key(m["word"]), (0, False))
        out.append(_Cand(m.start(), m.end(), "relative", "dayword", offset=days, signed=signed))
    for m in lang.weekday.finditer(folded, pos, endpos):
        mod = m["mod"]
        out.append(
            _Cand(m.start(), m.end(), "weekday", "weekday", weekday=lang.weekdays.get(_key(m["wd"])),
                  offset=lang.modifiers.get(_key(mod)) if mod else None)
        )
    return _select(out)


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Keep the longest of overlapping candidates (earlier first on ties); sorted by start."""
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.start)):
        i = bisect.bisect_left(starts, c.start)
        if i > 0 and ends[i - 1] > c.start:
            continue
        if i < len(starts) and starts[i] < c.end:
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        chosen.insert(i, c)
    return chosen


# --------------------------------------------------------------------------- resolution


def _pick(options: list[datetime.date], ref: datetime.date, tense: str | None) -> datetime.date | None:
    if tense == "future":
        options = [d for d in options if d >= ref]
        return min(options) if options else None
    if tense == "past":
        options = [d for d in options if d <= ref]
        return max(options) if options else None
    return min(options, key=lambda d: (abs((d - ref).days), d > ref)) if options else None


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + by
    return n // 12, n % 12 + 1


def _resolve(c: _Cand, ref: datetime.date | None, tense: str | None) -> TimeValue | None:
    try:
        return _resolve_unsafe(c, ref, tense)
    except (ValueError, OverflowError):  # dates beyond datetime's range
        return None


def _resolve_unsafe(c: _Cand, ref: datetime.date | None, tense: str | None) -> TimeValue | None:
    if c.rule == "full":
        d = _safe_date(c.year, c.month, c.day)  # type: ignore[arg-type]
        return _day(d) if d else None
    if c.rule == "monthyear":
        return _month(c.year, c.month)  # type: ignore[arg-type]
    if c.rule == "year":
        return _year(c.year)  # type: ignore[arg-type]
    if ref is None:
        return None
    if c.rule == "daymonth":
        assert c.month is not None and c.day is not None
        if c.offset is not None:
            d = _safe_date(ref.year + c.offset, c.month, c.day)
            return _day(d) if d else None
        options = [d for y in (ref.year - 1, ref.year, ref.year + 1) if (d := _safe_date(y, c.month, c.day))]
        if c.weekday is not None:
            fitting = [d for d in options if d.weekday() == c.weekday]
            options = fitting or options
        d = _pick(options, ref, tense)
        return _day(d) if d else None
    if c.rule == "month":
        assert c.month is not None
        if c.offset is not None:
            return _month(ref.year + c.offset, c.month)
        firsts = [datetime.date(y, c.month, 1) for y in (ref.year - 1, ref.year, ref.year + 1)]
        d = _pick(firsts, ref.replace(day=1), tense)
        return _month(d.year, d.month) if d else None
    if c.rule == "rel":
        if c.offset is None:
            return None
        if c.unit == "year":
            return _year(ref.year + c.offset)
        if c.unit == "month":
            return _month(*_shift_month(ref.year, ref.month, c.offset))
        return None  # weeks are not representable as xsd:date / gYearMonth / gYear
    if c.rule == "dayword":
        days = c.offset or 0
        if c.signed and days:
            if tense == "past":
                return _day(ref - datetime.timedelta(days=days))
            if tense == "future":
                return _day(ref + datetime.timedelta(days=days))
            return None
        return _day(ref + datetime.timedelta(days=days))
    if c.rule == "weekday":
        if c.weekday is None:
            return None
        back = (ref.weekday() - c.weekday) % 7
        ahead = (c.weekday - ref.weekday()) % 7
        if c.offset == -1:
            return _day(ref - datetime.timedelta(days=back or 7))
        if c.offset == 1:
            return _day(ref + datetime.timedelta(days=ahead or 7))
        if tense == "future":
            return _day(ref + datetime.timedelta(days=ahead))
        return _day(ref - datetime.timedelta(days=back))  # past, or unknown: within the 6 days before
    return None


# --------------------------------------------------------------------------- public functions


def find_times(
    text: str, published: datetime.date | None, tense: str | None = None
) -> list[TimeMention]:
    """Time expressions in ``text``, resolved against the publication date.

    ``tense`` ("past", "future" or None) chooses between readings of expressions without a year:
    future picks the occurrence on or after ``published``, past the one on or before, None the
    nearest (a weekday then counts back, and कल/परसों stay unresolved). ``"auto"`` reads the tense of
    each mention's own clause with :func:`detect_tense`. Without ``published`` only expressions that
    carry their year get a value.

    >>> import datetime
    >>> thu = datetime.date(2025, 6, 12)
    >>> [(m.kind, m.value.value) for m in find_times("केसीएनए ने बुधवार (11 जून) को बताया", thu)]
    [('date', '2025-06-11')]
    >>> [(m.text, m.value) for m in find_times("2024 सैनिक और 11,000 नागरिक", thu)]
    []
    """
    if tense not in (None, "past", "future", "auto"):
        raise ValueError(f"tense must be 'past', 'future', 'auto' or None, not {tense!r}")
    if isinstance(published, datetime.datetime):
        published = published.date()
    if published is not None and not isinstance(published, datetime.date):
        raise TypeError(f"published must be a datetime.date or None, not {published!r}")
    if not isinstance(text, str) or not text:
        return []
    lang = _lang()
    folded, index = _fold(text)
    out: list[TimeMention] = []
    for c in _candidates(folded, lang):
        t = _clause_tense(folded, c.start, c.end, lang) if tense == "auto" else tense
        start, end = index[c.start], index[c.end]
        out.append(TimeMention(start, end, text[start:end], c.kind, _resolve(c, published, t)))
    return out


def _full_dates(folded: str, lang: _Lang, pos: int = 0, endpos: int | None = None
                ) -> list[tuple[int, int, datetime.date]]:
    """Day-precision dates with an explicit year, in text order (offsets into ``folded``); with ``pos``
    and ``endpos``, those that start in that stretch (see :func:`_candidates`)."""
    found = []
    for c in _candidates(folded, lang, pos, endpos):
        if c.rule == "full":
            d = _safe_date(c.year, c.month, c.day)  # type: ignore[arg-type]
            if d is not None:
                found.append((c.start, c.end, d))
    return found


def parse_dateline(text: str) -> datetime.date | None:
    """The first full date (day, month and year) in a dateline such as ``Aug 13, 2025, 11:03 AM``.

    Reads English and Hindi month names, ``2025-08-13`` and day-first ``13/08/2025``.

    >>> parse_dateline("Published on 13 Aug 2025"), parse_dateline("13 अगस्त")
    (datetime.date(2025, 8, 13), None)
    """
    if not isinstance(text, str) or not text:
        return None
    folded, lang = _fold(text)[0], _lang()
    # line by line, stopping at the first line with one: no time expression spans a line break (spaces in
    # the patterns are [^\S\n]) and none looks past one, so the expressions starting in a line, up to and
    # including its "\n", are those the whole text gives there, and overlaps are settled within the line.
    # (Reading the whole text when the date is in the first lines was 0.6 ms of an article's 2.8 ms.)
    start = 0
    while start < len(folded):
        stop = folded.find("\n", start)
        stop = len(folded) if stop < 0 else stop + 1
        found = _full_dates(folded, lang, start, stop)
        if found:
            return found[0][2]
        start = stop
    return None


def _dateline_of_line(line: str, lang: _Lang) -> datetime.date | None:
    folded = _fold(line)[0]
    short = len(folded.strip()) <= 80
    for start, end, d in _full_dates(folded, lang):
        if lang.keyword_before.search(folded, max(0, start - 40), start):
            return d
        if lang.postposition_after.match(folded, end):
            continue  # "11 जून 2024 को …" is running text, not a dateline
        if short or len(folded[:start].strip()) <= 40:
            return d
    return None


_DEVANAGARI = regex.compile(r"\p{Devanagari}")


def _in_devanagari_line(text: str, pos: int) -> bool:
    start = text.rfind("\n", max(0, pos - 2000), pos) + 1
    stop = text.find("\n", pos, pos + 2000)
    return _DEVANAGARI.search(text, start, stop if stop >= 0 else min(len(text), pos + 2000)) is not None


def infer_published(text: str) -> datetime.date | None:
    """Publication date of an article that carries none in its metadata.

    First a dateline in the first ten non-empty lines (see :func:`parse_dateline`); else a weekday
    paired with a day and month (``बुधवार (11 जून)``) fixes the year: the first year, not before the
    latest year the text mentions (in its Hindi lines, if any), in which that day falls on that weekday. None when neither works.
    Deterministic: today's date is never used.

    >>> infer_published("केसीएनए ने बुधवार (11 जून) को बताया। 2024 में मिसाइलें भेजी थीं।")
    datetime.date(2025, 6, 11)
    """
    if not isinstance(text, str) or not text:
        return None
    lang = _lang()
    lines = [line for line in text[:20000].splitlines() if line.strip()][:_DATELINE_LINES]
    for line in lines:
        d = _dateline_of_line(line, lang)
        if d is not None:
            return d
    folded = _fold(text)[0]
    cands = _candidates(folded, lang)
    paired = [c for c in cands if c.rule in ("full", "daymonth") and c.weekday is not None and c.offset is None]
    if not paired:
        return None
    for c in paired:
        if c.rule == "full":
            d = _safe_date(c.year, c.month, c.day)  # type: ignore[arg-type]
            if d is not None and d.weekday() == c.weekday:
                return d
    # Years in lines of Hindi text: English lines are mostly boilerplate ("Spring 2026: …").
    years = [c.year for c in cands if c.year is not None and _in_devanagari_line(folded, c.start)]
    years = years or [c.year for c in cands if c.year is not None]
    if not years:
        return None
    latest = max(years)
    for c in paired:
        if c.rule != "daymonth":
            continue
        for y in range(latest, min(latest + 40, 9999)):
            d = _safe_date(y, c.month, c.day)  # type: ignore[arg-type]
            if d is not None and d.weekday() == c.weekday:
                return d
    return None
