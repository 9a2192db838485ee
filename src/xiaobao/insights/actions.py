"""Root-cause and fairness writes (CMP-S1, INC-4): a grouping run per insurer, remediation actions recorded,
progressed and completed (each one audited), their reminders, and the monthly fairness report to compliance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.identity.access import require, require_for_insurer
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.selectors import staff_with
from xiaobao.insights import access, events
from xiaobao.insights.domain import grouping, remediation
from xiaobao.insights.domain.words import words
from xiaobao.insights.models import (
    ActionReminder,
    FairnessReportSent,
    GroupingRun,
    GroupMember,
    RemediationAction,
    RootCauseGroup,
)
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.notifications.actions import tell_staff
from xiaobao.ops import clock, idempotency


class DueDateInPast(InvalidInput):
    code = "due_date_in_past"
    default_message = _("The due date cannot be before today.")


class ActionAlreadyDone(InvalidInput):
    code = "action_already_done"
    default_message = _("This action is already complete.")


def _staff_only(actor: Actor, permission: Permission) -> tuple[int, int]:
    require(actor, permission)
    if actor.kind is not ActorKind.STAFF or actor.insurer_id is None or actor.staff_id is None:
        raise PermissionDenied()
    return actor.insurer_id, actor.staff_id


@dataclass(frozen=True)
class RunResult:
    run_id: int
    complaints: int
    groups: int
    followed: int


def grouping_request(*, actor: Actor) -> None:
    """Compliance asks for its insurer's complaints to be grouped now: the worker does it (``tasks``). Asked again
    while that grouping waits or runs, nothing more is queued."""
    insurer_id, staff_id = _staff_only(actor, Permission.VIEW_INSIGHTS)
    from django_tasks_db.models import DBTaskResult

    from xiaobao.insights.tasks import group_complaints

    waiting = DBTaskResult.objects.filter(
        task_path=group_complaints.module_path, status__in=["READY", "RUNNING"]
    ).values_list("args_kwargs", flat=True)
    if any(list(args.get("args", []))[:1] == [insurer_id] for args in waiting):
        return  # asked again before the worker got to it: one grouping is enough
    group_complaints.enqueue(insurer_id, staff_id)


def complaints_group(*, actor: Actor, insurer_id: int, requested_by: int | None = None) -> RunResult:
    """Group the insurer's recent complaints by the words of their texts (CMP-S1): the texts are decrypted and
    reduced to words here, in memory, and only the groups, their members and their terms are written. Complaints
    received since an earlier group under remediation was found join it by nearest centroid, so its effect can
    be measured. Run by the periodic task for every insurer, and on demand by compliance."""
    require_for_insurer(actor, Permission.VIEW_INSIGHTS, insurer_id)
    since = clock.now() - timedelta(days=settings.XIAOBAO_ROOT_CAUSE_DAYS)
    texts = list(access.texts_of(insurer_id, since))
    documents = [words(t.description, names=t.names) for t in texts]
    vectors = grouping.tfidf(documents)
    found = grouping.group(
        vectors,
        threshold=settings.XIAOBAO_ROOT_CAUSE_SIMILARITY,
        min_size=settings.XIAOBAO_ROOT_CAUSE_MIN_SIZE,
    )
    followed = list(
        RootCauseGroup.objects.filter(insurer_id=insurer_id, actions__isnull=False).select_related("run").distinct()
    )
    joins: list[tuple[int, int]] = []  # (group index in followed, text index)
    centroids = [g.centroid for g in followed]
    for i, (text, vector) in enumerate(zip(texts, vectors, strict=True)):
        k = grouping.nearest(vector, centroids, threshold=settings.XIAOBAO_ROOT_CAUSE_SIMILARITY)
        if k is not None and text.received_at > followed[k].run.finished_at:
            joins.append((k, i))
    return _save_run(
        actor,
        insurer_id=insurer_id,
        requested_by=requested_by,
        texts=texts,
        found=found,
        followed=followed,
        joins=joins,
    )


@transaction.atomic
def _save_run(
    actor: Actor,
    *,
    insurer_id: int,
    requested_by: int | None,
    texts: list[access.Text],
    found: list[grouping.Group],
    followed: list[RootCauseGroup],
    joins: list[tuple[int, int]],
) -> RunResult:
    run = GroupingRun.objects.create(
        insurer_id=insurer_id,
        requested_by_id=requested_by or actor.staff_id,
        finished_at=clock.now(),
        complaints=len(texts),
    )
    grouped = 0
    for number, found_group in enumerate(found, start=1):
        row = RootCauseGroup.objects.create(
            run=run,
            insurer_id=insurer_id,
            number=number,
            top_terms=found_group.top_terms(),
            centroid={t: round(w, 6) for t, w in found_group.centroid.items()},
        )
        GroupMember.objects.bulk_create(
            GroupMember(group=row, complaint_id=texts[i].complaint_id, received_at=texts[i].received_at)
            for i in found_group.members
        )
        grouped += len(found_group.members)
    before = GroupMember.objects.filter(group__in=followed).count()
    GroupMember.objects.bulk_create(
        (
            GroupMember(
                group=followed[k],
                complaint_id=texts[i].complaint_id,
                received_at=texts[i].received_at,
                by_centroid=True,
            )
            for k, i in joins
        ),
        ignore_conflicts=True,
    )
    joined = GroupMember.objects.filter(group__in=followed).count() - before
    record(
        event_type=events.COMPLAINTS_GROUPED,
        actor=actor,
        subject=run,
        insurer_id=insurer_id,
        new={"complaints": len(texts), "groups": len(found), "grouped": grouped, "followed": joined},
        first=True,
    )
    return RunResult(run.pk, len(texts), len(found), joined)


@transaction.atomic
def action_record(
    *, actor: Actor, group_id: int, what: str, owner_id: int, due_on: date, idempotency_key: str = ""
) -> RemediationAction:
    """Compliance records what will be done about a root cause, by whom (staff of the insurer) and by when."""
    insurer_id, staff_id = _staff_only(actor, Permission.REMEDIATE)
    hashed = idempotency.request_hash(group_id, what, owner_id, due_on.isoformat())
    if idempotency_key:
        seen = idempotency.previous_result("insights.action_record", actor.audit_id, idempotency_key, hashed)
        if seen is not None:
            return access.action_for(actor, seen)
    group = access.group_for(actor, group_id, for_update=True)
    owner = access.owner_for(actor, owner_id)
    if due_on < clock.today():
        raise DueDateInPast()
    action = RemediationAction.objects.create(
        insurer_id=insurer_id,
        group=group,
        what=what.strip(),
        owner=owner,
        due_on=due_on,
        recorded_by_id=staff_id,
        recorded_at=clock.now(),
    )
    if idempotency_key:
        idempotency.remember("insights.action_record", actor.audit_id, idempotency_key, hashed, action.pk)
    record(
        event_type=events.ACTION_RECORDED,
        actor=actor,
        subject=action,
        insurer_id=insurer_id,
        new={"group": group.pk, "owner": owner.pk, "due_on": due_on.isoformat()},
        first=True,
    )
    return action


@transaction.atomic
def action_progress(*, actor: Actor, action_id: int, progress: str) -> RemediationAction:
    """How far the action has got, in compliance's words (replaces the last note)."""
    _staff_only(actor, Permission.REMEDIATE)
    action = access.action_for(actor, action_id, for_update=True)
    if action.state == RemediationAction.DONE:
        raise ActionAlreadyDone()
    text = progress.strip()
    if text == action.progress:
        return action
    action.progress = text
    action.save(update_fields=["progress"])
    record(
        event_type=events.ACTION_PROGRESSED,
        actor=actor,
        subject=action,
        insurer_id=action.insurer_id,
        new={"characters": len(text)},
    )
    return action


