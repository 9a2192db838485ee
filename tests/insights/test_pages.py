"""/workbench/root-causes/ and /workbench/fairness/ (issue #18, CMP-S1, INC-4): every page and POST tried by
anonymous, a consumer, the other insurer's compliance officer, staff without the role and compliance — what a
refusal leaves (nothing), what a rejected form keeps, and that a repeated submission records one action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client

from tests.conftest import World
from tests.insights.conftest import SURRENDER, WAITING, complaint
from tests.support.clock import SettableClock
from tests.support.matrix import consumer_with_account, row_counts
from xiaobao.insights.actions import action_record, complaints_group
from xiaobao.insights.models import RemediationAction, RootCauseGroup
from xiaobao.kernel.actors import SYSTEM, Role

pytestmark = pytest.mark.django_db

WHO = ("anonymous", "consumer", "other_insurer_compliance", "staff_without_role", "compliance")


@dataclass
class Stage:
    group: RootCauseGroup
    owner_id: int
    open_actions: list[RemediationAction]


@pytest.fixture
def stage(world: World, clock: SettableClock) -> Stage:
    for i, text in enumerate([*WAITING, *SURRENDER]):
        complaint(world.ours, world.ours.consumer(), text, clock.moment - timedelta(days=10, hours=i))
    run = complaints_group(actor=SYSTEM, insurer_id=world.ours.insurer.pk)
    group = RootCauseGroup.objects.get(run_id=run.run_id, number=1)
    owner, _ = world.ours.staff(Role.SUPERVISOR)
    _, officer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    actions = [
        action_record(
            actor=officer,
            group_id=group.pk,
            what=f"整改 {n}",
            owner_id=owner.pk,
            due_on=clock.moment.date() + timedelta(days=20),
        )
        for n in range(2)
    ]
    return Stage(group, owner.pk, actions)


def browser(world: World, who: str) -> Client:
    client = Client()
    if who == "anonymous":
        return client
    if who == "consumer":
        client.force_login(consumer_with_account(world.ours.insurer.pk))
        return client
    tenant, roles = {
        "other_insurer_compliance": (world.theirs, (Role.COMPLIANCE_OFFICER,)),
        "staff_without_role": (
            world.ours,
            (Role.HANDLER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR, Role.SENIOR_MANAGER),
        ),
        "compliance": (world.ours, (Role.COMPLIANCE_OFFICER,)),
    }[who]
    staff, _ = tenant.staff(*roles)
    client.force_login(staff.user)
    return client


def action_form(stage: Stage, **changes: str) -> dict[str, str]:
    return {"what": "销售话术补充等待期告知", "owner": str(stage.owner_id), "due_on": "2026-03-30",
            "token": "t-1"} | changes  # fmt: skip


def attempts(stage: Stage) -> list[tuple[str, str, dict[str, str] | None]]:
    group, (first, second) = stage.group.pk, stage.open_actions
    return [
        ("get", "/workbench/root-causes/", None),
        ("get", f"/workbench/root-causes/{group}/", None),
        ("post", f"/workbench/root-causes/{group}/actions/", action_form(stage)),
        ("post", f"/workbench/root-causes/actions/{first.pk}/progress/", {"progress": "话术已修订"}),
        ("post", f"/workbench/root-causes/actions/{second.pk}/complete/", {}),
        ("get", "/workbench/fairness/?month=2026-02", None),
    ]


@pytest.mark.parametrize("who", WHO)
def test_every_page_and_post_is_for_compliance_of_the_insurer_only_and_a_refusal_changes_nothing(
    world: World, stage: Stage, who: str
) -> None:
    client = browser(world, who)
    answers = []
    for method, path, form in attempts(stage):
        before = row_counts()
        answer = getattr(client, method)(path, form) if form is not None else getattr(client, method)(path)
        answers.append(answer.status_code)
        if who != "compliance":
            assert row_counts() == before, f"{who} {method} {path} left rows behind"
            if who == "anonymous":
                assert answer["Location"].startswith("/accounts/login/")
    refused = {"anonymous": 302}.get(who, 404)
    expected = {
        "compliance": [200, 200, 302, 302, 302, 200],
        # their own (empty) pages; our group and actions: not found
        "other_insurer_compliance": [200, 404, 404, 404, 404, 200],
    }.get(who, [refused] * 6)
    assert answers == expected


@pytest.mark.parametrize("who", ["anonymous", "consumer", "staff_without_role"])
def test_asking_for_a_grouping_is_refused_to_anyone_but_compliance_and_queues_nothing(
    world: World, stage: Stage, who: str
) -> None:
    client = browser(world, who)
    before = row_counts()
    answer = client.post("/workbench/root-causes/run/")
    assert answer.status_code == (302 if who == "anonymous" else 404)
    assert row_counts() == before


def test_compliance_asks_for_a_grouping_and_the_worker_is_given_it_once(world: World, stage: Stage) -> None:
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.count()
    client = browser(world, "compliance")
    answers = [client.post("/workbench/root-causes/run/").status_code for _ in range(2)]
    assert answers == [302, 302]  # pressed twice before the worker got to it: one grouping queued
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == before + 1
    assert task is not None
    assert task.task_path == "xiaobao.insights.tasks.group_complaints"
    assert task.args_kwargs["args"][0] == world.ours.insurer.pk


def test_the_other_insurers_compliance_sees_none_of_our_groups(world: World, stage: Stage) -> None:
    page = browser(world, "other_insurer_compliance").get("/workbench/root-causes/").content.decode()
    assert f"/workbench/root-causes/{stage.group.pk}/" not in page
    assert not any(term in page for term in stage.group.top_terms)


def test_the_group_page_shows_size_terms_examples_and_trend(world: World, stage: Stage) -> None:
    page = browser(world, "compliance").get(f"/workbench/root-causes/{stage.group.pk}/").content.decode()
    assert '<dd id="group-size">4</dd>' in page
    assert "等待期" in page
    assert page.count("/workbench/complaints/") == 4
    assert "2026-02" in page


def test_a_rejected_action_keeps_what_was_typed_and_records_nothing(world: World, stage: Stage) -> None:
    before = RemediationAction.objects.count()
    answer = browser(world, "compliance").post(
        f"/workbench/root-causes/{stage.group.pk}/actions/", action_form(stage, due_on="")
    )
    assert answer.status_code == 400
    assert "销售话术补充等待期告知" in answer.content.decode()
    assert RemediationAction.objects.count() == before


def test_an_owner_of_another_insurer_is_refused_on_the_form(world: World, stage: Stage) -> None:
    theirs, _ = world.theirs.staff(Role.SUPERVISOR)
    before = RemediationAction.objects.count()
    answer = browser(world, "compliance").post(
        f"/workbench/root-causes/{stage.group.pk}/actions/", action_form(stage, owner=str(theirs.pk))
    )
    assert answer.status_code == 400
    assert RemediationAction.objects.count() == before


def test_the_same_form_sent_twice_records_one_action(world: World, stage: Stage) -> None:
    client = browser(world, "compliance")
    before = RemediationAction.objects.count()
    for _ in range(2):
        assert client.post(f"/workbench/root-causes/{stage.group.pk}/actions/", action_form(stage)).status_code == 302
    assert RemediationAction.objects.count() == before + 1
