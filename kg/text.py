"""Normalise Hindi text and split it into sentences, keeping code-point offsets into the article.

The article text is NFC with a BOM, NULs and other control characters removed and line breaks as
``\\n``; every offset the pipeline emits indexes into that text. Matching runs on a *folded* copy
(nukta, ZWJ/ZWNJ and candrabindu variants alike, Devanagari digits as ASCII, hyphens as spaces) that
maps back to the article through :class:`Folded`.

>>> f = fold("किम जोंग-उन ने २०२४ में हज़ार")
>>> f.text
'किम जोंग उन ने 2024 में हजार'
>>> f.span(0, 11)
(0, 11)
>>> [s.text for s in split_sentences('उसने कहा, "हम आएंगे। जल्द।" फिर गया। नया?')]
['उसने कहा, "हम आएंगे। जल्द।"', 'फिर गया।', 'नया?']
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

__all__ = ["normalize", "fold", "fold_key", "Folded", "Sentence", "split_sentences", "is_devanagari_line"]

NUKTA = "\u093c"
_DROP = {NUKTA, "\u200c", "\u200d", "\u00ad", "\ufeff", "\u200b"}
_MAP = {"\u0901": "\u0902", "-": " ", "\u2010": " ", "\u2011": " ", "\u2013": " ", "\u2212": " "}
_MAP.update({chr(0x0966 + i): str(i) for i in range(10)})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize(raw: str) -> str:
    """The article text: NFC, no BOM, ``\\n`` line breaks, no control characters but tab and newline."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Folded:
    """A folded copy of a text with the map from folded positions back to original ones."""

    text: str
    index: Sequence[int]  # index[i] = original offset of folded char i; index[len] = len(original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the folded span ``[start, end)``."""
        if end <= start:
            return self.index[start], self.index[start]
        return self.index[start], self.index[end - 1] + 1


_TABLE = {ord(k): v for k, v in _MAP.items()}
_TABLE.update({c: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})
_DROP_RE = re.compile("[" + "".join(sorted(_DROP)) + "]|(?<= ) ")


def fold(text: str) -> Folded:
    """Fold spelling variants that Hindi news writes interchangeably, keeping the way back to offsets.

    Every character maps to at most one: nukta, ZWJ/ZWNJ and the like are dropped, runs of spaces fold
    to one, candrabindu becomes anusvara, Devanagari digits ASCII, hyphens spaces, A-Z lower case.
    """
    mapped = text.translate(_TABLE)  # Latin capitals are in the table; Devanagari has no case
    if not _DROP_RE.search(mapped):
        return Folded(mapped, range(len(text) + 1))  # nothing dropped: positions are unchanged
    keep = [i for i, ch in enumerate(mapped) if ch not in _DROP and not (ch == " " and i and mapped[i - 1] == " ")]
    keep.append(len(text))
    return Folded("".join(mapped[i] for i in keep[:-1]), tuple(keep))


def fold_key(text: str) -> str:
    """A comparison key for labels: folded, NFC, without punctuation and spaces.

    >>> fold_key("किम जोंग-उन") == fold_key("किम जोंग उन") == fold_key("किम  जोंग उन।")
    True
    """
    folded = fold(unicodedata.normalize("NFC", text)).text
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LMN")


@dataclass(frozen=True)
class Sentence:
    """A sentence: its text and ``[start, end)`` code-point offsets in the article; ``line`` counts paragraphs."""

    start: int
    end: int
    text: str
    paragraph: int = 0


_TERMINATORS = "।?!॥"
_OPEN_DOUBLE = "“«"
_CLOSE_DOUBLE = "”»"
_MAX_QUOTE = 700  # an unclosed quote stops protecting the sentence after this many characters
_SALIENT = re.compile("[" + re.escape('"\'.' + _TERMINATORS + _OPEN_DOUBLE + _CLOSE_DOUBLE) + "]")
# A longer run without a sentence mark is cut at a space (or here): it is not a sentence a reporter wrote,
# and the extractors' work grows faster than linearly with a sentence's length.
_MAX_SENTENCE = 1000


