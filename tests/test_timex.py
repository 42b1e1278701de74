"""Tests for kg.timex: Hindi time expressions, tense, publication dates."""
from __future__ import annotations

import ast
import datetime
import json
from pathlib import Path

import pytest
import regex

from kg import timex
from kg.resources import lang_dir
from kg.timex import (
    TimeMention,
    TimeValue,
    detect_tense,
    find_times,
    infer_published,
    parse_dateline,
    parse_value,
)

D = datetime.date
XSD = "http://www.w3.org/2001/XMLSchema#"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

WED_0903 = D(2025, 9, 3)  # seed 000, a Wednesday
WED_0813 = D(2025, 8, 13)  # seed 002, a Wednesday
THU_0904 = D(2025, 9, 4)
THU_0612 = D(2025, 6, 12)


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def only(text: str, published: datetime.date | None = None, tense: str | None = None) -> TimeMention:
    found = find_times(text, published, tense)
    assert len(found) == 1, found
    return found[0]


def value(text: str, published: datetime.date | None = None, tense: str | None = None) -> str | None:
    v = only(text, published, tense).value
    return None if v is None else v.value


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("lexical", "precision", "datatype"),
    [("2025-09-03", "day", "date"), ("2024-06", "month", "gYearMonth"), ("2024", "year", "gYear")],
)
def test_parse_value(lexical: str, precision: str, datatype: str) -> None:
    v = parse_value(lexical)
    assert v == TimeValue(lexical, precision)
    assert v.datatype == XSD + datatype


@pytest.mark.parametrize("bad", ["", "24", "2024-6", "2024-13", "2024-02-30", "२०२४", "2024-06-01T00:00", "June"])
def test_parse_value_rejects_and_names_the_value(bad: str) -> None:
    with pytest.raises(ValueError, match=regex.escape(repr(bad))):
        parse_value(bad)


def test_time_value_checks_precision() -> None:
    with pytest.raises(ValueError, match="2024-06"):
        TimeValue("2024-06", "day")


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("2024", "2024-06-11", True),
        ("2024-06-11", "2024", True),
        ("2024-06", "2024-06-11", True),
        ("2024-06-11", "2024-06-11", True),
        ("2024-05", "2024-06-11", False),
        ("2024", "2025-06", False),
        ("2024-06-11", "2024-06-12", False),
    ],
)
def test_contains_is_prefix_compatibility(a: str, b: str, compatible: bool) -> None:
    assert parse_value(a).contains(parse_value(b)) is compatible


# --------------------------------------------------------------------------- explicit dates


@pytest.mark.parametrize(
    ("text", "mention", "kind", "expected"),
    [
        ("11 जून 2024 को संधि पर हस्ताक्षर हुए।", "11 जून 2024", "date", "2024-06-11"),
        ("जून 11, 2024 को संधि पर हस्ताक्षर हुए।", "जून 11, 2024", "date", "2024-06-11"),
        ("११ जून २०२४ को संधि पर हस्ताक्षर हुए।", "११ जून २०२४", "date", "2024-06-11"),
        ("समझौता 1 जुलाई, 2025 से लागू होगा।", "1 जुलाई, 2025", "date", "2025-07-01"),
        ("रिपोर्ट 13 August 2025 को जारी हुई।", "13 August 2025", "date", "2025-08-13"),
        ("बैठक 2025-08-13 को हुई।", "2025-08-13", "date", "2025-08-13"),
        ("जून 2024 में द्विपक्षीय संधि पर हस्ताक्षर हुए।", "जून 2024", "month", "2024-06"),
        ("दिसंबर 2024 से प्रभावी व्यापक रणनीतिक साझेदारी समझौता", "दिसंबर 2024", "month", "2024-12"),
        ("दिसम्बर, 2024 से प्रभावी", "दिसम्बर, 2024", "month", "2024-12"),
        ("फ़रवरी 2022 में युद्ध शुरू हुआ।", "फ़रवरी 2022", "month", "2022-02"),
        ("फरवरी 2022 में युद्ध शुरू हुआ।", "फरवरी 2022", "month", "2022-02"),
        ("अक्तूबर 2023 में वार्ता हुई।", "अक्तूबर 2023", "month", "2023-10"),
        ("अक्टूबर 2023 में वार्ता हुई।", "अक्टूबर 2023", "month", "2023-10"),
        ("सितम्बर 2023 में किम रूस गए।", "सितम्बर 2023", "month", "2023-09"),
        ("नवम्बर २०२४ में", "नवम्बर २०२४", "month", "2024-11"),
        ("प्योंगयांग ने 2024 के अंत में सैनिक तैनात किए थे।", "2024", "year", "2024"),
        ("2024 में, उत्तर कोरिया ने मिसाइलें भेजी थीं.", "2024", "year", "2024"),
        ("यह संधि 2018 से लागू है।", "2018", "year", "2018"),
        ("वर्ष 2023 में दोनों नेता मिले।", "वर्ष 2023", "year", "2023"),
        ("सन् 1950 से यह विवाद जारी है।", "सन् 1950", "year", "1950"),
    ],
)
def test_explicit_dates_keep_their_precision(text: str, mention: str, kind: str, expected: str) -> None:
    for published in (None, WED_0903):  # an explicit year needs no reference date
        m = only(text, published)
        assert (m.text, m.kind) == (mention, kind)
        assert m.value == parse_value(expected)


