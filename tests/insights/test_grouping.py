"""CMP-S1 grouping run over an insurer's stored complaints: groups of similar texts, their terms free of every
complainant's name, phone and ID number (checked against the encrypted originals), new complaints joining a group
under remediation by nearest centroid, and the effect of a completed action counted in equal windows."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from django.db import connection

from tests.conftest import World
from tests.insights.conftest import SURRENDER, WAITING, complaint
from tests.support.clock import SHANGHAI, SettableClock
from tests.support.world import fresh_resident_id
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Consumer
from xiaobao.insights.actions import action_complete, action_record, complaints_group
from xiaobao.insights.models import GroupingRun, GroupMember, RootCauseGroup
from xiaobao.insights.selectors import group_view
from xiaobao.kernel.actors import SYSTEM, Role

pytestmark = pytest.mark.django_db

NAMES = ["欧阳娜娜", "王建国", "李秀英", "张伟", "刘德明", "陈静怡", "赵志刚"]


def personal_texts(world: World, texts: list[str], start: datetime) -> list[Complaint]:
    """Each complaint by another person whose name, phone and ID number the text itself repeats."""
    made = []
    for i, text in enumerate(texts):
        name, phone, rid = NAMES[i % len(NAMES)], f"1390000{i:04d}", fresh_resident_id()
        person = world.ours.consumer(name=name, phone=phone, resident_id=rid)
        said = f"我是{name}，电话{phone}，身份证号{rid}。{text}。{name[-2:]}希望尽快处理"
        made.append(complaint(world.ours, person, said, start + timedelta(hours=i)))
    return made


def test_similar_complaints_are_grouped_and_different_ones_apart(world: World, clock: SettableClock) -> None:
    # given our insurer's complaints about waiting periods and about surrender fees, and the other insurer's
    made = personal_texts(
        world, [*WAITING, *SURRENDER, "网点排队时间太长，工作人员态度差"], clock.moment - timedelta(days=20)
    )
    theirs = complaint(world.theirs, world.theirs.consumer(name="孙丽"), WAITING[0], clock.moment - timedelta(days=3))
    # when the run groups our complaints
    result = complaints_group(actor=SYSTEM, insurer_id=world.ours.insurer.pk)
    # then two groups: the waiting-period complaints and the surrender ones; the odd one and theirs in none
    groups = RootCauseGroup.objects.filter(run_id=result.run_id).order_by("number")
    members = [set(GroupMember.objects.filter(group=g).values_list("complaint_id", flat=True)) for g in groups]
    assert members == [{c.pk for c in made[:4]}, {c.pk for c in made[4:7]}]
    assert theirs.pk not in set().union(*members)
    assert "等待期" in groups[0].top_terms
    assert "退保" in groups[1].top_terms
    # and the run is audited once, with counts only
    event = AuditEvent.objects.get(subject_type="insights.groupingrun", subject_id=str(result.run_id))
    assert event.event_type == "insights.complaints_grouped"
    assert (result.complaints, result.groups) == (8, 2)


def test_stored_terms_hold_no_name_phone_or_id_of_any_complainant(world: World, clock: SettableClock) -> None:
    # given complaints whose texts repeat their complainants' names, phones and ID numbers
    made = personal_texts(world, [*WAITING, *SURRENDER] * 2, clock.moment - timedelta(days=30))
    # when grouped
    complaints_group(actor=SYSTEM, insurer_id=world.ours.insurer.pk)
    # then the texts are stored encrypted (the plain words are not in the table) ...
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM complaints_complaint WHERE id = %s", [made[0].pk])
        (raw,) = cursor.fetchone()
    assert NAMES[0] not in str(raw)
    assert "等待期" not in str(raw)
    # ... and nothing the insights keep holds a piece of any complainant's name, phone or ID number
    stored = json.dumps(
        [list(RootCauseGroup.objects.values_list("top_terms", "centroid")), list(GroupingRun.objects.values())],
        ensure_ascii=False,
        default=str,
    )
    terms = {t for g in RootCauseGroup.objects.all() for t in [*g.top_terms, *g.centroid]}
    assert terms
    for person in Consumer.objects.filter(pk__in=[c.complainant_id for c in made]):
        assert person.phone not in stored
        assert person.resident_id not in stored
        pieces = {person.name[i : i + 2] for i in range(len(person.name) - 1)}
        assert not any(piece in term for piece in pieces for term in terms), person.name
    assert not any(ch.isdigit() for term in terms for ch in term)


def test_new_complaints_join_a_group_under_remediation_and_its_effect_is_counted(
    world: World, clock: SettableClock
) -> None:
    # given a waiting-period group with an action, completed 30 days ago
    _, officer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    owner, _ = world.ours.staff(Role.SUPERVISOR)
    start = clock.moment
    personal_texts(world, [*WAITING, *WAITING, *SURRENDER], start - timedelta(days=20))
    first = complaints_group(actor=SYSTEM, insurer_id=world.ours.insurer.pk)
    waiting = RootCauseGroup.objects.get(run_id=first.run_id, number=1)
    action = action_record(actor=officer, group_id=waiting.pk, what="销售话术补充等待期告知", owner_id=owner.pk,
                           due_on=date(2026, 3, 20))  # fmt: skip
    clock.moment = start + timedelta(days=1)
    action_complete(actor=officer, action_id=action.pk)
    # and, after the completion, one more waiting-period complaint and one about something else
    late = personal_texts(world, [WAITING[1], "网点排队时间太长"], start + timedelta(days=5))
    clock.moment = start + timedelta(days=31)
    # when the complaints are grouped again
    second = complaints_group(actor=SYSTEM, insurer_id=world.ours.insurer.pk)
    # then the late waiting-period complaint joined the group under remediation, marked as joined by centroid
    joined = GroupMember.objects.get(group=waiting, complaint=late[0])
    assert joined.by_centroid
    assert not GroupMember.objects.filter(group=waiting, complaint=late[1]).exists()
    assert second.followed == 1
    # and the effect: 30-day windows either side of the completion day — 8 before, 1 after
    (row,) = group_view(officer, waiting.pk).actions
    assert row.effect is not None
    assert row.effect.windows is not None
    assert (row.effect.windows.days, row.effect.before, row.effect.after) == (30, 8, 1)
    assert row.effect.change == pytest.approx(-7 / 8)


def test_the_trend_counts_a_groups_complaints_by_month_in_beijing_time(world: World, clock: SettableClock) -> None:
    # given two complaints received late on 31 January Beijing time (still January there) and two in February
    moments = [datetime(2026, 1, 31, 23, 30, tzinfo=SHANGHAI), datetime(2026, 1, 31, 23, 50, tzinfo=SHANGHAI),
               datetime(2026, 2, 3, 9, 0, tzinfo=SHANGHAI), datetime(2026, 2, 4, 9, 0, tzinfo=SHANGHAI)]  # fmt: skip
    for moment in moments:
        complaint(world.ours, world.ours.consumer(), WAITING[1], moment)
    _, officer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    run = complaints_group(actor=SYSTEM, insurer_id=world.ours.insurer.pk)
    group = RootCauseGroup.objects.get(run_id=run.run_id, number=1)
    assert group_view(officer, group.pk).trend == [("2026-01", 2), ("2026-02", 2)]


def test_the_daily_task_groups_every_insurers_complaints_apart(world: World, clock: SettableClock) -> None:
    from xiaobao.insights.tasks import group_complaints

    for tenant in (world.ours, world.theirs):
        for text in WAITING:
            complaint(tenant, tenant.consumer(), text, clock.moment - timedelta(days=2))
    assert group_complaints.call() == 2
    runs = GroupingRun.objects.all()
    assert sorted(run.insurer_id for run in runs) == sorted([world.ours.insurer.pk, world.theirs.insurer.pk])
    for run in runs:
        members = GroupMember.objects.filter(group__run=run)
        assert {m.complaint.insurer_id for m in members} == {run.insurer_id}


def test_the_periodic_tasks_are_scheduled() -> None:
    from django.conf import settings
    from django.utils.module_loading import import_string

    for name in ("insights.group_complaints", "insights.sweep_remediation", "insights.report_fairness"):
        spec = settings.XIAOBAO_PERIODIC_TASKS[name]
        assert import_string(spec["task"]).name == name.split(".")[1]