def _is_full_stop(line: str, i: int) -> bool:
    """A Latin full stop ends a sentence when followed by space/end and not inside a number or initial."""
    nxt = line[i + 1] if i + 1 < len(line) else " "
    if not (nxt.isspace() or nxt in "\"'’”"):
        return False
    prev = line[i - 1] if i > 0 else " "
    if prev.isdigit():
        return False
    # a single Latin capital before the dot is an initial (S. Jaishankar)
    if prev.isascii() and prev.isalpha() and (i < 2 or not line[i - 2].isalpha()):
        return False
    return True


def split_sentences(text: str) -> list[Sentence]:
    """Split at ``।``, ``?``, ``!``, a full stop and line breaks; not inside double quotes on one line."""
    sentences: list[Sentence] = []
    pos = 0
    paragraph = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            paragraph += 1
            continue
        start = 0
        in_quote = False
        quote_open_at = 0
        i = 0
        n = len(line)
        while i < n:
            # characters that are no quote, terminator or full stop only end an over-long open quote:
            # jump to the next character that matters and apply that first
            m = _SALIENT.search(line, i)
            if m is None:
                break
            i = m.start()
            if in_quote and i - 1 - quote_open_at > _MAX_QUOTE:
                in_quote = False
            ch = line[i]
            two = line[i:i + 2]
            if ch == '"' or two == "''":
                width = 2 if two == "''" else 1
                closing = in_quote
                in_quote = not in_quote
                quote_open_at = i
                # a quote closing right after a sentence mark ends the sentence: …रही।" आरआईए के अनुसार
                if closing and i > 0 and line[i - 1] in _TERMINATORS:
                    end = i + width
                    _emit(sentences, line, line_start, start, end, paragraph)
                    start = end
                i += width
                continue
            if ch in _OPEN_DOUBLE:
                in_quote, quote_open_at = True, i
            elif ch in _CLOSE_DOUBLE:
                in_quote = False
                if i > 0 and line[i - 1] in _TERMINATORS:
                    _emit(sentences, line, line_start, start, i + 1, paragraph)
                    start = i + 1
                    i += 1
                    continue
            if in_quote and i - quote_open_at > _MAX_QUOTE:
                in_quote = False
            if not in_quote and (ch in _TERMINATORS or (ch == "." and _is_full_stop(line, i))):
                end = i + 1
                while end < n and line[end] in _TERMINATORS + "\"'’”»)":
                    if line[end] == "'" and line[end:end + 2] != "''" and end + 1 < n and not line[end + 1].isspace():
                        break
                    end += 1
                _emit(sentences, line, line_start, start, end, paragraph)
                start = end
                i = end
                continue
            i += 1
        _emit(sentences, line, line_start, start, n, paragraph)
        paragraph += 1
    return sentences


def _emit(out: list[Sentence], line: str, line_start: int, start: int, end: int, paragraph: int) -> None:
    while end - start > _MAX_SENTENCE:
        cut = line.rfind(" ", start + 1, start + _MAX_SENTENCE)
        if cut <= start:
            cut = start + _MAX_SENTENCE
        _emit_piece(out, line, line_start, start, cut, paragraph)
        start = cut
    _emit_piece(out, line, line_start, start, end, paragraph)


def _emit_piece(out: list[Sentence], line: str, line_start: int, start: int, end: int, paragraph: int) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped or all(not ch.isalnum() for ch in stripped):
        return
    lead = len(piece) - len(piece.lstrip())
    s = line_start + start + lead
    out.append(Sentence(s, s + len(stripped), stripped, paragraph))


def is_devanagari_line(text: str, threshold: float = 0.3) -> bool:
    """True when at least ``threshold`` of the letters are Devanagari (the line is Hindi)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    deva = sum(1 for ch in letters if "\u0900" <= ch <= "\u097f")
    return deva / len(letters) >= threshold
