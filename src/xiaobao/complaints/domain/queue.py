"""What the staff queue is asked for: filters, search and sort, read from a query string (#14 "Queue at volume").

One parser, ``parse_queue_filters``, serves the workbench page and the API's queue endpoint, so the same
query parameters give the same ``QueueFilters`` — and the same rows — on both. It never refuses: what it
cannot use (an unknown state, a page past a bigint, a NUL character) it drops or clamps, so odd input gives
a page, never an error; the API's schema refuses such input with 422 before it gets here.

``classify_search`` works out what was typed into the one search box: a reference, a resident ID number, a
phone number, or else a name or policy number — found by exact match on their blind indexes, since the
values themselves are stored encrypted (SEC-1, PI-4).

Pure: no Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from urllib.parse import urlencode

from xiaobao.complaints.domain.classification import Channel
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.kernel.errors import InvalidInput
from xiaobao.privacy.domain.identifiers import (
    mask_name,
    mask_phone,
    mask_resident_id,
    normalise_phone,
    normalise_resident_id,
)

FLAGS = ("elderly", "disabled", "new_urban_resident", "major_emergency", "group")
PAGE_ROWS = 50
MAX_LIMIT = 200
MAX_PAGE = 20_000
"""A million rows deep: any page beyond is a typo (and past a bigint, the database's error)."""
MAX_OFFSET = 1_000_000
"""Deep enough for any queue; beyond it an offset is a mistake."""
MAX_ID = 2**63 - 1
MAX_DUE_WITHIN_DAYS = 365
MAX_SEARCH_LENGTH = 100
"""Longer than any name, phone, ID or policy number: the rest of a 10,000-character paste is dropped."""
REFERENCE_TYPED = re.compile(r"[^A-Za-z0-9-]")
"""What a reference can hold; anything else typed into the reference filter is dropped."""


class SortKey(StrEnum):
    """The columns the queue sorts by; every order ends with the row's id, so paging is stable."""

    DUE = "due"
    RECEIVED = "received"
    REFERENCE = "reference"
    STATE = "state"


@dataclass(frozen=True)
class QueueFilters:
    state: str | None = None
    due_within_days: int | None = None
    branch_id: int | None = None
    channel: str | None = None
    flag: str | None = None
    handler_id: int | None = None
    reference: str | None = None
    """A reference prefix (the older, narrower search; ``search`` finds references too)."""
    search: str | None = None
    """What was typed into the search box, cleaned (``classify_search`` works out what it is)."""
    sort: SortKey = SortKey.DUE
    descending: bool = False
    limit: int = PAGE_ROWS
    offset: int = 0

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1


INTEGER = re.compile(r"\s*-?[0-9]{1,25}\s*")


def _bounded_int(value: str | None, low: int, high: int) -> int | None:
    if value is None or not INTEGER.fullmatch(value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def _chosen(value: str | None, allowed: set[str] | tuple[str, ...]) -> str | None:
    return value if value in allowed else None


def clean_typed(raw: str | None, *, limit: int = MAX_SEARCH_LENGTH) -> str:
    """Typed text the database can keep and a person meant: no control or format characters (NUL, a
    right-to-left override), surrounding spaces dropped, at most ``limit`` characters."""
    if not raw:
        return ""
    kept = "".join(ch for ch in raw[: limit * 4] if unicodedata.category(ch)[0] != "C" or ch in " \t")
    return kept.strip()[:limit].strip()


def parse_queue_filters(params: Mapping[str, str]) -> QueueFilters:
    """The queue's filters, search, sort and page from query parameters — the page's and the API's alike.

    ``page`` (from 1) counts pages of ``limit`` rows; without it ``offset`` says where to start.
    """
    sort_typed = params.get("sort") or ""
    descending = sort_typed.startswith("-")
    sort = _chosen(sort_typed.removeprefix("-"), {key.value for key in SortKey})
    limit = _bounded_int(params.get("limit"), 1, MAX_LIMIT) or PAGE_ROWS
    page = _bounded_int(params.get("page"), 1, MAX_PAGE)
    if page is not None:  # the deepest page starts at a whole number of pages, so it reads back the same
        offset = min((page - 1) * limit, MAX_OFFSET // limit * limit)
    else:
        offset = _bounded_int(params.get("offset"), 0, MAX_OFFSET) or 0
    return QueueFilters(
        state=_chosen(params.get("state"), {s.value for s in State}),
        due_within_days=_bounded_int(params.get("due_within_days"), 0, MAX_DUE_WITHIN_DAYS),
        branch_id=_bounded_int(params.get("branch_id"), 1, MAX_ID),
        channel=_chosen(params.get("channel"), {c.value for c in Channel}),
        flag=_chosen(params.get("flag"), FLAGS),
        handler_id=_bounded_int(params.get("handler_id"), 1, MAX_ID),
        reference=REFERENCE_TYPED.sub("", params.get("reference") or "")[:32].upper() or None,
        search=clean_typed(params.get("q")) or None,
        sort=SortKey(sort) if sort else SortKey.DUE,
        descending=descending and sort is not None,
        limit=limit,
        offset=offset,
    )


def query_string(filters: QueueFilters, *, page: int | None = None) -> str:
    """The query string ``parse_queue_filters`` reads back into the same filters (defaults left out): for
    links to other pages and sorts, and for a saved view (no page)."""
    params: list[tuple[str, str]] = []
    names = {"search": "q"}
    for field in fields(QueueFilters):
        value = getattr(filters, field.name)
        if field.name in {"sort", "descending", "limit", "offset"} or value is None:
            continue
        params.append((names.get(field.name, field.name), str(value)))
    if filters.sort is not SortKey.DUE or filters.descending:
        params.append(("sort", ("-" if filters.descending else "") + filters.sort.value))
    if filters.limit != PAGE_ROWS:
        params.append(("limit", str(filters.limit)))
    if page is not None and page > 1:
        params.append(("page", str(page)))
    return urlencode(params)


def sorted_by(filters: QueueFilters, key: SortKey) -> QueueFilters:
    """The filters sorted by ``key``: ascending first, the other way when already sorted by it so."""
    descending = filters.sort is key and not filters.descending
    return replace(filters, sort=key, descending=descending, offset=0)


class SearchKind(StrEnum):
    REFERENCE = "reference"
    RESIDENT_ID = "resident_id"
    PHONE = "phone"
    NAME_OR_POLICY_NUMBER = "name_or_policy_number"


@dataclass(frozen=True)
class SearchTerm:
    kind: SearchKind
    value: str
    """Normalised for its kind: a reference prefix in capitals, a resident ID, a phone in E.164; a name or
    policy number as typed (each is normalised its own way for its blind index)."""


REFERENCE_PATTERN = re.compile(r"LN-(\d{1,4}(-[A-Z]?\d*)?)?")
"""``LN-2026-000123`` and any prefix of one from ``LN-`` on (generated volume has ``LN-2026-D0000001``)."""
ID_PATTERN = re.compile(r"\d{17}[\dX]")
PHONE_PATTERN = re.compile(r"\+?[\d\s()-]{6,24}")


def classify_search(typed: str) -> SearchTerm | None:
    """What the search box holds (already cleaned by ``clean_typed``): None when nothing was typed."""
    folded = unicodedata.normalize("NFKC", typed).strip()
    if not folded:
        return None
    compact = "".join(folded.split()).upper()
    if REFERENCE_PATTERN.fullmatch(compact):
        return SearchTerm(SearchKind.REFERENCE, compact)
    if ID_PATTERN.fullmatch(compact.replace("-", "")):
        try:
            return SearchTerm(SearchKind.RESIDENT_ID, normalise_resident_id(compact))
        except InvalidInput:
            pass  # eighteen characters that are no ID number: perhaps a policy number
    if PHONE_PATTERN.fullmatch(folded) and sum(ch.isdigit() for ch in folded) >= 7:
        try:
            return SearchTerm(SearchKind.PHONE, normalise_phone(folded))
        except InvalidInput:
            pass
    return SearchTerm(SearchKind.NAME_OR_POLICY_NUMBER, folded)


def masked_search(typed: str | None) -> str | None:
    """What the search box held, as the audit log may keep it (docs/adr/0015): a reference as typed, an ID
    number, a phone, a name or policy number masked — a search for a person must not put the person in the log."""
    term = classify_search(typed or "")
    if term is None:
        return None
    if term.kind is SearchKind.REFERENCE:
        return term.value
    if term.kind is SearchKind.RESIDENT_ID:
        return mask_resident_id(term.value)
    if term.kind is SearchKind.PHONE:
        return mask_phone(term.value)
    return mask_name(term.value)


def audited_query(filters: QueueFilters) -> str:
    """``query_string`` with the search masked, for the audit log."""
    return query_string(replace(filters, search=masked_search(filters.search)))