@pytest.mark.parametrize(
    "text",
    [
        "उत्तर कोरिया ने 2024 सैनिक भेजे।",
        "पूर्वी रूस में 11,000 से अधिक सैनिकों को तैनात किया था।",
        "कुर्स्क में 5,000 सैन्य निर्माणकर्मी भेजेगा।",
        "1910-45 के जापान के औपनिवेशिक शासन से मुक्ति",
        "लगभग 3000 में से आधे सैनिक लौटे।",
        "कुल 1500 से अधिक ड्रोन दागे गए।",
        "10 हजार KM लंबी ट्रेन सेवा",
        "100 साल की दोस्ती का एक नया युग",
        "आजकल दोनों देशों के संबंध अच्छे हैं।",
        "आज़ादी की लड़ाई",
        "लोग कलम से लिखते हैं।",
    ],
)
def test_counts_and_lookalikes_are_not_times(text: str) -> None:
    assert find_times(text, WED_0903, "past") == []


# --------------------------------------------------------------------------- year from the publication date


@pytest.mark.parametrize(
    ("text", "published", "tense", "expected"),
    [
        ("पुतिन ने 15 अगस्त को उत्तर कोरिया को बधाई दी।", WED_0813, None, "2025-08-15"),  # seed 002
        ("15 अगस्त को वर्षगांठ है।", WED_0813, "future", "2025-08-15"),
        ("15 अगस्त को समारोह हुआ था।", WED_0813, "past", "2024-08-15"),
        ("11 जून को रूस दिवस मनाया गया।", WED_0813, "past", "2025-06-11"),
        ("11 जून को बैठक होगी।", WED_0813, "future", "2026-06-11"),
        ("5 जनवरी को वार्ता होगी।", D(2025, 12, 20), None, "2026-01-05"),
        ("28 दिसंबर को हमला हुआ।", D(2026, 1, 2), None, "2025-12-28"),
        ("13 अगस्त को", WED_0813, "past", "2025-08-13"),
        ("13 अगस्त को", WED_0813, "future", "2025-08-13"),
    ],
)
def test_day_month_takes_the_year_that_fits_the_tense(
    text: str, published: datetime.date, tense: str | None, expected: str
) -> None:
    m = only(text, published, tense)
    assert m.kind == "date"
    assert m.value == TimeValue(expected, "day")


