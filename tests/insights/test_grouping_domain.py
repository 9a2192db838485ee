"""CMP-S1 grouping on plain texts: jieba's words without personal data, TF-IDF as defined, similar Chinese
complaints together and different ones apart, a new text put in the nearest group."""

from __future__ import annotations

import math

import pytest

from xiaobao.insights.domain.grouping import cosine, group, nearest, tfidf
from xiaobao.insights.domain.words import personal, words

WAITING = [
    "理赔被拒，理由是等待期内出险，但合同没有说明等待期",
    "保险公司以等待期为由拒绝理赔，销售时没有告知等待期",
    "等待期内住院，理赔申请被拒绝，业务员从未提过等待期",
    "重疾险等待期出险拒赔，投保时不知道有等待期",
]
SURRENDER = [
    "退保手续费太高，退保只退了一半现金价值",
    "要求退保，扣除的手续费太多，现金价值太低",
    "犹豫期过后退保，手续费扣了很多，现金价值很少",
]
CALLS = [
    "营销电话太多，每天都有推销保险的骚扰电话",
    "频繁接到推销电话骚扰，要求停止营销电话",
    "天天有电话推销保险，严重骚扰，多次拒绝仍然打来",
]


def test_words_drop_numbers_latin_letters_and_the_complainants_name() -> None:
    text = "我叫欧阳娜娜，电话13812345678，保单号P2026ABC，身份证210102199001011234，理赔被拒，娜娜很生气"
    kept = words(text, names=["欧阳娜娜"])
    assert "理赔" in kept
    assert not any(personal(w, ["欧阳娜娜"]) for w in kept)
    assert not any(ch.isdigit() or ch.isascii() for w in kept for ch in w)
    assert not any("娜娜" in w or "欧阳" in w for w in kept)


def test_a_token_sharing_two_characters_with_a_name_is_personal() -> None:
    assert personal("张伟说", ["张伟"])
    assert personal("伟国", ["李伟国"])
    assert not personal("理赔", ["张伟"])
    assert personal("abc", [])


def test_tfidf_weights_rarer_words_more_and_is_normalised() -> None:
    docs = [["退保", "手续费"], ["退保", "电话"], ["退保", "电话"]]
    vectors = tfidf(docs)
    # idf: 退保 in 3 of 3 → ln(4/4)+1 = 1; 手续费 in 1 → ln(4/2)+1; the first vector normalised
    raw = {"退保": 1.0, "手续费": math.log(2) + 1}
    norm = math.sqrt(sum(w * w for w in raw.values()))
    assert vectors[0] == pytest.approx({t: w / norm for t, w in raw.items()})
    assert cosine(vectors[1], vectors[2]) == pytest.approx(1.0)


def test_similar_chinese_complaints_are_grouped_together_and_different_ones_apart() -> None:
    texts = [*WAITING, *SURRENDER, *CALLS, "车险定损金额太低，修理厂报价更高"]
    found = group(tfidf([words(t) for t in texts]), threshold=0.2, min_size=2)
    memberships = sorted(sorted(g.members) for g in found)
    assert memberships == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    terms = {frozenset(g.members): g.top_terms(3) for g in found}
    assert "等待期" in terms[frozenset({0, 1, 2, 3})]
    assert {"手续费", "退保"} & set(terms[frozenset({4, 5, 6})])


def test_a_new_complaint_joins_the_group_whose_centroid_is_nearest() -> None:
    texts = [*WAITING, *SURRENDER]
    found = group(tfidf([words(t) for t in texts]), threshold=0.2, min_size=2)
    centroids = [g.centroid for g in found]
    waiting = next(k for k, g in enumerate(found) if 0 in g.members)
    # the later run reads the new texts with the old ones: their vectors weighted by that run's idf
    *_, like, unlike = tfidf([words(t) for t in [*texts, "又一次因为等待期被拒赔，销售没说等待期", "网点排队时间太长"]])
    assert nearest(like, centroids, threshold=0.2) == waiting
    assert nearest(unlike, centroids, threshold=0.2) is None
