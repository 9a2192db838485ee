"""The pure rules of mediation (DSP-1, DSP-3): what may be shared, the step table, the 30-day court window at
its boundary, and the figures by organisation."""

from __future__ import annotations

from datetime import date

import pytest

from xiaobao.deadlines.clock import due_date
from xiaobao.disputes.domain import mediation as rules
from xiaobao.disputes.domain.mediation import Closed, ReferralState
from xiaobao.kernel.calendar import BusinessCalendar, YearSchedule

CALENDAR = BusinessCalendar([YearSchedule(year=2026, holidays={date(2026, 5, 1): "劳动节"})])


def test_a_referral_may_share_what_the_consent_names() -> None:
    assert rules.check_shared(["decision", "timeline"], ["decision"]) == {rules.Shared.DECISION}


def test_a_referral_may_not_share_more_than_the_consent_names() -> None:
    with pytest.raises(rules.BeyondConsent):
        rules.check_shared(["decision"], ["decision", "documents"])


def test_only_chosen_files_go_with_a_referral() -> None:
    with pytest.raises(rules.BeyondConsent):
        rules.check_documents([1, 2], [3])


def test_an_organisation_listing_no_lines_takes_every_line() -> None:
    assert rules.in_scope(product_lines=[], product_line="motor")
    assert not rules.in_scope(product_lines=["medical"], product_line="motor")


def test_an_outcome_is_recorded_once_the_mediation_is_open_only() -> None:
    rules.check_step(ReferralState.ACCEPTED, rules.Step.RECORD_OUTCOME)
    with pytest.raises(rules.ReferralStepNotAllowed):
        rules.check_step(ReferralState.AGREEMENT, rules.Step.RECORD_OUTCOME)


def test_an_agreement_needs_its_terms_its_day_and_an_amount() -> None:
    with pytest.raises(rules.OutcomeIncomplete):
        rules.check_outcome(ReferralState.AGREEMENT, terms="", effective_on=date(2026, 3, 2), amount=0)


def test_the_court_window_is_30_days_from_the_agreement_taking_effect_the_start_day_not_counted() -> None:
    # given an agreement that takes effect on Tuesday 10 March 2026
    # then the 30th day after it, Thursday 9 April, is the last day to apply (Civil Procedure Law Art.205)
    assert due_date(rules.JUDICIAL_CONFIRMATION, date(2026, 3, 10), CALENDAR) == date(2026, 4, 9)


def test_a_court_window_ending_on_a_holiday_ends_on_the_next_working_day() -> None:
    # 1 April + 30 days is Friday 1 May, a holiday: the window ends on Monday 4 May (Art.85)
    assert due_date(rules.JUDICIAL_CONFIRMATION, date(2026, 4, 1), CALENDAR) == date(2026, 5, 4)


def test_the_rule_cites_its_source() -> None:
    assert "Art.205" in rules.JUDICIAL_CONFIRMATION.source


def test_the_figures_count_outcomes_and_days_to_outcome_per_organisation() -> None:
    rows = [
        Closed(1, date(2026, 3, 1), ReferralState.AGREEMENT, date(2026, 3, 11)),
        Closed(1, date(2026, 3, 1), ReferralState.NO_AGREEMENT, date(2026, 3, 21)),
        Closed(1, date(2026, 3, 5), ReferralState.ACCEPTED, None),
        Closed(2, date(2026, 3, 5), ReferralState.WITHDRAWN, date(2026, 3, 6)),
    ]
    result = rules.figures(rows)
    assert result[1].referrals == 3
    assert result[1].open == 1
    assert result[1].agreement_rate == 0.5
    assert result[1].median_days == 15.0
    assert result[1].mean_days == 15.0
    assert result[2].agreement_rate == 0.0


def test_an_organisation_with_no_outcome_yet_has_no_rate() -> None:
    result = rules.figures([Closed(1, date(2026, 3, 1), ReferralState.REFERRED, None)])
    assert result[1].agreement_rate is None
    assert result[1].median_days is None
