"""A deterministic corpus of synthetic Hindi news articles for benchmarks.

    python -m benchmarks.generate N OUTDIR [--seed S]

writes ``N`` ``.txt`` articles to ``OUTDIR``. The sentences follow the patterns of the seed articles
(``seeds/``) and the test articles (``tests/data/articles``): meetings, phone calls, planned meetings,
direct, indirect and relayed statements, troop deployments with counts written in the ways Hindi news
writes them (``10,000``, ``1,10,000``, ``४,८००``, ``10 हजार``, ``डेढ़ लाख``, with ``करीब``/``से अधिक``
qualifiers and attributions), treaties with signing and entry into force. They are recombined with
*other* people, countries, places, dates, figures and quotes drawn from the gazetteer
(``ontology/entities.ttl``). Articles carry the web furniture the seeds have (``यह भी पढ़ें:`` lines,
``Source link``, ``Latest articles`` tails), some a ``date YYYY-MM-DD`` header, some an English
dateline, some none; about 10% report no event at all (markets, weather, sport). Sizes are like the
seeds' (2–8 KB).

Events come from a pool of "stories" (about one per two articles), so the same real event is reported
by several articles, as in news, and the identity resolver has real merging to do.

Everything is drawn from ``random.Random`` seeded by ``--seed`` (and the article number): the same
arguments always give byte-identical files. No network.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["generate", "Pools", "load_pools", "main"]

MONTHS = ["जनवरी", "फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर"]
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WEEKDAYS = ["सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार"]
DEV_DIGITS = str.maketrans("0123456789", "०१२३४५६७८९")
START = dt.date(2022, 1, 1)
END = dt.date(2026, 3, 1)

_DEVANAGARI = re.compile(r"^[\u0900-\u097f ]+$")


# ------------------------------------------------------------------------------------------ pools
@dataclass
class Person:
    name: str           # full Hindi label
    short: str          # a one-word Hindi name (surname) when the gazetteer has one
    country: "Country"


@dataclass
class Country:
    iri: str
    name: str
    capital: str | None
    demonym: str | None
    places: list[str] = field(default_factory=list)   # places located in it (Hindi labels)


@dataclass
class Pools:
    persons: list[Person]
    countries: list[Country]
    agencies: list[str]


def load_pools() -> Pools:
    """People with a country, countries with a capital, places and news agencies from the gazetteer."""
    from kg.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    ents = gaz.entities
    countries: dict[str, Country] = {}
    for e in sorted(ents.values(), key=lambda e: e.iri):
        if e.kind != "country" or not e.label_hi or not _DEVANAGARI.match(e.label_hi):
            continue
        cap = ents.get(e.capital) if e.capital else None
        demonym = next((d for d in e.demonyms if _DEVANAGARI.match(d)), None)
        countries[e.iri] = Country(e.iri, e.label_hi, cap.label_hi if cap and cap.label_hi else None, demonym)
    for e in sorted(ents.values(), key=lambda e: e.iri):
        if e.kind == "place" and e.label_hi and _DEVANAGARI.match(e.label_hi):
            for outer in e.located_in:
                if outer in countries and e.label_hi != countries[outer].capital:
                    countries[outer].places.append(e.label_hi)
    persons = []
    for e in sorted(ents.values(), key=lambda e: e.iri):
        if e.kind != "person" or not e.country or e.country not in countries:
            continue
        if not e.label_hi or not _DEVANAGARI.match(e.label_hi):
            continue
        words = e.label_hi.split()
        shorts = [n for n in e.names if _DEVANAGARI.match(n) and " " not in n and len(words) > 1 and n == words[-1]]
        persons.append(Person(e.label_hi, shorts[0] if shorts else e.label_hi, countries[e.country]))
    agencies = sorted({e.label_hi for e in ents.values()
                       if e.kind == "agency" and e.label_hi and _DEVANAGARI.match(e.label_hi)})
    used = {p.country.iri for p in persons}
    # keep countries that have a capital; people's countries first so that pairs are plausible
    clist = [c for c in countries.values() if c.capital]
    clist.sort(key=lambda c: (c.iri not in used, c.iri))
    return Pools(persons, clist, agencies or ["रॉयटर्स"])


# ------------------------------------------------------------------------------------------ text pieces
TOPICS = ["व्यापार", "ऊर्जा", "रक्षा", "कनेक्टिविटी", "प्रौद्योगिकी", "कृषि", "स्वास्थ्य", "शिक्षा", "अंतरिक्ष",
          "परमाणु ऊर्जा", "जलवायु परिवर्तन", "आतंकवाद-रोधी सहयोग", "समुद्री सुरक्षा", "डिजिटल भुगतान", "पर्यटन"]
Q_SUBJECTS = ["हमारे दोनों देशों के बीच सहयोग", "क्षेत्र में शांति और स्थिरता", "{c} के साथ हमारी साझेदारी",
              "व्यापार और ऊर्जा के क्षेत्र में हमारे रिश्ते", "अंतरराष्ट्रीय कानून का सम्मान", "हमारे नागरिकों की सुरक्षा",
              "यह दौरा", "आज की यह मुलाकात", "{c} के प्रति हमारी प्रतिबद्धता", "बहुपक्षीय व्यवस्था में सुधार",
              "युद्ध के मैदान में समाधान", "हमारी संप्रभुता और क्षेत्रीय अखंडता", "{c} के लोगों के साथ हमारी दोस्ती",
              "वैश्विक दक्षिण की आवाज", "आर्थिक गलियारे का काम", "ऊर्जा आपूर्ति की सुरक्षा", "तकनीकी सहयोग"]
Q_PREDICATES = ["हमारी सर्वोच्च प्राथमिकता है", "लगातार मजबूत हो रहे हैं", "एक नए स्तर पर पहुंचेंगे",
                "किसी भी कीमत पर सुनिश्चित की जाएगी", "भविष्य के लिए बहुत अहम है", "संभव नहीं है",
                "हर हाल में जारी रहेगी", "पूरी दुनिया के हित में है", "बहुत सकारात्मक रही", "ऐतिहासिक कदम है",
                "किसी तीसरे देश के खिलाफ नहीं है", "अब पहले से कहीं ज्यादा जरूरी है", "हमारे साझा मूल्यों पर आधारित है"]
Q_TAILS = ["", "", "हम इस दिशा में मिलकर आगे बढ़ते रहेंगे।", "किसी को भी इसमें हस्तक्षेप नहीं करना चाहिए।",
           "हम अपने वादों पर कायम हैं।", "आने वाले वर्षों में इसके नतीजे दिखेंगे।", "दुनिया इसे ध्यान से देख रही है।",
           "हमारे दरवाजे बातचीत के लिए हमेशा खुले हैं।", "यह हमारी साझा जिम्मेदारी है।"]
INDIRECT = ["उनका देश हमेशा {c} के साथ खड़ा रहेगा", "दोनों देशों के रिश्ते रणनीतिक साझेदारी के स्तर पर पहुंच गए हैं",
            "{c} को सैन्य सहायता जारी रहेगी", "क्षेत्र में तनाव कम करने के लिए कूटनीति ही एकमात्र रास्ता है",
            "{c} पर लगाए गए प्रतिबंध गैरकानूनी हैं", "उनकी सरकार {topic} के क्षेत्र में निवेश बढ़ाएगी",
            "{c} के साथ व्यापार अगले पांच साल में दोगुना हो जाएगा", "वह जल्द ही {c} का दौरा करेंगे",
            "{topic} पर दोनों पक्षों के बीच अच्छी प्रगति हुई है", "उनका देश किसी भी दबाव के आगे नहीं झुकेगा"]
SAY_DIRECT = ["{s} ने {when}कहा, “{q}”", "{s} ने पत्रकारों से कहा, \"{q}\"", "बाद में {s} ने कहा, '{q}'",
              "{s} ने एक्स पर लिखा, \"{q}\"", "संयुक्त प्रेस वार्ता में {s} ने कहा, “{q}”",
              "{s} ने जोर देकर कहा, \"{q}\""]
SAY_INDIRECT = ["{s} ने कहा कि {i}।", "{s} का कहना है कि {i}।", "{s} ने {when}बताया कि {i}।",
                "{a} के मुताबिक, {s} ने कहा कि {i}।", "{a} की रिपोर्ट के अनुसार, {s} ने आश्वासन दिया कि {i}।"]
TREATY_KINDS = ["व्यापक रणनीतिक साझेदारी संधि", "पारस्परिक रक्षा संधि", "रक्षा सहयोग संधि", "मैत्री और सहयोग संधि",
                "परमाणु ऊर्जा सहयोग समझौते", "सीमा समझौते", "सुरक्षा समझौते"]
PERSONNEL = ["सैनिक", "सैनिकों", "सैन्यकर्मी", "सैन्य इंजीनियर", "सैपर", "जवान", "सैन्य सलाहकार", "नौसैनिक"]
ATTRIBUTIONS = ["दक्षिण कोरियाई खुफिया एजेंसी", "अमेरिकी अधिकारियों", "पश्चिमी खुफिया सूत्रों", "स्थानीय मीडिया",
                "रक्षा मंत्रालय", "एक रिपोर्ट"]
DURATIONS = ["एक घंटे", "डेढ़ घंटे", "ढाई घंटे", "40 मिनट", "दो घंटे"]
FILLERS = [
    "{c1} और {c2} के संबंध पिछले कुछ वर्षों में तेजी से बदले हैं।",
    "{c1} की अर्थव्यवस्था पर प्रतिबंधों का असर साफ दिखाई दे रहा है।",
    "{city} में सुरक्षा के कड़े इंतजाम थे और कई सड़कों पर यातायात रोका गया।",
    "इस दौरान {t1}, {t2} और {t3} जैसे क्षेत्रों में सहयोग बढ़ाने के उपायों पर विचार हुआ।",
    "{c1} और {c2} के बीच द्विपक्षीय व्यापार पिछले वित्त वर्ष में {n} अरब डॉलर के पार पहुंच गया।",
    "विशेषज्ञ मानते हैं कि {c1} की विदेश नीति में यह बड़ा बदलाव है।",
    "{c1} लंबे समय से {c2} का प्रमुख ऊर्जा आपूर्तिकर्ता रहा है।",
    "पश्चिमी देशों ने इस घटनाक्रम पर चिंता जताई है।",
    "{c1} के विपक्षी दलों ने सरकार की इस नीति की आलोचना की है।",
    "{city} की सड़कों पर दोनों देशों के झंडे लगाए गए थे।",
    "{c1} में अगले साल आम चुनाव होने हैं, जिसे देखते हुए यह कदम अहम माना जा रहा है।",
    "पिछले दशक में {c1} ने {c2} में {t1} के क्षेत्र में भारी निवेश किया है।",
    "{c1} की मुद्रा पिछले एक महीने में डॉलर के मुकाबले {n} फीसदी कमजोर हुई है।",
    "इस क्षेत्र में सुरक्षा स्थिति लगातार तनावपूर्ण बनी हुई है।",
    "{c1} और {c2} दोनों संयुक्त राष्ट्र सुरक्षा परिषद में अलग-अलग रुख रखते आए हैं।",
    "यह पहली बार है जब {c1} ने इस तरह का सार्वजनिक रुख अपनाया है।",
    "{city} हवाई अड्डे पर उनका औपचारिक स्वागत हुआ।",
    "{c1} के विदेश मंत्रालय ने इस बारे में विस्तृत जानकारी सार्वजनिक नहीं की।",
    "{t1} और {t2} के मुद्दे लंबे समय से दोनों पक्षों के एजेंडे पर हैं।",
    "{c1} के सरकारी टेलीविजन ने इसका सीधा प्रसारण किया।",
]
NO_EVENT = [
    "घरेलू शेयर बाजार में {wd} को लगातार तीसरे दिन तेजी रही।",
    "बीएसई का सेंसेक्स {n}.{m} अंक चढ़कर {big} पर बंद हुआ।",
    "डिफेंस शेयरों में सबसे ज्यादा खरीदारी दिखी।",
    "मौसम विभाग ने अगले {n} दिनों में भारी बारिश का अनुमान जताया है।",
    "{city} में तापमान {n} डिग्री सेल्सियस तक पहुंच गया।",
    "कई इलाकों में जलभराव से लोगों को परेशानी हुई।",
    "टीम ने पहले बल्लेबाजी करते हुए {big2} रन बनाए।",
    "कप्तान ने शानदार शतक लगाया और टीम को जीत दिलाई।",
    "सोने की कीमत {big} रुपये प्रति दस ग्राम पर पहुंच गई।",
    "विशेषज्ञों के मुताबिक आने वाले दिनों में बाजार में उतार-चढ़ाव बना रह सकता है।",
    "संधि और समझौता ज्ञापन में अंतर समझना जरूरी है: संधि कानूनी रूप से बाध्यकारी होती है।",
    "इस साल की फसल पिछले साल की तुलना में बेहतर रहने की उम्मीद है।",
    "यात्रियों की सुविधा के लिए रेलवे ने {n} विशेष ट्रेनें चलाने का फैसला किया है।",
]
NO_EVENT_HEADLINES = ["Stock Market Today: सेंसेक्स {n} अंक उछला, निफ्टी नई ऊंचाई पर", "मौसम अपडेट: {city} में भारी बारिश का अलर्ट",
                      "क्रिकेट: रोमांचक मुकाबले में मेजबान टीम की जीत", "सोना-चांदी के दाम में तेजी, जानें आज का भाव",
                      "एक्सप्लेनर: संधि और समझौता ज्ञापन में क्या अंतर है"]
READ_ALSO = ["यह भी पढ़ें: {c1} में बड़ा फैसला, जानिए इसका क्या होगा असर", "यह भी पढ़ें: {city} में हालात पर सबकी नजर",
             "ये भी पढ़ें: {c1} के साथ रिश्तों पर क्या बोले विशेषज्ञ?", "यह भी पढ़ें: सावन के पहले दिन घर की इस दिशा में जलाएं दीपक"]
TAIL_JUNK = ["सावन के पहले दिन घर की इस दिशा में जलाएं दीपक, महादेव देंगे धन-दौलत",
             "वहीं, वास्तु शास्त्र के अनुसार, सावन के इन शुभ दिनों में दीपक जलाना...",
             "MSNBC Names New White House Correspondents & More",
             "Big changes are happening at MSNBC as the network prepares to split from...",
             "Dsquared2 Spring 2026: Out of Fashion Week Tempo, but With a Jingle",
             "In a surprising move, Dean and Dan Caten summoned the press to unveil..."]
INVENTED_FIRST = ["लिन", "अहमद", "कार्लोस", "योशिदा", "मिखाइल", "अन्ना", "हसन", "पेद्रो", "सुन", "इवान", "ओल्गा", "तारिक"]
INVENTED_LAST = ["जियानहुआ", "करीमोव", "मेंडेस", "ताकाशी", "वोरोनिन", "पेत्रोवा", "अल-सैयद", "रोचा", "मिंग", "कोवाल"]


# ------------------------------------------------------------------------------------------ stories
@dataclass
class Statement:
    speaker: Person
    quote: str
    indirect: str
    direct: bool


@dataclass
class Story:
    kind: str                        # meeting | phone | planned | deployment | treaty
    date: dt.date
    a: Person | None = None
    b: Person | None = None
    place: str | None = None
    sender: Country | None = None
    host: Country | None = None
    destination: str | None = None
    count: int = 0
    personnel: str = "सैनिक"
    attribution: str | None = None
    parties: tuple[Country, Country] | None = None
    treaty_kind: str = ""
    in_force: dt.date | None = None
    planned_date: dt.date | None = None
    statements: list[Statement] = field(default_factory=list)


def _pair(rng: random.Random, pools: Pools) -> tuple[Person, Person]:
    a = rng.choice(pools.persons)
    for _ in range(20):
        b = rng.choice(pools.persons)
        if b.country.iri != a.country.iri:
            return a, b
    return a, rng.choice([p for p in pools.persons if p is not a])


def _quote(rng: random.Random, c: Country) -> str:
    q = rng.choice(Q_SUBJECTS).format(c=c.name) + " " + rng.choice(Q_PREDICATES) + "।"
    tail = rng.choice(Q_TAILS)
    return q + (" " + tail if tail else "")


def _indirect(rng: random.Random, c: Country) -> str:
    return rng.choice(INDIRECT).format(c=c.name, topic=rng.choice(TOPICS))


def _rand_date(rng: random.Random) -> dt.date:
    return START + dt.timedelta(days=rng.randrange((END - START).days))


def make_stories(n: int, rng: random.Random, pools: Pools) -> list[Story]:
    stories = []
    for _ in range(n):
        kind = rng.choices(["meeting", "phone", "planned", "deployment", "treaty"], [40, 15, 12, 20, 13])[0]
        s = Story(kind=kind, date=_rand_date(rng))
        if kind in ("meeting", "phone", "planned"):
            s.a, s.b = _pair(rng, pools)
            host = rng.choice([s.a.country, s.b.country])
            s.place = host.capital if rng.random() < 0.7 or not host.places else rng.choice(host.places)
            if kind == "planned":
                s.planned_date = s.date + dt.timedelta(days=rng.randint(5, 60))
            for speaker in rng.sample([s.a, s.b], rng.randint(1, 2)):
                other = s.b.country if speaker is s.a else s.a.country
                s.statements.append(Statement(speaker, _quote(rng, other), _indirect(rng, other), rng.random() < 0.6))
        elif kind == "deployment":
            s.sender, s.host = rng.sample(pools.countries[:60], 2)
            s.destination = rng.choice(s.host.places) if s.host.places and rng.random() < 0.6 else s.host.name
            s.count = rng.choice([500, 800, 1000, 1500, 2500, 3000, 4800, 5000, 8000, 10000, 11000, 12000, 15000,
                                  20000, 35000, 110000, 150000, 200000])
            s.personnel = rng.choice(PERSONNEL)
            s.attribution = rng.choice(ATTRIBUTIONS) if rng.random() < 0.6 else None
            s.kind = "deployment" if rng.random() < 0.75 else "deployment_planned"
            speakers = [p for p in pools.persons if p.country.iri == s.sender.iri]
            if speakers and rng.random() < 0.5:
                sp = rng.choice(speakers)
                s.statements.append(Statement(sp, _quote(rng, s.host), _indirect(rng, s.host), rng.random() < 0.5))
        else:
            c1, c2 = rng.sample(pools.countries[:60], 2)
            s.parties = (c1, c2)
            s.place = rng.choice([c1, c2]).capital
            s.treaty_kind = rng.choice(TREATY_KINDS)
            if rng.random() < 0.5:
                s.in_force = s.date + dt.timedelta(days=rng.randint(60, 200))
        stories.append(s)
    return stories


# ------------------------------------------------------------------------------------------ rendering
def _count_text(rng: random.Random, n: int) -> str:
    forms = []
    forms.append(f"{n:,}")
    s = str(n)
    if n >= 1000:  # Indian grouping: 1,10,000
        head, tail = s[:-3], s[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        forms.append(",".join(groups + [tail]))
    forms.append(forms[-1].translate(DEV_DIGITS))
    if n % 1000 == 0 and n < 100000:
        forms.append(f"{n // 1000} हजार")
    if n == 150000:
        forms.append("डेढ़ लाख")
    if n == 200000:
        forms.append("दो लाख")
    if n == 500:
        forms.append("पांच सौ")
    if n == 5000:
        forms.append("पांच हजार")
    if n == 1000:
        forms.append("एक हजार")
    text = rng.choice(forms)
    q = rng.random()
    if q < 0.25:
        return f"करीब {text}"
    if q < 0.45:
        return f"{text} से अधिक"
    if q < 0.55:
        return f"कम से कम {text}"
    if q < 0.65:
        return f"लगभग {text}"
    return text


def _when(rng: random.Random, d: dt.date, pub: dt.date | None, suffix: str = "को") -> str:
    """A Hindi time expression for ``d`` as an article published on ``pub`` would write it."""
    if pub is not None and 0 < (pub - d).days <= 6 and rng.random() < 0.6:
        return f"{WEEKDAYS[d.weekday()]} {suffix} "
    if pub is not None and d.year == pub.year and rng.random() < 0.7:
        return f"{d.day} {MONTHS[d.month - 1]} {suffix} "
    if pub is not None and d.year == pub.year - 1 and rng.random() < 0.3:
        return f"पिछले साल {MONTHS[d.month - 1]} में "
    return f"{d.day} {MONTHS[d.month - 1]} {d.year} {suffix} "


def _person(rng: random.Random, p: Person, first: bool) -> str:
    if not first and rng.random() < 0.6:
        return p.short
    r = rng.random()
    if r < 0.35:
        return f"{p.country.name} के नेता {p.name}"
    if r < 0.5 and p.country.demonym:
        return f"{p.country.demonym} नेता {p.name}"
    return p.name


def render_event(rng: random.Random, s: Story, pub: dt.date | None, lead: bool) -> list[str]:
    """Sentences reporting story ``s`` (the lead one in full, a background one briefly)."""
    out: list[str] = []
    w = _when(rng, s.date, pub)
    if s.kind == "meeting":
        A, B = _person(rng, s.a, lead), _person(rng, s.b, lead)
        out.append(rng.choice([
            f"{A} ने {w}{s.place} में {B} से मुलाकात की।",
            f"{A} और {B} के बीच {w}{s.place} में द्विपक्षीय वार्ता हुई।",
            f"{s.place} में {w}{A} और {B} की बैठक हुई, जिसमें {rng.choice(TOPICS)} पर विस्तार से चर्चा हुई।",
            f"{A} ने {w}{s.place} में {B} की मेजबानी की।",
            f"{A} {w}{s.place} पहुंचे, जहां उन्होंने {B} से भेंट की।",
        ]))
        if lead:
            out.append(f"दोनों नेताओं ने {rng.choice(TOPICS)} और {rng.choice(TOPICS)} में सहयोग बढ़ाने पर सहमति जताई।")
    elif s.kind == "phone":
        A, B = _person(rng, s.a, lead), _person(rng, s.b, lead)
        out.append(rng.choice([
            f"{A} ने {w}{B} से फोन पर बातचीत की।",
            f"{A} और {B} के बीच {w}फोन पर करीब {rng.choice(DURATIONS)} तक बातचीत हुई।",
            f"{A} ने {w}{B} के साथ फोन पर बात की और {rng.choice(TOPICS)} पर चर्चा की।",
        ]))
    elif s.kind == "planned":
        A, B = _person(rng, s.a, lead), _person(rng, s.b, lead)
        pd = s.planned_date
        out.append(rng.choice([
            f"{A} और {B} की {pd.day} {MONTHS[pd.month - 1]} को {s.place} में मुलाकात तय है।",
            f"{A} और {B} के बीच {pd.day} {MONTHS[pd.month - 1]} को {s.place} में शिखर वार्ता होगी।",
            f"{A} अगले महीने {s.place} में {B} से मिलेंगे।",
        ]))
    elif s.kind in ("deployment", "deployment_planned"):
        n = _count_text(rng, s.count)
        src = f"{s.attribution} के मुताबिक, " if s.attribution and rng.random() < 0.7 else ""
        if s.kind == "deployment":
            out.append(rng.choice([
                f"{src}{s.sender.name} ने {s.destination} में {n} {s.personnel} तैनात किए हैं।",
                f"{src}{s.sender.name} के {n} {s.personnel} {s.destination} में तैनात हैं।",
                f"{src}{s.sender.name} ने {w}{s.host.name} को {n} {s.personnel} भेजे, जिन्हें {s.destination} में तैनात किया गया।",
            ]))
        else:
            out.append(rng.choice([
                f"{src}{s.sender.name} {s.host.name} में {n} {s.personnel} भेजेगा।",
                f"योजना के मुताबिक, {s.date.year + 1} के अंत तक {s.sender.name} {s.host.name} में {n} {s.personnel} तैनात करेगा।",
            ]))
    elif s.kind == "treaty":
        c1, c2 = s.parties
        out.append(rng.choice([
            f"{c1.name} और {c2.name} के नेताओं ने {w}{s.place} में एक {s.treaty_kind} पर हस्ताक्षर किए थे।",
            f"{c1.name} और {c2.name} ने {w}{s.place} में {s.treaty_kind} पर हस्ताक्षर किए।",
        ]))
        if s.in_force and lead and (pub is None or s.in_force <= pub):
            f = s.in_force
            out.append(rng.choice([f"यह संधि {f.day} {MONTHS[f.month - 1]} {f.year} से लागू हो गई।",
                                   f"यह संधि {MONTHS[f.month - 1]} {f.year} में लागू हुई।"]))
    if lead or rng.random() < 0.5:
        for st in s.statements[: 2 if lead else 1]:
            sp = _person(rng, st.speaker, False)
            if st.direct:
                out.append(rng.choice(SAY_DIRECT).format(s=sp, q=st.quote, when=w if rng.random() < 0.3 else ""))
            else:
                out.append(rng.choice(SAY_INDIRECT).format(s=sp, i=st.indirect, a=rng.choice(["रॉयटर्स", "एएफपी", "सरकारी मीडिया"]),
                                                           when=w if rng.random() < 0.3 else ""))
    return out


def _filler(rng: random.Random, pools: Pools, story: Story | None) -> str:
    cs: list[Country] = []
    if story is not None:
        cs = [c for c in (story.a.country if story.a else None, story.b.country if story.b else None,
                          story.sender, story.host, *(story.parties or ())) if c]
    c1 = rng.choice(cs) if cs and rng.random() < 0.7 else rng.choice(pools.countries)
    c2 = rng.choice(pools.countries)
    t = rng.sample(TOPICS, 3)
    return rng.choice(FILLERS).format(c1=c1.name, c2=c2.name, city=c1.capital, t1=t[0], t2=t[1], t3=t[2],
                                      n=rng.randint(2, 90))


def _headline(rng: random.Random, s: Story) -> str:
    if s.kind in ("meeting", "phone", "planned"):
        what = {"meeting": "मुलाकात", "phone": "फोन पर बातचीत", "planned": "अगली मुलाकात"}[s.kind]
        return rng.choice([f"{s.a.short}-{s.b.short} {what}: {rng.choice(TOPICS)} पर जोर",
                           f"{s.a.short} और {s.b.short} की {what}, {rng.choice(TOPICS)} पर बनी बात"])
    if s.kind.startswith("deployment"):
        return f"{s.sender.name} की सेना {s.host.name} में, बढ़ी हलचल"
    return f"{s.parties[0].name}-{s.parties[1].name} {s.treaty_kind}, जानिए क्या है खास"


def article_text(i: int, seed: int, stories: list[Story], pools: Pools) -> str:
    rng = random.Random(f"ghatna-bench:{seed}:{i}")
    lines: list[str] = []
    no_event = rng.random() < 0.10
    if no_event:
        main = None
        pub = _rand_date(rng)
    else:
        # a few big stories get many reports, the rest one to a few
        if rng.random() < 0.3:
            k = int(len(stories) * 0.05 * rng.random())
        else:
            k = rng.randrange(len(stories))
        main = stories[k]
        pub = main.date + dt.timedelta(days=rng.randint(0, 3))
    header = rng.random()
    if header < 0.55:
        lines.append(f"date {pub.isoformat()}" + (" अन्तरराष्ट्रीय" if rng.random() < 0.3 else ""))
    elif header < 0.8:
        lines.append(f"{MONTHS_EN[pub.month - 1]} {pub.day}, {pub.year}, {rng.randint(1, 11):02d}:{rng.randint(0, 59):02d} AM")
    known_pub = pub if header < 0.8 else None
    lines.append("")
    target = rng.randint(2000, 8000)
    paras: list[str] = []
    if no_event:
        city = rng.choice(pools.countries).capital
        lines.append(rng.choice(NO_EVENT_HEADLINES).format(n=rng.randint(100, 900), city=city))
        body_src = lambda: rng.choice(NO_EVENT).format(  # noqa: E731
            wd=rng.choice(WEEKDAYS), n=rng.randint(2, 40), m=rng.randint(10, 99), big=f"{rng.randint(20000, 90000):,}",
            big2=rng.randint(150, 380), city=rng.choice(pools.countries).capital)
        while sum(len(p.encode()) for p in paras) < target:
            paras.append(" ".join(body_src() for _ in range(rng.randint(2, 4))))
    else:
        lines.append(_headline(rng, main))
        lines.append("")
        lead = render_event(rng, main, known_pub, lead=True)
        dateline = (main.place or (main.host.capital if main.host else None) or rng.choice(pools.countries).capital)
        paras.append(f"{dateline}{rng.choice([':', '।'])} " + lead[0] + " " + _filler(rng, pools, main))
        rest = lead[1:]
        # background: older stories the article recalls, and related news
        extra = [s for s in rng.sample(stories, min(len(stories), rng.randint(1, 5))) if s.date <= pub and s is not main]
        for s in extra:
            sents = render_event(rng, s, known_pub, lead=False)
            if rng.random() < 0.5:
                sents[0] = "इससे पहले " + sents[0]
            rest.extend(sents)
        for sent in rest:
            paras.append(sent + (" " + _filler(rng, pools, main) if rng.random() < 0.5 else ""))
        if rng.random() < 0.15:  # an official the gazetteer does not know (minted from the title)
            name = f"{rng.choice(INVENTED_FIRST)} {rng.choice(INVENTED_LAST)}"
            c = main.a.country if main.a else (main.sender or main.parties[0])
            paras.append(f"{c.name} के विदेश मंत्रालय के प्रवक्ता {name} ने कहा कि {_indirect(rng, rng.choice(pools.countries))}।")
        while sum(len(p.encode()) for p in paras) < target - 600:
            paras.insert(rng.randint(1, len(paras)), " ".join(_filler(rng, pools, main) for _ in range(rng.randint(2, 4))))
        for _ in range(rng.randint(0, 2)):
            c = rng.choice(pools.countries)
            paras.insert(rng.randint(1, len(paras)), rng.choice(READ_ALSO).format(c1=c.name, city=c.capital))
    for p in paras:
        lines.append(p)
        lines.append("")
    if rng.random() < 0.3:
        lines += ["Source link", "", "Latest articles", ""] + rng.sample(TAIL_JUNK, 4)
    elif rng.random() < 0.2:
        lines += ["Source link", ""]
    return "\n".join(lines) + "\n"


def generate(n: int, outdir: str | Path, seed: int = 0) -> list[Path]:
    """Write ``n`` articles to ``outdir``; returns their paths (sorted)."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    pools = load_pools()
    stories = make_stories(max(10, n // 2), random.Random(f"ghatna-bench-stories:{seed}:{n}"), pools)
    paths = []
    for i in range(n):
        text = article_text(i, seed, stories, pools)
        name = f"b{i:06d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}.txt"
        p = out / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("outdir", help="folder to write the .txt files into (created)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    paths = generate(args.n, args.outdir, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} articles, {size / 1e6:.1f} MB, in {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