@pytest.mark.parametrize(
    ("text", "published", "tense", "expected"),
    [
        ("जून में संधि हुई थी।", WED_0903, "past", "2025-06"),
        ("जून में बैठक होगी।", WED_0903, "future", "2026-06"),
        ("जून में", WED_0903, None, "2025-06"),
        ("जनवरी में", D(2025, 11, 20), None, "2026-01"),
        ("सितंबर में", WED_0903, "past", "2025-09"),
        ("सितंबर में", WED_0903, "future", "2025-09"),
    ],
)
def test_month_without_year(text: str, published: datetime.date, tense: str | None, expected: str) -> None:
    m = only(text, published, tense)
    assert m.kind == "month"
    assert m.value == TimeValue(expected, "month")


def test_day_month_without_published_is_unresolved() -> None:
    assert [(m.text, m.value) for m in find_times("15 अगस्त को और जून में", None)] == [
        ("15 अगस्त", None),
        ("जून", None),
    ]


# --------------------------------------------------------------------------- relative expressions


@pytest.mark.parametrize(
    ("text", "published", "mention", "kind", "expected"),
    [
        ("किम ने कहा कि पिछले वर्ष जून में समझौता हुआ।", WED_0903, "पिछले वर्ष जून", "month", "2024-06"),
        ("यह समझौता पिछले साल जून में हुआ था।", WED_0813, "पिछले साल जून", "month", "2024-06"),
        ("इस साल मार्च में", WED_0903, "इस साल मार्च", "month", "2025-03"),
        ("अगले साल जनवरी में चुनाव होंगे।", WED_0903, "अगले साल जनवरी", "month", "2026-01"),
        ("पिछले साल 15 जून को", WED_0903, "पिछले साल 15 जून", "date", "2024-06-15"),
        ("पिछले वर्ष से अब तक रूस में सैनिक भेजे हैं।", WED_0903, "पिछले वर्ष", "relative", "2024"),
        ("पिछले साल", WED_0903, "पिछले साल", "relative", "2024"),
        ("इस वर्ष के शुरू में", WED_0903, "इस वर्ष", "relative", "2025"),
        ("इस साल की शुरुआत में", WED_0903, "इस साल", "relative", "2025"),
        ("अगले साल", WED_0903, "अगले साल", "relative", "2026"),
        ("गत वर्ष", WED_0903, "गत वर्ष", "relative", "2024"),
        ("पिछले महीने", WED_0903, "पिछले महीने", "relative", "2025-08"),
        ("इस माह", WED_0903, "इस माह", "relative", "2025-09"),
        ("अगले महीने", D(2025, 12, 10), "अगले महीने", "relative", "2026-01"),
        ("पिछले महीने", D(2025, 1, 10), "पिछले महीने", "relative", "2024-12"),
        ("आज", WED_0903, "आज", "relative", "2025-09-03"),
    ],
)
def test_relative_expressions(
    text: str, published: datetime.date, mention: str, kind: str, expected: str
) -> None:
    m = only(text, published)
    assert (m.text, m.kind) == (mention, kind)
    assert m.value == parse_value(expected)


@pytest.mark.parametrize("text", ["पिछले सप्ताह", "पिछले हफ्ते", "अगले हफ़्ते", "इस सप्ताह"])
def test_weeks_are_not_representable(text: str) -> None:
    m = only(text, WED_0903, "past")
    assert (m.text, m.kind, m.value) == (text, "relative", None)


@pytest.mark.parametrize(
    ("text", "tense", "expected"),
    [
        ("कल", "past", "2025-09-02"),
        ("कल", "future", "2025-09-04"),
        ("कल", None, None),
        ("परसों", "past", "2025-09-01"),
        ("परसों", "future", "2025-09-05"),
        ("परसों", None, None),
        ("आज", "future", "2025-09-03"),
    ],
)
def test_kal_depends_on_tense(text: str, tense: str | None, expected: str | None) -> None:
    assert value(text, WED_0903, tense) == expected


def test_relative_without_published_is_unresolved() -> None:
    assert [m.value for m in find_times("पिछले वर्ष जून में और आज", None)] == [None, None]


# --------------------------------------------------------------------------- weekdays


