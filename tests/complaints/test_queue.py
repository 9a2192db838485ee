"""The queue's filter object, its one parser and the search box's classification (pure), and the blind indexes
the actions write for the search (#14 "Queue at volume")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.desk import Desk
from tests.support.world import fresh_resident_id
from xiaobao.complaints import selectors
from xiaobao.complaints.domain.queue import (
    MAX_OFFSET,
    MAX_SEARCH_LENGTH,
    QueueFilters,
    SearchKind,
    SortKey,
    classify_search,
    clean_typed,
    parse_queue_filters,
    query_string,
)
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.privacy.domain.identifiers import normalise_name, normalise_policy_number
from xiaobao.privacy.keys import blind_indexer


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("LN-2026-000123", SearchKind.REFERENCE, "LN-2026-000123"),
        ("ln-2026-0001", SearchKind.REFERENCE, "LN-2026-0001"),
        ("ＬＮ－２０２６－０００１２３", SearchKind.REFERENCE, "LN-2026-000123"),  # full-width, as an IME types it
        ("LN-2026-D0000001", SearchKind.REFERENCE, "LN-2026-D0000001"),
        ("138 0013 8000", SearchKind.PHONE, "+8613800138000"),
        ("+86-138-0013-8000", SearchKind.PHONE, "+8613800138000"),
        ("024 2345 6789", SearchKind.PHONE, "+862423456789"),
        ("王淑芬", SearchKind.NAME_OR_POLICY_NUMBER, "王淑芬"),
        ("PDAA2026-01", SearchKind.NAME_OR_POLICY_NUMBER, "PDAA2026-01"),
        ("12345", SearchKind.NAME_OR_POLICY_NUMBER, "12345"),  # too short for a phone: a policy number perhaps
        ("210102198505170000", SearchKind.NAME_OR_POLICY_NUMBER, "210102198505170000"),  # wrong check digit
    ],
)
def test_the_search_box_works_out_what_was_typed(typed: str, kind: SearchKind, value: str) -> None:
    term = classify_search(typed)
    assert term is not None
    assert (term.kind, term.value) == (kind, value)


def test_a_resident_id_is_recognised_in_lower_case_and_with_spaces() -> None:
    number = fresh_resident_id()
    for typed in (number, number.lower(), f"{number[:6]} {number[6:14]} {number[14:]}"):
        term = classify_search(typed)
        assert term is not None
        assert (term.kind, term.value) == (SearchKind.RESIDENT_ID, number.upper())


def test_nothing_typed_is_no_search() -> None:
    assert classify_search("") is None
    assert classify_search("   ") is None
    assert parse_queue_filters({"q": "\x00\u202e "}).search is None


def test_the_parser_reads_every_parameter() -> None:
    filters = parse_queue_filters(
        {
            "state": "accepted",
            "due_within_days": "3",
            "branch_id": "7",
            "channel": "hotline",
            "flag": "elderly",
            "handler_id": "9",
            "reference": "ln-2026",
            "q": " 王淑芬 ",
            "sort": "-received",
            "limit": "20",
            "page": "3",
        }
    )
    assert filters == QueueFilters(
        state="accepted",
        due_within_days=3,
        branch_id=7,
        channel="hotline",
        flag="elderly",
        handler_id=9,
        reference="LN-2026",
        search="王淑芬",
        sort=SortKey.RECEIVED,
        descending=True,
        limit=20,
        offset=40,
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"page": "99999999999999999999999"}, QueueFilters()),
        ({"page": "-3"}, QueueFilters()),
        ({"page": "²"}, QueueFilters()),  # a digit to str.isdigit, not to int()
        ({"offset": "9" * 30}, QueueFilters()),
        ({"offset": str(MAX_OFFSET + 1)}, QueueFilters()),
        ({"limit": "100000"}, QueueFilters()),
        ({"state": "bogus", "channel": "pigeon", "flag": "vip"}, QueueFilters()),
        ({"sort": "-sideways"}, QueueFilters()),
        ({"handler_id": "0", "branch_id": "9223372036854775808"}, QueueFilters()),
        ({"reference": "LN\x00-2026'--"}, QueueFilters(reference="LN-2026--")),
    ],
)
def test_the_parser_drops_what_it_cannot_use(params: dict[str, str], expected: QueueFilters) -> None:
    assert parse_queue_filters(params) == expected


def test_a_ten_thousand_character_search_is_cut_to_what_any_identifier_needs() -> None:
    filters = parse_queue_filters({"q": "周" * 10_000})
    assert filters.search is not None
    assert len(filters.search) == MAX_SEARCH_LENGTH


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "state": st.sampled_from(["registered", "accepted", "paused", "nonsense"]),
            "due_within_days": st.integers(-5, 400).map(str),
            "branch_id": st.integers(-1, 2**64).map(str),
            "flag": st.sampled_from(["elderly", "group", "x"]),
            "q": st.text(max_size=200),
            "reference": st.text(max_size=40),
            "sort": st.sampled_from(["due", "-due", "received", "-state", "reference", "?"]),
            "limit": st.integers(-1, 300).map(str),
            "page": st.integers(-1, 30_000).map(str),
        },
    )
)
def test_a_query_string_reads_back_into_the_same_filters(params: dict[str, str]) -> None:
    """Links to other pages and sorts, and saved views, keep exactly what was asked for."""
    from urllib.parse import parse_qsl

    filters = parse_queue_filters(params)
    again = parse_queue_filters(dict(parse_qsl(query_string(filters, page=filters.page), keep_blank_values=True)))
    assert again == filters


def test_clean_typed_keeps_what_a_person_meant() -> None:
    assert clean_typed("  王\x00淑\u200b芬\u202e ") == "王淑芬"


# --- the blind indexes the actions write ------------------------------------------------------------------


@pytest.mark.django_db
def test_registering_writes_the_name_and_policy_number_indexes(desk: Desk) -> None:
    complaint = desk.register(
        complainant_id=None,
        complainant=ConsumerDetails(name=" 周　桂兰 ", phone="13700001111", resident_id=fresh_resident_id()),
        policy_number="pdaa 2026-01",
    )
    indexer = blind_indexer()
    assert complaint.policy_number_index == indexer.index("policy_number", "PDAA2026-01")
    assert complaint.complainant.name_index == indexer.index("name", normalise_name("周 桂兰"))
    assert normalise_policy_number("ＰＤＡＡ2026-01") == "PDAA2026-01"


@pytest.mark.django_db
def test_a_complaint_with_no_policy_number_has_no_policy_index(desk: Desk) -> None:
    assert desk.register().policy_number_index == ""


@pytest.mark.django_db
def test_the_selector_finds_by_a_stated_resident_id_too(desk: Desk) -> None:
    """A number only stated by another phone (docs/adr/0007) still finds the cases filed with it."""
    from xiaobao.identity.actions import consumer_identify_by_phone, consumer_relate
    from xiaobao.kernel.actors import SYSTEM

    number = fresh_resident_id()
    desk.register(complainant_id=None, complainant=ConsumerDetails(name="甲", phone="13700004444", resident_id=number))
    stated = consumer_identify_by_phone(
        actor=SYSTEM, details=ConsumerDetails(name="乙", phone="13700005555", resident_id=number)
    )
    assert not stated.confirmed
    consumer_relate(actor=SYSTEM, consumer=stated.consumer, insurer_id=desk.world.ours.insurer.pk)
    second = desk.register(complainant_id=stated.consumer.pk)
    found = selectors.queue(desk.supervisor, parse_queue_filters({"q": number}))
    assert second.pk in {row.complaint.pk for row in found}
    assert len(found) == 2
