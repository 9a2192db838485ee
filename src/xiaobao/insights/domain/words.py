"""The words a complaint's text is grouped by (CMP-S1): jieba's segmentation with parts of speech, keeping only
content words that can hold no personal data.

Dropped: every token with a digit or an ASCII letter (phone numbers, ID numbers, policy numbers, emails, plates),
every person's or place's name jieba recognises (``nr*``, ``ns``), single characters, pronouns, particles and
numerals — and every token that shares two characters with the complainant's own name, whatever jieba made of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from typing import Any

KEPT_TAGS = frozenset({"n", "nz", "vn", "v", "a", "an", "ad", "l", "i", "j", "nt"})
"""Nouns, verbs, adjectives, idioms and abbreviations. Not ``nr`` (person names), ``ns`` (places: an address
is personal data), ``m`` (numerals), ``x`` / ``eng`` (symbols, Latin letters), ``r`` (pronouns), ``p``, ``c``,
``u``, ``d``, ``f`` (function words)."""

INSURANCE_TERMS = ("等待期", "犹豫期", "宽限期", "现金价值", "免赔额", "重疾险", "医疗险", "意外险", "车险", "拒赔",
                   "定损", "退保", "保全", "续保", "理赔款", "销售误导", "营销电话")  # fmt: skip
"""Words of the trade jieba's general dictionary would split (等待期 → 等待 + 期), added as whole words (tag n)."""

STOP_WORDS = frozenset({"没有", "就是", "已经", "表示", "要求", "进行", "可以", "现在", "这个", "一个", "还是"})


@cache
def _segmenter() -> Any:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for term in INSURANCE_TERMS:
        jieba.add_word(term, tag="n")
        jieba.suggest_freq(term, tune=True)
    return jieba.posseg


def _touches(token: str, name: str) -> bool:
    if not name:
        return False
    if token in name or name in token:
        return True
    return any(name[i : i + 2] in token for i in range(len(name) - 1))


def personal(token: str, names: Iterable[str] = ()) -> bool:
    """True when the token could carry personal data: a digit or a Latin letter, or a piece of a name given."""
    if any(ch.isdigit() or ch.isascii() for ch in token):
        return True
    return any(_touches(token, name) for name in names if len(name) >= 2)


def words(text: str, *, names: Iterable[str] = ()) -> list[str]:
    """The content words of ``text`` in order, none of them personal (see the module's docstring)."""
    names = [n.strip() for n in names if n and n.strip()]
    kept: list[str] = []
    for pair in _segmenter().cut(text):
        token, tag = str(pair.word).strip(), str(pair.flag)
        if len(token) < 2 or tag not in KEPT_TAGS or token in STOP_WORDS:
            continue
        if personal(token, names):
            continue
        kept.append(token)
    return kept