@pytest.mark.parametrize(
    ("text", "published", "tense", "expected"),
    [
        # seed 000: a Wednesday article, past tense → that same day
        ("पुतिन ने यह बयान बुधवार को चीन में किम जोंग-उन के साथ बैठक के दौरान दिया।", WED_0903, "past", "2025-09-03"),
        # a Thursday article: Wednesday is yesterday
        ("पुतिन ने यह बयान बुधवार को दिया।", THU_0904, "past", "2025-09-03"),
        # seed 002: Friday meeting planned, article of Wednesday 13 August
        ("शुक्रवार को ट्रंप और पुतिन की अलास्का में मुलाकात तय है", WED_0813, "future", "2025-08-15"),
        ("बुधवार को बैठक होगी।", WED_0813, "future", "2025-08-13"),
        ("शुक्रवार को", WED_0813, None, "2025-08-08"),
        ("मंगलवार को रूस पहुंचे", WED_0813, "past", "2025-08-12"),
        ("गुरुवार को", WED_0813, "past", "2025-08-07"),
        ("बृहस्पतिवार को", WED_0813, "past", "2025-08-07"),
        ("रविवार को", WED_0813, "past", "2025-08-10"),
        ("इतवार को", WED_0813, "past", "2025-08-10"),
        ("पिछले बुधवार", WED_0813, None, "2025-08-06"),
        ("अगले बुधवार", WED_0813, None, "2025-08-20"),
        ("अगले सोमवार", WED_0813, "future", "2025-08-18"),
    ],
)
def test_weekday(text: str, published: datetime.date, tense: str | None, expected: str) -> None:
    m = only(text, published, tense)
    assert m.kind == "weekday"
    assert m.value == TimeValue(expected, "day")


def test_weekday_without_published_is_unresolved() -> None:
    m = only("उत्तर कोरिया की सरकारी मीडिया ने गुरुवार को यह जानकारी दी.", None, "past")
    assert (m.text, m.kind, m.value) == ("गुरुवार", "weekday", None)


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("केसीएनए ने बुधवार (11 जून) को बताया", "बुधवार (11 जून)"),
        ("बुधवार, 11 जून को बैठक हुई।", "बुधवार, 11 जून"),
        ("11 जून, बुधवार को बैठक हुई।", "11 जून, बुधवार"),
        ("11 जून (बुधवार) को बैठक हुई।", "11 जून (बुधवार)"),
        ("बुधवार 11 जून को", "बुधवार 11 जून"),
    ],
)
def test_weekday_with_date_is_one_date_mention(text: str, mention: str) -> None:
    m = only(text, THU_0612, "past")
    assert (m.text, m.kind) == (mention, "date")
    assert m.value == TimeValue("2025-06-11", "day")


def test_weekday_picks_the_year_of_a_yearless_date() -> None:
    # 11 June is a Tuesday in 2024 and a Wednesday in 2025; the nearest would be 2025.
    assert value("मंगलवार (11 जून) को", D(2025, 1, 5)) == "2024-06-11"
    assert value("बुधवार (11 जून) को", D(2025, 1, 5)) == "2025-06-11"


