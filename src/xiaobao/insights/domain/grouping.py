"""Similar complaints grouped (CMP-S1): TF-IDF over the words of each text, cosine similarity, and a threshold
clustering on centroids — pure Python, as a few thousand short texts per insurer need no more.

A text joins the most similar group whose centroid it resembles at least ``threshold`` (cosine), else it starts
a group; groups whose centroids are that alike are then merged, and every text is placed once more against the
final centroids, so the order of reading matters little. A later complaint is put in the group whose stored centroid its vector is nearest (``nearest``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Vector = dict[str, float]


def _normalised(weights: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def idf_of(documents: Sequence[Sequence[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency: ln((1 + N) / (1 + df)) + 1."""
    n = len(documents)
    df: Counter[str] = Counter()
    for doc in documents:
        df.update(set(doc))
    return {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}


def tfidf(documents: Sequence[Sequence[str]]) -> list[Vector]:
    """Each document as its L2-normalised TF-IDF vector (term counts times idf)."""
    idf = idf_of(documents)
    return [_normalised({t: c * idf[t] for t, c in Counter(doc).items()}) for doc in documents]


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


@dataclass(frozen=True)
class Group:
    members: tuple[int, ...]
    """Indexes into the documents given."""
    centroid: Vector
    """The normalised mean of the members' vectors, cut to its heaviest terms."""

    def top_terms(self, n: int = 8) -> list[str]:
        return [t for t, _ in sorted(self.centroid.items(), key=lambda tw: (-tw[1], tw[0]))[:n]]


def _centroid(vectors: Sequence[Vector], members: Sequence[int], keep: int) -> Vector:
    total: Counter[str] = Counter()
    for i in members:
        total.update(vectors[i])
    heaviest = sorted(total.items(), key=lambda tw: (-tw[1], tw[0]))[:keep]
    return _normalised(dict(heaviest))


def _best(vector: Vector, centroids: Sequence[Vector]) -> tuple[int, float]:
    best, score = -1, 0.0
    for k, centroid in enumerate(centroids):
        s = cosine(vector, centroid)
        if s > score:
            best, score = k, s
    return best, score


def _merged(
    sums: list[Counter[str]], centroids: list[Vector], threshold: float
) -> tuple[list[Counter[str]], list[Vector]]:
    """Groups whose centroids are at least ``threshold`` alike become one, most alike first, until none are."""
    while True:
        best, pair = threshold, None
        for a in range(len(centroids)):
            for b in range(a + 1, len(centroids)):
                s = cosine(centroids[a], centroids[b])
                if s >= best:
                    best, pair = s, (a, b)
        if pair is None:
            return sums, centroids
        a, b = pair
        sums[a].update(sums[b])
        centroids[a] = _normalised(sums[a])
        del sums[b], centroids[b]


def group(vectors: Sequence[Vector], *, threshold: float, min_size: int = 2, keep_terms: int = 50) -> list[Group]:
    """Groups of at least ``min_size`` similar documents, largest first (see the module's docstring)."""
    sums: list[Counter[str]] = []
    centroids: list[Vector] = []
    for vector in vectors:
        if not vector:
            continue
        k, score = _best(vector, centroids)
        if k >= 0 and score >= threshold:
            sums[k].update(vector)
            centroids[k] = _normalised(sums[k])
        else:
            sums.append(Counter(vector))
            centroids.append(dict(vector))
    sums, centroids = _merged(sums, centroids, threshold)
    placed: dict[int, list[int]] = {}
    for i, vector in enumerate(vectors):
        k, score = _best(vector, centroids)
        if k >= 0 and score >= threshold:
            placed.setdefault(k, []).append(i)
    groups = [
        Group(tuple(members), _centroid(vectors, members, keep_terms))
        for members in placed.values()
        if len(members) >= min_size
    ]
    return sorted(groups, key=lambda g: (-len(g.members), g.members[0]))


def nearest(vector: Mapping[str, float], centroids: Sequence[Mapping[str, float]], *, threshold: float) -> int | None:
    """The index of the centroid a new text's TF-IDF vector (weighted by the idf of the run that reads it) is
    nearest to, when at least ``threshold`` (cosine), else None."""
    best, score = -1, 0.0
    for k, centroid in enumerate(centroids):
        s = cosine(vector, centroid)
        if s > score:
            best, score = k, s
    return best if best >= 0 and score >= threshold else None
