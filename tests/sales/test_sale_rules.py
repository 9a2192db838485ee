"""The pure sale rules: recording (SAL-R1), high risk and the sample (SAL-R2), retention (SAL-R3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.sales.domain import quality, recording, retention
from xiaobao.sales.domain.quality import HighRisk, RiskFacts
from xiaobao.sales.domain.recording import RecordingReason, SaleFacts
from xiaobao.sales.domain.retention import Dispute, KeptBecause


def facts(**changes: object) -> SaleFacts:
    values: dict[str, object] = {
        "buyer_age": 40,
        "channel": "face_to_face",
        "term_months": 12,
        "investment_linked": False,
    }
    values.update(changes)
    return SaleFacts(**values)  # type: ignore[arg-type]


def test_a_buyer_of_59_need_not_be_recorded() -> None:
    assert recording.recording_reasons(facts(buyer_age=59)) == ()


def test_a_buyer_of_60_must_be_recorded() -> None:
    assert recording.recording_reasons(facts(buyer_age=60)) == (RecordingReason.BUYER_AGE,)


def test_bancassurance_for_12_months_need_not_be_recorded() -> None:
    assert not recording.recording_required(facts(channel="bancassurance", term_months=12))


def test_bancassurance_for_13_months_must_be_recorded() -> None:
    assert recording.recording_reasons(facts(channel="bancassurance", term_months=13)) == (
        RecordingReason.BANCASSURANCE_OVER_A_YEAR,
    )


def test_bancassurance_for_life_must_be_recorded() -> None:
    assert recording.recording_required(facts(channel="bancassurance", term_months=None))


def test_thirteen_months_sold_face_to_face_need_not_be_recorded() -> None:
    assert not recording.recording_required(facts(channel="face_to_face", term_months=13))


def test_an_investment_linked_product_must_be_recorded() -> None:
    assert recording.recording_reasons(facts(investment_linked=True)) == (RecordingReason.INVESTMENT_LINKED,)


def risk(**changes: object) -> RiskFacts:
    values: dict[str, object] = {
        "buyer_age": 50,
        "uncertain_benefit": False,
        "declaration_signed": False,
        "investment_linked": False,
        "disputed": False,
    }
    values.update(changes)
    return RiskFacts(**values)  # type: ignore[arg-type]


def test_a_buyer_of_64_is_not_high_risk_and_of_65_is() -> None:
    assert quality.high_risk_reasons(risk(buyer_age=64)) == ()
    assert quality.high_risk_reasons(risk(buyer_age=65)) == (HighRisk.BUYER_65_OR_MORE,)


def test_an_uncertain_benefit_is_high_risk_only_with_a_declaration() -> None:
    assert quality.high_risk_reasons(risk(uncertain_benefit=True)) == ()
    assert quality.high_risk_reasons(risk(uncertain_benefit=True, declaration_signed=True)) == (
        HighRisk.UNCERTAIN_BENEFIT_WITH_DECLARATION,
    )


def test_the_sample_is_at_least_30_percent_rounded_up() -> None:
    sampled, risky = quality.draw_sample("seed", [f"S{n}" for n in range(10)], [])
    assert (len(sampled), risky) == (3, [])
    assert quality.sample_size(11) == 4


def test_every_high_risk_sale_is_in_the_sample_even_beyond_30_percent() -> None:
    population = [f"S{n}" for n in range(10)]
    sampled, risky = quality.draw_sample("seed", population, population[:5])
    assert (sampled, risky) == ([], population[:5])


def test_a_rate_below_30_percent_is_refused() -> None:
    with pytest.raises(ValueError, match="30"):
        quality.sample_size(10, Decimal("0.29"))


@given(
    seed=st.text(max_size=20),
    references=st.sets(st.text(alphabet="ABC0123456789", min_size=1, max_size=6), max_size=40),
    data=st.data(),
)
def test_the_draw_is_reproducible_covers_the_rate_and_every_high_risk_sale(
    seed: str, references: set[str], data: st.DataObject
) -> None:
    ordered = sorted(references)
    risky = data.draw(st.lists(st.sampled_from(ordered), unique=True) if ordered else st.just([]))
    sampled, high = quality.draw_sample(seed, ordered, risky)
    again = quality.draw_sample(seed, list(reversed(ordered)), list(reversed(risky)))
    assert (list(sampled), list(high)) == (list(again[0]), list(again[1]))
    assert set(high) == set(risky)
    assert len(set(sampled) | set(high)) >= quality.sample_size(len(ordered))
    assert not set(sampled) & set(high)


def test_records_of_a_one_year_contract_are_kept_five_years_after_it_ends() -> None:
    kept = retention.retention(term_months=12, contract_end=date(2027, 5, 31))
    assert (kept.keep_until, kept.because, kept.rule_id) == (date(2032, 5, 31), KeptBecause.SHORT_TERM, "SAL-R3")


def test_records_of_a_longer_contract_are_kept_ten_years_after_it_ends() -> None:
    kept = retention.retention(term_months=13, contract_end=date(2027, 6, 30))
    assert (kept.keep_until, kept.because) == (date(2037, 6, 30), KeptBecause.LONG_TERM)


def test_an_open_dispute_keeps_the_records_with_no_end_date() -> None:
    kept = retention.retention(
        term_months=12, contract_end=date(2027, 5, 31), disputes=[Dispute(date(2031, 1, 5), None)]
    )
    assert (kept.keep_until, kept.because) == (None, KeptBecause.DISPUTE_OPEN)


def test_a_dispute_ending_late_extends_the_records_to_two_years_after_it_ended() -> None:
    kept = retention.retention(
        term_months=12, contract_end=date(2027, 5, 31), disputes=[Dispute(date(2031, 1, 5), date(2031, 9, 1))]
    )
    assert (kept.keep_until, kept.because) == (date(2033, 9, 1), KeptBecause.DISPUTE_ENDED)


def test_a_dispute_ending_early_does_not_shorten_the_retention() -> None:
    kept = retention.retention(
        term_months=12, contract_end=date(2027, 5, 31), disputes=[Dispute(date(2026, 7, 1), date(2026, 8, 1))]
    )
    assert kept.keep_until == date(2032, 5, 31)


def test_a_contract_for_life_still_running_has_no_end_date_yet() -> None:
    assert retention.retention(term_months=None, contract_end=None).because is KeptBecause.CONTRACT_RUNNING


def test_records_kept_from_a_29_february_end_run_to_1_march() -> None:
    kept = retention.retention(term_months=12, contract_end=date(2028, 2, 29))
    assert kept.keep_until == date(2033, 3, 1)