# --------------------------------------------------------------------------- tense


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("उत्तर कोरिया कुर्स्क में 1,000 सैपर भेजेगा।", "future"),
        ("वह रूसी लोगों के साथ संयुक्त संघर्ष करेगा।", "future"),
        ("दोनों नेता अगले महीने मिलेंगे।", "future"),
        ("सैन्य सहायता प्रदान की जाएगी।", "future"),
        ("यूक्रेन युद्ध को रोकने पर चर्चा होगी।", "future"),
        ("मैं इसे भाईचारे का कर्तव्य मानूंगा।", "future"),
        ("ट्रंप और पुतिन की अलास्का में मुलाकात तय है", "future"),
        ("ट्रंप के साथ होने वाली बैठक", "future"),
        ("आगामी शिखर सम्मेलन", "future"),
        ("प्रस्तावित यात्रा", "future"),
        ("किम की रूस जाने की योजना है।", "future"),
        ("पुतिन ने यह बयान बुधवार को चीन में दिया।", "past"),
        ("किम ने पहले भी द्विपक्षीय संबंधों के महत्त्व पर ज़ोर दिया था।", "past"),
        ("पुतिन ने उत्तर कोरियाई सैनिकों की बहादुरी की प्रशंसा की।", "past"),
        ("उत्तर कोरिया ने रूस में लगभग 15,000 सैनिक भेजे हैं।", "past"),
        ("उत्तर कोरिया पहले ही रूस को सैनिक और हथियार भेज चुका है।", "past"),
        ("यह बातचीत उस समय हुई।", "past"),
        ("समझौता पिछले साल जून में हुआ था।", "past"),
        ("केसीएनए ने बताया", "past"),
        ("पुतिन ने कहा", "past"),
        ("रूस और उत्तर कोरिया", None),
        ("रूस की सेना और उसके सहयोगी देश", None),
        ("यह समझौता उपयोगी है।", None),
        ("यह काम किया जा रहा है।", None),
        ("बातचीत हुई, जिसमें चर्चा होगी।", None),  # both: unclear
        ("", None),
    ],
)
def test_detect_tense(text: str, expected: str | None) -> None:
    assert detect_tense(text) == expected


def test_auto_tense_reads_each_mentions_clause() -> None:
    text = (
        "यह बातचीत उस समय हुई, जब शुक्रवार को अमेरिका के राष्ट्रपति डोनाल्ड ट्रंप और पुतिन की "
        "अलास्का में मुलाकात तय है। यह जानकारी सरकारी मीडिया ने बुधवार को दी। कल बैठक होगी। "
        "परसों हमला हुआ।"
    )
    got = [(m.text, m.value and m.value.value) for m in find_times(text, WED_0813, "auto")]
    assert got == [
        ("शुक्रवार", "2025-08-15"),
        ("बुधवार", "2025-08-13"),
        ("कल", "2025-08-14"),
        ("परसों", "2025-08-11"),
    ]


def test_auto_tense_on_seed_002() -> None:
    text = seed("002")
    got = {(m.text, m.value and m.value.value) for m in find_times(text, WED_0813, "auto")}
    assert {
        ("बुधवार", "2025-08-13"),
        ("शुक्रवार", "2025-08-15"),
        ("पिछले साल जून", "2024-06"),
        ("15 अगस्त", "2025-08-15"),
    } <= got


# --------------------------------------------------------------------------- datelines and publication dates


@pytest.mark.parametrize(
    "line",
    [
        "Aug 13, 2025, 11:03 AM",
        "13 August 2025",
        "13 अगस्त 2025",
        "अगस्त 13, 2025",
        "2025-08-13",
        " date 2025-08-13 अन्तरराष्ट्रीय",
        "Published on 13 Aug 2025",
        "Wednesday, August 13, 2025",
        "Updated: Aug. 13, 2025 10:00 IST",
        "13/08/2025",
        "१३ अगस्त २०२५",
    ],
)
def test_parse_dateline(line: str) -> None:
    assert parse_dateline(line) == D(2025, 8, 13)


@pytest.mark.parametrize(
    "line", ["", "Aug 13", "13 अगस्त", "Photo: kremlin website", "31 June 2025", "2025", "जून 2024", "???"]
)
def test_parse_dateline_needs_a_full_date(line: str) -> None:
    assert parse_dateline(line) is None


