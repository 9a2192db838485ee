"""Claims domain rules, pure: one complete request, clocks, green channel, refusals with reasons."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.claims.domain import clocks, documents, green_channel
from xiaobao.claims.domain.lifecycle import ClaimState, ClaimStep, ClaimStepNotAllowed, next_claim_state

CHECKLIST = [
    documents.ChecklistEntry("claim_form"),
    documents.ChecklistEntry("id_card"),
    documents.ChecklistEntry("invoice"),
    documents.ChecklistEntry("discharge_summary"),
    documents.ChecklistEntry("bank_card", waivable_in_green_channel=True),
    documents.ChecklistEntry("diagnosis", required=False),
]


def test_the_first_request_lists_every_missing_item_and_nothing_held_or_received() -> None:
    missing = documents.missing_items(
        CHECKLIST, received={"claim_form"}, held_by_insurer={"id_card"}, green_channel=False
    )
    assert missing == ["invoice", "discharge_summary", "bank_card"]


def test_the_green_channel_waives_what_the_insurer_allows() -> None:
    missing = documents.missing_items(CHECKLIST, received=set(), held_by_insurer=set(), green_channel=True)
    assert "bank_card" not in missing


@given(st.sets(st.sampled_from([e.code for e in CHECKLIST])), st.sets(st.sampled_from([e.code for e in CHECKLIST])))
def test_missing_items_never_include_what_is_received_or_held(received: set[str], held: set[str]) -> None:
    missing = documents.missing_items(CHECKLIST, received=received, held_by_insurer=held, green_channel=False)
    assert not set(missing) & (received | held)
    assert set(missing) <= {e.code for e in CHECKLIST if e.required}


def test_a_second_request_without_a_stated_new_fact_is_refused() -> None:
    with pytest.raises(documents.SecondRequestNeedsNewFact):
        documents.check_request({"police_report"}, previous_requests=[{"invoice"}], held_by_insurer=set(), new_fact=" ")


def test_a_second_request_never_repeats_an_item() -> None:
    with pytest.raises(documents.ItemAlreadyRequested):
        documents.check_request(
            {"invoice"},
            previous_requests=[{"invoice"}],
            held_by_insurer=set(),
            new_fact="the hospital changed the diagnosis",
        )


def test_a_second_request_for_a_new_item_with_its_new_fact_is_allowed() -> None:
    documents.check_request(
        {"police_report"},
        previous_requests=[{"invoice"}],
        held_by_insurer=set(),
        new_fact="the claimant now says the injury was caused by a traffic accident",
    )


def test_never_ask_for_what_the_insurer_holds() -> None:
    with pytest.raises(documents.ItemAlreadyHeld):
        documents.check_request({"id_card"}, previous_requests=[], held_by_insurer={"id_card"}, new_fact="")


def test_life_claims_that_are_simple_run_on_five_working_days() -> None:
    assert clocks.decision_rule("ordinary_life", simple=True) == "CLM-T6"
    assert clocks.decision_rule("ordinary_life", simple=False) == "CLM-T2"
    assert clocks.decision_rule("medical", simple=True) == "CLM-T2"


def test_a_contract_may_shorten_the_decision_limit_but_never_lengthen_it() -> None:
    assert clocks.decision_length("CLM-T2", 20, 30) == 20
    assert clocks.decision_length("CLM-T2", 45, 30) == 30
    assert clocks.decision_length("CLM-T2", None, 30) == 30


def test_green_channel_targets_are_shorter() -> None:
    assert clocks.internal_target_days(30, green_channel=True) == 15
    assert clocks.internal_target_days(30, green_channel=False) == 30


def test_a_refusal_without_reasons_is_refused() -> None:
    with pytest.raises(clocks.RefusalNeedsReasons):
        clocks.check_refusal("不赔", "")
    clocks.check_refusal("事故发生在保险期间开始之前，不属于保险责任。", "保险合同第三条")


FLOOD = green_channel.Emergency(region_prefixes={"2102"}, first_day=date(2026, 7, 20), last_day=date(2026, 8, 5))


@pytest.mark.parametrize(
    ("region", "day", "inside"),
    [
        ("210202", date(2026, 7, 25), True),
        ("210102", date(2026, 7, 25), False),
        ("210202", date(2026, 8, 6), False),
        ("210202", date(2026, 7, 20), True),
    ],
)
def test_an_emergency_covers_its_area_and_dates(region: str, day: date, inside: bool) -> None:
    assert FLOOD.covers(region_code=region, incident_date=day) is inside


def test_green_channel_reasons() -> None:
    assert green_channel.green_channel_reasons(
        claimant_age=78, disabled=True, region_code="210202", incident_date=date(2026, 7, 25), emergencies=[FLOOD]
    ) == ["elderly", "disabled", "major_emergency"]
    assert (
        green_channel.green_channel_reasons(
            claimant_age=40, disabled=False, region_code="210102", incident_date=date(2026, 7, 25), emergencies=[FLOOD]
        )
        == []
    )


def test_a_refused_claim_cannot_be_paid() -> None:
    with pytest.raises(ClaimStepNotAllowed):
        next_claim_state(ClaimState.REFUSED, ClaimStep.PAY)
    assert next_claim_state(ClaimState.AMOUNT_AGREED, ClaimStep.PAY) is ClaimState.PAID
