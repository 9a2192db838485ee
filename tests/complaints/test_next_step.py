"""The complainant's choice after the decision (DSP-2, CMP-N1): recorded once, audited, visible on their timeline,
and acted on — review asked for, mediation wanted, staff told of arbitration or court and the file held."""

from __future__ import annotations

import pytest

from tests.support.clock import SettableClock
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.audit.timeline import timeline
from xiaobao.complaints import actions
from xiaobao.complaints.actions import ReviewWindowClosed
from xiaobao.complaints.domain.decisions import Remedy
from xiaobao.complaints.domain.remedies import NoDecisionYet
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import NotFound
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def complainant_of(complaint: Complaint) -> Actor:
    return Actor(kind=ActorKind.CONSUMER, consumer_id=complaint.complainant_id)


def choice_events(complaint: Complaint) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(subject_id=str(complaint.pk), event_type__startswith="complaint.next_step_").order_by(
            "sequence"
        )
    )


def staff_told(complaint: Complaint) -> int:
    return Notification.objects.filter(purpose="next_step_chosen", about_id=str(complaint.pk)).count()


def snapshot(complaint: Complaint) -> tuple[object, ...]:
    fresh = Complaint.objects.get(pk=complaint.pk)
    return (
        fresh.state,
        fresh.next_step,
        fresh.next_step_chosen_on,
        fresh.dispute_chosen_on,
        fresh.mediation_wanted_on,
        fresh.review_requested_on,
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def test_choosing_court_records_it_tells_the_handler_and_holds_the_file(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("notified")

    chosen = actions.complaint_choose_next_step(
        actor=complainant_of(complaint), complaint_id=complaint.pk, option=Remedy.COURT
    )

    assert (chosen.next_step, chosen.next_step_chosen_on, chosen.dispute_chosen_on) == (
        "court",
        clock.now().date(),
        clock.now().date(),
    )
    [event] = choice_events(complaint)
    assert (event.event_type, event.visible_to_consumer, event.new_values["option"]) == (
        "complaint.next_step_court",
        True,
        "court",
    )
    told = Notification.objects.get(purpose="next_step_chosen")
    assert (told.channel, told.staff_id) == ("in_app", desk.handler_staff.pk)
    assert "complaint.next_step_court" in [entry.event_type for entry in timeline(complaint, consumer_view=True)]


def test_the_same_choice_submitted_twice_is_recorded_once(desk: Desk) -> None:
    complaint = desk.in_state("notified")
    actions.complaint_choose_next_step(actor=complainant_of(complaint), complaint_id=complaint.pk, option=Remedy.COURT)
    before = snapshot(complaint)

    actions.complaint_choose_next_step(actor=complainant_of(complaint), complaint_id=complaint.pk, option=Remedy.COURT)

    assert snapshot(complaint) == before
    assert len(choice_events(complaint)) == 1
    assert staff_told(complaint) == 1


def test_no_choice_before_the_decision_was_sent_and_nothing_changes(desk: Desk) -> None:
    complaint = desk.in_state("decided")  # decided, the notice not sent yet
    before = snapshot(complaint)

    with pytest.raises(NoDecisionYet):
        actions.complaint_choose_next_step(
            actor=complainant_of(complaint), complaint_id=complaint.pk, option=Remedy.ARBITRATION
        )

    assert snapshot(complaint) == before


def test_no_choice_on_a_complaint_still_being_handled(desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    before = snapshot(complaint)

    with pytest.raises(NoDecisionYet):
        actions.complaint_choose_next_step(
            actor=complainant_of(complaint), complaint_id=complaint.pk, option=Remedy.MEDIATION
        )

    assert snapshot(complaint) == before


def test_choosing_review_asks_the_higher_level_office_for_it(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("notified")

    chosen = actions.complaint_choose_next_step(
        actor=complainant_of(complaint), complaint_id=complaint.pk, option=Remedy.REVIEW, grounds="条款没有解释清楚。"
    )

    assert (chosen.state, chosen.next_step, chosen.review_requested_on) == (
        "review_requested",
        "review",
        clock.now().date(),
    )
    assert Deadline.objects.get(complaint=complaint, active=True).rule_id == "CMP-N2-DECISION"
    assert AuditEvent.objects.filter(subject_id=str(complaint.pk), event_type="complaint.review_requested").count() == 1
    assert Notification.objects.filter(purpose="review_requested").exists()


def test_review_cannot_be_chosen_once_its_30_days_passed_and_nothing_is_recorded(
    desk: Desk, clock: SettableClock
) -> None:
    complaint = desk.in_state("notified")  # notice sent 2026-03-02: the last day is 2026-04-01
    clock.advance(days=31)
    before = snapshot(complaint)

    with pytest.raises(ReviewWindowClosed):
        actions.complaint_choose_next_step(
            actor=complainant_of(complaint), complaint_id=complaint.pk, option=Remedy.REVIEW, grounds="不同意"
        )

    assert snapshot(complaint) == before


def test_choosing_mediation_marks_it_wanted(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("notified")

    chosen = actions.complaint_choose_next_step(
        actor=complainant_of(complaint), complaint_id=complaint.pk, option=Remedy.MEDIATION
    )

    assert (chosen.next_step, chosen.mediation_wanted_on, chosen.dispute_chosen_on) == (
        "mediation",
        clock.now().date(),
        None,
    )
    assert Notification.objects.filter(purpose="mediation_wanted").count() == 1


def test_a_changed_mind_is_a_new_audited_choice_and_the_file_stays_held(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("notified")
    first_day = clock.now().date()
    actions.complaint_choose_next_step(actor=complainant_of(complaint), complaint_id=complaint.pk, option=Remedy.COURT)
    clock.advance(days=2)

    changed = actions.complaint_choose_next_step(
        actor=complainant_of(complaint), complaint_id=complaint.pk, option=Remedy.MEDIATION
    )

    assert (changed.next_step, changed.dispute_chosen_on) == ("mediation", first_day)
    events = choice_events(complaint)
    assert [(e.event_type, e.new_values["previous"]) for e in events] == [
        ("complaint.next_step_court", None),
        ("complaint.next_step_mediation", "court"),
    ]
    assert staff_told(complaint) == 2


def test_another_consumer_cannot_choose_on_the_case_and_nothing_changes(desk: Desk) -> None:
    complaint = desk.in_state("notified")
    stranger = desk.world.ours.consumer(name="李四", phone="13800138002")
    before = snapshot(complaint)

    with pytest.raises(NotFound):
        actions.complaint_choose_next_step(
            actor=Actor(kind=ActorKind.CONSUMER, consumer_id=stranger.pk),
            complaint_id=complaint.pk,
            option=Remedy.COURT,
        )

    assert snapshot(complaint) == before


def test_staff_of_another_insurer_cannot_choose_and_nothing_changes(desk: Desk) -> None:
    complaint = desk.in_state("notified")
    _, intruder = desk.world.theirs.staff(*Role)
    before = snapshot(complaint)

    with pytest.raises(NotFound):
        actions.complaint_choose_next_step(actor=intruder, complaint_id=complaint.pk, option=Remedy.ARBITRATION)

    assert snapshot(complaint) == before


def test_the_review_decision_notice_summarises_the_options_left_and_links_the_choice(desk: Desk) -> None:
    from django.utils import translation
    from django.utils.translation import gettext

    from xiaobao.complaints.domain.decisions import Outcome
    from xiaobao.complaints.domain.remedies import GUIDE

    complaint = desk.in_state("notified")
    actions.complaint_request_review(actor=complainant_of(complaint), complaint_id=complaint.pk, grounds="不同意")
    actions.complaint_decide_review(
        actor=desk.senior_manager, complaint_id=complaint.pk, outcome=Outcome.NOT_UPHELD, reasons="维持原决定。"
    )
    with translation.override("zh-hans"):
        left = [gettext(g.summary) for g in GUIDE if g.option is not Remedy.REVIEW]
        review = next(gettext(g.summary) for g in GUIDE if g.option is Remedy.REVIEW)

    body = Notification.objects.get(purpose="review_decided").body

    assert [summary for summary in left if summary not in body] == []
    assert review not in body
    assert f"/track/{complaint.reference}/#next-steps" in body