def test_parse_dateline_line_by_line_is_the_whole_texts_first_full_date() -> None:
    """parse_dateline stops at the first line with a full date; that must be the first full date the
    whole text gives (overlaps settled as find_times settles them), wherever lines break."""
    import random

    lines = [line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text(encoding="utf-8").split("\n")]
    pieces = ["13 अगस्त 2025", "बुधवार, 11 जून 2025", "बुधवार (11 जून) 2025", "2025-08-13", "13/08/2025",
              "Aug 13, 2025", "जून 2024", "11 जून", "2024", "वर्ष 2024 में", "पिछले साल 5 मई", "5 मई,", "31 जून 2025"]
    rng = random.Random(5)
    checked = found = 0
    for _ in range(1500):
        parts = []
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.4:
                parts.append(rng.choice(pieces))
            else:
                line = rng.choice(lines)
                a = rng.randint(0, len(line))
                parts.append(line[a:a + rng.randint(0, 80)])
        text = rng.choice(["\n", " ", "\n\n", " \n", ", ", "\n "]).join(parts)
        whole = timex._full_dates(timex._fold(text)[0], timex._lang())
        assert parse_dateline(text) == (whole[0][2] if whole else None), text
        checked += 1
        found += bool(whole)
    assert checked == 1500 and 300 < found < 1400   # both outcomes exercised


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("000", D(2025, 9, 3)), ("002", D(2025, 8, 13)), ("003", D(2025, 6, 11)), ("001", None), ("004", None)],
)
def test_infer_published_on_seeds(prefix: str, expected: datetime.date | None) -> None:
    assert infer_published(seed(prefix)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("केसीएनए ने बुधवार (11 जून) को बताया कि किम ने बधाई भेजी है। 2024 में मिसाइलें भेजी थीं।", D(2025, 6, 11)),
        ("सेना ने मंगलवार (11 जून) को बताया। 2019 में समझौता हुआ था।", D(2019, 6, 11)),
        ("सेना ने मंगलवार (11 जून) को बताया। 2020 में समझौता हुआ था।", D(2024, 6, 11)),
        ("केसीएनए ने बुधवार (11 जून) को बताया।", None),  # no year anywhere: cannot fix one
        ("केसीएनए ने बुधवार को बताया। 2024 में समझौता हुआ।", None),  # weekday without a date
        ("शीर्षक\nPublished on 13 Aug 2025\nकेसीएनए ने बुधवार (11 जून) को बताया। 2024", D(2025, 8, 13)),
        ("नई दिल्ली, 13 अगस्त 2025\nसमाचार का पाठ।", D(2025, 8, 13)),
        # a dated event in the first line is running text, not a dateline
        ("11 जून 2024 को प्योंगयांग में संधि पर हस्ताक्षर हुए थे।", None),
        ("", None),
    ],
)
def test_infer_published(text: str, expected: datetime.date | None) -> None:
    assert infer_published(text) == expected


def test_dateline_only_in_the_first_lines() -> None:
    text = "\n".join(["पाठ की एक पंक्ति।"] * 12 + ["Aug 13, 2025"])
    assert infer_published(text) is None


# --------------------------------------------------------------------------- offsets, folding, robustness


_WORDISH = regex.compile(r"[\p{L}\p{M}\p{N}]")


def assert_well_cut(text: str, found: list[TimeMention]) -> None:
    """Offsets slice the text at word edges, in order, without overlaps."""
    for m in found:
        assert text[m.start : m.end] == m.text
        assert m.text == m.text.strip() and m.text
        # (an orphan nukta before a word is folded away, so it may precede a mention)
        before = text[: m.start].rstrip("\u093c")
        assert not before or not _WORDISH.match(before[-1]), (m, before[-1])
        assert m.end == len(text) or not _WORDISH.match(text[m.end]), (m, text[m.end])
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        (
            "आज़ाद भारत में फ़रवरी 2022 के बाद, 15 अगस्त को और पिछले वर्ष जून में हफ़्ते भर बैठकें हुईं।",
            ["फ़रवरी 2022", "15 अगस्त", "पिछले वर्ष जून"],
        ),
        (
            "ज़ोर देकर कहा कि बुधवार (11 जून) को बैठक हुई; २०२४ में सेना गई। पिछले हफ़्ते वार्ता हुई।",
            ["बुधवार (11 जून)", "२०२४", "पिछले हफ़्ते"],
        ),
    ],
)
def test_offsets_slice_the_original_text(text: str, mentions: list[str]) -> None:
    found = find_times(text, WED_0903, "auto")
    assert [m.text for m in found] == mentions
    assert [m.start for m in found] == [text.index(t) for t in mentions]
    assert_well_cut(text, found)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_offsets_on_seeds(prefix: str) -> None:
    text = seed(prefix)
    assert_well_cut(text, find_times(text, infer_published(text), "auto"))


