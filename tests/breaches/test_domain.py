"""The pure rules of breach response (breaches.domain.incidents): the window holds both ends, each log row exposes
the kinds of data its field or categories hold, only the source named counts, and the steps go in their order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.breaches.domain.incidents import (
    SHANGHAI,
    CaseKind,
    DataType,
    Holding,
    IncidentFacts,
    IncidentIncomplete,
    IncidentState,
    PartnerRead,
    Reveal,
    Source,
    SourceKind,
    Step,
    StepNotAllowed,
    affected,
    check_facts,
    next_state,
    shanghai_moment,
)

START = datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
END = datetime(2026, 3, 12, 18, 0, tzinfo=SHANGHAI)
SECOND = timedelta(seconds=1)


def found(
    source: Source,
    types: set[str],
    *,
    reveals: Sequence[Reveal] = (),
    reads: Sequence[PartnerRead] = (),
    holdings: Sequence[Holding] = (),
) -> dict[int, set[str]]:
    exposures = affected(
        source=source,
        data_types={DataType(t) for t in types},
        window_start=START,
        window_end=END,
        reveals=reveals,
        reads=reads,
        holdings=holdings,
    )
    return {pk: {t.value for t in e.data_types} for pk, e in exposures.items()}


@pytest.mark.parametrize(("at", "inside"), [(START - SECOND, False), (START, True), (END, True), (END + SECOND, False)])
def test_both_ends_of_the_window_count_and_a_second_beside_them_does_not(at: datetime, inside: bool) -> None:
    reveals = [Reveal(consumer_id=1, staff_id=7, field="phone", at=at)]
    assert found(Source(SourceKind.STAFF, 7), {"phone"}, reveals=reveals) == ({1: {"phone"}} if inside else {})


def test_a_reveal_exposes_the_kind_of_its_field_only() -> None:
    reveals = [Reveal(1, 7, "resident_id", START), Reveal(2, 7, "name", START)]
    assert found(Source(SourceKind.ALL), {"id_number", "phone"}, reveals=reveals) == {1: {"id_number"}}


def test_a_partner_read_exposes_the_kinds_its_categories_hold() -> None:
    reads = [PartnerRead(1, 3, 30, ["complainant_contact"], END), PartnerRead(2, 3, 31, ["complaint"], END)]
    assert found(Source(SourceKind.PARTNER, 3), {"phone", "email"}, reads=reads) == {1: {"phone"}}


def test_a_key_names_only_its_own_reads_and_a_partner_all_of_its_keys() -> None:
    reads = [PartnerRead(1, 3, 30, ["policy"], START), PartnerRead(2, 3, 31, ["policy"], START)]
    assert set(found(Source(SourceKind.PARTNER_KEY, 30), {"policy_number"}, reads=reads)) == {1}
    assert set(found(Source(SourceKind.PARTNER, 3), {"policy_number"}, reads=reads)) == {1, 2}


def test_cases_received_count_for_a_storage_breach_only() -> None:
    holdings = [Holding(5, CaseKind.COMPLAINT, START), Holding(6, CaseKind.CLAIM_DOCUMENT, END + SECOND)]
    assert found(Source(SourceKind.ALL), {"complaint_text", "claim_document"}, holdings=holdings) == {
        5: {"complaint_text"}
    }
    assert found(Source(SourceKind.STAFF, 7), {"complaint_text"}, holdings=holdings) == {}


@given(st.lists(st.tuples(st.integers(1, 20), st.integers(-3, 3), st.sampled_from(["name", "phone", "email"]))))
def test_whoever_is_found_had_a_matching_read_in_the_window(rows: list[tuple[int, int, str]]) -> None:
    reveals = [Reveal(pk, 7, field, START + timedelta(days=shift)) for pk, shift, field in rows]
    result = found(Source(SourceKind.STAFF, 7), {"phone"}, reveals=reveals)
    expected = {r.consumer_id for r in reveals if r.field == "phone" and START <= r.at <= END}
    assert set(result) == expected


def test_the_steps_go_in_order_and_notify_may_be_repeated() -> None:
    state = IncidentState.OPEN
    for step in (Step.ASSESS, Step.NOTIFY, Step.NOTIFY, Step.REPORT, Step.CLOSE):
        state = next_state(state, step)
    assert state is IncidentState.CLOSED
    with pytest.raises(StepNotAllowed):
        next_state(IncidentState.OPEN, Step.NOTIFY)
    with pytest.raises(StepNotAllowed):
        next_state(IncidentState.NOTIFIED, Step.ASSESS)


def test_a_typed_time_is_beijing_time() -> None:
    assert shanghai_moment(datetime(2026, 3, 10, 9, 0)) == START  # noqa: DTZ001  (a wall-clock time, as typed)


def facts(**changes: object) -> IncidentFacts:
    values: dict[str, object] = {
        "summary": "客服账号被盗用",
        "discovered_at": END,
        "window_start": START,
        "window_end": END,
        "source": Source(SourceKind.ALL),
        "data_types": frozenset({DataType.PHONE}),
        "cause": "密码泄露被登录",
        "harm": "可能接到诈骗电话",
        "remediation": "已停用该账号",
        "consumer_steps": "警惕陌生来电",
        "contact": "400-000-9501",
    }
    return IncidentFacts(**(values | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes",
    [
        {"window_end": START - SECOND},
        {"discovered_at": END + timedelta(days=30)},
        {"window_start": END + SECOND, "window_end": END + 2 * SECOND},
        {"data_types": frozenset()},
        {"harm": "  "},
    ],
)
def test_an_incident_missing_or_contradicting_a_fact_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(IncidentIncomplete):
        check_facts(facts(**changes), now=END + timedelta(days=1))


def test_a_source_other_than_everything_names_its_id() -> None:
    with pytest.raises(IncidentIncomplete):
        Source(SourceKind.STAFF)
