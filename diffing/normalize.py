"""Comparison keys: the form of a text in which only real wording counts.

Two texts whose keys are equal say the same thing; they may still differ in width (，/,),
bracket style (〔〕/[]/（）), dash style (—/-), whitespace, PDF line breaks or traditional
characters. The differ aligns and classifies on keys and displays the original texts.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache

import opencc

# After NFKC: （）［］ are already ASCII; 〔〕﹝﹞【】 are not (文号 brackets, DOMAIN.md).
_OPEN_BRACKETS = "〔﹝【〖［[（("
_CLOSE_BRACKETS = "〕﹞】〗］]）)"
# — – - ― and relatives between a standard's number and year (WS/T 347—2024) or as rules.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501\ufe58\ufe63\uff0d-"
_QUOTES_DOUBLE = '\u201c\u201d\u201e\u201f\u301d\u301e\u300c\u300d\u300e\u300f"'
_QUOTES_SINGLE = "\u2018\u2019\u201a\u201b'"
_DOTS = "\u00b7\u30fb\u2027\u2022\u2219"

_TABLE = str.maketrans(
    {
        **dict.fromkeys(_OPEN_BRACKETS, "("),
        **dict.fromkeys(_CLOSE_BRACKETS, ")"),
        **dict.fromkeys(_DASHES, "-"),
        **dict.fromkeys(_QUOTES_DOUBLE, '"'),
        **dict.fromkeys(_QUOTES_SINGLE, "'"),
        **dict.fromkeys(_DOTS, "·"),
        "。": ".",
        "，": ",",
        "；": ";",
        "：": ":",
        "？": "?",
        "！": "!",
        "～": "~",
        "〜": "~",
        "\u22ef": "...",  # ⋯ midline ellipsis; … folds to ... under NFKC
    }
)

# A list bullet the PDF extraction put before an item: "- (二) 身体健康" (001 line 733), found at the
# text start or after the previous item's end, with the line break kept or joined: "…义务；- (二) …".
# Matched after width folding, so "（" is "(" and "。" is ".".
_BULLET = re.compile(r"(?:\A|(?<=[.;:]))\s*[-·]\s+(?=\(|\d+[、.]|[一二三四五六七八九十]+、|附件)")
# Every kind of blank, including zero-width ones left by PDF text layers.
_BLANKS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def comparison_key(text: str) -> str:
    """Return the key of ``text``: equal keys mean no change of wording."""
    text = unicodedata.normalize("NFKC", text).translate(_TABLE)
    text = _BLANKS.sub("", _BULLET.sub("", text))
    return to_simplified(text)


def to_simplified(text: str) -> str:
    """Traditional -> simplified, skipping the slow converter when no traditional char is present."""
    triggers = _traditional_triggers()
    if triggers is not None and triggers.isdisjoint(text):
        return text
    return _converter().convert(text)


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _traditional_triggers() -> frozenset[str] | None:
    """Characters of which at least one must occur for t2s to change a text.

    One character per changing dictionary entry suffices: an entry can only match where all its
    characters occur. None when the dictionaries cannot be read (then every text is converted).
    """
    folder = os.path.join(os.path.dirname(opencc.__file__), "dictionary")
    try:
        characters = _read_dictionary(os.path.join(folder, "TSCharacters.txt"))
        phrases = _read_dictionary(os.path.join(folder, "TSPhrases.txt"))
    except OSError:
        return None
    triggers = {key for key, value in characters.items() if key != value}
    for key, value in phrases.items():
        if key == value or not triggers.isdisjoint(key):
            continue
        differing = [a for a, b in zip(key, value, strict=False) if a != b] if len(key) == len(value) else []
        triggers.update(differing[:1] or key)
    return frozenset(triggers)


def _read_dictionary(path: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, _, values = line.rstrip("\n").partition("\t")
            if key and values:
                entries[key] = values.split(" ")[0]
    return entries
