"""Clocks: received earlier than registered, complex (CMP-T2), the further 30 days (CMP-T3) and its conditions."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.support.clock import SHANGHAI, SettableClock
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.domain.clocks import (
    ComplainantNotYetTold,
    ExtensionNeedsApproval,
    ExtensionNeedsSeniorApproval,
    ExtensionOutOfOrder,
)
from xiaobao.complaints.models import Complaint, Deadline, Extension
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.kernel.errors import NotFound, PermissionDenied
from xiaobao.notifications.actions import notification_deliver

pytestmark = pytest.mark.django_db


def active(complaint: Complaint) -> Deadline:
    return Deadline.objects.get(complaint=complaint, active=True)


def test_a_letter_received_before_it_was_registered_counts_from_receipt(desk: Desk, clock: SettableClock) -> None:
    clock.set("2026-03-06 16:00")  # registered Friday
    letter_arrived = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)  # the post room stamped Monday

    complaint = desk.register(channel="letter", received_at=letter_arrived)

    assert complaint.received_on == date(2026, 3, 2)
    assert complaint.registered_at.date() == date(2026, 3, 6)
    assert active(complaint).due == date(2026, 3, 17)


def test_marking_a_case_complex_needs_a_supervisor_and_gives_30_days(desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    extension = actions.complaint_request_extension(
        actor=desk.handler, complaint_id=complaint.pk, to_complexity="complex", reason="需调取多家医院病历"
    )

    with pytest.raises(NotFound):  # the requester cannot approve their own request
        actions.complaint_decide_extension(actor=desk.handler, extension_id=extension.pk, approve=True)
    actions.complaint_decide_extension(actor=desk.supervisor, extension_id=extension.pk, approve=True)

    deadline = active(complaint)
    assert (deadline.rule_id, deadline.start, deadline.due) == ("CMP-T2", date(2026, 3, 2), date(2026, 4, 1))
    assert Complaint.objects.get(pk=complaint.pk).complexity == "complex"


def _complex(desk: Desk) -> Complaint:
    complaint = desk.in_state("investigating")
    first = actions.complaint_request_extension(
        actor=desk.handler, complaint_id=complaint.pk, to_complexity="complex", reason="需调取多家医院病历"
    )
    actions.complaint_decide_extension(actor=desk.supervisor, extension_id=first.pk, approve=True)
    return complaint


def test_the_further_30_days_before_the_first_extension_is_refused(desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    with pytest.raises(ExtensionOutOfOrder):
        actions.complaint_request_extension(
            actor=desk.handler, complaint_id=complaint.pk, to_complexity="particularly_complex", reason="涉及司法鉴定"
        )


def test_the_further_30_days_are_refused_without_approval(desk: Desk) -> None:
    complaint = _complex(desk)
    extension = actions.complaint_request_extension(
        actor=desk.handler, complaint_id=complaint.pk, to_complexity="particularly_complex", reason="涉及司法鉴定"
    )

    with pytest.raises(ExtensionNeedsApproval):
        actions.complaint_apply_extension(actor=desk.handler, extension_id=extension.pk)
    with pytest.raises(ExtensionNeedsSeniorApproval):  # a supervisor of the same branch is not enough
        actions.complaint_decide_extension(actor=desk.supervisor, extension_id=extension.pk, approve=True)

    assert active(complaint).rule_id == "CMP-T2"


def test_the_further_30_days_do_not_take_effect_before_the_complainant_is_told(desk: Desk) -> None:
    complaint = _complex(desk)
    extension = actions.complaint_request_extension(
        actor=desk.handler, complaint_id=complaint.pk, to_complexity="particularly_complex", reason="涉及司法鉴定"
    )
    actions.complaint_decide_extension(actor=desk.senior_manager, extension_id=extension.pk, approve=True)
    extension.refresh_from_db()
    assert extension.notice is not None
    assert "涉及司法鉴定" in extension.notice.body
    events_before = AuditEvent.objects.count()

    with pytest.raises(ComplainantNotYetTold):
        actions.complaint_apply_extension(actor=desk.handler, extension_id=extension.pk)
    assert active(complaint).rule_id == "CMP-T2"
    assert AuditEvent.objects.count() == events_before

    notification_deliver(str(extension.notice.pk))  # the SMS goes out: proof recorded
    actions.complaint_apply_extension(actor=desk.handler, extension_id=extension.pk)

    deadline = active(complaint)
    assert (deadline.rule_id, deadline.due) == ("CMP-T3", date(2026, 5, 6))  # 60 days from 03-02 is 05-01, a holiday
    assert AuditEvent.objects.filter(subject_id=str(complaint.pk), event_type="complaint.extended").count() == 2


def test_a_supervisor_of_the_higher_level_office_may_approve_the_further_30_days(desk: Desk) -> None:
    complaint = _complex(desk)
    extension = actions.complaint_request_extension(
        actor=desk.handler, complaint_id=complaint.pk, to_complexity="particularly_complex", reason="涉及司法鉴定"
    )
    actions.complaint_decide_extension(actor=desk.province_supervisor, extension_id=extension.pk, approve=True)
    extension.refresh_from_db()
    assert extension.approved is True


def test_a_handler_cannot_approve_an_extension(desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    extension = actions.complaint_request_extension(
        actor=desk.other_handler_staff and desk.handler,
        complaint_id=complaint.pk,
        to_complexity="complex",
        reason="需调取多家医院病历",
    )
    with pytest.raises((NotFound, PermissionDenied)):
        actions.complaint_decide_extension(actor=desk.other_handler, extension_id=extension.pk, approve=True)


def test_an_extended_pause_keeps_counting_the_paused_days(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("investigating")
    clock.advance(days=1)
    actions.complaint_pause(actor=desk.handler, complaint_id=complaint.pk, kind="mediation")
    clock.advance(days=10)
    actions.complaint_resume(actor=desk.handler, complaint_id=complaint.pk)
    extension = actions.complaint_request_extension(
        actor=desk.handler, complaint_id=complaint.pk, to_complexity="complex", reason="调解未果，需补充调查"
    )
    actions.complaint_decide_extension(actor=desk.supervisor, extension_id=extension.pk, approve=True)

    deadline = active(complaint)
    assert (deadline.rule_id, deadline.paused_days, deadline.due) == ("CMP-T2", 10, date(2026, 4, 13))


def test_system_actions_run_without_a_staff_identity(desk: Desk) -> None:
    complaint = desk.in_state("registered")
    actions.complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)
    assert Complaint.objects.get(pk=complaint.pk).state == "accepted"


def test_a_complaint_due_in_a_year_without_a_calendar_is_registered_with_a_provisional_date(
    desk: Desk, clock: SettableClock
) -> None:
    from xiaobao.calendars.models import CalendarDay, CalendarYear
    from xiaobao.calendars.selectors import business_calendar

    clock.set("2026-12-20 10:00")
    complaint = desk.register(received_at=clock.now())
    deadline = Deadline.objects.get(complaint=complaint, active=True)
    assert (deadline.due, deadline.provisional) == (date(2027, 1, 4), True)  # 15 days, no roll-forward known
    assert actions.complaints_sweep().confirmed == 0

    year = CalendarYear.objects.create(year=2027, source="国务院办公厅通知（测试）")
    CalendarDay.objects.create(calendar_year=year, date=date(2027, 1, 4), kind=CalendarDay.HOLIDAY, name="测试")
    business_calendar.cache_clear()
    try:
        assert actions.complaints_sweep().confirmed == 1
        deadline.refresh_from_db()
        assert (deadline.due, deadline.provisional) == (date(2027, 1, 5), False)
        confirmed = AuditEvent.objects.get(subject_id=str(complaint.pk), event_type="complaint.deadline_confirmed")
        assert (confirmed.old_values["due"], confirmed.new_values["due"]) == ("2027-01-04", "2027-01-05")
        assert confirmed.visible_to_consumer
    finally:
        CalendarYear.objects.filter(year=2027).delete()
        business_calendar.cache_clear()


def _further_requested(desk: Desk, **overrides: object) -> Extension:
    complaint = desk.in_state("investigating", **overrides)
    first = actions.complaint_request_extension(
        actor=desk.supervisor, complaint_id=complaint.pk, to_complexity="complex", reason="需调取多家医院病历"
    )
    actions.complaint_decide_extension(actor=desk.province_supervisor, extension_id=first.pk, approve=True)
    return actions.complaint_request_extension(
        actor=desk.supervisor, complaint_id=complaint.pk, to_complexity="particularly_complex", reason="涉及司法鉴定"
    )


def test_a_senior_manager_of_the_handling_office_cannot_approve_its_further_30_days(desk: Desk) -> None:
    """Before: any senior manager approved CMP-T3, one of the handling office itself included."""
    world = desk.world.ours
    _, same_office_senior = world.staff(Role.SENIOR_MANAGER, branch=world.province)
    extension = _further_requested(desk, handling_branch_id=world.province.pk)
    events_before = AuditEvent.objects.count()

    with pytest.raises(ExtensionNeedsSeniorApproval):
        actions.complaint_decide_extension(actor=same_office_senior, extension_id=extension.pk, approve=True)

    extension.refresh_from_db()
    assert extension.approved is None
    assert AuditEvent.objects.count() == events_before


def test_a_head_office_senior_manager_approves_the_further_30_days_and_the_office_is_recorded(desk: Desk) -> None:
    world = desk.world.ours
    _, head_office_senior = world.staff(Role.SENIOR_MANAGER, branch=world.head_office)
    extension = _further_requested(desk, handling_branch_id=world.province.pk)

    actions.complaint_decide_extension(actor=head_office_senior, extension_id=extension.pk, approve=True)

    extension.refresh_from_db()
    assert extension.approved is True
    assert extension.decided_at_office == world.head_office


def test_an_approver_of_the_higher_level_office_approves_the_further_30_days(desk: Desk) -> None:
    extension = _further_requested(desk)  # handled by the city branch; the provincial branch is above it
    actions.complaint_decide_extension(actor=desk.senior_manager, extension_id=extension.pk, approve=True)
    extension.refresh_from_db()
    assert extension.approved is True
    assert extension.decided_at_office == desk.world.ours.province


def test_the_case_page_shows_who_approved_the_further_30_days_and_from_which_office(desk: Desk) -> None:
    from django.test import Client

    from xiaobao.identity.models import Staff

    extension = _further_requested(desk)
    actions.complaint_decide_extension(actor=desk.senior_manager, extension_id=extension.pk, approve=True)
    client = Client()
    client.force_login(Staff.objects.get(pk=desk.supervisor.staff_id).user)
    page = client.get(f"/workbench/complaints/{extension.complaint_id}/").content.decode()
    approver = Staff.objects.get(pk=desk.senior_manager.staff_id)
    assert f"{approver.display_name} ({desk.world.ours.province.name})" in page


def test_an_elderly_complaint_comes_before_an_equal_one_and_has_a_shorter_internal_target(desk: Desk) -> None:
    """INC-E3. Before: the queue ordered by due date only, and no internal target was shorter for them."""
    from xiaobao.complaints import selectors
    from xiaobao.demo.data import ELDER_RESIDENT_ID

    younger = desk.register()  # registered first, due the same day
    elder = desk.world.ours.consumer(name="赵大爷", resident_id=ELDER_RESIDENT_ID)
    older = desk.register(complainant_id=elder.pk)

    queue = [row.complaint.pk for row in selectors.queue(desk.supervisor, selectors.QueueFilters())]
    assert queue.index(older.pk) < queue.index(younger.pk)
    assert active(older).due == active(younger).due == date(2026, 3, 17)
    assert active(older).target == date(2026, 3, 10)  # half of the 15 days, rounded up
    assert active(younger).target is None


def test_whether_the_internal_target_was_met_is_recorded_with_the_notice(desk: Desk) -> None:
    from xiaobao.demo.data import ELDER_RESIDENT_ID

    elder = desk.world.ours.consumer(name="赵大爷", resident_id=ELDER_RESIDENT_ID)
    complaint = desk.in_state("notified", complainant_id=elder.pk)
    notified = AuditEvent.objects.get(subject_id=str(complaint.pk), event_type="complaint.notified")
    assert notified.new_values["target_met"] is True


def test_an_insurer_may_ask_for_the_head_office_alone_never_for_less(desk: Desk) -> None:
    world = desk.world.ours
    world.insurer.further_extension_by_head_office_only = True
    world.insurer.save(update_fields=["further_extension_by_head_office_only"])
    _, head_office_senior = world.staff(Role.SENIOR_MANAGER, branch=world.head_office)
    extension = _further_requested(desk)  # handled by the city branch

    with pytest.raises(ExtensionNeedsSeniorApproval):  # the higher-level office is no longer enough here
        actions.complaint_decide_extension(actor=desk.senior_manager, extension_id=extension.pk, approve=True)
    actions.complaint_decide_extension(actor=head_office_senior, extension_id=extension.pk, approve=True)

    extension.refresh_from_db()
    assert extension.decided_at_office == world.head_office


def test_a_new_urban_residents_complaint_is_handled_first_too(desk: Desk) -> None:
    """INC-3 asks for priority response to new urban residents' complaints (before: flagged, nothing more)."""
    from xiaobao.complaints import selectors

    resident = desk.world.ours.consumer(name="王新", new_urban_resident=True)
    others = desk.register()
    theirs = desk.register(complainant_id=resident.pk)

    queue = [row.complaint.pk for row in selectors.queue(desk.supervisor, selectors.QueueFilters())]
    assert queue.index(theirs.pk) < queue.index(others.pk)
    assert active(theirs).target == date(2026, 3, 10)