@transaction.atomic
def action_complete(*, actor: Actor, action_id: int) -> RemediationAction:
    """The action is done today: from today on its group's complaints are counted after it. Twice is once."""
    _staff_only(actor, Permission.REMEDIATE)
    action = access.action_for(actor, action_id, for_update=True)
    if action.state == RemediationAction.DONE:
        return action
    action.state, action.completed_on = RemediationAction.DONE, clock.today()
    action.save(update_fields=["state", "completed_on"])
    record(
        event_type=events.ACTION_COMPLETED,
        actor=actor,
        subject=action,
        insurer_id=action.insurer_id,
        new={"state": action.state, "completed_on": action.completed_on.isoformat()},
    )
    return action


def remediation_sweep(*, today: date | None = None) -> int:
    """Remind the owner (and whoever recorded it) of each open action a few days before it is due, and once it
    is overdue: each reminder once. How many were sent."""
    today = today or clock.today()
    sent = 0
    for action_id in list(RemediationAction.objects.filter(state=RemediationAction.OPEN).values_list("pk", flat=True)):
        sent += _remind(action_id, today)
    return sent


@transaction.atomic
def _remind(action_id: int, today: date) -> int:
    action = (
        RemediationAction.objects.select_for_update()
        .select_related("owner__user", "recorded_by__user")
        .get(pk=action_id)
    )
    kind = remediation.reminder_due(
        due_on=action.due_on,
        today=today,
        done=action.state == RemediationAction.DONE,
        days_before=settings.XIAOBAO_REMEDIATION_REMIND_DAYS,
    )
    if kind is None or ActionReminder.objects.filter(action=action, kind=kind.value).exists():
        return 0
    if kind is remediation.Reminder.OVERDUE:
        body = gettext("A remediation action was due on %(due)s and is not complete: %(what)s")
    else:
        body = gettext("A remediation action is due on %(due)s: %(what)s")
    recipients = {action.owner_id: action.owner, action.recorded_by_id: action.recorded_by}
    tell_staff(
        actor=SYSTEM,
        staff=[s for s in recipients.values() if s.active],
        reference=f"RC-{action.group_id}",
        purpose=f"remediation_{kind.value}",
        body=body % {"due": action.due_on.isoformat(), "what": action.what},
        insurer_id=action.insurer_id,
        about=action,
    )
    ActionReminder.objects.create(action=action, kind=kind.value, sent_at=clock.now())
    return 1


