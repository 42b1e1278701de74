"""Each extractor on the phenomena Hindi news uses, in sentences written for these tests."""
from __future__ import annotations

import datetime as dt

import pytest

from kg.article import parse_article
from kg.pipeline import extract

E = "https://w3id.org/ghatna/id/entity/"
PUB = dt.date(2025, 3, 6)  # a Thursday


def events(text: str, published: dt.date | None = PUB, type_: str | None = None):
    article = parse_article("t", text.encode("utf-8"), published=published)
    out = extract(article)
    return [e for e in out if type_ is None or e.type == type_]


def names(iris):
    return sorted(i.rsplit("/", 1)[-1] for i in iris)


# ------------------------------------------------------------------ meetings
def test_meeting_with_ke_saath_date_and_place():
    [m] = events("प्रधानमंत्री नरेंद्र मोदी ने बुधवार को नई दिल्ली में जापान के प्रधानमंत्री शिगेरु इशिबा के साथ "
                 "द्विपक्षीय वार्ता की।", dt.date(2025, 3, 6), "Meeting")
    assert names(m.roles["participant"]) == ["narendra-modi", "shigeru-ishiba"]
    assert m.date == "2025-03-05" and m.status == "occurred"
    assert "new-delhi" in names(m.roles["place"])


def test_phone_call_is_a_phone_call():
    [m] = events("चीनी राष्ट्रपति शी जिनपिंग ने रूसी राष्ट्रपति व्लादिमीर पुतिन से फोन पर बातचीत की।", type_="Meeting")
    assert m.subtype == "PhoneCall" and m.medium == "phone"


def test_planned_meeting_is_planned_and_dated_forward():
    [m] = events("अगले सोमवार को मोदी और पुतिन की मुलाकात होगी।", type_="Meeting")
    assert m.status == "planned" and m.date == "2025-03-10"


@pytest.mark.parametrize("text", [
    "पुतिन और ट्रंप की प्रस्तावित मुलाकात रद्द हो गई।",
    "मोदी और शी के बीच इस बार कोई बैठक नहीं होगी।",
    "अगर पुतिन और ट्रंप मिलते हैं तो युद्ध रुक सकता है।",
])
def test_cancelled_negated_or_hypothetical_meetings_give_no_event(text):
    assert events(text, type_="Meeting") == []


def test_a_possessor_and_the_one_told_are_not_participants():
    [m] = events("पुतिन के करीबी सहयोगी सर्गेई लावरोव ने अंकारा में तुर्की के विदेश मंत्री हकान फिदान से मुलाकात की।",
                 type_="Meeting")
    assert "vladimir-putin" not in names(m.roles["participant"])
    assert events("पुतिन ने शी को ट्रंप के साथ होने वाली बैठक के बारे में बताया।", type_="Meeting")[0].roles[
        "participant"] == [E + "donald-trump", E + "vladimir-putin"]


def test_press_talk_is_not_a_meeting():
    assert events("पत्रकारों से बातचीत में ज़ेलेंस्की ने कहा कि यूक्रेन झुकेगा नहीं।", type_="Meeting") == []


def test_here_is_the_dateline_city():
    [m] = events("बीजिंग, 5 मार्च (भाषा) रूसी विदेश मंत्री सर्गेई लावरोव ने बुधवार को यहां चीनी विदेश मंत्री वांग यी "
                 "से मुलाकात की।", type_="Meeting")
    assert names(m.roles["place"]) == ["beijing"]


# ------------------------------------------------------------------ statements
def test_direct_quote_with_verb_after_it_and_pronoun_speaker():
    text = ("रूसी विदेश मंत्री सर्गेई लावरोव ने गुरुवार को पत्रकारों को संबोधित किया। "
            "\"हम किसी भी दबाव के आगे नहीं झुकेंगे,\" उन्होंने कहा।")
    [s] = events(text, type_="Statement")
    assert s.roles["speaker"] == [E + "sergey-lavrov"] or names(s.roles["speaker"]) == ["sergei-lavrov"]
    assert s.quotes == ["हम किसी भी दबाव के आगे नहीं झुकेंगे"] and s.quote_kind == "direct"


