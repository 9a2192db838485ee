"""The periodic sweep: reminders before the deadline, escalation when overdue, each sent once."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from tests.support.clock import SettableClock
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.models import Deadline
from xiaobao.notifications.actions import notification_deliver
from xiaobao.notifications.models import Notification
from xiaobao.ops.periodic import enqueue_due_periodic_tasks

pytestmark = pytest.mark.django_db


def purposes(complaint_pk: int) -> list[str]:
    return sorted(
        Notification.objects.filter(about_id=str(complaint_pk), purpose__startswith="deadline_")
        .values_list("purpose", flat=True)
        .distinct()
    )


def test_reminders_at_five_and_two_days_then_escalation_each_once(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("investigating")  # due 2026-03-17

    clock.set("2026-03-12 08:00")  # 5 days left
    first = actions.complaints_sweep()
    again = actions.complaints_sweep()
    clock.set("2026-03-15 08:00")  # 2 days left
    actions.complaints_sweep()
    clock.set("2026-03-18 08:00")  # overdue
    late = actions.complaints_sweep()
    actions.complaints_sweep()

    assert (first.reminded, again.reminded, late.escalated) == (1, 0, 1)
    assert purposes(complaint.pk) == ["deadline_2d", "deadline_5d", "deadline_overdue"]
    escalations = Notification.objects.filter(about_id=str(complaint.pk), purpose="deadline_overdue")
    recipients = {n.to_address for n in escalations}
    assert len(recipients) >= 2  # supervisors and the compliance officer
    assert (
        AuditEvent.objects.filter(subject_id=str(complaint.pk), event_type="complaint.deadline_escalated").count() == 1
    )


def test_the_handler_is_reminded(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("investigating")
    clock.set("2026-03-15 08:00")
    actions.complaints_sweep()
    addresses = set(
        Notification.objects.filter(about_id=str(complaint.pk), purpose="deadline_2d").values_list(
            "to_address", flat=True
        )
    )
    assert f"staff:{desk.handler_staff.pk}" in addresses


def test_a_paused_clock_is_not_chased(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("paused")
    clock.set("2026-03-20 08:00")
    assert actions.complaints_sweep().escalated == 0
    assert purposes(complaint.pk) == []


def test_the_sweep_applies_a_further_extension_once_the_complainant_was_told(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("investigating")
    first = actions.complaint_request_extension(
        actor=desk.handler, complaint_id=complaint.pk, to_complexity="complex", reason="需调取多家医院病历"
    )
    actions.complaint_decide_extension(actor=desk.supervisor, extension_id=first.pk, approve=True)
    second = actions.complaint_request_extension(
        actor=desk.handler, complaint_id=complaint.pk, to_complexity="particularly_complex", reason="涉及司法鉴定"
    )
    actions.complaint_decide_extension(actor=desk.senior_manager, extension_id=second.pk, approve=True)

    assert actions.complaints_sweep().extensions_applied == 0
    second.refresh_from_db()
    notification_deliver(str(second.notice_id))
    assert actions.complaints_sweep().extensions_applied == 1
    assert Deadline.objects.get(complaint=complaint, active=True).rule_id == "CMP-T3"


def test_the_scheduler_enqueues_the_sweep_once_per_interval(clock: SettableClock, db: None) -> None:
    def sweeps() -> int:
        return DBTaskResult.objects.filter(task_path="xiaobao.complaints.tasks.sweep_deadlines").count()

    # the mailbox reading is a periodic task too now (#21: mail taken in without a command), and the hourly
    # housekeeping of #15 and #19 (expired drafts, old rate-limit counts, uploads a killed worker left spooled)
    assert enqueue_due_periodic_tasks() == [
        "reports.refresh_figures",  # the statistics summary (#18)
        "intake.take_in_mail",
        "ops.prune_rate_limit_hits",
        "ops.sweep_spooled_uploads",
        "intake.forget_expired_drafts",
        "complaints.sweep_deadlines",
        "claims.sweep_deadlines",
        "disputes.sweep_deadlines",  # mediation, the court's 30 days, the insurer's performance (#17)
        "rights.erase_after_retention",
        "insights.group_complaints",  # root causes, remediation reminders, the monthly fairness report (#18)
        "insights.sweep_remediation",
        "insights.report_fairness",
        "disclosure.publish_open_data",  # the open complaint data set, from the consents standing (#18)
        "sales.sweep_refund_deadlines",
        "sales.expire_recording_uploads",  # uploads that can no longer finish closed, their chunks deleted
        "complaints.sweep_receipts",  # write-behind intake's dead workers' receipts handed back (#20)
        "claims.sweep_receipts",  # and those of claims and their documents
    ]
    assert enqueue_due_periodic_tasks() == []
    clock.advance(minutes=11)
    enqueue_due_periodic_tasks()
    assert sweeps() == 2