def fairness_monthly(*, today: date | None = None) -> int:
    """Last month's fairness comparison put in each insurer's compliance inbox, once per insurer and month
    (INC-4). How many reports were sent."""
    from xiaobao.insights.selectors import fairness_report, previous_month

    month = previous_month(today or clock.today())
    sent = 0
    for insurer_id in access.insurer_ids():
        if not FairnessReportSent.objects.filter(insurer_id=insurer_id, month=month).exists():
            sent += _send_fairness(insurer_id, month, fairness_report)
    return sent


@transaction.atomic
def _send_fairness(insurer_id: int, month: date, report_of: Any) -> int:
    from xiaobao.insights.selectors import fairness_summary

    report = report_of(SYSTEM, insurer_id, month)
    sent, created = FairnessReportSent.objects.get_or_create(
        insurer_id=insurer_id, month=month, defaults={"flagged": report.flagged, "sent_at": clock.now()}
    )
    if not created:
        return 0
    recipients = staff_with(insurer_id, Role.COMPLIANCE_OFFICER)
    tell_staff(
        actor=SYSTEM,
        staff=recipients,
        reference=f"FAIR-{month:%Y-%m}",
        purpose="fairness_monthly",
        body=fairness_summary(report),
        insurer_id=insurer_id,
        about=sent,
    )
    record(
        event_type=events.FAIRNESS_REPORTED,
        actor=SYSTEM,
        subject=sent,
        insurer_id=insurer_id,
        new={"month": f"{month:%Y-%m}", "flagged": report.flagged},
        first=True,
    )
    return 1