def test_nukta_variants_match_alike() -> None:
    with_nukta = find_times("फ़रवरी 2022 में", None)
    without = find_times("फरवरी 2022 में", None)
    assert [m.value for m in with_nukta] == [m.value for m in without] == [TimeValue("2022-02", "month")]
    assert with_nukta[0].text == "फ़रवरी 2022"  # the original spelling, nukta included
    # a decomposed nukta inside the mention shifts later offsets correctly
    m = only("हफ़्ते भर बाद 15 अगस्त को", WED_0813)
    assert m.text == "15 अगस्त"


def test_devanagari_digits() -> None:
    m = only("११ जून २०२४ को", None)
    assert m.value == TimeValue("2024-06-11", "day")


@pytest.mark.parametrize(
    "garbage", ["", " ", "\n\n\n", "\x00\ufffd", "((((", "१" * 5000, "2024" * 3000, "जून " * 2000, "़़़", "9" * 10]
)
def test_odd_input_never_raises(garbage: str) -> None:
    for tense in (None, "past", "future", "auto"):
        assert_well_cut(garbage, find_times(garbage, WED_0903, tense))
    infer_published(garbage)
    parse_dateline(garbage)
    detect_tense(garbage)


def test_dates_near_the_end_of_the_calendar_do_not_raise() -> None:
    assert value("कल", D(9999, 12, 31), "future") is None
    assert value("अगले साल", D(9999, 6, 1)) is None
    assert value("जून में", D(9999, 9, 1), "future") is None


def test_non_string_text_gives_nothing() -> None:
    assert find_times(None, WED_0903) == []  # type: ignore[arg-type]
    assert infer_published(None) is None  # type: ignore[arg-type]
    assert detect_tense(None) is None  # type: ignore[arg-type]


def test_bad_arguments_name_the_value() -> None:
    with pytest.raises(ValueError, match="'present'"):
        find_times("आज", WED_0903, "present")
    with pytest.raises(TypeError, match="2025-09-03"):
        find_times("आज", "2025-09-03")  # type: ignore[arg-type]


def test_datetime_published_is_accepted() -> None:
    assert value("आज", datetime.datetime(2025, 9, 3, 11, 3)) == "2025-09-03"


# --------------------------------------------------------------------------- the language data


def test_language_data_covers_every_month_and_weekday() -> None:
    data = json.loads((lang_dir() / "time.json").read_text(encoding="utf-8"))
    assert sorted(m["number"] for m in data["months"]) == list(range(1, 13))
    assert sorted(d["number"] for d in data["weekdays"]) == list(range(7))
    assert all(m["hi"] and m["en"] for m in data["months"])


def test_no_hindi_words_hard_coded_in_the_module() -> None:
    """Language data belongs in time.json: no Devanagari letters in code outside docstrings."""
    source = Path(timex.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    letters = regex.compile(r"[\u0900-\u0963\u0966-\u097f]")  # Devanagari except the dandas
    offenders = [
        ast.get_source_segment(source, node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        and letters.search(ast.get_source_segment(source, node) or "")
    ]
    assert offenders == []


def test_language_data_is_loaded_once() -> None:
    assert timex._lang() is timex._lang()


# --------------------------------------------------------------------------- properties


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402

_PIECES = st.sampled_from(
    ["जून", "11", "२०२४", "2024", " ", ",", "(", ")", "बुधवार", "पिछले", "वर्ष", "में", "को", "कल", "़",
     "फ़रवरी", "।", "\n", "Aug", "13", "-", "हफ़्ते", "करेगा", "किया", "की"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join), st.sampled_from([None, "past", "future", "auto"]))
def test_property_offsets_and_values(text: str, tense: str | None) -> None:
    found = find_times(text, WED_0903, tense)
    assert_well_cut(text, found)
    for m in found:
        assert m.kind in {"date", "month", "year", "weekday", "relative"}
        if m.value is not None:
            assert parse_value(m.value.value) == m.value
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
