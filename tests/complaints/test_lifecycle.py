"""Each path of the lifecycle, with its audit events in order and what the complainant is told."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.clock import SettableClock
from tests.support.desk import DECISION, Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.domain.lifecycle import StepNotAllowed
from xiaobao.complaints.domain.recusal import ConflictReason, HandlerHasConflict
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.kernel.actors import SYSTEM
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def timeline(complaint: Complaint) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="complaints.complaint", subject_id=str(complaint.pk))
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )


def told(complaint: Complaint) -> list[str]:
    return list(
        Notification.objects.filter(about_id=str(complaint.pk), consumer=complaint.complainant)
        .order_by("created_at")
        .values_list("purpose", flat=True)
    )


def test_the_main_path_from_registration_to_closing(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.register()
    pk = complaint.pk
    assert complaint.reference == f"LN-2026-{pk:06d}"

    actions.complaint_accept(actor=desk.handler, complaint_id=pk)
    actions.complaint_assign(actor=desk.supervisor, complaint_id=pk, handler_id=desk.handler_staff.pk)
    actions.complaint_investigate(actor=desk.handler, complaint_id=pk)
    clock.advance(days=6)
    actions.complaint_decide(actor=desk.handler, complaint_id=pk, decision=DECISION)
    actions.complaint_send_decision(actor=desk.handler, complaint_id=pk)
    actions.complaint_close(actor=desk.handler, complaint_id=pk)

    assert timeline(complaint) == [
        "complaint.registered",
        "complaint.accepted",
        "complaint.assigned",
        "complaint.investigating",
        "complaint.decided",
        "complaint.notified",
        "complaint.closed",
    ]
    assert told(complaint) == [
        "complaint_received",
        "complaint_accepted",
        "complaint_assigned",
        "decision_notice",
        "complaint_closed",
    ]
    deadline = Deadline.objects.get(complaint=complaint)
    assert (deadline.rule_id, deadline.due, deadline.state, deadline.active) == (
        "CMP-T1",
        date(2026, 3, 17),
        "met",
        False,
    )


def test_the_decision_notice_states_facts_basis_reasons_and_every_option(desk: Desk) -> None:
    complaint = desk.in_state("notified")

    notice = Notification.objects.get(about_id=str(complaint.pk), purpose="decision_notice")

    for part in (DECISION.findings, DECISION.basis, DECISION.reasons, DECISION.remedy, "部分支持"):
        assert part in notice.body
    for option in ("申请核查", "申请调解", "申请仲裁", "提起诉讼"):
        assert option in notice.body


def test_declining_tells_the_reason_and_stops_the_clock(desk: Desk) -> None:
    complaint = desk.register()

    actions.complaint_decline(actor=desk.handler, complaint_id=complaint.pk, reason="这是保单变更咨询，已转客服办理。")

    assert timeline(complaint) == ["complaint.registered", "complaint.declined"]
    notice = Notification.objects.get(about_id=str(complaint.pk), purpose="complaint_declined")
    assert "这是保单变更咨询" in notice.body
    assert not Deadline.objects.filter(complaint=complaint, active=True).exists()


def test_the_complainant_can_withdraw_and_handling_ends_that_day(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("investigating")
    from django.contrib.auth import get_user_model

    from xiaobao.identity.actors import actor_for_user

    user = get_user_model().objects.create_user("wang", password="x" * 12)
    desk.complainant.user = user
    desk.complainant.save(update_fields=["user"])
    clock.advance(days=2)

    actions.complaint_withdraw(actor=actor_for_user(user), complaint_id=complaint.pk)

    complaint.refresh_from_db()
    assert (complaint.state, complaint.withdrawn_on) == ("withdrawn", date(2026, 3, 4))
    assert timeline(complaint)[-1] == "complaint.withdrawn"
    assert "complaint_withdrawn" in told(complaint)


def test_a_pause_for_appraisal_moves_the_deadline(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("investigating")
    clock.advance(days=2)  # 03-04
    actions.complaint_pause(actor=desk.handler, complaint_id=complaint.pk, kind="appraisal", note="伤残鉴定")
    clock.advance(days=7)  # 03-11
    actions.complaint_resume(actor=desk.handler, complaint_id=complaint.pk)

    deadline = Deadline.objects.get(complaint=complaint, active=True)
    assert (deadline.paused_days, deadline.due) == (7, date(2026, 3, 24))
    assert timeline(complaint)[-2:] == ["complaint.paused", "complaint.resumed"]


def test_new_facts_restart_the_clock_from_the_day_they_arrive(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("investigating")
    clock.set("2026-03-10 09:00")

    actions.complaint_new_facts(actor=desk.handler, complaint_id=complaint.pk, note="补充了医院诊断证明")

    old, new = Deadline.objects.filter(complaint=complaint).order_by("pk")
    assert (old.state, old.active) == ("superseded", False)
    assert (new.start, new.due, new.active) == (date(2026, 3, 10), date(2026, 3, 25), True)
    assert "complaint_restarted" in told(complaint)


def test_review_within_30_days_then_decided_by_the_higher_level_office(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("closed")
    clock.advance(days=20)

    actions.complaint_request_review(actor=desk.supervisor, complaint_id=complaint.pk, grounds="不同意处理结果")
    actions.complaint_decide_review(
        actor=desk.senior_manager, complaint_id=complaint.pk, outcome=DECISION.outcome, reasons="维持原处理决定。"
    )

    complaint.refresh_from_db()
    assert (complaint.state, complaint.review_outcome) == ("closed", "partly_upheld")
    assert timeline(complaint)[-2:] == ["complaint.review_requested", "complaint.review_decided"]
    review_clock = Deadline.objects.filter(complaint=complaint, rule_id="CMP-N2-DECISION").get()
    assert review_clock.state == "met"


def test_a_review_asked_for_after_30_days_is_refused(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("notified")
    clock.advance(days=40)
    with pytest.raises(actions.ReviewWindowClosed):
        actions.complaint_request_review(actor=desk.supervisor, complaint_id=complaint.pk)


def test_the_handler_cannot_decide_the_review_of_their_own_decision(desk: Desk) -> None:
    complaint = desk.in_state("closed")
    actions.complaint_request_review(actor=SYSTEM, complaint_id=complaint.pk)
    from xiaobao.kernel.actors import Role
    from xiaobao.kernel.errors import PermissionDenied

    staff, supervisor_who_handled = desk.world.ours.staff(Role.SUPERVISOR)
    Complaint.objects.filter(pk=complaint.pk).update(handler=staff)
    with pytest.raises(PermissionDenied):
        actions.complaint_decide_review(
            actor=supervisor_who_handled, complaint_id=complaint.pk, outcome=DECISION.outcome, reasons="维持"
        )


@pytest.mark.parametrize(
    ("state", "attempt"),
    [
        ("registered", lambda d, pk: actions.complaint_investigate(actor=SYSTEM, complaint_id=pk)),
        ("accepted", lambda d, pk: actions.complaint_decide(actor=SYSTEM, complaint_id=pk, decision=DECISION)),
        ("closed", lambda d, pk: actions.complaint_withdraw(actor=SYSTEM, complaint_id=pk)),
        ("decided", lambda d, pk: actions.complaint_pause(actor=SYSTEM, complaint_id=pk, kind="mediation")),
        ("notified", lambda d, pk: actions.complaint_accept(actor=SYSTEM, complaint_id=pk)),
    ],
)
def test_a_step_not_allowed_now_is_refused_with_the_reason_and_changes_nothing(desk: Desk, state: str, attempt) -> None:  # type: ignore[no-untyped-def]
    complaint = desk.in_state(state)
    events, notices = AuditEvent.objects.count(), Notification.objects.count()

    with pytest.raises(StepNotAllowed) as refused:
        attempt(desk, complaint.pk)

    assert refused.value.params["state"] == state
    assert Complaint.objects.get(pk=complaint.pk).state == state
    assert (AuditEvent.objects.count(), Notification.objects.count()) == (events, notices)


def test_a_declared_conflict_returns_the_case_to_the_supervisor(desk: Desk) -> None:
    complaint = desk.in_state("investigating")

    actions.complaint_declare_conflict(actor=desk.handler, complaint_id=complaint.pk, note="投保人是我的亲属")

    complaint.refresh_from_db()
    assert (complaint.state, complaint.handler_id) == ("accepted", None)
    assert timeline(complaint)[-1] == "complaint.conflict_declared"
    with pytest.raises(HandlerHasConflict) as refused:
        actions.complaint_assign(actor=desk.supervisor, complaint_id=complaint.pk, handler_id=desk.handler_staff.pk)
    assert refused.value.reasons == [ConflictReason.DECLARED]


def test_the_complainant_is_told_when_the_clock_stops_and_starts_again(desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    actions.complaint_pause(actor=desk.handler, complaint_id=complaint.pk, kind="mediation")
    actions.complaint_resume(actor=desk.handler, complaint_id=complaint.pk)

    assert told(complaint)[-2:] == ["complaint_paused", "complaint_resumed"]
    paused = Notification.objects.get(about_id=str(complaint.pk), purpose="complaint_paused")
    assert "调解" in paused.body


def test_the_complainant_is_told_at_every_key_step(desk: Desk) -> None:
    complaint = desk.in_state("closed")
    assert told(complaint) == [
        "complaint_received",
        "complaint_accepted",
        "complaint_assigned",
        "decision_notice",
        "complaint_closed",
    ]


def test_an_information_request_is_told_and_answered_by_the_complainants_files(desk: Desk) -> None:
    from xiaobao.complaints.actions import Upload
    from xiaobao.complaints.models import InformationRequest
    from xiaobao.kernel.actors import Actor, ActorKind

    complaint = desk.in_state("investigating")
    actions.complaint_request_information(
        actor=desk.handler, complaint_id=complaint.pk, text="请提供出院小结和费用清单。"
    )
    notice = Notification.objects.get(about_id=str(complaint.pk), purpose="information_requested")
    assert "出院小结和费用清单" in notice.body
    assert InformationRequest.objects.get().answered_at is None

    complainant = Actor(kind=ActorKind.CONSUMER, consumer_id=complaint.complainant_id)
    actions.complaint_attach(
        actor=complainant, complaint_id=complaint.pk, uploads=[Upload("出院小结.pdf", b"%PDF-1.4 ...")]
    )

    assert InformationRequest.objects.get().answered_at is not None
    assert timeline(complaint)[-2:] == ["complaint.information_requested", "complaint.attached"]


def test_the_priority_target_is_a_share_of_the_statutory_time_and_never_past_the_due_date() -> None:
    from datetime import date

    from xiaobao.complaints.domain.clocks import priority_target

    start, due = date(2026, 3, 2), date(2026, 3, 17)
    assert priority_target(start, due, priority=True, fraction=0.5) == date(2026, 3, 10)
    assert priority_target(start, due, priority=True, fraction=1.0) == due
    assert priority_target(start, due, priority=True, fraction=0.01) == date(2026, 3, 3)  # at least a day
    assert priority_target(start, due, priority=False, fraction=0.5) is None
