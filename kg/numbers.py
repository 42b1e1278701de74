"""Numbers as Hindi news writes them: ``15,000``, ``1,50,000``, ``१२,०००``, ``10 हजार``, ``डेढ़ लाख``.

>>> [(n.value, n.text) for n in find_numbers("लगभग 15,000 सैनिक और दो हजार सैपर, १२,००० जवान, डेढ़ लाख")]
[(15000, '15,000'), (2000, 'दो हजार'), (12000, '१२,०००'), (150000, 'डेढ़ लाख')]
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from .resources import lang_dir
from .text import fold

__all__ = ["NumberMention", "find_numbers"]

_LETTER = r"\u0900-\u0963\u0966-\u097f\w"


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    text: str
    value: int


@lru_cache(maxsize=1)
def _data() -> tuple[dict[str, float], dict[str, int], re.Pattern[str]]:
    data = json.loads((lang_dir() / "numbers.json").read_text(encoding="utf-8"))
    units = {fold(k).text: v for k, v in data["units"].items()}
    mults = {fold(k).text: v for k, v in data["multipliers"].items()}
    unit_alt = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    mult_alt = "|".join(re.escape(m) for m in sorted(mults, key=len, reverse=True))
    digits = r"\d{1,3}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
    pattern = re.compile(
        rf"(?<![{_LETTER},.])(?:(?P<d>{digits})|(?P<u>{unit_alt}))"
        rf"(?:\s*(?P<m>(?:{mult_alt})(?:\s+(?:{mult_alt}))?))?(?![{_LETTER}])"
    )
    return units, mults, pattern


def find_numbers(text: str) -> list[NumberMention]:
    """Whole numbers in ``text`` with their spans; a bare number word needs no multiplier (``दो``)."""
    units, mults, pattern = _data()
    f = fold(text)
    out: list[NumberMention] = []
    for m in pattern.finditer(f.text):
        if m.group("d"):
            raw = m.group("d").replace(",", "")
            try:
                base = float(raw)
            except ValueError:
                continue
        else:
            base = units[m.group("u")]
        value = base
        if m.group("m"):
            for word in m.group("m").split():
                value *= mults[word]
        if value != int(value) or value < 0:
            continue
        s, e = f.span(m.start(), m.end())
        out.append(NumberMention(s, e, text[s:e], int(value)))
    return out
