"""Cutting a query into words (MISSION EDU-3): Chinese is written without spaces, so jieba's dictionary cuts it
("理赔流程" → "理赔", "流程"); other languages are cut at spaces. The words then go to
``outreach.domain.search.query_terms``."""

from __future__ import annotations

import logging
from functools import cache

from xiaobao.outreach.domain.search import MAX_QUERY, query_terms


@cache
def _segmenter() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def terms_of(query: str) -> list[str]:
    """The words every matching text must hold."""
    query = query[:MAX_QUERY]
    if not query.strip():
        return []
    words: list[str] = []
    for piece in query.split():
        if any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in piece):
            words += list(_segmenter().cut(piece))  # type: ignore[attr-defined]
        else:
            words.append(piece)
    return query_terms(words)