def test_agency_relays_and_is_not_the_speaker():
    [s] = events("तास के अनुसार, क्रेमलिन के प्रवक्ता दिमित्री पेसकोव ने कहा कि बातचीत रचनात्मक रही।", type_="Statement")
    assert names(s.roles["speaker"]) == ["dmitry-peskov"]
    assert "tass" in names(s.roles.get("reportedBy", []))
    assert s.quotes == ["बातचीत रचनात्मक रही"]
    assert events("रॉयटर्स ने बताया कि दोनों देशों में सहमति बन गई है।", type_="Statement") == []


def test_cited_speaker_ke_hawale_se():
    [s] = events("आरआईए ने पेसकोव के हवाले से बताया, \"कोई समझौता नहीं हुआ।\"", type_="Statement")
    assert names(s.roles["speaker"]) == ["dmitry-peskov"]


def test_unknown_speaker_after_a_title_is_minted_and_short_name_resolves():
    text = ("मालदीव के विदेश मंत्री अहमद रशीद ने कहा कि भारत सबसे करीबी मित्र है। "
            "रशीद ने यह भी कहा कि पर्यटन बढ़ेगा।")
    ss = events(text, type_="Statement")
    speakers = {s.roles["speaker"][0] for s in ss}
    assert len(speakers) == 1 and "/entity/new/" in speakers.pop()
    assert len(ss) == 2


# ------------------------------------------------------------------ deployments
@pytest.mark.parametrize("text,count,qualifier", [
    ("उत्तर कोरिया ने रूस में लगभग 12,000 सैनिक भेजे हैं।", 12000, "about"),
    ("बेलारूस में रूस के 1,50,000 से अधिक सैनिक तैनात हैं।", 150000, "more than"),
    ("अमेरिका ने पोलैंड में कम से कम दो हजार सैनिक तैनात किए।", 2000, "at least"),
    ("जर्मनी लिथुआनिया में ४,८०० सैनिक तैनात करेगा।", 4800, "exactly"),
])
def test_deployment_counts_and_qualifiers(text, count, qualifier):
    [d] = events(text, type_="TroopDeployment")
    assert [(c.count, c.qualifier) for c in d.counts] == [(count, qualifier)]


def test_planned_deployment_and_two_personnel_kinds():
    ds = events("रिपोर्ट के मुताबिक उत्तर कोरिया कुर्स्क में 3,000 सैन्य निर्माणकर्मी और 500 सैपर भेजेगा।",
                type_="TroopDeployment")
    assert sorted(d.counts[0].count for d in ds) == [500, 3000]
    assert all(d.status == "planned" for d in ds)


@pytest.mark.parametrize("text", [
    "उत्तर कोरिया ने रूस को 100 बैलिस्टिक मिसाइलें भेजीं।",
    "हमले में रूस के 1,200 सैनिक मारे गए।",
    "गणतंत्र दिवस पर दिल्ली में 10,000 पुलिसकर्मी तैनात किए गए।",
    "भारत ने मालदीव से अपने 80 सैन्य कर्मियों को वापस बुला लिया।",
])
def test_arms_casualties_police_and_withdrawals_are_not_deployments(text):
    assert events(text, type_="TroopDeployment") == []


# ------------------------------------------------------------------ treaties
def test_treaty_signing_place_and_entry_into_force():
    text = ("रूस और ईरान ने 17 जनवरी 2025 को मॉस्को में व्यापक रणनीतिक साझेदारी संधि पर हस्ताक्षर किए। "
            "यह संधि अक्टूबर 2025 से लागू हो गई।")
    [t] = [e for e in events(text, type_="Treaty") if len(e.roles.get("party", [])) >= 2]
    assert names(t.roles["party"]) == ["iran", "russia"] and t.date == "2025-01-17"


@pytest.mark.parametrize("text", [
    "टाटा और एयरबस कंपनियों के बीच विमान बनाने का करार हुआ।",
    "भारत और अमेरिका के बीच व्यापार समझौता नहीं हो सका।",
])
def test_commercial_and_failed_deals_are_not_treaties(text):
    assert events(text, type_="Treaty") == []
