"""Mediation actions (DSP-1, DSP-3): consent before referral, exactly what the consent names is shared, the
mediator sees only their organisation's referrals, the complaint's clock stands still while in mediation and
runs again after, the outcome comes back into the case, and every step taken twice is taken once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.conftest import World
from tests.disputes.conftest import PDF, Mediation
from tests.support.clock import SettableClock
from tests.support.matrix import Cast, assert_matrix, row_counts
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.actions import Upload
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.disputes import access, actions, selectors
from xiaobao.disputes.domain.mediation import BeyondConsent, NoConsent, NoSharingAgreement
from xiaobao.disputes.models import Clock, Consent, Referral
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.errors import NotFound, PermissionDenied
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _active(complaint: Complaint) -> Deadline:
    return Deadline.objects.get(complaint=complaint, active=True)


def test_no_referral_without_the_complainants_consent(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    before = row_counts()
    with pytest.raises(NoConsent):
        actions.referral_make(
            actor=mediation.desk.handler, complaint_id=complaint.pk, organisation_id=mediation.centre.pk, shared=[]
        )
    assert row_counts() == before


def test_a_referral_shares_no_more_than_the_consent_names(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    mediation.consent(complaint, shared=("decision",))
    before = row_counts()
    with pytest.raises(BeyondConsent):
        actions.referral_make(
            actor=mediation.desk.handler,
            complaint_id=complaint.pk,
            organisation_id=mediation.centre.pk,
            shared=["decision", "timeline"],
        )
    assert row_counts() == before


def test_a_referral_goes_only_to_the_organisation_the_complainant_chose(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    mediation.consent(complaint)
    with pytest.raises(BeyondConsent):
        actions.referral_make(
            actor=mediation.desk.handler, complaint_id=complaint.pk, organisation_id=mediation.other.pk, shared=[]
        )


def test_no_referral_without_a_data_sharing_agreement_in_force(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    actions.consent_give(
        actor=mediation.complainant, complaint_id=complaint.pk, organisation_id=None, shared=["decision"]
    )
    before = row_counts()
    with pytest.raises(NoSharingAgreement):
        actions.referral_make(
            actor=mediation.desk.handler,
            complaint_id=complaint.pk,
            organisation_id=mediation.other.pk,
            shared=["decision"],
        )
    assert row_counts() == before


def test_only_staff_who_may_handle_the_complaint_refer_it(world: World, mediation: Mediation) -> None:
    cast = Cast.build(world, Role.SUPERVISOR)

    def given() -> Complaint:
        complaint = mediation.under_review()
        mediation.consent(complaint)
        return complaint

    def attempt(actor: Actor, complaint: Complaint) -> Referral:
        return actions.referral_make(
            actor=actor, complaint_id=complaint.pk, organisation_id=mediation.centre.pk, shared=["decision"]
        )

    assert_matrix(cast, attempt, allowed={"staff_with_role"}, given=given)


def test_only_the_complainant_consents(world: World, mediation: Mediation) -> None:
    cast = Cast.build(world, Role.SUPERVISOR)
    complaint = mediation.under_review()

    def attempt(actor: Actor) -> Consent:
        return actions.consent_give(actor=actor, complaint_id=complaint.pk, organisation_id=None, shared=["decision"])

    assert_matrix(cast, attempt, allowed=set())  # the cast's consumer is not this complainant
    assert attempt(mediation.complainant)


def test_the_same_consent_twice_is_recorded_once(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    first = mediation.consent(complaint)
    before = row_counts()
    again = mediation.consent(complaint)
    assert again.pk == first.pk
    assert row_counts() == before


def test_the_same_referral_twice_is_made_once(mediation: Mediation) -> None:
    referral = mediation.referred()
    before = row_counts()
    again = actions.referral_make(
        actor=mediation.desk.handler,
        complaint_id=referral.complaint_id,
        organisation_id=mediation.centre.pk,
        shared=["decision"],
    )
    assert again.pk == referral.pk
    assert row_counts() == before


def test_a_referral_stops_the_review_clock_and_the_outcome_starts_it_again(
    mediation: Mediation, clock: SettableClock
) -> None:
    # given a complaint under review, its review clock running
    complaint = mediation.under_review()
    due_before = _active(complaint).due
    # when it is referred a day later, and the mediation ends 6 days after that
    clock.advance(days=1)
    referral = mediation.referred(complaint)
    assert _active(complaint).state == Deadline.PAUSED
    assert complaint.pauses.get().started_on == date(2026, 3, 3)
    actions.referral_accept(actor=mediation.mediator, referral_id=referral.pk)
    clock.advance(days=6)
    actions.referral_record_outcome(actor=mediation.mediator, referral_id=referral.pk, outcome="no_agreement")
    # then the pause ran from 3 to 9 March and the review's due date moved 6 days later
    pause = complaint.pauses.get()
    assert (pause.started_on, pause.ended_on) == (date(2026, 3, 3), date(2026, 3, 9))
    deadline = _active(complaint)
    assert deadline.state == Deadline.RUNNING
    assert deadline.due == due_before + timedelta(days=6)
    assert Complaint.objects.get(pk=complaint.pk).state == "review_requested"


def test_a_referral_pauses_a_complaint_being_investigated_and_the_outcome_resumes_it(mediation: Mediation) -> None:
    complaint = mediation.desk.in_state("investigating")
    referral = mediation.referred(complaint)
    assert Complaint.objects.get(pk=complaint.pk).state == "paused"
    actions.referral_record_outcome(actor=mediation.mediator, referral_id=referral.pk, outcome="withdrawn")
    assert Complaint.objects.get(pk=complaint.pk).state == "investigating"


def test_a_mediator_sees_only_referrals_to_their_own_organisation(mediation: Mediation) -> None:
    referral = mediation.referred()
    assert access.referral_for(mediation.mediator, referral.pk) == referral
    with pytest.raises(NotFound):
        access.referral_for(mediation.other_mediator, referral.pk)
    with pytest.raises(NotFound):
        selectors.shared_file(mediation.other_mediator, referral.pk)


def test_a_mediator_sees_no_complaint_that_was_not_referred(mediation: Mediation) -> None:
    from xiaobao.complaints import access as complaint_access

    complaint = mediation.under_review()
    assert not complaint_access.complaints_for(mediation.mediator).filter(pk=complaint.pk).exists()
    assert selectors.workspace(mediation.mediator) == []


def test_a_mediator_of_another_organisation_cannot_accept_or_record_an_outcome(mediation: Mediation) -> None:
    referral = mediation.referred()
    before = row_counts()
    with pytest.raises(NotFound):
        actions.referral_accept(actor=mediation.other_mediator, referral_id=referral.pk)
    with pytest.raises(NotFound):
        actions.referral_record_outcome(actor=mediation.other_mediator, referral_id=referral.pk, outcome="withdrawn")
    assert row_counts() == before


def test_only_a_mediator_accepts(world: World, mediation: Mediation) -> None:
    cast = Cast.build(world, Role.SUPERVISOR)

    def attempt(actor: Actor, referral: Referral) -> object:
        return actions.referral_accept(actor=actor, referral_id=referral.pk)

    assert_matrix(cast, attempt, allowed=set(), given=mediation.referred)


def test_the_shared_file_holds_exactly_what_the_referral_names(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    consent = mediation.consent(complaint, shared=("decision",))
    referral = actions.referral_make(
        actor=mediation.desk.handler,
        complaint_id=complaint.pk,
        organisation_id=mediation.centre.pk,
        shared=consent.shared,
    )
    shared = selectors.shared_file(mediation.mediator, referral.pk)
    assert shared.decision is not None
    assert shared.timeline is None
    assert shared.documents is None
    assert shared.complainant != "王淑芬"  # masked
    file = complaint.attachments.get()
    with pytest.raises(NotFound):
        selectors.shared_document(mediation.mediator, referral.pk, file.pk)


def test_later_events_of_the_complaint_appear_in_the_shared_timeline(mediation: Mediation) -> None:
    referral = mediation.referred()
    actions.referral_accept(actor=mediation.mediator, referral_id=referral.pk)
    entries = selectors.shared_file(mediation.mediator, referral.pk).timeline
    assert entries is not None
    assert entries[-1].event_type == "disputes.accepted"


def test_the_outcome_comes_back_into_the_case(mediation: Mediation) -> None:
    referral = mediation.agreed()
    complaint = referral.complaint
    assert AuditEvent.objects.filter(
        subject_id=str(complaint.pk), event_type="disputes.outcome_recorded", visible_to_consumer=True
    ).exists()
    told = Notification.objects.filter(purpose="mediation_outcome")
    assert told.filter(consumer_id=complaint.complainant_id).exists()
    assert told.filter(staff_id=mediation.desk.handler_staff.pk).exists()


def test_the_same_outcome_twice_is_recorded_once(mediation: Mediation) -> None:
    referral = mediation.agreed()
    before = row_counts()
    actions.referral_record_outcome(
        actor=mediation.mediator,
        referral_id=referral.pk,
        outcome="agreement",
        terms="x",
        amount=Decimal(1),
        effective_on=date(2026, 3, 10),
    )
    assert row_counts() == before


def test_an_agreement_opens_the_30_day_window_to_apply_to_the_court(mediation: Mediation) -> None:
    referral = mediation.agreed(effective_on=date(2026, 3, 10))
    assert referral.confirmation.window_ends == date(2026, 4, 9)
    window = Clock.objects.get(referral=referral, kind=Clock.APPLICATION)
    assert (window.start, window.due, window.rule_id) == (date(2026, 3, 10), date(2026, 4, 9), "DSP-3-APPLY")


@pytest.mark.parametrize(("applied_on", "state"), [(date(2026, 4, 9), Clock.MET), (date(2026, 4, 10), Clock.MISSED)])
def test_an_application_on_the_last_day_is_in_time_and_the_day_after_is_late(
    mediation: Mediation, clock: SettableClock, applied_on: date, state: str
) -> None:
    referral = mediation.agreed(effective_on=date(2026, 3, 10))
    clock.set("2026-04-20 10:00")
    actions.confirmation_record_application(
        actor=mediation.desk.handler, referral_id=referral.pk, applied_on=applied_on, court="沈阳市沈河区人民法院"
    )
    assert Clock.objects.get(referral=referral, kind=Clock.APPLICATION).state == state


def test_the_bundle_for_the_court_holds_the_agreement_and_the_parties(mediation: Mediation) -> None:
    from tests.support.pdf import pdf_text, squeezed

    referral = mediation.agreed()
    pdf = actions.confirmation_bundle_make(actor=mediation.desk.handler, referral_id=referral.pk)
    text = squeezed(pdf_text(pdf))
    consumer = referral.complaint.complainant
    assert squeezed("一次性补偿人民币3,000元") in text
    assert squeezed(consumer.name) in text
    assert consumer.resident_id in text
    assert mediation.desk.world.ours.insurer.name.replace(" ", "") in text
    assert "91210100MA0XXXXX1A" in text
    assert AuditEvent.objects.filter(event_type="disputes.bundle_made").count() == 1


def test_the_bundle_is_made_only_by_those_who_handle_the_complaint(world: World, mediation: Mediation) -> None:
    cast = Cast.build(world, Role.SUPERVISOR)

    def attempt(actor: Actor, referral: Referral) -> bytes:
        return actions.confirmation_bundle_make(actor=actor, referral_id=referral.pk)

    assert_matrix(cast, attempt, allowed={"staff_with_role"}, given=mediation.agreed)
    with pytest.raises(PermissionDenied):
        attempt(mediation.mediator, mediation.agreed())


def test_the_courts_result_is_recorded_after_the_application(mediation: Mediation, clock: SettableClock) -> None:
    referral = mediation.agreed(effective_on=date(2026, 3, 2))
    actions.confirmation_record_application(
        actor=mediation.desk.handler, referral_id=referral.pk, applied_on=date(2026, 3, 2), court="沈河区人民法院"
    )
    confirmation = actions.confirmation_record_result(
        actor=mediation.desk.handler,
        referral_id=referral.pk,
        result="confirmed",
        ruled_on=date(2026, 3, 2),
        ruling_number="(2026)辽0103民特12号",
    )
    assert confirmation.result == "confirmed"


def test_performance_is_followed_until_done_with_evidence(mediation: Mediation, clock: SettableClock) -> None:
    referral = mediation.agreed(effective_on=date(2026, 3, 2))
    performance = actions.performance_record(
        actor=mediation.desk.handler, referral_id=referral.pk, what="支付补偿 3,000 元", due=date(2026, 3, 12)
    )
    clock.advance(days=8)
    assert actions.disputes_sweep(reminder_days=(2,))["reminded"] >= 1
    actions.performance_done(
        actor=mediation.desk.handler,
        performance_id=performance.pk,
        performed_on=date(2026, 3, 10),
        evidence=Upload("transfer.pdf", PDF),
    )
    performance.refresh_from_db()
    assert performance.performed_on == date(2026, 3, 10)
    assert len(performance.evidence_sha256) == 64
    assert performance.clock.state == Clock.MET
    before = row_counts()
    actions.performance_done(
        actor=mediation.desk.handler,
        performance_id=performance.pk,
        performed_on=date(2026, 3, 10),
        evidence=Upload("transfer.pdf", PDF),
    )
    assert row_counts() == before


def test_an_unperformed_agreement_is_escalated_once_late(mediation: Mediation, clock: SettableClock) -> None:
    referral = mediation.agreed(effective_on=date(2026, 3, 2))
    actions.performance_record(
        actor=mediation.desk.handler, referral_id=referral.pk, what="支付补偿", due=date(2026, 3, 5)
    )
    clock.advance(days=5)
    assert actions.disputes_sweep()["escalated"] >= 1
    assert actions.disputes_sweep()["escalated"] == 0


def test_the_mediation_has_its_own_clock_reminding_the_organisation(
    mediation: Mediation, clock: SettableClock, settings: object
) -> None:
    referral = mediation.referred()
    actions.referral_accept(actor=mediation.mediator, referral_id=referral.pk)
    row = Clock.objects.get(referral=referral, kind=Clock.MEDIATION)
    assert row.due == date(2026, 4, 1)  # 30 days (XIAOBAO_MEDIATION_DAYS, unverified) from 2 March
    clock.set("2026-03-30 09:00")
    actions.disputes_sweep()
    sent = Notification.objects.filter(purpose="mediation_2d")
    assert [n.to_address for n in sent] == ["centre@example.org"]


def test_the_figures_per_organisation(mediation: Mediation) -> None:
    from xiaobao.kernel.actors import SYSTEM

    mediation.agreed()
    rows = selectors.mediation_figures(SYSTEM, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert [(r.organisation.pk, r.figures.referrals, r.figures.agreements) for r in rows] == [
        (mediation.centre.pk, 1, 1)
    ]
    assert selectors.mediation_figures(mediation.other_mediator, start=date(2026, 3, 1), end=date(2026, 3, 31)) == []
    assert selectors.mediation_figures(mediation.desk.handler, start=date(2026, 3, 1), end=date(2026, 3, 31)) == []
    assert (
        len(selectors.mediation_figures(mediation.desk.compliance, start=date(2026, 3, 1), end=date(2026, 3, 31))) == 1
    )


def test_the_window_to_apply_to_the_court_is_reminded_before_it_ends(
    mediation: Mediation, clock: SettableClock
) -> None:
    referral = mediation.agreed(effective_on=date(2026, 3, 2))
    clock.set("2026-03-30 09:00")  # the window ends on 1 April
    actions.disputes_sweep()
    reminded = AuditEvent.objects.filter(event_type="disputes.reminded", subject_id=str(referral.complaint_id))
    assert [e.new_values["clock"] for e in reminded] == ["application"]


def test_a_review_decided_during_the_mediation_leaves_no_clock_to_restart(mediation: Mediation) -> None:
    from xiaobao.complaints import actions as complaint_actions
    from xiaobao.complaints.domain.decisions import Outcome

    referral = mediation.referred()
    complaint_actions.complaint_decide_review(
        actor=mediation.desk.senior_manager,
        complaint_id=referral.complaint_id,
        outcome=Outcome.NOT_UPHELD,
        reasons="原决定依据充分。",
    )
    actions.referral_record_outcome(actor=mediation.mediator, referral_id=referral.pk, outcome="withdrawn")
    assert referral.complaint.pauses.get().ended_on == date(2026, 3, 2)


def test_only_those_who_manage_partners_record_an_agreement_with_an_organisation(
    world: World, mediation: Mediation
) -> None:
    cast = Cast.build(world, Role.ADMINISTRATOR)

    def attempt(actor: Actor) -> object:
        return actions.sharing_agreement_record(
            actor=actor,
            organisation_id=mediation.other.pk,
            reference="MSA-9",
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
        )

    assert_matrix(cast, attempt, allowed={"staff_with_role", "other_insurer_staff"})  # theirs is their own
    before = row_counts()
    attempt(cast.staff_with_role)
    assert row_counts() == before


def test_the_contact_goes_only_when_the_complainant_shares_it(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    mediation.consent(complaint, shared=("contact",))
    referral = actions.referral_make(
        actor=mediation.desk.handler, complaint_id=complaint.pk, organisation_id=mediation.centre.pk, shared=["contact"]
    )
    shared = selectors.shared_file(mediation.mediator, referral.pk)
    assert (shared.complainant, shared.phone) == ("王淑芬", "+8613800138001")
    assert shared.decision is None


def test_a_mediator_reaches_no_referral_through_the_insurers_gate(mediation: Mediation) -> None:
    from xiaobao.identity.domain.permissions import Permission

    referral = mediation.agreed()
    assert not access.referrals_for(mediation.mediator, Permission.REFER_TO_MEDIATION).exists()
    performance = actions.performance_record(
        actor=mediation.desk.handler, referral_id=referral.pk, what="支付补偿", due=date(2026, 3, 20)
    )
    with pytest.raises(NotFound):
        access.performance_for(mediation.mediator, performance.pk)
